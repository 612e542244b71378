//! `cargo xtask serve`, which runs the collector (`crates/collector`) on
//! the built app, and the small static file server the end-to-end tests use.
//!
//! The static server answers GET and HEAD for the files of the built app, with the
//! right media types (`application/wasm` matters: browsers refuse to stream
//! wasm without it), long cache lifetimes for trunk's hashed file names and
//! `no-cache` for everything else. Paths without an extension fall back to
//! `index.html`, so client-side routes load the app.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crate::tools;
use crate::util::{Project, Result};

const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// `cargo xtask serve [--addr HOST:PORT]`.
pub fn command(project: &Project, args: &[String]) -> Result<()> {
    let addr = match args {
        [] => DEFAULT_ADDR.to_owned(),
        [flag, addr] if flag == "--addr" => addr.clone(),
        _ => return Err("usage: cargo xtask serve [--addr HOST:PORT]".into()),
    };
    let tools = tools::setup(project)?;
    tools::dist(project, &tools)?;
    // The collector serves the app and stores survey answers and reports in
    // an SQLite file under .linli/data (DATABASE_URL selects another
    // database, e.g. PostgreSQL).
    let data = project.root.join(".linli").join("data");
    println!(
        "Linli: starting the collector on http://{addr}/ (data in {}; Ctrl-C to stop)",
        data.display()
    );
    println!(
        "District staff: http://{addr}/staff/ with a token from\n    cargo run -p linli-collector -- token create --district 110101 --label \"东城区\" --data-dir {}",
        data.display()
    );
    crate::util::run(
        project
            .command("cargo")
            .args([
                "run",
                "--release",
                "--package",
                "linli-collector",
                "--bin",
                "collector",
                "--",
            ])
            .args(["--addr", &addr, "--dist"])
            .arg(project.dist())
            .arg("--data-dir")
            .arg(&data),
    )
}

/// A running static file server; it stops when dropped.
#[derive(Debug)]
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves the files below `root` on `addr` (port 0 picks a free port).
    pub fn start(root: PathBuf, addr: &str) -> Result<StaticServer> {
        if !root.join("index.html").is_file() {
            return Err(format!(
                "{} has no index.html: build the app first",
                root.display()
            ));
        }
        let listener =
            TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let root = Arc::new(root);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = Arc::clone(&root);
                std::thread::spawn(move || {
                    // A client that hangs up early is not our problem.
                    let _ = handle(stream, &root);
                });
            }
        });
        Ok(StaticServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The base URL, ending in `/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn handle(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers; nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let response = respond(root, &request_line);
    let mut stream = stream;
    stream.write_all(&response)?;
    stream.flush()
}

/// Builds the whole HTTP response for one request line.
fn respond(root: &Path, request_line: &str) -> Vec<u8> {
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return plain(400, "Bad Request", "malformed request line");
    };
    if method != "GET" && method != "HEAD" {
        return plain(405, "Method Not Allowed", "only GET and HEAD are served");
    }
    let Some(relative) = safe_path(target) else {
        return plain(400, "Bad Request", "path is not allowed");
    };
    let mut file = root.join(&relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if !file.is_file() && relative.extension().is_none() {
        file = root.join("index.html");
    }
    let Ok(body) = std::fs::read(&file) else {
        return plain(
            404,
            "Not Found",
            &format!("{} not found", relative.display()),
        );
    };
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let cache = if is_hashed(name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {cache}\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        media_type(&file),
        body.len()
    )
    .into_bytes();
    if method == "GET" {
        response.extend_from_slice(&body);
    }
    response
}

fn plain(status: u16, reason: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Turns a request target into a relative path below the root, or `None`
/// if it tries to leave the root or is not valid UTF-8 once decoded.
fn safe_path(target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(path)?;
    let relative = PathBuf::from(decoded.trim_start_matches('/'));
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(relative)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether trunk put a content hash in the name: `name-<16 hex>.ext` or
/// `name-<16 hex>_bg.wasm`.
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    stem.rsplit_once('-').is_some_and(|(_, tail)| {
        let hash = tail.split('_').next().unwrap_or_default();
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn media_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_run_of_the_collector_package_runs_the_collector() {
        // The README and docs/research.md say `cargo run -p linli-collector
        // -- …`; with benchmark binaries beside it, that needs default-run.
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/collector/Cargo.toml");
        let text = std::fs::read_to_string(manifest).unwrap();
        assert!(text.contains("default-run = \"collector\""), "{text}");
    }

    /// A site made for one test and removed when dropped; tests run in
    /// parallel, so each has its own.
    struct Site(PathBuf);

    impl std::ops::Deref for Site {
        type Target = PathBuf;
        fn deref(&self) -> &PathBuf {
            &self.0
        }
    }

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn root(test: &str) -> Site {
        let dir = std::env::temp_dir().join(format!("linli-serve-{test}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>x</title>").unwrap();
        std::fs::write(dir.join("linli-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("data/sample.geojson"), "{}").unwrap();
        Site(dir)
    }

    fn head(response: &[u8]) -> String {
        let text = String::from_utf8_lossy(response);
        text.split("\r\n\r\n").next().unwrap().to_owned()
    }

    #[test]
    fn serves_files_with_media_types_and_cache_rules() {
        let root = root("serves_files_with_media_types_and_cache_rules");
        let wasm = head(&respond(
            &root,
            "GET /linli-0123456789abcdef_bg.wasm HTTP/1.1",
        ));
        assert!(wasm.starts_with("HTTP/1.1 200"), "{wasm}");
        assert!(wasm.contains("Content-Type: application/wasm"));
        assert!(wasm.contains("immutable"));
        let data = head(&respond(&root, "GET /data/sample.geojson?v=1 HTTP/1.1"));
        assert!(
            data.contains("application/geo+json") && data.contains("no-cache"),
            "{data}"
        );
    }

    #[test]
    fn falls_back_to_index_for_routes_and_404s_for_missing_files() {
        let root = root("falls_back_to_index_for_routes_and_404s_for_missing_files");
        let route = String::from_utf8(respond(&root, "GET /facility/abc HTTP/1.1")).unwrap();
        assert!(
            route.contains("text/html") && route.ends_with("<title>x</title>"),
            "{route}"
        );
        assert!(
            head(&respond(&root, "GET /data/missing.geojson HTTP/1.1")).starts_with("HTTP/1.1 404")
        );
    }

    #[test]
    fn refuses_to_leave_the_root() {
        let root = root("refuses_to_leave_the_root");
        for target in ["/../etc/passwd", "/data/%2e%2e/%2e%2e/etc/passwd", "/%ff"] {
            assert!(
                head(&respond(&root, &format!("GET {target} HTTP/1.1")))
                    .starts_with("HTTP/1.1 400"),
                "{target}"
            );
        }
        assert!(head(&respond(&root, "POST / HTTP/1.1")).starts_with("HTTP/1.1 405"));
    }

    #[test]
    fn head_has_no_body() {
        let root = root("head_has_no_body");
        let response = respond(&root, "HEAD /index.html HTTP/1.1");
        assert!(String::from_utf8(response).unwrap().ends_with("\r\n\r\n"));
    }
}
