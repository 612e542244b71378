//! "Report a problem" with a facility's data: the report a resident's
//! device keeps and sends, and its validation, shared by the app and the
//! collector.

use serde::{Deserialize, Serialize};

use crate::response::{FieldError, has_long_number, is_uuid};

/// The longest note a report may carry, in characters.
pub const MAX_REPORT_CHARS: usize = 500;

/// What is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// The facility has closed or moved.
    Closed,
    /// The opening hours are wrong.
    Hours,
    /// The phone number is wrong.
    Phone,
    /// A price is wrong.
    Price,
    /// The free places are wrong.
    Places,
    /// Something else; the note says what.
    Other,
}

impl ReportKind {
    /// Every kind, in the order offered.
    pub const ALL: [ReportKind; 6] = [
        ReportKind::Closed,
        ReportKind::Hours,
        ReportKind::Phone,
        ReportKind::Price,
        ReportKind::Places,
        ReportKind::Other,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Closed => "closed",
            ReportKind::Hours => "hours",
            ReportKind::Phone => "phone",
            ReportKind::Price => "price",
            ReportKind::Places => "places",
            ReportKind::Other => "other",
        }
    }
}

/// One report, as kept on the device and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemReport {
    /// A random UUID, so that a resend is recognised.
    pub id: String,
    /// The facility reported on.
    pub facility_id: String,
    /// What is wrong.
    pub kind: ReportKind,
    /// The resident's note, at most [`MAX_REPORT_CHARS`] characters.
    pub text: String,
    /// When it was made, Beijing time, `YYYY-MM-DDTHH:MM`.
    pub created_at: String,
}

/// Checks every field of a report; all failures, each with its path.
pub fn validate_report(r: &ProblemReport) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, reason: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            reason,
        });
    };
    if !is_uuid(&r.id) {
        fail("id", "must be a lowercase UUID".to_owned());
    }
    let id_len = r.facility_id.chars().count();
    if id_len == 0 || id_len > 64 {
        fail(
            "facility_id",
            "must be a facility id of 1 to 64 characters".to_owned(),
        );
    }
    let n = r.text.chars().count();
    if n > MAX_REPORT_CHARS {
        fail(
            "text",
            format!("{n} characters; at most {MAX_REPORT_CHARS}"),
        );
    }
    if has_long_number(&r.text) {
        fail(
            "text",
            "looks like it holds a phone or ID number; reports must not carry them".to_owned(),
        );
    }
    if r.kind == ReportKind::Other && r.text.trim().is_empty() {
        fail(
            "text",
            "a report of another problem needs a note".to_owned(),
        );
    }
    let b = r.created_at.as_bytes();
    let shape = b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        fail(
            "created_at",
            "must be a time as YYYY-MM-DDTHH:MM".to_owned(),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ProblemReport {
        ProblemReport {
            id: "7d0b1c56-0000-4000-8000-000000000000".to_owned(),
            facility_id: "110101-00001".to_owned(),
            kind: ReportKind::Phone,
            text: "电话是空号".to_owned(),
            created_at: "2026-11-27T10:00".to_owned(),
        }
    }

    #[test]
    fn reports_are_checked_field_by_field() {
        assert_eq!(validate_report(&report()), Ok(()));
        let fields = |r: ProblemReport| -> Vec<String> {
            validate_report(&r)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(ProblemReport {
                id: "x".into(),
                ..report()
            }),
            ["id"]
        );
        assert_eq!(
            fields(ProblemReport {
                facility_id: String::new(),
                ..report()
            }),
            ["facility_id"]
        );
        assert_eq!(
            fields(ProblemReport {
                kind: ReportKind::Other,
                text: " ".into(),
                ..report()
            }),
            ["text"]
        );
        assert_eq!(
            fields(ProblemReport {
                text: "打 13912345678".into(),
                ..report()
            }),
            ["text"]
        );
        assert_eq!(
            fields(ProblemReport {
                created_at: "2026-11-27 10:00".into(),
                ..report()
            }),
            ["created_at"]
        );
    }

    #[test]
    fn kinds_serialise_as_their_codes() {
        for k in ReportKind::ALL {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.code())
            );
        }
    }
}
