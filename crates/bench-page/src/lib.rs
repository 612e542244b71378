//! The finder's side of the JavaScript peer benchmark (issue 7): the
//! `linli-facilities` crate compiled to wasm and exported to a benchmark
//! page, where the same queries also run through two JavaScript finders.
//! Nothing here ships in the app; `cargo xtask bench peers` builds it.
//!
//! The page hands the dataset over as the GeoJSON body's bytes ([`Finder::load`]),
//! asks for the seeded query plan ([`Finder::plan`]), runs each query
//! ([`Finder::query`], the same `find_near` the app runs) and reads the
//! per-facility function and open-at-the-benchmark-time bitmasks that the
//! JavaScript peers filter by ([`Finder::function_masks`],
//! [`Finder::open_masks`]).
//!
//! [`SearchFinder`] is the app's way in: the dataset's search file
//! (`linli_facilities::search_file`) decoded and indexed, the records left
//! unparsed in the body. The page checks that it finds what [`Finder`]
//! finds, and times its load beside the others.

use std::cell::RefCell;

use chrono::{NaiveDate, NaiveDateTime};
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::parse_feature_collection;
use linli_facilities::finder::{Filters, HoursBook, OpenAt, find_near};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::hours::State;
use linli_facilities::index::SpatialIndex;
use linli_facilities::model::{Facility, ServiceFunction};
use linli_facilities::search_file;
use linli_facilities::seeded::SplitMix64;
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    /// The page's clock, for the split of [`Finder::load`]'s time.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// No clock outside the browser: the split reads 0.
#[cfg(not(target_arch = "wasm32"))]
fn performance_now() -> f64 {
    0.0
}

/// The holiday calendar the app loads.
const HOLIDAYS: &str = include_str!("../../../public/data/holidays.json");

/// Numbers per query in [`Finder::plan`].
pub const PLAN_STRIDE: usize = 7;

/// Every function bit set: the "any function" filter.
pub const ANY_FUNCTION: u16 = (1 << ServiceFunction::ALL.len()) - 1;

/// The fixed "now" of the benchmark: Wednesday 14 October 2026, 10:00
/// Beijing time (an ordinary working day), as in `tests/bench.rs`.
pub fn bench_now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 10, 14)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .expect("a valid date and time")
}

/// The bit of `function` in a function mask: its place in
/// [`ServiceFunction::ALL`].
pub fn function_bit(function: ServiceFunction) -> u16 {
    let place = ServiceFunction::ALL
        .iter()
        .position(|&f| f == function)
        .expect("every function is in ALL");
    1 << place
}

/// One query of the benchmark: a position and the resident's filters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Query {
    /// Where the resident is.
    pub origin: LonLat,
    /// Wanted functions as bits ([`function_bit`]); [`ANY_FUNCTION`] for any.
    pub functions: u16,
    /// The longest walk, in minutes.
    pub walk_minutes: u32,
    /// The senior walking speed instead of the standard one.
    pub senior: bool,
    /// Open at [`bench_now`] instead of any time.
    pub open: bool,
}

impl Query {
    /// A query as the page passes it: flat numbers, since wasm-bindgen
    /// exports take no Rust structs.
    fn from_page(
        lon: f64,
        lat: f64,
        functions: u16,
        walk_minutes: u32,
        senior: bool,
        open: bool,
    ) -> Query {
        Query {
            origin: LonLat::new(lon, lat),
            functions,
            walk_minutes,
            senior,
            open,
        }
    }

    /// The domain filters for this query.
    pub fn filters(&self) -> Filters {
        let functions = if self.functions == ANY_FUNCTION {
            Vec::new()
        } else {
            ServiceFunction::ALL
                .into_iter()
                .filter(|&f| self.functions & function_bit(f) != 0)
                .collect()
        };
        Filters {
            functions,
            walk_minutes: self.walk_minutes,
            walking: self.walking(),
            open: if self.open {
                OpenAt::At(bench_now())
            } else {
                OpenAt::Any
            },
            ..Filters::default()
        }
    }

    /// The walking model of this query.
    pub fn walking(&self) -> WalkingModel {
        if self.senior {
            WalkingModel::SENIOR
        } else {
            WalkingModel::STANDARD
        }
    }

    /// The straight-line reach of the walk, in metres, as `find_near`
    /// computes it.
    pub fn reach_m(&self) -> f64 {
        self.walking().reach_m(f64::from(self.walk_minutes))
    }
}

/// `count` seeded queries, as `tests/bench.rs` makes them: positions
/// within about 500 m of random facilities, and the filter changes a
/// resident makes, one per query in turn (function: any, meals, elder
/// care, infant care; walk 15, 30, 10, 20, 5 minutes; senior speed every
/// third query; open now every second one).
pub fn plan(facilities: &[Facility], count: usize) -> Vec<Query> {
    if facilities.is_empty() {
        return Vec::new();
    }
    let mut rng = SplitMix64::new(7);
    (0..count)
        .map(|q| {
            let f = &facilities[(rng.unit() * facilities.len() as f64) as usize];
            let origin = LonLat::new(
                f.position.lon + (rng.unit() - 0.5) * 0.01,
                f.position.lat + (rng.unit() - 0.5) * 0.01,
            );
            let functions = match q % 4 {
                0 => ANY_FUNCTION,
                1 => function_bit(ServiceFunction::Meals),
                2 => function_bit(ServiceFunction::ElderCare),
                _ => function_bit(ServiceFunction::InfantCare),
            };
            Query {
                origin,
                functions,
                walk_minutes: [15, 30, 10, 20, 5][q % 5],
                senior: q.is_multiple_of(3),
                open: q.is_multiple_of(2),
            }
        })
        .collect()
}

/// The facilities, their spatial index and the holiday calendar: what the
/// app holds after loading.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Finder {
    facilities: Vec<Facility>,
    index: SpatialIndex,
    calendar: HolidayCalendar,
    skipped: usize,
    parse_ms: f64,
    index_ms: f64,
    function_masks: Vec<u16>,
    open_masks: Vec<u16>,
    /// The parsed hours, kept across queries as the app keeps them for a
    /// loaded dataset (`Loaded::hours`).
    book: RefCell<HoursBook>,
}

impl Finder {
    /// Decodes `text` (a GeoJSON FeatureCollection) and builds the index.
    pub fn from_text(text: &str) -> Result<Finder, String> {
        let calendar = HolidayCalendar::from_json(HOLIDAYS).map_err(|e| e.to_string())?;
        let started = performance_now();
        let dataset = parse_feature_collection(text).map_err(|e| e.to_string())?;
        let parsed = performance_now();
        let skipped = dataset.skipped();
        let index = SpatialIndex::new(&dataset.facilities);
        let indexed = performance_now();
        Ok(Finder {
            facilities: dataset.facilities,
            index,
            calendar,
            skipped,
            parse_ms: parsed - started,
            index_ms: indexed - parsed,
            function_masks: Vec::new(),
            open_masks: Vec::new(),
            book: RefCell::new(HoursBook::default()),
        })
    }

    /// The facilities in file order.
    pub fn facilities(&self) -> &[Facility] {
        &self.facilities
    }

    /// Runs `query` as the app does (`find_near`, opening hours evaluated
    /// during the search through the dataset's `HoursBook`, which keeps
    /// each distinct schedule parsed and its status at the last time asked)
    /// and returns the indices of the facilities found, nearest first, ties
    /// by id.
    pub fn run(&self, query: &Query) -> Vec<u32> {
        search(&self.index, &self.calendar, &self.book, query)
    }

    /// A diagnostic, not the app's search: the same grid search, but
    /// filtered by the peers' precomputed masks instead of the services'
    /// filters and opening hours, sorted by distance, then id. Shows what
    /// the index costs apart from evaluating hours. Needs
    /// [`Finder::keep_masks`] first.
    pub fn run_masked(&self, query: &Query) -> Vec<u32> {
        let masks = if query.open {
            &self.open_masks
        } else {
            &self.function_masks
        };
        let reach_m = query.reach_m();
        let mut hits: Vec<(f64, usize)> = self
            .index
            .within(query.origin, reach_m)
            .filter(|&i| masks[i] & query.functions != 0)
            .filter_map(|i| {
                let d = query.origin.distance_m(self.facilities[i].position);
                (d <= reach_m).then_some((d, i))
            })
            .collect();
        hits.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then_with(|| self.facilities[a.1].id.cmp(&self.facilities[b.1].id))
        });
        hits.into_iter().map(|(_, i)| i as u32).collect()
    }
}

#[wasm_bindgen]
impl Finder {
    /// The timed "decode and index", from the body's bytes as the app reads
    /// a shard (`data::fetch_text`): UTF-8 checked in place, then
    /// `parse_feature_collection` and `SpatialIndex::new`. wasm-bindgen
    /// copies `bytes` into wasm memory on the way in.
    pub fn load(bytes: &[u8]) -> Result<Finder, JsError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| JsError::new(&format!("not UTF-8 at byte {}", e.valid_up_to())))?;
        Finder::from_text(text.strip_prefix('\u{feff}').unwrap_or(text))
            .map_err(|e| JsError::new(&e))
    }

    /// How many facilities were loaded.
    pub fn count(&self) -> usize {
        self.facilities.len()
    }

    /// Milliseconds of the last load spent in `parse_feature_collection`.
    pub fn parse_ms(&self) -> f64 {
        self.parse_ms
    }

    /// Milliseconds of the last load spent in `SpatialIndex::new`.
    pub fn index_ms(&self) -> f64 {
        self.index_ms
    }

    /// Computes and keeps both masks, for [`Finder::query_masked`].
    pub fn keep_masks(&mut self) {
        self.function_masks = self.function_masks();
        self.open_masks = self.open_masks();
    }

    /// How many records were skipped for errors; the page refuses to
    /// compare when this is not 0, since indices would no longer line up
    /// with the features JavaScript parses.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The ids of the facilities at `indices`.
    pub fn ids(&self, indices: &[u32]) -> Vec<String> {
        indices
            .iter()
            .map(|&i| self.facilities[i as usize].id.clone())
            .collect()
    }

    /// Per facility, the functions it offers, as bits.
    pub fn function_masks(&self) -> Vec<u16> {
        self.facilities
            .iter()
            .map(|f| {
                f.services
                    .iter()
                    .fold(0, |mask, s| mask | function_bit(s.function))
            })
            .collect()
    }

    /// Per facility, the functions of its services that are open at the
    /// benchmark's fixed time by our opening-hours evaluator and holiday
    /// calendar, as bits: what the JavaScript peers filter "open now" by,
    /// since JavaScript has no evaluator for the calendar.
    pub fn open_masks(&self) -> Vec<u16> {
        let mut book = HoursBook::default();
        let now = bench_now();
        self.facilities
            .iter()
            .map(|f| {
                f.services.iter().fold(0, |mask, s| {
                    if book.status(&self.calendar, s, now).state == State::Open {
                        mask | function_bit(s.function)
                    } else {
                        mask
                    }
                })
            })
            .collect()
    }

    /// `count` seeded queries ([`plan`]), [`PLAN_STRIDE`] numbers each:
    /// longitude, latitude, function bits, walk minutes, senior (0 or 1),
    /// open now (0 or 1), reach in metres.
    pub fn plan(&self, count: usize) -> Vec<f64> {
        plan(&self.facilities, count)
            .iter()
            .flat_map(|q| {
                [
                    q.origin.lon,
                    q.origin.lat,
                    f64::from(q.functions),
                    f64::from(q.walk_minutes),
                    f64::from(u8::from(q.senior)),
                    f64::from(u8::from(q.open)),
                    q.reach_m(),
                ]
            })
            .collect()
    }

    /// One search, as [`Finder::run`]: facility indices, nearest first.
    pub fn query(
        &self,
        lon: f64,
        lat: f64,
        functions: u16,
        walk_minutes: u32,
        senior: bool,
        open: bool,
    ) -> Vec<u32> {
        self.run(&Query::from_page(
            lon,
            lat,
            functions,
            walk_minutes,
            senior,
            open,
        ))
    }

    /// The diagnostic [`Finder::run_masked`]: facility indices, nearest
    /// first.
    pub fn query_masked(
        &self,
        lon: f64,
        lat: f64,
        functions: u16,
        walk_minutes: u32,
        senior: bool,
        open: bool,
    ) -> Vec<u32> {
        self.run_masked(&Query::from_page(
            lon,
            lat,
            functions,
            walk_minutes,
            senior,
            open,
        ))
    }
}

/// The search file decoded and indexed, as the app loads a shard that has
/// one (`data::read_part`): the search runs on the keys, and no record is
/// parsed.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SearchFinder {
    index: SpatialIndex,
    calendar: HolidayCalendar,
    count: usize,
    decode_ms: f64,
    index_ms: f64,
    book: RefCell<HoursBook>,
}

#[wasm_bindgen]
impl SearchFinder {
    /// The timed "decode and index" of the app's way: `bytes` (the search
    /// file's body; wasm-bindgen copies them into wasm memory on the way
    /// in) decoded with `search_file::decode` and indexed with
    /// `search_file::index`.
    pub fn load(bytes: &[u8]) -> Result<SearchFinder, JsError> {
        let calendar =
            HolidayCalendar::from_json(HOLIDAYS).map_err(|e| JsError::new(&e.to_string()))?;
        let started = performance_now();
        let keys = search_file::decode(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        let decoded = performance_now();
        let count = keys.len();
        let index = search_file::index(&mut [keys]);
        let indexed = performance_now();
        Ok(SearchFinder {
            index,
            calendar,
            count,
            decode_ms: decoded - started,
            index_ms: indexed - decoded,
            book: RefCell::new(HoursBook::default()),
        })
    }

    /// How many facilities the search file describes.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Milliseconds of the load spent in `search_file::decode`.
    pub fn decode_ms(&self) -> f64 {
        self.decode_ms
    }

    /// Milliseconds of the load spent in `search_file::index`.
    pub fn index_ms(&self) -> f64 {
        self.index_ms
    }

    /// The ids of the facilities at `indices` (numbered in the search
    /// file's order, which is the grid's).
    pub fn ids(&self, indices: &[u32]) -> Vec<String> {
        indices
            .iter()
            .map(|&i| self.index.keys().id(i as usize).to_owned())
            .collect()
    }

    /// One search, as [`Finder::query`]: facility indices (in the search
    /// file's order), nearest first.
    pub fn query(
        &self,
        lon: f64,
        lat: f64,
        functions: u16,
        walk_minutes: u32,
        senior: bool,
        open: bool,
    ) -> Vec<u32> {
        let query = Query::from_page(lon, lat, functions, walk_minutes, senior, open);
        search(&self.index, &self.calendar, &self.book, &query)
    }
}

/// Runs `query` through `index` as the app does (`find_near`, opening hours
/// evaluated during the search through the dataset's `HoursBook`) and
/// returns the indices of the facilities found, nearest first, ties by id.
fn search(
    index: &SpatialIndex,
    calendar: &HolidayCalendar,
    book: &RefCell<HoursBook>,
    query: &Query,
) -> Vec<u32> {
    let mut book = book.borrow_mut();
    find_near(
        index,
        query.origin,
        &query.filters(),
        bench_now(),
        calendar,
        &mut book,
    )
    .iter()
    .map(|hit| hit.index as u32)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARD: &str = include_str!("../../../public/data/110101.geojson");

    #[test]
    fn masks_agree_with_the_finder() {
        let mut finder = Finder::from_text(SHARD).unwrap();
        finder.keep_masks();
        assert_eq!(finder.skipped, 0);
        let functions = finder.function_masks();
        let open = finder.open_masks();
        let mut found = 0;
        for query in plan(finder.facilities(), 40) {
            let wanted = if query.open { &open } else { &functions };
            let mut expected: Vec<(f64, &str, u32)> = finder
                .facilities()
                .iter()
                .enumerate()
                .filter(|(i, f)| {
                    wanted[*i] & query.functions != 0
                        && query.origin.distance_m(f.position) <= query.reach_m()
                })
                .map(|(i, f)| (query.origin.distance_m(f.position), f.id.as_str(), i as u32))
                .collect();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
            let expected: Vec<u32> = expected.into_iter().map(|e| e.2).collect();
            assert_eq!(finder.run(&query), expected, "{query:?}");
            assert_eq!(finder.run_masked(&query), expected, "{query:?}");
            found += expected.len();
        }
        assert!(found > 40, "the queries find something ({found})");
    }

    #[test]
    fn the_search_file_finds_what_the_parsed_shard_finds() {
        let finder = Finder::from_text(SHARD).unwrap();
        let file = search_file::encode(SHARD, &"0".repeat(64)).unwrap();
        let searched = SearchFinder::load(&file).unwrap();
        assert_eq!(searched.count(), finder.facilities().len());
        let mut found = 0;
        for q in plan(finder.facilities(), 40) {
            let ids = searched.query(
                q.origin.lon,
                q.origin.lat,
                q.functions,
                q.walk_minutes,
                q.senior,
                q.open,
            );
            assert_eq!(searched.ids(&ids), finder.ids(&finder.run(&q)), "{q:?}");
            found += ids.len();
        }
        assert!(found > 40, "the queries find something ({found})");
    }

    #[test]
    fn the_plan_is_seeded() {
        let finder = Finder::from_text(SHARD).unwrap();
        let plan = finder.plan(10);
        assert_eq!(plan.len(), 10 * PLAN_STRIDE);
        assert_eq!(plan, finder.plan(10));
        assert_eq!(plan[2], f64::from(ANY_FUNCTION));
    }
}
