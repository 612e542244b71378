//! `datatool validate`: every problem in a manifest's shards, or in one
//! shard, with where it is and why.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use linli_facilities::dataset::{RecordProblem, Severity, parse_feature_collection};
use linli_facilities::manifest::{FileEntry, Manifest, ShardEntry};
use linli_facilities::search_file;

use crate::publish::sha256_hex;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The shard file (or manifest) the problem is in.
    pub file: String,
    /// The problem; `None` for a problem with the file as a whole.
    pub record: Option<RecordProblem>,
    /// A whole-file problem.
    pub message: Option<String>,
    /// Error or warning.
    pub severity: Severity,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.record, &self.message) {
            (Some(r), _) => write!(f, "{}: {r}", self.file),
            (None, Some(m)) => {
                let level = if self.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                write!(f, "{}: {level}: {m}", self.file)
            }
            (None, None) => write!(f, "{}", self.file),
        }
    }
}

/// What validation found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding, in file order.
    pub findings: Vec<Finding>,
    /// Records read without error.
    pub valid: usize,
    /// Records skipped because of an error.
    pub skipped: usize,
    /// Ids of the records read without error, with their file, in order.
    pub ids: Vec<(String, String)>,
}

impl Report {
    /// Whether anything was an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    fn file_problem(&mut self, file: &str, severity: Severity, message: String) {
        self.findings.push(Finding {
            file: file.to_owned(),
            record: None,
            message: Some(message),
            severity,
        });
    }
}

/// Validates `path`: a `manifest.json` (then every shard it lists, with its
/// hash, size and count) or a single GeoJSON shard.
pub fn validate_path(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut report = Report::default();
    let looks_like_manifest = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|v| v.get("format").is_some() && v.get("districts").is_some());
    if !looks_like_manifest {
        validate_shard(&name, &text, None, &mut report);
        return Ok(report);
    }
    let manifest = Manifest::from_json(&text)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    // Shards are independent: check them on all cores, report in order.
    let shard_reports: Vec<Report> = std::thread::scope(|scope| {
        let handles: Vec<_> = manifest
            .districts
            .iter()
            .map(|entry| scope.spawn(move || check_listed_shard(dir, entry)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("shard check does not panic"))
            .collect()
    });
    // Ids must be unique across the whole dataset, not only within a shard.
    let mut first_file: HashMap<String, String> = HashMap::new();
    for part in shard_reports {
        report.findings.extend(part.findings);
        report.valid += part.valid;
        report.skipped += part.skipped;
        for (id, file) in part.ids {
            if let Some(earlier) = first_file.get(&id) {
                let message =
                    format!("id {id} is also used in {earlier}; ids must be unique in the dataset");
                report.file_problem(&file, Severity::Error, message);
            } else {
                first_file.insert(id, file);
            }
        }
    }
    Ok(report)
}

/// Checks one shard the manifest lists: readable, hash, size, count, records.
fn check_listed_shard(dir: &Path, entry: &ShardEntry) -> Report {
    let mut report = Report::default();
    let file = dir.join(&entry.file);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) => {
            report.file_problem(
                &entry.file,
                Severity::Error,
                format!("listed in the manifest but cannot be read: {e}"),
            );
            return report;
        }
    };
    if sha256_hex(&bytes) != entry.sha256 {
        report.file_problem(
            &entry.file,
            Severity::Error,
            "content does not match the manifest's sha256".into(),
        );
    }
    if bytes.len() as u64 != entry.bytes {
        report.file_problem(
            &entry.file,
            Severity::Error,
            format!("{} bytes, the manifest says {}", bytes.len(), entry.bytes),
        );
    }
    validate_shard(
        &entry.file,
        &String::from_utf8_lossy(&bytes),
        Some(&entry.code),
        &mut report,
    );
    let count = report.valid + report.skipped;
    if count != entry.facilities {
        report.file_problem(
            &entry.file,
            Severity::Error,
            format!("{count} features, the manifest says {}", entry.facilities),
        );
    }
    if let Some(search) = &entry.search {
        check_search_file(dir, search, entry, &bytes, &mut report);
    }
    report
}

/// Checks a shard's search file: readable, hash and size as listed, and
/// exactly what the publisher writes for the shard as it is.
fn check_search_file(
    dir: &Path,
    search: &FileEntry,
    shard: &ShardEntry,
    shard_bytes: &[u8],
    report: &mut Report,
) {
    let bytes = match std::fs::read(dir.join(&search.file)) {
        Ok(b) => b,
        Err(e) => {
            let message = format!("listed in the manifest but cannot be read: {e}");
            report.file_problem(&search.file, Severity::Error, message);
            return;
        }
    };
    if sha256_hex(&bytes) != search.sha256 {
        let message = "content does not match the manifest's sha256".to_owned();
        report.file_problem(&search.file, Severity::Error, message);
    }
    if bytes.len() as u64 != search.bytes {
        let message = format!("{} bytes, the manifest says {}", bytes.len(), search.bytes);
        report.file_problem(&search.file, Severity::Error, message);
    }
    if let Err(e) = search_file::decode(&bytes) {
        report.file_problem(&search.file, Severity::Error, e.to_string());
        return;
    }
    let Ok(text) = std::str::from_utf8(shard_bytes) else {
        return;
    };
    match search_file::encode(text, &shard.sha256) {
        Ok(expected) if expected == bytes => {}
        Ok(_) => {
            let message = format!(
                "does not describe {} as it is: publish the dataset again",
                shard.file
            );
            report.file_problem(&search.file, Severity::Error, message);
        }
        Err(_) => {}
    }
}

/// Validates one shard's text; with `district`, every record must belong
/// to that district.
fn validate_shard(file: &str, text: &str, district: Option<&str>, report: &mut Report) {
    match parse_feature_collection(text) {
        Err(e) => report.file_problem(file, Severity::Error, e.to_string()),
        Ok(dataset) => {
            report.valid += dataset.facilities.len();
            report.skipped += dataset.skipped();
            report.ids.extend(
                dataset
                    .facilities
                    .iter()
                    .map(|f| (f.id.clone(), file.to_owned())),
            );
            report
                .findings
                .extend(dataset.problems.into_iter().map(|p| Finding {
                    file: file.to_owned(),
                    severity: p.severity,
                    record: Some(p),
                    message: None,
                }));
            if let Some(code) = district {
                for f in dataset
                    .facilities
                    .iter()
                    .filter(|f| f.district_code != code)
                {
                    report.file_problem(
                        file,
                        Severity::Error,
                        format!(
                            "{} belongs to district {} but is in the shard of {code}",
                            f.id, f.district_code
                        ),
                    );
                }
            }
        }
    }
}
