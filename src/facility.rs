//! The facility page: every service with its week of hours, the next
//! holiday's effect, prices with who they are for, free places with their
//! date, how to call and get there, and "report a problem".
//!
//! What the page says is computed by plain functions with native tests
//! ([`week_rows`], [`holiday_note`], [`key_facts`], the map links); the
//! component only lays it out.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use linli_facilities::calendar::{DayKind, HolidayCalendar};
use linli_facilities::finder::{HoursBook, comparable_price};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::hours::{DaySchedule, Hours, State, Status};
use linli_facilities::model::{
    Accessibility, AgeRange, CapacityKind, Facility, OperatingModel, Price, Service,
    ServiceFunction,
};

use crate::data::{Loaded, beijing_now};
use crate::i18n::{Lang, Msg, category_label, function_label, weekday_label};
use crate::icons::FunctionIcon;
use crate::num::fixed;
use crate::reports::ReportForm;
use crate::rows::{STALE_AFTER_DAYS, hhmm, places_text, unit_en};
use crate::speech::ReadAloud;
use crate::url_state::encode;

/// A record not checked against the site for longer than this many days is
/// flagged on its page.
pub const VERIFIED_STALE_AFTER_DAYS: i64 = 180;

/// One day of a service's week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    /// The date.
    pub date: NaiveDate,
    /// Whether it is today.
    pub today: bool,
    /// What the holiday calendar says about it.
    pub note: DayNote,
    /// The opening times that day.
    pub hours: DayHours,
}

/// What kind of day a row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayNote {
    /// An ordinary day.
    Ordinary,
    /// A public-holiday day off, with the holiday's names (zh, en).
    Holiday(String, String),
    /// A weekend working day (调休上班), with the holiday's names (zh, en).
    Workday(String, String),
    /// A day in a year whose holidays the calendar does not list yet, for
    /// hours with a holiday rule: the hours shown are an ordinary day's.
    HolidaysUnlisted,
}

/// A day's opening times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayHours {
    /// Closed all day.
    Closed,
    /// Open in these `HH:MM–HH:MM` stretches.
    Open(Vec<String>),
    /// Nobody can tell.
    Unknown,
}

/// The opening times of one day, as shown.
fn day_hours(hours: &Hours, calendar: &HolidayCalendar, date: NaiveDate) -> DayHours {
    spans_of(&hours.day(calendar, date))
}

/// A day's schedule as shown.
fn spans_of(day: &DaySchedule<'_>) -> DayHours {
    if day.intervals.iter().any(|i| i.state == State::Unknown) {
        return DayHours::Unknown;
    }
    let spans: Vec<String> = day
        .open_intervals()
        .map(|i| format!("{}–{}", hhmm(i.start_min), hhmm(i.end_min)))
        .collect();
    if spans.is_empty() {
        DayHours::Closed
    } else {
        DayHours::Open(spans)
    }
}

/// The seven days from `today`, day by day: what a resident planning a
/// visit looks ahead to (the calendar week would show past days on a
/// Saturday, and none ahead on a Sunday).
pub fn week_rows(hours: &Hours, calendar: &HolidayCalendar, today: NaiveDate) -> Vec<DayRow> {
    (0..7)
        .map(|i| day_row(hours, calendar, today + Duration::days(i), today))
        .collect()
}

/// One day of [`week_rows`].
fn day_row(hours: &Hours, calendar: &HolidayCalendar, date: NaiveDate, today: NaiveDate) -> DayRow {
    let (note, shown) = match calendar.day(date) {
        DayKind::Holiday(h) => (
            DayNote::Holiday(h.name_zh.clone(), h.name_en.clone()),
            day_hours(hours, calendar, date),
        ),
        DayKind::AdjustedWorkday(h) => (
            DayNote::Workday(h.name_zh.clone(), h.name_en.clone()),
            day_hours(hours, calendar, date),
        ),
        DayKind::Unknown if hours.uses_public_holidays() => (
            DayNote::HolidaysUnlisted,
            spans_of(&hours.ordinary_day(date)),
        ),
        DayKind::Ordinary | DayKind::Unknown => {
            (DayNote::Ordinary, day_hours(hours, calendar, date))
        }
    };
    DayRow {
        date,
        today: date == today,
        note,
        hours: shown,
    }
}

/// The next holiday period and what it does to a service's hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayNote {
    /// The holiday's Chinese name, e.g. "国庆节".
    pub name_zh: String,
    /// The holiday's English name.
    pub name_en: String,
    /// The first day off.
    pub first: NaiveDate,
    /// The last day off.
    pub last: NaiveDate,
    /// The hours over the days off: the same every day, or varying.
    pub hours: Option<DayHours>,
}

/// The next holiday (on or after `today`) whose hours the schedule sets
/// with a `PH` rule; `None` when it has none.
pub fn holiday_note(
    hours: &Hours,
    calendar: &HolidayCalendar,
    today: NaiveDate,
) -> Option<HolidayNote> {
    let (holiday, _) = hours.next_holiday_effect(calendar, today)?;
    let mut days = holiday.off.iter().map(|&d| day_hours(hours, calendar, d));
    let first = days.next()?;
    let same = days.all(|d| d == first);
    Some(HolidayNote {
        name_zh: holiday.name_zh.clone(),
        name_en: holiday.name_en.clone(),
        first: holiday.first_off(),
        last: holiday.last_off(),
        hours: same.then_some(first),
    })
}

/// "国庆节 10月1日–7日 休息" or "National Day, 1–7 Oct: closed".
pub fn holiday_text(note: &HolidayNote, lang: Lang) -> String {
    let (a, b) = (note.first, note.last);
    match lang {
        Lang::Zh => {
            let span = if a == b {
                format!("{}月{}日", a.month(), a.day())
            } else if a.month() == b.month() {
                format!("{}月{}日–{}日", a.month(), a.day(), b.day())
            } else {
                format!("{}月{}日–{}月{}日", a.month(), a.day(), b.month(), b.day())
            };
            let what = match &note.hours {
                Some(DayHours::Closed) => "休息".to_owned(),
                Some(DayHours::Open(spans)) => format!("开放 {}", spans.join("，")),
                Some(DayHours::Unknown) => "时间未知".to_owned(),
                None => "时间有调整，请看上表或致电".to_owned(),
            };
            format!("{} {span} {what}", note.name_zh)
        }
        Lang::En => {
            let span = if a == b {
                crate::i18n::short_date(a, lang)
            } else {
                format!(
                    "{} – {}",
                    crate::i18n::short_date(a, lang),
                    crate::i18n::short_date(b, lang)
                )
            };
            let what = match &note.hours {
                Some(DayHours::Closed) => "closed".to_owned(),
                Some(DayHours::Open(spans)) => format!("open {}", spans.join(", ")),
                Some(DayHours::Unknown) => "hours unknown".to_owned(),
                None => "hours change; see the table or call".to_owned(),
            };
            format!("{}, {span}: {what}", note.name_en)
        }
    }
}

/// An Amap (高德地图) walking-route link to the facility, in GCJ-02. Only
/// the destination is in the link; the map app finds the start itself.
pub fn amap_url(f: &Facility) -> String {
    let p = f.position.to_gcj02();
    format!(
        "https://uri.amap.com/navigation?to={},{},{}&mode=walk&coordinate=gaode&callnative=1&src=linli",
        fixed(p.lon, 6),
        fixed(p.lat, 6),
        encode(&f.name.zh)
    )
}

/// A Baidu Maps (百度地图) link to the facility, in BD-09, from which the
/// resident can ask for a route.
pub fn baidu_url(f: &Facility) -> String {
    let p = f.position.to_bd09();
    format!(
        "https://api.map.baidu.com/marker?location={},{}&title={}&content={}&coord_type=bd09ll&output=html&src=linli",
        fixed(p.lat, 6),
        fixed(p.lon, 6),
        encode(&f.name.zh),
        encode(&f.address)
    )
}

/// What a day in a year whose holidays are not listed is shown with:
/// open hours hold except on a holiday ("节假日除外"); a day off holds
/// except when it is worked in lieu ("调休上班日除外"). (These read more
/// plainly than "如非节假日" and "如非调休上班日", which were hard to take
/// in beside the hours.)
fn unlisted_note(hours: &DayHours, lang: Lang) -> &'static str {
    match hours {
        DayHours::Closed => lang.pick("（调休上班日除外）", " (except on a working day in lieu)"),
        _ => lang.pick("（节假日除外）", " (except on a holiday)"),
    }
}

/// The walk from `origin` to `to` as the result list says it: "步行约 7 分钟 ·
/// 直线 280 米" (minutes rounded up at `walking`'s speed and detour,
/// metres to the nearest 10).
pub fn walk_text(origin: LonLat, walking: WalkingModel, to: LonLat, lang: Lang) -> String {
    let straight_m = origin.distance_m(to);
    let (minutes, metres) = crate::rows::shown_walk(walking.minutes(straight_m), straight_m);
    format!(
        "{} {minutes} {} · {} {metres} {}",
        Msg::WalkAbout.text(lang),
        Msg::Minutes.text(lang),
        Msg::StraightLine.text(lang),
        Msg::Metres.text(lang)
    )
}

/// Where the walk a facility page says starts, and at which speed.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkFrom {
    /// The place: a community's name (Chinese in either language), or how
    /// the position was set.
    pub place: String,
    /// Whether `place` is a community's name, marked Chinese in English.
    pub community: bool,
    /// The senior walking speed, not the standard one.
    pub senior: bool,
}

impl WalkFrom {
    /// "从示例第7社区出发，按长者步速（每分钟约45米）", "From 示例第7社区, at
    /// the senior pace (about 45 m a minute)".
    fn view(self, lang: Lang) -> impl IntoView + use<> {
        let speed = if self.senior {
            lang.pick(
                "长者步速（每分钟约45米）",
                "the senior pace (about 45 m a minute)",
            )
        } else {
            lang.pick(
                "一般步速（每分钟约60米）",
                "the standard pace (about 60 m a minute)",
            )
        };
        // Mid-sentence in English: "From the place chosen on the map".
        let mut place = self.place;
        if lang == Lang::En && !self.community {
            place = place.to_lowercase();
        }
        // A community's label, with its district in English on an English
        // page; else the way the position was set, in the page's language.
        let place = if self.community {
            crate::picker::place_label(place, lang)
        } else {
            place.into_any()
        };
        match lang {
            Lang::Zh => {
                view! { <dd class="walk-from">"从"{place}"出发，按"{speed}</dd> }.into_any()
            }
            Lang::En => {
                view! { <dd class="walk-from">"From "{place}", at "{speed}</dd> }.into_any()
            }
        }
    }
}

/// The facts read aloud: name, the walk there (`walk_minutes`, when the
/// resident's position is known), address, phone, and each service's hours
/// today with whether it is open at `now` and until when, or when it opens
/// ([`now_text`], as the page says above each week), the price anyone pays
/// and free places or beds (said to be perhaps out of date when counted
/// over [`STALE_AFTER_DAYS`] days before `now`, as the page shows), in
/// `lang`.
pub fn key_facts(
    f: &Facility,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
    now: NaiveDateTime,
    walk_minutes: Option<u32>,
    lang: Lang,
) -> Spoken {
    let today = now.date();
    // Sentences, each of one or more pieces in their language.
    let mut out: Vec<Vec<(Lang, String)>> = Vec::new();
    match lang {
        Lang::Zh => {
            out.push(vec![(lang, f.name.zh.clone())]);
            out.extend(walk_minutes.map(|m| vec![(lang, format!("步行约 {m} 分钟"))]));
            out.push(vec![(lang, format!("地址：{}", f.address))]);
            if let Some(phone) = &f.phone {
                out.push(vec![(lang, format!("电话：{}", spoken_phone(phone, lang)))]);
            }
        }
        Lang::En => {
            // The address, and a name without an English one, are Chinese:
            // read by a Chinese voice.
            out.push(vec![match &f.name.en {
                Some(en) => (lang, en.clone()),
                None => (Lang::Zh, f.name.zh.clone()),
            }]);
            out.extend(walk_minutes.map(|m| vec![(lang, format!("On foot, about {m} min"))]));
            out.push(vec![
                (lang, "Address: ".to_owned()),
                (Lang::Zh, f.address.clone()),
            ]);
            if let Some(phone) = &f.phone {
                out.push(vec![(
                    lang,
                    format!("Phone: {}", spoken_phone(phone, lang)),
                )]);
            }
        }
    }
    for (i, service) in f.services.iter().enumerate() {
        // Two services of one function must not sound alike: in Chinese
        // each says its own name (or its number, without one); in English
        // the kind its name says (a seniors' canteen), or else which of
        // them it is, since the name is Chinese.
        let function = function_label(service.function, lang);
        let same = |s: &&Service| s.function == service.function;
        let count = f.services.iter().filter(same).count();
        let nth = f.services[..=i].iter().filter(same).count();
        let english = service
            .name
            .as_deref()
            .and_then(crate::i18n::service_name_en);
        let label = match (lang, &service.name, english) {
            (Lang::Zh, Some(name), _) => format!("{function}，{name}，"),
            (Lang::Zh, None, _) if count > 1 => format!("{function}第 {nth} 项，"),
            (Lang::Zh, None, _) => function.to_owned(),
            (Lang::En, _, Some(kind)) => format!("{function}, {kind}"),
            (Lang::En, _, None) if count > 1 => format!("{function}, service {nth}"),
            (Lang::En, _, None) => function.to_owned(),
        };
        // Today as the table shows it: past the calendar's years, an
        // ordinary day's hours, said to hold unless the day turns out
        // otherwise ([`unlisted_note`]).
        let hours = book.hours(calendar, service);
        let (today_hours, note) = hours.map_or((DayHours::Unknown, DayNote::Ordinary), |h| {
            let row = day_row(h, calendar, today, today);
            (row.hours, row.note)
        });
        // Said as a person would: "全天开放", not "00:00–24:00".
        let all_day = matches!(&today_hours, DayHours::Open(spans) if spans.len() == 1 && spans[0] == "00:00–24:00");
        let mut said = match (lang, &today_hours) {
            (Lang::Zh, DayHours::Open(_)) if all_day => format!("{label}今天全天开放"),
            (Lang::En, DayHours::Open(_)) if all_day => format!("{label}: open all day today"),
            (Lang::Zh, DayHours::Open(spans)) => format!("{label}今天 {}", spans.join("，")),
            (Lang::Zh, DayHours::Closed) => format!("{label}今天不开放"),
            (Lang::Zh, DayHours::Unknown) => format!("{label}开放时间未知"),
            (Lang::En, DayHours::Open(spans)) => format!("{label}: today {}", spans.join(", ")),
            (Lang::En, DayHours::Closed) => format!("{label}: closed today"),
            (Lang::En, DayHours::Unknown) => format!("{label}: hours unknown"),
        };
        if note == DayNote::HolidaysUnlisted {
            said += unlisted_note(&today_hours, lang);
        }
        // Then whether it is open now: "今天 10:30–13:00" alone does not
        // tell a listener at 13:10 that the canteen has closed. Open all
        // day says so already.
        let sep = lang.pick("，", ", ");
        if !all_day && let Some((state, _)) = hours.and_then(|h| now_said(h, calendar, now, lang)) {
            said += sep;
            // Mid-sentence: "…, open now; closes today at 13:00" (the
            // Chinese has no case).
            let mut chars = state.chars();
            said.extend(chars.next().map(|c| c.to_ascii_lowercase()));
            said += chars.as_str();
        }
        // What decides whether to go: the price anyone pays, and free
        // places or beds (said as words, not "3/20").
        if let Some(price) = comparable_price(service) {
            let (yuan, unit) = (price.amount_yuan, price.unit);
            said += sep;
            said += &match (lang, yuan == 0.0) {
                (Lang::Zh, true) => "免费".to_owned(),
                (Lang::En, true) => "free".to_owned(),
                (Lang::Zh, false) => format!("每{} {} 元", unit.label_zh(), amount_text(yuan)),
                (Lang::En, false) => format!("{} yuan per {}", amount_text(yuan), unit_en(unit)),
            };
            // Its note ("签约居民", "一荤两素"): in Chinese in a Chinese
            // voice, and in English only where it is a common one (an
            // English voice cannot read Chinese).
            let note = price.note.as_deref().filter(|n| !n.trim().is_empty());
            match (lang, note) {
                (Lang::Zh, Some(note)) => said += &format!("（{note}）"),
                (Lang::En, Some(note)) => {
                    if let Some(en) = crate::i18n::price_note_en(note) {
                        said += &format!(" ({en})");
                    }
                }
                (_, None) => {}
            }
        }
        if let Some(c) = &service.capacity {
            let (n, when) = (c.available, crate::i18n::short_date(c.updated, lang));
            said += sep;
            said += &match (lang, c.kind) {
                (Lang::Zh, CapacityKind::ElderBeds) => format!("空余床位 {n} 张，{when}统计"),
                (Lang::Zh, CapacityKind::ChildcarePlaces) => format!("空余托位 {n} 个，{when}统计"),
                (Lang::En, CapacityKind::ElderBeds) => format!("{n} beds free on {when}"),
                (Lang::En, CapacityKind::ChildcarePlaces) => {
                    format!("{n} childcare places free on {when}")
                }
            };
            if (today - c.updated).num_days() > STALE_AFTER_DAYS {
                said += lang.pick("，数据可能已过时", ", which may be out of date");
            }
        }
        out.push(vec![(lang, said)]);
    }
    let end = if lang == Lang::Zh { "。" } else { ". " };
    let mut spoken = Spoken::default();
    for (i, sentence) in out.into_iter().enumerate() {
        if i > 0 {
            spoken.push(lang, end);
        }
        for (piece_lang, text) in sentence {
            spoken.push(piece_lang, &text);
        }
    }
    spoken.push(lang, end.trim_end());
    spoken
}

/// Text to be read aloud, in pieces of one language each, in order: an
/// English reading has the Chinese address (and a name with no English
/// one) as pieces of their own, for a Chinese voice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spoken {
    /// Each piece's language and text; no two neighbours share a language.
    pub pieces: Vec<(Lang, String)>,
}

impl Spoken {
    /// Adds `text` in `lang`, to the last piece when that is in `lang`.
    fn push(&mut self, lang: Lang, text: &str) {
        match self.pieces.last_mut() {
            Some((last, t)) if *last == lang => t.push_str(text),
            _ => self.pieces.push((lang, text.to_owned())),
        }
    }

    /// The whole text, pieces joined.
    pub fn text(&self) -> String {
        self.pieces.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// A phone number as read aloud: digit by digit, a pause between its
/// groups ("010-64001234" → "0 1 0，6 4 0 0，1 2 3 4"), since a voice
/// reads "64001234" as one large number.
fn spoken_phone(phone: &str, lang: Lang) -> String {
    let mut groups = Vec::new();
    for group in phone.split(['-', ' ']) {
        let digits: Vec<String> = group
            .chars()
            .filter(char::is_ascii_digit)
            .map(String::from)
            .collect();
        // A long group in fours, as people say it.
        groups.extend(digits.chunks(4).map(|c| c.join(" ")));
    }
    groups.join(lang.pick("，", ", "))
}

/// The ages a service accepts, e.g. "适用年龄：6 个月–3 岁", "Ages 60
/// and over" or "Ages under 3 years"; `None` for every age (from 0, no
/// upper age). Ages in whole years are given in years, others in months;
/// the upper age is the first no longer accepted.
pub fn ages_text(ages: AgeRange, lang: Lang) -> Option<String> {
    let years = |m: u32| m.is_multiple_of(12);
    let number = |m: u32| if years(m) { m / 12 } else { m };
    let unit = |m: u32| -> &'static str {
        match (lang, years(m), number(m) == 1) {
            (Lang::Zh, true, _) => " 岁",
            (Lang::Zh, false, _) => " 个月",
            (Lang::En, true, true) => " year",
            (Lang::En, true, false) => " years",
            (Lang::En, false, true) => " month",
            (Lang::En, false, false) => " months",
        }
    };
    let age = |m: u32| format!("{}{}", number(m), unit(m));
    let (min, max) = (ages.min_months, ages.max_months);
    let range = match (min, max) {
        (0, None) => return None,
        (0, Some(max)) => match lang {
            Lang::Zh => format!("{}以下", age(max)),
            Lang::En => format!("under {}", age(max)),
        },
        // One unit for both ends when they share it: "1–3 岁".
        (min, Some(max)) if years(min) == years(max) => {
            format!("{}–{}", number(min), age(max))
        }
        (min, Some(max)) => format!("{}–{}", age(min), age(max)),
        (min, None) => match lang {
            Lang::Zh => format!("{}及以上", age(min)),
            Lang::En if years(min) => format!("{} and over", number(min)),
            Lang::En => format!("{} and over", age(min)),
        },
    };
    Some(match lang {
        Lang::Zh => format!("适用年龄：{range}"),
        Lang::En => format!("Ages {range}"),
    })
}

/// An amount in yuan as written: whole amounts without a fraction.
fn amount_text(yuan: f64) -> String {
    if yuan.fract() == 0.0 {
        format!("{}", yuan as i64)
    } else {
        fixed(yuan, 2)
    }
}

/// One price, e.g. "18 元/餐（一荤两素）" or "15 元/餐 · 适用：80周岁及以上",
/// in three pieces: the amount with the note's opening
/// bracket, the note (the publisher's Chinese free text, marked `zh-CN` on
/// English pages) and what follows it, so that no piece needs parsing.
fn price_parts(p: &Price, lang: Lang) -> (String, Option<String>, String) {
    let amount = amount_text(p.amount_yuan);
    let mut price = match (lang, p.amount_yuan == 0.0) {
        (Lang::Zh, true) => "免费".to_owned(),
        (Lang::En, true) => "Free".to_owned(),
        (Lang::Zh, false) => format!("{amount} 元/{}", p.unit.label_zh()),
        (Lang::En, false) => format!("¥{amount} per {}", unit_en(p.unit)),
    };
    // The publisher's note goes with the amount it explains. It is free
    // text, and can name whom the price is for ("签约居民"), so a price
    // with a note is not also said to be for everyone.
    let mut rest = String::new();
    if p.note.is_some() {
        price.push_str(lang.pick("（", " ("));
        rest.push_str(lang.pick("）", ")"));
    }
    if !p.eligible.is_empty() {
        rest = format!("{rest} · {}", crate::rows::eligible_text(&p.eligible, lang));
    } else if p.note.is_none() {
        rest = format!(" · {}", lang.pick("所有人", "everyone"));
    }
    (price, p.note.clone(), rest)
}

/// A price's note as a page shows it: in English, a note publishers
/// write often in English ([`crate::i18n::price_note_en`]); any other as
/// written, marked as Chinese.
pub fn price_note_view(note: String, lang: Lang) -> AnyView {
    match (lang, crate::i18n::price_note_en(&note)) {
        (Lang::En, Some(en)) => en.into_any(),
        _ => view! { <span lang="zh-CN">{note}</span> }.into_any(),
    }
}

fn model_en(m: OperatingModel) -> &'static str {
    match m {
        OperatingModel::PublicBuiltPrivateRun => "publicly built, privately run",
        OperatingModel::PrivateRunPublicAided => "privately run with public aid",
        OperatingModel::GovernmentPurchase => "service bought by the government",
        OperatingModel::PublicRun => "publicly built and run",
        OperatingModel::PrivateRun => "privately built and run",
        OperatingModel::Other => "other arrangement",
    }
}

fn accessibility_en(a: Accessibility) -> &'static str {
    match a {
        Accessibility::StepFreeEntrance => "step-free entrance",
        Accessibility::Lift => "lift",
        Accessibility::AccessibleToilet => "accessible toilet",
        Accessibility::Handrails => "handrails",
        Accessibility::WheelchairLoan => "wheelchairs to borrow",
        Accessibility::AccessibleParking => "accessible parking",
        Accessibility::TactilePaving => "tactile paving",
        Accessibility::HearingLoop => "hearing loop",
    }
}

/// The page of the facility `id` in `loaded`, or a clear message when it
/// is not there.
#[component]
pub fn FacilityPage(
    loaded: Arc<Loaded>,
    id: String,
    /// The resident's position and walking speed, when known: the page
    /// says the walk, as the list does.
    from: Option<(LonLat, WalkingModel)>,
    /// Where that walk starts and at which speed, said with it: one who
    /// opens a shared link learns whose walk it is.
    walk_from: Option<WalkFrom>,
    /// The service searched for, if one was: its cards come first, and
    /// read aloud says it first.
    searched: Option<ServiceFunction>,
    lang: Lang,
    on_back: impl Fn() + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let Some(f) = loaded.find(&id).and_then(|index| loaded.facility(index)) else {
        crate::set_title(
            Some(lang.pick("找不到这个设施", "Facility not found")),
            lang,
        );
        let back = on_back.clone();
        return view! {
            <section class="facility missing" aria-labelledby="facility-heading">
                <h2 id="facility-heading" tabindex="-1">
                    {lang.pick("找不到这个设施", "Facility not found")}
                </h2>
                <p role="alert">
                    {match lang {
                        Lang::Zh => format!("数据中没有编号为 {id} 的设施，它可能已下线或链接不完整。"),
                        Lang::En => format!("No facility with id {id} is in the data; it may have closed, or the link is incomplete."),
                    }}
                </p>
                <button type="button" class="back" on:click=move |_| back()>
                    {lang.pick("返回查找结果", "Back to the results")}
                </button>
            </section>
        }
        .into_any();
    };
    let now = beijing_now();
    let today = now.date();
    crate::finder::take_focus_request();
    let mut f = f.clone();
    if let Some(first) = searched {
        // Stable: the others keep the operator's order.
        linli_facilities::sort_short_by(&mut f.services, |a, b| {
            a.function == first && b.function != first
        });
    }
    let sample = loaded.sample;
    let verified_stale = (today - f.last_verified).num_days() > VERIFIED_STALE_AFTER_DAYS;
    let name_zh = f.name.zh.clone();
    let name_en = f.name.en.clone();
    crate::set_title(
        Some(match (lang, &name_en) {
            (Lang::En, Some(en)) => en,
            _ => &name_zh,
        }),
        lang,
    );
    let phone = f.phone.clone();
    let position = f.position;
    let amap = amap_url(&f);
    let baidu = baidu_url(&f);
    let mut book = HoursBook::default();
    let services = f
        .services
        .iter()
        .map(|s| service_card(s, &loaded.calendar, &mut book, now, lang))
        .collect_view();
    let accessibility = f.accessibility.clone();
    let operator = f.operator.clone();
    let model = f.operating_model;
    let last_verified = f.last_verified;
    let facility_id = id;
    let place = format!("{} {} {}", f.district_name, f.subdistrict, f.community);
    let address = f.address.clone();
    let record = f.clone();
    let walk_minutes = from.map(|(origin, walking)| {
        let straight_m = origin.distance_m(position);
        crate::rows::shown_walk(walking.minutes(straight_m), straight_m).0
    });
    let facts = move |l: Lang| {
        key_facts(
            &record,
            &loaded.calendar,
            &mut HoursBook::default(),
            beijing_now(),
            walk_minutes,
            l,
        )
    };
    view! {
        <section class="facility" aria-labelledby="facility-heading" data-id=f.id.clone()>
            <button type="button" class="back" on:click=move |_| on_back()>
                <span aria-hidden="true">"← "</span>{lang.pick("返回查找结果", "Back to the results")}
            </button>
            // In English without an English name, the Chinese name is
            // marked as such for screen readers.
            <h2
                id="facility-heading"
                tabindex="-1"
                lang=(lang == Lang::En && name_en.is_none()).then_some("zh-CN")
            >
                {match (lang, &name_en) {
                    (Lang::En, Some(en)) => en.clone(),
                    _ => name_zh.clone(),
                }}
            </h2>
            <Show when=move || sample>
                <p class="sample-banner" role="note">
                    {lang.pick("这是示例数据，并非真实设施。", "This is sample data, not a real facility.")}
                </p>
            </Show>
            <ReadAloud facts lang />
            <dl class="facts">
                <dt>{lang.pick("地址", "Address")}</dt>
                <dd class="address" lang="zh-CN">{address}<br /><span class="place">{place}</span></dd>
                <dt>{lang.pick("电话", "Phone")}</dt>
                <dd class="phone">
                    {match phone {
                        Some(p) => view! { <a href=format!("tel:{}", p.replace(['-', ' '], ""))>{p.clone()}</a> }.into_any(),
                        None => view! { <span>{lang.pick("未公布", "Not published")}</span> }.into_any(),
                    }}
                </dd>
                {from.map(|(origin, walking)| view! {
                    <dt>{lang.pick("步行", "Walk")}</dt>
                    <dd class="walk">{walk_text(origin, walking, position, lang)}</dd>
                    {walk_from.map(|w| w.view(lang))}
                })}
                <dt>{lang.pick("怎么去", "Directions")}</dt>
                <dd class="directions">
                    <a href=amap rel="noopener noreferrer" target="_blank">
                        {lang.pick("高德地图步行导航", "Walking route in Amap")}
                    </a>
                    <a href=baidu rel="noopener noreferrer" target="_blank">
                        {lang.pick("在百度地图中查看", "Open in Baidu Maps")}
                    </a>
                </dd>
            </dl>
            <h3>{lang.pick("服务", "Services")}</h3>
            <ul class="service-cards">{services}</ul>
            <crate::finder::CategoriesExplained lang />
            <h3>{lang.pick("设施信息", "About the facility")}</h3>
            <dl class="facts about">
                <dt>{lang.pick("无障碍设施", "Accessibility")}</dt>
                <dd class="accessibility">
                    {if accessibility.is_empty() {
                        lang.pick("暂无信息", "Not known").to_owned()
                    } else {
                        let names: Vec<&str> = accessibility
                            .iter()
                            .map(|&a| if lang == Lang::Zh { a.label_zh() } else { accessibility_en(a) })
                            .collect();
                        names.join(lang.pick("、", ", "))
                    }}
                </dd>
                <dt>{lang.pick("运营机构", "Operator")}</dt>
                <dd lang="zh-CN">{operator}</dd>
                <dt>{lang.pick("运营模式", "Operating model")}</dt>
                <dd>{if lang == Lang::Zh { model.label_zh() } else { model_en(model) }}</dd>
                <dt>{lang.pick("信息核实日期", "Last verified")}</dt>
                <dd class="verified" class:stale=verified_stale>
                    {{
                        let l = lang;
                        let date = match l {
                            Lang::Zh => format!("{}年{}月{}日", last_verified.year(), last_verified.month(), last_verified.day()),
                            Lang::En => last_verified.to_string(),
                        };
                        if verified_stale {
                            format!("{date}{}", l.pick("（较久未核实，出发前请先致电确认）", " (not checked for a while; call before you go)"))
                        } else {
                            date
                        }
                    }}
                </dd>
            </dl>
            <ReportForm facility_id lang />
        </section>
    }
    .into_any()
}

/// One service: function, category, week of hours, holiday, prices,
/// places and ages.
fn service_card(
    s: &Service,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
    now: NaiveDateTime,
    lang: Lang,
) -> impl IntoView + use<> {
    let today = now.date();
    let function = s.function;
    let category = s.category;
    let name = s.name.clone();
    let hours = book.hours(calendar, s);
    // Follows the page's minute clock, as the list's states do: a page
    // left open past 13:00 says the canteen has closed.
    let now_line = hours.cloned().map(|h| {
        let calendar = calendar.clone();
        let tick = crate::data::clock_follower();
        move || {
            tick();
            now_said(&h, &calendar, beijing_now(), lang)
                .map(|(t, open)| view! { <p class="now-state" class:open=open>{t}</p> })
        }
    });
    let week = hours.map(|h| week_rows(h, calendar, today));
    // The first day shown in a year whose holidays are not listed yet.
    let unlisted = week.as_ref().and_then(|days| {
        days.iter()
            .find(|d| d.note == DayNote::HolidaysUnlisted)
            .map(|d| d.date.year())
    });
    let holiday = hours.and_then(|h| holiday_note(h, calendar, today));
    let hours_text = s.hours_text.clone();
    let prices = s.prices.clone();
    let capacity = s.capacity.clone();
    let no_fixed_site = s.no_fixed_site;
    let ages = s.ages;
    let week_view = match week {
        None => view! {
            <p class="hours-unknown">
                {lang.pick("开放时间未知，请致电询问。", "Opening hours unknown; please call.")}
            </p>
        }
        .into_any(),
        Some(days) => view! {
            <table class="week">
                <caption class="visually-hidden">{lang.pick("未来 7 天开放时间", "Opening hours for the next 7 days")}</caption>
                <tbody>
                    {days
                        .into_iter()
                        .map(|d| {
                            let DayRow { date, today, note, hours } = d;
                            view! {
                                <tr class:today=today aria-current=if today { Some("date") } else { None }>
                                    <th scope="row">
                                        {weekday_label(date.weekday(), lang)}" "
                                        // "11月29日" never split over two lines.
                                        <span class="date">{crate::i18n::short_date(date, lang)}</span>
                                        {today.then(|| view! { <span class="today-mark">{lang.pick(" 今天", " today")}</span> })}
                                    </th>
                                    <td>
                                        {
                                            // Each stretch of time, with its comma, is
                                            // one box (`.span`): a line breaks between
                                            // stretches, and inside "09:00–17:00" (after
                                            // the dash) only when a phone's screen in
                                            // 长辈模式 has no room for it, whatever the font.
                                            let l = lang;
                                            match &hours {
                                                DayHours::Closed => l.pick("休息", "Closed").into_any(),
                                                DayHours::Open(spans) => spans
                                                    .iter()
                                                    .enumerate()
                                                    .map(|(i, s)| {
                                                        let comma = if i + 1 < spans.len() { l.pick("，", ",") } else { "" };
                                                        view! {
                                                            {(i > 0 && l == Lang::En).then_some(" ")}
                                                            <span class="span">{format!("{s}{comma}")}</span>
                                                        }
                                                    })
                                                    .collect_view()
                                                    .into_any(),
                                                DayHours::Unknown => l.pick("未知", "Unknown").into_any(),
                                            }
                                        }
                                        // Kept on a line of its own rather than
                                        // broken in the middle ("（节假 / 日除外）").
                                        {
                                            let note = note.clone();
                                            let text = match (&note, lang) {
                                                (DayNote::Ordinary, _) => String::new(),
                                                (DayNote::Holiday(zh, _), Lang::Zh) => format!("（{zh}假期）"),
                                                (DayNote::Holiday(_, en), Lang::En) => format!(" ({en} holiday)"),
                                                (DayNote::Workday(zh, _), Lang::Zh) => format!("（{zh}调休上班）"),
                                                (DayNote::Workday(_, en), Lang::En) => format!(" (working day for {en})"),
                                                (DayNote::HolidaysUnlisted, _) => unlisted_note(&hours, lang).to_owned(),
                                            };
                                            // English's space goes before the box,
                                            // where a line can break.
                                            (!text.is_empty()).then(|| {
                                                let gap = text.starts_with(' ').then_some(" ");
                                                view! { {gap}<span class="day-note">{text.trim_start().to_owned()}</span> }
                                            })
                                        }
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    view! {
        <li class="service-card" data-function=function.code()>
            <h4>
                <FunctionIcon function />
                {function_label(function, lang)}
                // As the result rows say it; in English with the Chinese
                // beside it, as the place itself writes it.
                {name.map(|n| match crate::i18n::service_name_shown(&n, lang) {
                    (en, false) if lang == Lang::En => view! {
                        " · "{en}" "<span class="as-written">"("<span lang="zh-CN">{n}</span>")"</span>
                    }.into_any(),
                    (shown, chinese) => view! { " · "<span lang=chinese.then_some("zh-CN")>{shown}</span> }.into_any(),
                })}
                <span class="category">{crate::finder::chinese_term_marked(category_label(category, lang).to_owned(), lang)}</span>
            </h4>
            {ages.and_then(|a| ages_text(a, lang)).map(|text| view! { <p class="ages">{text}</p> })}
            {no_fixed_site.then(|| view! {
                <p class="no-site">{lang.pick("上门或送餐服务，地址为服务站点。", "Delivered to you; the address is the service base.")}</p>
            })}
            {now_line}
            {week_view}
            {holiday.map(|note| view! { <p class="holiday">{holiday_text(&note, lang)}</p> })}
            {unlisted.map(|year| view! {
                <p class="holiday">{match lang {
                    Lang::Zh => format!("{year}年的节假日和调休安排尚未收录：标有“节假日除外”或“调休上班日除外”的按平日计，节假日和调休上班日当天请致电确认。"),
                    Lang::En => format!("The holidays of {year} are not listed yet: days marked “except on a holiday” or “except on a working day in lieu” are an ordinary day's; on such a day, please call to check."),
                }}</p>
            })}
            {hours_text.map(|t| view! {
                <p class="hours-text">{lang.pick("机构原文：", "As published: ")}<span lang="zh-CN">{t.clone()}</span></p>
            })}
            {(!prices.is_empty()).then(|| view! {
                <ul class="prices">
                    {prices
                        .into_iter()
                        .map(|p| {
                            let (price, note, rest) = price_parts(&p, lang);
                            let note = note.map(|n| price_note_view(n, lang));
                            view! { <li>{price}{note}{rest}</li> }
                        })
                        .collect_view()}
                </ul>
            })}
            {capacity.map(|c| {
                let stale = (today - c.updated).num_days() > STALE_AFTER_DAYS;
                view! {
                    <p class="places" class:stale=stale>
                        {places_text(c.kind, c.available, c.total, c.updated, stale, None, lang)}
                    </p>
                }
            })}
        </li>
    }
}

/// Whether a service is open now, and when that changes, as its page says
/// it above the week: "现在营业中，今天 18:30 结束营业", "现在未营业，明天
/// 10:30 开始营业", or open or closed with no change in the hours'
/// look-ahead; `None` when nobody can tell (the week says so). Closed
/// until days the calendar cannot judge, `as_ordinary` is when it would
/// open if they are ordinary days, said as worked out so ([`now_said`]
/// works it out only then).
pub fn now_text(
    status: &Status,
    as_ordinary: Option<NaiveDateTime>,
    now: NaiveDateTime,
    lang: Lang,
) -> Option<String> {
    let when = |at| crate::rows::when_text(at, now, true, lang);
    if let (State::Closed, Some(at)) = (status.state, as_ordinary) {
        return Some(match lang {
            Lang::Zh => format!("现在未营业，按平日推算 {} 开始营业，请致电确认", when(at)),
            Lang::En => format!(
                "Closed now; opens {} if the days until then are ordinary days; please call to check",
                when(at)
            ),
        });
    }
    Some(match (status.state, status.next_change, lang) {
        (State::Unknown, ..) => return None,
        (State::Open, Some((at, State::Closed)), Lang::Zh) => {
            format!("现在营业中，{} 结束营业", when(at))
        }
        (State::Open, Some((at, State::Closed)), Lang::En) => {
            format!("Open now; closes {}", when(at))
        }
        (State::Open, _, Lang::Zh) => "现在营业中".to_owned(),
        (State::Open, _, Lang::En) => "Open now".to_owned(),
        (State::Closed, Some((at, State::Open)), Lang::Zh) => {
            format!("现在未营业，{} 开始营业", when(at))
        }
        (State::Closed, Some((at, State::Open)), Lang::En) => {
            format!("Closed now; opens {}", when(at))
        }
        (State::Closed, _, Lang::Zh) => "现在未营业".to_owned(),
        (State::Closed, _, Lang::En) => "Closed now".to_owned(),
    })
}

/// [`now_text`] of `hours` at `now`, and whether it is open then.
pub fn now_said(
    hours: &Hours,
    calendar: &HolidayCalendar,
    now: NaiveDateTime,
    lang: Lang,
) -> Option<(String, bool)> {
    let status = hours.status(calendar, now);
    let as_ordinary = match (status.state, status.next_change) {
        (State::Closed, Some((_, State::Unknown))) => hours.opens_as_ordinary(calendar, now),
        _ => None,
    };
    now_text(&status, as_ordinary, now, lang).map(|t| (t, status.state == State::Open))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn the_page_says_whether_a_service_is_open_now_and_until_when() {
        let calendar = calendar();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
        let meals = Hours::parse("Mo-Su 10:30-13:00,16:30-18:30", &calendar).unwrap();
        let said = |t: &str, lang| now_said(&meals, &calendar, at(t), lang).map(|(t, _)| t);
        assert_eq!(
            said("2026-10-14T12:00", Lang::Zh).unwrap(),
            "现在营业中，今天 13:00 结束营业"
        );
        assert_eq!(
            said("2026-10-14T21:30", Lang::Zh).unwrap(),
            "现在未营业，明天 10:30 开始营业"
        );
        assert_eq!(
            said("2026-10-14T21:30", Lang::En).unwrap(),
            "Closed now; opens tomorrow at 10:30"
        );
        let always = Hours::parse("24/7", &calendar).unwrap();
        let t = at("2026-10-14T03:00");
        assert_eq!(
            now_said(&always, &calendar, t, Lang::Zh).unwrap().0,
            "现在营业中"
        );
        let unknown = Status {
            state: State::Unknown,
            next_change: None,
            comment: None,
        };
        assert_eq!(now_text(&unknown, None, t, Lang::Zh), None);
        // On 元旦 of a year whose notice is not out, a workday schedule
        // reopens on Monday if the days between are ordinary ones.
        let offices = Hours::parse("Mo-Fr 08:00-17:00; PH off", &calendar).unwrap();
        assert_eq!(
            now_said(&offices, &calendar, at("2027-01-01T10:00"), Lang::Zh).unwrap(),
            (
                "现在未营业，按平日推算 1月4日 周一 08:00 开始营业，请致电确认".to_owned(),
                false
            )
        );
        assert_eq!(
            now_said(&offices, &calendar, at("2027-01-01T10:00"), Lang::En)
                .unwrap()
                .0,
            "Closed now; opens Mon 4 Jan at 08:00 if the days until then are ordinary days; please call to check"
        );
        // Hours unknown for another reason (by appointment) are not
        // worked out as ordinary days.
        let booked = Hours::parse(
            r#"Mo-Fr 08:00-17:00; Sa 09:00-12:00 "预约制"; PH off"#,
            &calendar,
        )
        .unwrap();
        assert_eq!(
            now_said(&booked, &calendar, at("2026-12-25T18:00"), Lang::Zh).unwrap(),
            ("现在未营业".to_owned(), false)
        );
    }
    use linli_facilities::dataset::parse_feature_collection;

    fn calendar() -> HolidayCalendar {
        HolidayCalendar::from_json(include_str!("../public/data/holidays.json")).unwrap()
    }

    fn facility(id: &str) -> Facility {
        let text = include_str!("../crates/facilities/tests/fixtures/sample.geojson");
        parse_feature_collection(text)
            .unwrap()
            .facilities
            .into_iter()
            .find(|f| f.id == id)
            .unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_week_marks_today_holidays_and_working_weekends() {
        let cal = calendar();
        let hours = Hours::parse("Mo-Fr 08:00-17:30; PH off", &cal).unwrap();
        // Seven days from Monday 28 September 2026: Thursday 1 October is a
        // day off for National Day.
        let week = week_rows(&hours, &cal, date("2026-09-28"));
        assert_eq!(week.len(), 7);
        assert_eq!(week[0].date, date("2026-09-28"));
        assert!(week[0].today && week.iter().filter(|d| d.today).count() == 1);
        assert!(matches!(&week[3].note, DayNote::Holiday(zh, _) if zh == "国庆节"));
        assert_eq!(week[3].hours, DayHours::Closed);
        assert_eq!(
            week[0].hours,
            DayHours::Open(vec!["08:00–17:30".to_owned()])
        );
        // On a Saturday the table looks ahead, not back to Monday.
        let saturday = week_rows(&hours, &cal, date("2026-09-26"));
        assert_eq!(saturday[0].date, date("2026-09-26"));
        assert_eq!(saturday[6].date, date("2026-10-02"));
        // Sunday 20 September 2026 is a working day for National Day: it
        // keeps Monday's hours.
        let before = week_rows(&hours, &cal, date("2026-09-20"));
        assert!(matches!(&before[0].note, DayNote::Workday(zh, _) if zh == "国庆节"));
        assert_eq!(
            before[0].hours,
            DayHours::Open(vec!["08:00–17:30".to_owned()])
        );
    }

    #[test]
    fn days_past_the_calendar_show_ordinary_hours_and_say_so() {
        let cal = calendar();
        let last = cal.last_year().unwrap();
        let hours = Hours::parse("Mo-Fr 08:00-17:30; PH off", &cal).unwrap();
        let week = week_rows(&hours, &cal, NaiveDate::from_ymd_opt(last, 12, 29).unwrap());
        let (known, after) = week.split_at(3);
        assert!(known.iter().all(|d| d.note == DayNote::Ordinary));
        // 1 January is a day off by law, notice or not.
        let (new_year, unlisted) = after.split_first().unwrap();
        assert!(matches!(&new_year.note, DayNote::Holiday(zh, _) if zh == "元旦"));
        assert_eq!(new_year.hours, DayHours::Closed);
        assert!(unlisted.iter().all(|d| d.note == DayNote::HolidaysUnlisted));
        for d in unlisted {
            let expected = if d.date.weekday().number_from_monday() <= 5 {
                DayHours::Open(vec!["08:00–17:30".to_owned()])
            } else {
                DayHours::Closed
            };
            assert_eq!(d.hours, expected, "{}", d.date);
        }
        // Hours without a holiday rule do not depend on the calendar.
        let plain = Hours::parse("Mo-Fr 08:00-17:30", &cal).unwrap();
        let week = week_rows(&plain, &cal, NaiveDate::from_ymd_opt(last, 12, 29).unwrap());
        assert!(
            week.iter()
                .all(|d| d.note == DayNote::Ordinary || matches!(d.note, DayNote::Holiday(..)))
        );
    }

    #[test]
    fn the_next_holiday_is_named_with_its_effect() {
        let cal = calendar();
        let closed = Hours::parse("Mo-Fr 08:00-17:30; PH off", &cal).unwrap();
        let note = holiday_note(&closed, &cal, date("2026-09-28")).unwrap();
        assert_eq!(holiday_text(&note, Lang::Zh), "国庆节 10月1日–7日 休息");
        // A holiday of one day says its day once.
        let one_day = HolidayNote {
            last: note.first,
            ..note.clone()
        };
        assert_eq!(holiday_text(&one_day, Lang::Zh), "国庆节 10月1日 休息");
        assert_eq!(
            holiday_text(&one_day, Lang::En),
            "National Day, 1 Oct: closed"
        );
        assert_eq!(
            holiday_text(&note, Lang::En),
            "National Day, 1 Oct – 7 Oct: closed"
        );
        let shorter = Hours::parse("Tu-Su 09:00-20:00; PH 09:00-17:00", &cal).unwrap();
        let note = holiday_note(&shorter, &cal, date("2026-09-28")).unwrap();
        assert_eq!(
            holiday_text(&note, Lang::Zh),
            "国庆节 10月1日–7日 开放 09:00–17:00"
        );
        let plain = Hours::parse("Mo-Fr 08:00-17:00", &cal).unwrap();
        assert_eq!(holiday_note(&plain, &cal, date("2026-09-28")), None);
    }

    #[test]
    fn map_links_carry_the_converted_position() {
        let f = facility("lc-sample-001");
        let amap = amap_url(&f);
        let gcj = f.position.to_gcj02();
        assert!(
            amap.contains(&format!("to={:.6},{:.6},", gcj.lon, gcj.lat)),
            "{amap}"
        );
        assert!(amap.contains("coordinate=gaode") && amap.contains("mode=walk"));
        let baidu = baidu_url(&f);
        let bd = f.position.to_bd09();
        assert!(
            baidu.contains(&format!("location={:.6},{:.6}", bd.lat, bd.lon)),
            "{baidu}"
        );
        assert!(baidu.contains("coord_type=bd09ll"));
        // Names are percent-encoded, never raw.
        assert!(!amap.contains('【') && !baidu.contains(' '));
    }

    #[test]
    fn key_facts_say_today_s_hours_in_each_language() {
        let f = facility("lc-sample-001");
        let cal = calendar();
        let facts = |f: &Facility, day: NaiveDate, lang: Lang| {
            let noon = day.and_hms_opt(12, 0, 0).unwrap();
            key_facts(f, &cal, &mut HoursBook::default(), noon, None, lang).text()
        };
        let zh = facts(&f, date("2026-10-14"), Lang::Zh);
        assert!(
            zh.starts_with("【示例】东四街道社区综合服务中心。地址："),
            "{zh}"
        );
        // Digit by digit, in groups, not as one large number.
        assert!(zh.contains("电话：0 1 0，0 0 0 0，0 0 1。"), "{zh}");
        assert_eq!(
            spoken_phone("010-64001234", Lang::En),
            "0 1 0, 6 4 0 0, 1 2 3 4"
        );
        assert_eq!(spoken_phone("12345", Lang::Zh), "1 2 3 4，5");
        assert!(
            zh.contains(
                "社区助餐，长者食堂，今天 11:00–13:00，17:00–18:30，现在营业中，今天 13:00 结束营业，每餐 18 元（一荤两素）。"
            ),
            "{zh}"
        );
        assert!(zh.contains("空余床位 3 张，11月20日统计。"), "{zh}");
        // A service open around the clock is said to be open all day.
        assert!(zh.contains("24小时自助药柜，今天全天开放"), "{zh}");
        assert!(!zh.contains("00:00–24:00"), "{zh}");
        let en = facts(&f, date("2026-10-14"), Lang::En);
        assert!(en.contains("open all day today"), "{en}");
        // In English, the Chinese address is a piece of its own, for a
        // Chinese voice; in Chinese, it is all one piece.
        let pieces = |lang| {
            let noon = date("2026-10-14").and_hms_opt(12, 0, 0).unwrap();
            key_facts(&f, &cal, &mut HoursBook::default(), noon, None, lang).pieces
        };
        let en_pieces = pieces(Lang::En);
        let langs: Vec<Lang> = en_pieces.iter().map(|(l, _)| *l).collect();
        assert_eq!(langs, [Lang::En, Lang::Zh, Lang::En]);
        assert!(en_pieces[0].1.ends_with("Address: "), "{en_pieces:?}");
        assert_eq!(en_pieces[1].1, f.address);
        assert!(
            en_pieces[2].1.starts_with(". Phone: 0 1 0"),
            "{en_pieces:?}"
        );
        assert_eq!(pieces(Lang::Zh).len(), 1);
        // The walk there when the position is known; a count over a month
        // old said to be perhaps out of date, as the page marks it.
        let walked = |lang| {
            let day = date("2026-12-22").and_hms_opt(12, 0, 0).unwrap();
            key_facts(&f, &cal, &mut HoursBook::default(), day, Some(7), lang).text()
        };
        let zh_walked = walked(Lang::Zh);
        assert!(
            zh_walked.contains("东四街道社区综合服务中心。步行约 7 分钟。地址："),
            "{zh_walked}"
        );
        assert!(
            zh_walked.contains("空余床位 3 张，11月20日统计，数据可能已过时"),
            "{zh_walked}"
        );
        let walked = walked(Lang::En);
        assert!(
            walked.contains("On foot, about 7 min. Address:"),
            "{walked}"
        );
        assert!(walked.contains(", which may be out of date"), "{walked}");
        // Past the calendar's years: an ordinary day's hours, said so.
        let monday = (4..=10)
            .map(|d| NaiveDate::from_ymd_opt(cal.last_year().unwrap() + 1, 1, d).unwrap())
            .find(|d| d.weekday() == Weekday::Mon)
            .unwrap();
        let unlisted = facts(&f, monday, Lang::Zh);
        assert!(
            unlisted.contains("养老服务，日间照料，今天 08:00–17:30（节假日除外）"),
            "{unlisted}"
        );
        let holiday = facts(&f, date("2026-10-01"), Lang::Zh);
        assert!(
            holiday.contains("养老服务，日间照料，今天不开放，现在未营业，"),
            "{holiday}"
        );
        // Open around the clock: said once, not again as "open now".
        assert!(!zh.contains("全天开放，现在营业中"), "{zh}");
        let en = facts(&f, date("2026-10-14"), Lang::En);
        assert!(
            en.starts_with("Sample Dongsi Community Service Centre. Address:"),
            "{en}"
        );
        assert!(
            en.contains("Community meals, seniors' canteen: today 11:00–13:00, 17:00–18:30, open now; closes today at 13:00, 18 yuan per meal (one meat and two vegetable dishes)."),
            "{en}"
        );
        // Two meal services: each is told apart.
        let two = facility("lc-sample-003");
        let wednesday = date("2026-10-14");
        let zh = facts(&two, wednesday, Lang::Zh);
        assert!(zh.contains("社区助餐，长者食堂，今天 10:30–13:30"), "{zh}");
        assert!(zh.contains("社区助餐，助餐送餐上门，开放时间未知"), "{zh}");
        let en = facts(&two, wednesday, Lang::En);
        assert!(
            en.contains("Community meals, seniors' canteen: today 10:30–13:30"),
            "{en}"
        );
        assert!(
            en.contains("Community meals, meals delivered to the home: hours unknown"),
            "{en}"
        );
        // Without names, the Chinese says their numbers.
        let mut unnamed = two.clone();
        for s in &mut unnamed.services {
            s.name = None;
        }
        let zh = facts(&unnamed, wednesday, Lang::Zh);
        assert!(zh.contains("社区助餐第 1 项，今天 10:30–13:30"), "{zh}");
        let en = facts(&unnamed, wednesday, Lang::En);
        assert!(
            en.contains("Community meals, service 1: today 10:30–13:30"),
            "{en}"
        );
        assert!(zh.contains("社区助餐第 2 项，开放时间未知"), "{zh}");
    }

    #[test]
    fn ages_are_said_in_years_or_months() {
        let said = [
            (12, Some(36), "适用年龄：1–3 岁", "Ages 1–3 years"),
            (
                6,
                Some(36),
                "适用年龄：6 个月–3 岁",
                "Ages 6 months–3 years",
            ),
            (6, Some(12), "适用年龄：6 个月–1 岁", "Ages 6 months–1 year"),
            (6, Some(18), "适用年龄：6–18 个月", "Ages 6–18 months"),
            (0, Some(36), "适用年龄：3 岁以下", "Ages under 3 years"),
            (0, Some(18), "适用年龄：18 个月以下", "Ages under 18 months"),
            (720, None, "适用年龄：60 岁及以上", "Ages 60 and over"),
            (
                18,
                None,
                "适用年龄：18 个月及以上",
                "Ages 18 months and over",
            ),
        ];
        for (min_months, max_months, zh, en) in said {
            let ages = AgeRange {
                min_months,
                max_months,
            };
            assert_eq!(ages_text(ages, Lang::Zh).as_deref(), Some(zh));
            assert_eq!(ages_text(ages, Lang::En).as_deref(), Some(en));
        }
        // Every age says nothing.
        let every = AgeRange {
            min_months: 0,
            max_months: None,
        };
        assert_eq!(ages_text(every, Lang::Zh), None);
        assert_eq!(ages_text(every, Lang::En), None);
        // The sample's infant care says it on its card.
        let f = facility("lc-sample-002");
        assert_eq!(
            f.services[0].ages.and_then(|a| ages_text(a, Lang::Zh)),
            Some("适用年龄：1–3 岁".to_owned())
        );
    }

    /// A price as one line of text: its three pieces joined.
    fn price_line(p: &Price, lang: Lang) -> String {
        let (price, note, rest) = price_parts(p, lang);
        format!("{price}{}{rest}", note.unwrap_or_default())
    }

    #[test]
    fn prices_say_who_they_are_for() {
        let f = facility("lc-sample-001");
        let meals = &f.services[1];
        let lines: Vec<String> = meals
            .prices
            .iter()
            .map(|p| price_line(p, Lang::Zh))
            .collect();
        assert_eq!(lines[0], "18 元/餐（一荤两素）");
        assert_eq!(lines[1], "15 元/餐 · 适用：80周岁及以上");
        assert_eq!(
            price_line(&meals.prices[2], Lang::En),
            "¥12 per meal · for low-income households"
        );
        // A note that names a group is not contradicted by "everyone".
        let signed = Price {
            amount_yuan: 0.0,
            unit: linli_facilities::model::PriceUnit::PerSession,
            eligible: Vec::new(),
            note: Some("签约居民".to_owned()),
        };
        assert_eq!(price_line(&signed, Lang::Zh), "免费（签约居民）");
        // On an English page the note is its own piece, marked Chinese.
        assert_eq!(
            price_parts(&signed, Lang::En),
            (
                "Free (".to_owned(),
                Some("签约居民".to_owned()),
                ")".to_owned()
            )
        );
        let plain = Price {
            note: None,
            ..signed
        };
        assert_eq!(price_line(&plain, Lang::En), "Free · everyone");
    }
}
