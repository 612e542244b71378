//! The end-to-end harness: a WebDriver session in headless Chromium and a
//! page object for the finder, so that tests read as what a person does and
//! sees.
//!
//! `cargo xtask test` serves the release build and starts ChromeDriver, and
//! passes their addresses in `LINLI_APP_URL` and `LINLI_WEBDRIVER_URL`.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::parse_feature_collection;
use linli_facilities::finder::{Filters, HoursBook, SearchKeys, find};
use linli_facilities::geometry::LonLat;
use linli_facilities::manifest::Manifest;
use linli_facilities::model::{Facility, ServiceFunction};
use linli_facilities::places::PlaceList;
use serde_json::{Value, json};

/// How long to wait for the page to reach an expected state.
const PATIENCE: Duration = Duration::from_secs(15);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end tests through `cargo xtask test`")
    })
}

/// What the browser is made to say before the app loads.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The local Beijing time the page's clock shows at each load,
    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, and runs on from; the
    /// real clock when `None`.
    pub beijing_time: Option<String>,
    /// The position the device reports: longitude, latitude (WGS-84) and
    /// accuracy in metres.
    pub position: Option<(f64, f64, f64)>,
    /// Whether the resident refuses to share the location.
    pub deny_location: bool,
    /// A speech synthesis with a voice of each of these languages
    /// (comma-separated, e.g. `zh-CN` or `en-US,zh-CN`) that records what
    /// it is asked to say in `window.__spoken` and `window.__said`.
    pub voice: Option<String>,
    /// Elder mode already on, as the device remembers it.
    pub elder: bool,
    /// The query string of the first page load, without `?`.
    pub query: String,
    /// A browser profile directory to use and keep (to restart the browser
    /// with the same storage); a fresh one, removed afterwards, when `None`.
    pub profile: Option<std::path::PathBuf>,
    /// Where the app is, instead of `LINLI_APP_URL` (ending in `/`).
    pub app_url: Option<String>,
    /// The browser's default text size in CSS pixels (16 unless set), as
    /// a resident sets it for larger text: the root's size and the `rem`
    /// of media queries follow it.
    pub text_size_px: Option<u32>,
}

/// A Chrome DevTools Protocol command sent through ChromeDriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a CDP command needs a session");
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Sends a DevTools command to the page's browser.
pub async fn cdp(client: &Client, cmd: &'static str, params: Value) -> Result<Value, CmdError> {
    client.issue_cmd(Cdp { cmd, params }).await
}

/// Makes the page a phone's: a touch screen `width` × `height` CSS pixels
/// with `scale` device pixels to each (DevTools
/// `Emulation.setDeviceMetricsOverride`); takes effect at the next load.
pub async fn phone_screen(client: &Client, width: u32, height: u32, scale: f64) {
    cdp(
        client,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": true }),
    )
    .await
    .expect("a phone's screen");
}

/// A desktop window `width` CSS pixels wide, as a 1280 px screen zoomed to
/// 400 % is (WCAG 1.4.10): unlike a phone's, its scroll bar takes room
/// from the page.
pub async fn zoomed_desktop_screen(client: &Client, width: u32, height: u32) {
    cdp(
        client,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": 4, "mobile": false }),
    )
    .await
    .expect("a zoomed desktop window");
}

/// A script, run before any page script, that makes `Date` read the
/// instant `utc_ms` (milliseconds since 1970, UTC) and then run on.
fn clock_script(utc_ms: i64) -> String {
    format!(
        "(() => {{ const Real = Date; const offset = {utc_ms} - Real.now();
          function Fake(...a) {{
            if (!new.target) return new Real(Real.now() + offset).toString();
            return a.length === 0 ? new Real(Real.now() + offset) : new Real(...a);
          }}
          Fake.prototype = Real.prototype; Fake.UTC = Real.UTC; Fake.parse = Real.parse;
          Fake.now = () => Real.now() + offset;
          globalThis.Date = Fake; }})();"
    )
}

/// A script that replaces speech synthesis with a voice of each language
/// of `langs` (comma-separated) that records what it is asked to say since
/// it was last stopped: the texts joined in `window.__spoken`, and each
/// utterance's language and text in `window.__said`.
fn voice_script(langs: &str) -> String {
    format!(
        "(() => {{ const voices = '{langs}'.split(',').map((lang) => ({{ lang, name: 'Linli test voice ' + lang, default: false }}));
          const synth = {{ getVoices: () => voices,
            speak: (u) => {{ window.__spoken = (window.__spoken || '') + u.text; (window.__said = window.__said || []).push([u.lang, u.text]); }},
            cancel: () => {{ window.__cancels = (window.__cancels || 0) + 1; window.__spoken = ''; window.__said = []; }},
            onvoiceschanged: null, speaking: false, pending: false, paused: false }};
          Object.defineProperty(window, 'speechSynthesis', {{ value: synth, configurable: true }}); }})();"
    )
}

/// Opens a fresh headless Chromium (own profile directory), runs `test`
/// with the finder page loaded, and closes the browser whether the test
/// passed or not.
pub async fn with_finder<F, Fut>(test: F)
where
    F: FnOnce(FinderPage) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_setup(Setup::default(), test).await;
}

/// [`with_finder`] with the browser set up first: clock, position, voices.
pub async fn with_setup<F, Fut>(setup: Setup, test: F)
where
    F: FnOnce(FinderPage) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    static SESSION: AtomicUsize = AtomicUsize::new(0);
    let keep_profile = setup.profile.is_some();
    let profile = setup.profile.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "linli-e2e-{}-{}",
            std::process::id(),
            SESSION.fetch_add(1, Ordering::SeqCst)
        ))
    });
    let chromium = std::env::var("LINLI_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": match setup.text_size_px {
                Some(px) => json!({ "webkit": { "webprefs": { "default_font_size": px } } }),
                None => json!({}),
            }
        }
    });
    let Value::Object(capabilities) = capabilities else {
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
    let app = setup
        .app_url
        .clone()
        .unwrap_or_else(|| env("LINLI_APP_URL"));
    let origin = app.trim_end_matches('/').to_owned();
    if let Some(time) = &setup.beijing_time {
        let local = chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M"))
            .expect("YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS");
        let utc_ms = (local - chrono::Duration::hours(8))
            .and_utc()
            .timestamp_millis();
        cdp(
            &client,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": clock_script(utc_ms) }),
        )
        .await
        .expect("fake clock");
    }
    if let Some(lang) = &setup.voice {
        cdp(
            &client,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": voice_script(lang) }),
        )
        .await
        .expect("fake voice");
    }
    if let Some((lon, lat, accuracy)) = setup.position {
        cdp(
            &client,
            "Browser.grantPermissions",
            json!({ "permissions": ["geolocation"], "origin": origin }),
        )
        .await
        .expect("grant geolocation");
        cdp(
            &client,
            "Emulation.setGeolocationOverride",
            json!({ "latitude": lat, "longitude": lon, "accuracy": accuracy }),
        )
        .await
        .expect("set the position");
    }
    if setup.deny_location {
        let denied = json!({ "permission": { "name": "geolocation" }, "setting": "denied", "origin": origin });
        cdp(&client, "Browser.setPermission", denied)
            .await
            .expect("deny geolocation");
    }
    if setup.elder {
        page.client.goto(&app).await.expect("open the app");
        page.client
            .execute("localStorage.setItem('linli.elder', '1')", vec![])
            .await
            .expect("remember elder mode");
    }
    let first = if setup.query.is_empty() {
        app
    } else {
        format!("{app}?{}", setup.query)
    };
    page.client.goto(&first).await.expect("open the app");
    let outcome = tokio::spawn(test(page)).await;
    let _ = client.close().await;
    if !keep_profile {
        let _ = std::fs::remove_dir_all(&profile);
    }
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
    /// What does not fit: the elements whose right edge passes the viewport's,
    /// as `tag.class left..right`; those whose content is wider than their own
    /// box and spills out of it (a word longer than its button), as
    /// `tag.class "text" content > box`; and the document's scroll width
    /// against its client width when they differ. Form fields, which scroll
    /// their own text, and the map's SVG are not boxes of this kind; the
    /// shapes inside an SVG are clipped to it, so only the SVG is measured.
    pub async fn past_the_edge(&self) -> Vec<String> {
        let found = self
            .client
            .execute(
                "const w = document.documentElement.clientWidth;
                 const out = [];
                 for (const e of document.querySelectorAll('body *')) {
                   const b = e.getBoundingClientRect();
                   // What an SVG draws is clipped to the SVG (the map's canvas
                   // is cut off at the sides on phones): the SVG itself counts.
                   if (b.width === 0 || out.length >= 8 || e.parentElement.closest('svg')) continue;
                   const name = `${e.tagName.toLowerCase()}.${(e.getAttribute('class') || '').split(' ')[0]}`;
                   if (b.right > w + 0.5) {
                     out.push(`${name} ${Math.round(b.left)}..${Math.round(b.right)}`);
                   } else if (!(e instanceof SVGElement) && !e.matches('input, select, textarea')
                       && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
                       && getComputedStyle(e).overflowX === 'visible') {
                     out.push(`${name} \"${e.textContent.trim().slice(0, 24)}\" ${e.scrollWidth} > ${e.clientWidth}`);
                   }
                 }
                 const sw = document.documentElement.scrollWidth;
                 if (sw > w) out.push(`scroll width ${sw} > ${w}`);
                 return out;",
                vec![],
            )
            .await
            .expect("measure the page");
        serde_json::from_value(found).expect("a list of strings")
    }

    /// Presses and releases `key` (a WebDriver key code, e.g. `'\u{E004}'`
    /// for Tab) as a keyboard sends it, to the focused element.
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keys".to_owned())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(keys)
            .await
            .expect("press a key");
    }

    /// Presses `key` with Shift held (Shift+Tab goes back).
    pub async fn press_with_shift(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keys".to_owned())
            .then(KeyAction::Down { value: '\u{E008}' })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: '\u{E008}' });
        self.client
            .perform_actions(keys)
            .await
            .expect("press a key with Shift");
    }

    /// Waits until `probe` returns `Some`, polling; panics with `what` after
    /// [`PATIENCE`].
    pub async fn eventually<T, P, Fut>(&self, what: &str, probe: P) -> T
    where
        P: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        self.eventually_within(PATIENCE, what, probe).await
    }

    /// As [`FinderPage::eventually`], for what changes when the page's
    /// clock (started at most 30 s before the minute, as the tests that
    /// use it set it) reaches the next minute: 40 s.
    pub async fn after_the_minute<T, P, Fut>(&self, what: &str, probe: P) -> T
    where
        P: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        self.eventually_within(Duration::from_secs(40), what, probe)
            .await
    }

    async fn eventually_within<T, P, Fut>(&self, patience: Duration, what: &str, mut probe: P) -> T
    where
        P: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            if Instant::now() > deadline {
                let url = self.client.current_url().await.map(|u| u.to_string());
                let text = self
                    .client
                    .execute("return document.body.innerText.slice(0, 1500)", vec![])
                    .await
                    .unwrap_or_default();
                panic!(
                    "timed out after {patience:?} waiting for {what}\nurl: {url:?}\npage text: {text}"
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `script` returns something other than `null` (see
    /// [`FinderPage::eventually`]) and gives it back.
    pub async fn eventually_js(&self, what: &str, script: &str) -> Value {
        self.eventually(what, || async {
            self.client
                .execute(script, vec![])
                .await
                .ok()
                .filter(|v| !v.is_null())
        })
        .await
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

    /// Makes every later request whose address matches one of `patterns`
    /// (`*` for any run of characters) fail as a network error does, or,
    /// with none, lets every request through again. The service worker is
    /// bypassed, so that its cache does not answer for the network.
    pub async fn block_urls(&self, patterns: &[&str]) {
        cdp(&self.client, "Network.enable", json!({}))
            .await
            .expect("network domain");
        cdp(
            &self.client,
            "Network.setBypassServiceWorker",
            json!({ "bypass": true }),
        )
        .await
        .expect("bypass the worker");
        cdp(
            &self.client,
            "Network.setBlockedURLs",
            json!({ "urls": patterns }),
        )
        .await
        .expect("block the addresses");
    }

    /// The page's accessibility tree, as a list of nodes (those a screen
    /// reader skips marked `"ignored": true`).
    pub async fn ax_nodes(&self) -> Vec<Value> {
        cdp(&self.client, "Accessibility.enable", json!({}))
            .await
            .expect("accessibility on");
        let tree = cdp(&self.client, "Accessibility.getFullAXTree", json!({}))
            .await
            .expect("the accessibility tree");
        tree["nodes"].as_array().expect("nodes").clone()
    }

    /// Switches the page to English with its header switch and waits for
    /// the results' count line in English ("… facilities").
    pub async fn to_english(&self) {
        self.click(".lang-switch").await;
        self.eventually("the English results", || async {
            self.count_text()
                .await
                .filter(|t| t.ends_with("facilities"))
        })
        .await;
    }

    /// Waits until the map shows a marker for every result the count line
    /// names (a chosen marker's copy on top not counted), and returns how
    /// many. The map draws its markers in a task after the list's, so just
    /// after the list appears they may not be there yet.
    pub async fn wait_for_markers(&self) -> usize {
        self.eventually("a marker on the map for every result", || async {
            let listed: usize = self
                .count_text()
                .await?
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()?;
            let drawn = self
                .client
                .execute(
                    "return document.querySelectorAll('g.marker:not(.top)').length",
                    vec![],
                )
                .await
                .ok()?
                .as_u64()?;
            (drawn == listed as u64).then_some(listed)
        })
        .await
    }

    /// Waits for the next frame and the task after it: what the finder
    /// leaves for the frame after a change of the search (the map, the
    /// list's rows past the first three, `slots_drawn` in `src/finder.rs`)
    /// is then drawn.
    pub async fn after_next_frame(&self) {
        self.client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => setTimeout(done, 0));",
                vec![],
            )
            .await
            .expect("wait for a frame");
    }

    /// Waits for the count line to read `count` ("共 8 处"), and for the
    /// list's rows past the first three, which follow a frame later.
    pub async fn wait_for_count(&self, count: &str) {
        self.wait_for_text(".count", count).await;
        self.after_next_frame().await;
    }

    /// The names in the result list, top to bottom, after pressing "显示更多"
    /// (show more) until every result is listed.
    ///
    /// Read in the page, in the task that finds no button left, so the
    /// names are one consistent list. The button is pressed through the
    /// page, not at its coordinates: rows below the fold are laid out as
    /// they scroll into view, which can move the button between WebDriver
    /// finding it and clicking there. And the list is not read element by
    /// element: when the data for a new position arrives, the list is drawn
    /// again, and elements found before that have gone (their text read as
    /// empty), which once failed a run with a list of blank names. It is
    /// read after a frame and the task after it: the rows past the first
    /// three follow a change of the search in the task after the next
    /// frame (`slots_drawn` in `src/finder.rs`), so a list whose count has
    /// just changed is read whole.
    pub async fn result_names(&self) -> Vec<String> {
        self.after_next_frame().await;
        let names = self
            .client
            .execute_async(
                "const done = arguments[0];
                 const step = () => {
                   const more = document.querySelector('.show-more');
                   if (more) { more.click(); setTimeout(step, 0); return; }
                   done([...document.querySelectorAll('.result .name')].map(n => n.textContent.trim()));
                 };
                 step();",
                vec![],
            )
            .await
            .expect("the names in the result list");
        serde_json::from_value(names).expect("a list of names")
    }

    /// The text of every element matching `css`, in document order, read in
    /// one go for the same reason as [`FinderPage::result_names`].
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        let texts = self
            .client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())",
                vec![json!(css)],
            )
            .await
            .expect("texts");
        serde_json::from_value(texts).expect("a list of texts")
    }

    /// The service chips of each result row, top to bottom, read in one
    /// go for the same reason as [`FinderPage::result_names`].
    pub async fn result_functions(&self) -> Vec<Vec<String>> {
        let rows = self
            .client
            .execute(
                "return [...document.querySelectorAll('.result')]
                   .map(r => [...r.querySelectorAll('.function')].map(c => c.textContent.trim()));",
                vec![],
            )
            .await
            .expect("the service chips of the rows");
        serde_json::from_value(rows).expect("lists of chips")
    }

    /// Chooses a walking time by its visible label, e.g. "30 分钟以内".
    pub async fn choose_walk(&self, label: &str) {
        // The filters are drawn once the app has started.
        let select = self
            .eventually("the walk filter", || async {
                self.client.find(Locator::Id("walk-filter")).await.ok()
            })
            .await;
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

    /// The page's URL once `test` holds for it: the app writes the URL
    /// after drawing the next frame.
    pub async fn url_when(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        self.eventually(what, || async {
            let url = self.url().await;
            test(&url).then_some(url)
        })
        .await
    }

    /// Opens `url` as a fresh navigation, as following a shared link does.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("open the link");
    }

    /// Chooses a service by the label next to its icon.
    pub async fn choose_service(&self, label: &str) {
        let xpath =
            format!("//label[contains(@class, 'function-choice')][normalize-space()='{label}']");
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .expect("service choice")
            .click()
            .await
            .expect("click");
    }

    /// Unfolds "更多筛选" (more filters) unless it is open, once the page
    /// shows it.
    pub async fn open_more_filters(&self) {
        self.eventually("the more-filters panel", || async {
            self.client
                .execute(
                    "const d = document.querySelector('.more-filters'); if (!d) return false;
                     if (!d.open) d.querySelector('summary').click(); return true;",
                    vec![],
                )
                .await
                .ok()
                .filter(|shown| shown == &Value::Bool(true))
        })
        .await;
    }

    /// Chooses `label` in the select with id `id`.
    pub async fn select(&self, id: &str, label: &str) {
        self.client
            .find(Locator::Id(id))
            .await
            .expect("select")
            .select_by_label(label)
            .await
            .expect("option with that label");
    }

    /// Clicks the first element matching `css`, waiting for it to appear.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + PATIENCE;
        let element = loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => break element,
                Err(e) if Instant::now() > deadline => {
                    let main = self
                        .client
                        .execute("return document.body.innerText.slice(0, 1500)", vec![])
                        .await
                        .unwrap_or_default();
                    panic!("{css}: {e}\npage text: {main}");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// The records waiting in the device's outbox (IndexedDB), as stored.
    pub async fn outbox(&self) -> Vec<Value> {
        let records = self
            .client
            .execute_async(
                "const done = arguments[0]; const open = indexedDB.open('linli');
                 open.onsuccess = () => { const q = open.result.transaction('outbox').objectStore('outbox').getAll();
                   q.onsuccess = () => done(q.result); };",
                vec![],
            )
            .await
            .expect("read the outbox");
        records.as_array().cloned().unwrap_or_default()
    }

    /// POSTs `body` to the collector's `path` (e.g. `api/v1/surveys`) from
    /// the page, as the app does, and returns the status.
    pub async fn post_from_page(&self, path: &str, body: &str) -> u64 {
        let status = self
            .client
            .execute_async(
                "const [path, body, done] = arguments;
                 fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
                   .then(r => done(r.status), () => done(0));",
                vec![json!(path), json!(body)],
            )
            .await
            .expect("a POST from the page");
        status.as_u64().unwrap_or(0)
    }

    /// Takes the browser off the network, or back on (DevTools network
    /// emulation).
    pub async fn set_offline(&self, offline: bool) {
        cdp(&self.client, "Network.enable", json!({}))
            .await
            .expect("Network.enable");
        let conditions = json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
        cdp(&self.client, "Network.emulateNetworkConditions", conditions)
            .await
            .expect("network emulation");
    }

    /// Waits until the device's outbox is empty and the header says
    /// nothing is waiting (the header alone is also empty for a moment
    /// after a reload, before the outbox has been read).
    pub async fn wait_for_empty_outbox(&self) {
        self.eventually("the outbox to empty", || async {
            let said_nothing = self
                .text_of(".outbox-status")
                .await
                .is_some_and(|t| t.is_empty());
            (said_nothing && self.outbox().await.is_empty()).then_some(())
        })
        .await;
    }

    /// Runs axe-core (from npm) on the page and returns each violation as
    /// "rule: elements".
    pub async fn axe_violations(&self) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask setup`", path.display()));
        self.client
            .execute(&format!("{source}\nreturn typeof axe;"), vec![])
            .await
            .expect("load axe-core");
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.passes.length === 0 ? ['axe checked nothing'] :
                  r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                  v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));";
        let found = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("axe.run");
        serde_json::from_value(found).expect("a list of violations")
    }

    /// Moves the survey to its next step.
    pub async fn survey_next(&self) {
        self.click(".survey-nav .next").await;
    }

    /// Waits until the survey shows the step headed `text`.
    pub async fn survey_heading(&self, text: &str) {
        self.wait_for_text("#survey-step-heading", text).await;
    }

    /// Chooses, in the survey, the first community the picker lists for
    /// `query`.
    pub async fn choose_survey_community(&self, query: &str) {
        self.pick_first_community(".survey .picker", query).await;
        self.eventually("the chosen community", || async {
            self.text_of(".survey .chosen")
                .await
                .filter(|t| t.starts_with("已选择："))
        })
        .await;
    }

    /// Opens the community picker at `picker` (a CSS selector), searches
    /// for `query` and taps the first match.
    pub async fn pick_first_community(&self, picker: &str, query: &str) {
        self.click(&format!("{picker} summary")).await;
        let search = self
            .eventually("the community search", || async {
                self.client.find(Locator::Id("community-search")).await.ok()
            })
            .await;
        search.send_keys(query).await.unwrap();
        self.click(".matches .match").await;
    }

    /// Types `n` people into age band `band` (0 to 6) of the household
    /// step.
    pub async fn set_household(&self, band: usize, n: u8) {
        let script = format!(
            "const e = document.getElementById('hh-{band}'); e.value = '{n}'; e.dispatchEvent(new Event('input'));"
        );
        self.client.execute(&script, vec![]).await.unwrap();
    }

    /// Agrees to the survey's notice (the survey page open at its first
    /// step) and moves on to the community step.
    pub async fn survey_consent(&self) {
        self.survey_heading("个人信息处理说明").await;
        self.click("#survey-consent").await;
        self.survey_next().await;
        self.survey_heading("您住在哪个社区？").await;
    }

    /// Fills in the whole survey (the survey page open at its first step)
    /// with an acceptable walk of `walk` minutes, and submits it.
    pub async fn fill_and_submit_survey(&self, walk: u8) {
        self.fill_survey(walk).await;
        self.submit_survey().await;
    }

    /// Fills in the whole survey (the survey page open at its first step)
    /// with an acceptable walk of `walk` minutes, up to its last step.
    pub async fn fill_survey(&self, walk: u8) {
        self.survey_consent().await;
        self.choose_survey_community("交道口").await;
        self.survey_next().await;
        self.survey_heading("家里各年龄段各有几人？").await;
        self.set_household(0, 1).await;
        self.survey_next().await;
        self.click("#need-infant_care").await;
        self.select("prio-infant_care", "1 最迫切").await;
        self.survey_to_the_end(walk).await;
    }

    /// From the needs step (its answer given) to the thanks: a time, no
    /// price, a walk of `walk` minutes, no comment; then submits it and
    /// waits for the thanks, which takes the focus.
    pub async fn finish_survey(&self, walk: u8) {
        self.survey_to_the_end(walk).await;
        self.submit_survey().await;
    }

    /// From the needs step (its answer given) to the last step: a time,
    /// no price, a walk of `walk` minutes.
    async fn survey_to_the_end(&self, walk: u8) {
        self.survey_next().await;
        self.survey_heading("什么时候需要？").await;
        self.click("#time-weekday_daytime").await;
        self.survey_next().await;
        self.survey_heading("愿意付多少钱？").await;
        self.survey_next().await;
        self.click(&format!("#walk-{walk}")).await;
        self.survey_next().await;
        self.survey_heading("还有什么想说的？").await;
    }

    /// Submits the survey at its last step and waits for the thanks,
    /// which takes the focus.
    async fn submit_survey(&self) {
        self.click(".survey-nav .submit").await;
        self.eventually("the thanks", || async {
            self.text_of(".thanks p")
                .await
                .filter(|t| t.starts_with("谢谢！"))
        })
        .await;
        // The focus follows the form's place: on the thanks.
        self.wait_for_focus_on("survey-thanks").await;
    }

    /// Waits until the element with the id `id` has the focus.
    pub async fn wait_for_focus_on(&self, id: &str) {
        self.eventually(&format!("the focus on #{id}"), || async {
            let active = self
                .client
                .execute("return document.activeElement.id", vec![])
                .await
                .ok()?;
            (active == id).then_some(())
        })
        .await;
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
    let any_time = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    expected_from(linli::SAMPLE_ORIGIN, filters, any_time)
}

/// The published facility named `name` (Chinese name), from any shard.
pub fn facility_named(name: &str) -> Facility {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).expect("published data file");
    let manifest = Manifest::from_json(&read("manifest.json")).expect("manifest");
    manifest
        .districts
        .iter()
        .flat_map(|entry| {
            parse_feature_collection(&read(&entry.file))
                .expect("shard")
                .facilities
        })
        .find(|f| f.name.zh == name)
        .unwrap_or_else(|| panic!("no facility named {name}"))
}

/// The first community the picker lists for `query`, from the published
/// `places.json`.
pub fn first_place(query: &str) -> linli_facilities::places::Place {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let text = std::fs::read_to_string(dir.join("places.json")).expect("places.json");
    let list = PlaceList::from_json(&text).expect("community list");
    list.search(query, 1)
        .first()
        .map(|p| (*p).clone())
        .expect("a community matches")
}

/// The names of the facilities with meals open at Beijing time `now`
/// within a 30-minute walk of the sample origin, nearest first (what
/// `walk=30&svc=meals&open=now` lists then).
pub fn meals_open_at(now: chrono::NaiveDateTime) -> Vec<String> {
    let filters = Filters {
        functions: vec![ServiceFunction::Meals],
        walk_minutes: 30,
        open: linli_facilities::finder::OpenAt::At(now),
        ..Filters::default()
    };
    expected_from(linli::SAMPLE_ORIGIN, &filters, now)
}

/// The names the finder should list from `origin` for `filters` at Beijing
/// time `now`, nearest first, from the published files.
pub fn expected_from(origin: LonLat, filters: &Filters, now: chrono::NaiveDateTime) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("published data file");
    let manifest = Manifest::from_json(&read("manifest.json")).expect("manifest");
    let calendar = HolidayCalendar::from_json(&read(&manifest.holidays)).expect("calendar");
    let facilities: Vec<Facility> = manifest
        .shards_near(origin, linli::search_radius_m())
        .flat_map(|entry| {
            parse_feature_collection(&read(&entry.file))
                .expect("shard")
                .facilities
        })
        .collect();
    find(
        &SearchKeys::new(&facilities),
        origin,
        filters,
        now,
        &calendar,
        &mut HoursBook::default(),
    )
    .iter()
    .map(|hit| facilities[hit.index].name.zh.clone())
    .collect()
}

/// A collector of the test's own, which the test can stop and start, and a
/// gateway in front of it: the gateway serves the app from the main
/// collector (`LINLI_APP_URL`) and sends `/api/` to this one, answering
/// `502 Bad Gateway` while it is down, as a proxy in front of a stopped
/// server does.
#[derive(Debug)]
pub struct Outage {
    binary: std::path::PathBuf,
    data: std::path::PathBuf,
    api_port: u16,
    gateway_port: u16,
    child: Option<std::process::Child>,
}

impl Outage {
    /// Starts the gateway; the collector behind it starts down.
    pub async fn new() -> Outage {
        let binary = std::path::PathBuf::from(env("LINLI_COLLECTOR_BIN"));
        let free = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        };
        let (api_port, gateway_port) = (free(), free());
        let data =
            std::env::temp_dir().join(format!("linli-outage-{}-{api_port}", std::process::id()));
        let app = env("LINLI_APP_URL");
        let app_addr = app
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", gateway_port))
            .await
            .expect("gateway port");
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let app_addr = app_addr.clone();
                tokio::spawn(gateway_connection(
                    client,
                    app_addr,
                    format!("127.0.0.1:{api_port}"),
                ));
            }
        });
        Outage {
            binary,
            data,
            api_port,
            gateway_port,
            child: None,
        }
    }

    /// The app's address through the gateway, ending in `/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.gateway_port)
    }

    /// Starts the collector behind the gateway and waits until it listens.
    pub async fn up(&mut self) {
        self.child = Some(start_collector(&self.binary, self.api_port, &self.data, None).await);
    }

    /// Stops the collector behind the gateway (SIGKILL).
    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        self.down();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// Starts a collector of the test's own on `port` with its data in
/// `data` (serving the build in `dist`, if given) and waits until it
/// listens.
async fn start_collector(
    binary: &std::path::Path,
    port: u16,
    data: &std::path::Path,
    dist: Option<&std::path::Path>,
) -> std::process::Child {
    let mut command = std::process::Command::new(binary);
    command
        .args([
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--rate-limit",
            "0",
            "--data-dir",
        ])
        .arg(data);
    if let Some(dist) = dist {
        command.arg("--dist").arg(dist);
    }
    let child = command
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the test's collector");
    let deadline = Instant::now() + PATIENCE;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the test's collector did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

/// A whole site of the test's own: a collector serving the release build
/// (`LINLI_DIST`) and the API on one fixed port, which the test can stop
/// (the network is gone) and start again on the same origin, so that the
/// service worker and the device's storage stay the same.
#[derive(Debug)]
pub struct Site {
    binary: std::path::PathBuf,
    dist: std::path::PathBuf,
    data: std::path::PathBuf,
    port: u16,
    child: Option<std::process::Child>,
}

impl Site {
    /// A site on a free port, not yet started.
    pub fn new() -> Site {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Site {
            binary: std::path::PathBuf::from(env("LINLI_COLLECTOR_BIN")),
            dist: std::path::PathBuf::from(env("LINLI_DIST")),
            data: std::env::temp_dir().join(format!("linli-site-{}-{port}", std::process::id())),
            port,
            child: None,
        }
    }

    /// The same, serving the build in `dist` instead of `LINLI_DIST`.
    pub fn with_dist(dist: std::path::PathBuf) -> Site {
        let mut site = Site::new();
        site.dist = dist;
        site
    }

    /// Its address, ending in `/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Starts the collector and waits until it listens.
    pub async fn up(&mut self) {
        let child = start_collector(&self.binary, self.port, &self.data, Some(&self.dist)).await;
        self.child = Some(child);
    }

    /// Stops it (SIGKILL): nothing answers on the port any more.
    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Default for Site {
    fn default() -> Site {
        Site::new()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.down();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// One connection through the gateway: reads one request, forwards it
/// (`/api/` to the test's collector, the rest to the app), writes the
/// answer back and closes.
async fn gateway_connection(mut client: tokio::net::TcpStream, app: String, api: String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = Vec::new();
    let mut buf = [0u8; 8192];
    // The head, then as much body as Content-Length says.
    let head_end = loop {
        let Ok(n) = client.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buf[..n]);
        if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_string();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + length {
        let Ok(n) = client.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let upstream = if path.starts_with("/api/") { api } else { app };
    // Ask the upstream to close after answering, so its answer ends there.
    let head = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let mut forwarded = head.trim_end().as_bytes().to_vec();
    forwarded.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    forwarded.extend_from_slice(&request[head_end..]);
    let answer = match tokio::net::TcpStream::connect(&upstream).await {
        Ok(mut server) => {
            let mut answer = Vec::new();
            if server.write_all(&forwarded).await.is_err()
                || server.read_to_end(&mut answer).await.is_err()
            {
                answer.clear();
            }
            answer
        }
        Err(_) => Vec::new(),
    };
    let answer = if answer.is_empty() {
        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
    } else {
        answer
    };
    let _ = client.write_all(&answer).await;
    let _ = client.shutdown().await;
}
