//! The resident's search: which services match the filters, at which
//! facilities within the chosen walk, and whether they are open.
//!
//! A facility is listed when it lies within the walk and at least one of its
//! services passes every filter. Results come nearest first (by walking
//! time, then id). Time is passed in: "open now" is "open at the time the
//! caller says is now".

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::calendar::HolidayCalendar;
use crate::geometry::{LonLat, WalkingModel};
use crate::hours::{Hours, State, Status};
use crate::index::SpatialIndex;
use crate::model::{AgeRange, Category, Facility, Service, ServiceFunction};

/// Walking times the finder offers, in minutes.
pub const WALK_MINUTES: [u32; 5] = [5, 10, 15, 20, 30];

/// An age group a resident can search for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgeBand {
    /// 0–3 years: infant care.
    Under3,
    /// 3–6 years.
    From3To6,
    /// 6–12 years.
    From6To12,
    /// 12–18 years.
    From12To18,
    /// 60 and over: services for older people.
    Senior,
}

impl AgeBand {
    /// The band as `[from, to)` months; `None` means no upper limit.
    pub fn months(self) -> (u32, Option<u32>) {
        match self {
            AgeBand::Under3 => (0, Some(36)),
            AgeBand::From3To6 => (36, Some(72)),
            AgeBand::From6To12 => (72, Some(144)),
            AgeBand::From12To18 => (144, Some(216)),
            AgeBand::Senior => (720, None),
        }
    }

    /// Whether a service for `ages` is meant for this band. Searching by age
    /// finds services that say whom they serve; a service without an age
    /// range (a canteen open to all, say) is not listed as one for the band.
    pub fn admits(self, ages: Option<AgeRange>) -> bool {
        let (from, to) = self.months();
        ages.is_some_and(|a| a.overlaps(from, to))
    }
}

/// When the resident wants the service to be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenAt {
    /// Any time: no filter.
    #[default]
    Any,
    /// At this local (Beijing) time; "open now" passes the current time.
    At(NaiveDateTime),
}

/// Everything a resident can filter by.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    /// Wanted functions; empty means any.
    pub functions: Vec<ServiceFunction>,
    /// Wanted categories; empty means any.
    pub categories: Vec<Category>,
    /// The longest acceptable walk, in minutes.
    pub walk_minutes: u32,
    /// Walking speed and detour factor.
    pub walking: WalkingModel,
    /// Open at a time, or any time.
    pub open: OpenAt,
    /// Only services with free places or beds now.
    pub free_places: bool,
    /// Only services for this age group.
    pub age: Option<AgeBand>,
    /// Only services whose lowest price is at most this, in yuan. A service
    /// with no known price does not pass.
    pub max_price_yuan: Option<f64>,
}

impl Default for Filters {
    fn default() -> Filters {
        Filters {
            functions: Vec::new(),
            categories: Vec::new(),
            walk_minutes: 15,
            walking: WalkingModel::STANDARD,
            open: OpenAt::Any,
            free_places: false,
            age: None,
            max_price_yuan: None,
        }
    }
}

/// One service that passed the filters, with its state at the asked time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceMatch {
    /// Index into the facility's `services`.
    pub service: usize,
    /// Open, closed or unknown at the asked time (or now, with no time filter).
    pub status: Status,
}

/// One facility in the results.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityMatch {
    /// Index into the searched facilities.
    pub index: usize,
    /// Straight-line distance, in metres.
    pub distance_m: f64,
    /// Estimated walk, in minutes.
    pub walk_minutes: f64,
    /// The services that passed, in the facility's order.
    pub services: Vec<ServiceMatch>,
}

/// Parsed opening hours, one per distinct `opening_hours` value, and each
/// value's status at the last time asked about. A search parses each value
/// once, and evaluates it once per time: facilities often share a
/// schedule, and the status (with its look-ahead for the next change) is
/// the costly part of a search.
///
/// Keep one book for as long as the dataset and its calendar are loaded,
/// so that later searches reuse the work; a book must only ever be used
/// with one calendar.
#[derive(Debug, Default)]
pub struct HoursBook {
    /// Each distinct value's place in `hours` and `statuses`.
    ids: HashMap<String, usize>,
    /// The parsed hours, `None` where the value does not parse.
    hours: Vec<Option<Hours>>,
    /// The time `statuses` hold; they are cleared when it changes.
    at: Option<NaiveDateTime>,
    /// Each value's status at `at`, once evaluated.
    statuses: Vec<Option<Status>>,
}

impl HoursBook {
    /// The place of `value` in the book, parsing it on first sight.
    fn id(&mut self, calendar: &HolidayCalendar, value: &str) -> usize {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.hours.len();
        self.hours.push(Hours::parse(value, calendar).ok());
        self.ids.insert(value.to_owned(), id);
        id
    }

    /// The parsed hours of `service`, if it has hours that parse.
    pub fn hours(&mut self, calendar: &HolidayCalendar, service: &Service) -> Option<&Hours> {
        let value = service.opening_hours.as_deref()?;
        let id = self.id(calendar, value);
        self.hours[id].as_ref()
    }

    /// The status of `service` at `at`; `Unknown` when it has no hours or
    /// they do not parse.
    pub fn status(
        &mut self,
        calendar: &HolidayCalendar,
        service: &Service,
        at: NaiveDateTime,
    ) -> Status {
        let Some(value) = service.opening_hours.as_deref() else {
            return Status::unknown();
        };
        let id = self.id(calendar, value);
        if self.at != Some(at) {
            self.at = Some(at);
            self.statuses.clear();
        }
        if self.statuses.len() <= id {
            self.statuses.resize(self.hours.len(), None);
        }
        if let Some(known) = &self.statuses[id] {
            return known.clone();
        }
        let status = self.hours[id]
            .as_ref()
            .map_or_else(Status::unknown, |h| h.status(calendar, at));
        self.statuses[id] = Some(status.clone());
        status
    }
}

/// The lowest price of a service, in yuan, if it has any.
pub fn lowest_price_yuan(service: &Service) -> Option<f64> {
    service
        .prices
        .iter()
        .map(|p| p.amount_yuan)
        .min_by(f64::total_cmp)
}

/// Whether `service` passes the filters other than time and distance.
fn passes(service: &Service, filters: &Filters) -> bool {
    (filters.functions.is_empty() || filters.functions.contains(&service.function))
        && (filters.categories.is_empty() || filters.categories.contains(&service.category))
        && (!filters.free_places || service.capacity.as_ref().is_some_and(|c| c.available > 0))
        && filters.age.is_none_or(|band| band.admits(service.ages))
        && filters
            .max_price_yuan
            .is_none_or(|max| lowest_price_yuan(service).is_some_and(|p| p <= max))
}

/// Finds the facilities within the walk that have a service passing every
/// filter, nearest first. `now` is the time used for the open state when
/// the filters ask for no particular time.
///
/// ```
/// use chrono::NaiveDate;
/// use linli_facilities::calendar::HolidayCalendar;
/// use linli_facilities::finder::{find, Filters, HoursBook, OpenAt};
/// use linli_facilities::geometry::LonLat;
/// let calendar = HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
/// let now = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
/// let filters = Filters { open: OpenAt::At(now), ..Filters::default() };
/// let hits = find(&[], LonLat::new(116.417, 39.929), &filters, now, &calendar, &mut HoursBook::default());
/// assert!(hits.is_empty());
/// ```
pub fn find(
    facilities: &[Facility],
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Vec<FacilityMatch> {
    rank(
        facilities,
        0..facilities.len(),
        origin,
        filters,
        now,
        calendar,
        book,
    )
}

/// [`find`] through a spatial index of the same `facilities`: only the
/// facilities within reach are looked at, so the cost follows the number
/// nearby rather than the size of the dataset. The result is the same.
pub fn find_near(
    facilities: &[Facility],
    index: &SpatialIndex,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Vec<FacilityMatch> {
    let reach_m = filters.walking.reach_m(f64::from(filters.walk_minutes));
    let candidates = index.within(origin, reach_m);
    rank(facilities, candidates, origin, filters, now, calendar, book)
}

/// Filters the `candidates` (indices into `facilities`) and sorts the hits
/// by walking time, then id.
fn rank(
    facilities: &[Facility],
    candidates: impl Iterator<Item = usize>,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Vec<FacilityMatch> {
    let reach_m = filters.walking.reach_m(f64::from(filters.walk_minutes));
    let at = match filters.open {
        OpenAt::Any => now,
        OpenAt::At(t) => t,
    };
    let mut hits: Vec<FacilityMatch> = candidates
        .filter_map(|index| {
            let f = &facilities[index];
            let distance_m = origin.distance_m(f.position);
            if distance_m > reach_m {
                return None;
            }
            let services: Vec<ServiceMatch> = f
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| passes(s, filters))
                .map(|(i, s)| ServiceMatch {
                    service: i,
                    status: book.status(calendar, s, at),
                })
                .filter(|m| filters.open == OpenAt::Any || m.status.state == State::Open)
                .collect();
            (!services.is_empty()).then(|| FacilityMatch {
                index,
                distance_m,
                walk_minutes: filters.walking.minutes(distance_m),
                services,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        a.walk_minutes
            .total_cmp(&b.walk_minutes)
            .then_with(|| facilities[a.index].id.cmp(&facilities[b.index].id))
    });
    hits
}
