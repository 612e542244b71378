//! How long the release build's start blocks the main thread, measured in
//! the browser rather than simulated: a first visit at 4× CPU slowdown
//! (DevTools `Emulation.setCPUThrottlingRate`) on a phone's screen, each run
//! in a fresh browser profile, with the Long Tasks API recording every task
//! over 50 ms. Run by `cargo xtask bench`, which serves the build and starts
//! ChromeDriver; prints the figures and asserts no time.
//!
//! The blocking time is Lighthouse's definition (the part of each long task
//! beyond 50 ms, from the first contentful paint on) over real tasks, until
//! 3 s after the results are listed; Lighthouse's TBT is simulated from an
//! unthrottled trace instead, and moves a lot from run to run.

use linli_e2e::{Setup, cdp, phone_screen, with_setup};
use serde_json::{Value, json};

/// First visits measured.
const RUNS: usize = 7;

/// Records long tasks from the start of the page.
const OBSERVE: &str = "window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let app = std::env::var("LINLI_APP_URL").expect("LINLI_APP_URL");
    let mut blocking = Vec::with_capacity(RUNS);
    let mut longest = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let setup = Setup {
            app_url: Some("about:blank".to_owned()),
            ..Setup::default()
        };
        let app = app.clone();
        let measured = std::sync::Arc::new(std::sync::Mutex::new(None::<(f64, f64)>));
        let out = measured.clone();
        with_setup(setup, move |page| async move {
            let send = |cmd: &'static str, params: Value| {
                let client = page.client.clone();
                async move { cdp(&client, cmd, params).await.expect(cmd) }
            };
            send(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": OBSERVE }),
            )
            .await;
            phone_screen(&page.client, 412, 823, 1.75).await;
            send("Emulation.setCPUThrottlingRate", json!({ "rate": 4 })).await;
            page.client.goto(&app).await.expect("open the app");
            page.eventually("the results", || async {
                page.text_of(".count").await.filter(|t| t.starts_with("共 "))
            })
            .await;
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            let seen = page
                .client
                .execute(
                    "return [window.__long, performance.getEntriesByName('first-contentful-paint')[0].startTime]",
                    vec![],
                )
                .await
                .expect("the long tasks");
            let fcp = seen[1].as_f64().expect("first contentful paint");
            let tasks: Vec<(f64, f64)> = seen[0]
                .as_array()
                .expect("a list")
                .iter()
                .map(|t| (t[0].as_f64().unwrap(), t[1].as_f64().unwrap()))
                .collect();
            let total: f64 = tasks
                .iter()
                .filter(|(start, _)| *start >= fcp)
                .map(|(_, d)| (d - 50.0).max(0.0))
                .sum();
            let max = tasks.iter().map(|(_, d)| *d).fold(0.0, f64::max);
            println!(
                "run {run}: first paint {fcp:.0} ms, {} long tasks, blocking {total:.0} ms, longest {max:.0} ms",
                tasks.len()
            );
            *out.lock().expect("one writer") = Some((total, max));
        })
        .await;
        let (total, max) = measured.lock().expect("one writer").expect("measured");
        blocking.push(total);
        longest.push(max);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let (b50, bmin, bmax) = median(blocking);
    let (l50, lmin, lmax) = median(longest);
    println!(
        "BENCH startup, first visit at CPU 4x on a phone screen: blocking time after the first paint {b50:.0} ms ({bmin:.0} … {bmax:.0}), longest task {l50:.0} ms ({lmin:.0} … {lmax:.0}); median of {RUNS}"
    );
}
