//! Browser adapter: fetching the published dataset over HTTP.
//!
//! This is the only place the app touches the network for facility data.
//! Parsing and validation are the facilities crate's job.

use std::fmt;
use std::sync::{Arc, Mutex};

use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::{CollectionReader, Dataset, DatasetError};
use linli_facilities::finder::HoursBook;
use linli_facilities::geometry::LonLat;
use linli_facilities::index::SpatialIndex;
use linli_facilities::manifest::{Manifest, ShardEntry};
use linli_facilities::places::PlaceList;

use crate::i18n::Lang;

/// Why the dataset could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The request never got an HTTP answer (offline, blocked, bad URL).
    Network { url: String, message: String },
    /// The server answered with an error status.
    Http {
        url: String,
        status: u16,
        status_text: String,
    },
    /// The body is not a usable GeoJSON FeatureCollection.
    Format { url: String, error: DatasetError },
    /// The holiday calendar is not usable.
    Calendar { url: String, message: String },
    /// The manifest or the community list is not usable.
    Unreadable { url: String, message: String },
    /// The body is not UTF-8 text; `byte` is the offset of the first byte
    /// that is not.
    NotText { url: String, byte: usize },
}

impl LoadError {
    /// A sentence for the resident, naming what went wrong and where.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (LoadError::Network { url, message }, Lang::Zh) => {
                format!("无法连接服务器（{url}）：{message}。请检查网络后重试。")
            }
            (LoadError::Network { url, message }, Lang::En) => {
                format!(
                    "Could not reach the server ({url}): {message}. Check your connection and try again."
                )
            }
            (
                LoadError::Http {
                    url,
                    status,
                    status_text,
                },
                Lang::Zh,
            ) => {
                format!("服务器返回错误 HTTP {status} {status_text}（{url}）。")
            }
            (
                LoadError::Http {
                    url,
                    status,
                    status_text,
                },
                Lang::En,
            ) => {
                format!("The server answered HTTP {status} {status_text} for {url}.")
            }
            (LoadError::Format { url, error }, Lang::Zh) => {
                format!("数据格式错误（{url}）：{error}")
            }
            (LoadError::Format { url, error }, Lang::En) => {
                format!("The data at {url} is malformed: {error}")
            }
            (LoadError::Calendar { url, message }, Lang::Zh) => {
                format!("节假日数据有误（{url}）：{message}")
            }
            (LoadError::Calendar { url, message }, Lang::En) => {
                format!("The holiday calendar at {url} is unusable: {message}")
            }
            (LoadError::Unreadable { url, message }, Lang::Zh) => {
                format!("数据索引有误（{url}）：{message}")
            }
            (LoadError::Unreadable { url, message }, Lang::En) => {
                format!("The data index at {url} is unusable: {message}")
            }
            (LoadError::NotText { url, byte }, Lang::Zh) => {
                format!("数据不是 UTF-8 文本（{url}，第 {byte} 字节）。")
            }
            (LoadError::NotText { url, byte }, Lang::En) => {
                format!("The data at {url} is not UTF-8 text (byte {byte}).")
            }
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

/// The manifest and the facilities of the shards near the resident.
#[derive(Debug)]
pub struct Loaded {
    /// The dataset manifest.
    pub manifest: Manifest,
    /// Their facilities together; `problems` count skipped records.
    pub dataset: Dataset,
    /// The holiday calendar the manifest names.
    pub calendar: HolidayCalendar,
    /// The facilities' grid index and search keys, for the finder.
    pub index: SpatialIndex,
    /// Opening hours parsed with `calendar`, kept for as long as this load
    /// is shown, so that a filter change or a clock tick does not parse
    /// or evaluate a shared schedule again.
    pub hours: Mutex<HoursBook>,
}

impl Loaded {
    /// Puts the parts together and indexes the facilities.
    pub fn new(manifest: Manifest, dataset: Dataset, calendar: HolidayCalendar) -> Loaded {
        let index = SpatialIndex::new(&dataset.facilities);
        Loaded {
            manifest,
            dataset,
            calendar,
            index,
            hours: Mutex::new(HoursBook::default()),
        }
    }
}

/// Which shards to load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Want<'a> {
    /// Every shard whose extent comes within `radius_m` metres of `origin`.
    Near {
        /// The resident's position.
        origin: LonLat,
        /// The search radius, in metres.
        radius_m: f64,
    },
    /// One district's shard, by district code.
    District(&'a str),
}

/// Fetches and reads the manifest at `manifest_url` (made absolute).
async fn manifest(manifest_url: &str) -> Result<Manifest, LoadError> {
    let text = fetch_text(manifest_url).await?;
    Manifest::from_json(&text).map_err(|message| LoadError::Unreadable {
        url: manifest_url.to_owned(),
        message,
    })
}

/// Fetches the manifest at `manifest_url`, then, together, the holiday
/// calendar and the shards wanted, and merges the shards.
pub async fn load(manifest_url: String, want: Want<'_>) -> Result<Arc<Loaded>, LoadError> {
    let manifest_url = absolute(&manifest_url, None);
    let manifest = manifest(&manifest_url).await?;
    let entries: Vec<ShardEntry> = match want {
        Want::Near { origin, radius_m } => {
            manifest.shards_near(origin, radius_m).cloned().collect()
        }
        Want::District(code) => manifest
            .districts
            .iter()
            .filter(|d| d.code == code)
            .cloned()
            .collect(),
    };
    let fetches = entries.iter().map(|entry| {
        let url = absolute(&entry.file, Some(&manifest_url));
        async move {
            let text = fetch_text(&url).await?;
            read_shard(url, &text).await
        }
    });
    let calendar_url = absolute(&manifest.holidays, Some(&manifest_url));
    let calendar = async {
        let text = fetch_text(&calendar_url).await?;
        HolidayCalendar::from_json(&text).map_err(|e| LoadError::Calendar {
            url: calendar_url.clone(),
            message: e.to_string(),
        })
    };
    let (parts, calendar) =
        futures::future::try_join(futures::future::try_join_all(fetches), calendar).await?;
    // The offline cache keeps what was just fetched.
    crate::pwa::hand_over_data();
    let mut dataset = Dataset {
        sample: manifest.sample,
        facilities: Vec::new(),
        problems: Vec::new(),
    };
    for part in parts {
        dataset.sample |= part.sample;
        dataset.facilities.extend(part.facilities);
        dataset.problems.extend(part.problems);
    }
    // Parsing the last shard, building the index and drawing the results
    // each take a task of their own, so that on a slow phone none of them
    // holds the page long enough to delay a tap.
    yield_to_browser().await;
    let loaded = Arc::new(Loaded::new(manifest, dataset, calendar));
    yield_to_browser().await;
    Ok(loaded)
}

/// Main-thread work between two yields to the browser, in milliseconds:
/// on a phone four times slower than a desktop it stays under the 50 ms
/// that makes a long task.
const SLICE_MS: f64 = 10.0;

/// Features read between two looks at the clock.
const FEATURES_PER_LOOK: usize = 32;

/// Reads and validates the shard fetched from `url`, a slice at a time,
/// letting the browser paint and answer taps in between.
async fn read_shard(url: String, text: &str) -> Result<Dataset, LoadError> {
    let mut reader = CollectionReader::new(text).map_err(|error| LoadError::Format {
        url: url.clone(),
        error,
    })?;
    let mut since = now_ms();
    while reader.read(FEATURES_PER_LOOK) {
        if now_ms() - since >= SLICE_MS {
            yield_to_browser().await;
            since = now_ms();
        }
    }
    Ok(reader.finish())
}

/// The page's monotonic clock, in milliseconds.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Lets the browser run what is waiting (input, paint) before going on.
async fn yield_to_browser() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// The facilities near `origin`: [`load`] with [`Want::Near`].
pub async fn load_near(
    manifest_url: String,
    origin: LonLat,
    radius_m: f64,
) -> Result<Arc<Loaded>, LoadError> {
    load(manifest_url, Want::Near { origin, radius_m }).await
}

/// The community list the manifest names; `Ok(None)` when the publication
/// has none.
pub async fn load_places(manifest_url: String) -> Result<Option<Arc<PlaceList>>, LoadError> {
    let manifest_url = absolute(&manifest_url, None);
    let manifest = manifest(&manifest_url).await?;
    let Some(file) = manifest.places else {
        return Ok(None);
    };
    let url = absolute(&file, Some(&manifest_url));
    let text = fetch_text(&url).await?;
    let list =
        PlaceList::from_json(&text).map_err(|message| LoadError::Unreadable { url, message })?;
    Ok(Some(Arc::new(list)))
}

/// Resolves `url` against `base`, or against the page when `base` is `None`.
fn absolute(url: &str, base: Option<&str>) -> String {
    let page = web_sys::window().and_then(|w| w.location().href().ok());
    let Some(base) = base.map(str::to_owned).or(page) else {
        return url.to_owned();
    };
    web_sys::Url::new_with_base(url, &base).map_or_else(|_| url.to_owned(), |u| u.href())
}

async fn fetch_text(url: &str) -> Result<String, LoadError> {
    let network = |e: gloo_net::Error| LoadError::Network {
        url: url.to_owned(),
        message: e.to_string(),
    };
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(LoadError::Http {
            url: url.to_owned(),
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    // The bytes, not `text()`: the browser would decode them into a
    // JavaScript string on the main thread, only for wasm-bindgen to encode
    // that string back into UTF-8 in wasm memory.
    let bytes = response.binary().await.map_err(network)?;
    let mut text = String::from_utf8(bytes).map_err(|e| LoadError::NotText {
        url: url.to_owned(),
        byte: e.utf8_error().valid_up_to(),
    })?;
    // A byte order mark, which `text()` would have dropped too.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The current local time in Beijing (UTC+8, no daylight saving), from the
/// browser's clock. Only the app's edge reads the clock; domain code takes
/// the time as an argument.
pub fn beijing_now() -> chrono::NaiveDateTime {
    let utc_ms = js_sys::Date::now() as i64;
    chrono::DateTime::from_timestamp_millis(utc_ms + 8 * 3_600_000)
        .map_or_else(chrono::NaiveDateTime::default, |t| t.naive_utc())
}
