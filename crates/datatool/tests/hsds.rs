//! `datatool export-hsds`.
//!
//! Over the committed published dataset (`public/data/manifest.json`), which
//! `datatool generate` rewrites: counts, every price, place and schedule
//! against the data, links between objects, stable output, skipped records,
//! and validation against the real HSDS JSON Schemas in `tests/hsds-schema/`
//! (see `SOURCE.md` there). These compare the export with whatever the data
//! holds.
//!
//! Over the hand-written fixture `crates/facilities/tests/fixtures/sample.geojson`,
//! published into a temporary directory: known facilities in detail, and how
//! each kind of opening hours becomes schedules. These hard-code values, so
//! they must not depend on the generated data.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use jsonschema::{Retrieve, Uri, Validator};
use linli_datatool::hsds::{HsdsSummary, export_hsds, hsds_id};
use linli_datatool::publish::{Publication, publish};
use linli_facilities::dataset::parse_feature_collection;
use linli_facilities::manifest::Manifest;
use linli_facilities::model::{CapacityKind, Facility};
use serde_json::Value;

const FILES: [&str; 5] = [
    "index.json",
    "services.json",
    "organizations.json",
    "taxonomies.json",
    "taxonomy_terms.json",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data")
}

/// A fresh directory under the system temp directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "linli-hsds-test-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The committed facilities, in manifest and file order.
fn facilities() -> &'static [Facility] {
    static FACILITIES: OnceLock<Vec<Facility>> = OnceLock::new();
    FACILITIES.get_or_init(|| {
        let dir = data_dir();
        let manifest =
            Manifest::from_json(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
                .unwrap();
        manifest
            .districts
            .iter()
            .flat_map(|entry| {
                let text = std::fs::read_to_string(dir.join(&entry.file)).unwrap();
                let dataset = parse_feature_collection(&text).unwrap();
                assert_eq!(dataset.skipped(), 0, "{} has bad records", entry.file);
                dataset.facilities
            })
            .collect()
    })
}

/// One export, read back and its directory removed.
struct Exported {
    summary: HsdsSummary,
    /// Each file's text, by name.
    texts: HashMap<&'static str, String>,
}

impl Exported {
    /// The items of a file, parsed one line (one object) at a time.
    fn items(&self, file: &str) -> impl Iterator<Item = Value> + '_ {
        let text = &self.texts[file];
        assert!(text.starts_with("[\n") && text.ends_with("\n]\n"), "{file}");
        text.lines()
            .filter(|line| *line != "[" && *line != "]")
            .map(|line| serde_json::from_str(line.strip_suffix(',').unwrap_or(line)).unwrap())
    }

    fn index(&self) -> Value {
        serde_json::from_str(&self.texts["index.json"]).unwrap()
    }
}

/// Exports the dataset behind `manifest` and reads the files back.
fn export_manifest(manifest: &Path) -> Exported {
    let dir = TempDir::new("export");
    let summary = export_hsds(manifest, &dir.0).unwrap();
    let texts = FILES
        .into_iter()
        .map(|name| (name, std::fs::read_to_string(dir.0.join(name)).unwrap()))
        .collect();
    Exported { summary, texts }
}

fn export_committed() -> Exported {
    export_manifest(&data_dir().join("manifest.json"))
}

/// The export of the committed data.
fn exported() -> &'static Exported {
    static EXPORTED: OnceLock<Exported> = OnceLock::new();
    EXPORTED.get_or_init(export_committed)
}

/// The hand-written fixture's facilities.
fn fixture_facilities() -> Vec<Facility> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../facilities/tests/fixtures/sample.geojson");
    let dataset = parse_feature_collection(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(dataset.skipped(), 0, "the fixture has bad records");
    dataset.facilities
}

/// The export of the fixture, published as sample data the way `datatool
/// generate` publishes.
fn fixture_exported() -> &'static Exported {
    static EXPORTED: OnceLock<Exported> = OnceLock::new();
    EXPORTED.get_or_init(|| {
        let dir = TempDir::new("fixture");
        let about = Publication {
            dataset_version: "fixture".to_owned(),
            generated_at: "2026-11-20T00:00:00+08:00".to_owned(),
            licence: "CC0-1.0".to_owned(),
            sample: true,
            description: "The hand-written test fixture.".to_owned(),
        };
        let manifest = publish(&fixture_facilities(), &dir.0, &about).unwrap();
        assert_eq!(manifest.districts.len(), 1, "the fixture is all 东城区");
        export_manifest(&dir.0.join("manifest.json"))
    })
}

/// The exported services at the facility `id`, in the record's order.
fn services_at(export: &Exported, id: &str) -> Vec<Value> {
    export
        .items("services.json")
        .filter(|s| s["service_at_locations"][0]["location"]["external_identifier"] == id)
        .collect()
}

/// `(byday, opens_at, closes_at)` of each schedule row; absent fields as "".
fn rows(service: &Value) -> Vec<(&str, &str, &str)> {
    fn get<'a>(row: &'a Value, key: &str) -> &'a str {
        row.get(key).and_then(Value::as_str).unwrap_or("")
    }
    array_at(service, "/schedules")
        .iter()
        .map(|r| (get(r, "byday"), get(r, "opens_at"), get(r, "closes_at")))
        .collect()
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {value}"))
}

fn array_at<'a>(value: &'a Value, pointer: &str) -> &'a [Value] {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

#[test]
fn counts_match_the_data() {
    let data = facilities();
    let export = exported();
    let services: usize = data.iter().map(|f| f.services.len()).sum();
    let operators: HashSet<&str> = data.iter().map(|f| f.operator.as_str()).collect();
    let manifest_count: usize =
        Manifest::from_json(&std::fs::read_to_string(data_dir().join("manifest.json")).unwrap())
            .unwrap()
            .districts
            .iter()
            .map(|d| d.facilities)
            .sum();
    assert_eq!(data.len(), manifest_count);

    let summary = &export.summary;
    assert_eq!(summary.services, services);
    assert_eq!(summary.locations, data.len());
    assert_eq!(summary.organizations, operators.len());
    assert_eq!(summary.skipped_records, 0);
    assert!(summary.problems.is_empty());
    assert_eq!(summary.files, FILES);
    let prices: usize = data
        .iter()
        .flat_map(|f| &f.services)
        .map(|s| s.prices.len())
        .sum();
    assert_eq!(summary.cost_options, prices);
    let capacities = data
        .iter()
        .flat_map(|f| &f.services)
        .filter(|s| s.capacity.is_some())
        .count();
    assert_eq!(summary.capacities, capacities);

    assert_eq!(export.items("services.json").count(), services);
    let organizations: Vec<Value> = export.items("organizations.json").collect();
    assert_eq!(organizations.len(), operators.len());
    let locations: HashSet<&str> = organizations
        .iter()
        .flat_map(|o| array_at(o, "/locations"))
        .map(|l| str_at(l, "/id"))
        .collect();
    let location_count: usize = organizations
        .iter()
        .map(|o| array_at(o, "/locations").len())
        .sum();
    assert_eq!(location_count, data.len(), "each location once");
    assert_eq!(locations.len(), data.len(), "distinct location ids");
    assert_eq!(export.items("taxonomies.json").count(), 2);
    assert_eq!(export.items("taxonomy_terms.json").count(), 9 + 3);

    let index = export.index();
    assert_eq!(index["version"], "3.0");
    assert_eq!(index["sample"], true, "the committed data is sample data");
    assert!(str_at(&index, "/notice").contains("SAMPLE"));
    assert_eq!(index["locations"], data.len());
    assert_eq!(index["skipped_records"], 0);
    assert_eq!(index["files"][0]["file"], "services.json");
    assert_eq!(index["files"][0]["items"], services);
    assert!(summary.to_string().contains("SAMPLE DATA"), "{summary}");
    assert!(
        summary.to_string().contains("0 records skipped"),
        "{summary}"
    );
}

/// Services come out in data order, so each can be held against its source.
#[test]
fn every_service_carries_its_prices_places_and_location() {
    let data = facilities();
    let sources = data
        .iter()
        .flat_map(|f| f.services.iter().map(move |s| (f, s)));
    let mut with_schedules = 0;
    for (service, (facility, source)) in exported().items("services.json").zip(sources) {
        let location = &service["service_at_locations"][0]["location"];
        assert_eq!(str_at(location, "/external_identifier"), facility.id);
        assert_eq!(location["latitude"], facility.position.lat);
        assert_eq!(location["longitude"], facility.position.lon);
        assert_eq!(service["status"], "active");
        assert!(
            str_at(&service, "/name").starts_with("【示例】"),
            "{service}"
        );
        assert!(
            str_at(&service, "/description").contains("SAMPLE"),
            "{service}"
        );

        let costs = array_at(&service, "/cost_options");
        assert_eq!(costs.len(), source.prices.len(), "{}", facility.id);
        for (cost, price) in costs.iter().zip(&source.prices) {
            assert_eq!(cost["currency"], "CNY");
            assert_eq!(cost["amount"].as_f64(), Some(price.amount_yuan));
            assert_eq!(cost["option"].as_str(), price.note.as_deref());
            assert!(str_at(cost, "/amount_description").contains(price.unit.label_zh()));
            for group in &price.eligible {
                assert!(str_at(cost, "/amount_description").contains(group.label_zh()));
            }
        }

        let capacities = array_at(&service, "/capacities");
        match &source.capacity {
            None => assert!(capacities.is_empty()),
            Some(c) => {
                assert_eq!(capacities.len(), 1);
                let cap = &capacities[0];
                assert_eq!(cap["available"], c.available);
                assert_eq!(cap["maximum"], c.total);
                assert_eq!(
                    str_at(cap, "/updated"),
                    format!("{}T00:00:00.000+08:00", c.updated)
                );
                let unit = match c.kind {
                    CapacityKind::ChildcarePlaces => "托位",
                    CapacityKind::ElderBeds => "床位",
                };
                assert!(str_at(cap, "/unit/name").starts_with(unit));
                assert_eq!(cap["unit_id"], cap["unit"]["id"]);
            }
        }

        let schedules = array_at(&service, "/schedules");
        if source.opening_hours.is_some() || source.hours_text.is_some() {
            assert!(!schedules.is_empty(), "{}", facility.id);
            with_schedules += 1;
        } else {
            assert!(schedules.is_empty());
        }
        if let Some(value) = &source.opening_hours {
            for row in schedules {
                assert!(str_at(row, "/notes").contains(value.as_str()));
                assert_eq!(
                    str_at(row, "/notes").contains("#440"),
                    value.contains("PH off"),
                    "{value}"
                );
            }
        }
    }
    assert!(with_schedules > 0);
}

/// The sample notice before every description of sample data.
const NOTICE: &str = "【示例数据 SAMPLE DATA: invented, not real】";

/// The note on `PH off` in a schedule's `notes`.
const HOLIDAY_NOTE: &str = "法定节假日休息 / Closed on public holidays (PH off), which HSDS schedules cannot express (openreferral/specification#440).";

const EVERY_DAY: &str = "MO,TU,WE,TH,FR,SA,SU";
const WEEKDAYS: &str = "MO,TU,WE,TH,FR";

/// The codes of a service's taxonomy terms: its function, then its category.
fn term_codes(service: &Value) -> Vec<&str> {
    array_at(service, "/attributes")
        .iter()
        .map(|a| str_at(a, "/taxonomy_term/code"))
        .collect()
}

/// `(amount, option, amount_description)` of each cost option.
fn costs(service: &Value) -> Vec<(Value, Option<&str>, &str)> {
    array_at(service, "/cost_options")
        .iter()
        .map(|c| {
            assert_eq!(c["currency"], "CNY", "{c}");
            assert_eq!(c["service_id"], service["id"], "{c}");
            (
                c["amount"].clone(),
                c.get("option").map(|o| o.as_str().unwrap()),
                str_at(c, "/amount_description"),
            )
        })
        .collect()
}

/// Facility lc-sample-001 of the hand-written fixture, every service.
#[test]
fn a_known_facility_in_detail() {
    let services = services_at(fixture_exported(), "lc-sample-001");
    let names: Vec<&str> = services.iter().map(|s| str_at(s, "/name")).collect();
    assert_eq!(
        names,
        [
            "【示例】日间照料",
            "【示例】长者食堂",
            "【示例】24小时自助药柜",
            "【示例】文化休闲"
        ],
        "in record order; a service without a name gets its function's label"
    );
    let location = &services[0]["service_at_locations"][0]["location"];
    let location_id = hsds_id("location", "lc-sample-001");
    for (i, service) in services.iter().enumerate() {
        assert_eq!(
            service["id"],
            hsds_id("service", &format!("lc-sample-001/{i}"))
        );
        assert_eq!(service["status"], "active");
        assert_eq!(service["assured_date"], "2026-11-20");
        assert_eq!(service["organization"]["name"], "【示例】运营机构甲");
        assert_eq!(
            service["organization_id"],
            hsds_id("organization", "【示例】运营机构甲")
        );
        assert_eq!(
            &service["service_at_locations"][0]["location"], location,
            "the same location under every service"
        );
    }

    assert_eq!(location["id"], location_id);
    assert_eq!(location["location_type"], "physical");
    assert_eq!(location["name"], "【示例】东四街道社区综合服务中心");
    assert_eq!(
        location["alternate_name"],
        "Sample Dongsi Community Service Centre"
    );
    assert_eq!(
        location["description"],
        format!(
            "{NOTICE} 综合体 integrated complex · 公建民营 publicly built, privately run · 试点 pilot site. Record version 1, verified 2026-11-20."
        )
    );
    assert_eq!(location["latitude"], 39.9301);
    assert_eq!(location["longitude"], 116.4182);
    assert_eq!(location["external_identifier"], "lc-sample-001");
    assert_eq!(location["external_identifier_type"], "linli-facility-id");
    let addresses = array_at(location, "/addresses");
    assert_eq!(addresses.len(), 1);
    let address = &addresses[0];
    assert_eq!(address["location_id"], location_id);
    assert_eq!(
        address["address_1"],
        "东城区东四街道（示例地址，非真实设施）"
    );
    assert_eq!(address["address_2"], "东四街道 示例社区一");
    assert_eq!(address["city"], "北京市");
    assert_eq!(address["region"], "东城区");
    assert_eq!(address["state_province"], "北京市");
    assert_eq!(address["postal_code"], "");
    assert_eq!(address["country"], "CN");
    assert_eq!(address["address_type"], "physical");
    let phones = array_at(location, "/phones");
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0]["number"], "010-0000001");
    assert_eq!(phones[0]["type"], "voice");
    let accessibility: Vec<&str> = array_at(location, "/accessibility")
        .iter()
        .map(|a| str_at(a, "/description"))
        .collect();
    assert_eq!(
        accessibility,
        [
            "无障碍入口 / Step-free entrance",
            "电梯 / Lift to every public floor",
            "无障碍卫生间 / Accessible toilet",
            "扶手 / Handrails along corridors"
        ]
    );

    // 日间照料: "Mo-Fr 08:00-17:30; PH off", free, 3 of 20 beds, 60 and over.
    let day_care = &services[0];
    assert_eq!(day_care["alternate_name"], "Elder care");
    assert_eq!(
        day_care["description"],
        format!(
            "{NOTICE} 养老服务 Elder care · 基本公共服务 Basic public service · 【示例】东四街道社区综合服务中心."
        )
    );
    assert!(
        day_care["service_at_locations"][0]
            .get("description")
            .is_none(),
        "a fixed site"
    );
    assert_eq!(term_codes(day_care), ["elder_care", "basic_public"]);
    assert_eq!(rows(day_care), [(WEEKDAYS, "08:00+08:00", "17:30+08:00")]);
    let row = &day_care["schedules"][0];
    assert_eq!(row["id"], hsds_id("schedule", "lc-sample-001/0/0"));
    assert_eq!(row["service_id"], day_care["id"]);
    assert_eq!(row["freq"], "WEEKLY");
    assert_eq!(row["wkst"], "MO");
    assert_eq!(row["timezone"], 8);
    assert_eq!(
        row["description"],
        "周一至周五 08:00-17:30 / Mon-Fri 08:00-17:30"
    );
    assert_eq!(
        row["notes"],
        format!(
            "OSM opening_hours: Mo-Fr 08:00-17:30; PH off\n{HOLIDAY_NOTE}\nAs published 原文: 周一至周五 8:00-17:30；法定节假日休息"
        )
    );
    assert_eq!(
        costs(day_care),
        [(
            Value::from(0),
            Some("健康咨询"),
            "免费，按次计 / free, per session"
        )]
    );
    assert_eq!(day_care["fees_description"], "健康咨询 免费");
    let capacities = array_at(day_care, "/capacities");
    assert_eq!(capacities.len(), 1);
    let capacity = &capacities[0];
    assert_eq!(capacity["service_id"], day_care["id"]);
    assert_eq!(capacity["available"], 3);
    assert_eq!(capacity["maximum"], 20);
    assert_eq!(capacity["updated"], "2026-11-20T00:00:00.000+08:00");
    assert_eq!(
        capacity["description"],
        "床位 (elder-care bed): 3 of 20 free on 2026-11-20"
    );
    assert_eq!(capacity["unit"]["identifier"], "elder_beds");
    assert_eq!(capacity["unit"]["name"], "床位 (elder-care bed)");
    assert_eq!(capacity["unit"]["scheme"], "linli-capacity-kind");
    assert_eq!(capacity["unit_id"], hsds_id("unit", "elder_beds"));
    assert_eq!(day_care["minimum_age"], 60);
    assert!(day_care.get("maximum_age").is_none());
    assert_eq!(
        day_care["eligibility_description"],
        "60岁及以上 / 60 years and over"
    );

    // 长者食堂: split lunch and dinner hours, 18 yuan, 15 for 80 and over,
    // 12 for low-income households.
    let canteen = &services[1];
    assert_eq!(term_codes(canteen), ["meals", "affordable"]);
    assert_eq!(
        rows(canteen),
        [
            (EVERY_DAY, "11:00+08:00", "13:00+08:00"),
            (EVERY_DAY, "17:00+08:00", "18:30+08:00")
        ]
    );
    let schedules = array_at(canteen, "/schedules");
    let descriptions: Vec<&str> = schedules
        .iter()
        .map(|r| str_at(r, "/description"))
        .collect();
    assert_eq!(
        descriptions,
        [
            "每天 11:00-13:00 / Daily 11:00-13:00",
            "每天 17:00-18:30 / Daily 17:00-18:30"
        ]
    );
    for (j, row) in schedules.iter().enumerate() {
        assert_eq!(
            row["id"],
            hsds_id("schedule", &format!("lc-sample-001/1/{j}"))
        );
        assert_eq!(row["freq"], "WEEKLY");
        assert_eq!(
            row["notes"],
            "OSM opening_hours: Mo-Su 11:00-13:00,17:00-18:30\nAs published 原文: 每天 11:00-13:00，17:00-18:30",
            "no PH off, so no holiday note"
        );
    }
    assert_eq!(
        costs(canteen),
        [
            (
                Value::from(18),
                Some("一荤两素"),
                "18 元/餐 / CNY 18 per meal"
            ),
            (
                Value::from(15),
                None,
                "15 元/餐 / CNY 15 per meal；仅限80周岁及以上 / only for: aged 80 and over"
            ),
            (
                Value::from(12),
                None,
                "12 元/餐 / CNY 12 per meal；仅限低保及低收入家庭 / only for: minimum-income (低保) and low-income households"
            ),
        ]
    );
    assert_eq!(
        canteen["fees_description"],
        "一荤两素 18 元/餐；15 元/餐（80周岁及以上）；12 元/餐（低保及低收入家庭）"
    );
    for absent in [
        "capacities",
        "minimum_age",
        "maximum_age",
        "eligibility_description",
    ] {
        assert!(canteen.get(absent).is_none(), "{absent}: {canteen}");
    }

    // 24小时自助药柜: "24/7" ends at 23:59.
    let cabinet = &services[2];
    assert_eq!(rows(cabinet), [(EVERY_DAY, "00:00+08:00", "23:59+08:00")]);
    assert_eq!(
        cabinet["schedules"][0]["description"],
        "每天 00:00-24:00 / Daily 00:00-24:00"
    );
    assert_eq!(cabinet["schedules"][0]["notes"], "OSM opening_hours: 24/7");
    assert!(cabinet.get("cost_options").is_none());
    assert!(cabinet.get("fees_description").is_none());

    // 文化休闲: hours on public holidays cannot be expressed, so one row
    // keeps the value as text.
    let culture = &services[3];
    assert_eq!(culture["alternate_name"], "Culture and leisure");
    assert_eq!(term_codes(culture), ["culture", "commercial"]);
    assert_eq!(rows(culture), [("", "", "")]);
    let row = &culture["schedules"][0];
    for absent in ["freq", "wkst", "timezone"] {
        assert!(row.get(absent).is_none(), "{absent}: {row}");
    }
    assert_eq!(row["description"], "Tu-Su 09:00-20:00; PH 09:00-17:00");
    assert_eq!(
        row["notes"],
        "OSM opening_hours: Tu-Su 09:00-20:00; PH 09:00-17:00 (not expressible as HSDS recurrence fields)"
    );
    assert_eq!(
        costs(culture),
        [(Value::from(30), None, "30 元/次 / CNY 30 per session")]
    );
    assert_eq!(culture["fees_description"], "30 元/次");
}

/// Infant care with several prices and places (lc-sample-002), meal
/// delivery without a fixed site (lc-sample-003), and a free service for
/// two groups of people (lc-sample-006), from the hand-written fixture.
#[test]
fn infant_care_delivery_and_group_prices_in_detail() {
    let export = fixture_exported();

    let services = services_at(export, "lc-sample-002");
    assert_eq!(services.len(), 3);
    let infants = &services[0];
    assert_eq!(infants["name"], "【示例】全日托");
    assert_eq!(infants["alternate_name"], "Infant care (under 3)");
    assert_eq!(term_codes(infants), ["infant_care", "affordable"]);
    let location = &infants["service_at_locations"][0]["location"];
    assert_eq!(location["latitude"], 39.9245);
    assert_eq!(location["longitude"], 116.4265);
    assert_eq!(location["phones"][0]["number"], "010-0000002");
    assert!(
        !str_at(location, "/description").contains("pilot"),
        "not a pilot site"
    );
    assert_eq!(rows(infants), [(WEEKDAYS, "07:30+08:00", "18:00+08:00")]);
    assert_eq!(
        infants["schedules"][0]["notes"],
        format!("OSM opening_hours: Mo-Fr 07:30-18:00; PH off\n{HOLIDAY_NOTE}"),
        "no hours_text, so nothing as published"
    );
    assert_eq!(
        costs(infants),
        [
            (
                Value::from(3800),
                Some("全日托"),
                "3800 元/月 / CNY 3800 per month"
            ),
            (
                Value::from(2400),
                Some("半日托"),
                "2400 元/月 / CNY 2400 per month"
            ),
            (
                Value::from(60),
                Some("计时托"),
                "60 元/小时 / CNY 60 per hour"
            ),
        ]
    );
    assert_eq!(
        infants["fees_description"],
        "全日托 3800 元/月；半日托 2400 元/月；计时托 60 元/小时"
    );
    let capacities = array_at(infants, "/capacities");
    assert_eq!(capacities.len(), 1);
    let capacity = &capacities[0];
    assert_eq!(capacity["available"], 4);
    assert_eq!(capacity["maximum"], 40);
    assert_eq!(capacity["updated"], "2026-11-18T00:00:00.000+08:00");
    assert_eq!(capacity["unit"]["identifier"], "childcare_places");
    assert_eq!(capacity["unit"]["name"], "托位 (childcare place)");
    assert_eq!(
        capacity["description"],
        "托位 (childcare place): 4 of 40 free on 2026-11-18"
    );
    assert_eq!(infants["minimum_age"], 1);
    assert_eq!(infants["maximum_age"], 3);
    assert_eq!(
        infants["eligibility_description"],
        "1岁至3岁以下 / from 1 year to under 3 years"
    );
    // 儿童游憩: no name, no prices, no places.
    let play = &services[1];
    assert_eq!(play["name"], "【示例】儿童游憩");
    assert_eq!(rows(play), [(EVERY_DAY, "08:00+08:00", "20:00+08:00")]);
    for absent in ["cost_options", "fees_description", "capacities"] {
        assert!(play.get(absent).is_none(), "{absent}: {play}");
    }
    // 课后托管: ages 6 to 12 in years.
    assert_eq!(services[2]["minimum_age"], 6);
    assert_eq!(services[2]["maximum_age"], 12);
    assert_eq!(services[2]["capacities"][0]["available"], 0);

    let services = services_at(export, "lc-sample-003");
    let names: Vec<&str> = services.iter().map(|s| str_at(s, "/name")).collect();
    assert_eq!(
        names,
        [
            "【示例】长者食堂",
            "【示例】助餐送餐上门",
            "【示例】助浴",
            "【示例】家政便民"
        ]
    );
    assert!(
        services[0]["service_at_locations"][0]
            .get("description")
            .is_none(),
        "the canteen is at its site"
    );
    let delivery = &services[1];
    assert_eq!(
        delivery["service_at_locations"][0]["description"],
        "无固定服务场所，此处为服务基地 / No fixed site: this location is the service's base, not where the service takes place."
    );
    assert_eq!(
        delivery["description"],
        format!(
            "{NOTICE} 社区助餐 Community meals · 普惠服务 Affordable (普惠) · 【示例】交道口街道长者食堂. 无固定服务场所 No fixed site."
        )
    );
    assert_eq!(
        delivery["service_at_locations"][0]["location"]["external_identifier"], "lc-sample-003",
        "the base is the facility"
    );
    assert_eq!(
        costs(delivery),
        [(
            Value::from(25),
            Some("含配送"),
            "25 元/餐 / CNY 25 per meal"
        )]
    );
    assert_eq!(delivery["fees_description"], "含配送 25 元/餐");
    // Only hours_text: one schedule with the text as its description and
    // no recurrence fields and no notes.
    let schedules = array_at(delivery, "/schedules");
    assert_eq!(schedules.len(), 1);
    let row = schedules[0].as_object().unwrap();
    let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["description", "id", "service_id"], "{row:?}");
    assert_eq!(row["description"], "电话预约");
    assert_eq!(services[2]["schedules"][0]["description"], "预约制");

    let services = services_at(export, "lc-sample-006");
    assert_eq!(services.len(), 3);
    assert_eq!(
        costs(&services[0]),
        [(
            Value::from(0),
            None,
            "免费，按次计 / free, per session；仅限60周岁及以上 / only for: aged 60 and over"
        )]
    );
    assert_eq!(services[0]["fees_description"], "免费（60周岁及以上）");
    assert_eq!(
        costs(&services[1])[1],
        (
            Value::from(10),
            None,
            "10 元/餐 / CNY 10 per meal；仅限80周岁及以上、独居老人 / only for: aged 80 and over; older people living alone"
        )
    );
    assert_eq!(
        services[1]["fees_description"],
        "15 元/餐；10 元/餐（80周岁及以上、独居老人）"
    );
    assert!(
        services[2].get("schedules").is_none(),
        "neither opening_hours nor hours_text: no schedule"
    );
}

/// Every form of opening hours in the fixture, and the fixture's totals.
#[test]
fn split_and_round_the_clock_hours_become_weekly_rows() {
    let export = fixture_exported();
    let summary = &export.summary;
    assert!(summary.sample);
    assert_eq!(summary.locations, 8);
    assert_eq!(summary.organizations, 8);
    assert_eq!(summary.services, 28);
    assert_eq!(summary.schedules, 30);
    assert_eq!(summary.hours_kept_as_text, 1, "lc-sample-001's culture");
    assert_eq!(summary.cost_options, 27);
    assert_eq!(summary.capacities, 7);
    assert_eq!(summary.skipped_records, 0);
    let index = export.index();
    assert_eq!(index["sample"], true);
    assert_eq!(index["dataset"]["dataset_version"], "fixture");
    assert_eq!(index["locations"], 8);

    // Split hours with PH off: two rows, each with the holiday note.
    let doctor = &services_at(export, "lc-sample-004")[3];
    assert_eq!(doctor["name"], "【示例】家庭医生签约");
    assert_eq!(
        rows(doctor),
        [
            (WEEKDAYS, "08:30+08:00", "11:30+08:00"),
            (WEEKDAYS, "13:30+08:00", "16:30+08:00")
        ]
    );
    for row in array_at(doctor, "/schedules") {
        assert_eq!(
            row["notes"],
            format!("OSM opening_hours: Mo-Fr 08:30-11:30,13:30-16:30; PH off\n{HOLIDAY_NOTE}")
        );
    }
    // Split hours every day.
    let meals = &services_at(export, "lc-sample-008")[3];
    assert_eq!(
        rows(meals),
        [
            (EVERY_DAY, "11:00+08:00", "13:30+08:00"),
            (EVERY_DAY, "17:00+08:00", "19:00+08:00")
        ]
    );
    // 24/7 with beds.
    let respite = &services_at(export, "lc-sample-004")[0];
    assert_eq!(respite["name"], "【示例】短期托养");
    assert_eq!(rows(respite), [(EVERY_DAY, "00:00+08:00", "23:59+08:00")]);
    // Days other than a weekday range.
    let culture = &services_at(export, "lc-sample-007")[1];
    assert_eq!(
        rows(culture),
        [("TU,WE,TH,FR,SA,SU", "09:00+08:00", "17:00+08:00")]
    );
    assert_eq!(
        culture["schedules"][0]["description"],
        "周二至周日 09:00-17:00 / Tue-Sun 09:00-17:00"
    );
    let housekeeping = &services_at(export, "lc-sample-007")[2];
    assert_eq!(
        rows(housekeeping),
        [("MO,TU,WE,TH,FR,SA", "08:00+08:00", "17:00+08:00")]
    );

    // The fixture's services, including those forms the generated data may
    // lack, are valid HSDS.
    let service = validator("service.json");
    for item in export.items("services.json") {
        assert_valid(&service, "service", &item);
    }
}

#[test]
fn every_link_points_to_an_exported_object() {
    let export = exported();
    let organizations: Vec<Value> = export.items("organizations.json").collect();
    let org_ids: HashSet<&str> = organizations.iter().map(|o| str_at(o, "/id")).collect();
    let mut location_org = HashMap::new();
    for org in &organizations {
        for location in array_at(org, "/locations") {
            assert_eq!(location["organization_id"], org["id"]);
            for address in array_at(location, "/addresses") {
                assert_eq!(address["location_id"], location["id"]);
            }
            location_org.insert(
                str_at(location, "/id").to_owned(),
                str_at(org, "/id").to_owned(),
            );
        }
    }
    let terms: Vec<Value> = export.items("taxonomy_terms.json").collect();
    let term_ids: HashSet<&str> = terms.iter().map(|t| str_at(t, "/id")).collect();
    let taxonomy_ids: HashSet<String> = export
        .items("taxonomies.json")
        .map(|t| str_at(&t, "/id").to_owned())
        .collect();
    for term in &terms {
        assert!(taxonomy_ids.contains(str_at(term, "/taxonomy_id")));
        assert_eq!(term["taxonomy_detail"]["id"], term["taxonomy_id"]);
    }

    let mut ids: HashSet<String> = HashSet::new();
    let mut unique = |id: &str| assert!(ids.insert(id.to_owned()), "id {id} used twice");
    for service in export.items("services.json") {
        let service_id = str_at(&service, "/id");
        unique(service_id);
        let org_id = str_at(&service, "/organization_id");
        assert!(org_ids.contains(org_id));
        assert_eq!(service["organization"]["id"], org_id);
        let links = array_at(&service, "/service_at_locations");
        assert_eq!(links.len(), 1);
        for link in links {
            unique(str_at(link, "/id"));
            assert_eq!(str_at(link, "/service_id"), service_id);
            let location_id = str_at(link, "/location_id");
            assert_eq!(link["location"]["id"], location_id);
            assert_eq!(
                location_org.get(location_id).map(String::as_str),
                Some(org_id),
                "the location is exported under the service's organization"
            );
        }
        for kind in ["/schedules", "/cost_options", "/capacities"] {
            for item in array_at(&service, kind) {
                unique(str_at(item, "/id"));
                assert_eq!(str_at(item, "/service_id"), service_id);
            }
        }
        for attribute in array_at(&service, "/attributes") {
            unique(str_at(attribute, "/id"));
            assert_eq!(str_at(attribute, "/link_id"), service_id);
            assert_eq!(attribute["link_entity"], "service");
            let term_id = str_at(attribute, "/taxonomy_term_id");
            assert!(term_ids.contains(term_id));
            assert_eq!(attribute["taxonomy_term"]["id"], term_id);
        }
    }
}

#[test]
fn a_second_export_is_byte_for_byte_the_same() {
    let first = exported();
    let second = export_committed();
    for name in FILES {
        assert!(
            first.texts[name] == second.texts[name],
            "{name} differs between two exports of the same data"
        );
    }
}

/// Resolves the schemas' `"$ref": "phone.json"` from `tests/hsds-schema/`.
struct SchemaDir;

impl Retrieve for SchemaDir {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or_default();
        Ok(schema_file(name))
    }
}

fn schema_file(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hsds-schema")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn validator(name: &str) -> Validator {
    jsonschema::options()
        .with_retriever(SchemaDir)
        .should_validate_formats(true)
        .build(&schema_file(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &Validator, schema: &str, item: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(item)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not a valid HSDS {schema}: {errors:#?}\n{item}"
    );
}

#[test]
fn objects_validate_against_the_hsds_schemas() {
    let export = exported();
    let service = validator("service.json");
    let capacity = validator("service_capacity.json");
    let organization = validator("organization.json");
    let taxonomy = validator("taxonomy.json");
    let term = validator("taxonomy_term.json");

    let not_uuid = serde_json::json!({"id": "110101-00001", "name": "x", "status": "active"});
    assert!(!service.is_valid(&not_uuid), "the uuid format is checked");
    let bad_status = serde_json::json!({
        "id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "open"
    });
    assert!(!service.is_valid(&bad_status), "the status enum is checked");

    let (mut checked, mut capacities) = (0, 0);
    for (i, item) in export.items("services.json").enumerate() {
        if i == 0 {
            // The nested schemas are resolved: breaking a nested object fails.
            let mut broken = item.clone();
            broken["service_at_locations"][0]["location"]["latitude"] = "39.9".into();
            assert!(!service.is_valid(&broken), "location.json is applied");
            let mut broken = item.clone();
            broken["attributes"][0]["taxonomy_term"]["id"] = "elder_care".into();
            assert!(!service.is_valid(&broken), "taxonomy_term.json is applied");
        }
        if let Some(c) = array_at(&item, "/capacities").first()
            && capacities == 0
        {
            let mut broken = c.clone();
            broken.as_object_mut().unwrap().remove("updated");
            assert!(!capacity.is_valid(&broken), "updated is required");
            broken["updated"] = "2026-06-22".into();
            assert!(!capacity.is_valid(&broken), "updated is a date-time");
            broken["updated"] = c["updated"].clone();
            broken["unit"].as_object_mut().unwrap().remove("name");
            assert!(!capacity.is_valid(&broken), "unit.json is applied");
        }
        assert_valid(&service, "service", &item);
        for c in array_at(&item, "/capacities") {
            assert_valid(&capacity, "service_capacity", c);
            capacities += 1;
        }
        checked += 1;
    }
    assert_eq!(checked, exported().summary.services, "every service");
    assert_eq!(capacities, exported().summary.capacities, "every capacity");
    for item in export.items("organizations.json") {
        assert_valid(&organization, "organization", &item);
    }
    for item in export.items("taxonomies.json") {
        assert_valid(&taxonomy, "taxonomy", &item);
    }
    for item in export.items("taxonomy_terms.json") {
        assert_valid(&term, "taxonomy_term", &item);
    }
}

#[test]
fn records_with_errors_are_skipped_and_counted() {
    let source = data_dir();
    let manifest =
        Manifest::from_json(&std::fs::read_to_string(source.join("manifest.json")).unwrap())
            .unwrap();
    let mut entry = manifest.districts[0].clone();
    let text = std::fs::read_to_string(source.join(&entry.file)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 0 opens the collection; line 2 is the second feature.
    let broken_id = {
        let feature: Value = serde_json::from_str(lines[2].trim_end_matches(',')).unwrap();
        str_at(&feature, "/properties/id").to_owned()
    };
    lines[2] = lines[2].replacen("\"type\":\"Point\"", "\"type\":\"LineString\"", 1);
    let dir = TempDir::new("skipped");
    entry.file = "broken.geojson".to_owned();
    std::fs::write(dir.0.join(&entry.file), lines.join("\n") + "\n").unwrap();
    let broken = Manifest {
        districts: vec![entry.clone()],
        ..manifest
    };
    let manifest_path = dir.0.join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_string(&broken).unwrap()).unwrap();

    let out = dir.0.join("hsds");
    let summary = export_hsds(&manifest_path, &out).unwrap();
    assert_eq!(summary.skipped_records, 1);
    assert_eq!(summary.locations, entry.facilities - 1);
    assert_eq!(summary.problems.len(), 1);
    assert!(
        summary.problems[0].contains("broken.geojson"),
        "{:?}",
        summary.problems
    );
    assert!(
        summary.problems[0].contains(&broken_id),
        "{:?}",
        summary.problems
    );
    assert!(
        summary.problems[0].contains("geometry.type"),
        "{:?}",
        summary.problems
    );
    let shown = summary.to_string();
    assert!(shown.contains("1 record skipped"), "{shown}");
    assert!(shown.contains(&broken_id), "{shown}");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["skipped_records"], 1);
    let services = std::fs::read_to_string(out.join("services.json")).unwrap();
    assert!(!services.contains(&format!("\"external_identifier\":\"{broken_id}\"")));

    std::fs::remove_file(dir.0.join("broken.geojson")).unwrap();
    let error = export_hsds(&manifest_path, &out).unwrap_err();
    assert!(error.contains("broken.geojson"), "{error}");
}
