//! `cargo xtask test`: every test layer, in order, stopping at the first
//! failure.
//!
//! 1. `fmt`: `cargo fmt --check`
//! 2. `clippy`: native workspace, then the app for wasm32 (also with its
//!    `split` feature, as `dist` builds it), `-D warnings`
//! 3. `native`: `cargo test` for the workspace (unit, integration, doc)
//! 4. `wasm`: the app's `tests/web.rs` in headless Chromium
//! 5. `build`: the release build of the app with trunk
//! 6. `e2e`: WebDriver tests against the served release build
//!
//! Layers that run tests count them from the runners' `test result:` lines,
//! and a layer that ran none fails: a suite that silently stopped running is
//! a failure, not a pass.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::collector::Collector;
use crate::postgres::TempPostgres;
use crate::tools::{self, Tools};
use crate::util::{Project, Result, free_port, run, run_lines, show};

const LAYERS: [&str; 6] = ["fmt", "clippy", "native", "wasm", "build", "e2e"];

/// How one layer ended.
#[derive(Debug)]
struct Outcome {
    layer: &'static str,
    result: Result<Option<Counts>>,
    seconds: f64,
}

/// Test counts read from a runner's summary lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    passed: usize,
    failed: usize,
    ignored: usize,
}

/// `cargo xtask test [--from LAYER]`.
pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let from = match args {
        [] => 0,
        [flag, layer] if flag == "--from" => LAYERS
            .iter()
            .position(|l| l == layer)
            .ok_or_else(|| format!("unknown layer `{layer}`; layers: {}", LAYERS.join(", ")))?,
        _ => {
            return Err(format!(
                "usage: cargo xtask test [--from {}]",
                LAYERS.join("|")
            ));
        }
    };
    let tools = tools::setup(project)?;
    let mut outcomes = Vec::new();
    for &layer in &LAYERS[from..] {
        eprintln!("\n==> layer {layer}");
        let started = Instant::now();
        let result = run_layer(project, &tools, layer).and_then(|counts| match counts {
            Some(c) if c.passed == 0 => Err(format!(
                "ran no tests: a test layer must run at least one ({c:?})"
            )),
            other => Ok(other),
        });
        let failed = result.is_err();
        outcomes.push(Outcome {
            layer,
            result,
            seconds: started.elapsed().as_secs_f64(),
        });
        if failed {
            break;
        }
    }
    summarise(&outcomes, from)
}

fn run_layer(project: &Project, tools: &Tools, layer: &str) -> Result<Option<Counts>> {
    match layer {
        "fmt" => run(project
            .command("cargo")
            .args(["fmt", "--all", "--", "--check"]))
        .map_err(|e| format!("{e}\nRun `cargo fmt --all` to fix the formatting."))
        .map(|()| None),
        "clippy" => {
            let clippy = |what: &[&str]| {
                run(project
                    .command("cargo")
                    .arg("clippy")
                    .args(what)
                    .args(["--", "-D", "warnings"]))
            };
            clippy(&["--workspace", "--all-targets"])?;
            let wasm = ["--package", "linli", "--target", "wasm32-unknown-unknown"];
            clippy(&[&wasm[..], &["--all-targets"]].concat())?;
            // The residents' app as `dist` builds it, with its split points
            // (`src/split.rs`).
            clippy(&[&wasm[..], &["--bin", "linli", "--features", "split"]].concat())?;
            Ok(None)
        }
        "native" => {
            // The collector's tests run against SQLite and this server.
            let postgres = TempPostgres::start()?;
            counted(
                project
                    .command("cargo")
                    .args(["test", "--workspace", "--exclude", "linli-e2e"])
                    .env("LINLI_TEST_POSTGRES_URL", postgres.url()),
            )
            .map(Some)
        }
        "wasm" => counted(
            project
                .command("cargo")
                .args([
                    "test",
                    "--package",
                    "linli",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .args(["--test", "web"])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    &tools.test_runner,
                )
                .env("CHROMEDRIVER", &tools.chromedriver)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        )
        .map(Some),
        "build" => tools::dist(project, tools).map(|()| None),
        "e2e" => e2e(project, tools).map(Some),
        other => Err(format!("unknown layer {other}")),
    }
}

/// Serves the release build through the collector (so the app runs under
/// its security headers), starts ChromeDriver, and runs the e2e crate
/// against both. Both are stopped when this returns, pass or fail.
fn e2e(project: &Project, tools: &Tools) -> Result<Counts> {
    let server = Collector::start(project)?;
    let driver = ChromeDriver::start(tools)?;
    eprintln!(
        "e2e: app at {}, WebDriver at {}",
        server.url(),
        driver.url()
    );
    counted(
        project
            .command("cargo")
            .args(["test", "--package", "linli-e2e", "--", "--test-threads=1"])
            .env("LINLI_APP_URL", server.url())
            .env("LINLI_COLLECTOR_BIN", server.binary())
            .env("LINLI_COLLECTOR_DATA", server.data_dir())
            .env("LINLI_DIST", project.dist())
            .env("LINLI_WEBDRIVER_URL", driver.url())
            .env("LINLI_CHROMIUM", &tools.chromium),
    )
}

/// Runs a test command, passing its output through, and adds up the
/// `test result:` lines of every test binary it ran.
fn counted(cmd: &mut Command) -> Result<Counts> {
    let mut counts = Counts::default();
    let status = run_lines(cmd, |line| {
        if let Some(c) = parse_result_line(line) {
            counts.passed += c.passed;
            counts.failed += c.failed;
            counts.ignored += c.ignored;
        }
    })?;
    if status.success() && counts.failed == 0 {
        Ok(counts)
    } else {
        Err(format!(
            "`{}` failed ({status}): {} passed, {} failed",
            show(cmd),
            counts.passed,
            counts.failed
        ))
    }
}

/// Reads `test result: ok. 5 passed; 1 failed; 2 ignored; ...`.
fn parse_result_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_, rest) = rest.split_once(". ")?;
    let mut counts = Counts::default();
    for part in rest.split(';') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        match what {
            "passed" => counts.passed = n,
            "failed" => counts.failed = n,
            "ignored" => counts.ignored = n,
            _ => {}
        }
    }
    Some(counts)
}

fn summarise(outcomes: &[Outcome], from: usize) -> Result<()> {
    eprintln!("\nLayer summary:");
    let mut total = Counts::default();
    let mut failure = None;
    for &layer in &LAYERS[from..] {
        let line = match outcomes.iter().find(|o| o.layer == layer) {
            None => "not run (an earlier layer failed)".to_owned(),
            Some(Outcome {
                result: Ok(None),
                seconds,
                ..
            }) => format!("ok ({seconds:.0} s)"),
            Some(Outcome {
                result: Ok(Some(c)),
                seconds,
                ..
            }) => {
                total.passed += c.passed;
                total.ignored += c.ignored;
                format!(
                    "ok: {} passed, {} ignored ({seconds:.0} s)",
                    c.passed, c.ignored
                )
            }
            Some(Outcome {
                result: Err(e),
                seconds,
                ..
            }) => {
                failure = Some((layer, e.clone()));
                total.failed += 1;
                format!("FAILED ({seconds:.0} s)")
            }
        };
        eprintln!("  {layer:<7} {line}");
    }
    // The plain closing line CI reads.
    println!("summary: {} passed, {} failed", total.passed, total.failed);
    match failure {
        Some((layer, e)) => Err(format!("layer `{layer}` failed: {e}")),
        None => Ok(()),
    }
}

/// Debian's ChromeDriver on a free loopback port; killed when dropped.
#[derive(Debug)]
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    pub fn start(tools: &Tools) -> Result<ChromeDriver> {
        let port = free_port()?;
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", tools.chromedriver.display()))?;
        let driver = ChromeDriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!(
                    "ChromeDriver did not listen on port {port} within 20 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_wasm_bindgen_result_lines() {
        let c = parse_result_line(
            "test result: ok. 12 passed; 0 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s",
        );
        assert_eq!(
            c,
            Some(Counts {
                passed: 12,
                failed: 0,
                ignored: 3
            })
        );
        let c = parse_result_line("test result: FAILED. 1 passed; 2 failed; 0 ignored");
        assert_eq!(
            c,
            Some(Counts {
                passed: 1,
                failed: 2,
                ignored: 0
            })
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
