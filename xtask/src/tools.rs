//! Checking for, and installing, the tools the project needs.
//!
//! Every step checks first and installs only what is missing or at the
//! wrong version, so a second `setup` takes seconds. Nothing is downloaded
//! from outside the package registries: crates come from crates.io,
//! wasm-opt from npm, the browser from Debian.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::util::{Project, Result, probe, run};

/// The trunk line we build with: 0.22 needs a newer rustc than we pin.
const TRUNK_REQ: &str = "^0.21";
const TRUNK_PREFIX: &str = "trunk 0.21.";
/// The wasm-split tool that matches Leptos's `wasm_split_helpers` 0.2
/// (the version `cargo leptos` 0.3 uses).
const WASM_SPLIT_CRATE: &str = "wasm_split_cli_support";
const WASM_SPLIT_VERSION: &str = "0.2.4";
/// The wasm-opt version pinned by package-lock.json and Trunk.toml.
const WASM_OPT_VERSION: &str = "version 132";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A Chinese font for the browser (WenQuanYi Micro Hei, 1.6 MB from
/// Debian). Without one, Chromium draws Chinese as fallback boxes, and the
/// end-to-end layout checks and screenshots would not measure the text
/// residents read.
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// Paths to the tools, once they are all present.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The trunk binary.
    pub trunk: PathBuf,
    /// wasm-bindgen-test-runner, at the Cargo.lock version.
    pub test_runner: PathBuf,
    /// Debian's chromedriver.
    pub chromedriver: PathBuf,
    /// Debian's chromium.
    pub chromium: PathBuf,
    /// wasm-split-cli, which cuts the app's split pages out of its first
    /// download (`split.rs`).
    pub wasm_split: PathBuf,
}

/// Makes sure every tool is installed and returns where they are.
pub fn setup(project: &Project) -> Result<Tools> {
    let started = Instant::now();
    ensure_wasm_target()?;
    let (chromium, chromedriver) = ensure_chromium()?;
    ensure_wasm_opt(project)?;
    let bindgen_version = wasm_bindgen_version(&project.root)?;
    check_trunk_pin(&project.root, &bindgen_version)?;
    let test_runner = ensure_wasm_bindgen(project, &bindgen_version)?;
    let trunk = ensure_trunk(project)?;
    let wasm_split = ensure_wasm_split(project)?;
    eprintln!(
        "setup: all tools present ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(Tools {
        trunk,
        test_runner,
        chromedriver,
        chromium,
        wasm_split,
    })
}

/// Builds the release apps into `dist/` with trunk, offline (the
/// residents' app at the top, the staff app in `dist/staff/`), moves the
/// residents' split pages in beside them (`split::link`), writes the
/// service worker's file lists (`pwa::stamp`) and precompresses.
pub fn dist(project: &Project, tools: &Tools) -> Result<()> {
    let split = crate::split::Build::prepare(project)?;
    run(split
        .trunk(project, tools)
        .args(["build", "--release", "--offline"]))?;
    crate::split::link(project, &project.dist(), &split)?;
    // The staff dashboard is its own app under /staff/, built after the
    // residents' one (which replaces the whole of dist/). The same
    // compiler flags, so that the shared code is compiled once; it has no
    // split pages, and the shim passes it through.
    run(split
        .trunk(project, tools)
        .args([
            "build",
            "staff.html",
            "--release",
            "--offline",
            "--public-url",
            "/staff/",
            "--dist",
        ])
        .arg(project.dist().join("staff")))?;
    minify_glue(project, &project.dist())?;
    minify_glue(project, &project.dist().join("staff"))?;
    crate::pwa::stamp(&project.dist())?;
    precompress(&project.dist())
}

/// Minifies wasm-bindgen's JavaScript glue (`<name>-<hash>.js` beside
/// `<name>-<hash>_bg.wasm`) in `dir` with esbuild from npm. trunk 0.21's
/// own minifier gives up on this file ("Failed to minify JS") and ships it
/// as written: 63 KB instead of 29 KB (8.7 KB instead of 7.0 KB brotli).
/// Only whitespace and local names change, so the hashed name still names
/// one content.
fn minify_glue(project: &Project, dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".js"))
        else {
            continue;
        };
        if !dir.join(format!("{stem}_bg.wasm")).is_file() {
            continue;
        }
        minify_js(project, &path)?;
    }
    Ok(())
}

/// Minifies the JavaScript module at `path` in place with esbuild.
pub fn minify_js(project: &Project, path: &Path) -> Result<()> {
    run(project
        .command(project.node_bin().join("esbuild"))
        .arg(path)
        .args(["--minify", "--log-level=warning", "--allow-overwrite"])
        .arg(format!("--outfile={}", path.display())))
}

/// Writes a brotli (quality 11) and a gzip copy beside every text and
/// wasm file of `dist/`, which the collector sends to browsers that
/// accept them: compressing the wasm this hard once beats compressing it
/// lightly on every request.
fn precompress(dist: &Path) -> Result<()> {
    if probe(Command::new("brotli").arg("--version")).is_none() {
        apt_install(&["brotli"], "brotli (to precompress the app)")?;
    }
    let mut files = Vec::new();
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                [
                    "wasm",
                    "js",
                    "css",
                    "html",
                    "json",
                    "geojson",
                    "search",
                    "svg",
                    "webmanifest",
                ]
                .contains(&e)
            }) {
                files.push(path);
            }
        }
    }
    for file in &files {
        run(Command::new("brotli")
            .args(["-q", "11", "-f", "-k"])
            .arg(file))?;
        run(Command::new("gzip")
            .args(["-9", "-f", "-k", "-n"])
            .arg(file))?;
    }
    Ok(())
}

pub fn is_root() -> bool {
    probe(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

pub fn apt_install(packages: &[&str], why: &str) -> Result<()> {
    let line = format!(
        "apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    );
    if !is_root() {
        return Err(format!(
            "{why} is missing. Install it with:\n    sudo apt-get update && sudo {line}\nthen run the command again."
        ));
    }
    eprintln!("setup: installing {} from Debian", packages.join(", "));
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ensure_wasm_target() -> Result<()> {
    let installed = probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("`rustup` is needed to add the wasm32 target, and it did not run")?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        eprintln!("setup: wasm32-unknown-unknown target ✓");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_chromium() -> Result<(PathBuf, PathBuf)> {
    let chromium = PathBuf::from(CHROMIUM);
    let chromedriver = PathBuf::from(CHROMEDRIVER);
    if !(chromium.exists() && chromedriver.exists()) {
        apt_install(
            &["chromium", "chromium-driver"],
            "Debian's Chromium or ChromeDriver",
        )?;
    }
    if !Path::new(CJK_FONT).is_file() {
        if is_root() {
            apt_install(&["fonts-wqy-microhei"], "A Chinese font")?;
        }
        if !Path::new(CJK_FONT).is_file() {
            eprintln!(
                "setup: warning: no Chinese font at {CJK_FONT}; the browser tests will lay out \
                 Chinese in fallback boxes (sudo apt-get install --reinstall fonts-wqy-microhei)"
            );
        }
    }
    let browser = probe(Command::new(&chromium).arg("--version"))
        .ok_or_else(|| format!("{CHROMIUM} --version failed"))?;
    let driver = probe(Command::new(&chromedriver).arg("--version"))
        .ok_or_else(|| format!("{CHROMEDRIVER} --version failed"))?;
    let major = |s: &str| {
        s.split_whitespace()
            .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .and_then(|v| v.split('.').next())
            .map(str::to_owned)
    };
    if major(&browser) != major(&driver) {
        return Err(format!(
            "Chromium and ChromeDriver versions differ ({} vs {}); reinstall both with apt-get",
            browser.trim(),
            driver.trim()
        ));
    }
    eprintln!("setup: {} ✓", browser.trim());
    Ok((chromium, chromedriver))
}

fn ensure_wasm_opt(project: &Project) -> Result<()> {
    let wasm_opt = project.node_bin().join("wasm-opt");
    let version = || probe(project.command(&wasm_opt).arg("--version"));
    // axe-core, for the accessibility checks of the end-to-end tests;
    // turf, kdbush, geokdbush and esbuild, for the JavaScript peer benchmark.
    let axe = project.root.join("node_modules/axe-core/axe.min.js");
    let peers = ["@turf/distance", "kdbush", "geokdbush", "esbuild"].map(|p| {
        project
            .root
            .join("node_modules")
            .join(p)
            .join("package.json")
    });
    if version().is_some_and(|v| v.contains(WASM_OPT_VERSION))
        && axe.is_file()
        && peers.iter().all(|p| p.is_file())
    {
        eprintln!("setup: wasm-opt {WASM_OPT_VERSION} (npm binaryen), axe-core ✓");
        return Ok(());
    }
    if probe(Command::new("npm").arg("--version")).is_none() {
        apt_install(
            &["nodejs", "npm"],
            "Node.js and npm (for binaryen's wasm-opt and axe-core)",
        )?;
    }
    run(project
        .command("npm")
        .args(["ci", "--no-audit", "--no-fund"]))?;
    if !axe.is_file() {
        return Err(format!("after `npm ci`, {} is missing", axe.display()));
    }
    match version() {
        Some(v) if v.contains(WASM_OPT_VERSION) => Ok(()),
        other => Err(format!(
            "after `npm ci`, {} reports {:?}; expected {WASM_OPT_VERSION}",
            wasm_opt.display(),
            other.unwrap_or_default().trim()
        )),
    }
}

/// The exact wasm-bindgen version that Cargo.lock resolves.
pub fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn check_trunk_pin(root: &Path, version: &str) -> Result<()> {
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    let pinned = trunk_toml
        .lines()
        .find_map(|l| l.trim().strip_prefix("wasm_bindgen = \""))
        .and_then(|v| v.strip_suffix('"'));
    if pinned == Some(version) {
        Ok(())
    } else {
        Err(format!(
            "Trunk.toml pins wasm_bindgen = {pinned:?} but Cargo.lock has wasm-bindgen {version}; \
             set [tools] wasm_bindgen = \"{version}\" in Trunk.toml"
        ))
    }
}

/// Finds `name` in the tools directory, then on PATH, if `accept` likes
/// the first line of its `--version`.
fn find_tool(project: &Project, name: &str, accept: impl Fn(&str) -> bool) -> Option<PathBuf> {
    let candidates = [project.tools_bin().join(name), PathBuf::from(name)];
    candidates
        .into_iter()
        .find(|path| probe(Command::new(path).arg("--version")).is_some_and(|v| accept(v.trim())))
}

fn resolve(project: &Project, path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        return path;
    }
    std::env::split_paths(&project.path_env())
        .map(|dir| dir.join(&path))
        .find(|p| p.is_file())
        .unwrap_or(path)
}

fn cargo_install(project: &Project, args: &[&str], what: &str) -> Result<()> {
    eprintln!(
        "setup: installing {what} with cargo into {} (this takes a while once)",
        project.tools_dir.display()
    );
    run(Command::new("cargo")
        .arg("install")
        .args(args)
        .arg("--root")
        .arg(&project.tools_dir))
}

fn ensure_wasm_bindgen(project: &Project, version: &str) -> Result<PathBuf> {
    let wanted = format!("wasm-bindgen {version}");
    let ok = |v: &str| v == wanted;
    let runner_ok = |v: &str| v.ends_with(version);
    let present = find_tool(project, "wasm-bindgen", ok)
        .and_then(|_| find_tool(project, "wasm-bindgen-test-runner", runner_ok));
    if let Some(runner) = present {
        eprintln!("setup: {wanted} ✓");
        return Ok(resolve(project, runner));
    }
    // Not --locked: the CLI's own lockfile names a crate version that the
    // registry no longer has.
    let exact = format!("={version}");
    cargo_install(
        project,
        &["wasm-bindgen-cli", "--version", &exact, "--force"],
        &wanted,
    )?;
    find_tool(project, "wasm-bindgen-test-runner", runner_ok)
        .map(|p| resolve(project, p))
        .ok_or_else(|| format!("{wanted} installed but wasm-bindgen-test-runner is not there"))
}

/// wasm-split-cli has no `--version`: what `cargo install --list` says was
/// installed into the tools directory decides.
fn ensure_wasm_split(project: &Project) -> Result<PathBuf> {
    let wanted = format!("{WASM_SPLIT_CRATE} v{WASM_SPLIT_VERSION}:");
    let binary = project.tools_bin().join("wasm-split-cli");
    let installed = || {
        binary.is_file()
            && probe(
                Command::new("cargo")
                    .args(["install", "--list", "--root"])
                    .arg(&project.tools_dir),
            )
            .is_some_and(|list| list.lines().any(|l| l.trim() == wanted))
    };
    if installed() {
        eprintln!("setup: wasm-split-cli {WASM_SPLIT_VERSION} ✓");
        return Ok(binary);
    }
    let exact = format!("={WASM_SPLIT_VERSION}");
    cargo_install(
        project,
        &[
            "--locked",
            WASM_SPLIT_CRATE,
            "--version",
            &exact,
            "--features",
            "build-binary",
            "--force",
        ],
        "wasm-split-cli",
    )?;
    if installed() {
        Ok(binary)
    } else {
        Err(format!(
            "{WASM_SPLIT_CRATE} {WASM_SPLIT_VERSION} installed, but {} is not there",
            binary.display()
        ))
    }
}

fn ensure_trunk(project: &Project) -> Result<PathBuf> {
    let ok = |v: &str| v.starts_with(TRUNK_PREFIX);
    if let Some(trunk) = find_tool(project, "trunk", ok) {
        eprintln!("setup: trunk {TRUNK_REQ} ✓");
        return Ok(resolve(project, trunk));
    }
    cargo_install(
        project,
        &["--locked", "trunk", "--version", TRUNK_REQ],
        "trunk 0.21",
    )?;
    find_tool(project, "trunk", ok)
        .map(|p| resolve(project, p))
        .ok_or_else(|| "trunk installed but does not report version 0.21".into())
}
