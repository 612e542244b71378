//! Opening hours against China's holiday calendar, checked day by day for
//! every 2025 and 2026 holiday and adjusted working day.
//!
//! The expected dates are typed here from the State Council notices, not
//! read from `holidays.json`, so that a mistake in the data file fails.

use chrono::{NaiveDate, NaiveDateTime};
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::hours::{Hours, State};

const WORKDAY_SCHEDULE: &str = "Mo-Fr 08:00-17:00; PH off";

fn calendar() -> HolidayCalendar {
    HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Evaluates `schedule` at `when` and compares the state and next change.
fn check(schedule: &str, when: &str, state: State, next: Option<(&str, State)>) {
    let calendar = calendar();
    let hours = Hours::parse(schedule, &calendar).unwrap();
    let status = hours.status(&calendar, at(when));
    assert_eq!(status.state, state, "{schedule} at {when}");
    assert_eq!(
        status.next_change,
        next.map(|(t, s)| (at(t), s)),
        "{schedule} at {when}: next change"
    );
}

/// Off days of 2025 and 2026 (国务院办公厅 notices).
const OFF_DAYS: &[&str] = &[
    // 2025
    "2025-01-01",
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-02-01",
    "2025-02-02",
    "2025-02-03",
    "2025-02-04",
    "2025-04-04",
    "2025-04-05",
    "2025-04-06",
    "2025-05-01",
    "2025-05-02",
    "2025-05-03",
    "2025-05-04",
    "2025-05-05",
    "2025-05-31",
    "2025-06-01",
    "2025-06-02",
    "2025-10-01",
    "2025-10-02",
    "2025-10-03",
    "2025-10-04",
    "2025-10-05",
    "2025-10-06",
    "2025-10-07",
    "2025-10-08",
    // 2026
    "2026-01-01",
    "2026-01-02",
    "2026-01-03",
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23",
    "2026-04-04",
    "2026-04-05",
    "2026-04-06",
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-06-20",
    "2026-06-21",
    "2026-09-25",
    "2026-09-26",
    "2026-09-27",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];

/// Adjusted working days (weekend days worked) of 2025 and 2026.
const WORK_DAYS: &[&str] = &[
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

#[test]
fn closed_on_every_2025_and_2026_holiday() {
    let calendar = calendar();
    let hours = Hours::parse(WORKDAY_SCHEDULE, &calendar).unwrap();
    for day in OFF_DAYS {
        let status = hours.status(&calendar, at(&format!("{day}T10:00")));
        assert_eq!(status.state, State::Closed, "{day} is a public holiday");
        assert!(
            hours
                .day(&calendar, date(day))
                .open_intervals()
                .next()
                .is_none(),
            "{day} has no open hours"
        );
    }
}

#[test]
fn open_on_every_2025_and_2026_adjusted_working_day() {
    let calendar = calendar();
    let hours = Hours::parse(WORKDAY_SCHEDULE, &calendar).unwrap();
    for day in WORK_DAYS {
        let morning = hours.status(&calendar, at(&format!("{day}T10:00")));
        assert_eq!(
            morning.state,
            State::Open,
            "{day} is an adjusted working day"
        );
        assert_eq!(
            morning.next_change,
            Some((at(&format!("{day}T17:00")), State::Closed)),
            "{day}"
        );
        let evening = hours.status(&calendar, at(&format!("{day}T18:00")));
        assert_eq!(evening.state, State::Closed, "{day} evening");
    }
}

#[test]
fn calendar_file_lists_exactly_these_days() {
    let calendar = calendar();
    let mut off: Vec<String> = Vec::new();
    let mut work: Vec<String> = Vec::new();
    for h in calendar
        .holidays()
        .filter(|h| h.first_off() >= date("2025-01-01"))
    {
        off.extend(h.off.iter().map(|d| d.to_string()));
        work.extend(h.work.iter().map(|d| d.to_string()));
    }
    off.sort();
    work.sort();
    let mut expected_off: Vec<&str> = OFF_DAYS.to_vec();
    expected_off.sort_unstable();
    let mut expected_work: Vec<&str> = WORK_DAYS.to_vec();
    expected_work.sort_unstable();
    assert_eq!(off, expected_off);
    assert_eq!(work, expected_work);
}

#[test]
fn weekdays_weekends_and_next_changes() {
    // An ordinary Wednesday morning, before opening, and after closing.
    check(
        WORKDAY_SCHEDULE,
        "2025-03-05T10:00",
        State::Open,
        Some(("2025-03-05T17:00", State::Closed)),
    );
    check(
        WORKDAY_SCHEDULE,
        "2025-03-05T07:00",
        State::Closed,
        Some(("2025-03-05T08:00", State::Open)),
    );
    // Friday evening: next opening is Monday.
    check(
        WORKDAY_SCHEDULE,
        "2025-03-07T18:00",
        State::Closed,
        Some(("2025-03-10T08:00", State::Open)),
    );
    // An ordinary Sunday.
    check(
        WORKDAY_SCHEDULE,
        "2025-03-09T10:00",
        State::Closed,
        Some(("2025-03-10T08:00", State::Open)),
    );
    // Before National Day 2025: closed through 10-08, open again on Saturday 10-11 (adjusted).
    check(
        WORKDAY_SCHEDULE,
        "2025-09-30T18:00",
        State::Closed,
        Some(("2025-10-09T08:00", State::Open)),
    );
    // Before Spring Festival 2025: Sunday 01-26 is worked.
    check(
        WORKDAY_SCHEDULE,
        "2025-01-24T18:00",
        State::Closed,
        Some(("2025-01-26T08:00", State::Open)),
    );
}

#[test]
fn lunch_breaks_and_holiday_hours() {
    let split = "Mo-Fr 08:00-11:30,13:30-17:00; PH off";
    check(
        split,
        "2026-03-02T12:00",
        State::Closed,
        Some(("2026-03-02T13:30", State::Open)),
    );
    check(
        split,
        "2026-03-02T11:00",
        State::Open,
        Some(("2026-03-02T11:30", State::Closed)),
    );
    // Reduced hours on holidays.
    let reduced = "Mo-Su 08:00-20:00; PH 09:00-12:00";
    check(
        reduced,
        "2026-10-01T10:00",
        State::Open,
        Some(("2026-10-01T12:00", State::Closed)),
    );
    check(
        reduced,
        "2026-10-01T13:00",
        State::Closed,
        Some(("2026-10-02T09:00", State::Open)),
    );
    // Always open: no change in sight.
    check("24/7", "2026-10-01T03:00", State::Open, None);
}

/// The shipped calendar cut after 2026, as it stood before 2027's notice,
/// so that this test keeps its meaning when a new year is added.
fn calendar_until_2026() -> HolidayCalendar {
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!("../../../public/data/holidays.json")).unwrap();
    json["years"]
        .as_array_mut()
        .unwrap()
        .retain(|y| y["year"].as_i64() <= Some(2026));
    HolidayCalendar::from_json(&json.to_string()).unwrap()
}

#[test]
fn holiday_rules_past_the_calendar_are_unknown() {
    let calendar = calendar_until_2026();
    let status = |schedule: &str, when: &str| {
        Hours::parse(schedule, &calendar)
            .unwrap()
            .status(&calendar, at(when))
    };
    // Without 2027's notice a PH schedule cannot be judged...
    let unknown = status(WORKDAY_SCHEDULE, "2027-01-04T10:00");
    assert_eq!((unknown.state, unknown.next_change), (State::Unknown, None));
    // ...except on a day off the law fixes by date: 元旦 is closed.
    let new_year = status(WORKDAY_SCHEDULE, "2027-01-01T10:00");
    assert_eq!(new_year.state, State::Closed);
    // The last known day reports the change into the unknown, after it.
    let last = status(WORKDAY_SCHEDULE, "2026-12-31T18:00");
    assert_eq!(last.state, State::Closed);
    assert_eq!(
        last.next_change,
        Some((at("2027-01-02T00:00"), State::Unknown))
    );
    // What it would be on an ordinary day can still be said.
    let hours = Hours::parse(WORKDAY_SCHEDULE, &calendar).unwrap();
    // On 元旦 (a Friday), closed: as ordinary days, the weekend is closed
    // too and Monday opens.
    let opens = |when: &str| hours.opens_as_ordinary(&calendar, at(when));
    assert_eq!(opens("2027-01-01T10:00"), Some(at("2027-01-04T08:00")));
    // From a known day, the known days first: 2026-12-31 is a Thursday.
    assert_eq!(opens("2026-12-31T07:00"), Some(at("2026-12-31T08:00")));
    // Open now: nothing to wait for.
    assert_eq!(opens("2026-12-31T10:00"), None);
    // Never open: nothing to say.
    let never = Hours::parse("PH off", &calendar).unwrap();
    assert_eq!(
        never.opens_as_ordinary(&calendar, at("2027-01-01T10:00")),
        None
    );
    // Without a PH rule the calendar has nothing to do with it.
    let plain = Hours::parse("Mo-Fr 08:00-17:00", &calendar).unwrap();
    assert_eq!(
        plain.opens_as_ordinary(&calendar, at("2027-01-01T18:00")),
        None
    );
    // Hours unknown on a day the calendar knows (a rule with only a
    // comment) come first: nothing is worked out past them. Friday
    // 2026-12-25 at 18:00; Saturday's morning is by appointment.
    let booked = Hours::parse(
        r#"Mo-Fr 08:00-17:00; Sa 09:00-12:00 "预约制"; PH off"#,
        &calendar,
    )
    .unwrap();
    assert_eq!(
        booked.opens_as_ordinary(&calendar, at("2026-12-25T18:00")),
        None
    );
    let monday = hours.ordinary_day(at("2027-01-04T00:00").date());
    assert!(monday.open_intervals().count() > 0);
    assert_eq!(
        monday.intervals,
        hours
            .day(&calendar, at("2026-12-28T00:00").date())
            .intervals,
        "an ordinary Monday of 2027 has an ordinary Monday's hours of 2026"
    );
    // A schedule without PH does not depend on the calendar.
    let plain = status("Mo-Fr 08:00-17:00", "2027-01-04T10:00");
    assert_eq!(plain.state, State::Open);
    assert_eq!(
        plain.next_change,
        Some((at("2027-01-04T17:00"), State::Closed))
    );
}

#[test]
fn unknown_and_commented_hours() {
    // A comment without a state is unknown, as in OSM: a note where the
    // hours would be ("节假日请来电") does not make the place open all day.
    check(
        "Mo-Fr 08:00-17:00; \"节假日请来电\"",
        "2026-03-08T03:00",
        State::Unknown,
        None,
    );
    check(
        "Mo-Fr 08:00-17:00 \"预约制\"",
        "2026-03-02T10:00",
        State::Unknown,
        Some(("2026-03-02T17:00", State::Closed)),
    );
    // Weekdays by appointment only: unknown all day, closed at the weekend.
    check(
        "Mo-Fr unknown \"预约制\"",
        "2026-03-02T10:00",
        State::Unknown,
        Some(("2026-03-07T00:00", State::Closed)),
    );
    let calendar = calendar();
    let hours = Hours::parse("Mo-Fr unknown \"预约制\"", &calendar).unwrap();
    assert_eq!(
        hours
            .status(&calendar, at("2026-03-02T10:00"))
            .comment
            .as_deref(),
        Some("预约制")
    );
}

#[test]
fn next_holiday_effect_names_the_days() {
    let calendar = calendar();
    let hours = Hours::parse(WORKDAY_SCHEDULE, &calendar).unwrap();
    let (holiday, days) = hours
        .next_holiday_effect(&calendar, date("2026-09-28"))
        .unwrap();
    assert_eq!(holiday.name_zh, "国庆节");
    assert_eq!(days.len(), 7);
    assert!(days.iter().all(|d| d.open_intervals().next().is_none()));
    assert!(
        Hours::parse("Mo-Fr 08:00-17:00", &calendar)
            .unwrap()
            .next_holiday_effect(&calendar, date("2026-09-28"))
            .is_none()
    );
}

#[test]
fn bad_syntax_names_the_column() {
    let calendar = calendar();
    let err = Hours::parse("Mo-Fr 08:00-17:00; Xy off", &calendar).unwrap_err();
    assert_eq!(err.column, Some(20), "{err}");
    assert!(err.to_string().contains("column 20"), "{err}");
}

/// The day's intervals as `(start, end, state)`, minutes from midnight.
fn intervals(schedule: &str, day: &str) -> Vec<(u16, u16, State)> {
    let calendar = calendar();
    Hours::parse(schedule, &calendar)
        .unwrap()
        .day(&calendar, date(day))
        .intervals
        .iter()
        .map(|i| (i.start_min, i.end_min, i.state))
        .collect()
}

#[test]
fn spans_past_midnight_spill_into_the_next_day() {
    use State::{Closed, Open};
    let night = "Mo-Su 22:00-02:00";
    // Wednesday 2026-03-04: the end of Tuesday's span, then its own.
    assert_eq!(
        intervals(night, "2026-03-04"),
        [(0, 120, Open), (120, 1320, Closed), (1320, 1440, Open)]
    );
    check(
        night,
        "2026-03-04T23:00",
        Open,
        Some(("2026-03-05T02:00", Closed)),
    );
    check(
        night,
        "2026-03-05T01:00",
        Open,
        Some(("2026-03-05T02:00", Closed)),
    );
    // A later "off" rule closes the whole day, the spill included...
    let tuesday_off = "Mo-Su 22:00-02:00; Tu off";
    assert_eq!(intervals(tuesday_off, "2026-03-03"), [(0, 1440, Closed)]);
    // ...but not the spill of the day's own span into the next morning.
    assert_eq!(
        intervals(tuesday_off, "2026-03-04"),
        [(0, 120, Open), (120, 1320, Closed), (1320, 1440, Open)]
    );
    // A later open rule replaces the day, the spill included.
    assert_eq!(
        intervals("Mo-Su 22:00-02:00; Tu 10:00-12:00", "2026-03-03"),
        [(0, 600, Closed), (600, 720, Open), (720, 1440, Closed)]
    );
    // The spill into a day the rule does not match counts only when no
    // earlier rule set hours for that day (Saturday 2026-03-07).
    assert_eq!(
        intervals("Fr 22:00-02:00", "2026-03-07"),
        [(0, 120, Open), (120, 1440, Closed)]
    );
    assert_eq!(
        intervals("Sa 10:00-12:00; Fr 22:00-02:00", "2026-03-07"),
        [(0, 600, Closed), (600, 720, Open), (720, 1440, Closed)]
    );
    // 24:00 ends the day without spilling.
    assert_eq!(
        intervals("Mo-Su 18:00-24:00", "2026-03-04"),
        [(0, 1080, Closed), (1080, 1440, Open)]
    );
}

#[test]
fn day_lists_ranges_and_holidays() {
    use State::{Closed, Open};
    let wrap = "Sa-Mo 10:00-14:00";
    for day in ["2026-03-07", "2026-03-08", "2026-03-09"] {
        assert_eq!(
            intervals(wrap, day),
            [(0, 600, Closed), (600, 840, Open), (840, 1440, Closed)],
            "{day}"
        );
    }
    assert_eq!(intervals(wrap, "2026-03-10"), [(0, 1440, Closed)]);
    let mornings = [(0, 540, Closed), (540, 720, Open), (720, 1440, Closed)];
    let ph_sat = "PH,Sa 09:00-12:00";
    // National Day (a Thursday), an ordinary Saturday; not an ordinary Wednesday.
    assert_eq!(intervals(ph_sat, "2026-10-01"), mornings);
    assert_eq!(intervals(ph_sat, "2026-03-07"), mornings);
    assert_eq!(intervals(ph_sat, "2026-03-04"), [(0, 1440, Closed)]);
    // Saturday 2026-10-10 is an adjusted working day: Friday's hours, which
    // are closed all day, so its own Saturday hours.
    assert_eq!(intervals(ph_sat, "2026-10-10"), mornings);
    // Sunday 2026-09-20 is worked too. A place open Tuesday to Sunday keeps
    // its Sunday hours (its Monday closure is not a working day's); a
    // Monday-to-Friday one takes Monday's; one open Saturdays only stays
    // closed, as on the Monday it stands for and on its own Sunday.
    let days = [(0, 540, Closed), (540, 1020, Open), (1020, 1440, Closed)];
    assert_eq!(intervals("Tu-Su 09:00-17:00; PH off", "2026-09-20"), days);
    assert_eq!(intervals("Mo-Fr 09:00-17:00; PH off", "2026-09-20"), days);
    assert_eq!(
        intervals("Mo-Fr 09:00-17:00; Su 10:00-12:00; PH off", "2026-09-20"),
        days,
        "Monday's hours, which are open, win over its own"
    );
    assert_eq!(
        intervals("Sa 09:00-12:00", "2026-09-20"),
        [(0, 1440, Closed)]
    );
    assert_eq!(intervals("Mo,We,Fr 09:00-12:00", "2026-03-04"), mornings);
    assert_eq!(
        intervals("Mo,We,Fr 09:00-12:00", "2026-03-05"),
        [(0, 1440, Closed)]
    );
}

#[test]
fn closed_rules_close_only_their_times() {
    use State::{Closed, Open};
    let lunch = "Mo-Fr 08:00-17:00; We 12:00-13:00 off";
    assert_eq!(
        intervals(lunch, "2026-03-04"),
        [
            (0, 480, Closed),
            (480, 720, Open),
            (720, 780, Closed),
            (780, 1020, Open),
            (1020, 1440, Closed)
        ]
    );
    // An open rule replaces the day instead.
    assert_eq!(
        intervals("Mo-Fr 08:00-17:00; Fr 08:00-12:00", "2026-03-06"),
        [(0, 480, Closed), (480, 720, Open), (720, 1440, Closed)]
    );
    // Holiday hours replace the day's hours.
    assert_eq!(
        intervals("Tu-Su 09:00-20:00; PH 09:00-17:00", "2026-10-01"),
        [(0, 540, Closed), (540, 1020, Open), (1020, 1440, Closed)]
    );
}

#[test]
fn comments_belong_to_their_rule_times() {
    let calendar = calendar();
    let hours = Hours::parse(
        "Mo-Fr 08:00-17:00 open \"窗口办理\"; PH off \"节假日休息\"",
        &calendar,
    )
    .unwrap();
    let comments = |day: &str| -> Vec<(u16, State, Option<String>)> {
        hours
            .day(&calendar, date(day))
            .intervals
            .into_iter()
            .map(|i| (i.start_min, i.state, i.comment))
            .collect()
    };
    assert_eq!(
        comments("2026-03-04"),
        [
            (0, State::Closed, None),
            (480, State::Open, Some("窗口办理".to_owned())),
            (1020, State::Closed, None)
        ]
    );
    assert_eq!(
        comments("2026-10-01"),
        [(0, State::Closed, Some("节假日休息".to_owned()))]
    );
}
