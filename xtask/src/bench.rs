//! `cargo xtask bench`: the benchmarks, in headless Chromium, with their
//! figures printed at the end. Nothing here asserts a time; the figures go
//! into docs/benchmarks.md by hand, with the machine they came from.
//!
//! 1. The finder in WebAssembly over 100,000 facilities (`tests/bench.rs`,
//!    release build, run by wasm-bindgen-test-runner).
//! 2. A filter change to the next frame in the release app, at 1× and 4×
//!    CPU slowdown (`tests/e2e/src/bin/repaint.rs`), and the main thread's
//!    blocking time on a first visit at 4× (`tests/e2e/src/bin/startup.rs`).
//! 3. The app shell's size after wasm-opt and brotli (`dist/`).
//! 4. The collector under 200 concurrent submitters for 60 s on SQLite
//!    (`crates/collector/src/bin/load.rs`).
//! 5. Aggregating a city's answers natively: 1,000,000 and 20,000 seeded
//!    answers parsed, counted and published with disclosure control
//!    (`crates/collector/src/bin/aggregate.rs`).
//! 6. The staff dashboard over a district of 100,000 answers, from page
//!    load to drawn (`tests/e2e/src/bin/dashboard.rs`, data from
//!    `crates/collector/src/bin/seed.rs`).
//! 7. The finder against JavaScript peers (turf; kdbush with geokdbush)
//!    in one page over 100,000 facilities, and the plot `docs/peers.svg`
//!    (`crates/bench-page`, `tests/e2e/src/bin/peers.rs`).
//!
//! 8. Lighthouse 12.8, mobile profile, against the release build served by
//!    the collector (`xtask/src/lighthouse.rs`).
//!
//! `cargo xtask bench wasm|repaint|startup|size|collector|aggregate|dashboard|peers|lighthouse`
//! runs one of them.

use std::process::Command;

use crate::serve::StaticServer;
use crate::test::ChromeDriver;
use crate::tools;
use crate::util::{Project, Result, probe, run_lines, show};

pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let only = args.first().map(String::as_str);
    const BENCHES: [&str; 9] = [
        "wasm",
        "repaint",
        "startup",
        "size",
        "collector",
        "aggregate",
        "dashboard",
        "peers",
        "lighthouse",
    ];
    if let Some(other) = only.filter(|o| !BENCHES.contains(o)) {
        return Err(format!(
            "unknown benchmark `{other}`; choose one of {}",
            BENCHES.join(", ")
        ));
    }
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    let tools = tools::setup(project)?;
    let mut figures = Vec::new();
    if wanted("wasm") {
        figures.extend(bench_lines(
            project
                .command("cargo")
                .args(["test", "--release", "--package", "linli"])
                .args([
                    "--target",
                    "wasm32-unknown-unknown",
                    "--test",
                    "bench",
                    "--",
                    "--nocapture",
                ])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    &tools.test_runner,
                )
                .env("CHROMEDRIVER", &tools.chromedriver)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "600"),
        )?);
    }
    let in_browser = ["repaint", "startup"];
    if in_browser.into_iter().any(wanted)
        || wanted("size")
        || wanted("dashboard")
        || wanted("lighthouse")
    {
        tools::dist(project, &tools)?;
    }
    if in_browser.into_iter().any(wanted) {
        let server = StaticServer::start(project.dist(), "127.0.0.1:0")?;
        let driver = ChromeDriver::start(&tools)?;
        for bin in in_browser.into_iter().filter(|b| wanted(b)) {
            figures.extend(bench_lines(&mut browser_bench(
                project,
                &tools,
                &driver,
                bin,
                &server.url(),
            ))?);
        }
    }
    if wanted("size") {
        figures.extend(shell_size(project)?);
    }
    if wanted("collector") {
        figures.extend(collector_load(project)?);
    }
    if wanted("aggregate") {
        let places = project.root.join("public/data/places.json");
        for count in ["1000000", "20000"] {
            figures.extend(bench_lines(
                project
                    .command("cargo")
                    .args([
                        "run",
                        "--release",
                        "--quiet",
                        "--package",
                        "linli-collector",
                    ])
                    .args(["--bin", "aggregate", "--"])
                    .arg(&places)
                    .args([count, "5"]),
            )?);
        }
    }
    if wanted("dashboard") {
        figures.extend(dashboard(project, &tools)?);
    }
    if wanted("lighthouse") {
        figures.extend(crate::lighthouse::run_all(project, &tools)?);
    }
    if wanted("peers") {
        figures.extend(peers::run_all(project, &tools)?);
    }
    eprintln!("\nFigures:");
    for line in &figures {
        eprintln!("  {line}");
    }
    Ok(())
}

/// 200 concurrent submitters for 60 s against the collector (release
/// build) on a fresh SQLite file, then a count of confirmed ids against
/// stored rows (`crates/collector/src/bin/load.rs`).
fn collector_load(project: &Project) -> Result<Vec<String>> {
    ReleaseCollector::build(project)?;
    let data = std::env::temp_dir().join(format!("linli-load-{}", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", data.join("linli.db").display());
    let collector = ReleaseCollector::start(project, data, false)?;
    bench_lines(
        Command::new(project.target_dir().join("release").join("load")).args([
            collector.addr.as_str(),
            url.as_str(),
            "200",
            "60",
        ]),
    )
}

/// The staff dashboard over a district of 100,000 seeded answers: a fresh
/// SQLite file filled by `seed`, the release collector serving `dist/`, a
/// district token, and `tests/e2e/src/bin/dashboard.rs` in headless
/// Chromium.
fn dashboard(project: &Project, tools: &tools::Tools) -> Result<Vec<String>> {
    use crate::util::run;
    const ANSWERS: &str = "100000";
    ReleaseCollector::build(project)?;
    let release = project.target_dir().join("release");
    let data = std::env::temp_dir().join(format!("linli-dashboard-{}", std::process::id()));
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let url = format!("sqlite://{}?mode=rwc", data.join("linli.db").display());
    let places = project.root.join("public/data/places.json");
    let places = places.to_string_lossy();
    run(Command::new(release.join("seed")).args([url.as_str(), "110108", ANSWERS, &places]))?;
    let made = Command::new(release.join("collector"))
        .args([
            "token",
            "create",
            "--district",
            "110108",
            "--label",
            "benchmark",
            "--data-dir",
        ])
        .arg(&data)
        .output()
        .map_err(|e| format!("collector token create: {e}"))?;
    if !made.status.success() {
        return Err(String::from_utf8_lossy(&made.stderr).into_owned());
    }
    let token = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    let collector = ReleaseCollector::start(project, data, true)?;
    let driver = ChromeDriver::start(tools)?;
    let app = format!("http://{}/", collector.addr);
    bench_lines(
        browser_bench(project, tools, &driver, "dashboard", &app)
            .env("LINLI_STAFF_TOKEN", &token)
            .env("LINLI_BENCH_ANSWERS", ANSWERS),
    )
}

/// A release collector on a free port, with its data in `data`; killed,
/// and the data removed, when dropped.
pub struct ReleaseCollector {
    child: std::process::Child,
    /// Where it listens, `127.0.0.1:port`.
    pub addr: String,
    data: std::path::PathBuf,
}

impl ReleaseCollector {
    /// Builds the collector's release binaries: the server and the
    /// benchmark tools beside it (`load`, `seed`, `aggregate`).
    pub fn build(project: &Project) -> Result<()> {
        crate::util::run(project.command("cargo").args([
            "build",
            "--release",
            "--package",
            "linli-collector",
            "--bins",
        ]))
    }

    /// Starts `target/release/collector` (built by [`ReleaseCollector::build`]), serving
    /// `dist/` when `serve_dist`, and waits until it listens.
    pub fn start(project: &Project, data: std::path::PathBuf, serve_dist: bool) -> Result<Self> {
        let addr = format!("127.0.0.1:{}", crate::util::free_port()?);
        let mut command = Command::new(project.target_dir().join("release").join("collector"));
        command
            .args(["--addr", &addr, "--rate-limit", "0", "--data-dir"])
            .arg(&data);
        if serve_dist {
            command.arg("--dist").arg(project.dist());
        }
        let child = command
            .env("RUST_LOG", "error")
            .spawn()
            .map_err(|e| format!("could not start the collector: {e}"))?;
        let collector = ReleaseCollector { child, addr, data };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(&collector.addr).is_err() {
            if std::time::Instant::now() > deadline {
                return Err(format!(
                    "the collector did not listen on {} within 30 s",
                    collector.addr
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Ok(collector)
    }
}

impl Drop for ReleaseCollector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// `cargo run --release -p linli-e2e --bin <bin>`: a benchmark driving
/// headless Chromium through `driver` against `app_url`.
fn browser_bench(
    project: &Project,
    tools: &tools::Tools,
    driver: &ChromeDriver,
    bin: &str,
    app_url: &str,
) -> Command {
    let mut command = project.command("cargo");
    command
        .args(["run", "--release", "--package", "linli-e2e", "--bin", bin])
        .env("LINLI_APP_URL", app_url)
        .env("LINLI_WEBDRIVER_URL", driver.url())
        .env("LINLI_CHROMIUM", &tools.chromium);
    command
}

/// Runs `cmd`, passing its output through, and returns its `BENCH` lines.
fn bench_lines(cmd: &mut Command) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let status = run_lines(cmd, |line| {
        if let Some(at) = line.find("BENCH ") {
            found.push(line[at + "BENCH ".len()..].trim().to_owned());
        }
    })?;
    if !status.success() {
        return Err(format!("`{}` failed ({status})", show(cmd)));
    }
    if found.is_empty() {
        return Err(format!("`{}` printed no figures", show(cmd)));
    }
    Ok(found)
}

/// The size of each shell file in `dist/` raw and compressed with brotli
/// (quality 11, as a server would precompress), and the total. The split
/// pages' modules (`split_*.wasm` and the code they share, `chunk_*.wasm`;
/// see `split.rs`) are listed apart: the first download leaves them out.
fn shell_size(project: &Project) -> Result<Vec<String>> {
    if probe(Command::new("brotli").arg("--version")).is_none() {
        tools::apt_install(&["brotli"], "brotli (to measure the app shell)")?;
    }
    let dist = project.dist();
    let entries = std::fs::read_dir(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut lines = Vec::new();
    let mut total = 0u64;
    let mut later = 0u64;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let shell = [".wasm", ".js", ".css", ".html"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if !path.is_file() || !shell || name == "elder.html" {
            continue;
        }
        let raw = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
        let out = Command::new("brotli")
            .args(["-q", "11", "-c"])
            .arg(&path)
            .output()
            .map_err(|e| format!("brotli (apt-get install brotli): {e}"))?;
        let compressed = out.stdout.len() as u64;
        if name.starts_with("split_") || name.starts_with("chunk_") {
            later += compressed;
            names.push(format!(
                "split page module {name}: {raw} B, {compressed} B brotli"
            ));
        } else {
            total += compressed;
            names.push(format!("shell file {name}: {raw} B, {compressed} B brotli"));
        }
    }
    names.sort();
    lines.extend(names);
    lines.push(format!(
        "app shell total: {total} B brotli ({} KB)",
        total / 1024
    ));
    lines.push(format!(
        "split page modules, fetched after the page has loaded: {later} B brotli ({} KB)",
        later / 1024
    ));
    Ok(lines)
}

/// The finder against JavaScript peers in one page (issue 7): builds the
/// benchmark page (`crates/bench-page`: the crate in wasm through
/// wasm-bindgen, the peers bundled from node_modules by esbuild) into
/// `target/bench-page/`, serves it, runs `tests/e2e/src/bin/peers.rs` in
/// headless Chromium and draws `docs/peers.svg` from the query times it
/// writes.
mod peers {
    use std::fmt::Write as _;
    use std::process::Command;

    use super::bench_lines;
    use crate::serve::StaticServer;
    use crate::test::ChromeDriver;
    use crate::tools::Tools;
    use crate::util::{Project, Result, probe, run};

    pub fn run_all(project: &Project, tools: &Tools) -> Result<Vec<String>> {
        let out = project.target_dir().join("bench-page");
        let web = project.root.join("crates/bench-page/web");
        run(project.command("cargo").args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--package",
            "linli-bench-page",
        ]))?;
        if out.exists() {
            std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        let wasm = project
            .target_dir()
            .join("wasm32-unknown-unknown/release/linli_bench_page.wasm");
        run(project
            .command(tools.test_runner.with_file_name("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&out)
            .arg(&wasm))?;
        run(project
            .command(project.node_bin().join("esbuild"))
            .arg(web.join("peers.js"))
            .args(["--bundle", "--format=esm", "--log-level=warning"])
            .arg(format!("--outfile={}", out.join("peers.js").display())))?;
        for file in ["index.html", "bench.js"] {
            std::fs::copy(web.join(file), out.join(file))
                .map_err(|e| format!("{}: {e}", web.join(file).display()))?;
        }
        let plot = out.join("plot.tsv");
        let server = StaticServer::start(out.clone(), "127.0.0.1:0")?;
        let driver = ChromeDriver::start(tools)?;
        let figures = bench_lines(
            super::browser_bench(project, tools, &driver, "peers", &server.url())
                .env("LINLI_BENCH_DIR", &out)
                .env("LINLI_PEERS_PLOT", &plot),
        );
        drop(driver);
        drop(server);
        // The dataset is 150 MB; the driver removes it, unless it failed.
        let _ = std::fs::remove_file(out.join("national.geojson"));
        let figures = figures?;
        let data =
            std::fs::read_to_string(&plot).map_err(|e| format!("{}: {e}", plot.display()))?;
        let rows = parse_rows(&data)?;
        let svg = plot_svg(&rows, &caption(tools));
        let target = project.root.join("docs/peers.svg");
        std::fs::write(&target, svg).map_err(|e| format!("{}: {e}", target.display()))?;
        eprintln!("peers: wrote {}", target.display());
        Ok(figures)
    }

    /// Dataset size and p50 query time in ms of ours, peer A and peer B.
    type Row = (f64, [f64; 3]);

    fn parse_rows(data: &str) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        for line in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let fields: Vec<f64> = line
                .split('\t')
                .map(|f| f.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| format!("plot data line {line:?}: {e}"))?;
            let [size, ours, a, b] = fields[..] else {
                return Err(format!("plot data line {line:?}: expected 4 fields"));
            };
            if [size, ours, a, b]
                .iter()
                .any(|v| !v.is_finite() || *v <= 0.0)
            {
                return Err(format!("plot data line {line:?}: values must be positive"));
            }
            rows.push((size, [ours, a, b]));
        }
        rows.sort_by(|x, y| x.0.total_cmp(&y.0));
        if rows.len() < 2 {
            return Err("the plot needs at least two dataset sizes".into());
        }
        Ok(rows)
    }

    /// The machine and date for the plot's caption.
    fn caption(tools: &Tools) -> String {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("model name"))
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        // "Chromium 156.0.8078.108 built on Debian …": the name and version.
        let browser = probe(Command::new(&tools.chromium).arg("--version"))
            .map(|v| v.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| "Chromium".to_owned());
        let date = probe(Command::new("date").arg("+%Y-%m-%d"))
            .map_or_else(String::new, |d| d.trim().to_owned());
        format!("{date}, {cpu}, {cores} cores, {browser} headless, CPU 1x")
    }

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    /// A number for an axis label: 1k, 30k; 0.01, 0.1, 1, 10 ms.
    fn label(value: f64, thousands: bool) -> String {
        if thousands && value >= 1000.0 {
            format!("{}k", (value / 1000.0).round())
        } else if value >= 1.0 {
            format!("{}", value.round())
        } else {
            let digits = (-value.log10()).ceil() as usize;
            format!("{value:.digits$}")
        }
    }

    /// A time with two significant digits: 48, 0.11, 0.016.
    fn two_digits(value: f64) -> String {
        let digits = (1 - value.log10().floor() as i32).max(0) as usize;
        format!("{value:.digits$}")
    }

    /// The plot: p50 query time against dataset size, both axes
    /// logarithmic, one labelled line per implementation. Plain SVG with
    /// generic fonts and no scripts.
    fn plot_svg(rows: &[Row], caption: &str) -> String {
        const W: f64 = 760.0;
        const H: f64 = 500.0;
        const LEFT: f64 = 80.0;
        const RIGHT: f64 = 560.0;
        const TOP: f64 = 60.0;
        const BOTTOM: f64 = 380.0;
        const SERIES: [(&str, &str, &str); 3] = [
            ("ours: Rust crate in wasm (grid index)", "#1b7837", ""),
            ("A: @turf/distance + filter + sort", "#d95f02", "8 4"),
            ("B: kdbush + geokdbush.around", "#5e3c99", "2 3"),
        ];
        let (x0, x1) = (rows[0].0.log10(), rows[rows.len() - 1].0.log10());
        let times = rows.iter().flat_map(|r| r.1);
        let lo = times.clone().fold(f64::INFINITY, f64::min).log10().floor();
        let hi = times.fold(0.0, f64::max).log10().ceil().max(lo + 1.0);
        let x = |v: f64| LEFT + (v.log10() - x0) / (x1 - x0) * (RIGHT - LEFT);
        let y = |v: f64| BOTTOM - (v.log10() - lo) / (hi - lo) * (BOTTOM - TOP);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" \
             font-family=\"sans-serif\" font-size=\"13\" role=\"img\" aria-labelledby=\"title\">"
        );
        let _ = writeln!(
            s,
            "<title id=\"title\">Query time (p50) against dataset size: the Linli finder in wasm and two JavaScript peers</title>"
        );
        let _ = writeln!(s, "<rect width=\"{W}\" height=\"{H}\" fill=\"#fff\"/>");
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"30\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">Finder query time (p50) against dataset size</text>",
            W / 2.0
        );
        // Grid and axes.
        for decade in (lo as i32)..=(hi as i32) {
            let v = 10f64.powi(decade);
            let py = y(v);
            let _ = writeln!(
                s,
                "<line x1=\"{LEFT}\" y1=\"{py:.1}\" x2=\"{RIGHT}\" y2=\"{py:.1}\" stroke=\"#ddd\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                LEFT - 8.0,
                py + 4.0,
                label(v, false)
            );
        }
        for &(size, _) in rows {
            let px = x(size);
            let _ = writeln!(
                s,
                "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{BOTTOM}\" stroke=\"#eee\"/>\
                 <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                BOTTOM + 18.0,
                label(size, true)
            );
        }
        let _ = writeln!(
            s,
            "<path d=\"M{LEFT} {TOP}V{BOTTOM}H{RIGHT}\" fill=\"none\" stroke=\"#333\"/>"
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">facilities in the dataset (log scale)</text>",
            (LEFT + RIGHT) / 2.0,
            BOTTOM + 40.0
        );
        let _ = writeln!(
            s,
            "<text transform=\"translate(24 {}) rotate(-90)\" text-anchor=\"middle\">ms per query, p50 (log scale)</text>",
            (TOP + BOTTOM) / 2.0
        );
        // Lines, then labels at their right ends, kept 16 px apart.
        let mut ends = Vec::new();
        for (i, (_, colour, dash)) in SERIES.iter().enumerate() {
            let points: Vec<String> = rows
                .iter()
                .map(|r| format!("{:.1},{:.1}", x(r.0), y(r.1[i])))
                .collect();
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            let _ = writeln!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
                points.join(" ")
            );
            for r in rows {
                let _ = writeln!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"/>",
                    x(r.0),
                    y(r.1[i])
                );
            }
            let last = rows[rows.len() - 1].1[i];
            ends.push((y(last), i, last));
        }
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut previous = f64::NEG_INFINITY;
        for (py, i, last) in ends {
            let ly = py.max(previous + 16.0);
            previous = ly;
            let (name, colour, _) = SERIES[i];
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{:.1}\" fill=\"{colour}\">{} ({} ms)</text>",
                RIGHT + 8.0,
                ly + 4.0,
                escape(name.split(':').next().unwrap_or(name)),
                two_digits(last)
            );
        }
        // Legend and caption.
        for (i, (name, colour, dash)) in SERIES.iter().enumerate() {
            let ly = BOTTOM + 62.0;
            let lx = 20.0 + i as f64 * 245.0;
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            let _ = writeln!(
                s,
                "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
                lx + 22.0,
                lx + 26.0,
                ly + 4.0,
                escape(name)
            );
        }
        let lines = [
            "200 seeded queries per size, each timed in a batch of repeats lasting about 5 ms; all three return the same ids, in the same order.".to_owned(),
            format!("cargo xtask bench peers, {caption}"),
        ];
        for (i, line) in lines.iter().enumerate() {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">{}</text>",
                W / 2.0,
                H - 30.0 + 15.0 * i as f64,
                escape(line)
            );
        }
        s.push_str("</svg>\n");
        s
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn plots_the_three_lines_on_log_axes() {
            let rows = parse_rows(
                "# facilities\tours\tA\tB\n100000\t0.108\t48.1\t0.016\n1000\t0.009\t0.18\t0.004\n",
            )
            .unwrap();
            assert_eq!(rows[0].0, 1000.0);
            let svg = plot_svg(&rows, "a machine & a date");
            assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
            assert_eq!(svg.matches("<polyline").count(), 3);
            assert!(svg.contains(">100k<") && svg.contains(">0.001<") && svg.contains(">100<"));
            assert!(svg.contains("A (48 ms)") && svg.contains("ours (0.11 ms)"));
            assert!(svg.contains("a machine &amp; a date") && !svg.contains("<script"));
            assert!(parse_rows("1000\t0.1\t-1\t0.1\n2000\t1\t1\t1\n").is_err());
        }
    }
}
