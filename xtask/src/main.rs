//! Linli's development commands, run as `cargo xtask <command>`.
//!
//! - `setup`: checks for every tool the project needs and installs what is
//!   missing (wasm32 target, trunk 0.21, wasm-bindgen-cli at the Cargo.lock
//!   version, binaryen's wasm-opt from npm, Debian's chromium and
//!   chromedriver). A second run only checks, in seconds.
//! - `dist`: builds the release app into `dist/`.
//! - `serve [--addr HOST:PORT]`: setup, dist, then serves `dist/`.
//! - `test`: setup, then every test layer in order (see `test.rs`).
//! - `bench`: setup, then the benchmarks, printing their figures (see
//!   `bench.rs`).
//!
//! xtask uses only the standard library so that it builds in seconds on a
//! fresh machine, before anything else is installed.

mod bench;
mod collector;
mod lighthouse;
mod postgres;
mod pwa;
mod serve;
mod split;
mod test;
mod tools;
mod util;

use std::process::ExitCode;

use crate::util::{Project, Result};

const HELP: &str = "\
Linli development commands

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    setup                 Check for the tools the project needs; install what is missing
    dist                  Build the release app into dist/
    serve [--addr A]      Build the release app and serve it (default 127.0.0.1:8080)
    test [--from LAYER]   Run every test layer: fmt, clippy, native, wasm, build, e2e
    bench                 Run the benchmarks in headless Chromium and print the figures
    help                  Show this text

Tools are installed under $LINLI_TOOLS_DIR (default ~/.cache/linli/tools);
nothing needs to be added to PATH.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let project = Project::locate();
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::setup(&project).map(|_| ()),
        Some("dist") => tools::setup(&project).and_then(|tools| tools::dist(&project, &tools)),
        Some("serve") => serve::command(&project, &args[1..]),
        Some("test") => test::command(&project, &args[1..]),
        Some("bench") => bench::command(&project, &args[1..]),
        // Not for people: trunk calls it as wasm-bindgen during `dist`.
        Some("wasm-bindgen-shim") => split::shim(&args[1..]),
        Some("help" | "-h" | "--help") | None => {
            println!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`; try `cargo xtask help`")),
    };
    report(result)
}

fn report(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
