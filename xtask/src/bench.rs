//! `cargo xtask bench`: the benchmarks, in headless Chromium, with their
//! figures printed at the end. Nothing here asserts a time; the figures go
//! into docs/benchmarks.md by hand, with the machine they came from.
//!
//! 1. The finder in WebAssembly over 100,000 facilities (`tests/bench.rs`,
//!    release build, run by wasm-bindgen-test-runner).
//! 2. A filter change to the next frame in the release app, at 1× and 4×
//!    CPU slowdown (`tests/e2e/src/bin/repaint.rs`).
//! 3. The app shell's size after wasm-opt and brotli (`dist/`).
//! 4. The collector under 200 concurrent submitters for 60 s on SQLite
//!    (`crates/collector/src/bin/load.rs`).
//!
//! `cargo xtask bench wasm|repaint|size|collector` runs one of them.

use std::process::Command;

use crate::serve::StaticServer;
use crate::test::ChromeDriver;
use crate::tools;
use crate::util::{Project, Result, probe, run_lines, show};

pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let only = args.first().map(String::as_str);
    if let Some(other) = only.filter(|o| !["wasm", "repaint", "size", "collector"].contains(o)) {
        return Err(format!(
            "unknown benchmark `{other}`; choose wasm, repaint, size or collector"
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
    if wanted("repaint") || wanted("size") {
        tools::dist(project, &tools)?;
    }
    if wanted("repaint") {
        let server = StaticServer::start(project.dist(), "127.0.0.1:0")?;
        let driver = ChromeDriver::start(&tools)?;
        figures.extend(bench_lines(
            project
                .command("cargo")
                .args([
                    "run",
                    "--release",
                    "--package",
                    "linli-e2e",
                    "--bin",
                    "repaint",
                ])
                .env("LINLI_APP_URL", server.url())
                .env("LINLI_WEBDRIVER_URL", driver.url())
                .env("LINLI_CHROMIUM", &tools.chromium),
        )?);
    }
    if wanted("size") {
        figures.extend(shell_size(project)?);
    }
    if wanted("collector") {
        figures.extend(collector_load(project)?);
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
    use crate::util::{free_port, run};
    run(project.command("cargo").args([
        "build",
        "--release",
        "--package",
        "linli-collector",
        "--bins",
    ]))?;
    let target = project.target_dir();
    let data = std::env::temp_dir().join(format!("linli-load-{}", std::process::id()));
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let mut collector = Command::new(target.join("release").join("collector"))
        .args(["--addr", &addr, "--rate-limit", "0", "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "error")
        .spawn()
        .map_err(|e| format!("could not start the collector: {e}"))?;
    std::thread::sleep(std::time::Duration::from_secs(2));
    let url = format!("sqlite://{}?mode=rwc", data.join("linli.db").display());
    let figures = bench_lines(Command::new(target.join("release").join("load")).args([
        addr.as_str(),
        url.as_str(),
        "200",
        "60",
    ]));
    let _ = collector.kill();
    let _ = collector.wait();
    let _ = std::fs::remove_dir_all(&data);
    figures
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
/// (quality 11, as a server would precompress), and the total.
fn shell_size(project: &Project) -> Result<Vec<String>> {
    if probe(Command::new("brotli").arg("--version")).is_none() {
        tools::apt_install(&["brotli"], "brotli (to measure the app shell)")?;
    }
    let dist = project.dist();
    let entries = std::fs::read_dir(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut lines = Vec::new();
    let mut total = 0u64;
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
        total += compressed;
        lines.push(format!("shell file {name}: {raw} B, {compressed} B brotli"));
    }
    lines.push(format!(
        "app shell total: {total} B brotli ({} KB)",
        total / 1024
    ));
    Ok(lines)
}
