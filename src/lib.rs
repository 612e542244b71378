//! Linli 邻里: the resident-facing finder of Beijing's community embedded
//! service facilities, as a Leptos client-side app.
//!
//! Components live here so that browser tests can mount them; `main.rs`
//! only mounts [`App`]. Domain logic (parsing, distance, ranking) lives in
//! `linli_facilities`. Browser adapters sit at the edge: fetching data
//! ([`data`]), geolocation ([`geo`]), device storage ([`prefs`],
//! [`reports`]), speech ([`speech`]) and the URL ([`url_state`]). What the
//! pages show is computed by plain functions with native tests ([`rows`],
//! [`facility`], [`map`]); the components stay thin.

pub mod dashboard;
pub mod data;
pub mod facility;
pub mod finder;
pub mod geo;
pub mod i18n;
pub mod icons;
pub mod map;
pub mod num;
pub mod outbox;
pub mod picker;
pub mod prefs;
pub mod pwa;
pub mod reports;
pub mod rows;
pub mod speech;
pub mod survey;
pub mod url_state;

use leptos::prelude::*;
use linli_facilities::finder::WALK_MINUTES;
use linli_facilities::geometry::{LonLat, WalkingModel};

pub use crate::finder::Finder;

/// Where the dataset manifest is served, relative to the app.
pub const MANIFEST_URL: &str = "data/manifest.json";

/// How far the finder loads data: the longest walk it offers at the
/// standard speed, as a straight-line distance in metres (about 1.4 km).
pub fn search_radius_m() -> f64 {
    WalkingModel::STANDARD.reach_m(f64::from(WALK_MINUTES[WALK_MINUTES.len() - 1]))
}

/// The fixed position of the first slice, near Dongsi in Dongcheng (WGS-84).
pub const SAMPLE_ORIGIN: LonLat = LonLat::new(116.4170, 39.9290);

/// Runs `f` in a task of its own after the next frame is drawn.
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// The whole app, reading the published dataset from [`MANIFEST_URL`],
/// with the service worker that keeps it working offline ([`pwa`]).
#[component]
pub fn App() -> impl IntoView {
    pwa::register_service_worker();
    view! { <Finder manifest_url=MANIFEST_URL /> }
}
