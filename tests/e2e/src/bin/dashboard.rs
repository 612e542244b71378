//! How long the staff dashboard takes to show a big district: the release
//! app served by the collector, a district of many answers (seeded by
//! `cargo xtask bench dashboard`), signed in with `LINLI_STAFF_TOKEN`.
//! Each run is a fresh page load; the figures are read from the page's own
//! clock and resource timing. Prints them; asserts no time.

use linli_e2e::{Setup, with_setup};

/// Page loads measured.
const RUNS: usize = 7;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let token = std::env::var("LINLI_STAFF_TOKEN").expect("LINLI_STAFF_TOKEN");
    let app = std::env::var("LINLI_APP_URL").expect("LINLI_APP_URL");
    let answers = std::env::var("LINLI_BENCH_ANSWERS").unwrap_or_else(|_| "?".to_owned());
    with_setup(Setup::default(), |page| async move {
        page.client
            .execute(
                "sessionStorage.setItem('linli.staff.token', arguments[0])",
                vec![token.into()],
            )
            .await
            .expect("sign in");
        let (mut total, mut api, mut client) = (vec![], vec![], vec![]);
        for _ in 0..RUNS {
            page.client
                .goto(&format!("{app}staff/"))
                .await
                .expect("open the dashboard");
            // From navigation start to the frame after the gap map exists;
            // the demand request's timing from the resource entries.
            let script = "const done = arguments[arguments.length - 1];
                (function wait() {
                  if (document.querySelector('.gap-map circle')) {
                    requestAnimationFrame(() => setTimeout(() => {
                      const shown = performance.now();
                      const r = performance.getEntriesByType('resource').find(e => e.name.endsWith('/demand'));
                      done([shown, r ? r.responseEnd - r.requestStart : -1, r ? shown - r.responseEnd : -1]);
                    }, 0));
                  } else { setTimeout(wait, 5); }
                })();";
            let got = page
                .client
                .execute_async(script, vec![])
                .await
                .expect("the dashboard drawn");
            let v: Vec<f64> = serde_json::from_value(got).expect("three figures");
            total.push(v[0]);
            api.push(v[1]);
            client.push(v[2]);
        }
        for (what, v) in [
            ("page load to dashboard drawn", total),
            ("demand request (server aggregation, transfer)", api),
            ("response to dashboard drawn (parse and render in the app)", client),
        ] {
            let (m, lo, hi) = median(v);
            println!(
                "BENCH dashboard, {answers} answers in one district, {what}: median {m:.0} ms (min {lo:.0}, max {hi:.0}, {RUNS} loads)"
            );
        }
    })
    .await;
}
