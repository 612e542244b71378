//! The collector killed with SIGKILL at random points while retrying
//! clients submit: no confirmed survey is lost and none is stored twice, on
//! SQLite and (when `LINLI_TEST_POSTGRES_URL` is set) PostgreSQL.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;

use linli_collector::Db;
use linli_collector::client::{sample_survey, send_until_confirmed, test_id};
use linli_facilities::seeded::SplitMix64;

/// Starts the collector on `port`, on `database` (a URL) or, when `None`,
/// the SQLite file in `data`.
fn start(port: u16, data: &std::path::Path, database: Option<&str>) -> Child {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--rate-limit",
            "0",
            "--data-dir",
        ])
        .arg(data)
        .env("DATABASE_URL", database.unwrap_or(""))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the collector")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_confirmed_survey_and_stores_none_twice() {
    crash_run(None).await;
    // And on PostgreSQL, when the test command provides a server.
    if let Ok(base) = std::env::var("LINLI_TEST_POSTGRES_URL") {
        crash_run(Some(common::fresh_postgres(&base).await)).await;
    }
}

async fn crash_run(database: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let db_arg = database.as_deref();
    let mut child = start(port, dir.path(), db_arg);
    let counter = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let give_up = Instant::now() + Duration::from_secs(120);
    let clients: Vec<_> = (0..20)
        .map(|_| {
            let (addr, counter, stop) = (addr.clone(), counter.clone(), stop.clone());
            tokio::spawn(async move {
                let mut confirmed = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let id = test_id(7, n);
                    let sent = send_until_confirmed(
                        &addr,
                        "/api/v1/surveys",
                        &sample_survey(&id, n),
                        give_up,
                    )
                    .await;
                    assert!(
                        sent.status == 201 || sent.status == 200,
                        "{id} ended with {}",
                        sent.status
                    );
                    // A resend after a lost answer can meet its own commit.
                    confirmed.push(id);
                }
                confirmed
            })
        })
        .collect();
    // Seeded, for the kill times.
    let mut rng = SplitMix64::new(2026);
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(150 + rng.below(600))).await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        tokio::time::sleep(Duration::from_millis(rng.below(200))).await;
        child = start(port, dir.path(), db_arg);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut confirmed = Vec::new();
    for c in clients {
        confirmed.extend(c.await.expect("client"));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let url = database.unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("linli.db").display()
        )
    });
    let db = Db::connect(&url).await.unwrap();
    let ids = db.survey_ids().await.unwrap();
    let stored: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(stored.len(), ids.len(), "no id stored twice");
    let lost: Vec<&String> = confirmed.iter().filter(|id| !stored.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{} confirmed but not stored: {lost:?}",
        lost.len()
    );
    // Every stored survey was confirmed to its client in the end.
    assert_eq!(ids.len(), confirmed.len());
    assert!(
        confirmed.len() > 50,
        "the run submitted enough ({})",
        confirmed.len()
    );
}
