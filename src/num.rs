//! Small number and date formatting by integer arithmetic.
//!
//! `format!("{:.2}")`, `str::parse::<f64>` and chrono's `format`/
//! `parse_from_str` each pull kilobytes of tables and code into the
//! WebAssembly app; these few helpers cover what the app needs.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// `x` with exactly `decimals` decimal places (at most 9), rounded half
/// away from zero.
///
/// ```
/// assert_eq!(linli::num::fixed(116.417, 5), "116.41700");
/// assert_eq!(linli::num::fixed(-0.004, 2), "-0.00");
/// assert_eq!(linli::num::fixed(12.5, 0), "13");
/// ```
pub fn fixed(x: f64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals.min(9));
    let v = (x.abs() * scale as f64).round() as i64;
    let sign = if x.is_sign_negative() && x != 0.0 {
        "-"
    } else {
        ""
    };
    let (int, frac) = (v / scale, v % scale);
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

/// Reads a plain decimal such as `116.41700` or `-3`; `None` for anything
/// else (exponents, several dots, more than 9 decimals, empty).
pub fn parse_decimal(s: &str) -> Option<f64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() || frac.len() > 9 || int.len() > 12 {
        return None;
    }
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let part: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let value = whole as f64 + part as f64 / 10f64.powi(frac.len() as i32);
    Some(if negative { -value } else { value })
}

/// `YYYY-MM-DD`.
pub fn ymd(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `HH:MM`.
pub fn hm(t: NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `YYYY-MM-DDTHH:MM`.
pub fn ymd_hm(t: NaiveDateTime) -> String {
    format!("{}T{}", ymd(t.date()), hm(t.time()))
}

pub use linli_facilities::date::parse_ymd;

/// Reads `HH:MM` (as a time input gives it, possibly with `:SS`).
pub fn parse_hm(s: &str) -> Option<NaiveTime> {
    let mut parts = s.splitn(3, ':');
    let (h, m) = (parts.next()?, parts.next()?);
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// Reads `YYYY-MM-DDTHH:MM`.
pub fn parse_ymd_hm(s: &str) -> Option<NaiveDateTime> {
    let (d, t) = s.split_once('T')?;
    Some(NaiveDateTime::new(parse_ymd(d)?, parse_hm(t)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip() {
        for (text, value) in [
            ("116.41700", 116.417),
            ("-3", -3.0),
            ("0.5", 0.5),
            (".25", 0.25),
        ] {
            assert_eq!(parse_decimal(text), Some(value), "{text}");
        }
        for bad in ["", "-", "1e5", "1.2.3", "abc", "1,5", "0.1234567891"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        assert_eq!(fixed(39.929, 5), "39.92900");
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(1234.0, 1), "1234.0");
    }

    #[test]
    fn dates_and_times_round_trip() {
        let t = parse_ymd_hm("2026-10-01T09:05").unwrap();
        assert_eq!(ymd_hm(t), "2026-10-01T09:05");
        assert_eq!(parse_hm("18:30:00"), NaiveTime::from_hms_opt(18, 30, 0));
        assert_eq!(parse_ymd("2026-02-30"), None);
        assert_eq!(parse_ymd_hm("2026-13-01T10:00"), None);
        assert_eq!(parse_hm("7:00"), None);
    }
}
