//! The published dataset against its JSON Schemas: `public/data/schema.json`
//! for the district shards and `public/data/manifest.schema.json` for the
//! manifest.
//!
//! Checks that every published file and the hand-written fixture validate,
//! that what the Rust model writes validates, that the schemas' enums and
//! district lists match the code, and that broken records are rejected by
//! the schema and by the reader alike.

use std::path::{Path, PathBuf};

use jsonschema::Validator;
use linli_datatool::publish::{collection_text, feature_json};
use linli_facilities::dataset::{Severity, parse_feature_collection};
use linli_facilities::districts::BEIJING;
use linli_facilities::model::{
    Accessibility, CapacityKind, Category, Eligibility, Facility, Form, OperatingModel, PriceUnit,
    ServiceFunction,
};
use serde_json::{Value, json};

/// `public/data/`, where the published files live.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data")
}

/// The hand-written fixture of the facilities crate.
fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../facilities/tests/fixtures/sample.geojson")
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read_text(path))
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn schema(name: &str) -> Value {
    read_json(&data_dir().join(name))
}

/// A validator for `public/data/<name>`, after checking the schema itself
/// against the draft 2020-12 meta-schema. Formats (`date`, `date-time`) are
/// asserted, not only annotated.
fn validator(name: &str) -> Validator {
    let schema = schema(name);
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("{name} is not a valid draft 2020-12 schema: {e}");
    }
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name} does not compile: {e}"))
}

/// Every error, as "instance path: message".
fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Asserts that `instance` validates, listing the first errors otherwise.
fn assert_valid(validator: &Validator, instance: &Value, what: &str) {
    let found = errors(validator, instance);
    assert!(
        found.is_empty(),
        "{what}: {} schema errors, the first:\n{}",
        found.len(),
        found
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn schemas_are_valid_draft_2020_12() {
    for name in ["schema.json", "manifest.schema.json"] {
        let schema = schema(name);
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        validator(name);
    }
}

#[test]
fn manifest_matches_its_schema() {
    let manifest = read_json(&data_dir().join("manifest.json"));
    assert_valid(
        &validator("manifest.schema.json"),
        &manifest,
        "manifest.json",
    );
    assert_eq!(
        manifest["schema"], "schema.json",
        "the manifest names the schema"
    );
}

#[test]
fn every_published_shard_matches_the_schema() {
    let validator = validator("schema.json");
    let manifest = read_json(&data_dir().join("manifest.json"));
    let entries = manifest["districts"]
        .as_array()
        .expect("districts is an array");
    assert!(!entries.is_empty(), "the manifest lists no shard");
    let mut features = 0;
    for entry in entries {
        let file = entry["file"].as_str().expect("file is a string");
        let shard = read_json(&data_dir().join(file));
        assert_valid(&validator, &shard, file);
        features += shard["features"].as_array().map_or(0, Vec::len);
    }
    assert!(features > 0, "the shards hold no features");
}

#[test]
fn hand_written_fixture_matches_the_schema() {
    assert_valid(
        &validator("schema.json"),
        &read_json(&fixture_path()),
        "sample.geojson",
    );
}

/// The fixture's facilities as the reader keeps them.
fn fixture_facilities() -> Vec<Facility> {
    let dataset = parse_feature_collection(&read_text(&fixture_path())).expect("fixture parses");
    assert!(dataset.problems.is_empty(), "{:?}", dataset.problems);
    dataset.facilities
}

#[test]
fn what_the_model_writes_matches_the_schema() {
    let validator = validator("schema.json");
    let facilities = fixture_facilities();
    let refs: Vec<&Facility> = facilities.iter().collect();
    let text = collection_text(&refs, true);
    let written: Value = serde_json::from_str(&text).expect("publisher writes JSON");
    assert_valid(&validator, &written, "fixture re-written by the publisher");

    // A record with every optional member left out, and a fractional price.
    let mut bare = facilities[0].clone();
    bare.name.en = None;
    bare.phone = None;
    bare.accessibility.clear();
    for service in &mut bare.services {
        service.name = None;
        service.opening_hours = None;
        service.hours_text = None;
        service.capacity = None;
        service.ages = None;
        service.no_fixed_site = false;
        for price in &mut service.prices {
            price.eligible.clear();
            price.note = None;
        }
    }
    bare.services[1].prices[0].amount_yuan = 12.5;
    let feature: Value = serde_json::from_str(&feature_json(&bare)).expect("feature is JSON");
    let properties = feature["properties"].as_object().expect("properties");
    for omitted in ["phone", "accessibility"] {
        assert!(!properties.contains_key(omitted), "{omitted} is written");
    }
    assert_eq!(
        feature["properties"]["services"][1]["prices"][0]["amount_yuan"],
        12.5
    );
    let collection = json!({"type": "FeatureCollection", "sample": true, "features": [feature]});
    assert_valid(&validator, &collection, "a record without optional members");
}

/// The serialised codes of an enum's variants. The match fails to compile
/// when a variant is added, so the list cannot fall behind the model.
macro_rules! codes {
    ($ty:ident: $($variant:ident),+ $(,)?) => {{
        let _exhaustive = |x: $ty| match x {
            $($ty::$variant)|+ => {}
        };
        [$($ty::$variant),+]
            .iter()
            .map(|v| serde_json::to_value(v).expect("enums serialise"))
            .collect::<Vec<Value>>()
    }};
}

#[test]
fn enums_match_the_model() {
    let schema = schema("schema.json");
    let expected = [
        (
            "service_function",
            codes!(ServiceFunction: ElderCare, InfantCare, ChildCare, Meals, Housekeeping, Health, Sports, Culture, Play),
        ),
        (
            "category",
            codes!(Category: BasicPublic, Affordable, Commercial),
        ),
        ("form", codes!(Form: Complex, Scattered)),
        (
            "operating_model",
            codes!(OperatingModel: PublicBuiltPrivateRun, PrivateRunPublicAided, GovernmentPurchase, PublicRun, PrivateRun, Other),
        ),
        (
            "accessibility",
            codes!(Accessibility: StepFreeEntrance, Lift, AccessibleToilet, Handrails, WheelchairLoan, AccessibleParking, TactilePaving, HearingLoop),
        ),
        (
            "price_unit",
            codes!(PriceUnit: PerMeal, PerDay, PerMonth, PerHour, PerSession),
        ),
        (
            "eligibility",
            codes!(Eligibility: Age60Plus, Age80Plus, LowIncome, Disabled, LivingAlone, LocalResident),
        ),
        (
            "capacity_kind",
            codes!(CapacityKind: ChildcarePlaces, ElderBeds),
        ),
    ];
    for (name, codes) in expected {
        assert_eq!(
            schema["$defs"][name]["enum"],
            Value::Array(codes),
            "$defs/{name}"
        );
    }
    assert_eq!(
        ServiceFunction::ALL.map(|f| json!(f.code())).to_vec(),
        schema["$defs"]["service_function"]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        "ServiceFunction::ALL"
    );
}

#[test]
fn district_lists_match_the_code() {
    let codes: Vec<Value> = BEIJING.iter().map(|d| json!(d.code)).collect();
    let names: Vec<Value> = BEIJING.iter().map(|d| json!(d.name_zh)).collect();
    let shard = schema("schema.json");
    assert_eq!(
        shard["$defs"]["district_code"]["enum"],
        Value::Array(codes.clone())
    );
    assert_eq!(shard["$defs"]["district_name"]["enum"], Value::Array(names));
    let pairs: Vec<Value> = BEIJING
        .iter()
        .map(|d| {
            json!({"properties": {
                "district_code": {"const": d.code},
                "district_name": {"const": d.name_zh},
            }})
        })
        .collect();
    assert_eq!(
        shard["$defs"]["district_code_matches_name"]["anyOf"],
        Value::Array(pairs)
    );

    let manifest = schema("manifest.schema.json");
    assert_eq!(
        manifest["$defs"]["district_code"]["enum"],
        Value::Array(codes)
    );
    let triples: Vec<Value> = BEIJING
        .iter()
        .map(|d| {
            json!({"properties": {
                "code": {"const": d.code},
                "name_zh": {"const": d.name_zh},
                "name_en": {"const": d.name_en},
            }})
        })
        .collect();
    assert_eq!(
        manifest["$defs"]["district_names"]["anyOf"],
        Value::Array(triples)
    );
}

/// A copy of `base` with the member at JSON pointer `at` set to `value`
/// (added if missing), or removed when `value` is `None`.
fn with(base: &Value, at: &str, value: Option<Value>) -> Value {
    let mut out = base.clone();
    let (parent, last) = at.rsplit_once('/').expect("a JSON pointer");
    let slot = out
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{parent} is not in the record"));
    match (slot, value) {
        (Value::Object(map), Some(v)) => {
            map.insert(last.to_owned(), v);
        }
        (Value::Object(map), None) => {
            map.remove(last)
                .unwrap_or_else(|| panic!("{at} is not in the record"));
        }
        (Value::Array(items), Some(v)) => {
            let index: usize = last.parse().expect("an array index");
            items[index] = v;
        }
        (other, _) => panic!("cannot change {at} in {other}"),
    }
    out
}

fn collection(feature: &Value) -> Value {
    json!({"type": "FeatureCollection", "sample": true, "features": [feature]})
}

#[test]
fn rejects_broken_records_like_the_reader() {
    let validator = validator("schema.json");
    let fixture = read_json(&fixture_path());
    // lc-sample-001: services[0] is basic public elder care with capacity and
    // ages, services[1] affordable meals with three prices.
    let good = fixture["features"][0].clone();
    assert_valid(&validator, &collection(&good), "the unchanged record");

    // (what is wrong, where to change the record, the new value or None to
    // remove it, where the schema must report the error)
    let broken = [
        (
            "unknown facility property",
            "/properties/opening_hours",
            Some(json!("Mo-Fr 08:00-17:00")),
            "/properties",
        ),
        (
            "unknown service property",
            "/properties/services/1/price",
            Some(json!(15)),
            "/properties/services/1",
        ),
        (
            "unknown price property",
            "/properties/services/1/prices/0/currency",
            Some(json!("CNY")),
            "/properties/services/1/prices/0",
        ),
        (
            "missing required property",
            "/properties/last_verified",
            None,
            "/properties",
        ),
        (
            "bad function code",
            "/properties/services/0/function",
            Some(json!("elderly")),
            "/properties/services/0/function",
        ),
        (
            "bad category code",
            "/properties/services/1/category",
            Some(json!("free")),
            "/properties/services/1/category",
        ),
        (
            "bad accessibility code",
            "/properties/accessibility",
            Some(json!(["ramp"])),
            "/properties/accessibility/0",
        ),
        (
            "bad eligibility code",
            "/properties/services/1/prices/1/eligible",
            Some(json!(["age_65_plus"])),
            "/properties/services/1/prices/1/eligible/0",
        ),
        (
            "bad capacity kind",
            "/properties/services/0/capacity/kind",
            Some(json!("beds")),
            "/properties/services/0/capacity/kind",
        ),
        (
            "negative price",
            "/properties/services/1/prices/0/amount_yuan",
            Some(json!(-5)),
            "/properties/services/1/prices/0/amount_yuan",
        ),
        (
            "free price outside basic public services",
            "/properties/services/1/prices/0/amount_yuan",
            Some(json!(0)),
            "/properties/services/1/prices/0/amount_yuan",
        ),
        (
            "negative capacity",
            "/properties/services/0/capacity/available",
            Some(json!(-1)),
            "/properties/services/0/capacity/available",
        ),
        (
            "version 0",
            "/properties/version",
            Some(json!(0)),
            "/properties/version",
        ),
        (
            "no services",
            "/properties/services",
            Some(json!([])),
            "/properties/services",
        ),
        (
            "unknown district code",
            "/properties/district_code",
            Some(json!("110100")),
            "/properties/district_code",
        ),
        (
            "district name of another district",
            "/properties/district_name",
            Some(json!("西城区")),
            "/properties",
        ),
        (
            "latitude and longitude swapped",
            "/geometry/coordinates",
            Some(json!([39.9301, 116.4182])),
            "/geometry/coordinates/1",
        ),
        (
            "longitude out of range",
            "/geometry/coordinates",
            Some(json!([196.4182, 39.9301])),
            "/geometry/coordinates/0",
        ),
        (
            "latitude out of range",
            "/geometry/coordinates",
            Some(json!([116.4182, -91.0])),
            "/geometry/coordinates/1",
        ),
        (
            "not a point",
            "/geometry/type",
            Some(json!("Polygon")),
            "/geometry/type",
        ),
        (
            "date with slashes",
            "/properties/last_verified",
            Some(json!("2026/11/20")),
            "/properties/last_verified",
        ),
        (
            "month 13",
            "/properties/last_verified",
            Some(json!("2026-13-01")),
            "/properties/last_verified",
        ),
        (
            "30 February",
            "/properties/services/0/capacity/updated",
            Some(json!("2026-02-30")),
            "/properties/services/0/capacity/updated",
        ),
        (
            "date and time instead of a date",
            "/properties/services/0/capacity/updated",
            Some(json!("2026-11-20T10:00:00+08:00")),
            "/properties/services/0/capacity/updated",
        ),
    ];
    for (what, at, value, error_at) in broken {
        let instance = collection(&with(&good, at, value));
        let expected = format!("/features/0{error_at}");
        let found: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            found.contains(&expected),
            "a record with {what} ({at}): expected a schema error at {expected}, got {found:?}"
        );
        let dataset = parse_feature_collection(&instance.to_string()).expect("a FeatureCollection");
        assert!(
            dataset.facilities.is_empty()
                && dataset
                    .problems
                    .iter()
                    .any(|p| p.severity == Severity::Error),
            "the reader keeps a record with {what} ({at}): {:?}",
            dataset.problems
        );
    }
}

#[test]
fn rejects_broken_collections() {
    let validator = validator("schema.json");
    let fixture = read_json(&fixture_path());
    for (what, at, value) in [
        ("not a FeatureCollection", "/type", Some(json!("Feature"))),
        ("sample as a string", "/sample", Some(json!("true"))),
        ("sample missing", "/sample", None),
        ("a misspelt member", "/smaple", Some(json!(true))),
        (
            "a feature of the wrong type",
            "/features/0/type",
            Some(json!("Point")),
        ),
    ] {
        assert!(
            !validator.is_valid(&with(&fixture, at, value)),
            "schema accepts a collection with {what} ({at})"
        );
    }
}

#[test]
fn rejects_broken_manifests() {
    let validator = validator("manifest.schema.json");
    let manifest = read_json(&data_dir().join("manifest.json"));
    for (what, at, value) in [
        ("another format", "/format", Some(json!("linli-dataset/2"))),
        ("an unknown member", "/version", Some(json!("1"))),
        (
            "a time without offset",
            "/generated_at",
            Some(json!("2026-11-26T00:00:00")),
        ),
        (
            "an upper-case hash",
            "/districts/0/sha256",
            Some(json!(
                "402A6049F661854EF8E3C676D9434E3AD5F7C302E4B73CA4743EA664C98F8AB5"
            )),
        ),
        (
            "a short hash",
            "/districts/0/sha256",
            Some(json!("402a6049")),
        ),
        (
            "a bbox of three numbers",
            "/districts/0/bbox",
            Some(json!([116.38, 39.87, 116.43])),
        ),
        (
            "a bbox with latitude 100",
            "/districts/0/bbox",
            Some(json!([116.38, 100.0, 116.43, 39.96])),
        ),
        (
            "an unknown district",
            "/districts/0/code",
            Some(json!("110103")),
        ),
        (
            "a name of another district",
            "/districts/0/name_zh",
            Some(json!("西城区")),
        ),
        ("a negative size", "/districts/0/bytes", Some(json!(-1))),
        ("no file", "/districts/0/file", None),
    ] {
        assert!(
            !validator.is_valid(&with(&manifest, at, value)),
            "schema accepts a manifest with {what} ({at})"
        );
    }
}
