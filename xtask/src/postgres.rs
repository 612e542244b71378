//! A throwaway PostgreSQL server for the collector's tests: Debian's
//! package (installed with apt-get when missing), a new cluster in a
//! temporary directory on a free loopback port, stopped and removed when
//! dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;
use crate::util::{Result, free_port, probe, run};

/// A running test server.
#[derive(Debug)]
pub struct TempPostgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `initdb`.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Runs a PostgreSQL program as the `postgres` user when we are root
/// (initdb refuses to run as root), or as ourselves otherwise.
fn as_owner(program: &Path) -> Command {
    if tools::is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

impl TempPostgres {
    /// Installs PostgreSQL if needed and starts a fresh server.
    pub fn start() -> Result<TempPostgres> {
        let bin = match find_bin() {
            Some(bin) => bin,
            None => {
                tools::apt_install(&["postgresql"], "PostgreSQL (for the collector's tests)")?;
                find_bin().ok_or("PostgreSQL installed, but no /usr/lib/postgresql/*/bin/initdb")?
            }
        };
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("linli-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if tools::is_root() {
            run(Command::new("chown").arg("postgres").arg(&dir))?;
        }
        let data = dir.join("data");
        let server = TempPostgres { bin, dir, port };
        run(as_owner(&server.bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .stdout(std::process::Stdio::null()))?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c max_connections=200",
            server.dir.display()
        );
        run(as_owner(&server.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(server.dir.join("server.log"))
            .args(["-o", &options, "-w", "start"])
            .stdout(std::process::Stdio::null()))?;
        let version = probe(Command::new(server.bin.join("postgres")).arg("--version"));
        eprintln!(
            "postgres: {} on 127.0.0.1:{port}",
            version.unwrap_or_default().trim()
        );
        Ok(server)
    }

    /// The URL of the server's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
