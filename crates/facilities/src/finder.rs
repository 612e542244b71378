//! The resident's search: which services match the filters, at which
//! facilities within the chosen walk, and whether they are open.
//!
//! A facility is listed when it lies within the walk and at least one of its
//! services passes every filter. Results come nearest first (by walking
//! time, then id). Time is passed in: "open now" is "open at the time the
//! caller says is now".

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;

use crate::calendar::HolidayCalendar;
use crate::geometry::{LonLat, WalkingModel, chord2, chord2_to_m, reach_chord2};
use crate::hours::{Hours, State, Status};
use crate::index::SpatialIndex;
use crate::model::{AgeRange, Category, Eligibility, Facility, Price, Service, ServiceFunction};

/// Walking times the finder offers, in minutes.
pub const WALK_MINUTES: [u32; 5] = [5, 10, 15, 20, 30];

/// An age group a resident can search for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgeBand {
    /// Under 3 years: infant care.
    Under3,
    /// 3 to 5 years (3 up to 6).
    From3To6,
    /// 6 to 11 years (6 up to 12).
    From6To12,
    /// 12 to 17 years (12 up to 18).
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
    /// finds services that say whom they serve ([`searched_ages`]); a
    /// service for no particular age (a sports ground open to all, say) is
    /// not listed as one for the band.
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
    /// Only services that anyone can have for at most this, in yuan per the
    /// function's usual unit ([`comparable_price_yuan`]: per meal, per
    /// month for childcare, …). A service without such a price does not
    /// pass.
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

/// One facility in the results, borrowed from [`Matches`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FacilityMatch<'a> {
    /// Index into the searched facilities.
    pub index: usize,
    /// Great-circle distance, in metres.
    pub distance_m: f64,
    /// Estimated walk, in minutes.
    pub walk_minutes: f64,
    /// The services that passed, in the facility's order.
    pub services: &'a [ServiceMatch],
}

/// One facility in [`Matches`]: where its services are.
#[derive(Debug, Clone, Copy)]
struct Hit {
    index: usize,
    distance_m: f64,
    walk_minutes: f64,
    /// Its services are `services[first..first + count]` of the matches.
    first: u32,
    count: u32,
}

/// The result of a search: the facilities found, nearest first (by walking
/// time, then id), each with the services that passed. All the matched
/// services live in one list, so that a search allocates the same few
/// times however many facilities it finds.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    hits: Vec<Hit>,
    services: Vec<ServiceMatch>,
}

impl Matches {
    /// How many facilities were found.
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// The `rank`-th facility found (0 is the nearest).
    pub fn get(&self, rank: usize) -> Option<FacilityMatch<'_>> {
        self.hits.get(rank).map(|hit| self.view(hit))
    }

    /// The facilities found, nearest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = FacilityMatch<'_>> + '_ {
        self.hits.iter().map(|hit| self.view(hit))
    }

    fn view(&self, hit: &Hit) -> FacilityMatch<'_> {
        let first = hit.first as usize;
        FacilityMatch {
            index: hit.index,
            distance_m: hit.distance_m,
            walk_minutes: hit.walk_minutes,
            services: &self.services[first..first + hit.count as usize],
        }
    }
}

/// Two results are equal when they list the same facilities in the same
/// order with the same services, wherever those are kept.
impl PartialEq for Matches {
    fn eq(&self, other: &Matches) -> bool {
        self.iter().eq(other.iter())
    }
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
    /// The [`SearchKeys`] (by stamp) whose schedule numbers `linked`
    /// translates; 0 for none.
    linked_to: u64,
    /// For each schedule number of those keys, its place in `hours`, or
    /// `UNSEEN` until first asked for.
    linked: Vec<u32>,
}

/// A schedule number not yet looked up in a [`HoursBook`].
const UNSEEN: u32 = u32::MAX;

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
        self.status_of(calendar, id, at)
    }

    /// The status at `at` of schedule number `schedule` of `keys`: the
    /// same as [`HoursBook::status`] of the service it came from, without
    /// hashing the value again once the book has seen it from these keys.
    fn status_in(
        &mut self,
        calendar: &HolidayCalendar,
        keys: &SearchKeys,
        schedule: u32,
        at: NaiveDateTime,
    ) -> Status {
        let id = self.linked_id(calendar, keys, schedule);
        self.status_of(calendar, id, at)
    }

    /// [`Hours::open_unless_holiday`] of schedule number `schedule` of
    /// `keys`.
    fn open_unless_holiday_in(
        &mut self,
        calendar: &HolidayCalendar,
        keys: &SearchKeys,
        schedule: u32,
        at: NaiveDateTime,
    ) -> bool {
        let id = self.linked_id(calendar, keys, schedule);
        self.hours[id]
            .as_ref()
            .is_some_and(|h| h.open_unless_holiday(calendar, at))
    }

    /// The book's place for schedule number `schedule` of `keys`.
    fn linked_id(&mut self, calendar: &HolidayCalendar, keys: &SearchKeys, schedule: u32) -> usize {
        if self.linked_to != keys.stamp {
            self.linked_to = keys.stamp;
            self.linked.clear();
            self.linked.resize(keys.schedules.len(), UNSEEN);
        }
        let slot = schedule as usize;
        match self.linked[slot] {
            UNSEEN => {
                let id = self.id(calendar, &keys.schedules[slot]);
                self.linked[slot] = id as u32;
                id
            }
            id => id as usize,
        }
    }

    /// The status of the value with place `id` at `at`, evaluated once
    /// per time.
    fn status_of(&mut self, calendar: &HolidayCalendar, id: usize, at: NaiveDateTime) -> Status {
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

/// Whom a service is for when searching by age: its own age range, or,
/// without one, 60 and over for elder care (养老服务 serves older people by
/// definition), for a service with a price for people of 60 or 80 and
/// over (a canteen open to all with a price for older people), and for one
/// whose name says it is for older people ([`OLDER_PEOPLE_TERMS`]: a
/// 长者食堂 or 老年餐桌 is a canteen for them, whatever its prices). Other
/// services without a range are for no particular age, and no age band
/// lists them.
pub fn searched_ages(service: &Service) -> Option<AgeRange> {
    let named_for_them = service
        .name
        .as_deref()
        .is_some_and(|n| OLDER_PEOPLE_TERMS.iter().any(|t| n.contains(t)));
    let for_older_people = service.function == ServiceFunction::ElderCare
        || named_for_them
        || service.prices.iter().any(|p| {
            p.eligible
                .iter()
                .any(|e| matches!(e, Eligibility::Age60Plus | Eligibility::Age80Plus))
        });
    service.ages.or_else(|| {
        for_older_people.then_some(AgeRange {
            min_months: AgeBand::Senior.months().0,
            max_months: None,
        })
    })
}

/// Words in a service's name that say it is for older people: 长者 (长者
///食堂), 老年 (老年餐桌), 助老 (助老餐), 养老 (养老助餐点).
pub const OLDER_PEOPLE_TERMS: [&str; 4] = ["长者", "老年", "助老", "养老"];

/// The price a maximum price is compared with, in yuan: the lowest that
/// everyone the service takes pays, in the unit the function's prices
/// are usually quoted in ([`ServiceFunction::price_unit`]); `None` when the
/// service has no such price. A reduced price for a group (低保, 80 and
/// over) is not one every resident pays, and yuan per hour are not yuan
/// per month. A price for an age group is one everyone pays when the
/// service takes no one younger ([`for_everyone_it_takes`]): a free
/// elder-care service for 60 and over is free for all its users.
pub fn comparable_price_yuan(service: &Service) -> Option<f64> {
    comparable_price(service).map(|p| p.amount_yuan)
}

/// The price [`comparable_price_yuan`] reads, with its note.
pub fn comparable_price(service: &Service) -> Option<&Price> {
    let unit = service.function.price_unit();
    service
        .prices
        .iter()
        .filter(|p| p.unit == unit && for_everyone_it_takes(service, p))
        .min_by(|a, b| a.amount_yuan.total_cmp(&b.amount_yuan))
}

/// Whether everyone `service` takes may pay `price`: the price names no
/// group, or every group it names is an age the service's youngest users
/// have reached. The youngest are those of the service's own `ages`, or 60
/// for elder care without them; ages inferred from a price
/// ([`searched_ages`]) do not count, since a canteen open to all with a
/// price for 60 and over does not take only them.
pub fn for_everyone_it_takes(service: &Service, price: &Price) -> bool {
    let youngest_months = service.ages.map(|a| a.min_months).or_else(|| {
        (service.function == ServiceFunction::ElderCare).then_some(AgeBand::Senior.months().0)
    });
    price.eligible.iter().all(|group| {
        let from_months = match group {
            Eligibility::Age60Plus => 60 * 12,
            Eligibility::Age80Plus => 80 * 12,
            _ => return false,
        };
        youngest_months.is_some_and(|youngest| youngest >= from_months)
    })
}

/// What the finder filters by for one service, copied out of the records
/// so that a search reads a few bytes per service instead of following
/// each facility's strings and vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ServiceKey {
    /// The function's bit ([`function_bit`]).
    pub(crate) function: u16,
    /// The category's bit ([`category_bit`]).
    pub(crate) category: u8,
    /// Free places or beds now.
    pub(crate) free: bool,
    pub(crate) ages: Option<AgeRange>,
    /// The price a maximum is compared with, in yuan
    /// ([`comparable_price_yuan`]).
    pub(crate) price_yuan: Option<f64>,
    /// The place of the `opening_hours` value in [`SearchKeys::schedules`],
    /// or [`NO_HOURS`].
    pub(crate) schedule: u32,
}

/// A service without `opening_hours`.
pub(crate) const NO_HOURS: u32 = u32::MAX;

/// Stamps that tell one [`SearchKeys`] from another, so that a
/// [`HoursBook`] knows whose schedule numbers it has translated.
static STAMPS: AtomicU64 = AtomicU64::new(1);

/// What the search reads of one facility.
#[derive(Debug, Clone, Copy)]
struct FacilityKey {
    /// Its position as a point on the unit sphere.
    unit: [f64; 3],
    /// The union of its services' function bits.
    functions: u16,
    /// Where its services' keys start in [`SearchKeys::services`]; they
    /// end where the next slot's start.
    first: u32,
}

/// What the search reads of facilities, in their own order: read from the
/// records ([`KeyParts::of`]) or from a search file
/// ([`crate::search_file`]), merged shard by shard, then laid out in a
/// [`SpatialIndex`]'s order ([`KeyParts::ordered`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct KeyParts {
    /// Each facility's position.
    pub(crate) positions: Vec<LonLat>,
    /// Each facility's services are `services[ends[i - 1]..ends[i]]`
    /// (from 0 for the first).
    pub(crate) service_ends: Vec<u32>,
    /// Every facility's services, facility by facility.
    pub(crate) services: Vec<ServiceKey>,
    /// The `opening_hours` values the services number; a value may appear
    /// more than once after a merge (an [`HoursBook`] parses it once).
    pub(crate) schedules: Vec<Box<str>>,
    /// Every facility's id, one after the other.
    pub(crate) ids: String,
    /// Facility `i`'s id is `ids[id_ends[i - 1]..id_ends[i]]`.
    pub(crate) id_ends: Vec<u32>,
}

impl KeyParts {
    /// The keys of `facilities`, in their order.
    pub(crate) fn of(facilities: &[Facility]) -> KeyParts {
        let mut parts = KeyParts::default();
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        for f in facilities {
            for s in &f.services {
                let schedule = s.opening_hours.as_deref().map_or(NO_HOURS, |value| {
                    *numbers.entry(value).or_insert_with(|| {
                        parts.schedules.push(value.into());
                        (parts.schedules.len() - 1) as u32
                    })
                });
                parts.services.push(ServiceKey {
                    function: function_bit(s.function),
                    category: category_bit(s.category),
                    free: s.capacity.as_ref().is_some_and(|c| c.available > 0),
                    ages: searched_ages(s),
                    price_yuan: comparable_price_yuan(s),
                    schedule,
                });
            }
            parts.service_ends.push(parts.services.len() as u32);
            parts.positions.push(f.position);
            parts.ids.push_str(&f.id);
            parts.id_ends.push(parts.ids.len() as u32);
        }
        parts
    }

    /// How many facilities the parts describe.
    pub(crate) fn len(&self) -> usize {
        self.positions.len()
    }

    /// Appends `other`'s facilities after these, renumbering its
    /// schedules.
    pub(crate) fn append(&mut self, other: KeyParts) {
        if self.positions.is_empty() && self.schedules.is_empty() {
            // Nothing to renumber: take `other` as it is, without a copy.
            *self = other;
            return;
        }
        let services = self.services.len() as u32;
        let schedules = self.schedules.len() as u32;
        let ids = self.ids.len() as u32;
        self.positions.extend(other.positions);
        self.service_ends
            .extend(other.service_ends.iter().map(|end| end + services));
        self.services
            .extend(other.services.into_iter().map(|key| ServiceKey {
                schedule: match key.schedule {
                    NO_HOURS => NO_HOURS,
                    n => n + schedules,
                },
                ..key
            }));
        self.schedules.extend(other.schedules);
        self.ids.push_str(&other.ids);
        self.id_ends
            .extend(other.id_ends.iter().map(|end| end + ids));
    }

    /// The keys with facility `order[slot]` in each slot: `order` holds
    /// every index once.
    pub(crate) fn ordered(self, order: Vec<u32>) -> SearchKeys {
        debug_assert_eq!(order.len(), self.len());
        let mut facilities = Vec::with_capacity(order.len());
        let mut services = Vec::with_capacity(self.services.len());
        let mut slots = vec![0; order.len()];
        for (slot, &i) in order.iter().enumerate() {
            slots[i as usize] = slot as u32;
            let i = i as usize;
            let start = if i == 0 {
                0
            } else {
                self.service_ends[i - 1] as usize
            };
            let own = &self.services[start..self.service_ends[i] as usize];
            facilities.push(FacilityKey {
                unit: self.positions[i].unit_vector(),
                functions: own.iter().fold(0, |bits, key| bits | key.function),
                first: services.len() as u32,
            });
            services.extend_from_slice(own);
        }
        SearchKeys {
            stamp: STAMPS.fetch_add(1, Ordering::Relaxed),
            order,
            slots,
            facilities,
            services,
            schedules: self.schedules,
            ids: self.ids,
            id_ends: self.id_ends,
        }
    }
}

/// A compact copy of what the search reads from each facility: its
/// position and, per service, the filtered fields and a number for its
/// opening hours (each distinct value once), and its id for ordering
/// equally near results. Built once per loaded dataset:
/// a [`SpatialIndex`] holds one with the facilities in its grid's order, so
/// that facilities near one another sit near one another in memory and a
/// search reads a few contiguous stretches of small records instead of
/// jumping across the whole dataset.
#[derive(Debug, Clone)]
pub struct SearchKeys {
    stamp: u64,
    /// The facility index (into the slice the keys were built from) in
    /// each slot.
    order: Vec<u32>,
    /// Each facility's slot: the inverse of `order`.
    slots: Vec<u32>,
    /// Each slot's facility.
    facilities: Vec<FacilityKey>,
    /// Every service, slot by slot, each facility's in its own order.
    services: Vec<ServiceKey>,
    /// The distinct `opening_hours` values.
    schedules: Vec<Box<str>>,
    /// The facilities' ids by facility index, one after the other.
    ids: String,
    /// Facility `i`'s id ends at `id_ends[i]` in `ids`.
    id_ends: Vec<u32>,
}

impl SearchKeys {
    /// The keys of `facilities`, in their order.
    pub fn new(facilities: &[Facility]) -> SearchKeys {
        KeyParts::of(facilities).ordered((0..facilities.len() as u32).collect())
    }

    /// How many facilities the keys describe.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the keys describe no facility.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The index of the facility in `slot`, into the slice the keys were
    /// built from.
    pub fn facility_in(&self, slot: usize) -> usize {
        self.order[slot] as usize
    }

    /// The id of facility `index` (into the slice the keys were built
    /// from).
    pub fn id(&self, index: usize) -> &str {
        let start = if index == 0 {
            0
        } else {
            self.id_ends[index - 1] as usize
        };
        &self.ids[start..self.id_ends[index] as usize]
    }

    /// The index of the facility with `id`, if the keys hold it: a scan,
    /// for opening one facility, not for searching.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        (0..self.id_ends.len()).find(|&i| self.id(i) == id)
    }

    /// Whether `f` is what the keys say of facility `index`: the same id,
    /// position and services with the same search keys and opening hours.
    /// A record read later from its shard ([`crate::search_file`]) must
    /// pass this before it is shown, so that a row never shows a facility
    /// other than the one the search found.
    pub fn describes(&self, index: usize, f: &Facility) -> bool {
        let Some(&slot) = self.slots.get(index) else {
            return false;
        };
        let slot = slot as usize;
        if self.id(index) != f.id || self.facilities[slot].unit != f.position.unit_vector() {
            return false;
        }
        let own = self.services_of(slot);
        let fresh = KeyParts::of(std::slice::from_ref(f));
        own.len() == fresh.services.len()
            && own.iter().zip(&fresh.services).all(|(kept, read)| {
                ServiceKey {
                    schedule: 0,
                    ..*kept
                } == ServiceKey {
                    schedule: 0,
                    ..*read
                } && schedule_value(&self.schedules, kept) == schedule_value(&fresh.schedules, read)
            })
    }

    /// The keys of the services of the facility in `slot`, in the
    /// facility's order.
    fn services_of(&self, slot: usize) -> &[ServiceKey] {
        let end = self
            .facilities
            .get(slot + 1)
            .map_or(self.services.len(), |next| next.first as usize);
        &self.services[self.facilities[slot].first as usize..end]
    }

    /// The facility in `slot` as a point on the unit sphere.
    pub(crate) fn unit(&self, slot: usize) -> [f64; 3] {
        self.facilities[slot].unit
    }
}

/// The `opening_hours` value a service's key numbers in `schedules`.
fn schedule_value<'a>(schedules: &'a [Box<str>], key: &ServiceKey) -> Option<&'a str> {
    match key.schedule {
        NO_HOURS => None,
        n => schedules.get(n as usize).map(|value| &**value),
    }
}

/// `function`'s bit in a set of functions.
pub(crate) fn function_bit(function: ServiceFunction) -> u16 {
    1 << function as u16
}

/// `category`'s bit in a set of categories.
pub(crate) fn category_bit(category: Category) -> u8 {
    1 << category as u8
}

/// The filters other than time and distance, as the bits and numbers a
/// [`ServiceKey`] is compared with.
#[derive(Debug, Clone, Copy)]
struct Wanted {
    /// Function bits; every bit when any function will do.
    functions: u16,
    /// Category bits; every bit when any category will do.
    categories: u8,
    free_places: bool,
    age: Option<AgeBand>,
    max_price_yuan: Option<f64>,
}

impl Wanted {
    fn new(filters: &Filters) -> Wanted {
        let any = |empty: bool| if empty { !0 } else { 0 };
        Wanted {
            functions: filters
                .functions
                .iter()
                .fold(any(filters.functions.is_empty()), |bits, &f| {
                    bits | function_bit(f)
                }),
            categories: filters
                .categories
                .iter()
                .fold(any(filters.categories.is_empty()) as u8, |bits, &c| {
                    bits | category_bit(c)
                }),
            free_places: filters.free_places,
            age: filters.age,
            max_price_yuan: filters.max_price_yuan,
        }
    }

    /// Whether a service with `key` passes.
    fn passes(&self, key: &ServiceKey) -> bool {
        key.function & self.functions != 0
            && key.category & self.categories != 0
            && (!self.free_places || key.free)
            && self.age.is_none_or(|band| band.admits(key.ages))
            && self
                .max_price_yuan
                .is_none_or(|max| key.price_yuan.is_some_and(|p| p <= max))
    }
}

/// Finds the facilities within the walk that have a service passing every
/// filter, nearest first, by looking at every one of them: the reference
/// that [`find_near`] must equal. `keys` are those of the facilities
/// searched ([`SearchKeys::new`]); the hits' indices point into the slice
/// they were built from. `now` is the time used for the open state when
/// the filters ask for no particular time.
///
/// ```
/// use chrono::NaiveDate;
/// use linli_facilities::calendar::HolidayCalendar;
/// use linli_facilities::finder::{find, Filters, HoursBook, OpenAt, SearchKeys};
/// use linli_facilities::geometry::LonLat;
/// let calendar = HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
/// let now = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
/// let filters = Filters { open: OpenAt::At(now), ..Filters::default() };
/// let hits = find(&SearchKeys::new(&[]), LonLat::new(116.417, 39.929), &filters, now, &calendar, &mut HoursBook::default());
/// assert!(hits.is_empty());
/// ```
pub fn find(
    keys: &SearchKeys,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Matches {
    rank(keys, 0..keys.len(), origin, filters, now, calendar, book)
}

/// [`find`] through a spatial index: only the facilities within reach are
/// looked at, so the cost follows the number nearby rather than the size
/// of the dataset. The result is the same.
pub fn find_near(
    index: &SpatialIndex,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Matches {
    let reach_m = filters.walking.reach_m(f64::from(filters.walk_minutes));
    let slots = index.slots_near(origin, reach_m);
    rank(index.keys(), slots, origin, filters, now, calendar, book)
}

/// Filters the facilities in `slots` (of `keys`) and sorts the hits by
/// walking time, then id.
fn rank(
    keys: &SearchKeys,
    slots: impl Iterator<Item = usize>,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
    calendar: &HolidayCalendar,
    book: &mut HoursBook,
) -> Matches {
    let reach_m = filters.walking.reach_m(f64::from(filters.walk_minutes));
    let at = match filters.open {
        OpenAt::Any => now,
        OpenAt::At(t) => t,
    };
    let wanted = Wanted::new(filters);
    let centre = origin.unit_vector();
    let limit = reach_chord2(reach_m);
    let mut found = Matches::default();
    for slot in slots {
        let facility = &keys.facilities[slot];
        if facility.functions & wanted.functions == 0 {
            continue;
        }
        // Beyond the walk (most of a full scan's facilities, and the corners
        // of the index's cells): nothing more to read.
        let c2 = chord2(centre, facility.unit);
        if c2 > limit {
            continue;
        }
        let own = keys.services_of(slot);
        let start = found.services.len();
        for (service, key) in own.iter().enumerate() {
            if !wanted.passes(key) {
                continue;
            }
            let status = match key.schedule {
                NO_HOURS => Status::unknown(),
                schedule => book.status_in(calendar, keys, schedule, at),
            };
            // Past the holiday calendar's years, a service open on an
            // ordinary day is kept (its row says the hours are to be
            // confirmed) rather than hidden as unknown.
            let open = match filters.open {
                OpenAt::Any => true,
                OpenAt::At(_) => {
                    status.state == State::Open
                        || (status.state == State::Unknown
                            && key.schedule != NO_HOURS
                            && book.open_unless_holiday_in(calendar, keys, key.schedule, at))
                }
            };
            if open {
                found.services.push(ServiceMatch { service, status });
            }
        }
        let count = found.services.len() - start;
        if count == 0 {
            continue;
        }
        let distance_m = chord2_to_m(c2);
        if distance_m > reach_m {
            found.services.truncate(start);
            continue;
        }
        found.hits.push(Hit {
            index: keys.facility_in(slot),
            distance_m,
            walk_minutes: filters.walking.minutes(distance_m),
            first: start as u32,
            count: count as u32,
        });
    }
    // Ids are unique, so an unstable sort gives one order.
    found.hits.sort_unstable_by(|a, b| {
        a.walk_minutes
            .total_cmp(&b.walk_minutes)
            .then_with(|| keys.id(a.index).cmp(keys.id(b.index)))
    });
    found
}
