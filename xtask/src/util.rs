//! Small helpers shared by the commands: where things are, and running
//! child processes with clear errors.

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Errors are sentences for the developer.
pub type Result<T> = std::result::Result<T, String>;

/// Where the project and its tools live.
#[derive(Debug, Clone)]
pub struct Project {
    /// The repository root (the workspace root).
    pub root: PathBuf,
    /// Where installed tools go: `cargo install --root` puts binaries in
    /// `bin/` below it.
    pub tools_dir: PathBuf,
}

impl Project {
    /// Finds the repository root from this crate's location and the tools
    /// directory from `LINLI_TOOLS_DIR`, `XDG_CACHE_HOME` or `HOME`.
    ///
    /// The location is the one `cargo run` reports when it starts xtask, so
    /// that a checkout sharing its target directory with another (a git
    /// worktree) works on its own files even when cargo reuses the other's
    /// xtask binary; the location it was built from otherwise.
    pub fn locate() -> Project {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
        let root = manifest_dir
            .parent()
            .expect("xtask lives one level below the workspace root")
            .to_path_buf();
        let tools_dir = if let Some(dir) = std::env::var_os("LINLI_TOOLS_DIR") {
            PathBuf::from(dir)
        } else if let Some(cache) = std::env::var_os("XDG_CACHE_HOME") {
            PathBuf::from(cache).join("linli/tools")
        } else if let Some(home) = std::env::var_os("HOME") {
            PathBuf::from(home).join(".cache/linli/tools")
        } else {
            root.join(".linli/tools")
        };
        Project { root, tools_dir }
    }

    /// `bin/` of the tools directory.
    pub fn tools_bin(&self) -> PathBuf {
        self.tools_dir.join("bin")
    }

    /// `node_modules/.bin` of the repository.
    pub fn node_bin(&self) -> PathBuf {
        self.root.join("node_modules/.bin")
    }

    /// Cargo's target directory (`CARGO_TARGET_DIR`, or `target/`).
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| self.root.join("target"), PathBuf::from)
    }

    /// The built app, `dist/`.
    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    /// `PATH` with the project's tool directories in front, for children.
    pub fn path_env(&self) -> OsString {
        let mut dirs = vec![self.tools_bin(), self.node_bin()];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(dirs).expect("tool directories contain no path separator")
    }

    /// A `Command` that runs in the repository root with the tools on PATH.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root).env("PATH", self.path_env());
        cmd
    }
}

/// Describes a command as a shell line, for logs and errors.
pub fn show(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `cmd` with inherited output and fails with its command line if it
/// does not exit successfully.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

/// Runs `cmd` quietly and returns its standard output, or `None` if it
/// cannot start or fails. Used to probe for installed tools.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let output = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Runs `cmd`, passing each line of its standard output through to ours and
/// to `each`, and returns how it ended.
pub fn run_lines(
    cmd: &mut Command,
    mut each: impl FnMut(&str),
) -> Result<std::process::ExitStatus> {
    use std::io::{BufRead, BufReader};
    eprintln!("$ {}", show(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", show(cmd)))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        each(&line);
    }
    child.wait().map_err(|e| e.to_string())
}
