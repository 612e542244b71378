//! The finder's speed in WebAssembly, in headless Chromium: 100,000
//! facilities, searched from 200 seeded points with the filters a resident
//! changes. Not a test: `cargo xtask bench` runs it (release build) and
//! prints the figures; nothing here asserts a time.
#![cfg(target_arch = "wasm32")]

use linli::data::Loaded;
use linli::rows::result_rows;
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::{Dataset, parse_feature_collection};
use linli_facilities::finder::{Filters, HoursBook, OpenAt, SearchKeys, find};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::index::SpatialIndex;
use linli_facilities::manifest::Manifest;
use linli_facilities::model::ServiceFunction;
use linli_facilities::seeded::SplitMix64;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Facilities in the benchmark.
const COUNT: usize = 100_000;
/// Query points.
const QUERIES: usize = 200;
/// Each query is repeated this many times and the batch timed, since
/// `performance.now()` is coarse (100 µs steps without cross-origin
/// isolation).
const REPEAT: usize = 10;

const SHARDS: [&str; 17] = [
    include_str!("../public/data/110101.geojson"),
    include_str!("../public/data/110102.geojson"),
    include_str!("../public/data/110105.geojson"),
    include_str!("../public/data/110106.geojson"),
    include_str!("../public/data/110107.geojson"),
    include_str!("../public/data/110108.geojson"),
    include_str!("../public/data/110109.geojson"),
    include_str!("../public/data/110111.geojson"),
    include_str!("../public/data/110112.geojson"),
    include_str!("../public/data/110113.geojson"),
    include_str!("../public/data/110114.geojson"),
    include_str!("../public/data/110115.geojson"),
    include_str!("../public/data/110115403.geojson"),
    include_str!("../public/data/110116.geojson"),
    include_str!("../public/data/110117.geojson"),
    include_str!("../public/data/110118.geojson"),
    include_str!("../public/data/110119.geojson"),
];

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The published sample, copied to [`COUNT`] facilities: each copy moved
/// up to about 4 km from its original, so that the city's clusters keep
/// their shape at a higher density.
fn dataset() -> Dataset {
    let mut base = Vec::new();
    for text in SHARDS {
        base.extend(
            parse_feature_collection(text)
                .expect("published shard")
                .facilities,
        );
    }
    let mut rng = SplitMix64::new(2026);
    let mut facilities = Vec::with_capacity(COUNT);
    for i in 0..COUNT {
        let mut f = base[i % base.len()].clone();
        f.id = format!("bench-{i:06}");
        f.position = LonLat::new(
            f.position.lon + (rng.unit() - 0.5) * 0.09,
            f.position.lat + (rng.unit() - 0.5) * 0.07,
        );
        facilities.push(f);
    }
    Dataset {
        sample: true,
        facilities,
        problems: Vec::new(),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    console_log!(
        "BENCH {name}: p50 {:.3} ms, p95 {:.3} ms, min {:.3} ms, max {:.3} ms, n {}",
        percentile(&samples, 0.5),
        percentile(&samples, 0.95),
        samples[0],
        samples[samples.len() - 1],
        samples.len()
    );
}

#[wasm_bindgen_test]
fn filtering_and_ranking_100k_facilities() {
    let manifest = r#"{"format":"linli-dataset/1","dataset_version":"bench","generated_at":"2026-11-27T00:00:00+08:00",
        "licence":"CC0-1.0","sample":true,"description":"bench","holidays":"holidays.json","schema":"schema.json","districts":[]}"#;
    let calendar =
        HolidayCalendar::from_json(include_str!("../public/data/holidays.json")).unwrap();
    let data = dataset();
    let started = now_ms();
    let index = SpatialIndex::new(&data.facilities);
    let index_ms = now_ms() - started;
    console_log!("BENCH index {COUNT} facilities (grid index and search keys): {index_ms:.1} ms");
    drop(index);
    // The keys for the full scan below, built once as the index builds
    // them once.
    let keys = SearchKeys::new(&data.facilities);

    // Query points: around the sample's facilities, so that searches find
    // something, as residents' do.
    let mut rng = SplitMix64::new(7);
    let facilities = &data.facilities;
    let origins: Vec<LonLat> = (0..QUERIES)
        .map(|_| {
            let f = &facilities[(rng.unit() * facilities.len() as f64) as usize];
            LonLat::new(
                f.position.lon + (rng.unit() - 0.5) * 0.01,
                f.position.lat + (rng.unit() - 0.5) * 0.01,
            )
        })
        .collect();
    let loaded = Loaded::new(Manifest::from_json(manifest).unwrap(), data, calendar);
    let now = chrono::NaiveDate::from_ymd_opt(2026, 10, 14)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    // The filter changes a resident makes, one per query in turn.
    let filters = |q: usize| Filters {
        functions: match q % 4 {
            0 => vec![],
            1 => vec![ServiceFunction::Meals],
            2 => vec![ServiceFunction::ElderCare],
            _ => vec![ServiceFunction::InfantCare],
        },
        walk_minutes: [15, 30, 10, 20, 5][q % 5],
        walking: if q.is_multiple_of(3) {
            WalkingModel::SENIOR
        } else {
            WalkingModel::STANDARD
        },
        open: if q.is_multiple_of(2) {
            OpenAt::At(now)
        } else {
            OpenAt::Any
        },
        ..Filters::default()
    };

    let mut rows_ms = Vec::with_capacity(QUERIES);
    let mut found = 0usize;
    for (q, &origin) in origins.iter().enumerate() {
        let f = filters(q);
        let start = now_ms();
        for _ in 0..REPEAT {
            found += result_rows(&loaded, origin, &f, now).len();
        }
        rows_ms.push((now_ms() - start) / REPEAT as f64);
    }
    console_log!(
        "BENCH mean results per query: {:.1}",
        found as f64 / (QUERIES * REPEAT) as f64
    );
    report(
        "app search (find_near + rows) per filter change, 100k",
        rows_ms,
    );

    let mut scan_ms = Vec::with_capacity(QUERIES / 4);
    for (q, &origin) in origins.iter().enumerate().step_by(4) {
        let f = filters(q);
        let start = now_ms();
        let hits = find(
            &keys,
            origin,
            &f,
            now,
            &loaded.calendar,
            &mut HoursBook::default(),
        );
        scan_ms.push(now_ms() - start);
        std::hint::black_box(hits);
    }
    report("full scan without the index (find), 100k", scan_ms);
}
