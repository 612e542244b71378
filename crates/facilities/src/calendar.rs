//! China's public holidays and adjusted working days (调休).
//!
//! The calendar is data, read from `public/data/holidays.json`, which follows
//! the State Council General Office's yearly notices. Each listed year is
//! complete: its off days (放假) and its adjusted working days (调休上班,
//! weekend days on which people work). A year that is not listed is
//! *unknown*: [`HolidayCalendar::day`] says so instead of guessing, except
//! for the days off the law fixes by date (1 January, 1–2 May, 1–3
//! October), which are holidays whatever the notice adds. Adding next
//! year's notice is a change to the data file only.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// What kind of day a date is, as far as public holidays go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind<'a> {
    /// An ordinary weekday or weekend day in a year the calendar covers.
    Ordinary,
    /// A public-holiday day off (放假), in the named holiday period.
    Holiday(&'a Holiday),
    /// A weekend day that is a working day (调休上班), for the named holiday.
    AdjustedWorkday(&'a Holiday),
    /// The calendar does not cover this date's year.
    Unknown,
}

/// One holiday period of one year, as the notice lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The Chinese name, e.g. `"国庆节"`.
    pub name_zh: String,
    /// The English name, e.g. `"National Day"`.
    pub name_en: String,
    /// The days off, in order.
    pub off: Vec<NaiveDate>,
    /// The adjusted working days that belong to this holiday, in order.
    pub work: Vec<NaiveDate>,
}

impl Holiday {
    /// The first day off.
    pub fn first_off(&self) -> NaiveDate {
        self.off[0]
    }

    /// The last day off.
    pub fn last_off(&self) -> NaiveDate {
        self.off[self.off.len() - 1]
    }
}

/// The days off the law itself fixes by date, whatever a year's notice
/// adds (《全国年节及纪念日放假办法》 as revised in 2024, in force from
/// 2025): 元旦 1 January, 劳动节 1 and 2 May, 国庆节 1 to 3 October. The
/// lunar festivals (春节, 端午节, 中秋节), 清明节, bridging days and
/// adjusted working days come only with the yearly notice.
const FIXED_DAYS_OFF: [(&str, &str, u32, &[u32]); 3] = [
    ("元旦", "New Year's Day", 1, &[1]),
    ("劳动节", "Labour Day", 5, &[1, 2]),
    ("国庆节", "National Day", 10, &[1, 2, 3]),
];

/// How many years after the last listed one the fixed days off are known
/// to [`HolidayCalendar::day`].
pub const FIXED_DAYS_YEARS: i32 = 10;

/// The holiday calendar for the years it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, Vec<Holiday>>,
    /// For each listed date, (year, index into that year's holidays, is off).
    days: BTreeMap<NaiveDate, (i32, usize, bool)>,
    /// The fixed days off ([`FIXED_DAYS_OFF`]) of the years after the last
    /// listed one, each with its holiday (only those days off, no working
    /// days).
    fixed: BTreeMap<NaiveDate, Holiday>,
}

/// Why a calendar file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError(pub String);

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "holiday calendar: {}", self.0)
    }
}

impl std::error::Error for CalendarError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    calendar: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    years: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[allow(dead_code)]
    notice: String,
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name_zh: String,
    name_en: String,
    off: Vec<String>,
    work: Vec<String>,
}

impl HolidayCalendar {
    /// Reads the calendar's JSON form and checks it: dates are real and in
    /// their year, no date is listed twice, every holiday has a day off, and
    /// every adjusted working day falls on a weekend.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use linli_facilities::calendar::{DayKind, HolidayCalendar};
    /// let calendar = HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert!(matches!(calendar.day(d(2025, 4, 4)), DayKind::Holiday(h) if h.name_zh == "清明节"));
    /// assert!(matches!(calendar.day(d(2025, 1, 26)), DayKind::AdjustedWorkday(_)));
    /// // A year without a published notice is unknown.
    /// assert_eq!(calendar.day(d(2099, 1, 1)), DayKind::Unknown);
    /// ```
    pub fn from_json(text: &str) -> Result<HolidayCalendar, CalendarError> {
        let raw: RawCalendar = serde_json::from_str(text)
            .map_err(|e| CalendarError(format!("line {}, column {}: {e}", e.line(), e.column())))?;
        if raw.calendar != "CN" {
            return Err(CalendarError(format!(
                "calendar {:?} is not \"CN\"",
                raw.calendar
            )));
        }
        let mut calendar = HolidayCalendar {
            years: BTreeMap::new(),
            days: BTreeMap::new(),
            fixed: BTreeMap::new(),
        };
        for year in raw.years {
            if calendar.years.contains_key(&year.year) {
                return Err(CalendarError(format!("year {} is listed twice", year.year)));
            }
            let mut holidays = Vec::with_capacity(year.holidays.len());
            for (index, h) in year.holidays.into_iter().enumerate() {
                let at = |what: &str| format!("{} {} ({what})", year.year, h.name_zh);
                let parse = |s: &String, what: &str| {
                    let date = crate::date::parse_ymd(s).ok_or_else(|| {
                        CalendarError(format!(
                            "{}: {s:?} is not a date; expected a real day written YYYY-MM-DD",
                            at(what)
                        ))
                    })?;
                    if date.year() != year.year {
                        return Err(CalendarError(format!(
                            "{}: {s} is not in {}",
                            at(what),
                            year.year
                        )));
                    }
                    Ok(date)
                };
                let off = h
                    .off
                    .iter()
                    .map(|s| parse(s, "off"))
                    .collect::<Result<Vec<_>, _>>()?;
                let work = h
                    .work
                    .iter()
                    .map(|s| parse(s, "work"))
                    .collect::<Result<Vec<_>, _>>()?;
                if off.is_empty() {
                    return Err(CalendarError(format!("{}: no day off", at("off"))));
                }
                for &date in &work {
                    if date.weekday().num_days_from_monday() < 5 {
                        return Err(CalendarError(format!(
                            "{}: {date} is a {:?}, but adjusted working days fall on weekends",
                            at("work"),
                            date.weekday()
                        )));
                    }
                }
                for (&date, is_off) in off
                    .iter()
                    .map(|d| (d, true))
                    .chain(work.iter().map(|d| (d, false)))
                {
                    if calendar
                        .days
                        .insert(date, (year.year, index, is_off))
                        .is_some()
                    {
                        return Err(CalendarError(format!(
                            "{}: {date} is listed twice",
                            at("dates")
                        )));
                    }
                }
                let mut off = off;
                crate::sort_short_by(&mut off, |a, b| a < b);
                let mut work = work;
                crate::sort_short_by(&mut work, |a, b| a < b);
                holidays.push(Holiday {
                    name_zh: h.name_zh,
                    name_en: h.name_en,
                    off,
                    work,
                });
            }
            calendar.years.insert(year.year, holidays);
        }
        if let Some(last) = calendar.last_year() {
            for year in (last + 1).max(2025)..=last + FIXED_DAYS_YEARS {
                for (name_zh, name_en, month, days) in FIXED_DAYS_OFF {
                    let off: Vec<NaiveDate> = days
                        .iter()
                        .filter_map(|&d| NaiveDate::from_ymd_opt(year, month, d))
                        .collect();
                    let holiday = Holiday {
                        name_zh: name_zh.to_owned(),
                        name_en: name_en.to_owned(),
                        off: off.clone(),
                        work: Vec::new(),
                    };
                    for date in off {
                        calendar.fixed.insert(date, holiday.clone());
                    }
                }
            }
        }
        Ok(calendar)
    }

    /// Whether the calendar lists `year`.
    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The last year the calendar covers, if any.
    pub fn last_year(&self) -> Option<i32> {
        self.years.keys().next_back().copied()
    }

    /// What kind of day `date` is. In a year the calendar does not list,
    /// a day off the law fixes by date (1 January, 1–2 May, 1–3 October,
    /// within [`FIXED_DAYS_YEARS`] of the last listed year) is a holiday;
    /// every other day of such a year is unknown.
    pub fn day(&self, date: NaiveDate) -> DayKind<'_> {
        if !self.covers_year(date.year()) {
            return self
                .fixed
                .get(&date)
                .map_or(DayKind::Unknown, DayKind::Holiday);
        }
        match self.days.get(&date) {
            None => DayKind::Ordinary,
            Some(&(year, index, is_off)) => {
                let holiday = &self.years[&year][index];
                if is_off {
                    DayKind::Holiday(holiday)
                } else {
                    DayKind::AdjustedWorkday(holiday)
                }
            }
        }
    }

    /// Whether `date` is a public-holiday day off. `None` when the calendar
    /// does not cover its year.
    pub fn is_holiday(&self, date: NaiveDate) -> Option<bool> {
        match self.day(date) {
            DayKind::Unknown => None,
            DayKind::Holiday(_) => Some(true),
            DayKind::Ordinary | DayKind::AdjustedWorkday(_) => Some(false),
        }
    }

    /// The next holiday period whose last day off is on or after `date`
    /// (in a year without a notice, the days off the law fixes by date).
    /// `None` when no known holiday is left.
    pub fn next_holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.years
            .values()
            .flatten()
            .chain(self.fixed.values())
            .filter(|h| h.last_off() >= date)
            .min_by_key(|h| h.first_off())
    }

    /// Every holiday period, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = &Holiday> {
        self.years.values().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> HolidayCalendar {
        HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn shipped_calendar_covers_2024_onwards_without_gaps() {
        let c = calendar();
        let last = c.last_year().unwrap();
        assert!(last >= 2026);
        assert!((2024..=last).all(|y| c.covers_year(y)));
        assert!(!c.covers_year(2023) && !c.covers_year(last + 1));
        // 2024–2026: 7 + 6 + 7 holiday periods.
        assert_eq!(
            c.holidays()
                .filter(|h| h.first_off().year() <= 2026)
                .count(),
            20
        );
    }

    #[test]
    fn fixed_days_off_are_holidays_in_years_not_listed() {
        let c = calendar();
        let next = c.last_year().unwrap() + 1;
        for (m, day, name) in [
            (1, 1, "元旦"),
            (5, 1, "劳动节"),
            (5, 2, "劳动节"),
            (10, 1, "国庆节"),
            (10, 3, "国庆节"),
        ] {
            assert!(
                matches!(c.day(d(next, m, day)), DayKind::Holiday(h) if h.name_zh == name && h.work.is_empty()),
                "{next}-{m}-{day}"
            );
            assert_eq!(c.is_holiday(d(next, m, day)), Some(true));
        }
        // The days around them, and the lunar festivals, wait for the notice.
        assert_eq!(c.day(d(next, 1, 2)), DayKind::Unknown);
        assert_eq!(c.day(d(next, 10, 4)), DayKind::Unknown);
        assert_eq!(c.day(d(next, 5, 3)), DayKind::Unknown);
        // Known for ten years after the last notice, not guessed further;
        // nor do they change a listed year.
        let last_fixed = c.last_year().unwrap() + FIXED_DAYS_YEARS;
        assert!(matches!(c.day(d(last_fixed, 10, 3)), DayKind::Holiday(_)));
        assert_eq!(c.day(d(last_fixed + 1, 1, 1)), DayKind::Unknown);
        assert!(matches!(c.day(d(2026, 1, 1)), DayKind::Holiday(h) if h.off.len() == 3));
        // They are the next holidays too, for the facility page's note.
        let h = c.next_holiday(d(next - 1, 12, 20)).unwrap();
        assert_eq!(
            (h.name_zh.as_str(), h.off.clone()),
            ("元旦", vec![d(next, 1, 1)])
        );
        let h = c.next_holiday(d(next, 1, 2)).unwrap();
        assert_eq!(h.off, [d(next, 5, 1), d(next, 5, 2)]);
    }

    #[test]
    fn knows_bridging_and_adjusted_days() {
        let c = calendar();
        // Qingming 2025 (missing from other libraries' data).
        assert_eq!(c.is_holiday(d(2025, 4, 4)), Some(true));
        // A bridging day off inside the Spring Festival week.
        assert_eq!(c.is_holiday(d(2025, 2, 3)), Some(true));
        // Sunday 2025-01-26 was a working day.
        assert!(
            matches!(c.day(d(2025, 1, 26)), DayKind::AdjustedWorkday(h) if h.name_zh == "春节")
        );
        assert_eq!(c.is_holiday(d(2025, 1, 26)), Some(false));
        // An ordinary Sunday is not a holiday.
        assert_eq!(c.day(d(2025, 3, 2)), DayKind::Ordinary);
        // A year without a notice: unknown, but for the fixed days off.
        assert_eq!(c.is_holiday(d(c.last_year().unwrap() + 1, 10, 8)), None);
    }

    #[test]
    fn finds_the_next_holiday() {
        let c = calendar();
        let h = c.next_holiday(d(2026, 9, 1)).unwrap();
        assert_eq!(
            (h.name_zh.as_str(), h.first_off(), h.last_off()),
            ("中秋节", d(2026, 9, 25), d(2026, 9, 27))
        );
        let h = c.next_holiday(d(2026, 10, 3)).unwrap();
        assert_eq!(h.name_zh, "国庆节");
        // After the last notice's holidays, the next fixed day off.
        if c.last_year() == Some(2026) {
            let h = c.next_holiday(d(2026, 10, 8)).unwrap();
            assert_eq!((h.name_zh.as_str(), h.first_off()), ("元旦", d(2027, 1, 1)));
        }
    }

    #[test]
    fn rejects_bad_calendars_with_a_reason() {
        let bad = |json: &str, needle: &str| {
            let err = HolidayCalendar::from_json(json).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        };
        let wrap = |holidays: &str| {
            format!(
                r#"{{"calendar":"CN","years":[{{"year":2030,"notice":"n","holidays":[{holidays}]}}]}}"#
            )
        };
        bad(
            &wrap(r#"{"name_zh":"元旦","name_en":"x","off":["2030-02-30"],"work":[]}"#),
            "not a date",
        );
        bad(
            &wrap(r#"{"name_zh":"元旦","name_en":"x","off":["2031-01-01"],"work":[]}"#),
            "not in 2030",
        );
        bad(
            &wrap(r#"{"name_zh":"元旦","name_en":"x","off":[],"work":[]}"#),
            "no day off",
        );
        // 2030-01-02 is a Wednesday.
        bad(
            &wrap(r#"{"name_zh":"元旦","name_en":"x","off":["2030-01-01"],"work":["2030-01-02"]}"#),
            "weekends",
        );
        bad(
            &wrap(
                r#"{"name_zh":"元旦","name_en":"x","off":["2030-01-01","2030-01-01"],"work":[]}"#,
            ),
            "listed twice",
        );
        bad(r#"{"calendar":"US","years":[]}"#, "not \"CN\"");
    }
}
