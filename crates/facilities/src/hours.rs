//! Opening hours: a small, documented subset of OSM `opening_hours`,
//! evaluated against China's holiday calendar.
//!
//! The dataset's hours are simple weekly schedules with a public-holiday
//! rule, so Linli reads only that part of the
//! [OSM syntax](https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification)
//! with its own parser, and reports anything else as a syntax error with
//! its column. Every value it accepts means the same as in OSM (OSM is
//! stricter only about spaces around `;` and at the ends, which Linli
//! ignores).
//!
//! # The subset
//!
//! ```text
//! value     = rule { ";" rule }
//! rule      = selector [ " " state ] [ " " comment ]
//!           | state [ " " comment ]
//!           | comment
//! selector  = "24/7" | days [ " " times ] | times
//! days      = day { "," day }             PH at most once, first or last
//! day       = weekday [ "-" weekday ] | "PH"
//! weekday   = "Mo" | "Tu" | "We" | "Th" | "Fr" | "Sa" | "Su"
//! times     = span { "," span }           no space after ","
//! span      = time "-" end
//! time      = hh ":" mm                   00:00 to 23:59, two digits each
//! end       = hh ":" mm                   00:00 to 24:00
//! state     = "open" | "off" | "closed" | "unknown"
//! comment   = '"' one or more characters other than '"' '"'
//! ```
//!
//! Parts of a rule are separated by exactly one space. Spaces around `;`
//! and at either end of the value are ignored. Names are case-sensitive.
//! Examples: `24/7`, `Mo-Fr 08:00-17:30; PH off`,
//! `Mo-Fr 08:00-11:30,13:30-17:00; PH off`, `Tu-Su 09:00-20:00; PH 09:00-17:00`,
//! `Mo,We,Fr 09:00-12:00`, `Sa-Mo 10:00-14:00`, `PH,Sa 09:00-12:00`,
//! `Mo-Fr unknown "预约制"`, `Mo-Su 22:00-02:00`, `off`.
//!
//! Outside the subset, and so errors: months, dates, years, week numbers,
//! school holidays (`SH`), day offsets (`PH +1 day`), `Mo[1]`, sunrise and
//! the other events, open ends (`+`), repeating times (`/`), hours past
//! 24:00 (`22:00-26:00`), single-digit hours (`8:00`), and the `, ` and
//! `||` rule separators.
//!
//! # Meaning
//!
//! - A rule without days applies every day; `24/7` is every day, all day.
//!   Days: a weekday range may wrap (`Sa-Mo` is Saturday, Sunday, Monday);
//!   `PH,Sa` is every public holiday and every Saturday.
//! - A rule without times covers the whole day; a rule without a state is
//!   `open`, unless it has a comment: then it is `unknown` (as OSM's
//!   specification says), so a rule of a comment only is unknown all day
//!   with that comment.
//! - A span whose end is not after its start runs past midnight: in
//!   `Mo-Su 22:00-02:00`, 00:00–02:00 of each day is the spill of the day
//!   before's span (and `10:00-10:00` is 24 hours). The spill of a rule
//!   into a day the rule does not match counts only when no earlier rule
//!   set anything but "closed" (without a comment) for that day.
//! - Rules apply in order. A later `open` or `unknown` rule that matches a
//!   day replaces that day's whole schedule, including the spill from the
//!   day before: `Mo-Fr 08:00-17:00; Fr 08:00-12:00` is open 08:00–12:00 on
//!   Fridays. A later `off`/`closed` rule only closes what it names, keeping
//!   the rest: `Mo-Fr 08:00-17:00; We 12:00-13:00 off` closes Wednesday's
//!   lunch hour, `PH off` closes the whole day. (This is how the
//!   `opening-hours` crate that Linli used before evaluates them.)
//! - Outside every span the state is closed. The comment of a rule belongs
//!   to its spans only (a closed rule's comment covers its closed spans).
//!
//! # Holidays
//!
//! What a day *is* comes from our [`HolidayCalendar`]:
//!
//! - `PH` matches the calendar's days off.
//! - An adjusted working day (调休上班, a Saturday or Sunday) keeps the hours
//!   of an ordinary working day: a Saturday takes the hours of the Friday
//!   before it, a Sunday those of the Monday after it, with no holiday rule
//!   applied. For the common `Mo-Fr` schedules every working day is the same.
//!   A schedule closed all that day but open on the day's own weekday keeps
//!   its own hours: `Tu-Su 09:00-17:00; PH off` (closed on Mondays) is open
//!   on a Sunday worked.
//! - On a date in a year the calendar does not cover, a schedule that uses
//!   `PH` is *unknown* for the whole day, since nobody knows yet which days
//!   will be holidays. A schedule without `PH` is evaluated as usual.
//!
//! All times are local wall-clock times in Beijing (Asia/Shanghai, UTC+8,
//! no daylight saving), passed in by the caller, and counted in minutes
//! from midnight.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::calendar::{DayKind, Holiday, HolidayCalendar};

/// How far ahead [`Hours::status`] looks for the next change, in days.
pub const LOOKAHEAD_DAYS: i64 = 14;

/// Minutes in a day; also the end of the day, 24:00.
const DAY_MIN: u16 = 24 * 60;

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

impl Status {
    /// Unknown now, with no change ahead and no comment: the status of a
    /// service without usable hours.
    pub fn unknown() -> Status {
        Status {
            state: State::Unknown,
            next_change: None,
            comment: None,
        }
    }
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
    rules: Vec<Rule>,
    uses_ph: bool,
}

impl Hours {
    /// Parses `value` (see the [module docs](self) for the subset). The
    /// calendar is applied when evaluating, by [`Hours::day`] and
    /// [`Hours::status`]; parsing does not need it.
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
    pub fn parse(value: &str, _calendar: &HolidayCalendar) -> Result<Hours, HoursError> {
        let rules = parse_rules(value)?;
        Ok(Hours {
            raw: value.to_owned(),
            uses_ph: rules.iter().any(|r| r.days.holidays),
            rules,
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
        let holidays = |d: NaiveDate| calendar.is_holiday(d) == Some(true);
        let intervals = match kind {
            DayKind::AdjustedWorkday(_) => self.worked_weekend_day(date),
            DayKind::Unknown if self.uses_ph => vec![Interval {
                start_min: 0,
                end_min: DAY_MIN,
                state: State::Unknown,
                comment: None,
            }],
            DayKind::Unknown => self.intervals(date, &|_| false),
            DayKind::Ordinary | DayKind::Holiday(_) => self.intervals(date, &holidays),
        };
        DaySchedule {
            date,
            kind,
            intervals,
        }
    }

    /// An adjusted working day (a Saturday or Sunday worked, 调休上班):
    /// the hours of the working day it stands for ([`substitute_workday`]),
    /// unless the schedule is closed all that day and open on the day's
    /// own weekday. A place open Tuesday to Sunday and closed on Mondays
    /// keeps its Sunday hours on a Sunday worked: its Monday closure is not
    /// a working day's.
    fn worked_weekend_day(&self, date: NaiveDate) -> Vec<Interval> {
        let worked = self.intervals(substitute_workday(date), &|_| false);
        let closed = |day: &[Interval]| day.iter().all(|i| i.state == State::Closed);
        if closed(&worked) {
            let own = self.intervals(date, &|_| false);
            if !closed(&own) {
                return own;
            }
        }
        worked
    }

    /// The hours of `date` if it is an ordinary day (neither a public
    /// holiday nor an adjusted working day): what a `PH` schedule would do
    /// on a date past the calendar's years, unless the date turns out to be
    /// a holiday. [`Hours::day`] says such a day is unknown; this is what
    /// can be said about it in so many words ("08:00–17:00 unless it is a
    /// holiday").
    pub fn ordinary_day(&self, date: NaiveDate) -> DaySchedule<'static> {
        DaySchedule {
            date,
            kind: DayKind::Ordinary,
            intervals: self.intervals(date, &|_| false),
        }
    }

    /// Whether the schedule would be open at `at` but for a holiday the
    /// calendar cannot rule out: `at` is in a year the calendar does not
    /// list, the schedule has a `PH` rule (so [`Hours::status`] is
    /// unknown), and an ordinary day is open then. The finder keeps such a
    /// service for "open at" and says its hours are to be confirmed.
    pub fn open_unless_holiday(&self, calendar: &HolidayCalendar, at: NaiveDateTime) -> bool {
        let minute = minutes_between(at.date().and_time(NaiveTime::MIN), at);
        self.uses_ph
            && matches!(calendar.day(at.date()), DayKind::Unknown)
            && self.ordinary_day(at.date()).state_at(minute) == State::Open
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
                end_min: DAY_MIN,
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

    /// When the schedule would next open after `at`, taking each day the
    /// calendar cannot judge (a year whose notice is not out) as an
    /// ordinary day, within [`LOOKAHEAD_DAYS`]: what can be said of a
    /// service closed on 元旦 of such a year, whose [`Hours::status`]
    /// changes into the unknown. `None` when the schedule has no `PH`
    /// rule, is open at `at`, would not open in that time, or comes first
    /// to hours unknown for another reason (a rule with only a comment).
    pub fn opens_as_ordinary(
        &self,
        calendar: &HolidayCalendar,
        at: NaiveDateTime,
    ) -> Option<NaiveDateTime> {
        if !self.uses_ph {
            return None;
        }
        let minute = minutes_between(at.date().and_time(NaiveTime::MIN), at);
        for offset in 0..=LOOKAHEAD_DAYS {
            let date = at.date() + Duration::days(offset);
            let schedule = if calendar.day(date) == DayKind::Unknown {
                self.ordinary_day(date)
            } else {
                self.day(calendar, date)
            };
            for interval in &schedule.intervals {
                if offset == 0 && interval.end_min <= minute {
                    continue;
                }
                match interval.state {
                    State::Open if offset == 0 && interval.start_min <= minute => return None,
                    State::Open => {
                        return Some(
                            date.and_time(NaiveTime::MIN)
                                + Duration::minutes(interval.start_min.into()),
                        );
                    }
                    State::Unknown => return None,
                    State::Closed => {}
                }
            }
        }
        None
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

    /// The rules applied to `date`, where `is_holiday` says which dates
    /// `PH` matches: the whole day from 00:00 to 24:00, without gaps.
    fn intervals(&self, date: NaiveDate, is_holiday: &dyn Fn(NaiveDate) -> bool) -> Vec<Interval> {
        let yesterday = date.pred_opt();
        let mut day: Option<Vec<Piece<'_>>> = None;
        for rule in &self.rules {
            let today = rule.days.matches(date, is_holiday(date));
            let spill = yesterday.is_some_and(|d| rule.days.matches(d, is_holiday(d)));
            let pieces = rule.pieces(today, spill);
            day = match rule.state {
                State::Open | State::Unknown if today => pieces,
                // Only the spill from yesterday: it counts where no earlier
                // rule said anything but "closed".
                State::Open | State::Unknown => day.filter(|d| !all_plain_closed(d)).or(pieces),
                State::Closed => match (day, pieces) {
                    (Some(mut day), Some(pieces)) => {
                        for piece in pieces {
                            overlay(&mut day, piece);
                        }
                        Some(day)
                    }
                    (day, pieces) => day.or(pieces),
                },
            };
        }
        let mut pieces = day.unwrap_or_default();
        pieces.retain(|p| !p.is_plain_closed());
        crate::sort_short_by(&mut pieces, |a, b| a.start_min < b.start_min);
        let mut intervals: Vec<Interval> = Vec::with_capacity(2 * pieces.len() + 1);
        let mut at = 0;
        for piece in pieces {
            if piece.start_min > at {
                push_interval(&mut intervals, at, piece.start_min, State::Closed, None);
            }
            push_interval(
                &mut intervals,
                piece.start_min,
                piece.end_min,
                piece.state,
                piece.comment,
            );
            at = piece.end_min;
        }
        if at < DAY_MIN {
            push_interval(&mut intervals, at, DAY_MIN, State::Closed, None);
        }
        intervals
    }
}

/// Checks that `value` is in Linli's subset of `opening_hours` (see the
/// [module docs](self)), without binding it to a calendar.
///
/// ```
/// use linli_facilities::hours::check_syntax;
/// assert!(check_syntax("Mo-Fr 08:00-11:30,13:30-17:00; PH off").is_ok());
/// let err = check_syntax("Mo-Fr 08:00-17:00; Jan off").unwrap_err();
/// assert_eq!(err.column, Some(20));
/// ```
pub fn check_syntax(value: &str) -> Result<(), HoursError> {
    parse_rules(value).map(|_| ())
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
    u16::try_from((to - from).num_minutes().clamp(0, DAY_MIN.into())).unwrap_or(DAY_MIN)
}

// ---------------------------------------------------------------------------
// Rules and their evaluation

/// One rule of a value: which days, which times, and what state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    days: Days,
    /// Never empty; `[00:00-24:00]` when the rule names no times.
    spans: Vec<Span>,
    state: State,
    comment: Option<String>,
}

/// The days a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Days {
    /// Weekdays, bit 0 Monday to bit 6 Sunday.
    weekdays: u8,
    /// Also every public holiday (`PH`).
    holidays: bool,
}

impl Days {
    const EVERY_DAY: Days = Days {
        weekdays: 0x7f,
        holidays: false,
    };

    fn matches(self, date: NaiveDate, is_holiday: bool) -> bool {
        self.weekdays & (1 << date.weekday().num_days_from_monday()) != 0
            || (self.holidays && is_holiday)
    }
}

/// A time span of a rule, in minutes from midnight of the day it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    /// Start, 0 to 1439.
    start_min: u16,
    /// End, exclusive, after `start_min`; past 1440 (at most 2880) when the
    /// span runs past midnight into the next day.
    end_min: u16,
}

const WHOLE_DAY: Span = Span {
    start_min: 0,
    end_min: DAY_MIN,
};

/// A stretch of one day that a rule sets, in minutes from midnight
/// (`end_min` exclusive, at most 1440).
#[derive(Debug, Clone, Copy)]
struct Piece<'r> {
    start_min: u16,
    end_min: u16,
    state: State,
    comment: Option<&'r str>,
}

impl Piece<'_> {
    /// Closed without a comment: the same as saying nothing.
    fn is_plain_closed(&self) -> bool {
        self.state == State::Closed && self.comment.is_none()
    }
}

impl Rule {
    /// The stretches this rule sets on a day, given whether it matches the
    /// day (`today`) and the day before (`spill`, for spans past
    /// midnight): disjoint and in order, `None` when it matches neither.
    fn pieces(&self, today: bool, spill: bool) -> Option<Vec<Piece<'_>>> {
        if !today && !spill {
            return None;
        }
        let mut ranges: Vec<(u16, u16)> = Vec::with_capacity(self.spans.len() + 1);
        for span in &self.spans {
            if today {
                ranges.push((span.start_min, span.end_min.min(DAY_MIN)));
            }
            if spill && span.end_min > DAY_MIN {
                ranges.push((0, span.end_min - DAY_MIN));
            }
        }
        crate::sort_short_by(&mut ranges, |a, b| a < b);
        let mut pieces: Vec<Piece<'_>> = Vec::with_capacity(ranges.len());
        for (start_min, end_min) in ranges {
            match pieces.last_mut() {
                Some(last) if start_min <= last.end_min => last.end_min = last.end_min.max(end_min),
                _ => pieces.push(Piece {
                    start_min,
                    end_min,
                    state: self.state,
                    comment: self.comment.as_deref(),
                }),
            }
        }
        Some(pieces)
    }
}

/// Appends a stretch (minutes from midnight, end exclusive) to `intervals`,
/// extending the last one when state and comment are the same.
fn push_interval(
    intervals: &mut Vec<Interval>,
    start_min: u16,
    end_min: u16,
    state: State,
    comment: Option<&str>,
) {
    match intervals.last_mut() {
        Some(last) if last.state == state && last.comment.as_deref() == comment => {
            last.end_min = end_min;
        }
        _ => intervals.push(Interval {
            start_min,
            end_min,
            state,
            comment: comment.map(str::to_owned),
        }),
    }
}

/// Whether `pieces` say nothing but "closed".
fn all_plain_closed(pieces: &[Piece<'_>]) -> bool {
    pieces.iter().all(Piece::is_plain_closed)
}

/// Lays `top` over `day`, replacing whatever `day` said in its time.
fn overlay<'r>(day: &mut Vec<Piece<'r>>, top: Piece<'r>) {
    let mut out = Vec::with_capacity(day.len() + 2);
    for &p in day.iter() {
        if p.end_min <= top.start_min || p.start_min >= top.end_min {
            out.push(p);
            continue;
        }
        if p.start_min < top.start_min {
            out.push(Piece {
                end_min: top.start_min,
                ..p
            });
        }
        if p.end_min > top.end_min {
            out.push(Piece {
                start_min: top.end_min,
                ..p
            });
        }
    }
    out.push(top);
    crate::sort_short_by(&mut out, |a, b| a.start_min < b.start_min);
    *day = out;
}

// ---------------------------------------------------------------------------
// Parser

const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const STATES: [(&str, State); 4] = [
    ("open", State::Open),
    ("off", State::Closed),
    ("closed", State::Closed),
    ("unknown", State::Unknown),
];

/// Parses a whole value into its rules.
fn parse_rules(value: &str) -> Result<Vec<Rule>, HoursError> {
    let mut p = Parser {
        text: value,
        pos: 0,
    };
    let mut rules = Vec::new();
    p.skip_spaces();
    loop {
        rules.push(p.rule()?);
        if !p.eat(";") {
            return Ok(rules);
        }
        p.skip_spaces();
    }
}

/// What may come next in a rule, for error messages.
#[derive(Debug, Clone, Copy)]
struct Expect {
    days: bool,
    times: bool,
    state: bool,
    comment: bool,
    end: bool,
}

impl Expect {
    fn describe(self) -> String {
        let mut items: Vec<&str> = Vec::new();
        if self.days {
            items.extend(["a weekday (Mo–Su)", "PH", "24/7"]);
        }
        if self.times {
            items.push("a time span (hh:mm-hh:mm)");
        }
        if self.state {
            items.push("a state (open, off, closed, unknown)");
        }
        if self.comment {
            items.push("a \"comment\"");
        }
        if self.end {
            items.extend(["\";\"", "the end"]);
        }
        let last = items.pop().unwrap_or("the end");
        if items.is_empty() {
            format!("expected {last}")
        } else {
            format!("expected {} or {last}", items.join(", "))
        }
    }
}

#[derive(Debug)]
struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        let found = self.rest().starts_with(s);
        if found {
            self.pos += s.len();
        }
        found
    }

    /// Skips spaces and says how many there were.
    fn skip_spaces(&mut self) -> usize {
        let n = self.rest().len() - self.rest().trim_start_matches(' ').len();
        self.pos += n;
        n
    }

    fn at_rule_end(&self) -> bool {
        matches!(self.peek(), None | Some(';'))
    }

    /// The index of the word of `words` that comes next, standing alone
    /// (not followed by a letter).
    fn peek_word(&self, words: &[&str]) -> Option<usize> {
        let rest = self.rest();
        words.iter().position(|w| {
            rest.strip_prefix(w)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphabetic()))
        })
    }

    /// Eats the word of `words` that comes next, returning its index.
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let index = self.peek_word(words)?;
        self.pos += words[index].len();
        Some(index)
    }

    fn error(&self, at: usize, message: String) -> HoursError {
        HoursError {
            value: self.text.to_owned(),
            column: Some(self.text[..at].chars().count() + 1),
            message,
        }
    }

    /// An error at the current position: `expected`, what was found
    /// instead, and a hint when it is OSM syntax outside the subset.
    fn unexpected(&self, expected: &str) -> HoursError {
        let rest = self.rest();
        let token: String = match rest.chars().next() {
            None => String::new(),
            Some(c) if c.is_alphanumeric() => rest
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .take(16)
                .collect(),
            Some(c) => c.to_string(),
        };
        let found = if token.is_empty() {
            "the end".to_owned()
        } else {
            format!("{token:?}")
        };
        let mut message = format!("{expected}, found {found}");
        if let Some(hint) = hint(&token, rest) {
            message.push_str("; ");
            message.push_str(&hint);
        }
        self.error(self.pos, message)
    }

    /// After a part of a rule: one space before the next part, or the end
    /// of the rule (after any spaces).
    fn after_part(&mut self) -> Result<(), HoursError> {
        let start = self.pos;
        let spaces = self.skip_spaces();
        if self.at_rule_end() {
            return Ok(());
        }
        if spaces == 0 {
            return Err(self.unexpected("expected a space, \";\" or the end"));
        }
        if spaces > 1 {
            return Err(self.error(
                start + 1,
                "expected a single space between the parts of a rule".to_owned(),
            ));
        }
        Ok(())
    }

    fn rule(&mut self) -> Result<Rule, HoursError> {
        let mut rule = Rule {
            days: Days::EVERY_DAY,
            spans: vec![WHOLE_DAY],
            state: State::Open,
            comment: None,
        };
        let mut expect = Expect {
            days: true,
            times: true,
            state: true,
            comment: true,
            end: false,
        };
        if self.word(&["24/7"]).is_some() {
            expect = Expect {
                days: false,
                times: false,
                end: true,
                ..expect
            };
            self.after_part()?;
        } else if self.peek_word(&["PH"]).is_some() || self.peek_word(&WEEKDAYS).is_some() {
            rule.days = self.days()?;
            expect = Expect {
                days: false,
                end: true,
                ..expect
            };
            self.after_part()?;
        }
        if expect.times && self.peek().is_some_and(|c| c.is_ascii_digit()) {
            rule.spans = self.times()?;
            expect = Expect {
                days: false,
                times: false,
                end: true,
                ..expect
            };
            self.after_part()?;
        }
        let stated = self.word(&STATES.map(|(w, _)| w));
        if let Some(index) = stated {
            rule.state = STATES[index].1;
            expect = Expect {
                days: false,
                times: false,
                state: false,
                end: true,
                ..expect
            };
            self.after_part()?;
        }
        if self.peek() == Some('"') {
            rule.comment = Some(self.comment()?);
            // A comment without a state is unknown, as in OSM's
            // specification: `Mo-Fr 08:00-17:00 "预约制"` says nothing sure
            // about being open.
            if stated.is_none() {
                rule.state = State::Unknown;
            }
            expect = Expect {
                days: false,
                times: false,
                state: false,
                comment: false,
                end: true,
            };
            self.after_part()?;
        }
        if expect.end && self.at_rule_end() {
            Ok(rule)
        } else {
            Err(self.unexpected(&expect.describe()))
        }
    }

    fn weekday(&mut self) -> Option<u8> {
        self.word(&WEEKDAYS).and_then(|i| u8::try_from(i).ok())
    }

    /// `days = day { "," day }`; PH at most once, first or last.
    fn days(&mut self) -> Result<Days, HoursError> {
        let mut days = Days {
            weekdays: 0,
            holidays: false,
        };
        // Whether PH came after a weekday, so that it must be last.
        let mut ph_last = false;
        loop {
            let at = self.pos;
            if self.word(&["PH"]).is_some() {
                if days.holidays {
                    return Err(self.error(at, "PH is listed twice".to_owned()));
                }
                days.holidays = true;
                ph_last = days.weekdays != 0;
            } else if let Some(first) = self.weekday() {
                if ph_last {
                    return Err(self.error(
                        at,
                        "PH goes first or last in a list of days (\"PH,Mo-Fr\" or \"Mo-Fr,PH\")"
                            .to_owned(),
                    ));
                }
                let mut last = first;
                if self.eat("-") {
                    last = match self.weekday() {
                        Some(last) => last,
                        None => return Err(self.unexpected("expected a weekday (Mo–Su)")),
                    };
                }
                // A range may wrap past Sunday: Sa-Mo.
                let mut day = first;
                loop {
                    days.weekdays |= 1 << day;
                    if day == last {
                        break;
                    }
                    day = (day + 1) % 7;
                }
            } else {
                return Err(self.unexpected("expected a weekday (Mo–Su) or PH"));
            }
            if !self.eat(",") {
                return Ok(days);
            }
        }
    }

    /// `times = span { "," span }`.
    fn times(&mut self) -> Result<Vec<Span>, HoursError> {
        let mut spans = Vec::new();
        loop {
            let start_min = self.clock(false)?;
            if !self.eat("-") {
                return Err(self.unexpected("expected \"-\" and an end time (hh:mm-hh:mm)"));
            }
            let end_min = self.clock(true)?;
            spans.push(Span {
                start_min,
                end_min: if start_min < end_min {
                    end_min
                } else {
                    end_min + DAY_MIN
                },
            });
            if self.rest().starts_with(", ") {
                return Err(self.error(
                    self.pos,
                    "a list of times takes no space after \",\" (08:00-11:30,13:30-17:00); \
                     \", \" between rules is valid OSM but outside Linli's subset"
                        .to_owned(),
                ));
            }
            if !self.eat(",") {
                return Ok(spans);
            }
        }
    }

    /// `hh:mm` in minutes from midnight: 00:00 to 23:59, and 24:00 when
    /// `is_end`.
    fn clock(&mut self, is_end: bool) -> Result<u16, HoursError> {
        let at = self.pos;
        let bytes = self.rest().as_bytes();
        let digit = |i: usize| {
            bytes
                .get(i)
                .filter(|b| b.is_ascii_digit())
                .map(|b| u16::from(b - b'0'))
        };
        let (Some(h1), Some(h2), Some(b':'), Some(m1), Some(m2)) =
            (digit(0), digit(1), bytes.get(2), digit(3), digit(4))
        else {
            let what = if is_end { "an end time" } else { "a time" };
            return Err(self.unexpected(&format!(
                "expected {what} as hh:mm with two-digit hours and minutes (08:00)"
            )));
        };
        let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
        if minutes > 59 {
            return Err(self.error(at + 3, "minutes run from 00 to 59".to_owned()));
        }
        let value = hours * 60 + minutes;
        if value > DAY_MIN || (value == DAY_MIN && !is_end) {
            let message = if !is_end {
                "a span starts between 00:00 and 23:59"
            } else {
                "a span ends by 24:00; hours past 24:00 are valid OSM but outside Linli's \
                 subset (write 22:00-02:00 for a span past midnight)"
            };
            return Err(self.error(at, message.to_owned()));
        }
        self.pos += 5;
        Ok(value)
    }

    /// `"…"`: one or more characters other than `"`.
    fn comment(&mut self) -> Result<String, HoursError> {
        let at = self.pos;
        self.pos += 1;
        let Some(len) = self.rest().find('"') else {
            return Err(self.error(at, "the comment has no closing '\"'".to_owned()));
        };
        if len == 0 {
            return Err(self.error(at, "the comment is empty".to_owned()));
        }
        let comment = self.rest()[..len].to_owned();
        self.pos += len + 1;
        Ok(comment)
    }
}

/// A hint for OSM syntax outside Linli's subset, or for a name written in
/// the wrong case. `token` is the word (or character) where parsing
/// stopped and `rest` the text from there.
fn hint(token: &str, rest: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let outside = |what: &str| Some(format!("{what} are valid OSM but outside Linli's subset"));
    if rest.starts_with("||") {
        return outside("fallback rules (\"||\")");
    }
    match token {
        "SH" => return outside("school holidays (SH)"),
        "week" => return outside("week numbers"),
        "easter" => return outside("Easter dates"),
        "sunrise" | "sunset" | "dawn" | "dusk" => return outside("sunrise, sunset, dawn and dusk"),
        "+" => return outside("open ends and day offsets (\"+\")"),
        "[" => return outside("nth weekdays of the month (Mo[1])"),
        "/" => return outside("repeating times (\"/\")"),
        "," => return outside("additional rules (\", \")"),
        ":" => return outside("\":\" after days"),
        _ => {}
    }
    if MONTHS.contains(&token) {
        return outside("months and dates");
    }
    if token.len() == 4 && token.bytes().all(|b| b.is_ascii_digit()) {
        return outside("years");
    }
    let lower = token.to_ascii_lowercase();
    let names = || WEEKDAYS.iter().chain(&["PH"]);
    if !names().any(|w| *w == token) && names().any(|w| w.to_ascii_lowercase() == lower) {
        return Some("write weekdays as Mo Tu We Th Fr Sa Su, and PH, in this case".to_owned());
    }
    if STATES.iter().any(|(w, _)| *w == lower && *w != token) {
        return Some("states are written in lower case".to_owned());
    }
    if token.len() == 1 && token.bytes().all(|b| b.is_ascii_digit()) {
        return Some("hours take two digits (08:00)".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(value: &str) -> Vec<Rule> {
        parse_rules(value).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rule(days: u8, holidays: bool, spans: &[(u16, u16)], state: State) -> Rule {
        Rule {
            days: Days {
                weekdays: days,
                holidays,
            },
            spans: spans
                .iter()
                .map(|&(start_min, end_min)| Span { start_min, end_min })
                .collect(),
            state,
            comment: None,
        }
    }

    /// The column and message of the error for `value`.
    fn error(value: &str) -> (usize, String) {
        let e = parse_rules(value).expect_err(value);
        (e.column.unwrap(), e.message)
    }

    const ALL: u8 = 0x7f;
    const MO_FR: u8 = 0x1f;
    const WHOLE: &[(u16, u16)] = &[(0, 1440)];

    #[test]
    fn parses_every_supported_form() {
        use State::{Closed, Open, Unknown};
        assert_eq!(rules("24/7"), [rule(ALL, false, WHOLE, Open)]);
        assert_eq!(
            rules("Mo-Fr 08:00-17:30"),
            [rule(MO_FR, false, &[(480, 1050)], Open)]
        );
        assert_eq!(
            rules("Mo-Fr 08:00-11:30,13:30-17:00; PH off"),
            [
                rule(MO_FR, false, &[(480, 690), (810, 1020)], Open),
                rule(0, true, WHOLE, Closed),
            ]
        );
        assert_eq!(
            rules("Tu-Su 09:00-20:00; PH 09:00-17:00"),
            [
                rule(0x7e, false, &[(540, 1200)], Open),
                rule(0, true, &[(540, 1020)], Open),
            ]
        );
        assert_eq!(rules("Mo,We,Fr 09:00-12:00")[0].days.weekdays, 0b1_0101);
        // Wrapping range: Saturday, Sunday, Monday.
        assert_eq!(rules("Sa-Mo 10:00-14:00")[0].days.weekdays, 0b110_0001);
        assert_eq!(rules("Su-Su")[0].days.weekdays, 0b100_0000);
        assert_eq!(
            rules("PH,Sa 09:00-12:00"),
            [rule(0b10_0000, true, &[(540, 720)], Open)]
        );
        assert_eq!(rules("Mo-Fr,PH off"), [rule(MO_FR, true, WHOLE, Closed)]);
        let appointment = rules("Mo-Fr unknown \"预约制\"");
        assert_eq!(appointment[0].state, Unknown);
        assert_eq!(appointment[0].comment.as_deref(), Some("预约制"));
        // Past midnight and 24:00.
        assert_eq!(
            rules("Mo-Su 22:00-02:00"),
            [rule(ALL, false, &[(1320, 1560)], Open)]
        );
        assert_eq!(
            rules("10:00-10:00")[0].spans[0],
            Span {
                start_min: 600,
                end_min: 2040
            }
        );
        assert_eq!(
            rules("18:00-24:00"),
            [rule(ALL, false, &[(1080, 1440)], Open)]
        );
        assert_eq!(rules("00:00-24:00"), [rule(ALL, false, WHOLE, Open)]);
        assert_eq!(rules("off"), [rule(ALL, false, WHOLE, Closed)]);
        assert_eq!(rules("closed")[0].state, Closed);
        assert_eq!(rules("Sa open")[0].state, Open);
        let commented = rules("Mo-Fr 08:00-17:00 \"on; weekdays\"");
        assert_eq!(commented[0].comment.as_deref(), Some("on; weekdays"));
        assert_eq!(
            commented[0].spans,
            [Span {
                start_min: 480,
                end_min: 1020
            }]
        );
        assert_eq!(rules("Mo off \"保洁\"")[0].comment.as_deref(), Some("保洁"));
        assert_eq!(
            rules("\"call first\"")[0].comment.as_deref(),
            Some("call first")
        );
        assert_eq!(rules("24/7 unknown \"x\"")[0].state, Unknown);
        // Spaces around ";" and at the ends.
        assert_eq!(
            rules(" Mo off ;Tu off;  We off "),
            rules("Mo off; Tu off; We off")
        );
    }

    #[test]
    fn uses_ph_only_as_a_day() {
        let calendar =
            HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
        let uses = |v: &str| Hours::parse(v, &calendar).unwrap().uses_public_holidays();
        assert!(uses("Mo-Fr 08:00-17:00; PH off"));
        assert!(uses("PH,Sa 09:00-12:00"));
        assert!(!uses("Mo-Fr 08:00-17:00 \"PH rules on the door\""));
        assert!(!uses("24/7"));
    }

    #[test]
    fn errors_name_the_column_and_what_was_expected() {
        let (column, message) = error("Mo-Fr 08:00-17:00; Xy off");
        assert_eq!(column, 20);
        assert_eq!(
            message,
            "expected a weekday (Mo–Su), PH, 24/7, a time span (hh:mm-hh:mm), a state (open, \
             off, closed, unknown) or a \"comment\", found \"Xy\""
        );
        // As quoted in docs/dataset.md.
        assert_eq!(
            check_syntax("Mo-Fr 08:00-17:00; Jan off")
                .unwrap_err()
                .to_string(),
            "opening_hours \"Mo-Fr 08:00-17:00; Jan off\" does not parse at column 20: expected \
             a weekday (Mo–Su), PH, 24/7, a time span (hh:mm-hh:mm), a state (open, off, closed, \
             unknown) or a \"comment\", found \"Jan\"; months and dates are valid OSM but \
             outside Linli's subset"
        );
        let check = |value: &str, column: usize, needle: &str| {
            let (c, message) = error(value);
            assert_eq!(c, column, "{value}: {message}");
            assert!(message.contains(needle), "{value}: {message}");
        };
        check("", 1, "found the end");
        check("   ", 4, "found the end");
        check("Mo-Fr 08:00-17:00;", 19, "found the end");
        check("Mo off;; Tu off", 8, "found \";\"");
        check(
            "Mo-Fx 08:00-17:00",
            4,
            "expected a weekday (Mo–Su), found \"Fx\"",
        );
        check("Mo, Tu", 4, "expected a weekday (Mo–Su) or PH");
        check("Mo-Fr08:00-17:00", 6, "expected a space");
        check("Mo-Fr  08:00-17:00", 7, "single space");
        check("Mo-Fr 8:00-17:00", 7, "two digits");
        check("Mo-Fr 08:00", 12, "expected \"-\" and an end time");
        check("Mo-Fr 08:00-", 13, "expected an end time");
        check("Mo-Fr 08:60-17:00", 10, "minutes run from 00 to 59");
        check("Mo-Fr 24:00-17:00", 7, "starts between 00:00 and 23:59");
        check("Mo-Fr 22:00-26:00", 13, "past 24:00");
        check("Mo-Fr 08:00-11:30, 13:30-17:00", 18, "no space after \",\"");
        check(
            "Mo-Fr 08:00-17:00 Xy",
            19,
            "expected a state (open, off, closed, unknown)",
        );
        check(
            "Mo-Fr off 08:00-12:00",
            11,
            "expected a \"comment\", \";\" or the end",
        );
        check("Mo-Fr \"a\" off", 11, "expected \";\" or the end");
        check("24/7 08:00-12:00", 6, "expected a state");
        check("Mo \"open", 4, "no closing");
        check("Mo \"\"", 4, "comment is empty");
        check("PH,PH off", 4, "PH is listed twice");
        check("Mo,PH,Tu off", 7, "PH goes first or last");
        check("PH Mo off", 4, "found \"Mo\"");
        // OSM outside the subset.
        check(
            "Jan-Mar Mo-Fr 08:00-17:00",
            1,
            "months and dates are valid OSM",
        );
        check("2025 Mo-Fr 08:00-17:00", 1, "a time");
        check("Mo-Fr 08:00-17:00; SH off", 20, "school holidays");
        check("Mo-Fr 08:00-17:00 || \"call\"", 19, "fallback rules");
        check("Mo-Fr 17:00+", 12, "open ends");
        check("Mo[1] 08:00-17:00", 3, "nth weekdays");
        check("Mo-Fr sunrise-sunset", 7, "sunrise, sunset");
        check("Mo-Fr 08:00-17:00, Sa 09:00-12:00", 18, "no space after");
        check("Mo-Fr off, Sa 09:00-12:00", 10, "additional rules");
        check("week 1-53 Mo off", 1, "week numbers");
        check("Mo-Fr 10:00-16:00/01:00", 18, "repeating times");
        check("PH +1 day off", 4, "open ends and day offsets");
        check("mo-fr 08:00-17:00", 1, "write weekdays as Mo");
        check("Mo-Fr 08:00-17:00; PH Off", 23, "lower case");
        check("Mo-Fr: 08:00-17:00", 6, "\":\" after days");
        // Columns count characters, not bytes.
        check("Mo \"预约\" 08:00", 9, "expected \";\" or the end");
    }

    #[test]
    fn adjusted_days_borrow_the_adjacent_weekday() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(substitute_workday(d(1, 26)), d(1, 27)); // Sunday → Monday
        assert_eq!(substitute_workday(d(2, 8)), d(2, 7)); // Saturday → Friday
    }
}
