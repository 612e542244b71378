//! Reading and validating a published GeoJSON FeatureCollection.
//!
//! A file that is not a FeatureCollection at all is an error
//! ([`DatasetError`]). Inside a valid collection each Feature stands on its
//! own: every problem is reported as a [`RecordProblem`] naming the feature
//! index, id, field and reason. A record with an error is skipped; a record
//! with only warnings is kept. Good records are never lost to a bad one.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use crate::districts;
use crate::geometry::LonLat;
use crate::hours;
use crate::model::{Category, Facility, ServiceFunction};

/// Facilities read from one GeoJSON file, and what was wrong with the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Whether the file says it holds sample data rather than real records.
    pub sample: bool,
    /// Records without errors, in file order.
    pub facilities: Vec<Facility>,
    /// Every problem found, in file order.
    pub problems: Vec<RecordProblem>,
}

impl Dataset {
    /// How many records were skipped because of an error.
    pub fn skipped(&self) -> usize {
        let mut indices: Vec<usize> = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| p.index)
            .collect();
        indices.dedup();
        indices.len()
    }
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

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The record is kept, but someone should look at it.
    Warning,
    /// The record is skipped.
    Error,
}

/// One problem with one record: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// 0-based index of the Feature in `features`.
    pub index: usize,
    /// The record's `id`, when it has a readable one.
    pub id: Option<String>,
    /// The offending field, as a path such as `properties.services[1].prices[0]`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
    /// Whether the record was skipped.
    pub severity: Severity,
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: feature {}", self.index)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ", {}: {}", self.field, self.reason)
    }
}

/// Parses and validates a GeoJSON FeatureCollection of facilities.
///
/// ```
/// use linli_facilities::dataset::parse_feature_collection;
/// let dataset = parse_feature_collection(include_str!("../tests/fixtures/sample.geojson")).unwrap();
/// assert!(dataset.sample);
/// assert!(dataset.problems.is_empty());
/// ```
pub fn parse_feature_collection(text: &str) -> Result<Dataset, DatasetError> {
    let mut reader = CollectionReader::new(text)?;
    reader.read(usize::MAX);
    Ok(reader.finish())
}

/// A FeatureCollection read a slice of features at a time, so that a caller
/// can spread the work: the app lets the browser paint and answer taps
/// between slices. Reading every slice gives exactly what
/// [`parse_feature_collection`] gives.
///
/// ```
/// use linli_facilities::dataset::{CollectionReader, parse_feature_collection};
/// let text = include_str!("../tests/fixtures/sample.geojson");
/// let mut reader = CollectionReader::new(text).unwrap();
/// while reader.read(2) {}
/// assert_eq!(reader.finish(), parse_feature_collection(text).unwrap());
/// ```
#[derive(Debug)]
pub struct CollectionReader<'a> {
    /// The text the features are read from.
    text: &'a str,
    sample: bool,
    features: Vec<&'a serde_json::value::RawValue>,
    next: usize,
    facilities: Vec<Facility>,
    /// Where each kept facility's Feature lies in `text`.
    spans: Vec<FeatureSpan>,
    problems: Vec<RecordProblem>,
    seen_ids: HashSet<String>,
    hours_cache: HoursCache,
}

/// Where one Feature lies in the text it was read from, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSpan {
    /// The offset of its first byte.
    pub start: u32,
    /// Its length.
    pub len: u32,
}

impl<'a> CollectionReader<'a> {
    /// Reads the collection's shell, leaving each feature unread; an error
    /// when `text` is not a FeatureCollection at all.
    pub fn new(text: &'a str) -> Result<CollectionReader<'a>, DatasetError> {
        // Fast path: the collection's shell, with each feature left as raw text.
        let collection = match serde_json::from_str::<CollectionIn<'_>>(text) {
            Ok(c) => c,
            Err(e) => return Err(collection_error(text, &e)),
        };
        if collection.kind.as_deref() != Some("FeatureCollection") {
            return Err(collection_error(
                text,
                &serde::de::Error::custom("not a FeatureCollection"),
            ));
        }
        let count = collection.features.len();
        Ok(CollectionReader {
            text,
            sample: collection.sample,
            features: collection.features,
            next: 0,
            facilities: Vec::with_capacity(count),
            spans: Vec::with_capacity(count),
            problems: Vec::new(),
            seen_ids: HashSet::with_capacity(count),
            hours_cache: HoursCache::default(),
        })
    }

    /// How many features are left to read.
    pub fn remaining(&self) -> usize {
        self.features.len() - self.next
    }

    /// Reads and validates up to `count` more features; whether any are
    /// left.
    pub fn read(&mut self, count: usize) -> bool {
        let end = self.next.saturating_add(count).min(self.features.len());
        while self.next < end {
            self.read_one(self.next);
            self.next += 1;
        }
        self.next < self.features.len()
    }

    fn read_one(&mut self, index: usize) {
        let raw = self.features[index];
        let mut found = Vec::new();
        let (id, facility) = match typed_feature(raw.get()) {
            Some(facility) => {
                validate(&facility, &mut found, &mut self.hours_cache);
                (Some(facility.id.clone()), Some(facility))
            }
            // Slow path, only for records with a problem: find out which.
            None => {
                let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
                let id = value
                    .pointer("/properties/id")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                (id, read_feature(&value, &mut found, &mut self.hours_cache))
            }
        };
        if let Some(id) = &id
            && !self.seen_ids.insert(id.clone())
        {
            found.push(Found::error(
                "properties.id",
                "duplicate id: an earlier feature already uses it",
            ));
        }
        let failed = found.iter().any(|p| p.severity == Severity::Error);
        self.problems
            .extend(found.into_iter().map(|p| RecordProblem {
                index,
                id: id.clone(),
                field: p.field,
                reason: p.reason,
                severity: p.severity,
            }));
        if let (Some(f), false) = (facility, failed) {
            self.facilities.push(f);
            let start = raw.get().as_ptr() as usize - self.text.as_ptr() as usize;
            self.spans.push(FeatureSpan {
                start: start as u32,
                len: raw.get().len() as u32,
            });
        }
    }

    /// The facilities read so far and every problem found; features not yet
    /// read are left out.
    pub fn finish(self) -> Dataset {
        self.finish_with_spans().0
    }

    /// [`CollectionReader::finish`], and where each facility's Feature
    /// lies in the text (for [`crate::search_file`]).
    pub fn finish_with_spans(self) -> (Dataset, Vec<FeatureSpan>) {
        let dataset = Dataset {
            sample: self.sample,
            facilities: self.facilities,
            problems: self.problems,
        };
        (dataset, self.spans)
    }
}

/// Reads one Feature on its own, as [`parse_feature_collection`] reads each
/// of a collection's (apart from the check that ids are unique): the
/// facility, or every problem found when there is an error.
pub fn read_record(feature: &str) -> Result<Facility, Vec<Found>> {
    let mut found = Vec::new();
    let mut hours_cache = HoursCache::default();
    let facility = match typed_feature(feature) {
        Some(facility) => {
            validate(&facility, &mut found, &mut hours_cache);
            Some(facility)
        }
        None => {
            let value: Value = match serde_json::from_str(feature) {
                Ok(value) => value,
                Err(e) => return Err(vec![Found::error("", e.to_string())]),
            };
            read_feature(&value, &mut found, &mut hours_cache)
        }
    };
    match facility {
        Some(f) if !found.iter().any(|p| p.severity == Severity::Error) => Ok(f),
        _ => Err(found),
    }
}

/// The shell of a FeatureCollection; features stay unparsed.
#[derive(Deserialize)]
struct CollectionIn<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    sample: bool,
    #[serde(borrow)]
    features: Vec<&'a serde_json::value::RawValue>,
}

#[derive(Deserialize)]
struct FeatureIn {
    #[serde(rename = "type")]
    kind: String,
    geometry: PointIn,
    properties: Facility,
}

#[derive(Deserialize)]
struct PointIn {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Vec<f64>,
}

/// Reads a well-formed Feature straight into a facility; `None` when
/// anything about its shape is off, so that the slow path can say what.
fn typed_feature(text: &str) -> Option<Facility> {
    let feature: FeatureIn = serde_json::from_str(text).ok()?;
    let [lon, lat] = feature.geometry.coordinates[..] else {
        return None;
    };
    let position = LonLat::new(lon, lat);
    if feature.kind != "Feature" || feature.geometry.kind != "Point" || !position.is_valid() {
        return None;
    }
    let mut facility = feature.properties;
    facility.position = position;
    Some(facility)
}

/// Why `text` is not a FeatureCollection, as precisely as possible.
fn collection_error(text: &str, shell: &serde_json::Error) -> DatasetError {
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            return DatasetError::Json {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            };
        }
    };
    let Value::Object(root) = root else {
        return DatasetError::NotFeatureCollection("the top level is not an object".into());
    };
    match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some(other) => {
            return DatasetError::NotFeatureCollection(format!(
                "\"type\" is \"{other}\", expected \"FeatureCollection\""
            ));
        }
        None => return DatasetError::NotFeatureCollection("\"type\" is missing".into()),
    }
    match root.get("features") {
        Some(Value::Array(_)) => {
            DatasetError::NotFeatureCollection(format!("malformed members: {shell}"))
        }
        _ => DatasetError::NotFeatureCollection("\"features\" is missing or not an array".into()),
    }
}

/// A problem found inside one record, before its place in a file is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The offending field, as a path such as `properties.phone`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
    /// Whether the record must be skipped.
    pub severity: Severity,
}

impl Found {
    /// A problem that makes the record unusable.
    pub fn error(field: impl Into<String>, reason: impl Into<String>) -> Found {
        Found {
            field: field.into(),
            reason: reason.into(),
            severity: Severity::Error,
        }
    }

    /// A problem that leaves the record usable.
    pub fn warning(field: impl Into<String>, reason: impl Into<String>) -> Found {
        Found {
            field: field.into(),
            reason: reason.into(),
            severity: Severity::Warning,
        }
    }
}

/// Reads one Feature. Returns the facility if it could be read at all, and
/// pushes every problem found.
fn read_feature(
    feature: &Value,
    found: &mut Vec<Found>,
    hours_cache: &mut HoursCache,
) -> Option<Facility> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        found.push(Found::error("type", "expected \"Feature\""));
        return None;
    }
    let position = match read_point(feature.get("geometry")) {
        Ok(p) => p,
        Err(problem) => {
            found.push(problem);
            return None;
        }
    };
    let Some(properties) = feature.get("properties") else {
        found.push(Found::error("properties", "missing"));
        return None;
    };
    let mut facility = match Facility::deserialize(properties) {
        Ok(f) => f,
        Err(e) => {
            found.push(Found::error("properties", e.to_string()));
            return None;
        }
    };
    facility.position = position;
    validate(&facility, found, hours_cache);
    Some(facility)
}

fn read_point(geometry: Option<&Value>) -> Result<LonLat, Found> {
    let geometry = geometry.ok_or_else(|| Found::error("geometry", "missing"))?;
    if geometry.get("type").and_then(Value::as_str) != Some("Point") {
        return Err(Found::error("geometry.type", "expected \"Point\""));
    }
    let coords = geometry
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or_else(|| Found::error("geometry.coordinates", "missing or not an array"))?;
    let (Some(lon), Some(lat)) = (
        coords.first().and_then(Value::as_f64),
        coords.get(1).and_then(Value::as_f64),
    ) else {
        return Err(Found::error(
            "geometry.coordinates",
            "expected [longitude, latitude] numbers",
        ));
    };
    let position = LonLat::new(lon, lat);
    if !position.is_valid() {
        return Err(Found::error(
            "geometry.coordinates",
            format!("[{lon}, {lat}] is outside WGS-84 ranges (is it [lat, lon]?)"),
        ));
    }
    Ok(position)
}

/// Whether `phone` is a personal mainland mobile number (1[3-9] and nine
/// more digits, optionally after +86), which must not be published.
pub fn is_personal_mobile(phone: &str) -> bool {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = if phone.trim_start().starts_with("+86")
        || (digits.len() == 13 && digits.starts_with("86"))
    {
        &digits[2..]
    } else {
        &digits[..]
    };
    let bytes = digits.as_bytes();
    bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1])
}

/// Checks a record's content (everything but its JSON shape and the
/// uniqueness of its id) and returns every problem.
pub fn check_facility(f: &Facility) -> Vec<Found> {
    let mut found = Vec::new();
    validate(f, &mut found, &mut HoursCache::default());
    found
}

/// Remembers which `opening_hours` values parse, since a dataset repeats a
/// few hundred distinct values across many thousands of services.
#[derive(Debug, Default)]
struct HoursCache(HashMap<String, Option<String>>);

impl HoursCache {
    /// The parse error of `value`, if any.
    fn error(&mut self, value: &str) -> Option<String> {
        if let Some(known) = self.0.get(value) {
            return known.clone();
        }
        let error = hours::check_syntax(value).err().map(|e| e.to_string());
        self.0.insert(value.to_owned(), error.clone());
        error
    }
}

fn validate(f: &Facility, found: &mut Vec<Found>, hours_cache: &mut HoursCache) {
    if f.id.trim().is_empty() {
        found.push(Found::error("properties.id", "empty"));
    }
    if f.version == 0 {
        found.push(Found::error(
            "properties.version",
            "record versions start at 1",
        ));
    }
    if f.name.zh.trim().is_empty() {
        found.push(Found::error("properties.name.zh", "empty"));
    }
    match districts::by_code(&f.district_code) {
        None => found.push(Found::error(
            "properties.district_code",
            format!(
                "\"{}\" is not a Beijing district code (GB/T 2260, 110101…110119, or 经开区)",
                f.district_code
            ),
        )),
        Some(d) => {
            if d.name_zh != f.district_name {
                found.push(Found::error(
                    "properties.district_name",
                    format!(
                        "\"{}\" does not match code {} ({})",
                        f.district_name, d.code, d.name_zh
                    ),
                ));
            }
            if !d.contains(f.position) {
                found.push(Found::error(
                    "geometry.coordinates",
                    format!(
                        "[{}, {}] lies outside {} (lon {}–{}, lat {}–{}); check the district, and that the coordinates are WGS-84 (not GCJ-02 or BD-09)",
                        f.position.lon, f.position.lat, d.name_zh, d.bbox[0], d.bbox[2], d.bbox[1], d.bbox[3]
                    ),
                ));
            }
        }
    }
    if let Some(phone) = &f.phone
        && is_personal_mobile(phone)
    {
        found.push(Found::error(
            "properties.phone",
            "looks like a personal mobile number; publish the institution's number instead",
        ));
    }
    if f.services.is_empty() {
        found.push(Found::error(
            "properties.services",
            "a facility offers at least one service",
        ));
    }
    for (i, s) in f.services.iter().enumerate() {
        let at = |field: &str| format!("properties.services[{i}].{field}");
        if let Some(value) = &s.opening_hours
            && let Some(error) = hours_cache.error(value)
        {
            found.push(Found::error(at("opening_hours"), error));
        }
        for (j, p) in s.prices.iter().enumerate() {
            if !p.amount_yuan.is_finite() || p.amount_yuan < 0.0 {
                found.push(Found::error(
                    at(&format!("prices[{j}].amount_yuan")),
                    format!("{} is not a price", p.amount_yuan),
                ));
            } else if p.amount_yuan == 0.0 && s.category != Category::BasicPublic {
                found.push(Found::error(
                    at(&format!("prices[{j}].amount_yuan")),
                    "a price of 0 yuan is only allowed for basic public (free) services",
                ));
            }
        }
        if let Some(c) = &s.capacity {
            if c.available > c.total {
                found.push(Found::error(
                    at("capacity"),
                    format!(
                        "{} available is more than the {} in total",
                        c.available, c.total
                    ),
                ));
            }
            if s.function.capacity_kind().is_some_and(|k| k != c.kind) {
                found.push(Found::warning(
                    at("capacity.kind"),
                    format!("{:?} for a {} service", c.kind, s.function.label_zh()),
                ));
            }
        }
        if let Some(a) = s.ages
            && a.max_months.is_some_and(|max| max <= a.min_months)
        {
            found.push(Found::error(
                at("ages"),
                "max_months must be greater than min_months",
            ));
        }
    }
    if f.pilot
        && let Some(reason) = pilot_rule_breach(&f.functions())
    {
        found.push(Found::warning(
            "properties.services",
            format!("pilot site breaks 第八条: {reason}"),
        ));
    }
}

/// Checks the pilot rule of 第八条: at least 3 functions, at least 2 of them
/// among elder care, infant care, child care and meals, and in principle
/// elder care or infant care among them. Returns what is broken.
pub fn pilot_rule_breach(functions: &[ServiceFunction]) -> Option<String> {
    use ServiceFunction::{ElderCare, InfantCare};
    let core = functions.iter().filter(|f| f.is_core()).count();
    if functions.len() < 3 {
        Some(format!(
            "{} functions, at least 3 are required",
            functions.len()
        ))
    } else if core < 2 {
        Some(format!(
            "{core} of elder care, infant care, child care and meals, at least 2 are required"
        ))
    } else if !functions.contains(&ElderCare) && !functions.contains(&InfantCare) {
        Some("neither elder care nor infant care is offered".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_mobiles_are_recognised() {
        for phone in [
            "13812345678",
            "+86 138 1234 5678",
            "138-1234-5678",
            "8613812345678",
        ] {
            assert!(is_personal_mobile(phone), "{phone}");
        }
        for phone in [
            "010-64001234",
            "12345678901",
            "12312345678",
            "010 6400 1234",
            "95105105",
        ] {
            assert!(!is_personal_mobile(phone), "{phone}");
        }
    }

    #[test]
    fn pilot_rule_follows_article_8() {
        use ServiceFunction::*;
        assert_eq!(pilot_rule_breach(&[ElderCare, Meals, Health]), None);
        assert_eq!(pilot_rule_breach(&[InfantCare, ChildCare, Play]), None);
        assert!(
            pilot_rule_breach(&[ElderCare, Meals])
                .unwrap()
                .contains("at least 3")
        );
        assert!(
            pilot_rule_breach(&[ElderCare, Health, Sports])
                .unwrap()
                .contains("at least 2")
        );
        assert!(
            pilot_rule_breach(&[ChildCare, Meals, Sports])
                .unwrap()
                .contains("neither")
        );
    }
}
