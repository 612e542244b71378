//! `collector`: runs the collector.
//!
//! ```text
//! collector [--addr 127.0.0.1:8080] [--data-dir data] [--dist dist]
//!           [--allow-origin https://example.org]… [--rate-limit 120]
//!           [--retention-months 24]
//! collector token create (--district 110101 | --city) --label "…" [--data-dir data]
//! collector token list [--data-dir data]
//! collector token revoke ID [--data-dir data]
//! collector exports [--district 110101] [--data-dir data]
//! ```
//!
//! `token create` prints the new token once; only its hash is stored.
//! `exports` prints the export log, oldest first: the Beijing time, the
//! token's id and label, the district, what was read, whether comments
//! were included, and how many answers it held.
//!
//! The database is `DATABASE_URL` when set (a `postgres://` URL selects
//! PostgreSQL), otherwise the SQLite file `linli.db` in the data directory,
//! which is created if needed. Logs are JSON lines on stderr
//! (`RUST_LOG` filters them).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_collector::access::Scope;
use linli_collector::{Db, WebConfig, app, retention};

struct Options {
    addr: String,
    data_dir: PathBuf,
    web: WebConfig,
    retention_months: u32,
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
        retention_months: retention::DEFAULT_MONTHS,
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
            "--retention-months" => {
                let v = value()?;
                o.retention_months = v
                    .parse()
                    .map_err(|_| format!("--retention-months {v:?} is not a number of months"))?;
            }
            "--help" | "-h" => {
                return Err("usage: collector [--addr A] [--data-dir D] [--dist D] [--allow-origin O]… [--rate-limit N] [--retention-months M]\n       collector token create (--district CODE | --city) --label TEXT | token list | token revoke ID\n       collector exports [--district CODE]".to_owned());
            }
            other => return Err(format!("unknown option {other}; try --help")),
        }
    }
    Ok(o)
}

/// `DATABASE_URL`, or the SQLite file in `data_dir` (created if needed).
async fn open(data_dir: &std::path::Path) -> Result<Db, String> {
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
            format!("sqlite://{}?mode=rwc", data_dir.join("linli.db").display())
        }
    };
    Db::connect(&url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `collector token …`: makes, lists and revokes district research tokens.
async fn token(args: Vec<String>) -> Result<(), String> {
    let mut data_dir = PathBuf::from("data");
    let mut scope = None;
    let mut label = None;
    let mut positional = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--data-dir" => data_dir = PathBuf::from(value()?),
            "--district" => {
                let code = value()?;
                if linli_facilities::districts::by_code(&code).is_none() {
                    return Err(format!(
                        "--district {code:?} is not a Beijing district code"
                    ));
                }
                scope = Some(Scope::District(code));
            }
            "--city" => scope = Some(Scope::City),
            "--label" => label = Some(value()?),
            other if other.starts_with("--") => {
                return Err(format!("unknown option {other}; try --help"));
            }
            _ => positional.push(arg),
        }
    }
    let db = open(&data_dir).await?;
    let db_error = |e: sqlx::Error| format!("database: {e}");
    match positional.first().map(String::as_str) {
        Some("create") => {
            let scope = scope.ok_or("token create needs --district CODE or --city")?;
            let label = label
                .filter(|l| !l.trim().is_empty())
                .ok_or("token create needs --label, e.g. the office the token is for")?;
            let token = db.create_token(&scope, &label, now()).await.map_err(db_error)?;
            println!("{}", token.secret);
            eprintln!(
                "collector: token {} made for {label}; it is shown only now, so keep it safe",
                token.id
            );
        }
        Some("list") => {
            for t in db.tokens().await.map_err(db_error)? {
                let scope = match &t.scope {
                    Scope::City => "city".to_owned(),
                    Scope::District(code) => format!("district {code}"),
                };
                let state = if t.revoked_at.is_some() { "revoked" } else { "live" };
                println!("{}\t{scope}\t{state}\t{}", t.id, t.label);
            }
        }
        Some("revoke") => {
            let id = positional.get(1).ok_or("token revoke needs the token's id (see token list)")?;
            if !db.revoke_token(id, now()).await.map_err(db_error)? {
                return Err(format!("no live token has the id {id:?}"));
            }
            eprintln!("collector: token {id} revoked");
        }
        _ => return Err("usage: collector token create (--district CODE | --city) --label TEXT | token list | token revoke ID".to_owned()),
    }
    Ok(())
}

/// `collector exports …`: the export log, for an audit.
async fn exports(args: Vec<String>) -> Result<(), String> {
    let mut data_dir = PathBuf::from("data");
    let mut district = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--data-dir" => data_dir = PathBuf::from(value()?),
            "--district" => district = Some(value()?),
            other => return Err(format!("unknown argument {other}; usage: {EXPORTS_USAGE}")),
        }
    }
    let db = open(&data_dir).await?;
    let db_error = |e: sqlx::Error| format!("database: {e}");
    let labels: std::collections::HashMap<String, String> = db
        .tokens()
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|t| (t.id, t.label))
        .collect();
    for r in db.export_log().await.map_err(db_error)? {
        if district.as_ref().is_some_and(|d| *d != r.district_code) {
            continue;
        }
        let at = chrono::DateTime::from_timestamp(r.at + 8 * 3600, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S+08:00").to_string())
            .unwrap_or_default();
        let label = labels.get(&r.token_id).map_or("", String::as_str);
        let comments = if r.with_comments {
            "with comments"
        } else {
            "no comments"
        };
        println!(
            "{at}\t{}\t{label}\t{}\t{}\t{comments}\t{} answers",
            r.token_id, r.district_code, r.what, r.records
        );
    }
    Ok(())
}

const EXPORTS_USAGE: &str = "collector exports [--district CODE] [--data-dir D]";

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.first().map(String::as_str) {
        Some("token") => Some(token(args[1..].to_vec()).await),
        Some("exports") => Some(exports(args[1..].to_vec()).await),
        _ => None,
    };
    if let Some(done) = command {
        return match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("collector: {message}");
                ExitCode::from(2)
            }
        };
    }
    let o = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("collector: {message}");
            return ExitCode::from(2);
        }
    };
    let db = match open(&o.data_dir).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("collector: {e}");
            return ExitCode::FAILURE;
        }
    };
    retention::spawn(db.clone(), o.retention_months, retention::EVERY);
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
