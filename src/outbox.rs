//! The outbox: what the device has to send to the collector, kept in
//! IndexedDB until the collector confirms it (browser adapter).
//!
//! A record leaves the outbox only when the collector answers `201` or
//! `200` (already stored: a resend is harmless, since every record carries
//! the UUID it was made with) with a body that names the record. Network
//! failures, timeouts, `429`, `5xx` and answers that are not the
//! collector's ([`judge`]) keep it and the sender tries again with backoff
//! (2 s doubling to 2 minutes, or the `Retry-After` the collector asks
//! for), and at once when the browser comes back online. A record the
//! collector refuses for good (its `400`, `409`, `415` or `422` with the
//! failing fields) is kept too, marked with the reasons, never dropped.
//! Every open tab runs a sender over the same records; a sender writes a
//! record back after a failed attempt only if it is still there
//! ([`update`]), so a record another tab delivered meanwhile does not come
//! back. Problem reports and the needs survey's answers use it. A page
//! hidden with records waiting asks for a Background Sync, and
//! the service worker (`public/sw.js`) then sends them the same way,
//! removing a record only on the collector's confirmation.

use std::cell::RefCell;

use futures::StreamExt;
use futures::channel::mpsc;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

const DB_NAME: &str = "linli";
const STORE: &str = "outbox";
/// Where reports were kept before the outbox existed.
const OLD_REPORTS_KEY: &str = "linli.reports";

/// One thing waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The record's UUID (also inside `body`).
    pub id: String,
    /// The API path, relative to the app, e.g. `api/v1/reports`.
    pub path: String,
    /// The JSON body, exactly as it will be sent every time.
    pub body: String,
    /// Attempts so far.
    pub attempts: u32,
    /// Why the collector refused it for good, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

// By value so that it fits `map_err` directly.
#[allow(clippy::needless_pass_by_value)]
fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| "IndexedDB error".to_owned())
}

/// Resolves when `request` succeeds, with its result.
async fn request_done(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok_request = request.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(
                &JsValue::NULL,
                &ok_request.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let err_request = request.clone();
        let err = Closure::once_into_js(move || {
            let message = err_request
                .error()
                .ok()
                .flatten()
                .map_or_else(|| "IndexedDB request failed".to_owned(), |e| e.message());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
        });
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(js_error)
}

/// Resolves when `tx` has committed (not merely when its requests ran).
async fn committed(tx: &IdbTransaction) -> Result<(), String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = Closure::once_into_js(move || {
            let _ = reject.call1(
                &JsValue::NULL,
                &JsValue::from_str("the IndexedDB transaction failed"),
            );
        });
        tx.set_oncomplete(Some(done.unchecked_ref()));
        tx.set_onerror(Some(failed.unchecked_ref()));
        tx.set_onabort(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(js_error)
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or("IndexedDB is not available")?;
    let request = factory.open_with_u32(DB_NAME, 1).map_err(js_error)?;
    let upgrade_request = request.clone();
    let upgrade = Closure::once_into_js(move || {
        if let Ok(result) = upgrade_request.result() {
            let db: IdbDatabase = result.unchecked_into();
            if !db.object_store_names().contains(STORE) {
                let params = IdbObjectStoreParameters::new();
                params.set_key_path(&JsValue::from_str("id"));
                let _ = db.create_object_store_with_optional_parameters(STORE, &params);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(request_done(&request).await?.unchecked_into())
}

/// `record` as the object IndexedDB stores.
fn to_js(record: &Record) -> Result<JsValue, String> {
    let json = serde_json::to_string(record).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&json).map_err(js_error)
}

/// A read-write transaction on the outbox.
async fn writing() -> Result<(IdbTransaction, IdbObjectStore), String> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(js_error)?;
    let store = tx.object_store(STORE).map_err(js_error)?;
    Ok((tx, store))
}

/// Stores `record` (replacing one with the same id) and waits for the
/// commit.
pub async fn put(record: &Record) -> Result<(), String> {
    let value = to_js(record)?;
    let (tx, store) = writing().await?;
    store.put(&value).map_err(js_error)?;
    committed(&tx).await
}

/// Writes `record` back after an attempt to send it, unless it has left
/// the outbox since it was read: delivered and removed by the sender of
/// another tab, whose pass read the same records. A failed attempt never
/// brings back a record that is gone. Waits for the commit.
pub async fn update(record: &Record) -> Result<(), String> {
    let value = to_js(record)?;
    let (tx, store) = writing().await?;
    let counting = store
        .count_with_key(&JsValue::from_str(&record.id))
        .map_err(js_error)?;
    let counted = counting.clone();
    let aborting = tx.clone();
    // In the count's own success event, while the transaction is active.
    // A write refused at once (the value cannot be stored) aborts the
    // transaction, so that `committed` reports it; one that fails later
    // fails the transaction by itself.
    let write = Closure::once_into_js(move || {
        if counted.result().ok().and_then(|n| n.as_f64()) == Some(1.0) && store.put(&value).is_err()
        {
            let _ = aborting.abort();
        }
    });
    counting.set_onsuccess(Some(write.unchecked_ref()));
    committed(&tx).await
}

/// Every record in the outbox.
pub async fn all() -> Result<Vec<Record>, String> {
    let db = open().await?;
    let tx = db.transaction_with_str(STORE).map_err(js_error)?;
    let request = tx
        .object_store(STORE)
        .map_err(js_error)?
        .get_all()
        .map_err(js_error)?;
    let values = request_done(&request).await?;
    let text = js_sys::JSON::stringify(&values)
        .map_err(js_error)?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| format!("the outbox holds unreadable records: {e}"))
}

/// Removes the record `id` once the collector has it.
pub async fn remove(id: &str) -> Result<(), String> {
    let (tx, store) = writing().await?;
    store.delete(&JsValue::from_str(id)).map_err(js_error)?;
    committed(&tx).await
}

/// What one attempt to send a record came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (201) or already stored (200): it can leave the outbox.
    Confirmed,
    /// Try again later, after at least this many seconds if the collector
    /// said: the network failed, or the collector is busy or failing, so
    /// the records after it wait too.
    Later(Option<u64>),
    /// Something other than the collector answered (a redirect, a proxy's
    /// or a web server's page): tried again later, while the records after
    /// it are tried now, so that one record a proxy refuses (too large for
    /// it, say) holds up no other.
    Elsewhere,
    /// Refused for good, with the collector's reasons.
    Refused(String),
}

/// How long one attempt may take before it counts as a network failure,
/// in milliseconds: a request that hangs must not stop the sender.
const SEND_TIMEOUT_MS: u32 = 30_000;

/// Sends one record's body and reads the answer ([`judge`]).
pub async fn send(record: &Record) -> Outcome {
    // Aborted after SEND_TIMEOUT_MS (an AbortController and a timer, which
    // every browser with IndexedDB has, unlike `AbortSignal.timeout`).
    let controller = web_sys::AbortController::new().ok();
    let _timer = controller
        .clone()
        .map(|c| gloo_timers::callback::Timeout::new(SEND_TIMEOUT_MS, move || c.abort()));
    let request = match gloo_net::http::Request::post(&record.path)
        .header("Content-Type", "application/json")
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .body(record.body.clone())
    {
        Ok(r) => r,
        Err(e) => return Outcome::Refused(e.to_string()),
    };
    let Ok(response) = request.send().await else {
        return Outcome::Later(None);
    };
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let Ok(body) = response.text().await else {
        return Outcome::Later(retry_after);
    };
    judge(
        &record.id,
        response.status(),
        response.redirected(),
        &body,
        retry_after,
    )
}

/// What an answer to sending the record `id` means: its HTTP `status`,
/// whether the request was redirected, its `body` and the seconds its
/// `Retry-After` asks for.
///
/// Only the collector's own answers end a record's stay: a success whose
/// body names the record, or a refusal (`400`, `409`, `413`, `415`, `422`) with the
/// collector's list of failing fields. Anything else, such as a captive
/// portal's login page (a redirect, or a `200` that is not the collector's)
/// or a `404` or `403` from a proxy while a release is deployed, is tried
/// again later ([`Outcome::Elsewhere`]), so that no answer is dropped
/// because something other than the collector replied.
pub fn judge(
    id: &str,
    status: u16,
    redirected: bool,
    body: &str,
    retry_after: Option<u64>,
) -> Outcome {
    if redirected {
        return Outcome::Elsewhere;
    }
    // Read as a `Value` (which the app has for explaining bad records),
    // not as types of its own, which would add their code to the app.
    let answer = serde_json::from_str::<serde_json::Value>(body).ok();
    let text = |v: &serde_json::Value, key: &str| v.get(key)?.as_str().map(str::to_owned);
    match status {
        200 | 201 if answer.as_ref().and_then(|a| text(a, "id")).as_deref() == Some(id) => {
            Outcome::Confirmed
        }
        400 | 409 | 413 | 415 | 422 => {
            // The collector's refusal: `{"errors": [{"field", "reason"}, …]}`.
            let reasons: Option<Vec<String>> = answer
                .as_ref()
                .and_then(|a| a.get("errors")?.as_array())
                .filter(|list| !list.is_empty())
                .and_then(|list| {
                    list.iter()
                        .map(|e| Some(format!("{}: {}", text(e, "field")?, text(e, "reason")?)))
                        .collect()
                });
            match reasons {
                Some(reasons) => Outcome::Refused(format!("HTTP {status}: {}", reasons.join("; "))),
                None => Outcome::Elsewhere,
            }
        }
        429 | 500..=599 => Outcome::Later(retry_after),
        _ => Outcome::Elsewhere,
    }
}

/// The sender's state for the page: how many records wait, and how many
/// the collector refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waiting {
    /// Records not yet confirmed and not refused.
    pub pending: usize,
    /// Records the collector refused for good (kept on the device).
    pub refused: usize,
}

thread_local! {
    static KICK: RefCell<Option<mpsc::UnboundedSender<()>>> = const { RefCell::new(None) };
    /// The ids of the records this page's sender saw the collector confirm.
    static DELIVERED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The ids of the records the collector refused, as of the last pass.
    static REFUSED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Whether this page's sender has seen the collector confirm the record
/// `id`; reactive: it tracks the page's [`Waiting`] signal (from the
/// context the finder provides), which is set after every pass, so that a
/// view saying "saved" turns to "delivered".
pub fn is_delivered(id: &str) -> bool {
    if let Some(waiting) = use_context::<RwSignal<Waiting>>() {
        waiting.track();
    }
    DELIVERED.with_borrow(|d| d.iter().any(|x| x == id))
}

/// Whether the collector refused the record `id` for good, as of the
/// sender's last pass; reactive, as [`is_delivered`].
pub fn is_refused(id: &str) -> bool {
    if let Some(waiting) = use_context::<RwSignal<Waiting>>() {
        waiting.track();
    }
    REFUSED.with_borrow(|r| r.iter().any(|x| x == id))
}

/// The survey answers the collector refused, still in the outbox.
pub async fn refused_surveys() -> Result<Vec<Record>, String> {
    Ok(all()
        .await?
        .into_iter()
        .filter(|r| r.refused.is_some() && r.path == SURVEYS_PATH)
        .collect())
}

/// Where the needs survey's answers are sent.
pub const SURVEYS_PATH: &str = "api/v1/surveys";

/// Asks the sender to try now (after adding a record, or when online).
pub fn kick() {
    KICK.with(|k| {
        if let Some(tx) = k.borrow().as_ref() {
            let _ = tx.unbounded_send(());
        }
    });
}

/// Adds a record and asks the sender to send it.
pub async fn enqueue(record: Record) -> Result<(), String> {
    put(&record).await?;
    kick();
    ask_to_persist();
    Ok(())
}

/// Asks the browser, once per page, to keep this site's storage when the
/// device runs short of space (`navigator.storage.persist()`), so that an
/// answer waiting in the outbox is not cleared with the caches. Only when
/// the browser would grant it without asking (the `persistent-storage`
/// permission already reads "granted": Chromium decides so for an installed
/// app or a site used often): Firefox asks the resident with a prompt
/// otherwise, which must not follow a submitted answer. Nothing waits for
/// it.
fn ask_to_persist() {
    thread_local!(static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if ASKED.with(|a| a.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        let navigator: JsValue = window().navigator().into();
        let get = |target: &JsValue, key: &str| {
            js_sys::Reflect::get(target, &key.into())
                .ok()
                .filter(|v| !v.is_undefined())
        };
        let call = |target: &JsValue, key: &str, args: &js_sys::Array| {
            let method: js_sys::Function = get(target, key)?.dyn_into().ok()?;
            method
                .apply(target, args)
                .ok()?
                .dyn_into::<js_sys::Promise>()
                .ok()
        };
        let query = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&query, &"name".into(), &"persistent-storage".into());
        let Some(asked) = get(&navigator, "permissions")
            .and_then(|p| call(&p, "query", &js_sys::Array::of1(&query)))
        else {
            return;
        };
        let Ok(status) = JsFuture::from(asked).await else {
            return;
        };
        if get(&status, "state").and_then(|s| s.as_string()).as_deref() != Some("granted") {
            return;
        }
        if let Some(persist) =
            get(&navigator, "storage").and_then(|s| call(&s, "persist", &js_sys::Array::new()))
        {
            let _ = JsFuture::from(persist).await;
        }
    });
}

/// Moves reports kept in localStorage by earlier versions into the outbox,
/// and removes them there only once they are in.
async fn adopt_old_reports() {
    let Some(storage) = crate::prefs::storage() else {
        return;
    };
    let Ok(Some(text)) = storage.get_item(OLD_REPORTS_KEY) else {
        return;
    };
    let Ok(list) = serde_json::from_str::<Vec<linli_survey::report::ProblemReport>>(&text) else {
        return;
    };
    for report in list {
        let Ok(body) = serde_json::to_string(&report) else {
            return;
        };
        let record = Record {
            id: report.id,
            path: "api/v1/reports".to_owned(),
            body,
            attempts: 0,
            refused: None,
        };
        if put(&record).await.is_err() {
            return;
        }
    }
    let _ = storage.remove_item(OLD_REPORTS_KEY);
}

/// One pass over the outbox: sends every pending record in turn, stopping
/// at the first that must wait ([`Outcome::Later`]). Returns what is left and how long the
/// collector asked to wait; `None` when the outbox cannot be read now
/// (what it holds is unknown, so the page keeps saying what it said).
async fn flush() -> Option<(Waiting, Option<u64>)> {
    let records = all().await.ok()?;
    REFUSED.with_borrow_mut(|r| {
        *r = records
            .iter()
            .filter(|x| x.refused.is_some())
            .map(|x| x.id.clone())
            .collect();
    });
    let mut waiting = Waiting {
        pending: 0,
        refused: records.iter().filter(|r| r.refused.is_some()).count(),
    };
    let mut pending: Vec<Record> = records
        .into_iter()
        .filter(|r| r.refused.is_none())
        .collect();
    let mut retry_after = None;
    while let Some(mut record) = (!pending.is_empty()).then(|| pending.remove(0)) {
        record.attempts += 1;
        match send(&record).await {
            Outcome::Confirmed => {
                DELIVERED.with_borrow_mut(|d| d.push(record.id.clone()));
                if remove(&record.id).await.is_err() {
                    waiting.pending += 1;
                }
            }
            // A write-back that fails loses nothing: the record stays as it
            // was in the outbox, pending, and is sent again next pass.
            Outcome::Refused(reason) => {
                record.refused = Some(reason);
                if update(&record).await.is_ok() {
                    REFUSED.with_borrow_mut(|r| r.push(record.id.clone()));
                    waiting.refused += 1;
                } else {
                    waiting.pending += 1;
                }
            }
            Outcome::Later(after) => {
                let _ = update(&record).await;
                waiting.pending += 1 + pending.len();
                retry_after = after;
                break;
            }
            Outcome::Elsewhere => {
                let _ = update(&record).await;
                waiting.pending += 1;
            }
        }
    }
    Some((waiting, retry_after))
}

/// Starts the sender for this page: a pass once the browser is idle (opening
/// the database costs the page's first render about 10 ms), then after each
/// kick, and with backoff while anything waits. `waiting` follows the
/// outbox. Kicks before the first pass wait for it.
pub fn start(waiting: RwSignal<Waiting>) {
    let (tx, mut rx) = mpsc::unbounded::<()>();
    KICK.with(|k| *k.borrow_mut() = Some(tx));
    // Back online: try at once. The listener lives as long as the page.
    let _listening = window_event_listener(leptos::ev::online, |_| kick());
    // Hidden with something waiting (another app or tab; a tab being
    // closed too, where the browser lets the request through): the browser
    // is asked to have the service worker send it once online, even if
    // Linli is gone by then; a record it delivers while this page is open
    // is said here too.
    let _hidden = window_event_listener_untyped("visibilitychange", move |_| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if hidden && waiting.get_untracked().pending > 0 {
            crate::pwa::request_outbox_sync();
        }
    });
    crate::pwa::keep_registration();
    crate::pwa::on_worker_delivery(|id| {
        DELIVERED.with_borrow_mut(|d| d.push(id));
        kick();
    });
    crate::when_idle(move || {
        leptos::task::spawn_local(async move {
            adopt_old_reports().await;
            let mut backoff_s: u32 = 2;
            loop {
                let (pending, retry_after) = match flush().await {
                    Some((now_waiting, retry_after)) => {
                        waiting.set(now_waiting);
                        (now_waiting.pending, retry_after)
                    }
                    // Tried again with backoff, like a record that waits.
                    None => (1, None),
                };
                if pending == 0 {
                    backoff_s = 2;
                    if rx.next().await.is_none() {
                        return;
                    }
                    continue;
                }
                let wait_s = retry_after.map_or(backoff_s, |s| (s as u32).max(1));
                backoff_s = (backoff_s * 2).min(120);
                let sleep = gloo_timers::future::TimeoutFuture::new(wait_s * 1000);
                let kicked = rx.next();
                futures::pin_mut!(kicked);
                // A sender started again for this page (a test mounting the
                // app twice) closes this one's channel: this one stops.
                if let futures::future::Either::Right((None, _)) =
                    futures::future::select(sleep, kicked).await
                {
                    return;
                }
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "7d0b1c56-0000-4000-8000-000000000000";

    #[test]
    fn only_the_collector_naming_the_record_confirms_it() {
        let stored = format!(r#"{{"id":"{ID}","status":"created"}}"#);
        assert_eq!(judge(ID, 201, false, &stored, None), Outcome::Confirmed);
        let again = format!(r#"{{"id":"{ID}","status":"already stored"}}"#);
        assert_eq!(judge(ID, 200, false, &again, None), Outcome::Confirmed);
        // Another record's answer, a captive portal's page, or the same
        // answer reached through a redirect: sent again later.
        let other = r#"{"id":"00000000-0000-4000-8000-000000000000","status":"created"}"#;
        assert_eq!(judge(ID, 201, false, other, None), Outcome::Elsewhere);
        let portal = "<html><body>Wi-Fi login</body></html>";
        assert_eq!(judge(ID, 200, false, portal, None), Outcome::Elsewhere);
        assert_eq!(judge(ID, 200, true, &stored, None), Outcome::Elsewhere);
    }

    #[test]
    fn the_collectors_refusal_is_final_and_keeps_its_reasons() {
        let refused = r#"{"errors":[{"field":"text","reason":"looks like it holds a phone or ID number"},{"field":"created_at","reason":"must be a time"}]}"#;
        assert_eq!(
            judge(ID, 422, false, refused, None),
            Outcome::Refused(
                "HTTP 422: text: looks like it holds a phone or ID number; created_at: must be a time"
                    .to_owned()
            )
        );
        let conflict = r#"{"errors":[{"field":"id","reason":"a different record is already stored under this id"}]}"#;
        assert!(matches!(
            judge(ID, 409, false, conflict, None),
            Outcome::Refused(r) if r.starts_with("HTTP 409: id: a different record")
        ));
        for status in [400, 413, 415] {
            assert!(matches!(
                judge(ID, status, false, refused, None),
                Outcome::Refused(_)
            ));
        }
    }

    #[test]
    fn answers_that_are_not_the_collectors_are_tried_again() {
        let refused = r#"{"errors":[{"field":"text","reason":"too long"}]}"#;
        // A proxy's or web server's pages while a release is deployed.
        for (status, body) in [
            (404, "<h1>Not Found</h1>"),
            (403, "Forbidden"),
            (401, ""),
            (405, ""),
            (422, "<html>blocked</html>"),
            (409, r#"{"errors":[]}"#),
            (400, "Bad Request"),
            (413, "<html>413 Request Entity Too Large</html>"),
            (302, ""),
        ] {
            assert_eq!(
                judge(ID, status, false, body, None),
                Outcome::Elsewhere,
                "{status} {body}"
            );
        }
        // The collector's refusal reached through a redirect is not final
        // either: the collector never redirects its API.
        assert_eq!(judge(ID, 422, true, refused, None), Outcome::Elsewhere);
    }

    #[test]
    fn busy_and_failing_collectors_say_when_to_try_again() {
        assert_eq!(
            judge(ID, 429, false, "", Some(30)),
            Outcome::Later(Some(30))
        );
        assert_eq!(
            judge(
                ID,
                503,
                false,
                r#"{"errors":[{"field":"","reason":"busy"}]}"#,
                Some(2)
            ),
            Outcome::Later(Some(2))
        );
        assert_eq!(
            judge(ID, 502, false, "Bad Gateway", None),
            Outcome::Later(None)
        );
        assert_eq!(judge(ID, 500, false, "", None), Outcome::Later(None));
    }
}
