//! `cargo xtask bench lighthouse`: Lighthouse 12.8 (from npm, in
//! `xtask/lighthouse/`, installed there on first use) against the release
//! build served by the collector, mobile profile (Lighthouse's default:
//! a mid-range phone on a slow 4G connection, simulated), five runs per
//! page; prints the medians.

use std::path::Path;
use std::process::Command;

use crate::bench::ReleaseCollector;
use crate::tools::Tools;
use crate::util::{Project, Result, run};

/// The pages measured: the first visit, and a shared link with a position
/// (the finder showing results; the position in the fragment, where the
/// app writes it, so that the link is not rewritten on load).
const PAGES: [(&str, &str); 2] = [
    ("start page", ""),
    (
        "shared link with a position",
        "#pos=116.41700,39.92900&src=map",
    ),
];

/// Runs of each page; the median is reported. Lighthouse simulates the
/// throttled load from one recorded at full speed, and its blocking time
/// moved by more than 100 ms between runs of one build, so a median of
/// three could land on either side of a target.
const RUNS: usize = 5;

/// How many times one run is repeated when Lighthouse itself fails.
const MAX_REPEATS: usize = 2;

/// Reads the figures out of a Lighthouse JSON report, with Node (xtask
/// itself has no JSON parser): performance score, accessibility score,
/// LCP, TBT and CLS, and Lighthouse's benchmark index of the host's CPU
/// (its CPU slowdown is relative to the host, so the blocking time of one
/// build differs between machines; the index tells them apart).
const EXTRACT: &str = "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
const a = (id) => r.audits[id].numericValue;
console.log([r.categories.performance.score * 100, r.categories.accessibility.score * 100,
  a('largest-contentful-paint'), a('total-blocking-time'), a('cumulative-layout-shift'),
  r.environment.benchmarkIndex, r.lighthouseVersion].join(' '));";

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

pub fn run_all(project: &Project, tools: &Tools) -> Result<Vec<String>> {
    let dir = project.root.join("xtask").join("lighthouse");
    let bin = dir.join("node_modules").join(".bin").join("lighthouse");
    if !bin.exists() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir))?;
    }
    ReleaseCollector::build(project)?;
    let data = std::env::temp_dir().join(format!("linli-lighthouse-{}", std::process::id()));
    let collector = ReleaseCollector::start(project, data.clone(), true)?;
    measure(&bin, &tools.chromium, &collector.addr, &data)
}

fn measure(bin: &Path, chromium: &Path, addr: &str, scratch: &Path) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for (name, link) in PAGES {
        let url = format!("http://{addr}/{link}");
        let mut runs: Vec<Vec<f64>> = Vec::new();
        let mut version = String::new();
        let mut repeated = 0;
        for i in 0..RUNS {
            let report = scratch.join(format!("report-{i}.json"));
            let profile = scratch.join(format!("profile-{i}"));
            let flags = format!(
                "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --user-data-dir={}",
                profile.display()
            );
            // Lighthouse now and then fails to record a load (its
            // `NO_NAVSTART`); such a run is repeated, at most twice, and
            // the repeats are counted in the figures' line.
            let mut attempt = 0;
            loop {
                let _ = std::fs::remove_dir_all(&profile);
                let result = run(Command::new(bin)
                    .arg(&url)
                    .args([
                        "--quiet",
                        "--output=json",
                        "--only-categories=performance,accessibility",
                    ])
                    .arg(format!("--output-path={}", report.display()))
                    .arg(format!("--chrome-flags={flags}"))
                    .env("CHROME_PATH", chromium));
                match result {
                    Ok(()) => break,
                    Err(e) if attempt < MAX_REPEATS => {
                        eprintln!("lighthouse: {name}, run {}: {e}; repeating it", i + 1);
                        attempt += 1;
                        repeated += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            let out = Command::new("node")
                .args(["-e", EXTRACT])
                .arg(&report)
                .output()
                .map_err(|e| format!("node: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let parts: Vec<&str> = text.split_whitespace().collect();
            if parts.len() != 7 {
                return Err(format!("could not read {}: {text}", report.display()));
            }
            version = parts[6].to_owned();
            runs.push(
                parts[..6]
                    .iter()
                    .map(|p| p.parse().unwrap_or(f64::NAN))
                    .collect(),
            );
        }
        let column = |i: usize| median(runs.iter().map(|r| r[i]).collect());
        let (perf, perf_lo, perf_hi) = column(0);
        let (a11y, _, _) = column(1);
        let (lcp, lcp_lo, lcp_hi) = column(2);
        let (tbt, tbt_lo, tbt_hi) = column(3);
        let (cls, _, cls_hi) = column(4);
        let (index, index_lo, index_hi) = column(5);
        lines.push(format!(
            "lighthouse {version} mobile, {name}: performance {perf:.0} (min {perf_lo:.0}, max {perf_hi:.0}), accessibility {a11y:.0}, LCP {lcp:.0} ms ({lcp_lo:.0}–{lcp_hi:.0}), TBT {tbt:.0} ms ({tbt_lo:.0}–{tbt_hi:.0}), CLS {cls:.3} (max {cls_hi:.3}); host CPU benchmark index {index:.0} ({index_lo:.0}–{index_hi:.0}); median of {RUNS}; {repeated} run(s) repeated after a Lighthouse error"
        ));
    }
    Ok(lines)
}
