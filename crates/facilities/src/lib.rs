//! Pure domain logic for Linli 邻里, the finder of Beijing's community
//! embedded service facilities (社区嵌入式服务设施).
//!
//! The crate reads the published GeoJSON dataset, validates each record,
//! measures straight-line distance and estimated walking time, and filters
//! and ranks facilities for a resident's position. It does no IO and never
//! reads the clock: callers pass in text, positions and times. It builds for
//! native targets (tests, tools, the collector) and for `wasm32` (the app).
//!
//! ```
//! use chrono::NaiveDate;
//! use linli_facilities::calendar::HolidayCalendar;
//! use linli_facilities::dataset::parse_feature_collection;
//! use linli_facilities::finder::{find, Filters, HoursBook, SearchKeys};
//! use linli_facilities::geometry::{LonLat, WalkingModel};
//! use linli_facilities::model::ServiceFunction;
//!
//! let data = parse_feature_collection(include_str!("../tests/fixtures/sample.geojson")).unwrap();
//! let calendar = HolidayCalendar::from_json(include_str!("../../../public/data/holidays.json")).unwrap();
//! // Meals within a 20-minute walk at the senior speed, at noon on a Wednesday.
//! let filters = Filters {
//!     functions: vec![ServiceFunction::Meals],
//!     walk_minutes: 20,
//!     walking: WalkingModel::SENIOR,
//!     ..Filters::default()
//! };
//! let now = NaiveDate::from_ymd_opt(2026, 10, 14).unwrap().and_hms_opt(12, 0, 0).unwrap();
//! let hits = find(&SearchKeys::new(&data.facilities), LonLat::new(116.4170, 39.9290), &filters, now, &calendar, &mut HoursBook::default());
//! assert!(hits.iter().map(|h| h.walk_minutes).is_sorted());
//! assert_eq!(data.facilities[hits.get(0).unwrap().index].id, "lc-sample-001");
//! ```

pub mod calendar;
pub mod dataset;
pub mod date;
pub mod districts;
pub mod finder;
pub mod geometry;
pub mod hours;
pub mod hours_text;
pub mod index;
pub mod manifest;
pub mod model;
pub mod places;
pub mod search_file;
pub mod seeded;

/// Sorts a short slice (a day's opening-hours pieces, a holiday's dates, a
/// district's shards) in place, stably, by `less`. Insertion sort: O(n²),
/// so only for slices of a few dozen items; each use of the standard
/// library's sorts adds kilobytes of code to the WebAssembly app.
///
/// ```
/// let mut v = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
/// linli_facilities::sort_short_by(&mut v, |a, b| a.0 < b.0);
/// assert_eq!(v, [(1, 'b'), (2, 'd'), (3, 'a'), (3, 'c')]);
/// ```
pub fn sort_short_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}
