//! Dates as the dataset writes them: `YYYY-MM-DD`, nothing else.
//!
//! chrono's own parser (`FromStr`, `parse_from_str`, and its serde support,
//! which goes through `FromStr`) understands format strings, RFC 2822 and
//! RFC 3339, and brings about 13 KB of code into the WebAssembly app for
//! dates that only ever have one form. This reader covers that one form.

use chrono::NaiveDate;
use serde::de::{self, Deserializer, Unexpected, Visitor};

/// Reads `YYYY-MM-DD`: four digits, two, two, with dashes. `None` unless
/// the text is exactly that and names a real day.
///
/// ```
/// use linli_facilities::date::parse_ymd;
/// assert_eq!(parse_ymd("2026-02-28"), chrono::NaiveDate::from_ymd_opt(2026, 2, 28));
/// assert_eq!(parse_ymd("2026-02-30"), None); // not a day
/// assert_eq!(parse_ymd("2026-2-28"), None); // not the form
/// ```
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// A serde `deserialize_with` for a [`NaiveDate`] written `YYYY-MM-DD`.
/// Anything else is an error that quotes the text.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    struct Ymd;
    impl Visitor<'_> for Ymd {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a real date written YYYY-MM-DD")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            parse_ymd(s).ok_or_else(|| E::invalid_value(Unexpected::Str(s), &self))
        }
    }
    deserializer.deserialize_str(Ymd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_one_form() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_ymd("2024-02-29"), d(2024, 2, 29));
        assert_eq!(parse_ymd("0001-01-01"), d(1, 1, 1));
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-011",
            "+026-01-01",
            "2026/01/01",
            "2026-01-01T00:00",
            " 2026-01-01",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(parse_ymd(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_field_that_is_not_a_date_names_the_text() {
        #[derive(serde::Deserialize, Debug)]
        struct Row {
            #[serde(deserialize_with = "deserialize")]
            day: NaiveDate,
        }
        let ok: Row = serde_json::from_str(r#"{"day":"2026-10-01"}"#).unwrap();
        assert_eq!(ok.day, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        let err = serde_json::from_str::<Row>(r#"{"day":"2026-10-32"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value: string \"2026-10-32\", expected a real date written YYYY-MM-DD at line 1 column 19"
        );
        assert!(serde_json::from_str::<Row>(r#"{"day":20261001}"#).is_err());
    }
}
