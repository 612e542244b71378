//! datatool as district staff use it: the binary, real files, exit codes
//! and the text it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn datatool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_datatool"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run datatool")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-datatool-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_published_sample_is_exactly_what_the_generator_makes() {
    let out = temp_dir("generate");
    let run = datatool(&[
        "generate",
        "--seed",
        "2026",
        "--count",
        "3000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert_eq!(
        manifest,
        std::fs::read_to_string(root().join("public/data/manifest.json")).unwrap()
    );
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name();
        let fresh = std::fs::read(out.join(&name)).unwrap();
        let published = std::fs::read(root().join("public/data").join(&name)).unwrap();
        assert!(
            fresh == published,
            "public/data/{name:?} differs from the generator's output"
        );
    }
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn validate_passes_the_published_data_and_names_each_problem() {
    let ok = datatool(&["validate", "public/data/manifest.json"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).ends_with("3000 valid, 0 skipped, 0 problems\n"),
        "{}",
        stdout(&ok)
    );

    let dir = temp_dir("validate");
    std::fs::create_dir_all(&dir).unwrap();
    let shard = std::fs::read_to_string(root().join("public/data/110101.geojson")).unwrap();
    let first_line = shard.lines().nth(1).unwrap();
    let id = first_line
        .split("\"id\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // Put a personal mobile number into the first record's phone field.
    let at = shard.find("\"phone\":\"").unwrap() + "\"phone\":\"".len();
    let end = at + shard[at..].find('"').unwrap();
    let broken = format!("{}139 1234 5678{}", &shard[..at], &shard[end..]);
    std::fs::write(dir.join("110101.geojson"), broken).unwrap();
    let bad = datatool(&["validate", dir.join("110101.geojson").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let report = stdout(&bad);
    assert!(
        report.starts_with(&format!("110101.geojson: error: feature 0 (id {id}), properties.phone: looks like a personal mobile")),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();

    let missing = datatool(&["validate", "no/such/manifest.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no/such/manifest.json"));
}

/// A publication of 40 sample facilities in a fresh directory.
fn small_publication(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let run = datatool(&[
        "generate",
        "--seed",
        "5",
        "--count",
        "40",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stdout(&run));
    dir
}

#[test]
fn validate_checks_the_manifest_against_its_shards() {
    let dir = small_publication("manifest");
    let shard = dir.join("110105.geojson");
    let text = std::fs::read_to_string(&shard).unwrap();
    std::fs::write(&shard, text.replacen("示例", "样例", 1)).unwrap();
    let bad = datatool(&["validate", dir.join("manifest.json").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad)
            .contains("110105.geojson: error: content does not match the manifest's sha256"),
        "{}",
        stdout(&bad)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn hours_answers_with_the_holiday_calendar() {
    let check = |value: &str, at: &str, expect: &str| {
        let run = datatool(&["hours", value, "--at", at]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(stdout(&run), expect, "{value} at {at}");
    };
    // Sunday 2025-01-26 was an adjusted working day.
    check(
        "Mo-Fr 08:00-17:00; PH off",
        "2025-01-26T10:00",
        "open\nnext change: 2025-01-26T17:00 -> closed\n",
    );
    // National Day 2026.
    check(
        "Mo-Fr 08:00-17:00; PH off",
        "2026-10-05T10:00",
        "closed\nnext change: 2026-10-08T08:00 -> open\n",
    );
    // A year without a published notice.
    check(
        "Mo-Fr 08:00-17:00; PH off",
        "2099-02-10T10:00",
        "unknown\nnext change: none within 14 days\n",
    );

    let bad = datatool(&[
        "hours",
        "Mo-Fr 08:00-17:00; Xy off",
        "--at",
        "2026-03-02T10:00",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("column 20"));
    let bad_time = datatool(&["hours", "24/7", "--at", "tomorrow"]);
    assert_eq!(bad_time.status.code(), Some(2));
}

#[test]
fn import_reports_every_row_of_a_messy_list() {
    for (file, crs) in [
        ("dongcheng-gcj02.csv", "gcj02"),
        ("dongcheng-bd09.xlsx", "bd09"),
    ] {
        let out = temp_dir(crs);
        let input = root().join("crates/datatool/tests/fixtures").join(file);
        let run = datatool(&[
            "import",
            input.to_str().unwrap(),
            "--crs",
            crs,
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2026-11-26",
            "--sample",
        ]);
        assert_eq!(
            run.status.code(),
            Some(1),
            "rows were rejected, so the exit code says so"
        );
        let report = std::fs::read_to_string(out.join("import-report.txt")).unwrap();
        assert_eq!(stdout(&run), report);
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(
            lines[1], "10 rows: 3 imported, 2 imported with warnings, 4 rejected, 1 empty",
            "{file}"
        );
        let expect = [
            "row 3 「【示例】朝阳门街道托育服务点」: warning: 联系电话: a personal mobile number was removed",
            "row 4 「【示例】交道口街道长者食堂」: warning: 开放时间: \"预约制，请电话联系\" has no known pattern",
            "row 5: empty row, skipped",
            "row 6 「【示例】东四街道养老助餐驿站」: REJECTED: duplicate of row 2",
            "row 7 「【示例】和平里街道便民服务站」: REJECTED: 经度/纬度: [117.2",
            "row 9 「【示例】北新桥街道文体活动站」: REJECTED: 服务内容: \"卡拉OK\" is not one of the nine service functions",
            "row 10 「【示例】景山街道养老驿站」: REJECTED: 床位/托位: 12 available is more than the 10 in total",
        ];
        assert_eq!(lines.len(), 2 + expect.len(), "{report}");
        for (line, start) in lines[2..].iter().zip(expect) {
            assert!(
                line.starts_with(start),
                "{file}: {line:?} should start with {start:?}"
            );
        }
        // What was imported validates, and is where the list meant it to be.
        let valid = datatool(&["validate", out.join("manifest.json").to_str().unwrap()]);
        assert_eq!(valid.status.code(), Some(0), "{}", stdout(&valid));
        let shard = std::fs::read_to_string(out.join("110101.geojson")).unwrap();
        let data = linli_facilities::dataset::parse_feature_collection(&shard).unwrap();
        let dongsi = data
            .facilities
            .iter()
            .find(|f| f.name.zh == "【示例】东四街道养老助餐驿站")
            .unwrap();
        let true_position = linli_facilities::geometry::LonLat::new(116.4182, 39.9301);
        assert!(
            dongsi.position.distance_m(true_position) < 5.0,
            "{file}: {:?}",
            dongsi.position
        );
        assert_eq!(
            dongsi.services[0].opening_hours.as_deref(),
            Some("Mo-Fr 08:00-11:30,13:30-17:00; PH off")
        );
        let canteen = data
            .facilities
            .iter()
            .find(|f| f.name.zh == "【示例】交道口街道长者食堂")
            .unwrap();
        assert_eq!(canteen.services[0].opening_hours, None);
        assert_eq!(
            canteen.services[0].hours_text.as_deref(),
            Some("预约制，请电话联系")
        );
        let nursery = data
            .facilities
            .iter()
            .find(|f| f.name.zh == "【示例】朝阳门街道托育服务点")
            .unwrap();
        assert_eq!(nursery.phone, None, "the personal mobile is not published");
        assert_eq!(nursery.last_verified.to_string(), "2026-11-18");
        let places = nursery.services[0].capacity.as_ref().unwrap();
        assert_eq!((places.available, places.total), (4, 40));
        assert!(!shard.contains("13812345678"));
        assert!(
            out.join("110115403.geojson").exists(),
            "the 经开区 row has its own shard"
        );
        std::fs::remove_dir_all(out).unwrap();
    }
}

#[test]
fn import_names_missing_columns() {
    let dir = temp_dir("columns");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("list.csv"), "名称,地址\n示例站,示例路1号\n").unwrap();
    let run = datatool(&[
        "import",
        dir.join("list.csv").to_str().unwrap(),
        "--crs",
        "wgs84",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("no column for district (所属区"), "{err}");
    assert!(err.contains("--mapping"), "{err}");

    // A mapping names the columns.
    std::fs::write(
        dir.join("list.csv"),
        "机构,区县名,X,Y,服务\n【示例】站,东城区,116.41,39.93,社区助餐\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("map.toml"),
        "[columns]\nname = \"机构\"\ndistrict = \"区县名\"\nlon = \"X\"\nlat = \"Y\"\nfunctions = \"服务\"\n",
    )
    .unwrap();
    let run = datatool(&[
        "import",
        dir.join("list.csv").to_str().unwrap(),
        "--crs",
        "wgs84",
        "--mapping",
        dir.join("map.toml").to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}{}",
        stdout(&run),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout(&run).contains("1 rows: 0 imported, 1 imported with warnings, 0 rejected, 0 empty"),
        "{}",
        stdout(&run)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn validate_checks_each_search_file_against_its_shard() {
    let dir = small_publication("search");
    let manifest_path = dir.join("manifest.json");
    let validate = || {
        let out = datatool(&["validate", manifest_path.to_str().unwrap()]);
        (out.status.code(), stdout(&out))
    };
    let (code, report) = validate();
    assert_eq!(code, Some(0), "{report}");

    // A shard edited and listed again, with its search file left as it was.
    let shard = dir.join("110105.geojson");
    let text = std::fs::read_to_string(&shard).unwrap();
    let edited = text.replacen("示例", "样例", 1);
    std::fs::write(&shard, &edited).unwrap();
    let listed = std::fs::read_to_string(&manifest_path).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&listed).unwrap();
    for entry in manifest["districts"].as_array_mut().unwrap() {
        if entry["code"] == "110105" {
            entry["sha256"] = linli_datatool::publish::sha256_hex(edited.as_bytes()).into();
            entry["bytes"] = edited.len().into();
        }
    }
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let (code, report) = validate();
    assert_eq!(code, Some(1));
    assert!(
        report.contains("110105.search: error: does not describe 110105.geojson as it is"),
        "{report}"
    );

    // A damaged search file is named with the byte at fault.
    std::fs::write(&shard, &text).unwrap();
    std::fs::write(&manifest_path, &listed).unwrap();
    let search = dir.join("110101.search");
    let bytes = std::fs::read(&search).unwrap();
    std::fs::write(&search, &bytes[..bytes.len() - 1]).unwrap();
    let (code, report) = validate();
    assert_eq!(code, Some(1));
    assert!(
        report.contains("110101.search: error: content does not match the manifest's sha256"),
        "{report}"
    );
    assert!(
        report.contains("110101.search: error: search file, byte "),
        "{report}"
    );

    std::fs::remove_file(&search).unwrap();
    let (code, report) = validate();
    assert_eq!(code, Some(1));
    assert!(
        report.contains("110101.search: error: listed in the manifest but cannot be read"),
        "{report}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
