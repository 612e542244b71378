//! Browser adapter: fetching the published dataset over HTTP.
//!
//! This is the only place the app touches the network for facility data.
//! Parsing and validation are the facilities crate's job.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::dataset::{
    CollectionReader, Dataset, DatasetError, FeatureSpan, Severity, read_record,
};
use linli_facilities::finder::HoursBook;
use linli_facilities::geometry::LonLat;
use linli_facilities::index::SpatialIndex;
use linli_facilities::manifest::{Manifest, ShardEntry};
use linli_facilities::model::Facility;
use linli_facilities::places::PlaceList;
use linli_facilities::search_file::{self, ShardKeys};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

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
    /// What a resident can make of it and do, in plain words: no address
    /// and no browser message, which [`LoadError::describe`] gives.
    pub fn advice(&self, lang: Lang) -> &'static str {
        match self {
            LoadError::Network { .. } => lang.pick(
                "连不上服务器，可能是网络不通。请检查网络后重试。",
                "Could not reach the server; the network may be down. Check your connection and try again.",
            ),
            LoadError::Http { status: 404 | 410, .. } => lang.pick(
                "服务器上暂时没有这份数据，可能正在更新。请稍后重试。",
                "The server does not have this data at the moment; it may be being updated. Try again later.",
            ),
            LoadError::Http { .. } => lang.pick(
                "服务器暂时出了问题。请稍后重试。",
                "The server has a problem at the moment. Try again later.",
            ),
            // A tab left open across a release can hold a reader older
            // than the data (docs/dataset.md): a reload brings the new one.
            LoadError::Format { .. }
            | LoadError::Calendar { .. }
            | LoadError::Unreadable { .. }
            | LoadError::NotText { .. } => lang.pick(
                "数据无法读取，邻里可能已经更新。请刷新本页；如果仍不行，请稍后再试。",
                "The data cannot be read; Linli may have been updated. Reload the page; if that does not help, try again later.",
            ),
        }
    }

    /// The technical detail, naming what went wrong and where (the
    /// address, the line or byte, the browser's message).
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (LoadError::Network { url, message }, Lang::Zh) => {
                format!("无法连接服务器（{url}）：{message}。")
            }
            (LoadError::Network { url, message }, Lang::En) => {
                format!("Could not reach the server ({url}): {message}.")
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
    /// Whether the manifest or any shard says it holds sample data.
    pub sample: bool,
    /// How many records were skipped for an error when the shards were
    /// read ([`Loaded::skipped`] adds those found bad when shown).
    skipped_at_load: usize,
    /// The holiday calendar the manifest names.
    pub calendar: HolidayCalendar,
    /// The facilities' grid index and search keys, for the finder; a
    /// facility's index is its place in the shards, one after the other.
    pub index: SpatialIndex,
    /// Opening hours parsed with `calendar`, kept for as long as this load
    /// is shown, so that a filter change or a clock tick does not parse
    /// or evaluate a shared schedule again.
    pub hours: Mutex<HoursBook>,
    records: Records,
}

impl Loaded {
    /// Puts a parsed dataset and the rest together and indexes the
    /// facilities.
    pub fn new(manifest: Manifest, dataset: Dataset, calendar: HolidayCalendar) -> Loaded {
        Loaded::from_parts(manifest, calendar, vec![Part::Parsed(dataset)])
    }

    /// Puts the shards read together, in their order, and indexes them.
    fn from_parts(manifest: Manifest, calendar: HolidayCalendar, parts: Vec<Part>) -> Loaded {
        let mut sample = manifest.sample;
        let mut skipped = 0;
        let mut keys = Vec::with_capacity(parts.len());
        let mut records = Records::default();
        for part in parts {
            match part {
                Part::Parsed(dataset) => {
                    sample |= dataset.sample;
                    skipped += dataset.skipped();
                    keys.push(ShardKeys::of_records(&dataset.facilities));
                    records.add_parsed(dataset.facilities);
                }
                Part::Searchable {
                    keys: mut shard,
                    body,
                } => {
                    sample |= shard.sample;
                    skipped += shard.skipped as usize;
                    records.add_unread(body, std::mem::take(&mut shard.spans));
                    keys.push(shard);
                }
            }
        }
        let index = search_file::index(&mut keys);
        Loaded {
            manifest,
            sample,
            skipped_at_load: skipped,
            calendar,
            index,
            hours: Mutex::new(HoursBook::default()),
            records,
        }
    }

    /// The record of facility `index`, read from its shard the first time
    /// it is asked for; `None` when there is no such facility, or its
    /// record has an error or is not what the search file said of it (the
    /// shard changed under it): such a record is counted in
    /// [`Loaded::skipped`] and its row left out, rather than shown wrong.
    pub fn facility(&self, index: usize) -> Option<&Facility> {
        self.records
            .get(index, |f| self.index.keys().describes(index, f))
    }

    /// How many records were skipped for an error: when the shards were
    /// read, and since, when a record read to be shown was bad.
    pub fn skipped(&self) -> usize {
        self.skipped_at_load + self.records.bad.load(Ordering::Relaxed)
    }

    /// The index of the facility with `id`, if it was loaded.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.keys().index_of(id)
    }
}

/// One shard as read: parsed whole, or its search file and its body,
/// whose records are read when they are shown.
#[derive(Debug)]
enum Part {
    Parsed(Dataset),
    Searchable { keys: ShardKeys, body: Body },
}

/// A shard's bytes as fetched, kept to read one record at a time.
#[derive(Debug)]
pub enum Body {
    /// In wasm memory (native tests).
    Bytes(Vec<u8>),
    /// Left in JavaScript, so that a large shard is never copied into wasm
    /// memory whole: a record's bytes are copied when it is read. The app
    /// runs on one thread, which the wrapper checks.
    Js(SendWrapper<js_sys::Uint8Array>),
}

impl Body {
    /// The length in bytes.
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Js(array) => u64::from(array.length()),
        }
    }

    /// The bytes of `span`, if it lies inside.
    fn slice(&self, span: FeatureSpan) -> Option<Vec<u8>> {
        let end = span.start.checked_add(span.len)?;
        if u64::from(end) > self.len() {
            return None;
        }
        Some(match self {
            Body::Bytes(bytes) => bytes[span.start as usize..end as usize].to_vec(),
            Body::Js(array) => array.subarray(span.start, end).to_vec(),
        })
    }

    /// All the bytes, in wasm memory.
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Body::Bytes(bytes) => bytes,
            Body::Js(array) => array.take().to_vec(),
        }
    }
}

/// The loaded facilities' records: parsed at load (shards without a
/// search file), or read from their shard's body when first asked for.
#[derive(Debug, Default)]
struct Records {
    /// Each facility's record once read; `None` inside when it could not
    /// be.
    read: Vec<OnceLock<Option<Box<Facility>>>>,
    /// For a facility not read at load: its shard's body in `bodies`, and
    /// its Feature's span there.
    unread: Vec<Option<(u32, FeatureSpan)>>,
    bodies: Vec<Body>,
    /// How many records read when first asked for were bad.
    bad: AtomicUsize,
}

impl Records {
    fn add_parsed(&mut self, facilities: Vec<Facility>) {
        for f in facilities {
            self.read.push(OnceLock::from(Some(Box::new(f))));
            self.unread.push(None);
        }
    }

    fn add_unread(&mut self, body: Body, spans: Vec<FeatureSpan>) {
        let at = self.bodies.len() as u32;
        self.bodies.push(body);
        self.read
            .resize_with(self.read.len() + spans.len(), OnceLock::new);
        self.unread
            .extend(spans.into_iter().map(|span| Some((at, span))));
    }

    /// Facility `index`'s record, read on first use and kept if `fits`
    /// it; a record that does not read or does not fit is counted as bad
    /// and never read again.
    fn get(&self, index: usize, fits: impl FnOnce(&Facility) -> bool) -> Option<&Facility> {
        self.read
            .get(index)?
            .get_or_init(|| {
                let (body, span) = self.unread[index]?;
                let read = self.bodies[body as usize]
                    .slice(span)
                    .ok_or_else(|| "its span lies outside the shard".to_owned())
                    .and_then(|bytes| {
                        String::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_owned())
                    })
                    .and_then(|text| {
                        read_record(&text).map_err(|found| {
                            let first = found.iter().find(|p| p.severity == Severity::Error);
                            format!(
                                "{}: {}",
                                first.map_or("", |p| p.field.as_str()),
                                first.map_or("", |p| p.reason.as_str())
                            )
                        })
                    })
                    .and_then(|f| {
                        if fits(&f) {
                            Ok(f)
                        } else {
                            Err(format!("{} is not what its search file says", f.id))
                        }
                    });
                match read {
                    Ok(f) => Some(Box::new(f)),
                    Err(why) => {
                        self.bad.fetch_add(1, Ordering::Relaxed);
                        warn(&format!(
                            "record {index} of the loaded shards left out: {why}"
                        ));
                        None
                    }
                }
            })
            .as_deref()
    }
}

/// A warning in the browser's console (nothing natively, in tests).
fn warn(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
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
    let fetches = entries.iter().map(|entry| read_part(entry, &manifest_url));
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
    // Parsing the last shard, building the index and drawing the results
    // each take a task of their own, so that on a slow phone none of them
    // holds the page long enough to delay a tap.
    yield_to_browser().await;
    let loaded = Arc::new(Loaded::from_parts(manifest, calendar, parts));
    yield_to_browser().await;
    Ok(loaded)
}

/// Main-thread work between two yields to the browser, in milliseconds:
/// on a phone four times slower than a desktop it stays under the 50 ms
/// that makes a long task.
const SLICE_MS: f64 = 10.0;

/// Features read between two looks at the clock.
const FEATURES_PER_LOOK: usize = 32;

/// Fetches one shard and reads it: through its search file when the
/// manifest lists one that describes the shard fetched (the records are
/// then read as they are shown), otherwise whole. A search file that
/// cannot be fetched or read, or that was made from another version of
/// the shard, costs only time: the shard is then parsed whole.
async fn read_part(entry: &ShardEntry, manifest_url: &str) -> Result<Part, LoadError> {
    let url = absolute(&entry.file, Some(manifest_url));
    let Some(search) = &entry.search else {
        let text = fetch_text(&url).await?;
        return read_shard(url, &text).await.map(Part::Parsed);
    };
    let search_url = absolute(&search.file, Some(manifest_url));
    let (body, file) = futures::future::join(fetch_body(&url), fetch_body(&search_url)).await;
    let body = body?;
    // The search file must be the one the manifest names too: the offline
    // cache can hold an older one beside an unchanged shard.
    let file = match file {
        Ok(file) => match sha256_hex(&file).await {
            Some(hash) if !hash.eq_ignore_ascii_case(&search.sha256) => {
                Err(LoadError::Unreadable {
                    url: search_url.clone(),
                    message: format!("not the version the manifest names (SHA-256 {hash})"),
                })
            }
            _ => Ok(file.into_bytes()),
        },
        Err(e) => Err(e),
    };
    let keys = file.and_then(|bytes| {
        search_file::decode(&bytes).map_err(|e| LoadError::Unreadable {
            url: search_url.clone(),
            message: e.to_string(),
        })
    });
    let trusted = match keys {
        Ok(keys)
            if keys.shard_sha256.eq_ignore_ascii_case(&entry.sha256)
                && keys.shard_bytes == body.len() =>
        {
            // The body must be the shard the manifest and the search file
            // name: the offline cache refreshes each file on its own.
            match sha256_hex(&body).await {
                Some(hash) if !hash.eq_ignore_ascii_case(&entry.sha256) => Err(format!(
                    "{url} is not the version its manifest entry names (SHA-256 {hash})"
                )),
                Some(_) => Ok(keys),
                None => {
                    warn(&format!(
                        "{url} could not be hashed here; its search file is trusted on its \
                         header, and each record is checked against it when read"
                    ));
                    Ok(keys)
                }
            }
        }
        Ok(_) => Err(format!("{search_url} describes another version of {url}")),
        Err(e) => Err(e.to_string()),
    };
    match trusted {
        Ok(keys) => Ok(Part::Searchable { keys, body }),
        Err(why) => {
            warn(&format!("reading the whole shard: {why}"));
            let text = into_text(&url, body.into_bytes())?;
            read_shard(url, &text).await.map(Part::Parsed)
        }
    }
}

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

/// The SHA-256 of `body`, lowercase hex, hashed by the browser off the
/// main thread; `None` where it cannot (no `crypto.subtle` outside a
/// secure context, or a body in wasm memory), and each record is then
/// only checked against its keys when it is read.
async fn sha256_hex(body: &Body) -> Option<String> {
    let Body::Js(array) = body else {
        return None;
    };
    let crypto = web_sys::window()?.crypto().ok()?;
    let subtle = js_sys::Reflect::get(&crypto, &"subtle".into()).ok()?;
    if subtle.is_undefined() {
        return None;
    }
    let subtle: web_sys::SubtleCrypto = subtle.unchecked_into();
    let digest = subtle
        .digest_with_str_and_js_u8_array("SHA-256", array)
        .ok()?;
    let digest = wasm_bindgen_futures::JsFuture::from(digest).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&digest).to_vec();
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// GETs `url`: the response when the server answers with success.
async fn get(url: &str) -> Result<gloo_net::http::Response, LoadError> {
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| network(url, e))?;
    if !response.ok() {
        return Err(LoadError::Http {
            url: url.to_owned(),
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    Ok(response)
}

fn network(url: &str, e: impl fmt::Display) -> LoadError {
    LoadError::Network {
        url: url.to_owned(),
        message: e.to_string(),
    }
}

/// The body at `url`, in wasm memory.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, LoadError> {
    get(url).await?.binary().await.map_err(|e| network(url, e))
}

/// The body at `url`, left in JavaScript.
async fn fetch_body(url: &str) -> Result<Body, LoadError> {
    let response = web_sys::Response::from(get(url).await?);
    let buffer = response
        .array_buffer()
        .map_err(|e| network(url, format!("{e:?}")))?;
    let buffer = wasm_bindgen_futures::JsFuture::from(buffer)
        .await
        .map_err(|e| network(url, format!("{e:?}")))?;
    Ok(Body::Js(SendWrapper::new(js_sys::Uint8Array::new(&buffer))))
}

async fn fetch_text(url: &str) -> Result<String, LoadError> {
    // The bytes, not `text()`: the browser would decode them into a
    // JavaScript string on the main thread, only for wasm-bindgen to encode
    // that string back into UTF-8 in wasm memory.
    into_text(url, fetch_bytes(url).await?)
}

/// `bytes` fetched from `url` as text: UTF-8, without a byte order mark.
fn into_text(url: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
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

/// The minute of the browser's clock (minutes since 1970, UTC), kept
/// current for views that say what is open now: set at each minute's
/// start, and again when the page is shown after being hidden (a phone's
/// timers sleep in the background). Views that read it are worked out
/// again each minute; the domain code still takes the time as an
/// argument.
pub fn minute_clock() -> Minute {
    use leptos::prelude::*;
    fn minute_now() -> i64 {
        (js_sys::Date::now() / 60_000.0).floor() as i64
    }
    fn schedule(minute: RwSignal<i64>) {
        let into_minute = 60_000.0 - js_sys::Date::now() % 60_000.0;
        // A little past the minute's start, so that the clock reads it.
        gloo_timers::callback::Timeout::new(into_minute as u32 + 50, move || {
            if minute.try_set(minute_now()).is_none() {
                schedule(minute);
            }
        })
        .forget();
    }
    let minute = RwSignal::new(minute_now());
    schedule(minute);
    let shown = window_event_listener_untyped("visibilitychange", move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden());
        if visible && minute.get_untracked() != minute_now() {
            minute.set(minute_now());
        }
    });
    on_cleanup(move || shown.remove());
    Minute(minute)
}

/// The page's [`minute_clock`], provided to the views as context.
#[derive(Debug, Clone, Copy)]
pub struct Minute(pub leptos::prelude::RwSignal<i64>);

/// A function that, called in reactive code, makes that code run again
/// each minute of the page's [`minute_clock`] (when one is provided above),
/// for what says what is open now. The clock is looked up once, here.
pub fn clock_follower() -> impl Fn() + Copy + Send + Sync + 'static {
    use leptos::prelude::*;
    let minute = use_context::<Minute>();
    move || {
        if let Some(Minute(m)) = minute {
            m.track();
        }
    }
}

/// The current local time in Beijing (UTC+8, no daylight saving), from the
/// browser's clock. Only the app's edge reads the clock; domain code takes
/// the time as an argument.
pub fn beijing_now() -> chrono::NaiveDateTime {
    let utc_ms = js_sys::Date::now() as i64;
    chrono::DateTime::from_timestamp_millis(utc_ms + 8 * 3_600_000)
        .map_or_else(chrono::NaiveDateTime::default, |t| t.naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::result_rows;
    use linli_facilities::dataset::parse_feature_collection;
    use linli_facilities::finder::Filters;

    const SHARD: &str = include_str!("../crates/facilities/tests/fixtures/sample.geojson");

    fn manifest() -> Manifest {
        Manifest::from_json(
            r#"{"format":"linli-dataset/1","dataset_version":"t","generated_at":"2026-11-26T00:00:00+08:00",
            "licence":"CC0-1.0","sample":false,"description":"t","holidays":"holidays.json","schema":"schema.json","districts":[]}"#,
        )
        .unwrap()
    }

    fn calendar() -> HolidayCalendar {
        HolidayCalendar::from_json(include_str!("../public/data/holidays.json")).unwrap()
    }

    /// The shard as the app holds it with its search file.
    fn searchable(shard: &str, made_from: &str) -> Loaded {
        let keys = search_file::decode(&search_file::encode(made_from, "0").unwrap()).unwrap();
        let body = Body::Bytes(shard.as_bytes().to_vec());
        Loaded::from_parts(
            manifest(),
            calendar(),
            vec![Part::Searchable { keys, body }],
        )
    }

    fn every_walk() -> Vec<Filters> {
        [5, 10, 15, 20, 30]
            .into_iter()
            .map(|walk_minutes| Filters {
                walk_minutes,
                ..Filters::default()
            })
            .collect()
    }

    #[test]
    fn a_shard_read_through_its_search_file_gives_the_same_rows() {
        let parsed = Loaded::new(
            manifest(),
            parse_feature_collection(SHARD).unwrap(),
            calendar(),
        );
        let lazy = searchable(SHARD, SHARD);
        assert_eq!(
            (lazy.sample, lazy.skipped()),
            (parsed.sample, parsed.skipped())
        );
        assert!(lazy.sample, "the fixture says it is sample data");
        let now = chrono::NaiveDate::from_ymd_opt(2026, 10, 14)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let mut shown = 0;
        for filters in every_walk() {
            let want = result_rows(&parsed, crate::SAMPLE_ORIGIN, &filters, now);
            assert_eq!(
                result_rows(&lazy, crate::SAMPLE_ORIGIN, &filters, now),
                want
            );
            shown += want.len();
        }
        assert!(shown > 5, "rows were compared ({shown})");
        // Records are read as they are asked for, once.
        let index = lazy.find("lc-sample-004").unwrap();
        let first = lazy.facility(index).unwrap() as *const Facility;
        assert_eq!(lazy.facility(index).unwrap().id, "lc-sample-004");
        assert_eq!(lazy.facility(index).unwrap() as *const Facility, first);
        assert!(lazy.facility(lazy.index.len()).is_none());
    }

    #[test]
    fn a_record_that_changed_under_its_search_file_is_left_out() {
        // Same length, another id: the span now holds another record.
        let changed = SHARD.replacen("lc-sample-001", "lc-sample-00X", 1);
        assert_ne!(changed, SHARD);
        let lazy = searchable(&changed, SHARD);
        let index = lazy.find("lc-sample-001").unwrap();
        assert!(lazy.facility(index).is_none());
        let now = chrono::NaiveDate::from_ymd_opt(2026, 10, 14)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let walk30 = &every_walk()[4];
        let ids: Vec<String> = result_rows(&lazy, crate::SAMPLE_ORIGIN, walk30, now)
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["lc-sample-002", "lc-sample-006"]);
        // Counted as skipped, once however often it is asked for.
        assert_eq!(lazy.skipped(), 1);
        result_rows(&lazy, crate::SAMPLE_ORIGIN, walk30, now);
        assert_eq!(lazy.skipped(), 1);
    }

    #[test]
    fn a_record_with_other_free_places_than_its_keys_is_left_out() {
        // lc-sample-002 has free places; the shard now says it has none,
        // which the search file did not: the row must not show it as a
        // match for "free places".
        let text = SHARD.replacen("\"available\": 4", "\"available\": 0", 1);
        assert_ne!(
            text, SHARD,
            "the fixture's first free places changed; update this test"
        );
        let lazy = searchable(&text, SHARD);
        let now = chrono::NaiveDate::from_ymd_opt(2026, 10, 14)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let rows = result_rows(&lazy, crate::SAMPLE_ORIGIN, &every_walk()[4], now);
        assert_eq!(rows.len(), 2);
        assert_eq!(lazy.skipped(), 1);
    }

    #[test]
    fn shards_read_both_ways_line_up_with_the_index() {
        // Three shards: through a search file, parsed whole, through a
        // search file; the same facilities as one parsed dataset.
        let features: Vec<&str> = SHARD
            .lines()
            .filter(|l| l.trim_start().starts_with("{\"type\": \"Feature\""))
            .collect();
        assert_eq!(
            features.len(),
            8,
            "the fixture has eight features, one per line"
        );
        let shard = |part: &[&str]| {
            let body: Vec<&str> = part
                .iter()
                .map(|l| l.trim_end().trim_end_matches(','))
                .collect();
            format!(
                "{{\"type\": \"FeatureCollection\", \"sample\": true, \"features\": [\n{}\n]}}\n",
                body.join(",\n")
            )
        };
        let (a, b, c) = (
            shard(&features[..3]),
            shard(&features[3..5]),
            shard(&features[5..]),
        );
        let keys =
            |text: &str| search_file::decode(&search_file::encode(text, "0").unwrap()).unwrap();
        let parts = vec![
            Part::Searchable {
                keys: keys(&a),
                body: Body::Bytes(a.clone().into_bytes()),
            },
            Part::Parsed(parse_feature_collection(&b).unwrap()),
            Part::Searchable {
                keys: keys(&c),
                body: Body::Bytes(c.clone().into_bytes()),
            },
        ];
        let mixed = Loaded::from_parts(manifest(), calendar(), parts);
        let whole = Loaded::new(
            manifest(),
            parse_feature_collection(&shard(&features)).unwrap(),
            calendar(),
        );
        assert_eq!(mixed.index.len(), 8);
        for i in 0..8 {
            let f = whole.facility(i).unwrap();
            let at = mixed.find(&f.id).unwrap();
            assert_eq!(mixed.facility(at), Some(f), "{}", f.id);
        }
        let now = chrono::NaiveDate::from_ymd_opt(2026, 10, 14)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let far = Filters {
            walk_minutes: 30,
            walking: linli_facilities::geometry::WalkingModel::STANDARD,
            ..Filters::default()
        };
        for origin in [
            crate::SAMPLE_ORIGIN,
            LonLat::new(116.41, 39.935),
            LonLat::new(116.425, 39.915),
        ] {
            let want = result_rows(&whole, origin, &far, now);
            assert!(!want.is_empty());
            assert_eq!(
                result_rows(&mixed, origin, &far, now),
                want,
                "from {origin:?}"
            );
        }
        assert_eq!(mixed.skipped(), 0);
    }
}
