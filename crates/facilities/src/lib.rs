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
//! use linli_facilities::{dataset, geometry::{LonLat, WalkingModel}, model::ServiceFunction, search};
//!
//! let text = include_str!("../tests/fixtures/sample.geojson");
//! let data = dataset::parse_feature_collection(text).unwrap();
//! let query = search::Query {
//!     origin: LonLat::new(116.4170, 39.9290),
//!     function: Some(ServiceFunction::Meals),
//!     max_distance_m: None,
//!     walking: WalkingModel::SENIOR,
//! };
//! let hits = search::search(&data.facilities, &query);
//! assert!(hits.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
//! ```

pub mod calendar;
pub mod dataset;
pub mod districts;
pub mod finder;
pub mod geometry;
pub mod hours;
pub mod hours_text;
pub mod manifest;
pub mod model;
pub mod search;
