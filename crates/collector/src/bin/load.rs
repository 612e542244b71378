//! The collector under load: `clients` concurrent submitters, each sending
//! new surveys one after another and retrying until confirmed, for
//! `seconds`; then every confirmed id is looked up in the database.
//! Prints the figures; asserts no time. Run by `cargo xtask bench
//! collector`, which starts the collector on a fresh SQLite file.
//!
//! ```text
//! load <host:port> <database url> [clients] [seconds]
//! ```

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use linli_collector::Db;
use linli_collector::client::{sample_survey, send_until_confirmed, test_id};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr = args.first().expect("host:port").clone();
    let url = args.get(1).expect("database url").clone();
    let clients: u64 = args.get(2).map_or(200, |c| c.parse().expect("clients"));
    let seconds: u64 = args.get(3).map_or(60, |s| s.parse().expect("seconds"));
    let run = std::process::id();
    let counter = Arc::new(AtomicU64::new(0));
    let stop = Instant::now() + Duration::from_secs(seconds);
    let give_up = stop + Duration::from_secs(60);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, counter) = (addr.clone(), counter.clone());
            tokio::spawn(async move {
                let mut done = Vec::new();
                while Instant::now() < stop {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let id = test_id(run, n);
                    let sent = send_until_confirmed(
                        &addr,
                        "/api/v1/surveys",
                        &sample_survey(&id, n),
                        give_up,
                    )
                    .await;
                    done.push((id, sent));
                }
                done
            })
        })
        .collect();
    let mut confirmed = Vec::new();
    let (mut unconfirmed, mut server_errors, mut attempts) = (0u64, 0u64, 0u64);
    let mut latencies = Vec::new();
    for t in tasks {
        for (id, sent) in t.await.expect("client task") {
            attempts += u64::from(sent.attempts);
            server_errors += u64::from(sent.server_errors);
            if sent.status == 200 || sent.status == 201 {
                latencies.push(sent.latency.as_secs_f64() * 1000.0);
                confirmed.push(id);
            } else {
                unconfirmed += 1;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let db = Db::connect(&url).await.expect("the database");
    let ids = db.survey_ids().await.expect("ids");
    let rows = ids.len();
    let stored: HashSet<String> = ids.into_iter().collect();
    let lost = confirmed.iter().filter(|id| !stored.contains(*id)).count();
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "BENCH collector, {clients} clients for {seconds} s: {} confirmed ({:.0}/s sustained), {} rows, lost {lost}, duplicated {}, 5xx {server_errors}, unconfirmed {unconfirmed}, attempts {attempts}, latency p50 {:.1} ms, p99 {:.1} ms",
        confirmed.len(),
        confirmed.len() as f64 / elapsed,
        rows,
        rows - stored.len(),
        at(0.5),
        at(0.99),
    );
}
