//! Data-driven checks against the hand-written sample shipped with the app.

use linli_facilities::dataset::{
    CollectionReader, DatasetError, Severity, parse_feature_collection,
};
use linli_facilities::model::ServiceFunction;
use serde_json::{Value, json};

const SAMPLE: &str = include_str!("fixtures/sample.geojson");

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

/// The sample with values replaced: (feature index, JSON pointer inside the
/// feature, new value).
fn edited(edits: &[(usize, &str, Value)]) -> String {
    let mut root: Value = serde_json::from_str(SAMPLE).unwrap();
    for (index, pointer, value) in edits {
        *root["features"][*index]
            .pointer_mut(pointer)
            .expect(pointer) = value.clone();
    }
    root.to_string()
}

#[test]
fn bad_records_are_reported_and_good_ones_kept() {
    let text = edited(&[
        (0, "/geometry/coordinates", json!([39.9301, 116.4182])),
        (1, "/properties/services/0/function", json!("karaoke")),
        (2, "/properties/id", json!("lc-sample-001")),
        (3, "/properties/phone", json!("138 1234 5678")),
        (4, "/properties/services/0/capacity/available", json!(99)),
        (
            5,
            "/properties/services/1/opening_hours",
            json!("Mo-Fr 11:00-12:30; Xy off"),
        ),
        (6, "/geometry/coordinates", json!([116.58, 40.33])),
        (6, "/properties/services/2/prices/0/amount_yuan", json!(0)),
    ]);
    let data = parse_feature_collection(&text).unwrap();
    let found: Vec<(usize, &str, Severity)> = data
        .problems
        .iter()
        .map(|p| (p.index, p.field.as_str(), p.severity))
        .collect();
    assert_eq!(
        found,
        [
            (0, "geometry.coordinates", Severity::Error),
            (1, "properties", Severity::Error),
            (2, "properties.id", Severity::Error),
            (3, "properties.phone", Severity::Error),
            (4, "properties.services[0].capacity", Severity::Error),
            (5, "properties.services[1].opening_hours", Severity::Error),
            (6, "geometry.coordinates", Severity::Error),
            (
                6,
                "properties.services[2].prices[0].amount_yuan",
                Severity::Error
            ),
        ]
    );
    let reasons: Vec<String> = data.problems.iter().map(ToString::to_string).collect();
    assert!(reasons[0].contains("[lat, lon]"), "{}", reasons[0]);
    assert!(reasons[1].contains("karaoke"), "{}", reasons[1]);
    assert!(reasons[2].contains("duplicate id"), "{}", reasons[2]);
    assert!(reasons[3].contains("personal mobile"), "{}", reasons[3]);
    assert!(
        reasons[4].contains("99 available is more than the 30 in total"),
        "{}",
        reasons[4]
    );
    assert!(reasons[5].contains("column 20"), "{}", reasons[5]);
    assert!(reasons[6].contains("outside 东城区"), "{}", reasons[6]);
    assert!(
        reasons[7].contains("only allowed for basic public"),
        "{}",
        reasons[7]
    );
    // The one untouched record stays usable.
    let kept: Vec<&str> = data.facilities.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(kept, ["lc-sample-008"]);
    assert_eq!(data.skipped(), 7);
}

/// The app reads a shard a slice at a time (yielding to the browser in
/// between); every slicing must give what reading it whole gives, bad
/// records, duplicate ids and all.
#[test]
fn reading_in_slices_gives_what_reading_whole_gives() {
    let text = edited(&[
        (1, "/properties/services/0/function", json!("karaoke")),
        (2, "/properties/id", json!("lc-sample-001")),
        (
            5,
            "/properties/services/1/opening_hours",
            json!("Mo-Fr 11:00-12:30; Xy off"),
        ),
    ]);
    let whole = parse_feature_collection(&text).unwrap();
    assert_eq!(whole.skipped(), 3, "the edits suit this test");
    for slice in 1..=9 {
        let mut reader = CollectionReader::new(&text).unwrap();
        let mut reads = 1;
        let mut left = reader.remaining();
        while reader.read(slice) {
            assert_eq!(reader.remaining(), left - slice, "slices of {slice}");
            left = reader.remaining();
            reads += 1;
        }
        assert_eq!(reads, 8usize.div_ceil(slice), "slices of {slice}");
        assert_eq!(reader.remaining(), 0);
        assert_eq!(reader.finish(), whole, "slices of {slice}");
    }
    // Stopping early keeps what was read and nothing else.
    let mut reader = CollectionReader::new(&text).unwrap();
    assert!(reader.read(3));
    let part = reader.finish();
    assert_eq!(part.facilities.len(), 1, "records 1 and 2 are bad");
    assert!(part.problems.iter().all(|p| p.index < 3));
    // A file that is not a collection fails before any slice.
    assert!(CollectionReader::new("[1, 2]").is_err());
}

#[test]
fn warnings_keep_the_record() {
    // A pilot site with only two functions breaks 第八条 but stays listed.
    let mut root: Value = serde_json::from_str(SAMPLE).unwrap();
    root["features"][5]["properties"]["services"]
        .as_array_mut()
        .unwrap()
        .truncate(2);
    let text = root.to_string();
    let data = parse_feature_collection(&text).unwrap();
    assert_eq!(data.facilities.len(), 8);
    assert_eq!(data.problems.len(), 1);
    assert_eq!(data.problems[0].severity, Severity::Warning);
    assert!(
        data.problems[0].reason.contains("第八条"),
        "{}",
        data.problems[0]
    );
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
