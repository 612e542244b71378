//! The browser adapter for offline use: registers the service worker
//! (`public/sw.js`, stamped by `cargo xtask dist`) and, once it is active,
//! hands it the data files this page fetched before the worker was in
//! control, so that the shards of the first visit work offline too.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Registers `sw.js` and passes it the data files already fetched, once the
/// page has loaded and the browser is idle: registering takes main-thread
/// time (about 10 ms here) that the first paint and the first results need
/// more. Does nothing where service workers are unavailable (an insecure
/// origin, an old browser); the app works without one, online.
pub fn register_service_worker() {
    crate::when_loaded_and_idle(register_now);
}

fn register_now() {
    if let Some(workers) = workers() {
        let _ = workers.register("sw.js");
        hand_over_data();
    }
}

/// The page's service workers, where the browser offers them.
fn workers() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

/// Tells the service worker, once it is active, every data file this page
/// has fetched so far, so that it caches them. Called at start and after
/// each load of data: a file fetched before the worker controlled the page
/// did not pass through it, whichever finished first.
pub fn hand_over_data() {
    let Some(ready) = workers().and_then(|w| w.ready().ok()) else {
        return;
    };
    let hand_over = Closure::once(move |registration: JsValue| {
        let Ok(registration) = registration.dyn_into::<web_sys::ServiceWorkerRegistration>() else {
            return;
        };
        if let Some(worker) = registration.active() {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"cacheData".into(), &data_urls());
            let _ = worker.post_message(&message);
        }
    });
    let _ = ready.then(&hand_over);
    hand_over.forget();
}

/// The URLs of the data files this page has fetched, from resource timing.
fn data_urls() -> js_sys::Array {
    let urls = js_sys::Array::new();
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        for entry in performance.get_entries_by_type("resource").iter() {
            let name = js_sys::Reflect::get(&entry, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            if let Some(name) = name.filter(|n| n.contains("/data/")) {
                urls.push(&name.into());
            }
        }
    }
    urls
}

thread_local! {
    /// The service worker's registration, once ready: a page being closed
    /// asks for the sync at once, in its `visibilitychange` handler, since
    /// a promise's callback may never run while the page is torn down.
    static REGISTRATION: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the service worker's registration for [`request_outbox_sync`],
/// once the worker is ready.
pub fn keep_registration() {
    let Some(ready) = workers().and_then(|w| w.ready().ok()) else {
        return;
    };
    let keep = Closure::once(move |registration: JsValue| {
        REGISTRATION.set(Some(registration));
    });
    let _ = ready.then(&keep);
    keep.forget();
}

/// Asks the browser to fire the service worker's `linli-outbox` sync once
/// the device is online (Background Sync, where the browser has it), so
/// that answers left waiting when Linli goes out of sight are sent even
/// if it is closed then and not opened again soon; the worker sends as the page's sender
/// does. Elsewhere, or before the worker is ready ([`keep_registration`]),
/// they wait for the next visit.
pub fn request_outbox_sync() {
    let Some(registration) = REGISTRATION.with_borrow(Clone::clone) else {
        return;
    };
    let Ok(sync) = js_sys::Reflect::get(&registration, &"sync".into()) else {
        return;
    };
    let register = js_sys::Reflect::get(&sync, &"register".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(register) = register
        && let Ok(promise) = register.call1(&sync, &OUTBOX_SYNC.into())
        && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
    {
        // Refused (no permission, or the worker is gone): the answers wait
        // for the next visit, as without Background Sync.
        let ignore = Closure::once(|_: JsValue| {});
        let _ = promise.catch(&ignore);
        ignore.forget();
    }
}

/// The tag of the service worker's sync event that sends the outbox
/// (`public/sw.js`).
const OUTBOX_SYNC: &str = "linli-outbox";

/// Calls `delivered` with the id of each record the service worker's sync
/// delivered while this page was open (its message `{linliDelivered: id}`).
pub fn on_worker_delivery(delivered: impl Fn(String) + 'static) {
    let Some(container) = workers() else {
        return;
    };
    let listener = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let id = js_sys::Reflect::get(&event, &"data".into())
            .and_then(|data| js_sys::Reflect::get(&data, &"linliDelivered".into()))
            .ok()
            .and_then(|v| v.as_string());
        if let Some(id) = id {
            delivered(id);
        }
    });
    let _ =
        container.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    listener.forget();
}
