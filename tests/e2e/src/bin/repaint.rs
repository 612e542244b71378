//! How long a filter change takes to reach the screen in the release build,
//! at 4× CPU slowdown (DevTools `Emulation.setCPUThrottlingRate`), over the
//! published sample. Run by `cargo xtask bench`, which serves the build and
//! starts ChromeDriver; prints the figures and asserts no time.

use linli_e2e::{Setup, cdp, with_setup};
use serde_json::json;

/// Filter changes measured at each throttling rate.
const CHANGES: usize = 60;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let setup = Setup {
        beijing_time: Some("2026-10-14T10:00".to_owned()),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        page.eventually("the results", || async {
            page.text_of(".count").await.filter(|t| t.starts_with("共 "))
        })
        .await;
        // Back to back, each change starts as soon as the last one's frame
        // is drawn, while what it deferred (the URL, idle work) may still
        // be running; settled, each starts once the browser reports itself
        // idle, as a resident's next tap would, hundreds of milliseconds
        // later.
        for (settled, rate) in [(false, 1), (false, 4), (true, 1), (true, 4)] {
            cdp(&page.client, "Emulation.setCPUThrottlingRate", json!({ "rate": rate }))
                .await
                .expect("CPU throttling");
            let how = if settled { "settled" } else { "back to back" };
            let mut samples = Vec::with_capacity(CHANGES);
            let mut whole = Vec::with_capacity(CHANGES);
            let mut by_kind: [Vec<f64>; 3] = Default::default();
            for i in 0..CHANGES {
                // Alternate the changes a resident makes: walking time,
                // service, and open now.
                let change = match i % 3 {
                    0 => format!(
                        "const s = document.getElementById('walk-filter'); s.value = '{}'; s.dispatchEvent(new Event('change'));",
                        [15, 30, 20][i % 9 / 3]
                    ),
                    1 => format!(
                        "document.querySelectorAll('input[name=function]')[{}].click();",
                        i % 10
                    ),
                    _ => "document.querySelectorAll('input[name=speed]')[(window.__s = !window.__s) ? 1 : 0].click();".to_owned(),
                };
                if settled {
                    page.client
                        .execute_async(
                            "const done = arguments[arguments.length - 1]; requestIdleCallback(() => done(), { timeout: 2000 });",
                            vec![],
                        )
                        .await
                        .expect("wait for an idle page");
                }
                // From the event to the first frame drawn after it: the
                // next animation frame, then the task after it. And to the
                // frame after that, which draws what the app leaves for
                // it (the map, the rows past the first few): the whole
                // page.
                let script = format!(
                    "const done = arguments[arguments.length - 1]; const t0 = performance.now(); {change}
                     requestAnimationFrame(() => setTimeout(() => {{
                       const first = performance.now() - t0;
                       requestAnimationFrame(() => setTimeout(() => done([first, performance.now() - t0]), 0));
                     }}, 0));"
                );
                let times = page.client.execute_async(&script, vec![]).await.expect("measure a change");
                let ms = |i: usize| times[i].as_f64().expect("milliseconds");
                samples.push(ms(0));
                whole.push(ms(1));
                by_kind[i % 3].push(ms(0));
            }
            for (kind, mut list) in ["walking time", "service", "walking speed"].into_iter().zip(by_kind) {
                list.sort_by(f64::total_cmp);
                println!(
                    "BENCH repaint, {how}, CPU {rate}x, {kind} changes: p50 {:.1} ms, max {:.1} ms, n {}",
                    list[list.len() / 2],
                    list[list.len() - 1],
                    list.len()
                );
            }
            for (what, mut list) in [("after a filter change", samples), ("until the whole page is drawn", whole)] {
                list.sort_by(f64::total_cmp);
                let at = |p: f64| list[((list.len() - 1) as f64 * p).round() as usize];
                println!(
                    "BENCH repaint {what}, {how}, CPU {rate}x: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, n {}",
                    at(0.5),
                    at(0.95),
                    list[list.len() - 1],
                    list.len()
                );
            }
        }
    })
    .await;
}
