//! Reading a published GeoJSON FeatureCollection into facilities.
//!
//! A file that is not a FeatureCollection at all is an error
//! ([`DatasetError`]). Inside a valid collection, each Feature stands on its
//! own: a bad record is reported as a [`RecordProblem`] naming its index, id,
//! field and reason, and the good records stay usable.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use crate::geometry::LonLat;
use crate::model::{Facility, Name, Service};

/// Facilities read from one GeoJSON file, and the records that were skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Whether the file says it holds sample data rather than real records.
    pub sample: bool,
    /// Records that passed validation, in file order.
    pub facilities: Vec<Facility>,
    /// Records that were skipped, with the reason.
    pub problems: Vec<RecordProblem>,
}

/// Why a whole file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatasetError {
    /// The text is not JSON. `line` and `column` are 1-based.
    Json {
        /// Line of the error, 1-based.
        line: usize,
        /// Column of the error, 1-based.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The JSON is not a GeoJSON FeatureCollection.
    NotFeatureCollection(String),
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatasetError::Json {
                line,
                column,
                message,
            } => {
                write!(
                    f,
                    "not valid JSON at line {line}, column {column}: {message}"
                )
            }
            DatasetError::NotFeatureCollection(why) => {
                write!(f, "not a GeoJSON FeatureCollection: {why}")
            }
        }
    }
}

impl std::error::Error for DatasetError {}

/// One skipped record: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// 0-based index of the Feature in `features`.
    pub index: usize,
    /// The record's `id`, when it has a readable one.
    pub id: Option<String>,
    /// The offending field, as a path such as `geometry.coordinates`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "feature {}", self.index)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ", {}: {}", self.field, self.reason)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProperties {
    id: String,
    name: Name,
    district_code: String,
    district_name: String,
    subdistrict: String,
    community: String,
    address: String,
    services: Vec<Service>,
}

/// Parses a GeoJSON FeatureCollection of facilities.
///
/// ```
/// use linli_facilities::dataset::parse_feature_collection;
/// let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
///   "geometry":{"type":"Point","coordinates":[116.417,39.929]},
///   "properties":{"id":"x1","name":{"zh":"示例站"},"district_code":"110101",
///   "district_name":"东城区","subdistrict":"东四街道","community":"示例社区",
///   "address":"示例地址","services":[{"function":"meals","category":"affordable"}]}}]}"#;
/// let dataset = parse_feature_collection(text).unwrap();
/// assert_eq!(dataset.facilities.len(), 1);
/// assert!(dataset.problems.is_empty());
/// ```
pub fn parse_feature_collection(text: &str) -> Result<Dataset, DatasetError> {
    let root: Value = serde_json::from_str(text).map_err(|e| DatasetError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let Value::Object(root) = root else {
        return Err(DatasetError::NotFeatureCollection(
            "the top level is not an object".into(),
        ));
    };
    match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(DatasetError::NotFeatureCollection(format!(
                "\"type\" is \"{other}\", expected \"FeatureCollection\""
            )));
        }
        None => {
            return Err(DatasetError::NotFeatureCollection(
                "\"type\" is missing".into(),
            ));
        }
    }
    let Some(Value::Array(features)) = root.get("features") else {
        return Err(DatasetError::NotFeatureCollection(
            "\"features\" is missing or not an array".into(),
        ));
    };
    let sample = root.get("sample").and_then(Value::as_bool).unwrap_or(false);

    let mut facilities = Vec::with_capacity(features.len());
    let mut problems = Vec::new();
    let mut seen_ids = HashSet::new();
    for (index, feature) in features.iter().enumerate() {
        match read_feature(feature) {
            Ok(facility) => {
                if seen_ids.insert(facility.id.clone()) {
                    facilities.push(facility);
                } else {
                    problems.push(RecordProblem {
                        index,
                        id: Some(facility.id),
                        field: "properties.id".into(),
                        reason: "duplicate id: an earlier feature already uses it".into(),
                    });
                }
            }
            Err((field, reason)) => problems.push(RecordProblem {
                index,
                id: feature
                    .pointer("/properties/id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                field,
                reason,
            }),
        }
    }
    Ok(Dataset {
        sample,
        facilities,
        problems,
    })
}

/// Reads one Feature, or says which field is wrong and why.
fn read_feature(feature: &Value) -> Result<Facility, (String, String)> {
    let problem = |field: &str, reason: String| (field.to_owned(), reason);
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(problem("type", "expected \"Feature\"".into()));
    }
    let position = read_point(feature.get("geometry"))?;
    let properties = feature
        .get("properties")
        .ok_or_else(|| problem("properties", "missing".into()))?;
    let raw =
        RawProperties::deserialize(properties).map_err(|e| problem("properties", e.to_string()))?;
    if raw.id.trim().is_empty() {
        return Err(problem("properties.id", "empty".into()));
    }
    if raw.name.zh.trim().is_empty() {
        return Err(problem("properties.name.zh", "empty".into()));
    }
    if raw.district_code.len() != 6 || !raw.district_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem(
            "properties.district_code",
            format!("\"{}\" is not a 6-digit GB/T 2260 code", raw.district_code),
        ));
    }
    if raw.services.is_empty() {
        return Err(problem(
            "properties.services",
            "a facility offers at least one service".into(),
        ));
    }
    Ok(Facility {
        id: raw.id,
        name: raw.name,
        district_code: raw.district_code,
        district_name: raw.district_name,
        subdistrict: raw.subdistrict,
        community: raw.community,
        address: raw.address,
        position,
        services: raw.services,
    })
}

fn read_point(geometry: Option<&Value>) -> Result<LonLat, (String, String)> {
    let problem = |field: &str, reason: &str| (field.to_owned(), reason.to_owned());
    let geometry = geometry.ok_or_else(|| problem("geometry", "missing"))?;
    if geometry.get("type").and_then(Value::as_str) != Some("Point") {
        return Err(problem("geometry.type", "expected \"Point\""));
    }
    let coords = geometry
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or_else(|| problem("geometry.coordinates", "missing or not an array"))?;
    let (Some(lon), Some(lat)) = (
        coords.first().and_then(Value::as_f64),
        coords.get(1).and_then(Value::as_f64),
    ) else {
        return Err(problem(
            "geometry.coordinates",
            "expected [longitude, latitude] numbers",
        ));
    };
    let position = LonLat::new(lon, lat);
    if !position.is_valid() {
        return Err((
            "geometry.coordinates".to_owned(),
            format!("[{lon}, {lat}] is outside WGS-84 ranges (is it [lat, lon]?)"),
        ));
    }
    Ok(position)
}
