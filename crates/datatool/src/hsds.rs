//! `datatool export-hsds`: the published dataset as Open Referral HSDS 3.0
//! JSON (Human Services Data Specification, <https://docs.openreferral.org>).
//!
//! # Serialisation and file layout
//!
//! Since 3.0 the canonical form of HSDS is JSON, checked against one JSON
//! Schema per object (`service.json`, `organization.json`, …), with related
//! objects *dereferenced*, that is embedded, rather than linked by id. The
//! other conformant form, the Tabular Data Package, is CSV, not JSON; a JSON
//! array per table would be neither. HSDS defines no container for many
//! records in one file (its API wraps lists in a `Page`), so each file here
//! is a JSON array of HSDS objects, one object per line so that diffs stay
//! readable. Every object in a file validates against the named schema:
//!
//! | file                  | items                                  | HSDS schema     |
//! |-----------------------|----------------------------------------|-----------------|
//! | `services.json`       | one per facility service               | `service`       |
//! | `organizations.json`  | one per distinct operator              | `organization`  |
//! | `taxonomies.json`     | the two Linli taxonomies               | `taxonomy`      |
//! | `taxonomy_terms.json` | 9 service functions + 3 categories     | `taxonomy_term` |
//! | `index.json`          | what the export holds; not HSDS itself | none            |
//!
//! `services.json` is the service-oriented view an HSDS API returns from
//! `GET /services/{id}`: each service embeds its `organization` (without
//! the organization's locations), its `service_at_locations` with the full
//! `location`, its `schedules`, `cost_options`, `capacities` and
//! `attributes` (with the `taxonomy_term`, whose `taxonomy_detail` is left
//! to `taxonomy_terms.json` to keep the file smaller). A location therefore
//! appears once per service offered there, always with the same id and
//! content; this repetition is the price of self-contained service records
//! (for the 3,000 sample facilities with 10,544 services `services.json` is
//! about 45 MB; it compresses well). `organizations.json` embeds each
//! operator's locations, so there every location appears exactly once.
//! Linking ids (`service_id`, `location_id`, `organization_id`, `link_id`,
//! …) are filled in as well, although dereferenced JSON does not need them,
//! so that the objects can be loaded into tables unchanged. The arrays are
//! not wrapped in the API's `Page` object, which belongs to the API
//! reference rather than the data model.
//!
//! `index.json` is shaped like the API's `GET /` answer (`version` is the
//! HSDS version) and adds the dataset's version, licence, the sample flag,
//! the files with their item counts, and how many records were skipped.
//!
//! # Mapping
//!
//! - **organization**: one per distinct `operator` string; `description`
//!   (required) says how many facilities it runs.
//! - **location**: one per facility, `location_type` `physical`, `latitude`
//!   and `longitude` in WGS-84 degrees (as in the dataset), `name` the
//!   Chinese name and `alternate_name` the English one, `external_identifier`
//!   the Linli facility id. Its `addresses` hold one physical address:
//!   `address_1` the street address, `address_2` the sub-district and
//!   community, `city` and `state_province` both `北京市` (Beijing is a
//!   province-level municipality), `region` the district, `country` `CN`.
//!   The dataset has no postal codes, and `postal_code` is required, so it
//!   is the empty string. `phones` hold the facility phone (`type` `voice`),
//!   `accessibility` one entry per accessibility feature (Chinese and English
//!   label in `description`).
//! - **service**: one per entry of a facility's `services`, `status`
//!   `active`, `assured_date` the facility's `last_verified`. `name` is the
//!   operator's name for the service (or the function's Chinese label),
//!   `alternate_name` the function's English label. Ages in months become
//!   `minimum_age`/`maximum_age` in years (fractions allowed, e.g. 0.5 for
//!   6 months); Linli's upper bound is exclusive ("under 3"), which HSDS does
//!   not define, so `eligibility_description` spells the range out.
//!   `fees_description` lists every price in Chinese.
//! - **service_at_location**: links each service to its facility's location.
//!   For services without a fixed site (meal delivery) its `description`
//!   says that the location is the base, not where the service happens.
//! - **schedule**: from the OSM `opening_hours`, attached to the service.
//!   Simple weekly values (`24/7`, `Mo-Fr 08:00-17:00`,
//!   `Mo-Su 10:30-13:00,16:30-18:30`, several `;` rules, `Sa off`) become
//!   RFC 5545-style rows: `freq` `WEEKLY`, `wkst` `MO`, `byday` (e.g.
//!   `MO,TU,WE,TH,FR`), `opens_at`/`closes_at` as `HH:MM+08:00` and
//!   `timezone` `8` (UTC offset in hours; Beijing has no daylight saving).
//!   One row per distinct set of days and opening interval, so the split
//!   lunchtime value above gives two rows. A closing time of `24:00` is
//!   written `23:59`, as the HSDS guidance suggests for 24-hour opening.
//!   `description` says the days and hours in Chinese and English; `notes`
//!   keeps the original `opening_hours` value and the hours as published.
//!   HSDS cannot express public holidays (openreferral/specification#440)
//!   nor China's adjusted working days (调休), so `PH off` is only a
//!   sentence in `notes`. A value this converter cannot express (months,
//!   week numbers, `PH` with hours, overnight spans, comments, …) still
//!   gives one schedule whose `description` is the published text (or the
//!   raw value) and whose `notes` hold the raw value; the service is exported
//!   either way. A service with only `hours_text` gets a description-only
//!   schedule; one with neither gets none.
//! - **cost_option**: one per price: `amount` in yuan, `currency` `CNY`,
//!   `option` the price's note, `amount_description` the unit and who the
//!   price is for, in Chinese and English (HSDS has no eligibility field on
//!   a cost option).
//! - **service_capacity** and **unit** (`service.capacities`): childcare
//!   places (托位) and elder-care beds (床位) with `available`, `maximum`
//!   (the total) and `updated`, the day of counting as midnight Beijing time
//!   (`2026-06-22T00:00:00.000+08:00`). These two objects are new in HSDS
//!   3.1, a backwards-compatible addition; 3.0 schemas accept the extra
//!   property, and `index.json` names it under `extensions`.
//! - **taxonomy**, **taxonomy_term**, **attribute**: the nine service
//!   functions form the taxonomy `linli-service-function` and the three
//!   categories of 第八条 the taxonomy `linli-service-category`. A term's
//!   `code` is the Linli code (`elder_care`, `basic_public`), `name` the
//!   Chinese label (`language` `zh`) and `description` the English label.
//!   Each service has two `attributes`, one per taxonomy (`link_entity`
//!   `service`).
//! - **sample data** says so: when the manifest or a shard is marked sample,
//!   every organization, location and service description starts with a
//!   sample notice, service names start with 【示例】 like the facility
//!   names, and `index.json` has `"sample": true` and a `notice`.
//! - HSDS `metadata` is a change log (field, old and new value, who); the
//!   dataset records no changes, so none is written.
//!
//! # Identifiers
//!
//! HSDS ids are UUIDs. Each is derived from the entity kind and a stable key
//! (facility id, service position, operator name, term code): the first 128
//! bits of SHA-256 over `linli-hsds/<kind>/<key>`, with the version set to
//! 8 and the RFC 4122 variant (RFC 9562 UUIDv8, name-based). Re-exporting
//! the same data gives the same ids. A service is keyed by its facility id
//! and its position in `services`, since services carry no id of their own:
//! reordering a facility's services changes their ids.
//!
//! # Bad records
//!
//! Shards are read with the same validation as the app; a record with an
//! error is skipped, counted in [`HsdsSummary::skipped_records`] and named
//! in [`HsdsSummary::problems`]. A facility id already exported from an
//! earlier shard is skipped the same way. A shard that cannot be read or is
//! not a FeatureCollection stops the export, so that a whole district is
//! never missing without notice.

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::path::Path;

use linli_facilities::dataset::{Severity, parse_feature_collection};
use linli_facilities::manifest::Manifest;
use linli_facilities::model::{
    Accessibility, AgeRange, CapacityKind, Category, Eligibility, Facility, Form, OperatingModel,
    Price, PriceUnit, Service, ServiceFunction,
};
use serde::Serialize;
use serde_json::Number;
use sha2::{Digest, Sha256};

/// The HSDS version the export follows.
pub const HSDS_VERSION: &str = "3.0";

/// Name of the taxonomy of the nine service functions.
pub const FUNCTION_TAXONOMY: &str = "linli-service-function";

/// Name of the taxonomy of the three service categories.
pub const CATEGORY_TAXONOMY: &str = "linli-service-category";

/// Beijing's offset from UTC, in hours (no daylight saving).
const UTC_OFFSET_HOURS: u8 = 8;

/// The same offset as written after a time of day.
const UTC_OFFSET: &str = "+08:00";

/// Put before descriptions when the data is sample data.
const SAMPLE_NOTICE: &str = "【示例数据 SAMPLE DATA: invented, not real】";

/// The longer notice in `index.json`.
const SAMPLE_INDEX_NOTICE: &str = "SAMPLE DATA: invented records, not real facilities, organizations or services. 示例数据，并非真实设施。";

/// Put before service names when the data is sample data.
const SAMPLE_PREFIX: &str = "【示例】";

/// What an export wrote, and what it left out.
#[derive(Debug, Clone, Default)]
pub struct HsdsSummary {
    /// Files written, relative to the output directory.
    pub files: Vec<String>,
    /// Whether the dataset is sample data.
    pub sample: bool,
    /// Distinct operators (HSDS organizations).
    pub organizations: usize,
    /// Facilities (HSDS locations).
    pub locations: usize,
    /// Services (one service_at_location each).
    pub services: usize,
    /// Schedule rows written, including description-only ones.
    pub schedules: usize,
    /// Services whose `opening_hours` could not be expressed as HSDS
    /// recurrence fields and were kept as text.
    pub hours_kept_as_text: usize,
    /// Cost options (prices).
    pub cost_options: usize,
    /// Capacity entries (places or beds).
    pub capacities: usize,
    /// Records skipped because of an error.
    pub skipped_records: usize,
    /// One line per error that made a record be skipped, with its shard.
    pub problems: Vec<String>,
}

impl fmt::Display for HsdsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sample {
            writeln!(
                f,
                "SAMPLE DATA: the dataset is marked sample, and so is the export"
            )?;
        }
        writeln!(f, "wrote {}", self.files.join(", "))?;
        writeln!(
            f,
            "{} organizations, {} locations, {} services, {} schedules, {} cost options, {} capacities",
            self.organizations,
            self.locations,
            self.services,
            self.schedules,
            self.cost_options,
            self.capacities
        )?;
        if self.hours_kept_as_text > 0 {
            writeln!(
                f,
                "{} opening_hours values kept as text only (not expressible as HSDS schedules)",
                self.hours_kept_as_text
            )?;
        }
        let records = if self.skipped_records == 1 {
            "record"
        } else {
            "records"
        };
        write!(
            f,
            "{} {records} skipped because of errors",
            self.skipped_records
        )?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// Exports the dataset behind `manifest` as HSDS 3.0 JSON into `out`
/// (created if missing; files of an earlier export are overwritten).
///
/// Returns the summary, or why the export could not run: an unreadable
/// manifest or shard, a shard that is not a FeatureCollection, or a write
/// error.
pub fn export_hsds(manifest: &Path, out: &Path) -> Result<HsdsSummary, String> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let parsed = Manifest::from_json(&text)?;
    let dir = manifest.parent().unwrap_or(Path::new("."));

    let mut summary = HsdsSummary {
        sample: parsed.sample,
        ..HsdsSummary::default()
    };
    let mut facilities = Vec::new();
    let mut seen = HashSet::new();
    for entry in &parsed.districts {
        let path = dir.join(&entry.file);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read shard {}, listed in the manifest: {e}",
                path.display()
            )
        })?;
        let dataset =
            parse_feature_collection(&text).map_err(|e| format!("{}: {e}", entry.file))?;
        summary.sample |= dataset.sample;
        summary.skipped_records += dataset.skipped();
        summary.problems.extend(
            dataset
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .map(|p| format!("{}: {p}", entry.file)),
        );
        for facility in dataset.facilities {
            if seen.insert(facility.id.clone()) {
                facilities.push(facility);
            } else {
                summary.skipped_records += 1;
                summary.problems.push(format!(
                    "{}: error: id {} was already exported from an earlier shard",
                    entry.file, facility.id
                ));
            }
        }
    }

    let about = About {
        sample: summary.sample,
        dataset_version: parsed.dataset_version,
        generated_at: parsed.generated_at,
        licence: parsed.licence,
        description: parsed.description,
    };
    let export = Export::build(&facilities, &about);
    summary.organizations = export.organizations.len();
    summary.locations = facilities.len();
    summary.services = export.services.len();
    summary.schedules = export.services.iter().map(|s| s.schedules.len()).sum();
    summary.hours_kept_as_text = export.hours_kept_as_text;
    summary.cost_options = export.services.iter().map(|s| s.cost_options.len()).sum();
    summary.capacities = export.services.iter().map(|s| s.capacities.len()).sum();

    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let write = |name: &str, text: String| {
        std::fs::write(out.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", out.join(name).display()))
    };
    write("services.json", json_lines(&export.services)?)?;
    write("organizations.json", json_lines(&export.organizations)?)?;
    write("taxonomies.json", json_lines(&export.taxonomies)?)?;
    write("taxonomy_terms.json", json_lines(&export.terms)?)?;
    let index = Index {
        version: HSDS_VERSION,
        description: "Linli 邻里: Beijing community embedded service facilities (社区嵌入式服务设施) as Open Referral HSDS 3.0 JSON, written by `datatool export-hsds`. Each file is a JSON array of HSDS objects; each object validates against the HSDS schema named in `files`.",
        sample: about.sample,
        notice: about.sample.then_some(SAMPLE_INDEX_NOTICE),
        dataset: DatasetOut {
            dataset_version: &about.dataset_version,
            generated_at: &about.generated_at,
            licence: &about.licence,
            description: &about.description,
        },
        extensions: vec![
            "service.capacities: service_capacity and unit objects as defined by HSDS 3.1 (a backwards-compatible addition to 3.0)",
        ],
        taxonomies: vec![FUNCTION_TAXONOMY, CATEGORY_TAXONOMY],
        files: vec![
            FileOut::new("services.json", "service", export.services.len()),
            FileOut::new(
                "organizations.json",
                "organization",
                export.organizations.len(),
            ),
            FileOut::new("taxonomies.json", "taxonomy", export.taxonomies.len()),
            FileOut::new("taxonomy_terms.json", "taxonomy_term", export.terms.len()),
        ],
        locations: summary.locations,
        skipped_records: summary.skipped_records,
    };
    let index = serde_json::to_string_pretty(&index).map_err(|e| e.to_string())?;
    write("index.json", index + "\n")?;
    summary.files = [
        "index.json",
        "services.json",
        "organizations.json",
        "taxonomies.json",
        "taxonomy_terms.json",
    ]
    .map(str::to_owned)
    .to_vec();
    Ok(summary)
}

/// A JSON array with one item per line.
fn json_lines<T: Serialize>(items: &[T]) -> Result<String, String> {
    let mut out = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        out.push_str(&serde_json::to_string(item).map_err(|e| e.to_string())?);
        out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    Ok(out)
}

// ---------------------------------------------------------------------------
// Identifiers

/// The HSDS id of the entity of `kind` known by `key`: a name-based UUID
/// (version 8, RFC 9562) from the first 128 bits of
/// SHA-256(`linli-hsds/<kind>/<key>`), lowercase and hyphenated.
pub fn hsds_id(kind: &str, key: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"linli-hsds/")
        .chain_update(kind.as_bytes())
        .chain_update(b"/")
        .chain_update(key.as_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

// ---------------------------------------------------------------------------
// Opening hours

/// The weekday codes of OSM `opening_hours`, Monday first.
const OSM_DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// The same days as RFC 5545 `BYDAY` codes.
const ICAL_DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

const DAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Every day of the week as a [`WeeklyOpening::days`] mask.
const ALL_DAYS: u8 = 0x7f;

/// A minute count from midnight that means the end of the day (24:00).
const END_OF_DAY_MIN: u16 = 24 * 60;

/// One weekly opening: a set of weekdays and one interval on each of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyOpening {
    /// Weekdays, bit 0 Monday to bit 6 Sunday.
    pub days: u8,
    /// Opening time, in minutes after midnight Beijing time.
    pub opens_min: u16,
    /// Closing time, in minutes after midnight, exclusive, at most 1440.
    pub closes_min: u16,
}

impl WeeklyOpening {
    /// The RFC 5545 `BYDAY` list, e.g. `"MO,TU,WE,TH,FR"`.
    pub fn byday(&self) -> String {
        days_of(self.days)
            .map(|d| ICAL_DAYS[d])
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Days and hours in Chinese and English, e.g.
    /// `"周一至周五 08:00-17:00 / Mon-Fri 08:00-17:00"`.
    pub fn describe(&self) -> String {
        let hours = format!(
            "{}-{}",
            clock(self.opens_min, false),
            clock(self.closes_min, false)
        );
        let (zh, en) = days_text(self.days);
        format!("{zh} {hours} / {en} {hours}")
    }
}

/// An `opening_hours` value that HSDS schedules can express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours {
    /// The openings, by first weekday, then by opening time.
    pub openings: Vec<WeeklyOpening>,
    /// Whether the value ends with `PH off`: closed on public holidays.
    pub closed_on_public_holidays: bool,
}

/// Converts the simple weekly forms of OSM `opening_hours` into weekly
/// openings; `None` for anything else.
///
/// Understood: rules separated by `;`, each `24/7`, `PH off`, a time list
/// for every day (`08:00-17:00`), or weekdays (`Mo`, `Mo-Fr`, `Fr-Mo`,
/// `Mo,We,Fr`) followed by a time list (`08:00-11:30,13:30-17:00`) or by
/// `off`/`closed`. A later rule replaces the hours of the days it names, as
/// in OSM. `PH off` must come after every weekday rule (a later weekday rule
/// would reopen the holidays). Times run from 00:00 to 24:00 and may not
/// cross midnight.
///
/// ```
/// use linli_datatool::hsds::weekly_hours;
/// let hours = weekly_hours("Mo-Fr 08:00-17:30; PH off").unwrap();
/// assert_eq!(hours.openings[0].byday(), "MO,TU,WE,TH,FR");
/// assert!(hours.closed_on_public_holidays);
/// assert_eq!(weekly_hours("Jan-Mar Mo-Fr 08:00-12:00"), None);
/// ```
pub fn weekly_hours(value: &str) -> Option<WeeklyHours> {
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    let mut closed_on_public_holidays = false;
    for rule in value.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        if matches!(rule, "PH off" | "PH closed") {
            closed_on_public_holidays = true;
            continue;
        }
        if closed_on_public_holidays {
            return None;
        }
        let (days, times) = if rule == "24/7" {
            (ALL_DAYS, "00:00-24:00")
        } else {
            match rule.split_once(' ') {
                Some((selector, rest)) => (parse_days(selector)?, rest.trim()),
                None => (ALL_DAYS, rule),
            }
        };
        let spans = if matches!(times, "off" | "closed") {
            Vec::new()
        } else {
            parse_spans(times)?
        };
        for d in days_of(days) {
            week[d].clone_from(&spans);
        }
    }
    let mut openings = Vec::new();
    let mut done = 0u8;
    for d in 0..7 {
        if done & (1 << d) != 0 || week[d].is_empty() {
            continue;
        }
        let same = (d..7)
            .filter(|&e| week[e] == week[d])
            .fold(0u8, |mask, e| mask | (1 << e));
        done |= same;
        openings.extend(
            week[d]
                .iter()
                .map(|&(opens_min, closes_min)| WeeklyOpening {
                    days: same,
                    opens_min,
                    closes_min,
                }),
        );
    }
    (!openings.is_empty()).then_some(WeeklyHours {
        openings,
        closed_on_public_holidays,
    })
}

/// The indices (0 Monday … 6 Sunday) of the days in `mask`.
fn days_of(mask: u8) -> impl Iterator<Item = usize> {
    (0..7).filter(move |d| mask & (1 << d) != 0)
}

/// `Mo`, `Mo-Fr`, `Fr-Mo` (wrapping), or a comma list of those.
fn parse_days(selector: &str) -> Option<u8> {
    let day = |s: &str| OSM_DAYS.iter().position(|&d| d == s);
    let mut mask = 0u8;
    for part in selector.split(',') {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (day(from)?, day(to)?);
                let mut d = from;
                loop {
                    mask |= 1 << d;
                    if d == to {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => mask |= 1 << day(part)?,
        }
    }
    Some(mask)
}

/// `08:00-11:30,13:30-17:00`: sorted, overlapping spans merged.
fn parse_spans(text: &str) -> Option<Vec<(u16, u16)>> {
    let mut spans = Vec::new();
    for span in text.split(',') {
        let (from, to) = span.trim().split_once('-')?;
        let (from, to) = (parse_clock(from)?, parse_clock(to)?);
        if from >= to {
            return None;
        }
        spans.push((from, to));
    }
    spans.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    Some(merged)
}

/// `H:MM` or `HH:MM`, 00:00 to 24:00, as minutes after midnight.
fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(h) && digits(m)) || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && minutes <= END_OF_DAY_MIN).then_some(minutes)
}

/// `HH:MM`; with `for_hsds`, 24:00 becomes 23:59 and the Beijing offset is
/// appended, as HSDS asks for times with their zone.
fn clock(minutes: u16, for_hsds: bool) -> String {
    if for_hsds {
        let minutes = minutes.min(END_OF_DAY_MIN - 1);
        format!("{:02}:{:02}{UTC_OFFSET}", minutes / 60, minutes % 60)
    } else {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// Chinese and English names of a set of days: `每天`/`Daily`, runs of
/// three or more as `周一至周五`/`Mon-Fri`, other days one by one.
fn days_text(mask: u8) -> (String, String) {
    if mask == ALL_DAYS {
        return ("每天".to_owned(), "Daily".to_owned());
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for d in days_of(mask) {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == d => run.1 = d,
            _ => runs.push((d, d)),
        }
    }
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for (from, to) in runs {
        if to >= from + 2 {
            zh.push(format!("{}至{}", DAYS_ZH[from], DAYS_ZH[to]));
            en.push(format!("{}-{}", DAYS_EN[from], DAYS_EN[to]));
        } else {
            for d in from..=to {
                zh.push(DAYS_ZH[d].to_owned());
                en.push(DAYS_EN[d].to_owned());
            }
        }
    }
    (zh.join("、"), en.join(", "))
}

/// The note on holidays for `PH off` values.
const HOLIDAY_NOTE: &str = "法定节假日休息 / Closed on public holidays (PH off), which HSDS schedules cannot express (openreferral/specification#440).";

// ---------------------------------------------------------------------------
// English labels the model does not carry

fn form_en(form: Form) -> &'static str {
    match form {
        Form::Complex => "integrated complex",
        Form::Scattered => "scattered site",
    }
}

fn operating_model_en(model: OperatingModel) -> &'static str {
    match model {
        OperatingModel::PublicBuiltPrivateRun => "publicly built, privately run",
        OperatingModel::PrivateRunPublicAided => "privately run with public subsidy",
        OperatingModel::GovernmentPurchase => "service bought by the government",
        OperatingModel::PublicRun => "publicly built and run",
        OperatingModel::PrivateRun => "privately built and run",
        OperatingModel::Other => "other arrangement",
    }
}

fn accessibility_en(feature: Accessibility) -> &'static str {
    match feature {
        Accessibility::StepFreeEntrance => "Step-free entrance",
        Accessibility::Lift => "Lift to every public floor",
        Accessibility::AccessibleToilet => "Accessible toilet",
        Accessibility::Handrails => "Handrails along corridors",
        Accessibility::WheelchairLoan => "Wheelchairs to borrow",
        Accessibility::AccessibleParking => "Accessible parking",
        Accessibility::TactilePaving => "Tactile paving",
        Accessibility::HearingLoop => "Hearing loop",
    }
}

fn eligibility_en(group: Eligibility) -> &'static str {
    match group {
        Eligibility::Age60Plus => "aged 60 and over",
        Eligibility::Age80Plus => "aged 80 and over",
        Eligibility::LowIncome => "minimum-income (低保) and low-income households",
        Eligibility::Disabled => "people with disabilities",
        Eligibility::LivingAlone => "older people living alone",
        Eligibility::LocalResident => "residents of the community",
    }
}

fn price_unit_en(unit: PriceUnit) -> &'static str {
    match unit {
        PriceUnit::PerMeal => "per meal",
        PriceUnit::PerDay => "per day",
        PriceUnit::PerMonth => "per month",
        PriceUnit::PerHour => "per hour",
        PriceUnit::PerSession => "per session",
    }
}

fn category_code(category: Category) -> &'static str {
    match category {
        Category::BasicPublic => "basic_public",
        Category::Affordable => "affordable",
        Category::Commercial => "commercial",
    }
}

fn capacity_unit(kind: CapacityKind) -> (&'static str, &'static str) {
    match kind {
        CapacityKind::ChildcarePlaces => ("childcare_places", "托位 (childcare place)"),
        CapacityKind::ElderBeds => ("elder_beds", "床位 (elder-care bed)"),
    }
}

// ---------------------------------------------------------------------------
// Number helpers

/// A JSON number without a needless fraction: 15 rather than 15.0.
fn number(value: f64) -> Option<Number> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Some(Number::from(value as i64))
    } else {
        Number::from_f64(value)
    }
}

/// Yuan as written in text: `15`, `7.5`.
fn yuan(amount: f64) -> String {
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        format!("{}", amount as i64)
    } else {
        format!("{amount}")
    }
}

/// An age in months as Chinese and English text: whole years as years.
fn age_text(months: u32) -> (String, String) {
    if months.is_multiple_of(12) {
        let years = months / 12;
        (
            format!("{years}岁"),
            format!("{years} year{}", if years == 1 { "" } else { "s" }),
        )
    } else {
        (format!("{months}个月"), format!("{months} months"))
    }
}

/// The age range in Chinese and English; the upper bound is exclusive.
fn ages_text(ages: AgeRange) -> String {
    let (min_zh, min_en) = age_text(ages.min_months);
    match ages.max_months {
        Some(max) => {
            let (max_zh, max_en) = age_text(max);
            if ages.min_months == 0 {
                format!("{max_zh}以下 / under {max_en}")
            } else {
                format!("{min_zh}至{max_zh}以下 / from {min_en} to under {max_en}")
            }
        }
        None => format!("{min_zh}及以上 / {min_en} and over"),
    }
}

// ---------------------------------------------------------------------------
// HSDS objects, with fields in schema order. Absent values are omitted, as
// the HSDS mapping guidance asks.

#[derive(Debug, Clone, Serialize)]
struct OrganizationOut {
    id: String,
    name: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<LocationOut>,
}

#[derive(Debug, Clone, Serialize)]
struct LocationOut {
    id: String,
    location_type: &'static str,
    organization_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate_name: Option<String>,
    description: String,
    latitude: f64,
    longitude: f64,
    external_identifier: String,
    external_identifier_type: &'static str,
    addresses: Vec<AddressOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phones: Vec<PhoneOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    accessibility: Vec<AccessibilityOut>,
}

#[derive(Debug, Clone, Serialize)]
struct AddressOut {
    id: String,
    location_id: String,
    address_1: String,
    address_2: String,
    city: &'static str,
    region: String,
    state_province: &'static str,
    postal_code: &'static str,
    country: &'static str,
    address_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct PhoneOut {
    id: String,
    location_id: String,
    number: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct AccessibilityOut {
    id: String,
    location_id: String,
    description: String,
}

#[derive(Debug, Clone, Serialize)]
struct ServiceOut {
    id: String,
    organization_id: String,
    name: String,
    alternate_name: String,
    description: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fees_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eligibility_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum_age: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_age: Option<Number>,
    assured_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    schedules: Vec<ScheduleOut>,
    service_at_locations: Vec<ServiceAtLocationOut>,
    organization: OrganizationOut,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cost_options: Vec<CostOptionOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    capacities: Vec<CapacityOut>,
    attributes: Vec<AttributeOut>,
}

#[derive(Debug, Clone, Serialize)]
struct ServiceAtLocationOut {
    id: String,
    service_id: String,
    location_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'static str>,
    location: LocationOut,
}

#[derive(Debug, Clone, Default, Serialize)]
struct ScheduleOut {
    id: String,
    service_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wkst: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    freq: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byday: Option<String>,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closes_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct CostOptionOut {
    id: String,
    service_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    option: Option<String>,
    currency: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Number>,
    amount_description: String,
}

#[derive(Debug, Clone, Serialize)]
struct CapacityOut {
    id: String,
    service_id: String,
    unit: UnitOut,
    unit_id: String,
    available: u32,
    maximum: u32,
    description: String,
    updated: String,
}

#[derive(Debug, Clone, Serialize)]
struct UnitOut {
    id: String,
    name: &'static str,
    scheme: &'static str,
    identifier: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct AttributeOut {
    id: String,
    link_id: String,
    taxonomy_term_id: String,
    link_entity: &'static str,
    taxonomy_term: TermOut,
}

#[derive(Debug, Clone, Serialize)]
struct TermOut {
    id: String,
    code: &'static str,
    name: &'static str,
    description: String,
    taxonomy: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    taxonomy_detail: Option<TaxonomyOut>,
    language: &'static str,
    taxonomy_id: String,
}

#[derive(Debug, Clone, Serialize)]
struct TaxonomyOut {
    id: String,
    name: &'static str,
    description: &'static str,
    version: &'static str,
}

#[derive(Debug, Serialize)]
struct Index<'a> {
    version: &'static str,
    description: &'static str,
    sample: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<&'static str>,
    dataset: DatasetOut<'a>,
    extensions: Vec<&'static str>,
    taxonomies: Vec<&'static str>,
    files: Vec<FileOut>,
    locations: usize,
    skipped_records: usize,
}

#[derive(Debug, Serialize)]
struct DatasetOut<'a> {
    dataset_version: &'a str,
    generated_at: &'a str,
    licence: &'a str,
    description: &'a str,
}

#[derive(Debug, Serialize)]
struct FileOut {
    file: &'static str,
    hsds_schema: &'static str,
    items: usize,
}

impl FileOut {
    fn new(file: &'static str, hsds_schema: &'static str, items: usize) -> FileOut {
        FileOut {
            file,
            hsds_schema,
            items,
        }
    }
}

// ---------------------------------------------------------------------------
// Building the export

/// What the manifest says about the dataset.
#[derive(Debug, Clone, Default)]
struct About {
    sample: bool,
    dataset_version: String,
    generated_at: String,
    licence: String,
    description: String,
}

impl About {
    /// `text`, after the sample notice when the data is sample data.
    fn describe(&self, text: String) -> String {
        if self.sample {
            format!("{SAMPLE_NOTICE} {text}")
        } else {
            text
        }
    }
}

/// The export in memory.
#[derive(Debug)]
struct Export {
    services: Vec<ServiceOut>,
    organizations: Vec<OrganizationOut>,
    taxonomies: Vec<TaxonomyOut>,
    terms: Vec<TermOut>,
    hours_kept_as_text: usize,
}

fn function_taxonomy() -> TaxonomyOut {
    TaxonomyOut {
        id: hsds_id("taxonomy", FUNCTION_TAXONOMY),
        name: FUNCTION_TAXONOMY,
        description: "The nine service functions of Beijing's community embedded service facilities (社区嵌入式服务设施), as Linli names them; codes are Linli's stable codes.",
        version: "1",
    }
}

fn category_taxonomy() -> TaxonomyOut {
    TaxonomyOut {
        id: hsds_id("taxonomy", CATEGORY_TAXONOMY),
        name: CATEGORY_TAXONOMY,
        description: "The three service categories of the Beijing policy (第八条): basic public (free), affordable (普惠, price-capped) and commercial.",
        version: "1",
    }
}

fn function_term(function: ServiceFunction) -> TermOut {
    let taxonomy = function_taxonomy();
    TermOut {
        id: hsds_id(
            "taxonomy_term",
            &format!("{FUNCTION_TAXONOMY}/{}", function.code()),
        ),
        code: function.code(),
        name: function.label_zh(),
        description: format!(
            "{}: one of the nine service functions.",
            function.label_en()
        ),
        taxonomy: FUNCTION_TAXONOMY,
        taxonomy_id: taxonomy.id.clone(),
        taxonomy_detail: Some(taxonomy),
        language: "zh",
    }
}

fn category_term(category: Category) -> TermOut {
    let taxonomy = category_taxonomy();
    let code = category_code(category);
    TermOut {
        id: hsds_id("taxonomy_term", &format!("{CATEGORY_TAXONOMY}/{code}")),
        code,
        name: category.label_zh(),
        description: format!(
            "{}: one of the three service categories (第八条).",
            category.label_en()
        ),
        taxonomy: CATEGORY_TAXONOMY,
        taxonomy_id: taxonomy.id.clone(),
        taxonomy_detail: Some(taxonomy),
        language: "zh",
    }
}

const CATEGORIES: [Category; 3] = [
    Category::BasicPublic,
    Category::Affordable,
    Category::Commercial,
];

impl Export {
    fn build(facilities: &[Facility], about: &About) -> Export {
        let mut by_operator: BTreeMap<&str, Vec<&Facility>> = BTreeMap::new();
        for f in facilities {
            by_operator.entry(f.operator.as_str()).or_default().push(f);
        }
        let shallow: BTreeMap<&str, OrganizationOut> = by_operator
            .iter()
            .map(|(&name, list)| (name, organization(name, list, about)))
            .collect();

        let mut services = Vec::new();
        let mut locations: BTreeMap<&str, Vec<LocationOut>> = BTreeMap::new();
        let mut hours_kept_as_text = 0;
        for f in facilities {
            let org = &shallow[f.operator.as_str()];
            let location = location(f, &org.id, about);
            for (index, s) in f.services.iter().enumerate() {
                let (service, as_text) = service(f, index, s, org, &location, about);
                hours_kept_as_text += usize::from(as_text);
                services.push(service);
            }
            locations
                .entry(f.operator.as_str())
                .or_default()
                .push(location);
        }
        let organizations = shallow
            .into_iter()
            .map(|(name, mut org)| {
                org.locations = locations.remove(name).unwrap_or_default();
                org
            })
            .collect();
        let terms = ServiceFunction::ALL
            .into_iter()
            .map(function_term)
            .chain(CATEGORIES.into_iter().map(category_term))
            .collect();
        Export {
            services,
            organizations,
            taxonomies: vec![function_taxonomy(), category_taxonomy()],
            terms,
            hours_kept_as_text,
        }
    }
}

/// The organization without its locations.
fn organization(name: &str, facilities: &[&Facility], about: &About) -> OrganizationOut {
    let n = facilities.len();
    OrganizationOut {
        id: hsds_id("organization", name),
        name: name.to_owned(),
        description: about.describe(format!(
            "运营 {n} 处社区嵌入式服务设施。Runs {n} community service {} in Beijing.",
            if n == 1 { "facility" } else { "facilities" }
        )),
        locations: Vec::new(),
    }
}

fn location(f: &Facility, organization_id: &str, about: &About) -> LocationOut {
    let id = hsds_id("location", &f.id);
    let pilot = if f.pilot { " · 试点 pilot site" } else { "" };
    LocationOut {
        organization_id: organization_id.to_owned(),
        name: f.name.zh.clone(),
        alternate_name: f.name.en.clone(),
        description: about.describe(format!(
            "{} {} · {} {}{pilot}. Record version {}, verified {}.",
            f.form.label_zh(),
            form_en(f.form),
            f.operating_model.label_zh(),
            operating_model_en(f.operating_model),
            f.version,
            f.last_verified
        )),
        location_type: "physical",
        latitude: f.position.lat,
        longitude: f.position.lon,
        external_identifier: f.id.clone(),
        external_identifier_type: "linli-facility-id",
        addresses: vec![AddressOut {
            id: hsds_id("address", &f.id),
            location_id: id.clone(),
            address_1: f.address.clone(),
            address_2: format!("{} {}", f.subdistrict, f.community),
            city: "北京市",
            region: f.district_name.clone(),
            state_province: "北京市",
            postal_code: "",
            country: "CN",
            address_type: "physical",
        }],
        phones: f
            .phone
            .iter()
            .map(|number| PhoneOut {
                id: hsds_id("phone", &f.id),
                location_id: id.clone(),
                number: number.clone(),
                kind: "voice",
            })
            .collect(),
        accessibility: f
            .accessibility
            .iter()
            .map(|&a| {
                let code = serde_json::to_value(a)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                AccessibilityOut {
                    id: hsds_id("accessibility", &format!("{}/{code}", f.id)),
                    location_id: id.clone(),
                    description: format!("{} / {}", a.label_zh(), accessibility_en(a)),
                }
            })
            .collect(),
        id,
    }
}

/// The service, and whether its `opening_hours` had to be kept as text.
fn service(
    f: &Facility,
    index: usize,
    s: &Service,
    org: &OrganizationOut,
    location: &LocationOut,
    about: &About,
) -> (ServiceOut, bool) {
    let key = format!("{}/{index}", f.id);
    let id = hsds_id("service", &key);
    let function = s.function;
    let mut name = s
        .name
        .clone()
        .unwrap_or_else(|| function.label_zh().to_owned());
    if about.sample && !name.starts_with(SAMPLE_PREFIX) {
        name.insert_str(0, SAMPLE_PREFIX);
    }
    let no_fixed_site = if s.no_fixed_site {
        " 无固定服务场所 No fixed site."
    } else {
        ""
    };
    let description = about.describe(format!(
        "{} {} · {} {} · {}.{no_fixed_site}",
        function.label_zh(),
        function.label_en(),
        s.category.label_zh(),
        s.category.label_en(),
        f.name.zh
    ));
    let (schedules, as_text) = schedules(&key, &id, s);
    let cost_options: Vec<CostOptionOut> = s
        .prices
        .iter()
        .enumerate()
        .map(|(j, p)| cost_option(&format!("{key}/{j}"), &id, p))
        .collect();
    let fees_description = (!s.prices.is_empty())
        .then(|| s.prices.iter().map(fee_text).collect::<Vec<_>>().join("；"));
    let capacities = s
        .capacity
        .iter()
        .map(|c| {
            let (code, unit_name) = capacity_unit(c.kind);
            let unit_id = hsds_id("unit", code);
            CapacityOut {
                id: hsds_id("service_capacity", &key),
                service_id: id.clone(),
                unit: UnitOut {
                    id: unit_id.clone(),
                    name: unit_name,
                    scheme: "linli-capacity-kind",
                    identifier: code,
                },
                unit_id,
                available: c.available,
                maximum: c.total,
                description: format!(
                    "{unit_name}: {} of {} free on {}",
                    c.available, c.total, c.updated
                ),
                updated: format!("{}T00:00:00.000{UTC_OFFSET}", c.updated),
            }
        })
        .collect();
    // The terms' taxonomy_detail is left to taxonomy_terms.json: repeated
    // on every service it would only make services.json bigger.
    let function_term = TermOut {
        taxonomy_detail: None,
        ..function_term(function)
    };
    let category_term = TermOut {
        taxonomy_detail: None,
        ..category_term(s.category)
    };
    let attributes = vec![
        AttributeOut {
            id: hsds_id("attribute", &format!("{key}/{FUNCTION_TAXONOMY}")),
            link_id: id.clone(),
            taxonomy_term_id: function_term.id.clone(),
            link_entity: "service",
            taxonomy_term: function_term,
        },
        AttributeOut {
            id: hsds_id("attribute", &format!("{key}/{CATEGORY_TAXONOMY}")),
            link_id: id.clone(),
            taxonomy_term_id: category_term.id.clone(),
            link_entity: "service",
            taxonomy_term: category_term,
        },
    ];
    let service = ServiceOut {
        organization_id: org.id.clone(),
        name,
        alternate_name: function.label_en().to_owned(),
        description,
        status: "active",
        fees_description,
        eligibility_description: s.ages.map(ages_text),
        minimum_age: s.ages.and_then(|a| number(f64::from(a.min_months) / 12.0)),
        maximum_age: s
            .ages
            .and_then(|a| a.max_months)
            .and_then(|m| number(f64::from(m) / 12.0)),
        assured_date: f.last_verified.to_string(),
        schedules,
        service_at_locations: vec![ServiceAtLocationOut {
            id: hsds_id("service_at_location", &key),
            service_id: id.clone(),
            location_id: location.id.clone(),
            description: s.no_fixed_site.then_some(
                "无固定服务场所，此处为服务基地 / No fixed site: this location is the service's base, not where the service takes place.",
            ),
            location: location.clone(),
        }],
        organization: org.clone(),
        cost_options,
        capacities,
        attributes,
        id,
    };
    (service, as_text)
}

/// The schedules of a service, and whether its `opening_hours` could not be
/// expressed and was kept as text.
fn schedules(key: &str, service_id: &str, s: &Service) -> (Vec<ScheduleOut>, bool) {
    let published = s
        .hours_text
        .as_ref()
        .map(|text| format!("As published 原文: {text}"));
    let row = |j: usize| ScheduleOut {
        id: hsds_id("schedule", &format!("{key}/{j}")),
        service_id: service_id.to_owned(),
        ..ScheduleOut::default()
    };
    let Some(value) = &s.opening_hours else {
        return match &s.hours_text {
            Some(text) => (
                vec![ScheduleOut {
                    description: text.clone(),
                    ..row(0)
                }],
                false,
            ),
            None => (Vec::new(), false),
        };
    };
    let Some(hours) = weekly_hours(value) else {
        let notes = [
            Some(format!(
                "OSM opening_hours: {value} (not expressible as HSDS recurrence fields)"
            )),
            published,
        ];
        return (
            vec![ScheduleOut {
                description: s.hours_text.clone().unwrap_or_else(|| value.clone()),
                notes: Some(notes.into_iter().flatten().collect::<Vec<_>>().join("\n")),
                ..row(0)
            }],
            true,
        );
    };
    let notes = [
        Some(format!("OSM opening_hours: {value}")),
        hours
            .closed_on_public_holidays
            .then(|| HOLIDAY_NOTE.to_owned()),
        published,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    let rows = hours
        .openings
        .iter()
        .enumerate()
        .map(|(j, opening)| ScheduleOut {
            timezone: Some(UTC_OFFSET_HOURS),
            wkst: Some("MO"),
            freq: Some("WEEKLY"),
            byday: Some(opening.byday()),
            description: opening.describe(),
            opens_at: Some(clock(opening.opens_min, true)),
            closes_at: Some(clock(opening.closes_min, true)),
            notes: Some(notes.clone()),
            ..row(j)
        })
        .collect();
    (rows, false)
}

fn cost_option(key: &str, service_id: &str, p: &Price) -> CostOptionOut {
    let mut text = if p.amount_yuan == 0.0 {
        format!(
            "免费，按{}计 / free, {}",
            p.unit.label_zh(),
            price_unit_en(p.unit)
        )
    } else {
        format!(
            "{} 元/{} / CNY {} {}",
            yuan(p.amount_yuan),
            p.unit.label_zh(),
            yuan(p.amount_yuan),
            price_unit_en(p.unit)
        )
    };
    if !p.eligible.is_empty() {
        let zh: Vec<&str> = p.eligible.iter().map(|e| e.label_zh()).collect();
        let en: Vec<&str> = p.eligible.iter().map(|&e| eligibility_en(e)).collect();
        let _ = write!(
            text,
            "；仅限{} / only for: {}",
            zh.join("、"),
            en.join("; ")
        );
    }
    CostOptionOut {
        id: hsds_id("cost_option", key),
        service_id: service_id.to_owned(),
        option: p.note.clone(),
        currency: "CNY",
        amount: number(p.amount_yuan),
        amount_description: text,
    }
}

/// One price in Chinese, e.g. `一荤两素 20 元/餐` or `17 元/餐（80周岁及以上）`.
fn fee_text(p: &Price) -> String {
    let mut text = String::new();
    if let Some(note) = &p.note {
        text.push_str(note);
        text.push(' ');
    }
    if p.amount_yuan == 0.0 {
        text.push_str("免费");
    } else {
        let _ = write!(text, "{} 元/{}", yuan(p.amount_yuan), p.unit.label_zh());
    }
    if !p.eligible.is_empty() {
        let groups: Vec<&str> = p.eligible.iter().map(|e| e.label_zh()).collect();
        let _ = write!(text, "（{}）", groups.join("、"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening(days: &str, opens: &str, closes: &str) -> WeeklyOpening {
        WeeklyOpening {
            days: parse_days(days).unwrap(),
            opens_min: parse_clock(opens).unwrap(),
            closes_min: parse_clock(closes).unwrap(),
        }
    }

    fn converted(value: &str) -> WeeklyHours {
        weekly_hours(value).unwrap_or_else(|| panic!("{value:?} should convert"))
    }

    #[test]
    fn weekday_range_becomes_one_weekly_row() {
        let hours = converted("Mo-Fr 08:00-17:00");
        assert_eq!(hours.openings, [opening("Mo-Fr", "08:00", "17:00")]);
        assert!(!hours.closed_on_public_holidays);
        let row = hours.openings[0];
        assert_eq!(row.byday(), "MO,TU,WE,TH,FR");
        assert_eq!(clock(row.opens_min, true), "08:00+08:00");
        assert_eq!(clock(row.closes_min, true), "17:00+08:00");
        assert_eq!(
            row.describe(),
            "周一至周五 08:00-17:00 / Mon-Fri 08:00-17:00"
        );
    }

    #[test]
    fn split_day_gives_one_row_per_interval() {
        let hours = converted("Mo-Su 10:30-13:00,16:30-18:30");
        assert_eq!(
            hours.openings,
            [
                opening("Mo-Su", "10:30", "13:00"),
                opening("Mo-Su", "16:30", "18:30")
            ]
        );
        assert_eq!(
            hours.openings[0].byday(),
            "MO,TU,WE,TH,FR,SA,SU",
            "every day"
        );
        assert_eq!(
            hours.openings[1].describe(),
            "每天 16:30-18:30 / Daily 16:30-18:30"
        );
    }

    #[test]
    fn public_holidays_off_is_a_flag_not_a_row() {
        let hours = converted("Mo-Fr 08:00-11:30,13:30-17:00; PH off");
        assert!(hours.closed_on_public_holidays);
        assert_eq!(hours.openings.len(), 2);
        let hours = converted("Mo-Fr 16:00-19:00; Sa 09:00-17:00; PH off");
        assert_eq!(
            hours.openings,
            [
                opening("Mo-Fr", "16:00", "19:00"),
                opening("Sa", "09:00", "17:00")
            ]
        );
        assert!(hours.closed_on_public_holidays);
        assert_eq!(
            weekly_hours("PH off; Mo-Fr 08:00-17:00"),
            None,
            "a later weekday rule would reopen the holidays"
        );
        assert_eq!(weekly_hours("PH off"), None, "no opening at all");
    }

    #[test]
    fn round_the_clock_ends_at_23_59_for_hsds() {
        let hours = converted("24/7");
        assert_eq!(hours.openings, [opening("Mo-Su", "00:00", "24:00")]);
        let row = hours.openings[0];
        assert_eq!(clock(row.opens_min, true), "00:00+08:00");
        assert_eq!(clock(row.closes_min, true), "23:59+08:00");
        assert_eq!(row.describe(), "每天 00:00-24:00 / Daily 00:00-24:00");
        assert_eq!(
            converted("00:00-24:00"),
            hours,
            "no day selector: every day"
        );
    }

    #[test]
    fn later_rules_replace_the_days_they_name() {
        let hours = converted("Mo-Fr 08:00-17:00; Fr 08:00-12:00");
        assert_eq!(
            hours.openings,
            [
                opening("Mo-Th", "08:00", "17:00"),
                opening("Fr", "08:00", "12:00")
            ]
        );
        let hours = converted("Mo-Sa 09:00-17:00; We off");
        assert_eq!(hours.openings[0].byday(), "MO,TU,TH,FR,SA");
        assert_eq!(
            hours.openings[0].describe(),
            "周一、周二、周四至周六 09:00-17:00 / Mon, Tue, Thu-Sat 09:00-17:00"
        );
        let hours = converted("24/7; Su closed");
        assert_eq!(hours.openings, [opening("Mo-Sa", "00:00", "24:00")]);
    }

    #[test]
    fn day_lists_ranges_and_wrapping_ranges() {
        assert_eq!(
            converted("Tu-Su 09:00-17:00").openings[0].byday(),
            "TU,WE,TH,FR,SA,SU"
        );
        assert_eq!(
            converted("Mo,We,Fr 9:00-11:00").openings,
            [opening("Mo,We,Fr", "09:00", "11:00")]
        );
        assert_eq!(
            converted("Fr-Mo 10:00-16:00").openings[0].byday(),
            "MO,FR,SA,SU"
        );
        assert_eq!(
            converted("Mo-Fr 08:00-12:00, 11:00-14:00").openings,
            [opening("Mo-Fr", "08:00", "14:00")],
            "overlapping spans merge"
        );
    }

    #[test]
    fn values_hsds_cannot_express_are_refused() {
        for value in [
            "Mo-Fr 08:00-17:00; PH 09:00-12:00",
            "Jan-Mar Mo-Fr 08:00-12:00",
            "Mo-Fr 22:00-02:00",
            "Mo-Fr 08:00-12:00 \"by appointment\"",
            "Mo-Fr 08:00+",
            "sunrise-sunset",
            "Mo-Fr 08:00-12:00, Sa 09:00-11:00",
            "Mo-Fr 08:00-12:00 || \"by appointment\"",
            "Mo[1] 09:00-12:00",
            "week 01-10 Mo 09:00-12:00",
            "Mo-Fr 08:00-24:30",
            "Mo-Fr 8-17",
            "",
        ] {
            assert_eq!(weekly_hours(value), None, "{value:?}");
        }
    }

    #[test]
    fn inexpressible_hours_are_kept_in_a_text_schedule() {
        let service = Service {
            function: ServiceFunction::Health,
            category: Category::BasicPublic,
            name: None,
            opening_hours: Some("Mo-Fr 08:00-12:00; PH 09:00-11:00".into()),
            hours_text: Some("工作日上午；节假日 9:00-11:00".into()),
            prices: Vec::new(),
            capacity: None,
            ages: None,
            no_fixed_site: false,
        };
        let (rows, as_text) = schedules("x/0", "sid", &service);
        assert!(as_text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].description, "工作日上午；节假日 9:00-11:00");
        assert_eq!(rows[0].byday, None);
        let notes = rows[0].notes.as_deref().unwrap();
        assert!(
            notes.contains("Mo-Fr 08:00-12:00; PH 09:00-11:00"),
            "{notes}"
        );
    }

    #[test]
    fn ids_are_stable_uuid_v8() {
        let id = hsds_id("service", "110101-00001/0");
        assert_eq!(id, hsds_id("service", "110101-00001/0"));
        assert_ne!(id, hsds_id("location", "110101-00001/0"));
        assert_ne!(id, hsds_id("service", "110101-00001/1"));
        assert_eq!(id.len(), 36);
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "version 8: {id}");
        assert!(
            matches!(&parts[3][..1], "8" | "9" | "a" | "b"),
            "variant: {id}"
        );
        assert!(
            id.bytes()
                .all(|b| b == b'-' || (b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn ages_and_prices_read_both_ways() {
        let infants = AgeRange {
            min_months: 6,
            max_months: Some(36),
        };
        assert_eq!(
            ages_text(infants),
            "6个月至3岁以下 / from 6 months to under 3 years"
        );
        let seniors = AgeRange {
            min_months: 720,
            max_months: None,
        };
        assert_eq!(ages_text(seniors), "60岁及以上 / 60 years and over");
        assert_eq!(number(0.5), Number::from_f64(0.5));
        assert_eq!(number(15.0), Some(Number::from(15)));
        let price = Price {
            amount_yuan: 17.0,
            unit: PriceUnit::PerMeal,
            eligible: vec![Eligibility::Age80Plus],
            note: None,
        };
        assert_eq!(fee_text(&price), "17 元/餐（80周岁及以上）");
        let option = cost_option("k", "sid", &price);
        assert_eq!(option.amount, Some(Number::from(17)));
        assert_eq!(
            option.amount_description,
            "17 元/餐 / CNY 17 per meal；仅限80周岁及以上 / only for: aged 80 and over"
        );
    }
}
