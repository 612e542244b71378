//! `collector`: runs the collector.
//!
//! ```text
//! collector [--addr 127.0.0.1:8080] [--data-dir data] [--dist dist]
//!           [--allow-origin https://example.org]… [--rate-limit 120]
//! ```
//!
//! The database is `DATABASE_URL` when set (a `postgres://` URL selects
//! PostgreSQL), otherwise the SQLite file `linli.db` in the data directory,
//! which is created if needed. Logs are JSON lines on stderr
//! (`RUST_LOG` filters them).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_collector::{Db, WebConfig, app};

struct Options {
    addr: String,
    data_dir: PathBuf,
    web: WebConfig,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        addr: "127.0.0.1:8080".to_owned(),
        data_dir: PathBuf::from("data"),
        web: WebConfig {
            dist: None,
            allowed_origins: Vec::new(),
            rate_per_minute: 120,
        },
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => o.addr = value()?,
            "--data-dir" => o.data_dir = PathBuf::from(value()?),
            "--dist" => o.web.dist = Some(PathBuf::from(value()?)),
            "--allow-origin" => o.web.allowed_origins.push(value()?),
            "--rate-limit" => {
                let v = value()?;
                o.web.rate_per_minute = v.parse().map_err(|_| {
                    format!("--rate-limit {v:?} is not a number of requests per minute")
                })?;
            }
            "--help" | "-h" => {
                return Err("usage: collector [--addr A] [--data-dir D] [--dist D] [--allow-origin O]… [--rate-limit N]".to_owned());
            }
            other => return Err(format!("unknown option {other}; try --help")),
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("collector: {message}");
            return ExitCode::from(2);
        }
    };
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            if let Err(e) = std::fs::create_dir_all(&o.data_dir) {
                eprintln!("collector: cannot create {}: {e}", o.data_dir.display());
                return ExitCode::FAILURE;
            }
            format!(
                "sqlite://{}?mode=rwc",
                o.data_dir.join("linli.db").display()
            )
        }
    };
    let db = match Db::connect(&url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("collector: cannot open the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&o.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("collector: cannot listen on {}: {e}", o.addr);
            return ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .map_or(o.addr.clone(), |a| a.to_string());
    tracing::info!(addr = %local, backend = ?db.backend, "listening");
    eprintln!("collector: listening on http://{local}/");
    let router = app(db, &o.web).into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("collector: {e}");
            ExitCode::FAILURE
        }
    }
}
