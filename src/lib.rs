//! Linli 邻里: the resident-facing finder of Beijing's community embedded
//! service facilities, as a Leptos client-side app.
//!
//! Components live here so that browser tests can mount them; `main.rs`
//! only mounts [`App`]. Domain logic (parsing, distance, ranking) lives in
//! `linli_facilities`. Browser adapters sit at the edge: fetching data
//! ([`data`]), geolocation ([`geo`]), device storage ([`prefs`],
//! [`reports`]), speech ([`speech`]) and the URL ([`url_state`]). What the
//! pages show is computed by plain functions with native tests ([`rows`],
//! [`facility`], [`map`]); the components stay thin.

pub mod dashboard;
pub mod data;
pub mod display;
pub mod facility;
pub mod finder;
pub mod geo;
pub mod i18n;
pub mod icons;
pub mod map;
pub mod num;
pub mod outbox;
pub mod picker;
pub mod prefs;
pub mod pwa;
pub mod reports;
pub mod rows;
pub mod speech;
pub mod split;
pub mod survey;
pub mod url_state;

use std::time::Duration;

use leptos::prelude::*;
use linli_facilities::finder::WALK_MINUTES;
use linli_facilities::geometry::{LonLat, WalkingModel};

pub use crate::finder::Finder;

/// Where the dataset manifest is served, relative to the app.
pub const MANIFEST_URL: &str = "data/manifest.json";

/// How far the finder loads data: the longest walk it offers at the
/// standard speed, as a straight-line distance in metres (about 1.4 km).
pub fn search_radius_m() -> f64 {
    WalkingModel::STANDARD.reach_m(f64::from(WALK_MINUTES[WALK_MINUTES.len() - 1]))
}

/// The fixed position of the first slice, near Dongsi in Dongcheng (WGS-84).
pub const SAMPLE_ORIGIN: LonLat = LonLat::new(116.4170, 39.9290);

/// Runs `f` in a task of its own after the next frame is drawn.
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, Duration::ZERO));
}

/// Whether `ev`, an `input` event, comes in the middle of an input
/// method's composition: pinyin typed but not yet turned into characters.
/// Such text is neither searched nor stored (a search for "dongsi" finds
/// nothing and says so on every key), and writing a field's value back
/// during a composition can end it; the characters come with
/// `compositionend`.
pub fn composing(ev: &web_sys::Event) -> bool {
    js_sys::Reflect::get(ev, &"isComposing".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Names the page in the browser's tab and history, as screen readers
/// announce it: "`page` · 邻里", or the app's name and tagline when `page`
/// is `None` (the finder).
pub fn set_title(page: Option<&str>, lang: i18n::Lang) {
    let app = i18n::Msg::AppName.text(lang);
    document().set_title(&match page {
        Some(page) => format!("{page} · {app}"),
        None => format!("{app} · {}", i18n::Msg::Tagline.text(lang)),
    });
}

/// Focuses the first element matching the CSS `selector` once the next
/// frame is drawn: where a redraw has replaced what had the focus.
pub fn focus_when_drawn(selector: impl Into<String>) {
    let selector = selector.into();
    request_animation_frame(move || {
        if let Ok(Some(el)) = document().query_selector(&selector) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Runs `then` once the next frame is drawn, if the focus was lost by then
/// (on no element, or on the page's body, as when the focused button was
/// drawn away): a resident who has moved on to another field keeps it.
pub fn when_focus_lost(then: impl FnOnce() + 'static) {
    request_animation_frame(move || {
        let doc = document();
        let lost = doc
            .active_element()
            .is_none_or(|el| doc.body().is_some_and(|body| *body == el));
        if lost {
            then();
        }
    });
}

/// Focuses the first element matching `selector` once the next frame is
/// drawn, if the focus was lost by then ([`when_focus_lost`]).
pub fn focus_if_lost(selector: impl Into<String>) {
    let selector = selector.into();
    when_focus_lost(move || {
        if let Ok(Some(el)) = document().query_selector(&selector)
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
}

/// Scrolls the element `selector` finds, once drawn, just into view when
/// its bottom is below the window's (a line that answers a tap, drawn
/// under the finger's reach on a phone in 长辈模式); nothing moves when it
/// is in view already.
pub fn reveal_when_drawn(selector: &'static str) {
    request_animation_frame(move || {
        if let Ok(Some(el)) = document().query_selector(selector) {
            let below = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .is_some_and(|h| el.get_bounding_client_rect().bottom() > h);
            if below {
                el.scroll_into_view_with_bool(false);
            }
        }
    });
}

/// Whether the element a focus event reached shows its focus ring
/// (`:focus-visible`: focused from the keyboard, or moved there after a key
/// press, not by a tap or a click).
pub fn shows_focus_ring(ev: &web_sys::FocusEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        // A browser without `:focus-visible` (Safari before 15.4) throws:
        // every focus counts, as before it.
        .is_some_and(|el| el.matches(":focus-visible").unwrap_or(true))
}

/// The longest [`when_idle`] waits for the browser to be idle, in
/// milliseconds.
const IDLE_AT_LATEST_MS: u32 = 2_000;

/// Runs `f` when the browser has nothing more urgent to do, and at the
/// latest after [`IDLE_AT_LATEST_MS`]; in a task of its own where the
/// browser has no idle callbacks (Safari before 2025).
pub fn when_idle(f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let options = web_sys::IdleRequestOptions::new();
    options.set_timeout(IDLE_AT_LATEST_MS);
    if window()
        .request_idle_callback_with_options(callback.unchecked_ref(), &options)
        .is_err()
    {
        let _ = window().set_timeout_with_callback(callback.unchecked_ref());
    }
}

/// Runs `f` once the page has loaded (its `load` event) and then the
/// browser is idle ([`when_idle`]): for work that the first paint and the
/// first results need the main thread and the network more than.
pub fn when_loaded_and_idle(f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    let loaded = document().ready_state() == "complete";
    if loaded {
        when_idle(f);
    } else {
        let later = wasm_bindgen::closure::Closure::once_into_js(move || when_idle(f));
        let _ = window().add_event_listener_with_callback("load", later.unchecked_ref());
    }
}

/// The sections of the page's first render still to be drawn ([`Later`]).
#[derive(Default)]
struct FirstRender {
    /// Whether every section of the first render has been drawn.
    done: bool,
    /// Sections waiting for a task, in document order.
    waiting: std::collections::VecDeque<RwSignal<bool>>,
    /// Sections built since the last task: the whole first render's at the
    /// start, then those inside the section drawn last.
    found: Vec<RwSignal<bool>>,
    /// Whether the next task is asked for.
    asked: bool,
    /// Whether the static first paint has been replaced.
    replaced: bool,
}

thread_local! {
    static FIRST_RENDER: std::cell::RefCell<FirstRender> = std::cell::RefCell::default();
}

/// A section of the page's first render, drawn in a task of its own.
///
/// Drawn in one go, the first render held the main thread for about 85 ms
/// on the benchmark machine (four times that on a mid-range phone), with
/// no tap or frame in between. Each `Later` of the first render waits for
/// a task of its own, in document order (sections inside a section come
/// before the sections after it), so each appears below those already
/// drawn and nothing on screen moves; until then it takes no space. The
/// first section drawn takes the place of the static first paint of
/// `index.html`, in the same task. Renders after the first (a language
/// switch, a page change) draw everything at once, so that a heading
/// focused after them is there, unless the section is marked `always`.
#[component]
pub fn Later(
    /// Wait for a task of its own after the first render too: for a
    /// section inside a frame of fixed size that nothing focuses, such as
    /// the map's markers.
    #[prop(optional)]
    always: bool,
    children: Children,
) -> impl IntoView {
    if !always && FIRST_RENDER.with_borrow(|f| f.done) {
        return children();
    }
    let shown = RwSignal::new(false);
    let mut children = Some(children);
    let mut waiting = false;
    (move || {
        if !shown.get() {
            // Counted in when the section is built, which is in document
            // order (a component's body runs earlier, when the view tree is
            // put together: the footer's before the sections inside main).
            if !waiting {
                waiting = true;
                if always && FIRST_RENDER.with_borrow(|f| f.done) {
                    set_timeout(
                        move || {
                            let _ = shown.try_set(true);
                        },
                        Duration::ZERO,
                    );
                } else {
                    let ask = FIRST_RENDER.with_borrow_mut(|f| {
                        f.found.push(shown);
                        !std::mem::replace(&mut f.asked, true)
                    });
                    if ask {
                        set_timeout(draw_next_section, Duration::ZERO);
                    }
                }
            }
            return None;
        }
        // Untracked, so that the section's own reads never run this again
        // (its children are drawn once).
        children.take().map(|draw| untrack(draw))
    })
    .into_any()
}

/// Draws the next section of the first render and asks for a task for the
/// one after, until none is left.
fn draw_next_section() {
    let (next, first) = FIRST_RENDER.with_borrow_mut(|f| {
        // Those found while the last section was drawn are inside it, so
        // they come before every section still waiting.
        for section in std::mem::take(&mut f.found).into_iter().rev() {
            f.waiting.push_front(section);
        }
        // A section no longer on the page (a language switch while
        // drawing) is skipped.
        let next =
            std::iter::from_fn(|| f.waiting.pop_front()).find(|section| !section.is_disposed());
        if next.is_none() {
            f.done = true;
            f.asked = false;
        }
        (next, !std::mem::replace(&mut f.replaced, true))
    });
    let Some(section) = next else { return };
    if first {
        remove_static_paint();
    }
    section.set(true);
    set_timeout(draw_next_section, Duration::ZERO);
}

/// Removes the header and loading line that `index.html` draws before the
/// app's code arrives (`#boot`), if they are there.
fn remove_static_paint() {
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
}

/// The whole app, reading the published dataset from [`MANIFEST_URL`],
/// with the service worker that keeps it working offline ([`pwa`]).
#[component]
pub fn App() -> impl IntoView {
    pwa::register_service_worker();
    when_loaded_and_idle(split::preload);
    view! { <Finder manifest_url=MANIFEST_URL /> }
}
