//! The collector as a child process for the end-to-end tests: built in
//! the dev profile, serving `dist/` on a free loopback port with a
//! throwaway SQLite file; killed when dropped.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Project, Result, free_port, run};

/// A running collector.
#[derive(Debug)]
pub struct Collector {
    child: Child,
    binary: PathBuf,
    port: u16,
    data: PathBuf,
}

impl Collector {
    /// Builds and starts the collector on the built app.
    pub fn start(project: &Project) -> Result<Collector> {
        run(project
            .command("cargo")
            .args(["build", "--quiet", "--package", "linli-collector"]))?;
        let target = project.target_dir();
        let binary = target.join("debug").join("collector");
        let port = free_port()?;
        let data =
            std::env::temp_dir().join(format!("linli-collector-{}-{port}", std::process::id()));
        let child = Command::new(&binary)
            .args([
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--rate-limit",
                "0",
                "--dist",
            ])
            .arg(project.dist())
            .arg("--data-dir")
            .arg(&data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let collector = Collector {
            child,
            binary,
            port,
            data,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!(
                    "the collector did not listen on port {port} within 30 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(collector)
    }

    /// The collector's binary, for tests that run one of their own.
    pub fn binary(&self) -> &std::path::Path {
        &self.binary
    }

    /// Its data directory, for tests that make a research token with
    /// `collector token create --data-dir …`.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data
    }

    /// Its base URL, ending in `/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}
