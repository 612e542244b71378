//! Opening hours: OSM `opening_hours` evaluated against China's holiday
//! calendar.
//!
//! Parsing and rule evaluation come from the `opening-hours` crate; what a
//! day *is* comes from our [`HolidayCalendar`], never from the crate's
//! built-in country data (which has one nominal day per festival, no bridging
//! days and no adjusted working days). The rules on top:
//!
//! - `PH` matches the calendar's days off.
//! - An adjusted working day (调休上班, a Saturday or Sunday) keeps the hours
//!   of an ordinary working day: a Saturday takes the hours of the Friday
//!   before it, a Sunday those of the Monday after it, with no holiday rule
//!   applied. For the common `Mo-Fr` schedules every working day is the same.
//! - On a date in a year the calendar does not cover, a schedule that uses
//!   `PH` is *unknown* for the whole day, since nobody knows yet which days
//!   will be holidays. A schedule without `PH` is evaluated as usual.
//!
//! All times are local wall-clock times in Beijing (Asia/Shanghai, UTC+8,
//! no daylight saving), passed in by the caller.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use compact_calendar::CompactCalendar;
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};

use crate::calendar::{DayKind, Holiday, HolidayCalendar};

/// How far ahead [`Hours::status`] looks for the next change, in days.
pub const LOOKAHEAD_DAYS: i64 = 14;

/// Whether a service is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Open.
    Open,
    /// Closed.
    Closed,
    /// Nobody can say: no hours, hours that say "unknown", or a holiday
    /// rule in a year without a published holiday notice.
    Unknown,
}

impl State {
    /// `open`, `closed` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::Unknown => "unknown",
        }
    }
}

impl From<RuleKind> for State {
    fn from(kind: RuleKind) -> State {
        match kind {
            RuleKind::Open => State::Open,
            RuleKind::Closed => State::Closed,
            RuleKind::Unknown => State::Unknown,
        }
    }
}

/// A stretch of one day with one state. Minutes count from midnight;
/// `end_min` is exclusive and at most 1440.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// First minute of the stretch, from midnight.
    pub start_min: u16,
    /// The minute the stretch ends, exclusive; 1440 is midnight at the end.
    pub end_min: u16,
    /// The state during the stretch.
    pub state: State,
    /// The schedule's comment for the stretch, if any.
    pub comment: Option<String>,
}

/// One day's hours, and why they are what they are.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySchedule<'c> {
    /// The day.
    pub date: NaiveDate,
    /// What the holiday calendar says about the day.
    pub kind: DayKind<'c>,
    /// The day from 00:00 to 24:00, in order, without gaps.
    pub intervals: Vec<Interval>,
}

impl DaySchedule<'_> {
    /// The open stretches only.
    pub fn open_intervals(&self) -> impl Iterator<Item = &Interval> {
        self.intervals.iter().filter(|i| i.state == State::Open)
    }

    /// The state at `minute` after midnight.
    pub fn state_at(&self, minute: u16) -> State {
        self.intervals
            .iter()
            .find(|i| i.start_min <= minute && minute < i.end_min)
            .map_or(State::Unknown, |i| i.state)
    }
}

/// What a resident needs to know at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The state now.
    pub state: State,
    /// When the state next changes, and to what, within
    /// [`LOOKAHEAD_DAYS`]; `None` if it does not.
    pub next_change: Option<(NaiveDateTime, State)>,
    /// The schedule's comment now, if any.
    pub comment: Option<String>,
}

/// Why an `opening_hours` value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursError {
    /// The value that failed.
    pub value: String,
    /// 1-based character column of the problem, when the parser knows it.
    pub column: Option<usize>,
    /// What the parser expected.
    pub message: String,
}

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "opening_hours {:?} does not parse", self.value)?;
        if let Some(column) = self.column {
            write!(f, " at column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for HoursError {}

/// A parsed `opening_hours` value, ready to evaluate against a calendar.
#[derive(Debug, Clone)]
pub struct Hours {
    raw: String,
    /// Evaluated with the calendar's days off as `PH`.
    with_holidays: OpeningHours,
    /// Evaluated with no holidays, for adjusted working days and for years
    /// the calendar does not cover.
    plain: OpeningHours,
    uses_ph: bool,
}

impl Hours {
    /// Parses `value` and binds it to `calendar`'s days off.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use linli_facilities::calendar::HolidayCalendar;
    /// use linli_facilities::hours::{Hours, State};
    /// let calendar = HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
    /// let hours = Hours::parse("Mo-Fr 08:00-17:00; PH off", &calendar).unwrap();
    /// // Sunday 2025-01-26 was an adjusted working day.
    /// let at = NaiveDate::from_ymd_opt(2025, 1, 26).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// assert_eq!(hours.status(&calendar, at).state, State::Open);
    /// ```
    pub fn parse(value: &str, calendar: &HolidayCalendar) -> Result<Hours, HoursError> {
        let plain = OpeningHours::from_str(value).map_err(|e| hours_error(value, &e))?;
        let off: CompactCalendar = calendar
            .holidays()
            .flat_map(|h| h.off.iter().copied())
            .collect();
        let context = Context::default().with_holidays(ContextHolidays::new(
            Arc::new(off),
            Arc::new(CompactCalendar::default()),
        ));
        Ok(Hours {
            raw: value.to_owned(),
            with_holidays: plain.clone().with_context(context),
            plain,
            uses_ph: mentions_ph(value),
        })
    }

    /// The value as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the schedule has a public-holiday (`PH`) rule.
    pub fn uses_public_holidays(&self) -> bool {
        self.uses_ph
    }

    /// The hours of one day.
    pub fn day<'c>(&self, calendar: &'c HolidayCalendar, date: NaiveDate) -> DaySchedule<'c> {
        let kind = calendar.day(date);
        let (schedule, eval_date) = match kind {
            DayKind::Unknown if self.uses_ph => {
                let whole = Interval {
                    start_min: 0,
                    end_min: 1440,
                    state: State::Unknown,
                    comment: None,
                };
                return DaySchedule {
                    date,
                    kind,
                    intervals: vec![whole],
                };
            }
            DayKind::Unknown => (&self.plain, date),
            DayKind::AdjustedWorkday(_) => (&self.plain, substitute_workday(date)),
            DayKind::Ordinary | DayKind::Holiday(_) => (&self.with_holidays, date),
        };
        let start = eval_date.and_time(NaiveTime::MIN);
        let end = start + Duration::days(1);
        let mut intervals: Vec<Interval> = Vec::new();
        for range in schedule.iter_range(start, end) {
            let from = minutes_between(start, range.range.start.max(start));
            let to = minutes_between(start, range.range.end.min(end));
            if from >= to {
                continue;
            }
            let state = State::from(range.kind);
            let comment = (!range.comment.is_empty()).then(|| range.comment.to_string());
            match intervals.last_mut() {
                Some(last)
                    if last.state == state && last.comment == comment && last.end_min == from =>
                {
                    last.end_min = to;
                }
                _ => intervals.push(Interval {
                    start_min: from,
                    end_min: to,
                    state,
                    comment,
                }),
            }
        }
        DaySchedule {
            date,
            kind,
            intervals,
        }
    }

    /// The state at `at`, and when it next changes.
    ///
    /// Looks up to [`LOOKAHEAD_DAYS`] ahead; a change into a day the
    /// calendar cannot judge is reported as a change to `Unknown`.
    pub fn status(&self, calendar: &HolidayCalendar, at: NaiveDateTime) -> Status {
        let today = self.day(calendar, at.date());
        let minute = minutes_between(at.date().and_time(NaiveTime::MIN), at);
        let current = today
            .intervals
            .iter()
            .find(|i| i.start_min <= minute && minute < i.end_min)
            .cloned()
            .unwrap_or(Interval {
                start_min: 0,
                end_min: 1440,
                state: State::Unknown,
                comment: None,
            });
        let mut next_change = None;
        'days: for offset in 0..=LOOKAHEAD_DAYS {
            let date = at.date() + Duration::days(offset);
            let schedule = if offset == 0 {
                today.clone()
            } else {
                self.day(calendar, date)
            };
            for interval in &schedule.intervals {
                if offset == 0 && interval.end_min <= minute {
                    continue;
                }
                if interval.state != current.state {
                    let when = date.and_time(NaiveTime::MIN)
                        + Duration::minutes(interval.start_min.into());
                    next_change = Some((when, interval.state));
                    break 'days;
                }
            }
        }
        Status {
            state: current.state,
            next_change,
            comment: current.comment,
        }
    }

    /// The next holiday period on or after `date` whose hours differ from
    /// what the same weekdays would otherwise have, with the effect: for
    /// example 国庆节 2026-10-01..10-07 closed. `None` when the schedule has
    /// no `PH` rule or no known holiday is left.
    pub fn next_holiday_effect<'c>(
        &self,
        calendar: &'c HolidayCalendar,
        date: NaiveDate,
    ) -> Option<(&'c Holiday, Vec<DaySchedule<'c>>)> {
        if !self.uses_ph {
            return None;
        }
        let holiday = calendar.next_holiday(date)?;
        let days = holiday.off.iter().map(|&d| self.day(calendar, d)).collect();
        Some((holiday, days))
    }
}

/// Checks that `value` is valid `opening_hours` syntax, without binding it
/// to a calendar.
pub fn check_syntax(value: &str) -> Result<(), HoursError> {
    OpeningHours::from_str(value)
        .map(|_| ())
        .map_err(|e| hours_error(value, &e))
}

/// The ordinary weekday whose hours an adjusted working day keeps: Friday
/// for a Saturday, Monday for a Sunday.
fn substitute_workday(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date - Duration::days(1),
        Weekday::Sun => date + Duration::days(1),
        _ => date,
    }
}

fn minutes_between(from: NaiveDateTime, to: NaiveDateTime) -> u16 {
    u16::try_from((to - from).num_minutes().clamp(0, 1440)).unwrap_or(1440)
}

/// Whether `value` has a `PH` selector outside its quoted comments.
fn mentions_ph(value: &str) -> bool {
    let mut outside = String::with_capacity(value.len());
    for (i, part) in value.split('"').enumerate() {
        if i % 2 == 0 {
            outside.push_str(part);
            outside.push(' ');
        }
    }
    outside
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "PH")
}

fn hours_error(value: &str, error: &opening_hours_syntax::Error) -> HoursError {
    let (column, message) = match error {
        opening_hours_syntax::Error::Syntax(e) => {
            let byte = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((start, _)) => start,
            };
            let column = value.get(..byte).map(|s| s.chars().count() + 1);
            (column, e.variant.message().into_owned())
        }
        other => (None, other.to_string()),
    };
    HoursError {
        value: value.to_owned(),
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ph_outside_comments_only() {
        assert!(mentions_ph("Mo-Fr 08:00-17:00; PH off"));
        assert!(mentions_ph("PH,Sa 09:00-12:00"));
        assert!(!mentions_ph("Mo-Fr 08:00-17:00 \"PH rules on the door\""));
        assert!(!mentions_ph("24/7"));
    }

    #[test]
    fn adjusted_days_borrow_the_adjacent_weekday() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(substitute_workday(d(1, 26)), d(1, 27)); // Sunday → Monday
        assert_eq!(substitute_workday(d(2, 8)), d(2, 7)); // Saturday → Friday
    }
}
