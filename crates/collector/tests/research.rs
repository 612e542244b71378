//! District research through the router: who may read what, what the
//! exports hold, that small counts stay hidden in every export, the export
//! log and the retention job. Against SQLite, and PostgreSQL when
//! `LINLI_TEST_POSTGRES_URL` is set.

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use linli_collector::access::Scope;
use linli_collector::db::SurveyRow;
use linli_collector::{Db, WebConfig, app, retention};
use linli_facilities::districts::BEIJING;
use linli_facilities::places::{Place, PlaceList};
use linli_survey::publish::{DistrictDemand, recoverable};
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;
use common::databases;

/// The published sample dataset, as the collector finds it under `dist`.
fn dist_with_data() -> tempfile::TempDir {
    let dist = tempfile::tempdir().unwrap();
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    std::os::unix::fs::symlink(data.canonicalize().unwrap(), dist.path().join("data")).unwrap();
    dist
}

fn places() -> PlaceList {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../public/data/places.json");
    PlaceList::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn router(db: Db, dist: &tempfile::TempDir) -> Router {
    let web = WebConfig {
        dist: Some(dist.path().to_owned()),
        rate_per_minute: 0,
        ..WebConfig::default()
    };
    app(db, &web).layer(MockConnectInfo(std::net::SocketAddr::from((
        [127, 0, 0, 1],
        9,
    ))))
}

/// One answer from `place`, varied by `n`.
fn answer(place: &Place, n: u32) -> Value {
    let functions = ["elder_care", "meals", "infant_care", "health"];
    let f = functions[n as usize % functions.len()];
    let walk = [5, 10, 15, 20, 30][n as usize % 5];
    let comment = n.is_multiple_of(7).then(|| format!("第{n}号留言"));
    json!({
        "id": format!("5b0e4f1c-3d2a-4c8e-9f10-{:012x}", n),
        "questionnaire": 1,
        "consent": true,
        "community": {
            "district_code": place.district_code,
            "subdistrict": place.subdistrict,
            "community": place.community,
        },
        "household": {"age_0_3": n % 2, "age_3_6": 0, "age_6_12": 0, "age_12_18": 0, "age_18_59": 2, "age_60_79": (n / 2) % 2, "age_80_plus": 0},
        "needs": [{"function": f, "priority": 1}],
        "times": ["weekday_daytime"],
        "pay": [{"function": f, "band": (n % 6)}],
        "walk_minutes": walk,
        "comment": comment,
    })
}

/// Stores answers straight into the database, `received_at` seconds.
async fn store(db: &Db, body: &Value, received_at: i64) {
    let r: linli_survey::Response = serde_json::from_value(body.clone()).unwrap();
    linli_survey::validate(&r).unwrap();
    let canonical = serde_json::to_string(&r).unwrap();
    db.store_survey(&SurveyRow {
        id: &r.id,
        questionnaire: 1,
        district_code: &r.community.district_code,
        subdistrict: &r.community.subdistrict,
        community: &r.community.community,
        body: &canonical,
        body_sha256: "test",
        received_at,
        tally: linli_survey::aggregate::tally(&r) as i64,
    })
    .await
    .unwrap();
}

async fn get(
    r: &Router,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let mut request = Request::get(path);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let response = r
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap(), headers)
}

const ENDPOINTS: [&str; 4] = ["demand", "demand.json", "demand.csv", "responses.csv"];

#[tokio::test]
async fn every_district_token_reads_its_own_district_and_nothing_of_any_other() {
    let places = places();
    for (name, db, _dir) in databases().await {
        let dist = dist_with_data();
        // Answers in every district that has communities in the dataset.
        let mut n = 0;
        for d in &BEIJING {
            for place in places
                .places
                .iter()
                .filter(|p| p.district_code == d.code)
                .take(2)
            {
                for _ in 0..12 {
                    store(&db, &answer(place, n), 1_795_700_000).await;
                    n += 1;
                }
            }
        }
        let mut tokens = Vec::new();
        for d in &BEIJING {
            let t = db
                .create_token(&Scope::District(d.code.to_owned()), d.name_zh, 1)
                .await
                .unwrap();
            tokens.push((d.code, t.secret));
        }
        let city = db.create_token(&Scope::City, "市民政局", 1).await.unwrap();
        let r = router(db.clone(), &dist);
        let (_, unknown, _) = get(&r, "/api/v1/districts/999999/demand", Some(&city.secret)).await;
        for (own, secret) in &tokens {
            for d in &BEIJING {
                for endpoint in ENDPOINTS {
                    let path = format!("/api/v1/districts/{}/{endpoint}", d.code);
                    let (status, body, _) = get(&r, &path, Some(secret)).await;
                    if d.code == *own {
                        assert_eq!(status, StatusCode::OK, "{name} {own} {path}");
                    } else {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{name} {own} {path}");
                        // The same answer as for a district that does not
                        // exist: nothing about the other district.
                        assert_eq!(body, unknown, "{name} {own} {path}");
                    }
                }
            }
            let (status, body, _) = get(&r, "/api/v1/access", Some(secret)).await;
            assert_eq!(status, StatusCode::OK);
            let access: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(access["scope"], "district");
            assert_eq!(access["districts"].as_array().unwrap().len(), 1);
            assert_eq!(access["districts"][0]["code"], *own);
        }
        // The city reads every district's aggregates, but no raw answers.
        for d in &BEIJING {
            for endpoint in ["demand", "demand.json", "demand.csv"] {
                let path = format!("/api/v1/districts/{}/{endpoint}", d.code);
                let (status, _, _) = get(&r, &path, Some(&city.secret)).await;
                assert_eq!(status, StatusCode::OK, "{name} city {path}");
            }
            let path = format!("/api/v1/districts/{}/responses.csv", d.code);
            let (status, body, _) = get(&r, &path, Some(&city.secret)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name} city {path}");
            assert!(!body.contains("5b0e4f1c"), "{body}");
        }
        let (_, body, _) = get(&r, "/api/v1/access", Some(&city.secret)).await;
        let access: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(access["scope"], "city");
        assert_eq!(access["raw_export"], false);
        assert_eq!(access["districts"].as_array().unwrap().len(), BEIJING.len());
        // No token, a wrong one and a revoked one: 401 and nothing else.
        let path = "/api/v1/districts/110101/demand";
        let (status, body, headers) = get(&r, path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(headers.contains_key(header::WWW_AUTHENTICATE));
        assert!(body.contains("Authorization"), "{body}");
        let (status, _, _) = get(&r, path, Some("linli_not-a-token")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let dongcheng = db.tokens().await.unwrap();
        let id = &dongcheng
            .iter()
            .find(|t| t.scope == Scope::District("110101".to_owned()))
            .unwrap()
            .id;
        assert!(db.revoke_token(id, 2).await.unwrap());
        let (status, _, _) = get(&r, path, Some(&tokens[0].1)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: revoked");
    }
}

/// Fills one sub-district: `counts` answers in each of its communities.
async fn fill(db: &Db, communities: &[&Place], counts: &[u32], start: u32) -> u32 {
    let mut n = start;
    for (place, &count) in communities.iter().zip(counts) {
        for _ in 0..count {
            store(db, &answer(place, n), 1_795_700_000).await;
            n += 1;
        }
    }
    n
}

#[tokio::test]
async fn a_community_of_three_cannot_be_recovered_from_any_export() {
    let places = places();
    let (_, db, _dir) = databases().await.remove(0);
    let dist = dist_with_data();
    let dongcheng: Vec<&Place> = places
        .places
        .iter()
        .filter(|p| p.district_code == "110101")
        .collect();
    let mut by_sub: BTreeMap<&str, Vec<&Place>> = BTreeMap::new();
    for p in &dongcheng {
        by_sub.entry(p.subdistrict.as_str()).or_default().push(p);
    }
    let mut subs = by_sub.values().filter(|c| c.len() >= 4);
    let first = subs.next().unwrap();
    let second = subs.next().unwrap();
    // The community of three is first[0].
    let n = fill(&db, first, &[3, 14, 25, 40], 0).await;
    fill(&db, second, &[12, 30, 18, 22], n).await;
    let small = first[0];
    let token = db
        .create_token(&Scope::District("110101".to_owned()), "东城区", 1)
        .await
        .unwrap();
    let r = router(db.clone(), &dist);

    let (status, body, _) = get(&r, "/api/v1/districts/110101/demand", Some(&token.secret)).await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&body).unwrap();
    let demand: DistrictDemand = serde_json::from_value(doc["demand"].clone()).unwrap();
    let sub = demand
        .subdistricts
        .iter()
        .find(|s| s.name == small.subdistrict)
        .unwrap();
    let row = &sub
        .communities
        .iter()
        .find(|c| c.name == small.community)
        .unwrap()
        .row;
    assert_eq!(row.respondents, None, "3 respondents are withheld");
    assert_eq!(
        sub.communities
            .iter()
            .find(|c| c.name == small.community)
            .unwrap()
            .median_walk_minutes,
        None
    );
    // Every count of the community is withheld, zeros too (they would be
    // its households' "no" answers), and no withheld cell of the whole
    // publication follows from what is shown.
    let json_row = serde_json::to_value(row).unwrap();
    for value in flatten(&json_row) {
        assert!(value.is_null(), "{json_row}");
    }
    assert_eq!(recoverable(&demand), Vec::<String>::new());
    // The gap ranking uses published cells only.
    assert!(
        doc["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["community"] != small.community.as_str())
    );
    // The sub-district and district totals are there.
    assert_eq!(
        demand.total.respondents,
        Some(3 + 14 + 25 + 40 + 12 + 30 + 18 + 22)
    );

    // The CSV holds exactly the JSON's cells: a BOM, the same numbers, and
    // an empty cell wherever the JSON has null.
    let (status, csv, headers) = get(
        &r,
        "/api/v1/districts/110101/demand.csv",
        Some(&token.secret),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    let lines: Vec<Vec<String>> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .map(split_csv)
        .collect();
    let header_row = &lines[0];
    // Every line says where its supply comes from: the published sample.
    assert_eq!(header_row.last().unwrap(), "供给数据 supply_data");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.last().unwrap() == "示例数据 sample")
    );
    // What the codes and empty cells mean, for anyone, without a token.
    let (status, book, _) = get(&r, "/api/v1/codebook.csv", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(book.contains("supply_data,示例数据 sample,"), "{book}");
    let respondents = header_row
        .iter()
        .position(|h| h.ends_with(" respondents"))
        .unwrap();
    let line = lines
        .iter()
        .find(|l| l[1] == small.subdistrict && l[2] == small.community)
        .unwrap();
    let demand_columns = header_row
        .iter()
        .position(|h| h.ends_with(" reach_minutes"))
        .unwrap();
    for (i, cell) in line
        .iter()
        .enumerate()
        .take(demand_columns)
        .skip(respondents)
    {
        assert!(cell.is_empty() || cell == "0", "{} = {cell}", header_row[i]);
    }
    let mut unanswered = 0;
    for l in &lines[1..] {
        let level_row = match l[0].as_str() {
            "区 district" => Some(&demand.total),
            "街道 subdistrict" => demand
                .subdistricts
                .iter()
                .find(|s| s.name == l[1])
                .map(|s| &s.row),
            _ => demand
                .subdistricts
                .iter()
                .find(|s| s.name == l[1])
                .and_then(|s| s.communities.iter().find(|c| c.name == l[2]))
                .map(|c| &c.row),
        };
        let Some(level_row) = level_row else {
            // A community of the facility data no household has answered
            // from: listed for its supply, every count a true zero, no
            // median.
            assert_eq!(l[0], "社区 community", "{l:?}");
            for (i, cell) in l.iter().enumerate().take(demand_columns).skip(respondents) {
                let want = if i == respondents + 1 { "" } else { "0" };
                assert_eq!(cell, want, "{} in {l:?}", header_row[i]);
            }
            assert!(!l[demand_columns].is_empty(), "its reach: {l:?}");
            unanswered += 1;
            continue;
        };
        let cells = flatten(&serde_json::to_value(level_row).unwrap())
            .into_iter()
            .map(|v| v.as_u64().map(|n| n.to_string()).unwrap_or_default())
            .collect::<Vec<_>>();
        let mut csv_cells: Vec<String> = vec![l[respondents].clone()];
        csv_cells.extend(l[respondents + 2..demand_columns].iter().cloned());
        assert_eq!(csv_cells, cells, "{l:?}");
    }
    assert!(unanswered > 0, "the sample has communities with no answers");
    // Each community once.
    let mut communities: Vec<(&str, &str)> = lines[1..]
        .iter()
        .filter(|l| l[0] == "社区 community")
        .map(|l| (l[1].as_str(), l[2].as_str()))
        .collect();
    let listed = communities.len();
    communities.sort_unstable();
    communities.dedup();
    assert_eq!(communities.len(), listed);
}

/// The numbers of a published row, in the CSV's column order.
fn flatten(row: &Value) -> Vec<&Value> {
    let mut out = vec![&row["respondents"]];
    for key in [
        "households_with_band",
        "needs",
        "first_priority",
        "times",
        "walk",
    ] {
        out.extend(row[key].as_array().unwrap());
    }
    for per_function in row["pay"].as_array().unwrap() {
        out.extend(per_function.as_array().unwrap());
    }
    out
}

/// Splits one CSV line (quoted fields with doubled quotes).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[tokio::test]
async fn raw_answers_leave_out_comments_unless_asked_and_every_export_is_logged() {
    let places = places();
    for (name, db, _dir) in databases().await {
        let dist = dist_with_data();
        let place = places
            .places
            .iter()
            .find(|p| p.district_code == "110105")
            .unwrap();
        for n in 0..15 {
            store(&db, &answer(place, n), 1_795_712_400).await;
        }
        let token = db
            .create_token(&Scope::District("110105".to_owned()), "朝阳区", 1)
            .await
            .unwrap();
        let r = router(db.clone(), &dist);
        let path = "/api/v1/districts/110105/responses.csv";
        let (status, csv, headers) = get(&r, path, Some(&token.secret)).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(csv.starts_with('\u{feff}'));
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("linli-responses-110105.csv")
        );
        let lines: Vec<Vec<String>> = csv
            .trim_start_matches('\u{feff}')
            .lines()
            .map(split_csv)
            .collect();
        assert_eq!(lines.len(), 16, "a header and 15 answers");
        assert!(
            !csv.contains("留言 comment") && !csv.contains("第0号留言"),
            "{csv}"
        );
        // The day in Beijing, never the time.
        assert!(
            lines[1].contains(&"2026-11-27".to_owned()),
            "{:?}",
            lines[1]
        );
        assert!(!csv.contains("1795712400"));
        let (_, with, _) = get(&r, &format!("{path}?comments=1"), Some(&token.secret)).await;
        assert!(
            with.contains("留言 comment")
                && with.contains("第0号留言")
                && with.contains("第14号留言")
        );
        get(
            &r,
            "/api/v1/districts/110105/demand.csv",
            Some(&token.secret),
        )
        .await;
        get(&r, "/api/v1/districts/110105/demand", Some(&token.secret)).await;
        // The dashboard's download of the same document is logged apart.
        let (status, file, _) = get(
            &r,
            "/api/v1/districts/110105/demand.json",
            Some(&token.secret),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{name}");
        let (_, shown, _) = get(&r, "/api/v1/districts/110105/demand", Some(&token.secret)).await;
        assert_eq!(file, shown, "{name}: the download is the document shown");
        // Refused reads are not exports.
        get(&r, "/api/v1/districts/110101/demand", Some(&token.secret)).await;
        let log = db.export_log().await.unwrap();
        let seen: Vec<(&str, bool, i64)> = log
            .iter()
            .map(|e| (e.what.as_str(), e.with_comments, e.records))
            .collect();
        assert_eq!(
            seen,
            [
                ("responses.csv", false, 15),
                ("responses.csv", true, 15),
                ("demand.csv", false, 15),
                ("demand", false, 15),
                ("demand.json", false, 15),
                ("demand", false, 15)
            ],
            "{name}"
        );
        assert!(
            log.iter()
                .all(|e| e.token_id == token.id && e.district_code == "110105")
        );
    }
}

#[tokio::test]
async fn the_retention_job_deletes_answers_past_their_time() {
    let places = places();
    let place = &places.places[0];
    for (name, db, _dir) in databases().await {
        let now = 1_795_737_600; // 2026-11-27 00:00 UTC
        let day = 86_400;
        // Received 25 months, 24 months and a day, and 23 months ago.
        store(&db, &answer(place, 1), now - 761 * day).await;
        store(&db, &answer(place, 2), now - 731 * day).await;
        store(&db, &answer(place, 3), now - 700 * day).await;
        let deleted = retention::run_once(&db, now, 24).await.unwrap();
        assert_eq!(deleted, 2, "{name}");
        assert_eq!(db.count_surveys(None).await.unwrap(), 1);
        // Started as a job, it runs at once, on the real clock: an answer
        // received long ago (time zero) is gone shortly after, one from
        // today stays.
        retention::run_once(&db, 4_000_000_000, 0).await.unwrap();
        let today = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        store(&db, &answer(place, 4), 0).await;
        store(&db, &answer(place, 5), today).await;
        let job = retention::spawn(db.clone(), 24, std::time::Duration::from_secs(3600));
        let mut left = 2;
        for _ in 0..100 {
            left = db.count_surveys(None).await.unwrap();
            if left == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        job.abort();
        assert_eq!(left, 1, "{name}: the job deleted the old answer");
    }
}

#[test]
fn the_token_command_makes_lists_and_revokes_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, secret, said) = run(&[
        "token",
        "create",
        "--district",
        "110101",
        "--label",
        "东城区民政局",
    ]);
    assert_eq!(code, Some(0), "{said}");
    let secret = secret.trim();
    assert!(
        secret.starts_with("linli_") && secret.len() == 6 + 43,
        "{secret}"
    );
    assert!(said.contains("shown only now"), "{said}");
    let (_, listed, _) = run(&["token", "list"]);
    assert!(
        listed.contains("district 110101\tlive\t东城区民政局"),
        "{listed}"
    );
    assert!(!listed.contains(secret), "the secret is never listed");
    let id = listed.split('\t').next().unwrap().to_owned();
    let (code, _, _) = run(&["token", "revoke", &id]);
    assert_eq!(code, Some(0));
    let (_, listed, _) = run(&["token", "list"]);
    assert!(listed.contains("\trevoked\t"), "{listed}");
    // Mistakes are named.
    let (code, _, said) = run(&["token", "create", "--district", "999999", "--label", "x"]);
    assert_eq!(code, Some(2));
    assert!(
        said.contains("\"999999\" is not a Beijing district code"),
        "{said}"
    );
    let (code, _, said) = run(&["token", "create", "--city"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("--label"), "{said}");
    let (code, _, said) = run(&["token", "revoke", &id]);
    assert_eq!(code, Some(2));
    assert!(said.contains("no live token"), "{said}");
    // The export log, for an audit: one line per export with the token's
    // label, filtered by district.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("linli.db").display()
        );
        let db = Db::connect(&url).await.unwrap();
        for (district, what) in [("110101", "responses.csv"), ("110102", "demand.csv")] {
            db.log_export(&linli_collector::access::ExportRecord {
                at: 1_795_712_400,
                token_id: id.clone(),
                district_code: district.to_owned(),
                what: what.to_owned(),
                with_comments: false,
                records: 12,
            })
            .await
            .unwrap();
        }
    });
    let (code, log, said) = run(&["exports", "--district", "110101"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        log,
        format!(
            "2026-11-27 01:00:00+08:00\t{id}\t东城区民政局\t110101\tresponses.csv\tno comments\t12 answers\n"
        )
    );
    let (_, log, _) = run(&["exports"]);
    assert_eq!(log.lines().count(), 2, "{log}");
    let (code, _, said) = run(&["exports", "--since"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("unknown argument --since"), "{said}");
}

#[tokio::test]
async fn answers_stored_before_tallies_are_counted_and_unreadable_ones_are_reported() {
    let places = places();
    let place = places
        .places
        .iter()
        .find(|p| p.district_code == "110101")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let db = Db::connect(&url).await.unwrap();
    // Rows as an older collector wrote them: no tally; one body unreadable.
    for n in 0..12u32 {
        let body = if n == 11 {
            "{\"from\": \"an older questionnaire\"}".to_owned()
        } else {
            let r: linli_survey::Response = serde_json::from_value(answer(place, n)).unwrap();
            serde_json::to_string(&r).unwrap()
        };
        sqlx::query(
            "INSERT INTO surveys (id, questionnaire, district_code, subdistrict, community, body, body_sha256, received_at) \
             VALUES ($1, 1, $2, $3, $4, $5, 'x', 1795700000)",
        )
        .bind(format!("old-{n}"))
        .bind(&place.district_code)
        .bind(&place.subdistrict)
        .bind(&place.community)
        .bind(body)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    drop(db);
    // Opening the database again fills the tallies.
    let db = Db::connect(&url).await.unwrap();
    let token = db
        .create_token(&Scope::District("110101".to_owned()), "东城区", 1)
        .await
        .unwrap();
    let dist = dist_with_data();
    let r = router(db, &dist);
    let (status, body, _) = get(&r, "/api/v1/districts/110101/demand", Some(&token.secret)).await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["demand"]["total"]["respondents"], 11);
    assert_eq!(doc["unreadable"], 1);
}

/// Answers name a community from the served list; any other name would
/// add a row of its own to the district's tables (and its dashboard's
/// list), so it is refused naming the field, and nothing is stored.
#[tokio::test]
async fn answers_from_communities_not_in_the_list_are_refused() {
    let (_, db, _dir) = databases().await.remove(0);
    let dist = dist_with_data();
    let r = router(db.clone(), &dist);
    let places = places();
    let place = &places.places[0];
    let post = |body: Value| {
        let r = r.clone();
        async move {
            let request = Request::post("/api/v1/surveys")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            let response = r.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap())
        }
    };
    let cases = [
        (
            "subdistrict",
            format!(" {}", place.subdistrict),
            place.community.clone(),
        ),
        (
            "subdistrict",
            "=HYPERLINK(\"x\")".to_owned(),
            place.community.clone(),
        ),
        (
            "community",
            place.subdistrict.clone(),
            format!("{}\n第二行", place.community),
        ),
        (
            "community",
            place.subdistrict.clone(),
            "示例第999社区".to_owned(),
        ),
    ];
    for (n, (field, subdistrict, community)) in cases.into_iter().enumerate() {
        let mut body = answer(place, n as u32);
        body["community"]["subdistrict"] = json!(subdistrict);
        body["community"]["community"] = json!(community);
        let (status, json) = post(body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
        assert_eq!(
            json["errors"][0]["field"],
            format!("community.{field}"),
            "{json}"
        );
    }
    // Not a Beijing district code at all (refused by the answer's own
    // checks before the list is looked at).
    let mut body = answer(place, 9);
    body["community"]["district_code"] = json!("110228");
    let (status, json) = post(body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    assert_eq!(
        json["errors"][0]["field"], "community.district_code",
        "{json}"
    );
    assert_eq!(db.count_surveys(None).await.unwrap(), 0);
    // The listed community itself is taken.
    let (status, json) = post(answer(place, 10)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    // Served beside the app, a mistyped API address is still the API's
    // JSON 404, not the app's page; the app's files are not API answers.
    let (status, body, headers) = get(&r, "/api/v1/districts/110101/demand.xlsx", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert!(body.contains("demand.xlsx"), "{body}");
    let (status, _, headers) = get(&r, "/data/holidays.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(
        headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
}
