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
    let Some(window) = web_sys::window() else {
        return;
    };
    let loaded = window
        .document()
        .is_some_and(|d| d.ready_state() == "complete");
    if loaded {
        crate::when_idle(register_now);
    } else {
        let later = Closure::once(|| crate::when_idle(register_now));
        let _ = window.add_event_listener_with_callback("load", later.as_ref().unchecked_ref());
        later.forget();
    }
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
