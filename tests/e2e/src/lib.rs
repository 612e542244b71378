//! The end-to-end harness: a WebDriver session in headless Chromium and a
//! page object for the finder, so that tests read as what a person does and
//! sees.
//!
//! `cargo xtask test` serves the release build and starts ChromeDriver, and
//! passes their addresses in `LINLI_APP_URL` and `LINLI_WEBDRIVER_URL`.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::parse_feature_collection;
use linli_facilities::finder::{Filters, HoursBook, find};
use linli_facilities::manifest::Manifest;
use linli_facilities::model::{Facility, ServiceFunction};

/// How long to wait for the page to reach an expected state.
const PATIENCE: Duration = Duration::from_secs(15);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end tests through `cargo xtask test`")
    })
}

/// Opens a fresh headless Chromium (own profile directory), runs `test`
/// with the finder page loaded, and closes the browser whether the test
/// passed or not.
pub async fn with_finder<F, Fut>(test: F)
where
    F: FnOnce(FinderPage) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    static SESSION: AtomicUsize = AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "linli-e2e-{}-{}",
        std::process::id(),
        SESSION.fetch_add(1, Ordering::SeqCst)
    ));
    let chromium = std::env::var("LINLI_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&env("LINLI_WEBDRIVER_URL"))
        .await
        .expect("connect to ChromeDriver");
    let page = FinderPage {
        client: client.clone(),
    };
    page.client
        .goto(&env("LINLI_APP_URL"))
        .await
        .expect("open the app");
    let outcome = tokio::spawn(test(page)).await;
    let _ = client.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// The finder as a resident sees it.
#[derive(Debug, Clone)]
pub struct FinderPage {
    /// The WebDriver session, for what the page object does not cover.
    pub client: Client,
}

impl FinderPage {
    /// Waits until `probe` returns `Some`, polling; panics with `what` after
    /// [`PATIENCE`].
    pub async fn eventually<T, P, Fut>(&self, what: &str, mut probe: P) -> T
    where
        P: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            if Instant::now() > deadline {
                panic!("timed out after {PATIENCE:?} waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of the first element matching `css`, if any.
    pub async fn text_of(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.text().await.ok()
    }

    /// Waits until the element at `css` shows exactly `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        self.eventually(&format!("{css} to read {expected:?}"), || async {
            (self.text_of(css).await.as_deref() == Some(expected)).then_some(())
        })
        .await;
    }

    /// The result count line, e.g. "共 8 处".
    pub async fn count_text(&self) -> Option<String> {
        self.text_of(".count").await
    }

    /// The names in the result list, top to bottom.
    pub async fn result_names(&self) -> Vec<String> {
        let rows = self
            .client
            .find_all(Locator::Css(".result .name"))
            .await
            .unwrap_or_default();
        texts(rows).await
    }

    /// The service chips of each result row, top to bottom.
    pub async fn result_functions(&self) -> Vec<Vec<String>> {
        let rows = self
            .client
            .find_all(Locator::Css(".result"))
            .await
            .expect("result rows");
        let mut all = Vec::new();
        for row in rows {
            let chips = row
                .find_all(Locator::Css(".function"))
                .await
                .expect("chips");
            all.push(texts(chips).await);
        }
        all
    }

    /// Chooses a walking time by its visible label, e.g. "30 分钟以内".
    pub async fn choose_walk(&self, label: &str) {
        let select = self
            .client
            .find(Locator::Id("walk-filter"))
            .await
            .expect("walk filter");
        select
            .select_by_label(label)
            .await
            .expect("option with that label");
    }

    /// The page's current URL.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("current URL")
            .to_string()
    }

    /// Opens `url` as a fresh navigation, as following a shared link does.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("open the link");
    }

    /// Chooses a service in the filter by its visible label.
    pub async fn choose_service(&self, label: &str) {
        let select = self
            .client
            .find(Locator::Id("function-filter"))
            .await
            .expect("service filter");
        select
            .select_by_label(label)
            .await
            .expect("option with that label");
    }

    /// Clicks the button that shows `label`.
    pub async fn click_button(&self, label: &str) {
        let xpath = format!("//button[normalize-space()='{label}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
    }
}

/// The names the finder should list for `function` within `walk_minutes`
/// at the standard speed, nearest first, worked out from the published
/// files with the domain crate (the same files the release build serves).
pub fn expected_names(function: Option<ServiceFunction>, walk_minutes: u32) -> Vec<String> {
    expected(&Filters {
        functions: function.into_iter().collect(),
        walk_minutes,
        ..Filters::default()
    })
}

/// The names the finder should list for `filters` (without a time filter),
/// nearest first, from the published files.
pub fn expected(filters: &Filters) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("published data file");
    let manifest = Manifest::from_json(&read("manifest.json")).expect("manifest");
    let calendar = HolidayCalendar::from_json(&read(&manifest.holidays)).expect("calendar");
    let facilities: Vec<Facility> = manifest
        .shards_near(linli::SAMPLE_ORIGIN, linli::search_radius_m())
        .flat_map(|entry| {
            parse_feature_collection(&read(&entry.file))
                .expect("shard")
                .facilities
        })
        .collect();
    // No time filter: the list does not depend on the time given here.
    let any_time = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    find(
        &facilities,
        linli::SAMPLE_ORIGIN,
        filters,
        any_time,
        &calendar,
        &mut HoursBook::default(),
    )
    .iter()
    .map(|hit| facilities[hit.index].name.zh.clone())
    .collect()
}

async fn texts(elements: Vec<Element>) -> Vec<String> {
    let mut out = Vec::with_capacity(elements.len());
    for e in elements {
        out.push(e.text().await.unwrap_or_default());
    }
    out
}
