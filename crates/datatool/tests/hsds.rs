//! `datatool export-hsds` over the committed published dataset
//! (`public/data/manifest.json`): counts, every price, place and schedule
//! against the data, one known facility in detail, links between objects,
//! stable output, skipped records, and validation against the real HSDS
//! JSON Schemas in `tests/hsds-schema/` (see `SOURCE.md` there).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use jsonschema::{Retrieve, Uri, Validator};
use linli_datatool::hsds::{HsdsSummary, export_hsds};
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

/// One export of the committed data, read back and its directory removed.
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

fn export_committed() -> Exported {
    let dir = TempDir::new("committed");
    let summary = export_hsds(&data_dir().join("manifest.json"), &dir.0).unwrap();
    let texts = FILES
        .into_iter()
        .map(|name| (name, std::fs::read_to_string(dir.0.join(name)).unwrap()))
        .collect();
    Exported { summary, texts }
}

fn exported() -> &'static Exported {
    static EXPORTED: OnceLock<Exported> = OnceLock::new();
    EXPORTED.get_or_init(export_committed)
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

#[test]
fn a_known_facility_in_detail() {
    let services: Vec<Value> = exported()
        .items("services.json")
        .filter(|s| {
            s["service_at_locations"][0]["location"]["external_identifier"] == "110101-00001"
        })
        .collect();
    assert_eq!(services.len(), 5);

    let location = &services[0]["service_at_locations"][0]["location"];
    assert_eq!(location["location_type"], "physical");
    assert_eq!(location["latitude"], 39.93392);
    assert_eq!(location["longitude"], 116.38778);
    let address = &location["addresses"][0];
    assert_eq!(
        address["address_1"],
        "东城区交道口街道示例路37号（示例地址）"
    );
    assert_eq!(address["region"], "东城区");
    assert_eq!(address["state_province"], "北京市");
    assert_eq!(address["country"], "CN");
    assert_eq!(location["phones"][0]["number"], "010-05842594");
    let accessibility: Vec<&str> = array_at(location, "/accessibility")
        .iter()
        .map(|a| str_at(a, "/description"))
        .collect();
    assert_eq!(
        accessibility,
        [
            "无障碍入口 / Step-free entrance",
            "无障碍卫生间 / Accessible toilet"
        ]
    );

    // 养老驿站: free for people aged 60 and over, no hours.
    let elder = &services[0];
    assert_eq!(elder["name"], "【示例】养老驿站");
    assert!(array_at(elder, "/schedules").is_empty());
    assert_eq!(elder["cost_options"][0]["amount"], 0);
    assert_eq!(elder["minimum_age"], 60);
    assert_eq!(
        elder["attributes"][0]["taxonomy_term"]["code"],
        "elder_care"
    );
    assert_eq!(
        elder["attributes"][1]["taxonomy_term"]["code"],
        "basic_public"
    );

    // 托育: "Mo-Fr 07:30-18:00; PH off", 3200 yuan a month, 0 of 17 places.
    let infants = &services[1];
    let schedules = array_at(infants, "/schedules");
    assert_eq!(schedules.len(), 1);
    let row = &schedules[0];
    assert_eq!(row["freq"], "WEEKLY");
    assert_eq!(row["wkst"], "MO");
    assert_eq!(row["byday"], "MO,TU,WE,TH,FR");
    assert_eq!(row["opens_at"], "07:30+08:00");
    assert_eq!(row["closes_at"], "18:00+08:00");
    assert_eq!(row["timezone"], 8);
    assert_eq!(
        row["description"],
        "周一至周五 07:30-18:00 / Mon-Fri 07:30-18:00"
    );
    let notes = str_at(row, "/notes");
    assert!(notes.contains("Mo-Fr 07:30-18:00; PH off"), "{notes}");
    assert!(notes.contains("法定节假日休息"), "{notes}");
    assert!(
        notes.contains("周一至周五 7:30-18:00；法定节假日休息"),
        "{notes}"
    );
    let cost = &infants["cost_options"][0];
    assert_eq!(cost["amount"], 3200);
    assert_eq!(cost["currency"], "CNY");
    assert_eq!(cost["option"], "全日托");
    let capacity = &infants["capacities"][0];
    assert_eq!(capacity["available"], 0);
    assert_eq!(capacity["maximum"], 17);
    assert_eq!(capacity["updated"], "2026-06-22T00:00:00.000+08:00");
    assert_eq!(capacity["unit"]["identifier"], "childcare_places");
    assert_eq!(infants["minimum_age"], 1);
    assert_eq!(infants["maximum_age"], 3);

    // 长者食堂: "Mo-Sa 11:00-13:30", 20 yuan, 17 for people aged 80 and over.
    let canteen = &services[2];
    let row = &canteen["schedules"][0];
    assert_eq!(row["byday"], "MO,TU,WE,TH,FR,SA");
    assert_eq!(row["opens_at"], "11:00+08:00");
    assert_eq!(row["closes_at"], "13:30+08:00");
    assert!(!str_at(row, "/notes").contains("#440"), "no PH off");
    let costs = array_at(canteen, "/cost_options");
    assert_eq!(costs[0]["amount"], 20);
    assert_eq!(costs[0]["option"], "一荤两素");
    assert_eq!(costs[1]["amount"], 17);
    assert!(costs[1].get("option").is_none());
    assert!(str_at(&costs[1], "/amount_description").contains("80周岁及以上"));
    assert_eq!(
        canteen["fees_description"],
        "一荤两素 20 元/餐；17 元/餐（80周岁及以上）"
    );

    // 助餐送餐上门 has no fixed site.
    let delivery = &services[3];
    assert!(str_at(delivery, "/service_at_locations/0/description").contains("No fixed site"));
}

#[test]
fn split_hours_become_two_weekly_rows() {
    let service = exported()
        .items("services.json")
        .find(|s| {
            array_at(s, "/schedules")
                .first()
                .is_some_and(|r| str_at(r, "/notes").contains("Mo-Su 10:30-13:00,16:30-18:30"))
        })
        .expect("the data has split lunch and dinner hours");
    let rows: Vec<(&str, &str, &str)> = array_at(&service, "/schedules")
        .iter()
        .map(|r| {
            (
                str_at(r, "/byday"),
                str_at(r, "/opens_at"),
                str_at(r, "/closes_at"),
            )
        })
        .collect();
    let every_day = "MO,TU,WE,TH,FR,SA,SU";
    assert_eq!(
        rows,
        [
            (every_day, "10:30+08:00", "13:00+08:00"),
            (every_day, "16:30+08:00", "18:30+08:00")
        ]
    );
    let round_the_clock = exported()
        .items("services.json")
        .find(|s| {
            array_at(s, "/schedules")
                .first()
                .is_some_and(|r| str_at(r, "/notes").starts_with("OSM opening_hours: 24/7"))
        })
        .expect("the data has 24/7 services");
    let row = &round_the_clock["schedules"][0];
    assert_eq!(row["opens_at"], "00:00+08:00");
    assert_eq!(row["closes_at"], "23:59+08:00");
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
