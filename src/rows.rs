//! What a result row shows, computed from the loaded data by a plain
//! function with native tests, so that the components stay thin.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use linli_facilities::calendar::DayKind;
use linli_facilities::finder::{
    Filters, HoursBook, OpenAt, WALK_MINUTES, comparable_price, find_near, for_everyone_it_takes,
};
use linli_facilities::geometry::LonLat;
use linli_facilities::hours::{Hours, State};
use linli_facilities::model::{
    AgeRange, CapacityKind, Category, Eligibility, Facility, Name, Price, PriceUnit, Service,
    ServiceFunction,
};

use crate::data::Loaded;
use crate::i18n::{Lang, Msg, function_label, short_date, weekday_label};
use crate::url_state::{FinderState, OpenChoice};

/// Whether a facility's matching services are open now, taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenNow {
    /// Every matching service is open.
    Open,
    /// Some matching services are open and others are not (or nobody can
    /// tell): with every service shown, a 24-hour medicine cabinet does
    /// not make the whole facility "open".
    Partly,
    /// None is open, and at least one says it is closed.
    Closed,
    /// Nobody can tell: no hours.
    Unknown,
    /// Open or not depends on whether the day is a holiday, and the year's
    /// holidays are not listed yet: the services' lines say what an
    /// ordinary day would be.
    Unconfirmed,
}

impl OpenNow {
    /// What it says: about now, or `then`, at a chosen time.
    pub fn message(self, then: bool) -> Msg {
        match (self, then) {
            (OpenNow::Open, false) => Msg::OpenNow,
            (OpenNow::Open, true) => Msg::OpenThen,
            (OpenNow::Partly, false) => Msg::PartlyOpenNow,
            (OpenNow::Partly, true) => Msg::PartlyOpenThen,
            (OpenNow::Closed, false) => Msg::ClosedNow,
            (OpenNow::Closed, true) => Msg::ClosedThen,
            (OpenNow::Unknown, _) => Msg::HoursUnknown,
            (OpenNow::Unconfirmed, _) => Msg::HoursUnconfirmed,
        }
    }
}

/// What one row of the result list shows.
///
/// The list draws the row at each rank into the same slot, and writes only
/// the text and attributes that differ from the row drawn there before.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultRow {
    /// The facility id.
    pub id: String,
    /// The facility name.
    pub name: Name,
    /// Sub-district (街道) and community (社区), for orientation.
    pub place: String,
    /// District code of the facility's shard, for links to its page.
    pub district: String,
    /// Position in millionths of a degree (longitude, latitude), WGS-84;
    /// whole numbers keep the row hashable.
    pub position_e6: (i32, i32),
    /// Straight-line distance in metres, rounded to 10 m.
    pub distance_m: u32,
    /// Estimated walking time in whole minutes at the chosen speed, rounded up.
    pub walk_minutes: u32,
    /// The functions the facility offers, the searched one first.
    pub functions: Vec<ServiceFunction>,
    /// The function searched for, if any; the view highlights it.
    pub searched: Option<ServiceFunction>,
    /// Whether the matching services are open at the time asked.
    pub open: OpenNow,
    /// The lowest price among the matching services (among every
    /// service, a care or meal service's first: see `result_rows`).
    pub lowest_price: Option<LowestPrice>,
    /// Free places or beds of the matching service with the most free:
    /// kind, available, total, the day they were counted, and the
    /// service's function (named when every service is searched, as the
    /// price's is).
    pub places: Option<(CapacityKind, u32, u32, NaiveDate, ServiceFunction)>,
    /// Each matching service with the day's hours and its state at the
    /// time asked.
    pub services: Vec<ServiceLine>,
    /// The time asked about when it is not now (open at a chosen day and
    /// time): the states are for it, and the hours are its day's.
    pub at: Option<NaiveDateTime>,
}

/// The lowest price of a row's matching services, with whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LowestPrice {
    /// The amount in fen (0.01 yuan); 0 is free.
    pub fen: u64,
    /// What it is charged per.
    pub unit: PriceUnit,
    /// The function of the service that charges it.
    pub function: ServiceFunction,
    /// Who it is for; empty means everyone. A reduced price (for people
    /// over 80, or low-income households) is said to be theirs, so that
    /// nobody takes it for their own.
    pub eligible: Vec<Eligibility>,
    /// The price's note, in Chinese as the data has it: what it buys
    /// ("一荤两素") or whom it is for ("签约居民"), shown with the price as
    /// the facility page shows it.
    pub note: Option<String>,
    /// A lower price in the same unit for some groups only, when this one
    /// is everyone's: said after it, with whom it is for.
    pub reduced: Option<ReducedPrice>,
}

/// A price lower than everyone's, for the groups `eligible` only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReducedPrice {
    /// The amount in fen (0.01 yuan); 0 is free.
    pub fen: u64,
    /// Who pays it (any one of the groups).
    pub eligible: Vec<Eligibility>,
}

/// [`price_text`] around its note, so that a page can mark the note's
/// language: the text `before` it ("免费（健康服务：", "最低 15 元/餐"), the
/// `note` ("签约居民"), and the text `after` it ("）", "，适用：…").
#[derive(Debug)]
pub struct PricePieces {
    pub before: String,
    pub note: Option<String>,
    pub after: String,
}

impl ResultRow {
    /// The facility's position.
    pub fn position(&self) -> LonLat {
        LonLat::new(
            f64::from(self.position_e6.0) / 1e6,
            f64::from(self.position_e6.1) / 1e6,
        )
    }
}

/// A service's state now, as a resident reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceState {
    /// Open now.
    Open,
    /// Open now, and closing before the resident, walking there, would have
    /// [`CLOSING_SOON_MINUTES`] of it left.
    ClosingSoon,
    /// Open now, but closing before the walk there ends: it will be closed
    /// when the resident arrives.
    ClosesBeforeArrival,
    /// Closed now, opening within [`OPENING_SOON_MINUTES`].
    OpeningSoon,
    /// Closed now.
    Closed,
    /// Nobody can tell.
    Unknown,
    /// The hours have a public-holiday rule and the date is in a year whose
    /// holidays the calendar does not list yet: the day's hours shown are
    /// those of an ordinary day.
    HolidaysUnlisted,
}

impl ServiceState {
    /// What it says: about now, or `then`, at a chosen time.
    pub fn message(self, then: bool) -> Msg {
        match (self, then) {
            (ServiceState::Open, false) => Msg::OpenNow,
            (ServiceState::Open, true) => Msg::OpenThen,
            (ServiceState::ClosingSoon, false) => Msg::ClosingSoon,
            (ServiceState::ClosingSoon, true) => Msg::ClosingSoonThen,
            (ServiceState::ClosesBeforeArrival, false) => Msg::ClosesBeforeArrival,
            (ServiceState::ClosesBeforeArrival, true) => Msg::ClosesBeforeArrivalThen,
            (ServiceState::OpeningSoon, false) => Msg::OpeningSoon,
            (ServiceState::OpeningSoon, true) => Msg::OpeningSoonThen,
            (ServiceState::Closed, false) => Msg::ClosedNow,
            (ServiceState::Closed, true) => Msg::ClosedThen,
            (ServiceState::Unknown, _) => Msg::HoursUnknown,
            (ServiceState::HolidaysUnlisted, _) => Msg::HolidaysUnlisted,
        }
    }
}

/// How soon an opening counts as "opening soon", in minutes.
pub const OPENING_SOON_MINUTES: i64 = 60;

/// How long a service must stay open after the resident arrives (the walk
/// there, at the chosen speed) not to count as "closing soon", in minutes:
/// an older resident setting out for a canteen that closes as she gets
/// there is told so.
pub const CLOSING_SOON_MINUTES: i64 = 30;

/// One matching service of a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceLine {
    /// Its function.
    pub function: ServiceFunction,
    /// The operator's name for it, if any.
    pub name: Option<String>,
    /// Basic public service, 普惠 or commercial: what a family weighs
    /// first.
    pub category: Category,
    /// The ages it takes, when it says (an infant care from 18 months).
    pub ages: Option<AgeRange>,
    /// The day's opening times as `HH:MM–HH:MM` stretches (today's, or
    /// those of the day asked about); empty when closed all day; `None`
    /// when the hours are unknown.
    pub today: Option<Vec<String>>,
    /// Its state at the time asked (now, unless a time is chosen).
    pub state: ServiceState,
}

impl ServiceLine {
    /// Whether the state says more than today's hours do: not when the
    /// hours are unknown and so is the state ("hours unknown" twice), nor
    /// when it is closed all day and closed now.
    pub fn state_adds_to_today(&self) -> bool {
        match (&self.today, self.state) {
            (None, ServiceState::Unknown) => false,
            (Some(spans), ServiceState::Closed) => !spans.is_empty(),
            _ => true,
        }
    }
}

/// What would turn an empty search into a list, each with how many
/// facilities it would find: an empty list offers only what helps (no
/// longer walk when nothing is open anywhere at that hour).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Relief {
    /// The shortest longer walk that finds something, in minutes, and what
    /// it finds.
    pub walk: Option<(u32, usize)>,
    /// What the same search finds at any time, when a time was asked and
    /// that finds something.
    pub any_time: Option<usize>,
    /// What the search finds with only its service, walk and speed
    /// ([`FinderState::without_other_filters`]), when filters other than
    /// the time are set and that finds something.
    pub fewer_filters: Option<usize>,
    /// When the time asked empties the list: the first of the facilities
    /// found at any time to open after it, so that a resident looking for
    /// a canteen at night learns when to go.
    pub first_opening: Option<FirstOpening>,
    /// When no one of the changes above finds anything: a longer walk
    /// together with any opening time or, failing that, with only the
    /// service, so that the list is never a dead end while something
    /// within the longest walk would match.
    pub wider: Option<Wider>,
}

/// A longer walk with a filter let go ([`Relief::wider`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wider {
    /// The shortest longer walk that finds something so, in minutes.
    pub minutes: u32,
    /// Whether the other filters go too ([`FinderState::without_other_filters`]),
    /// or only the time.
    pub fewer_filters: bool,
    /// How many facilities it finds.
    pub found: usize,
}

impl Wider {
    /// The search it makes of `state`.
    pub fn apply(self, state: &mut FinderState) {
        if self.fewer_filters {
            *state = state.without_other_filters();
        } else {
            state.open = OpenChoice::Any;
        }
        state.walk_minutes = self.minutes;
    }
}

/// The first opening after the time asked among the facilities a search
/// finds at any time ([`Relief::first_opening`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstOpening {
    /// When it opens (Beijing local time).
    pub at: NaiveDateTime,
    /// The facility that opens then (the nearest, of several).
    pub name: Name,
    /// The service of it that opens then: its own name ("助餐送餐上门"),
    /// or `None` for one named only by its function.
    pub service: Option<String>,
    /// That service's function.
    pub function: ServiceFunction,
    /// Its id and its shard's district code, for a link to its page.
    pub id: String,
    pub district: String,
    /// The time asked about, which the days are counted from.
    pub asked: NaiveDateTime,
    /// Whether that is now rather than a chosen time.
    pub now: bool,
}

impl FirstOpening {
    /// When it opens, said from the time asked about: "今天 17:00" (or
    /// "当天" for a chosen time), "明天 07:00" ("次日"), or "10月8日 周四
    /// 07:00"; "tomorrow at 07:00", "Thu 8 Oct at 07:00".
    pub fn when_text(&self, lang: Lang) -> String {
        when_text(self.at, self.asked, self.now, lang)
    }
}

/// A time `at` said from the time `asked` about: "今天 17:00" (or "当天"
/// when `asked` is a chosen time rather than `now`), "明天 07:00"
/// ("次日"), or "10月8日 周四 07:00"; "today at 17:00", "tomorrow at
/// 07:00", "Thu 8 Oct at 07:00".
pub fn when_text(at: NaiveDateTime, asked: NaiveDateTime, now: bool, lang: Lang) -> String {
    let days = (at.date() - asked.date()).num_days();
    let time = hhmm((at.hour() * 60 + at.minute()) as u16);
    let day = match (days, now, lang) {
        (0, true, Lang::Zh) => "今天".to_owned(),
        (0, false, Lang::Zh) => "当天".to_owned(),
        (1, true, Lang::Zh) => "明天".to_owned(),
        (1, false, Lang::Zh) => "次日".to_owned(),
        (0, true, Lang::En) => "today".to_owned(),
        (0, false, Lang::En) => "that day".to_owned(),
        (1, true, Lang::En) => "tomorrow".to_owned(),
        (1, false, Lang::En) => "the next day".to_owned(),
        // No brackets of its own: the empty list puts it in brackets.
        (_, _, Lang::Zh) => format!(
            "{} {}",
            short_date(at.date(), lang),
            weekday_label(at.weekday(), lang)
        ),
        (_, _, Lang::En) => format!(
            "{} {}",
            weekday_label(at.weekday(), lang),
            short_date(at.date(), lang)
        ),
    };
    match lang {
        Lang::Zh => format!("{day} {time}"),
        Lang::En => format!("{day} at {time}"),
    }
}

impl Relief {
    /// What an empty list says for a search with the time choice `open`:
    /// that nothing is open at the time asked when any time would find
    /// some, that nothing is found farther either when nothing would, else
    /// that the offers below it find some.
    pub fn message(&self, open: OpenChoice) -> Msg {
        match (
            open,
            self.any_time,
            self.walk,
            self.fewer_filters,
            self.wider,
        ) {
            (OpenChoice::Now, Some(_), ..) => Msg::NothingOpenNow,
            (OpenChoice::At(_), Some(_), ..) => Msg::NothingOpenThen,
            (_, _, None, None, None) => Msg::NothingFarther,
            _ => Msg::NoResults,
        }
    }
}

/// [`Relief`] for the resident's search `state` from `origin` at local time
/// `now` (Beijing).
pub fn relief(loaded: &Loaded, origin: LonLat, state: &FinderState, now: NaiveDateTime) -> Relief {
    let found = |s: &FinderState| result_rows(loaded, origin, &s.filters(now), now).len();
    // The first walk longer than the one asked that finds something with
    // `base`'s other choices, and how many it finds.
    let first_longer = |base: &FinderState| {
        WALK_MINUTES
            .into_iter()
            .filter(|&m| m > state.walk_minutes)
            .map(|m| {
                let longer = FinderState {
                    walk_minutes: m,
                    ..base.clone()
                };
                (m, found(&longer))
            })
            .find(|&(_, n)| n > 0)
    };
    let walk = first_longer(state);
    let at_any_time = FinderState {
        open: OpenChoice::Any,
        ..state.clone()
    };
    let time_asked = at_any_time != *state;
    let any_time = time_asked.then(|| found(&at_any_time)).filter(|&n| n > 0);
    // Not offered twice when the time is the only other filter.
    let fewer = state.without_other_filters();
    let other_filters = fewer != *state && fewer != at_any_time;
    let fewer_filters = other_filters.then(|| found(&fewer)).filter(|&n| n > 0);
    let wider = (walk.is_none() && any_time.is_none() && fewer_filters.is_none())
        .then(|| {
            let widened = |base: &FinderState, fewer_filters| {
                first_longer(base).map(|(minutes, found)| Wider {
                    minutes,
                    fewer_filters,
                    found,
                })
            };
            time_asked
                .then(|| widened(&at_any_time, false))
                .flatten()
                .or_else(|| other_filters.then(|| widened(&fewer, true)).flatten())
        })
        .flatten();
    let first_opening = any_time.and_then(|_| {
        let (asked, is_now) = match state.open {
            OpenChoice::At(t) => (t, false),
            OpenChoice::Any | OpenChoice::Now => (now, true),
        };
        let (at, f, service) = first_opening(loaded, origin, &at_any_time.filters(now), asked)?;
        let service = &f.services[service];
        Some(FirstOpening {
            at,
            name: f.name.clone(),
            service: service.name.clone(),
            function: service.function,
            id: f.id.clone(),
            district: f.district_code.clone(),
            asked,
            now: is_now,
        })
    });
    Relief {
        walk,
        any_time,
        fewer_filters,
        first_opening,
        wider,
    }
}

/// The loaded data's parsed hours, for one search. A poisoned lock only
/// means an earlier search panicked mid-way; the book holds nothing
/// half-written that a search could misread.
fn hours_book(loaded: &Loaded) -> std::sync::MutexGuard<'_, HoursBook> {
    loaded
        .hours
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first time after `asked` that a service of the facilities found by
/// `filters` (with no time asked) opens, within the hours' look-ahead
/// ([`linli_facilities::hours::LOOKAHEAD_DAYS`]), the facility whose it
/// is (of several opening then, the nearest) and which of its services
/// opens (its index; of several, the first). Services whose state is
/// unknown then say nothing.
fn first_opening<'a>(
    loaded: &'a Loaded,
    origin: LonLat,
    filters: &Filters,
    asked: NaiveDateTime,
) -> Option<(NaiveDateTime, &'a Facility, usize)> {
    let mut book = hours_book(loaded);
    // With no time filter the states are those at the `now` passed.
    let hits = find_near(
        &loaded.index,
        origin,
        filters,
        asked,
        &loaded.calendar,
        &mut book,
    );
    drop(book);
    // Each facility's first opening, nearest first.
    let mut openings: Vec<(NaiveDateTime, usize, usize)> = hits
        .iter()
        .filter_map(|hit| {
            let (when, service) = hit
                .services
                .iter()
                .filter_map(|m| match (m.status.state, m.status.next_change) {
                    (State::Closed, Some((when, State::Open))) => Some((when, m.service)),
                    _ => None,
                })
                .min_by_key(|&(when, _)| when)?;
            Some((when, hit.index, service))
        })
        .collect();
    // The first of them (`min_by_key` keeps the nearest of equals) whose
    // record reads: one the list would leave out ([`Loaded::facility`])
    // names nothing. Only the records named are read.
    while let Some(i) = (0..openings.len()).min_by_key(|&i| openings[i].0) {
        let (when, index, service) = openings.remove(i);
        if let Some(f) = loaded.facility(index) {
            return Some((when, f, service));
        }
    }
    None
}

/// Runs the resident's search over `loaded` for `origin` at local time `now`
/// (Beijing) and builds the rows to show, nearest first.
pub fn result_rows(
    loaded: &Loaded,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
) -> Vec<ResultRow> {
    let searched = filters.functions.first().copied();
    // The states are for the time asked (the search's `OpenAt`), and so are
    // the hours shown and "opening soon".
    let at = match filters.open {
        OpenAt::At(t) => t,
        OpenAt::Any => now,
    };
    let mut book = hours_book(loaded);
    let hits = find_near(
        &loaded.index,
        origin,
        filters,
        now,
        &loaded.calendar,
        &mut book,
    );
    // A record the shard no longer holds as indexed is left out
    // ([`Loaded::facility`]).
    // Past the calendar's years a holiday rule makes the day unknown.
    let holidays_unlisted = loaded.calendar.day(at.date()) == DayKind::Unknown;
    hits.iter()
        .filter_map(|hit| Some((hit, loaded.facility(hit.index)?)))
        .map(|(hit, f)| {
            let mut functions: Vec<ServiceFunction> = f.functions();
            if let Some(i) = searched.and_then(|w| functions.iter().position(|&x| x == w)) {
                functions[..=i].rotate_right(1);
            }
            let service_lines: Vec<ServiceLine> = hit
                .services
                .iter()
                .map(|m| {
                    let service = &f.services[m.service];
                    let hours = book.hours(&loaded.calendar, service);
                    // What an ordinary day would be is shown then, and said
                    // to be that.
                    let unlisted = holidays_unlisted
                        && m.status.state == State::Unknown
                        && hours.is_some_and(Hours::uses_public_holidays);
                    // Whole minutes of the walk there, rounded up.
                    let walk = hit.walk_minutes.ceil() as i64;
                    let state = match (m.status.state, m.status.next_change) {
                        _ if unlisted => ServiceState::HolidaysUnlisted,
                        (State::Open, Some((when, State::Closed)))
                            if (when - at).num_minutes() < walk =>
                        {
                            ServiceState::ClosesBeforeArrival
                        }
                        (State::Open, Some((when, State::Closed)))
                            if (when - at).num_minutes() < walk + CLOSING_SOON_MINUTES =>
                        {
                            ServiceState::ClosingSoon
                        }
                        (State::Open, _) => ServiceState::Open,
                        (State::Closed, Some((when, State::Open)))
                            if (when - at).num_minutes() <= OPENING_SOON_MINUTES =>
                        {
                            ServiceState::OpeningSoon
                        }
                        (State::Closed, _) => ServiceState::Closed,
                        (State::Unknown, _) => ServiceState::Unknown,
                    };
                    let today = hours.and_then(|hours| {
                        let day = if unlisted {
                            hours.ordinary_day(at.date())
                        } else {
                            hours.day(&loaded.calendar, at.date())
                        };
                        if day.intervals.iter().any(|i| i.state == State::Unknown) {
                            return None;
                        }
                        Some(
                            day.open_intervals()
                                .map(|i| format!("{}–{}", hhmm(i.start_min), hhmm(i.end_min)))
                                .collect(),
                        )
                    });
                    ServiceLine {
                        function: service.function,
                        name: service.name.clone(),
                        category: service.category,
                        ages: service.ages,
                        today,
                        state,
                    }
                })
                .collect();
            let states: Vec<ServiceState> = service_lines.iter().map(|l| l.state).collect();
            // Open now, as the filter asked: the line says when it closes
            // before the resident gets there.
            let is_open = |s: &ServiceState| {
                matches!(
                    s,
                    ServiceState::Open
                        | ServiceState::ClosingSoon
                        | ServiceState::ClosesBeforeArrival
                )
            };
            let open = if !states.is_empty() && states.iter().all(is_open) {
                OpenNow::Open
            } else if states.iter().any(is_open) {
                OpenNow::Partly
            } else if states
                .iter()
                .any(|&s| matches!(s, ServiceState::Closed | ServiceState::OpeningSoon))
            {
                OpenNow::Closed
            } else if states.contains(&ServiceState::HolidaysUnlisted) {
                OpenNow::Unconfirmed
            } else {
                OpenNow::Unknown
            };
            let matched = || hit.services.iter().map(|m| &f.services[m.service]);
            // The lowest, and of equal ones the one for everyone, in the
            // usual unit (the one the maximum price compares) where there
            // is a price in it, so that a childcare row says its monthly
            // fee, not an hourly one: with a service searched, the row's
            // (an elder-care row its daily price rather than a bath's);
            // among every service, each service's (an elder-care row's
            // free consultation stays its lowest price; a care or meal
            // service's price leads a free gym's, below).
            // With a maximum price, the price it compared, which everyone
            // the service takes pays: a reduced price for 80 and over is
            // not what decided that the row is listed.
            let usual = |s: &Service, p: &Price| p.unit == s.function.price_unit();
            let has_usual = |s: &Service| s.prices.iter().any(|p| usual(s, p));
            let row_usual = searched.is_some() && matched().any(has_usual);
            let capped = filters.max_price_yuan.is_some();
            // The prices a row can name, each with its service.
            let named = |capped: bool| {
                matched().flat_map(move |s| {
                    let only_usual = row_usual || has_usual(s);
                    let compared = comparable_price(s);
                    s.prices
                        .iter()
                        .filter(move |p| {
                            if capped {
                                compared.is_some_and(|c| std::ptr::eq(c, *p))
                            } else {
                                !only_usual || usual(s, p)
                            }
                        })
                        .map(move |p| (p, s))
                })
            };
            let cheaper = |a: &(&Price, &Service), b: &(&Price, &Service)| {
                a.0.amount_yuan
                    .total_cmp(&b.0.amount_yuan)
                    .then(a.0.eligible.len().cmp(&b.0.eligible.len()))
            };
            // The lowest that everyone the service takes pays leads: a
            // canteen's 6 yuan for low-income households is not the
            // price of a 78-year-old who is not. A lower price for some
            // follows it, with whom it is for; a service with no price for
            // everyone gives its lowest, said to be theirs.
            // Among every service, and with no maximum (whose compared
            // price must lead), a care or meal service's price leads
            // where one has a price: a canteen's row names its meal, not
            // its free gym.
            let core_first =
                searched.is_none() && !capped && named(false).any(|(_, s)| s.function.is_core());
            let leads = |(_, s): &(&Price, &Service)| !core_first || s.function.is_core();
            let headline = named(capped)
                .filter(leads)
                .filter(|(p, s)| for_everyone_it_takes(s, p))
                .min_by(cheaper)
                .or_else(|| named(capped).filter(leads).min_by(cheaper));
            let lowest_price = headline.map(|(p, s)| {
                let reduced = named(false)
                    .filter(|(q, t)| {
                        !for_everyone_it_takes(t, q)
                            && t.function == s.function
                            && q.unit == p.unit
                            && q.amount_yuan < p.amount_yuan
                    })
                    .min_by(cheaper)
                    .filter(|_| for_everyone_it_takes(s, p))
                    .map(|(q, _)| ReducedPrice {
                        fen: (q.amount_yuan * 100.0).round() as u64,
                        eligible: q.eligible.clone(),
                    });
                LowestPrice {
                    fen: (p.amount_yuan * 100.0).round() as u64,
                    unit: p.unit,
                    function: s.function,
                    eligible: p.eligible.clone(),
                    note: p.note.clone(),
                    reduced,
                }
            });
            let places = matched()
                .filter_map(|s| s.capacity.as_ref().map(|c| (c, s.function)))
                .max_by_key(|(c, _)| c.available)
                .map(|(c, f)| (c.kind, c.available, c.total, c.updated, f));
            let (walk_minutes, distance_m) = shown_walk(hit.walk_minutes, hit.distance_m);
            ResultRow {
                id: f.id.clone(),
                name: f.name.clone(),
                place: format!("{} · {}", f.subdistrict, f.community),
                district: f.district_code.clone(),
                position_e6: (
                    (f.position.lon * 1e6).round() as i32,
                    (f.position.lat * 1e6).round() as i32,
                ),
                distance_m,
                walk_minutes,
                functions,
                searched,
                open,
                lowest_price,
                places,
                services: service_lines,
                at: (at != now).then_some(at),
            }
        })
        .collect()
}

/// A service line's hours for the resident: "今日 08:00–17:00" or "今日休息"
/// for today; for another day asked about (`at`, see [`ResultRow::at`]),
/// "11月30日 08:00–17:00" or "11月30日休息"; "营业时间未知" when nobody
/// knows. `today` is the resident's date.
pub fn hours_text(
    line: &ServiceLine,
    at: Option<NaiveDateTime>,
    today: NaiveDate,
    lang: Lang,
) -> String {
    let other_day = at.map(|t| t.date()).filter(|&d| d != today);
    match (&line.today, other_day) {
        (None, _) => Msg::HoursUnknown.text(lang).to_owned(),
        (Some(spans), None) if spans.is_empty() => Msg::ClosedToday.text(lang).to_owned(),
        (Some(spans), None) => format!(
            "{} {}",
            Msg::Today.text(lang),
            spans.join(lang.pick("，", ", "))
        ),
        (Some(spans), Some(day)) if spans.is_empty() => match lang {
            Lang::Zh => format!("{}休息", short_date(day, lang)),
            Lang::En => format!("Closed {}", short_date(day, lang)),
        },
        (Some(spans), Some(day)) => format!(
            "{} {}",
            short_date(day, lang),
            spans.join(lang.pick("，", ", "))
        ),
    }
}

/// A walk as the rows and the facility page show it: minutes rounded up,
/// straight-line metres to the nearest 10, and at least 1 minute and 10 m
/// (a place at the resident's own position is still a short walk, not
/// "步行约 0 分钟 · 直线 0 米").
pub fn shown_walk(minutes: f64, straight_m: f64) -> (u32, u32) {
    (
        minutes.ceil().max(1.0) as u32,
        ((straight_m / 10.0).round() * 10.0).max(10.0) as u32,
    )
}

/// `HH:MM` for minutes after midnight (1440 is `24:00`).
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Free-place counts older than this many days are flagged as stale.
pub const STALE_AFTER_DAYS: i64 = 30;

/// "最低 15 元/餐", "免费" or "From ¥15 per meal" for `price`; followed,
/// in brackets, by the service's function when `name_function` (the
/// resident searches every service) and by the price's note:
/// "免费（体育健身）", "免费（签约居民）", "免费（健康服务：签约居民）"; and by
/// whom it is for when it is a reduced price ([`eligible_text`]).
pub fn price_text(price: &LowestPrice, name_function: bool, lang: Lang) -> String {
    let p = price_pieces(price, name_function, lang);
    p.before + p.note.as_deref().unwrap_or_default() + &p.after
}

/// The pieces of [`price_text`].
pub fn price_pieces(price: &LowestPrice, name_function: bool, lang: Lang) -> PricePieces {
    let fen = price.fen;
    let yuan = yuan_text(fen);
    let head = match (fen, lang) {
        (0, Lang::Zh) => "免费".to_owned(),
        (0, Lang::En) => "Free".to_owned(),
        (_, Lang::Zh) => format!("最低 {yuan} 元/{}", price.unit.label_zh()),
        (_, Lang::En) => format!("From ¥{yuan} per {}", unit_en(price.unit)),
    };
    let tail = if price.eligible.is_empty() {
        String::new()
    } else {
        format!(
            "{}{}",
            lang.pick("，", ", "),
            eligible_text(&price.eligible, lang)
        )
    };
    // In brackets, the function (among every service) and the note.
    let (open, close, between) = match lang {
        Lang::Zh => ("（", "）", "："),
        Lang::En => (" (", ")", ": "),
    };
    let function = name_function.then(|| function_label(price.function, lang));
    let note = price.note.clone().filter(|n| !n.trim().is_empty());
    let mut before = head;
    let mut after = String::new();
    if function.is_some() || note.is_some() {
        before.push_str(open);
        if let Some(f) = function {
            before.push_str(f);
            if note.is_some() {
                before.push_str(between);
            }
        }
        after.push_str(close);
    }
    after.push_str(&tail);
    // A lower price for some, after everyone's: "；低保及低收入家庭、残疾人
    // 6 元/餐", "; ¥6 for low-income households or people with
    // disabilities".
    if let Some(reduced) = &price.reduced {
        let yuan = yuan_text(reduced.fen);
        after.push_str(&match lang {
            Lang::Zh => {
                let who: Vec<&str> = reduced
                    .eligible
                    .iter()
                    .map(|&e| eligibility_label(e, lang))
                    .collect();
                format!("；{} {yuan} 元/{}", who.join("、"), price.unit.label_zh())
            }
            Lang::En => format!("; ¥{yuan} {}", eligible_text(&reduced.eligible, lang)),
        });
    }
    PricePieces {
        before,
        note,
        after,
    }
}

/// An amount of `fen` in yuan: "15", "12.50".
fn yuan_text(fen: u64) -> String {
    if fen.is_multiple_of(100) {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// Whom a reduced price is for: "适用：低保及低收入家庭、残疾人", or "for
/// low-income households or people with disabilities" (any one of the
/// groups pays it).
pub fn eligible_text(eligible: &[Eligibility], lang: Lang) -> String {
    let who: Vec<&str> = eligible
        .iter()
        .map(|&e| eligibility_label(e, lang))
        .collect();
    match (lang, who.split_last()) {
        (_, None) => String::new(),
        (Lang::Zh, _) => format!("适用：{}", who.join("、")),
        (Lang::En, Some((last, []))) => format!("for {last}"),
        (Lang::En, Some((last, rest))) => format!("for {} or {last}", rest.join(", ")),
    }
}

/// Who a reduced price is for, in `lang`.
fn eligibility_label(e: Eligibility, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => e.label_zh(),
        Lang::En => match e {
            Eligibility::Age60Plus => "people aged 60 and over",
            Eligibility::Age80Plus => "people aged 80 and over",
            Eligibility::LowIncome => "low-income households",
            Eligibility::Disabled => "people with disabilities",
            Eligibility::LivingAlone => "older people living alone",
            Eligibility::LocalResident => "residents of the community",
        },
    }
}

pub fn unit_en(unit: PriceUnit) -> &'static str {
    unit.label_en()
}

/// "空余托位 4 个，共 40 个（2026年11月18日统计）" (not "4/40", which
/// reads as a date next to one), with a warning when the count is old, and
/// with the service's `function` when it is given ("空余托位 4 个，共 40
/// 个（婴幼儿托育，2026年11月18日统计）").
pub fn places_text(
    kind: CapacityKind,
    available: u32,
    total: u32,
    updated: NaiveDate,
    stale: bool,
    function: Option<ServiceFunction>,
    lang: Lang,
) -> String {
    let (m, d) = (updated.month(), updated.day());
    let of = function.map(|f| function_label(f, lang));
    match lang {
        Lang::Zh => {
            let (what, counter) = match kind {
                CapacityKind::ChildcarePlaces => ("空余托位", "个"),
                CapacityKind::ElderBeds => ("空余床位", "张"),
            };
            let note = if stale {
                "，数据可能已过时"
            } else {
                ""
            };
            let of = of.map(|f| format!("{f}，")).unwrap_or_default();
            format!(
                "{what} {available} {counter}，共 {total} {counter}（{of}{}年{m}月{d}日统计{note}）",
                updated.year()
            )
        }
        Lang::En => {
            let what = match kind {
                CapacityKind::ChildcarePlaces => "childcare places",
                CapacityKind::ElderBeds => "beds",
            };
            let note = if stale { "; may be out of date" } else { "" };
            let of = of.map(|f| format!("{f}; ")).unwrap_or_default();
            format!("{available} of {total} {what} free ({of}counted {updated}{note})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SAMPLE_ORIGIN;
    use linli_facilities::calendar::HolidayCalendar;
    use linli_facilities::dataset::parse_feature_collection;
    use linli_facilities::geometry::WalkingModel;
    use linli_facilities::manifest::Manifest;

    fn loaded() -> Loaded {
        let text = include_str!("../crates/facilities/tests/fixtures/sample.geojson");
        let manifest = r#"{"format":"linli-dataset/1","dataset_version":"t","generated_at":"2026-11-26T00:00:00+08:00",
            "licence":"CC0-1.0","sample":true,"description":"t","holidays":"holidays.json","schema":"schema.json","districts":[]}"#;
        Loaded::new(
            Manifest::from_json(manifest).unwrap(),
            parse_feature_collection(text).unwrap(),
            HolidayCalendar::from_json(include_str!("../public/data/holidays.json")).unwrap(),
        )
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn ids(rows: &[ResultRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn walking_time_and_speed_choose_the_rows() {
        let data = loaded();
        let now = at("2026-10-14T12:00");
        let rows = result_rows(&data, SAMPLE_ORIGIN, &Filters::default(), now);
        assert_eq!(ids(&rows), ["lc-sample-001"], "15 minutes reach 692 m");
        let walk30 = Filters {
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &walk30, now);
        assert_eq!(
            ids(&rows),
            ["lc-sample-001", "lc-sample-002", "lc-sample-006"]
        );
        let senior = Filters {
            walking: WalkingModel::SENIOR,
            ..walk30
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &senior, now);
        assert_eq!(ids(&rows), ["lc-sample-001", "lc-sample-002"]);
        // 952 m straight is 1,238 m walked: 21 minutes at 60 m/min, 28 at 45.
        assert_eq!(rows[1].walk_minutes, 28);
        assert_eq!(rows[1].distance_m, 950);
    }

    #[test]
    fn rows_lead_with_the_searched_function_and_say_if_open() {
        let data = loaded();
        let meals = Filters {
            functions: vec![ServiceFunction::Meals],
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T12:00"));
        assert_eq!(ids(&rows), ["lc-sample-001", "lc-sample-006"]);
        assert!(
            rows.iter()
                .all(|r| r.functions[0] == ServiceFunction::Meals)
        );
        assert_eq!(rows[0].searched, Some(ServiceFunction::Meals));
        assert_eq!((rows[0].open, rows[1].open), (OpenNow::Open, OpenNow::Open));
        // 001's canteen opens 11:00-13:00 and 17:00-18:30 every day; 006's on weekdays only.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-11T12:00"));
        assert_eq!(
            (rows[0].open, rows[1].open),
            (OpenNow::Open, OpenNow::Closed)
        );
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T15:00"));
        assert_eq!(
            (rows[0].open, rows[1].open),
            (OpenNow::Closed, OpenNow::Closed)
        );
    }

    #[test]
    fn a_chosen_time_gives_that_days_hours_and_states() {
        let data = loaded();
        let meals_at = |when: &str| Filters {
            functions: vec![ServiceFunction::Meals],
            walk_minutes: 30,
            open: OpenAt::At(at(when)),
            ..Filters::default()
        };
        let canteen = |rows: Vec<ResultRow>| rows.into_iter().find(|r| r.id == "lc-sample-006");
        // Sunday noon; asked about Wednesday noon: 006's weekday canteen is
        // open then, with Wednesday's hours, not Sunday's.
        let sunday = at("2026-10-11T12:00");
        let row = canteen(result_rows(
            &data,
            SAMPLE_ORIGIN,
            &meals_at("2026-10-14T12:00"),
            sunday,
        ))
        .expect("open on Wednesday");
        assert_eq!(row.at, Some(at("2026-10-14T12:00")));
        assert_eq!(row.open, OpenNow::Open);
        let line = &row.services[0];
        // It closes at 12:30: within half an hour of a walk there.
        assert_eq!(line.state, ServiceState::ClosingSoon);
        let today = sunday.date();
        assert_eq!(
            hours_text(line, row.at, today, Lang::Zh),
            format!("10月14日 {}", line.today.as_ref().unwrap().join("，"))
        );
        assert!(hours_text(line, row.at, today, Lang::En).starts_with("14 Oct 1"));
        // The same time as now is now: today's words.
        let row = canteen(result_rows(
            &data,
            SAMPLE_ORIGIN,
            &meals_at("2026-10-14T12:00"),
            at("2026-10-14T12:00"),
        ))
        .unwrap();
        assert_eq!(row.at, None);
        assert!(
            hours_text(
                &row.services[0],
                row.at,
                at("2026-10-14T12:00").date(),
                Lang::Zh
            )
            .starts_with("今日 ")
        );
        // A later hour of today: still "today" for the hours.
        let row = canteen(result_rows(
            &data,
            SAMPLE_ORIGIN,
            &meals_at("2026-10-14T12:00"),
            at("2026-10-14T09:00"),
        ))
        .unwrap();
        assert!(row.at.is_some());
        assert!(
            hours_text(
                &row.services[0],
                row.at,
                at("2026-10-14T09:00").date(),
                Lang::Zh
            )
            .starts_with("今日 ")
        );
        // Closed all that day: the day is named.
        let closed = ServiceLine {
            function: ServiceFunction::Meals,
            name: None,
            category: Category::Affordable,
            ages: None,
            today: Some(Vec::new()),
            state: ServiceState::Closed,
        };
        assert_eq!(
            hours_text(&closed, Some(at("2026-11-30T16:00")), today, Lang::Zh),
            "11月30日休息"
        );
        assert_eq!(
            hours_text(&closed, Some(at("2026-11-30T16:00")), today, Lang::En),
            "Closed 30 Nov"
        );
        assert_eq!(hours_text(&closed, None, today, Lang::Zh), "今日休息");
    }

    #[test]
    fn a_row_is_open_only_when_every_matching_service_is() {
        let data = loaded();
        let open_of = |filters: &Filters, when: &str| {
            result_rows(&data, SAMPLE_ORIGIN, filters, at(when))
                .into_iter()
                .find(|r| r.id == "lc-sample-001")
                .map(|r| r.open)
        };
        // 001: elder care Mo-Fr 08:00-17:30, meals 11:00-13:00 and
        // 17:00-18:30, a 24/7 health service, culture Tu-Su 09:00-20:00.
        let every = Filters::default();
        assert_eq!(open_of(&every, "2026-10-14T12:00"), Some(OpenNow::Open));
        // Wednesday 20:30: only the 24/7 health service.
        assert_eq!(open_of(&every, "2026-10-14T20:30"), Some(OpenNow::Partly));
        // With meals searched, the row is the canteen's alone.
        let meals = Filters {
            functions: vec![ServiceFunction::Meals],
            ..Filters::default()
        };
        assert_eq!(open_of(&meals, "2026-10-14T20:30"), Some(OpenNow::Closed));
        assert_eq!(open_of(&meals, "2026-10-14T12:00"), Some(OpenNow::Open));
    }

    #[test]
    fn the_facility_page_says_the_walk_as_the_row_does() {
        let data = loaded();
        for speed in [WalkingModel::STANDARD, WalkingModel::SENIOR] {
            let filters = Filters {
                walk_minutes: 30,
                walking: speed,
                ..Filters::default()
            };
            let rows = result_rows(&data, SAMPLE_ORIGIN, &filters, at("2026-11-26T10:00"));
            assert!(!rows.is_empty());
            for row in rows {
                assert_eq!(
                    crate::facility::walk_text(SAMPLE_ORIGIN, speed, row.position(), Lang::Zh),
                    format!(
                        "步行约 {} 分钟 · 直线 {} 米",
                        row.walk_minutes, row.distance_m
                    ),
                    "{}",
                    row.id
                );
            }
        }
    }

    #[test]
    fn a_row_leads_with_everyone_s_price_and_then_a_lower_one_for_some() {
        let data = loaded();
        let meals = Filters {
            functions: vec![ServiceFunction::Meals],
            walk_minutes: 30,
            ..Filters::default()
        };
        let now = at("2026-11-26T10:00");
        let price_of = |filters: &Filters| {
            result_rows(&data, SAMPLE_ORIGIN, filters, now)
                .into_iter()
                .find(|r| r.id == "lc-sample-001")
                .and_then(|r| r.lowest_price)
                .expect("lc-sample-001 is within 30 minutes and has a price")
        };
        // 18 yuan for everyone; 15 for 80 and over, 12 for low-income
        // households: the row leads with 18, then the lowest for some.
        let price = price_of(&meals);
        assert_eq!((price.fen, price.eligible.as_slice()), (1800, &[][..]));
        assert_eq!(
            price.reduced,
            Some(ReducedPrice {
                fen: 1200,
                eligible: vec![Eligibility::LowIncome]
            })
        );
        assert_eq!(
            price_text(&price, false, Lang::Zh),
            "最低 18 元/餐（一荤两素）；低保及低收入家庭 12 元/餐"
        );
        assert_eq!(
            price_text(&price, false, Lang::En),
            "From ¥18 per meal (一荤两素); ¥12 for low-income households"
        );
        // The same with a maximum price, which compares everyone's.
        let capped = Filters {
            max_price_yuan: Some(18.0),
            ..meals.clone()
        };
        assert_eq!(price_of(&capped), price);
    }

    #[test]
    fn among_every_service_a_care_or_meal_price_leads() {
        let data = loaded();
        let now = at("2026-11-26T10:00");
        let price_of = |filters: &Filters| {
            result_rows(&data, SAMPLE_ORIGIN, filters, now)
                .into_iter()
                .find(|r| r.id == "lc-sample-004")
                .and_then(|r| r.lowest_price)
                .expect("lc-sample-004 is within the walk and has a price")
        };
        let every = Filters {
            walk_minutes: 60,
            ..Filters::default()
        };
        // 004: elder care 180 a day, meals 16, infant care 2600 a month,
        // and a free health consultation. The row names the meal, not the
        // consultation, which is not what a resident comes to price.
        let price = price_of(&every);
        assert_eq!((price.fen, price.function), (1600, ServiceFunction::Meals));
        assert_eq!(
            price_text(&price, true, Lang::Zh),
            "最低 16 元/餐（社区助餐）"
        );
        // Searched for, the consultation's own price.
        let health = Filters {
            functions: vec![ServiceFunction::Health],
            ..every.clone()
        };
        assert_eq!(price_of(&health).fen, 0);
        // Under a maximum, the price that it compared leads, whichever
        // service's: the free one.
        let capped = Filters {
            max_price_yuan: Some(10.0),
            ..every
        };
        let price = price_of(&capped);
        assert_eq!((price.fen, price.function), (0, ServiceFunction::Health));
    }

    #[test]
    fn rows_carry_the_lowest_price_and_free_places() {
        let data = loaded();
        let infant = Filters {
            functions: vec![ServiceFunction::InfantCare],
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &infant, at("2026-11-26T10:00"));
        // 002: 3800 a month full day, 2400 half day, 60 an hour; 4 of 40
        // places. The row gives the lowest monthly fee (infant care's usual
        // unit, which the maximum price compares), not the hourly one.
        let per_month = LowestPrice {
            fen: 240_000,
            unit: PriceUnit::PerMonth,
            function: ServiceFunction::InfantCare,
            eligible: Vec::new(),
            note: Some("半日托".to_owned()),
            reduced: None,
        };
        assert_eq!(rows[0].lowest_price, Some(per_month.clone()));
        assert_eq!(
            price_text(&per_month, false, Lang::Zh),
            "最低 2400 元/月（半日托）"
        );
        // How an hourly price reads, with its note.
        let per_hour = LowestPrice {
            fen: 6000,
            unit: PriceUnit::PerHour,
            note: Some("计时托".to_owned()),
            ..per_month
        };
        let updated = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        assert_eq!(
            rows[0].places,
            Some((
                CapacityKind::ChildcarePlaces,
                4,
                40,
                updated,
                ServiceFunction::InfantCare
            ))
        );
        // The note says what the price buys, as the facility page does.
        assert_eq!(
            price_text(&per_hour, false, Lang::Zh),
            "最低 60 元/小时（计时托）"
        );
        assert_eq!(
            price_text(&per_hour, true, Lang::En),
            "From ¥60 per hour (Infant care (under 3): 计时托)"
        );
        // A free price for a group the data names only in its note is
        // said to be theirs in the list too.
        let signed = LowestPrice {
            fen: 0,
            unit: PriceUnit::PerSession,
            function: ServiceFunction::Health,
            eligible: Vec::new(),
            note: Some("签约居民".to_owned()),
            reduced: None,
        };
        assert_eq!(price_text(&signed, false, Lang::Zh), "免费（签约居民）");
        assert_eq!(
            price_text(&signed, true, Lang::Zh),
            "免费（健康服务：签约居民）"
        );
        // Among every service, the price says whose it is: a free gym does
        // not make the care free.
        let gym = LowestPrice {
            fen: 0,
            unit: PriceUnit::PerSession,
            function: ServiceFunction::Sports,
            eligible: Vec::new(),
            note: None,
            reduced: None,
        };
        assert_eq!(price_text(&gym, false, Lang::Zh), "免费");
        assert_eq!(price_text(&gym, true, Lang::Zh), "免费（体育健身）");
        let meal = LowestPrice {
            fen: 1550,
            unit: PriceUnit::PerMeal,
            function: ServiceFunction::Meals,
            eligible: Vec::new(),
            note: None,
            reduced: None,
        };
        assert_eq!(
            price_text(&meal, true, Lang::En),
            "From ¥15.50 per meal (Community meals)"
        );
        let reduced = LowestPrice {
            fen: 1250,
            eligible: vec![Eligibility::LowIncome, Eligibility::Disabled],
            ..meal
        };
        assert_eq!(
            price_text(&reduced, false, Lang::En),
            "From ¥12.50 per meal, for low-income households or people with disabilities"
        );
        assert_eq!(
            price_text(&reduced, true, Lang::Zh),
            "最低 12.50 元/餐（社区助餐），适用：低保及低收入家庭、残疾人"
        );
        let three = [
            Eligibility::Age80Plus,
            Eligibility::LowIncome,
            Eligibility::Disabled,
        ];
        assert_eq!(
            eligible_text(&three, Lang::En),
            "for people aged 80 and over, low-income households or people with disabilities"
        );
        assert_eq!(eligible_text(&[], Lang::Zh), "");
        let text = places_text(
            CapacityKind::ChildcarePlaces,
            4,
            40,
            updated,
            false,
            None,
            Lang::Zh,
        );
        assert_eq!(text, "空余托位 4 个，共 40 个（2026年11月18日统计）");
        // Among every service, the places name theirs, as the price does.
        let named = places_text(
            CapacityKind::ChildcarePlaces,
            4,
            40,
            updated,
            false,
            Some(ServiceFunction::InfantCare),
            Lang::Zh,
        );
        assert_eq!(
            named,
            "空余托位 4 个，共 40 个（婴幼儿托育，2026年11月18日统计）"
        );
        let old = places_text(
            CapacityKind::ElderBeds,
            0,
            20,
            updated,
            true,
            None,
            Lang::En,
        );
        assert_eq!(
            old,
            "0 of 20 beds free (counted 2026-11-18; may be out of date)"
        );
    }

    #[test]
    fn a_walk_is_at_least_a_minute_and_ten_metres() {
        assert_eq!(shown_walk(0.0, 0.0), (1, 10));
        assert_eq!(shown_walk(6.2, 283.0), (7, 280));
        assert_eq!(shown_walk(1.0, 66.0), (1, 70));
    }

    #[test]
    fn services_say_today_s_hours_and_opening_soon() {
        let data = loaded();
        let meals = Filters {
            functions: vec![ServiceFunction::Meals],
            walk_minutes: 30,
            ..Filters::default()
        };
        // Wednesday 10:30: 001's canteen opens at 11:00, 006's at 11:00 too.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T10:30"));
        let line = &rows[0].services[0];
        assert_eq!(line.function, ServiceFunction::Meals);
        assert_eq!(line.name.as_deref(), Some("长者食堂"));
        assert_eq!(
            line.today,
            Some(vec!["11:00–13:00".to_owned(), "17:00–18:30".to_owned()])
        );
        assert_eq!(line.state, ServiceState::OpeningSoon);
        // 12:00 leaves an hour after a walk of a few minutes: open; 12:40
        // leaves less than half an hour: closing soon, and the row is open.
        let walk = rows[0].walk_minutes;
        assert!(walk < 20, "a short walk: {walk} minutes");
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T12:00"));
        assert_eq!(rows[0].services[0].state, ServiceState::Open);
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T12:40"));
        assert_eq!(rows[0].services[0].state, ServiceState::ClosingSoon);
        assert_eq!(rows[0].open, OpenNow::Open);
        assert_eq!(
            ServiceState::ClosingSoon.message(false).text(Lang::Zh),
            "即将结束营业"
        );
        // A minute before it closes at 13:00 it is open, but closed by the
        // time the walk there ends; the row is still open now.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T12:59"));
        assert_eq!(rows[0].services[0].state, ServiceState::ClosesBeforeArrival);
        assert_eq!(rows[0].open, OpenNow::Open);
        assert_eq!(
            ServiceState::ClosesBeforeArrival
                .message(false)
                .text(Lang::Zh),
            "走到时已结束营业"
        );
        // At 09:00 the opening is two hours away: just closed.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T09:00"));
        assert_eq!(rows[0].services[0].state, ServiceState::Closed);
        // On a Sunday 006's weekday canteen is closed all day.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-11T12:00"));
        assert_eq!(rows[1].services[0].today, Some(vec![]));
        // National Day: 001's day care (PH off) is closed all day.
        let elder = Filters {
            functions: vec![ServiceFunction::ElderCare],
            ..meals
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &elder, at("2026-10-01T10:00"));
        assert_eq!(rows[0].services[0].today, Some(vec![]));
        assert_eq!(rows[0].services[0].state, ServiceState::Closed);
        // "Closed today" says it all: no "closed now" beside it.
        assert!(!rows[0].services[0].state_adds_to_today());
    }

    #[test]
    fn the_state_is_shown_only_when_it_says_more_than_today_s_hours() {
        let line = |today: Option<&[&str]>, state| ServiceLine {
            function: ServiceFunction::Meals,
            name: None,
            category: Category::Affordable,
            ages: None,
            today: today.map(|t| t.iter().map(|s| (*s).to_owned()).collect()),
            state,
        };
        let hours: &[&str] = &["11:00–13:00"];
        for state in [
            ServiceState::Open,
            ServiceState::OpeningSoon,
            ServiceState::Closed,
        ] {
            assert!(line(Some(hours), state).state_adds_to_today(), "{state:?}");
        }
        assert!(!line(Some(&[]), ServiceState::Closed).state_adds_to_today());
        assert!(!line(None, ServiceState::Unknown).state_adds_to_today());
        // Hours known for today but not now (an unknown stretch), or the
        // reverse: the state is news.
        assert!(line(Some(hours), ServiceState::Unknown).state_adds_to_today());
        assert!(line(None, ServiceState::Closed).state_adds_to_today());
    }

    #[test]
    fn past_the_calendar_holiday_hours_show_an_ordinary_day_and_say_so() {
        let data = loaded();
        let year = data.calendar.last_year().unwrap() + 1;
        // 001: elder care "Mo-Fr 08:00-17:30; PH off", meals every day
        // without a holiday rule.
        let walk = Filters {
            walk_minutes: 30,
            ..Filters::default()
        };
        // The first Monday of the year after the calendar's last.
        let monday = (4..=10)
            .map(|d| NaiveDate::from_ymd_opt(year, 1, d).unwrap())
            .find(|d| d.weekday() == chrono::Weekday::Mon)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let rows = result_rows(&data, SAMPLE_ORIGIN, &walk, monday);
        let row = rows.iter().find(|r| r.id == "lc-sample-001").unwrap();
        let elder = row
            .services
            .iter()
            .find(|s| s.function == ServiceFunction::ElderCare)
            .unwrap();
        assert_eq!(elder.state, ServiceState::HolidaysUnlisted);
        assert_eq!(elder.today, Some(vec!["08:00–17:30".to_owned()]));
        let meals = row
            .services
            .iter()
            .find(|s| s.function == ServiceFunction::Meals)
            .unwrap();
        // The canteen opens at 11:00.
        assert_eq!(
            meals.state,
            ServiceState::OpeningSoon,
            "no holiday rule: judged as usual"
        );
        // Searched for elder care alone, the facility's state waits on the
        // holidays too.
        let elder_only = Filters {
            functions: vec![ServiceFunction::ElderCare],
            ..walk
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &elder_only, monday);
        let row = rows.iter().find(|r| r.id == "lc-sample-001").unwrap();
        assert_eq!(row.open, OpenNow::Unconfirmed);
    }

    #[test]
    fn unknown_hours_are_reported_as_unknown() {
        let data = loaded();
        // 006 has a health service with no hours at all.
        let health = Filters {
            functions: vec![ServiceFunction::Health],
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &health, at("2026-10-14T12:00"));
        let row = rows.iter().find(|r| r.id == "lc-sample-006").unwrap();
        assert_eq!(row.open, OpenNow::Unknown);
        // Said once, not twice.
        assert_eq!(row.services[0].today, None);
        assert!(!row.services[0].state_adds_to_today());
    }

    #[test]
    fn an_empty_list_offers_only_what_finds_something() {
        let data = loaded();
        let meals_now = |walk_minutes: u32| FinderState {
            function: Some(ServiceFunction::Meals),
            walk_minutes,
            open: OpenChoice::Now,
            ..FinderState::default()
        };
        let found =
            |s: &FinderState, now| result_rows(&data, SAMPLE_ORIGIN, &s.filters(now), now).len();
        // Wednesday 09:00: no canteen is open within any walk, so no longer
        // walk is offered; at any time, one is within 15 minutes.
        let nine = at("2026-10-14T09:00");
        assert_eq!(found(&meals_now(15), nine), 0);
        let r = relief(&data, SAMPLE_ORIGIN, &meals_now(15), nine);
        assert_eq!(r.walk, None);
        assert_eq!(r.any_time, Some(1));
        assert_eq!(r.message(OpenChoice::Now), Msg::NothingOpenNow);
        assert_eq!(
            r.message(OpenChoice::At(nine)).text(Lang::Zh),
            "步行范围内在所选时间没有营业的符合条件的设施。"
        );
        // The time is the only other filter: not offered twice.
        assert_eq!(r.fewer_filters, None);
        let free_too = FinderState {
            free_places: true,
            ..meals_now(15)
        };
        let r = relief(&data, SAMPLE_ORIGIN, &free_too, nine);
        assert_eq!(
            (r.any_time, r.fewer_filters),
            (None, Some(1)),
            "meals count no places"
        );
        // At 12:00 with a 5-minute walk: the first walk that reaches an
        // open canteen, and what it finds.
        let noon = at("2026-10-14T12:00");
        let r = relief(&data, SAMPLE_ORIGIN, &meals_now(5), noon);
        let (m, n) = r.walk.expect("a longer walk finds one");
        assert!(m > 5 && n > 0);
        assert_eq!(found(&meals_now(m), noon), n);
        for shorter in WALK_MINUTES.into_iter().filter(|&w| w > 5 && w < m) {
            assert_eq!(found(&meals_now(shorter), noon), 0, "{shorter} minutes");
        }
        // Nothing to relax: no time asked, no other filter.
        let plain = FinderState {
            function: Some(ServiceFunction::Meals),
            walk_minutes: 5,
            ..FinderState::default()
        };
        let r = relief(&data, SAMPLE_ORIGIN, &plain, noon);
        assert_eq!((r.any_time, r.fewer_filters), (None, None));
        assert!(r.walk.is_some());
        assert_eq!(r.message(OpenChoice::Any), Msg::NoResults);
        // No one change helps: after-school care open at 09:00 is nowhere
        // (it opens after school), and none is within 5 minutes at any
        // time. A longer walk at any time is offered, the shortest that
        // finds one.
        let care_now = |walk_minutes| FinderState {
            function: Some(ServiceFunction::ChildCare),
            ..meals_now(walk_minutes)
        };
        let any_time = |walk_minutes| FinderState {
            open: OpenChoice::Any,
            ..care_now(walk_minutes)
        };
        assert_eq!(found(&any_time(5), nine), 0, "the sample suits this test");
        for walk in WALK_MINUTES {
            assert_eq!(
                found(&care_now(walk), nine),
                0,
                "the sample suits this test"
            );
        }
        let r = relief(&data, SAMPLE_ORIGIN, &care_now(5), nine);
        assert_eq!((r.walk, r.any_time, r.fewer_filters), (None, None, None));
        let wider = r.wider.expect("a longer walk at any time finds one");
        assert!(!wider.fewer_filters);
        assert_eq!(found(&any_time(wider.minutes), nine), wider.found);
        for shorter in WALK_MINUTES
            .into_iter()
            .filter(|&w| w > 5 && w < wider.minutes)
        {
            assert_eq!(found(&any_time(shorter), nine), 0, "{shorter} minutes");
        }
        let mut taken = care_now(5);
        wider.apply(&mut taken);
        assert_eq!(taken, any_time(wider.minutes));
        assert_eq!(r.message(OpenChoice::Now), Msg::NoResults);
        // The other filters go too when letting the time go is not enough:
        // a category no care within the walk has.
        let free_now = FinderState {
            categories: vec![Category::Commercial],
            ..care_now(5)
        };
        let r = relief(&data, SAMPLE_ORIGIN, &free_now, nine);
        assert_eq!((r.walk, r.any_time, r.fewer_filters), (None, None, None));
        let wider = r
            .wider
            .expect("a longer walk with only the service finds one");
        assert!(wider.fewer_filters);
        let mut taken = free_now.clone();
        wider.apply(&mut taken);
        assert_eq!(taken, any_time(wider.minutes));
        // Nothing helps: said so, rather than offering a walk that finds
        // nothing more.
        assert_eq!(
            Relief::default().message(OpenChoice::Any),
            Msg::NothingFarther
        );
        assert!(
            Msg::NothingFarther
                .text(Lang::Zh)
                .contains(&format!("步行 {} 分钟内也没有", WALK_MINUTES[4]))
        );
        // The sample's sports are all beyond a 30-minute walk.
        let sports = FinderState {
            function: Some(ServiceFunction::Sports),
            ..FinderState::default()
        };
        assert_eq!(
            relief(&data, SAMPLE_ORIGIN, &sports, noon),
            Relief::default()
        );
    }

    #[test]
    fn an_empty_list_at_a_closed_hour_says_when_the_first_one_opens() {
        let data = loaded();
        let meals = |open| FinderState {
            function: Some(ServiceFunction::Meals),
            open,
            ..FinderState::default()
        };
        let found = |s: &FinderState, now| result_rows(&data, SAMPLE_ORIGIN, &s.filters(now), now);
        // A weekday morning and night, and National Day afternoon and
        // night (the canteens of the sample keep their hours on holidays).
        let asks = [
            "2026-10-14T09:00",
            "2026-10-14T21:30",
            "2026-10-01T14:00",
            "2026-10-01T19:00",
        ];
        for asked in asks {
            let asked = at(asked);
            let r = relief(&data, SAMPLE_ORIGIN, &meals(OpenChoice::Now), asked);
            assert!(r.any_time.is_some(), "{asked}: found at any time");
            let first = r.first_opening.expect("one opens within the look-ahead");
            assert!(first.at > asked);
            assert_eq!(first.function, ServiceFunction::Meals, "{asked}");
            assert_eq!((first.asked, first.now), (asked, true));
            // Open at that minute, the one named the nearest of them, and
            // none open at any minute between.
            let then = found(&meals(OpenChoice::At(first.at)), asked);
            assert_eq!(
                then.first().map(|row| &row.name),
                Some(&first.name),
                "{asked}"
            );
            let mut t = asked;
            while t < first.at {
                assert!(found(&meals(OpenChoice::At(t)), asked).is_empty(), "{t}");
                t += chrono::Duration::minutes(1);
            }
            // Asked about a chosen time, the same opening, said from it.
            let chosen = relief(&data, SAMPLE_ORIGIN, &meals(OpenChoice::At(asked)), asked);
            assert_eq!(
                chosen.first_opening,
                Some(FirstOpening {
                    now: false,
                    ..first
                })
            );
        }
        // No time asked: no opening to say.
        let noon = at("2026-10-14T12:00");
        let plain = meals(OpenChoice::Any);
        assert_eq!(
            relief(&data, SAMPLE_ORIGIN, &plain, noon).first_opening,
            None
        );
        let nine = at("2026-10-14T09:00");
        let first = |when: &str, now| FirstOpening {
            at: at(when),
            name: Name {
                zh: String::new(),
                en: None,
            },
            service: None,
            function: ServiceFunction::Meals,
            id: String::new(),
            district: String::new(),
            asked: nine,
            now,
        };
        let cases = [
            ("2026-10-14T17:00", true, "今天 17:00", "today at 17:00"),
            ("2026-10-14T17:00", false, "当天 17:00", "that day at 17:00"),
            ("2026-10-15T07:30", true, "明天 07:30", "tomorrow at 07:30"),
            (
                "2026-10-15T07:30",
                false,
                "次日 07:30",
                "the next day at 07:30",
            ),
            (
                "2026-10-22T08:00",
                true,
                "10月22日 周四 08:00",
                "Thu 22 Oct at 08:00",
            ),
        ];
        for (when, now, zh, en) in cases {
            let f = first(when, now);
            assert_eq!(f.when_text(Lang::Zh), zh);
            assert_eq!(f.when_text(Lang::En), en);
        }
    }
}
