//! Data-driven checks against the hand-written sample shipped with the app.

use linli_facilities::dataset::{DatasetError, parse_feature_collection};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::model::ServiceFunction;
use linli_facilities::search::{Query, search};

const SAMPLE: &str = include_str!("../../../public/data/sample.geojson");
/// The fixed position of the first slice: near Dongsi, Dongcheng.
const ORIGIN: LonLat = LonLat::new(116.4170, 39.9290);

/// Searches the sample for `function` within `max_m` metres and compares the
/// ids, nearest first.
fn check(function: Option<ServiceFunction>, max_m: Option<f64>, expect: &[&str]) {
    let data = parse_feature_collection(SAMPLE).expect("sample parses");
    let query = Query {
        origin: ORIGIN,
        function,
        max_distance_m: max_m,
        walking: WalkingModel::STANDARD,
    };
    let ids: Vec<&str> = search(&data.facilities, &query)
        .iter()
        .map(|h| data.facilities[h.index].id.as_str())
        .collect();
    assert_eq!(ids, expect, "function {function:?}, max {max_m:?} m");
}

#[test]
fn sample_is_labelled_and_clean() {
    let data = parse_feature_collection(SAMPLE).unwrap();
    assert!(
        data.sample,
        "the hand-written file must say it is sample data"
    );
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.facilities.len(), 8);
    for f in &data.facilities {
        assert!(
            f.name.zh.starts_with("【示例】"),
            "{} is not labelled sample",
            f.id
        );
    }
    // Every function appears at least once, so every filter option can be tried.
    for function in ServiceFunction::ALL {
        assert!(
            data.facilities.iter().any(|f| f.offers(function)),
            "{function:?} missing"
        );
    }
}

#[test]
fn filters_by_function_nearest_first() {
    check(
        None,
        None,
        &[
            "lc-sample-001",
            "lc-sample-002",
            "lc-sample-006",
            "lc-sample-003",
            "lc-sample-004",
            "lc-sample-007",
            "lc-sample-005",
            "lc-sample-008",
        ],
    );
    check(
        Some(ServiceFunction::InfantCare),
        None,
        &["lc-sample-002", "lc-sample-004", "lc-sample-008"],
    );
    check(
        Some(ServiceFunction::Meals),
        None,
        &[
            "lc-sample-001",
            "lc-sample-006",
            "lc-sample-003",
            "lc-sample-004",
            "lc-sample-008",
        ],
    );
    check(
        Some(ServiceFunction::Housekeeping),
        None,
        &["lc-sample-003", "lc-sample-007"],
    );
}

#[test]
fn filters_by_distance() {
    check(None, Some(1_000.0), &["lc-sample-001", "lc-sample-002"]);
    check(Some(ServiceFunction::Sports), Some(1_000.0), &[]);
    check(
        Some(ServiceFunction::ElderCare),
        Some(1_390.0),
        &["lc-sample-001", "lc-sample-006"],
    );
}

#[test]
fn walking_minutes_follow_the_model() {
    let data = parse_feature_collection(SAMPLE).unwrap();
    let query = Query {
        origin: ORIGIN,
        function: Some(ServiceFunction::InfantCare),
        max_distance_m: None,
        walking: WalkingModel::SENIOR,
    };
    let first = search(&data.facilities, &query)[0];
    // About 952 m straight, 1238 m walked, 27.5 minutes at 45 m/min.
    assert!(
        (first.walk_minutes - 27.5).abs() < 0.2,
        "{}",
        first.walk_minutes
    );
}

#[test]
fn bad_records_are_reported_and_good_ones_kept() {
    let text = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[116.41,39.93]},
       "properties":{"id":"ok","name":{"zh":"甲"},"district_code":"110101","district_name":"东城区",
       "subdistrict":"东四街道","community":"c","address":"a","services":[{"function":"meals","category":"affordable"}]}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[39.93,116.41]},
       "properties":{"id":"swapped","name":{"zh":"乙"},"district_code":"110101","district_name":"东城区",
       "subdistrict":"东四街道","community":"c","address":"a","services":[{"function":"meals","category":"affordable"}]}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[116.41,39.93]},
       "properties":{"id":"bad-fn","name":{"zh":"丙"},"district_code":"110101","district_name":"东城区",
       "subdistrict":"东四街道","community":"c","address":"a","services":[{"function":"karaoke","category":"affordable"}]}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[116.41,39.93]},
       "properties":{"id":"ok","name":{"zh":"丁"},"district_code":"110101","district_name":"东城区",
       "subdistrict":"东四街道","community":"c","address":"a","services":[{"function":"meals","category":"affordable"}]}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[116.41,39.93]},
       "properties":{"id":"no-svc","name":{"zh":"戊"},"district_code":"1101","district_name":"东城区",
       "subdistrict":"东四街道","community":"c","address":"a","services":[]}}
    ]}"#;
    let data = parse_feature_collection(text).unwrap();
    assert!(!data.sample);
    assert_eq!(data.facilities.len(), 1);
    assert_eq!(data.facilities[0].name.zh, "甲");
    let found: Vec<(usize, Option<&str>, &str)> = data
        .problems
        .iter()
        .map(|p| (p.index, p.id.as_deref(), p.field.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (1, Some("swapped"), "geometry.coordinates"),
            (2, Some("bad-fn"), "properties"),
            (3, Some("ok"), "properties.id"),
            (4, Some("no-svc"), "properties.district_code"),
        ]
    );
    assert!(
        data.problems[0].reason.contains("[lat, lon]"),
        "{}",
        data.problems[0]
    );
    assert!(
        data.problems[1].reason.contains("karaoke"),
        "{}",
        data.problems[1]
    );
    assert!(data.problems[2].to_string().contains("duplicate id"));
}

#[test]
fn unreadable_files_are_errors_with_a_position() {
    match parse_feature_collection("{\"type\": \"FeatureCollection\",\n \"features\": [}") {
        Err(DatasetError::Json { line: 2, .. }) => {}
        other => panic!("expected a JSON error on line 2, got {other:?}"),
    }
    let err = parse_feature_collection(r#"{"type":"Feature"}"#).unwrap_err();
    assert!(
        err.to_string().contains("expected \"FeatureCollection\""),
        "{err}"
    );
    let err = parse_feature_collection("[]").unwrap_err();
    assert!(err.to_string().contains("not an object"), "{err}");
}
