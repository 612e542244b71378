//! The finder against JavaScript peers, side by side in one page (issue 7):
//! ours (the `linli-facilities` crate in wasm), peer A (`@turf/distance`
//! over every feature, `Array.filter`, `Array.sort`) and peer B (kdbush
//! with `geokdbush.around`), on the same seeded national dataset of
//! 100,000 facilities. Run by `cargo xtask bench peers`, which builds and
//! serves the benchmark page (`crates/bench-page`) and starts ChromeDriver.
//!
//! Before anything is timed, every query's ids must come back the same,
//! in the same order, from all three; the run fails otherwise. Prints the
//! figures as `BENCH` lines and writes the query time per dataset size to
//! `LINLI_PEERS_PLOT` (tab-separated) for xtask's plot. Asserts no time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use linli_e2e::{FinderPage, Setup, cdp, with_setup};
use linli_facilities::districts;
use linli_facilities::search_file;
use linli_facilities::seeded::SplitMix64;
use serde_json::{Value, json};
use sha2::Digest as _;

/// Facilities in the national dataset.
const NATIONAL: usize = 100_000;
/// Dataset sizes for the plot: prefixes of the national dataset.
const SIZES: [usize; 5] = [1_000, 3_000, 10_000, 30_000, NATIONAL];
/// Each query is repeated and the batch timed, since `performance.now()`
/// moves in 100 µs steps here: as many times as make a batch of a mean
/// query last this long (at least once; the page works out the count per
/// implementation).
const BATCH_MS: f64 = 5.0;
/// Timed decodes of the national dataset per implementation, at 1× and 4×.
const DECODES: [(u32, usize); 2] = [(1, 5), (4, 3)];

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this through `cargo xtask bench peers`"))
}

/// `value` moved back inside `[low, high]` by reflecting off the edge it
/// crossed, to 7 decimals (about 1 cm), so that every parser reads the
/// same `f64`.
fn reflect_into(value: f64, low: f64, high: f64) -> f64 {
    let inside = if value < low {
        2.0 * low - value
    } else if value > high {
        2.0 * high - value
    } else {
        value
    };
    ((inside.clamp(low, high)) * 1e7).round() / 1e7
}

/// The published sample (`public/data`, 3,000 facilities) copied to
/// `count` facilities as `tests/bench.rs` does: each copy moved up to about
/// 4 km, so that the city's clusters keep their shape at a higher density.
/// Unlike there, a copy that leaves its district's extent is reflected
/// back inside (the decoder rejects such records), and positions are
/// rounded to 7 decimals. One feature per line.
fn national_geojson(data: &Path, count: usize) -> String {
    let mut shards: Vec<PathBuf> = std::fs::read_dir(data)
        .expect("public/data")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "geojson"))
        .collect();
    shards.sort();
    let mut base: Vec<Value> = Vec::new();
    for shard in &shards {
        let text = std::fs::read_to_string(shard).expect("a published shard");
        base.extend(
            text.lines()
                .filter(|l| l.starts_with("{\"type\":\"Feature\""))
                .map(|l| serde_json::from_str(l.trim_end_matches(',')).expect("a feature")),
        );
    }
    assert!(!base.is_empty(), "no features in {}", data.display());
    let mut rng = SplitMix64::new(2026);
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"sample\":true,\"features\":[\n");
    for i in 0..count {
        let mut feature = base[i % base.len()].clone();
        let lon = feature["geometry"]["coordinates"][0].as_f64().expect("lon");
        let lat = feature["geometry"]["coordinates"][1].as_f64().expect("lat");
        let code = feature["properties"]["district_code"]
            .as_str()
            .expect("district_code");
        let [w, s, e, n] = districts::by_code(code).expect("a known district").bbox;
        let lon = reflect_into(lon + (rng.unit() - 0.5) * 0.09, w, e);
        let lat = reflect_into(lat + (rng.unit() - 0.5) * 0.07, s, n);
        feature["geometry"]["coordinates"] = json!([lon, lat]);
        feature["properties"]["id"] = json!(format!("bench-{i:06}"));
        out.push_str(&feature.to_string());
        out.push_str(if i + 1 < count { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    out
}

/// Failures are sentences; the run ends with the first one, after the
/// browser is closed (the release profile aborts on panic, which would
/// leave it running).
type Outcome<T> = Result<T, String>;

/// Runs `window.bench[name](...args)` in the page and returns its result,
/// or the page's error.
async fn step(page: &FinderPage, name: &str, args: Vec<Value>) -> Outcome<Value> {
    let script = "const done = arguments[arguments.length - 1];
        const [name, args] = [arguments[0], arguments[1]];
        Promise.resolve()
          .then(() => window.bench[name](...args))
          .then((ok) => done({ ok }), (e) => done({ error: String((e && e.stack) || e) }));";
    let answer = page
        .client
        .execute_async(script, vec![json!(name), json!(args)])
        .await
        .map_err(|e| format!("bench step {name}: {e}"))?;
    if let Some(error) = answer.get("error") {
        return Err(format!("bench step {name} failed in the page: {error}"));
    }
    Ok(answer["ok"].clone())
}

/// A DevTools command, or what went wrong.
async fn devtools(page: &FinderPage, cmd: &'static str, params: Value) -> Outcome<Value> {
    cdp(&page.client, cmd, params)
        .await
        .map_err(|e| format!("DevTools {cmd}: {e}"))
}

fn number(value: &Value, key: &str) -> Outcome<f64> {
    value[key]
        .as_f64()
        .ok_or_else(|| format!("no number {key} in {value}"))
}

fn numbers(value: &Value) -> Outcome<Vec<f64>> {
    let mut list = value
        .as_array()
        .ok_or_else(|| format!("not a list of times: {value}"))?
        .iter()
        .map(|v| v.as_f64().ok_or_else(|| format!("not a time: {v}")))
        .collect::<Outcome<Vec<f64>>>()?;
    if list.is_empty() {
        return Err("no times".into());
    }
    list.sort_by(f64::total_cmp);
    Ok(list)
}

/// The `p` quantile of sorted `list` (nearest rank).
fn at(list: &[f64], p: f64) -> f64 {
    list[((list.len() - 1) as f64 * p).round() as usize]
}

/// The median, min and max of `list` (not empty).
fn median(mut list: Vec<f64>) -> (f64, f64, f64) {
    list.sort_by(f64::total_cmp);
    (at(&list, 0.5), list[0], list[list.len() - 1])
}

const MIB: f64 = 1024.0 * 1024.0;

/// The page's memory after a full garbage collection: V8's heap and
/// backing stores (DevTools `Runtime.getHeapUsage`), and what the page
/// sees (`performance.memory`, the wasm memory).
async fn memory(page: &FinderPage) -> Outcome<(Value, Value)> {
    devtools(page, "HeapProfiler.collectGarbage", json!({})).await?;
    let usage = devtools(page, "Runtime.getHeapUsage", json!({})).await?;
    Ok((usage, step(page, "memory", vec![]).await?))
}

async fn throttle(page: &FinderPage, rate: u32) -> Outcome<()> {
    devtools(
        page,
        "Emulation.setCPUThrottlingRate",
        json!({ "rate": rate }),
    )
    .await
    .map(drop)
}

/// Loads `size` features into all three and checks that every query
/// gives the same ids, in the same order.
async fn load_and_check(page: &FinderPage, size: usize) -> Outcome<()> {
    let mut loaders = vec!["loadOurs", "loadPeers"];
    if size == NATIONAL {
        loaders.push("loadSearch");
    }
    for loader in loaders {
        let loaded = step(page, loader, vec![json!(size)]).await?;
        if number(&loaded, "count")? as usize != size {
            return Err(format!(
                "{loader} loaded {loaded}, expected {size} facilities"
            ));
        }
    }
    step(page, "prepare", vec![json!(size)]).await?;
    let checked = step(page, "check", vec![]).await?;
    let mismatched = number(&checked, "mismatched")?;
    if mismatched != 0.0 {
        return Err(format!(
            "the implementations disagree on {mismatched} of {} query answers at {size} facilities; first ones:\n{}",
            number(&checked, "queries")? * 3.0,
            serde_json::to_string_pretty(&checked["mismatches"]).unwrap_or_default()
        ));
    }
    let with_search = if checked["searchChecked"] == json!(true) {
        ", ours through the search file"
    } else {
        ""
    };
    println!(
        "BENCH peers ids, {size} facilities: ours, A, B{with_search} and the masked diagnostic agree on all {} queries (same ids, same order; {:.1} results per query)",
        number(&checked, "queries")?,
        number(&checked, "meanResults")?
    );
    Ok(())
}

/// Times the queries at the current throttling rate; returns the p50 of
/// ours, A and B.
async fn time_queries(page: &FinderPage, size: usize, rate: u32) -> Outcome<[f64; 3]> {
    let timed = step(page, "time", vec![json!(BATCH_MS)]).await?;
    let mut lists = Vec::new();
    let mut lines = Vec::new();
    for key in ["ours", "a", "b", "masked"] {
        let list = numbers(&timed[key])?;
        lines.push(format!(
            "p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms ({}x per batch)",
            at(&list, 0.5),
            at(&list, 0.95),
            list[list.len() - 1],
            number(&timed["repeat"], key)?
        ));
        lists.push(list);
    }
    let [ours, a, b, _] = &lists[..] else {
        unreachable!("four lists")
    };
    println!(
        "BENCH peers query, {size} facilities, CPU {rate}x: ours {}; A (turf+filter+sort) {}; B (kdbush+geokdbush) {}; n {}",
        lines[0],
        lines[1],
        lines[2],
        ours.len()
    );
    println!(
        "BENCH peers diagnostic, {size} facilities, CPU {rate}x: our grid index filtered by the peers' masks (no hours evaluated) {}",
        lines[3]
    );
    let (o50, o95) = (at(ours, 0.5), at(ours, 0.95));
    println!(
        "BENCH peers ratios, {size} facilities, CPU {rate}x: A/ours p50 {:.1}x p95 {:.1}x; B/ours p50 {:.2}x p95 {:.2}x (targets: ours p50 <= 1 ms, A/ours >= 20x, B/ours >= 1x)",
        at(a, 0.5) / o50,
        at(a, 0.95) / o95,
        at(b, 0.5) / o50,
        at(b, 0.95) / o95
    );
    Ok([o50, at(a, 0.5), at(b, 0.5)])
}

/// The times of one load: total, parse, index (ms).
fn load_times(loaded: &Value) -> Outcome<[f64; 3]> {
    Ok([
        number(loaded, "ms")?,
        number(loaded, "parseMs")?,
        number(loaded, "indexMs")?,
    ])
}

/// The times of one load through the search file: total, decode, index
/// (ms).
fn search_times(loaded: &Value) -> Outcome<[f64; 3]> {
    Ok([
        number(loaded, "ms")?,
        number(loaded, "decodeMs")?,
        number(loaded, "indexMs")?,
    ])
}

/// One decode of each: ours from the GeoJSON body (total, parse, index),
/// the peers' from the same bytes (total, `JSON.parse`, kdbush; the rest
/// is `TextDecoder`), and ours through the search file (total, decode,
/// index), in ms.
async fn decode_once(page: &FinderPage) -> Outcome<[[f64; 3]; 3]> {
    let ours = step(page, "loadOurs", vec![json!(NATIONAL)]).await?;
    let peers = step(page, "loadPeers", vec![json!(NATIONAL)]).await?;
    let searched = step(page, "loadSearch", vec![]).await?;
    Ok([
        load_times(&ours)?,
        load_times(&peers)?,
        search_times(&searched)?,
    ])
}

/// Prints the medians and ranges of `rounds` decodes at one rate.
fn report_decodes(rate: u32, rounds: &[[[f64; 3]; 3]]) {
    let stat = |who: usize, part: usize| median(rounds.iter().map(|r| r[who][part]).collect());
    let (o, omin, omax) = stat(0, 0);
    let (p, pmin, pmax) = stat(1, 0);
    println!(
        "BENCH peers decode+index {NATIONAL} facilities, CPU {rate}x: from the body's bytes: ours (UTF-8 check + parse_feature_collection + SpatialIndex::new) median {o:.0} ms ({omin:.0} … {omax:.0}; bytes into wasm and UTF-8 check {:.0} + parse {:.0} + index {:.0}); peer (TextDecoder + JSON.parse + kdbush) median {p:.0} ms ({pmin:.0} … {pmax:.0}; TextDecoder {:.0} + JSON.parse {:.0} + kdbush {:.0}); peer/ours {:.2}x; n {} (targets: ours <= 150 ms, peer/ours >= 3x)",
        median(rounds.iter().map(|r| r[0][0] - r[0][1] - r[0][2]).collect()).0,
        stat(0, 1).0,
        stat(0, 2).0,
        median(rounds.iter().map(|r| r[1][0] - r[1][1] - r[1][2]).collect()).0,
        stat(1, 1).0,
        stat(1, 2).0,
        p / o,
        rounds.len()
    );
    let (s, smin, smax) = stat(2, 0);
    println!(
        "BENCH peers decode+index {NATIONAL} facilities, CPU {rate}x: ours as the app loads (the search file's bytes into wasm + search_file::decode + search_file::index; records parsed only when shown) median {s:.0} ms ({smin:.0} … {smax:.0}; bytes in {:.1} + decode {:.1} + index {:.1}); peer (TextDecoder + JSON.parse + kdbush) median {p:.0} ms; peer/ours {:.1}x; n {} (targets: ours <= 150 ms, peer/ours >= 3x)",
        median(rounds.iter().map(|r| r[2][0] - r[2][1] - r[2][2]).collect()).0,
        stat(2, 1).0,
        stat(2, 2).0,
        p / s,
        rounds.len()
    );
}

/// The whole benchmark in the open page; returns the plot data.
async fn bench(page: &FinderPage) -> Outcome<String> {
    page.client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(3 * 3600)),
            None,
            None,
        ))
        .await
        .map_err(|e| format!("script timeout: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while page
        .client
        .execute("return window.benchReady === true", vec![])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        != Some(true)
    {
        if Instant::now() > deadline {
            return Err("the benchmark page did not load within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let loaded = step(page, "setup", vec![]).await?;
    if number(&loaded, "features")? as usize != NATIONAL {
        return Err(format!(
            "the page read {loaded}, expected {NATIONAL} features"
        ));
    }

    // Memory after loading, and the first decode of each. The search
    // file's way goes first: wasm memory never shrinks, so what it keeps
    // can only be read before the GeoJSON is loaded.
    let (_, before) = memory(page).await?;
    let search_first = search_times(&step(page, "loadSearch", vec![]).await?)?;
    let (_, searched) = memory(page).await?;
    println!(
        "BENCH peers memory after loading {NATIONAL} facilities through the search file: ours {:.1} MiB wasm memory ({:.1} MiB before loading; the search file's copy included)",
        number(&searched, "wasmBytes")? / MIB,
        number(&before, "wasmBytes")? / MIB,
    );
    let (heap0, page0) = memory(page).await?;
    let ours_first = load_times(&step(page, "loadOurs", vec![json!(NATIONAL)]).await?)?;
    let (heap1, page1) = memory(page).await?;
    let peers_first = load_times(&step(page, "loadPeers", vec![json!(NATIONAL)]).await?)?;
    let (heap2, page2) = memory(page).await?;
    let v8 = |h: &Value| {
        h["usedSize"].as_f64().unwrap_or(f64::NAN)
            + h["backingStorageSize"].as_f64().unwrap_or(f64::NAN)
    };
    let js = |p: &Value| p["usedJSHeapSize"].as_f64().unwrap_or(f64::NAN);
    println!(
        "BENCH peers memory after loading {NATIONAL} facilities from the GeoJSON: ours {:.1} MiB wasm memory (byteLength; {:.1} MiB before loading, with the search file's way loaded; wasm memory never shrinks, so this includes the freed copy of the body) and {:+.1} MiB JS heap; peers {:+.1} MiB JS heap (parsed features and kdbush, Runtime.getHeapUsage after a full GC)",
        number(&page1, "wasmBytes")? / MIB,
        number(&page0, "wasmBytes")? / MIB,
        (v8(&heap1) - v8(&heap0)) / MIB,
        (v8(&heap2) - v8(&heap1)) / MIB,
    );
    println!(
        "BENCH peers memory as the page sees it (performance.memory.usedJSHeapSize): {:.1} MiB with the body only, {:.1} MiB with ours loaded, {:.1} MiB with ours and the peers loaded",
        js(&page0) / MIB,
        js(&page1) / MIB,
        js(&page2) / MIB,
    );

    for (rate, count) in DECODES {
        throttle(page, rate).await?;
        let mut rounds = Vec::new();
        if rate == 1 {
            rounds.push([ours_first, peers_first, search_first]);
        }
        while rounds.len() < count {
            rounds.push(decode_once(page).await?);
        }
        report_decodes(rate, &rounds);
    }
    throttle(page, 1).await?;

    // The national dataset at 1× and 4×, then the smaller ones at 1×.
    let mut rows = Vec::new();
    load_and_check(page, NATIONAL).await?;
    let national = time_queries(page, NATIONAL, 1).await?;
    throttle(page, 4).await?;
    time_queries(page, NATIONAL, 4).await?;
    throttle(page, 1).await?;
    for size in SIZES.into_iter().filter(|&s| s != NATIONAL) {
        load_and_check(page, size).await?;
        rows.push((size, time_queries(page, size, 1).await?));
    }
    rows.push((NATIONAL, national));
    let mut tsv = String::from("# facilities\tours_p50_ms\tturf_p50_ms\tkdbush_p50_ms\n");
    for (size, [o, a, b]) in rows {
        let _ = writeln!(tsv, "{size}\t{o:.4}\t{a:.4}\t{b:.4}");
    }
    Ok(tsv)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = PathBuf::from(env("LINLI_BENCH_DIR"));
    let plot = PathBuf::from(env("LINLI_PEERS_PLOT"));
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let dataset = dir.join("national.geojson");
    let text = national_geojson(&data, NATIONAL);
    std::fs::write(&dataset, &text).expect("write the national dataset");
    // The search file, as `datatool` publishes one beside each shard.
    let search = dir.join("national.search");
    let sha256 = format!("{:x}", sha2::Sha256::digest(text.as_bytes()));
    let file = search_file::encode(&text, &sha256).expect("the national dataset is a collection");
    std::fs::write(&search, &file).expect("write the national search file");
    println!(
        "peers: national dataset of {NATIONAL} facilities, {:.1} MB of GeoJSON and a {:.1} MB search file",
        text.len() as f64 / 1e6,
        file.len() as f64 / 1e6
    );
    drop(text);

    let outcome = Arc::new(Mutex::new(Err("the benchmark did not run".to_owned())));
    let result = Arc::clone(&outcome);
    with_setup(Setup::default(), |page| async move {
        let tsv = bench(&page).await;
        *result.lock().expect("one writer") = tsv;
    })
    .await;
    let _ = std::fs::remove_file(&dataset);
    let _ = std::fs::remove_file(&search);
    let outcome = outcome.lock().expect("one writer").clone();
    match outcome {
        Ok(tsv) => std::fs::write(&plot, tsv).expect("write the plot data"),
        Err(failure) => {
            eprintln!("peers: {failure}");
            std::process::exit(1);
        }
    }
}
