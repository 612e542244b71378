//! Pages fetched when first shown: the needs survey and the facility page.
//!
//! Most residents look for a place and never open the survey, and a page
//! of results draws without a facility page. Their code is split out of
//! the app's first download into wasm modules of their own, fetched once
//! the page has loaded and the browser is idle ([`preload`]), or when such
//! a page is drawn before that (a shared link); the service worker caches
//! them with the rest of the app, so they open offline too.
//!
//! The split is made by `cargo xtask dist`: trunk builds the residents'
//! app with the `split` feature (`index.html`) and the linker's
//! relocations kept (`build.rs`), and xtask cuts the
//! functions marked here, with everything only they reach, into their own
//! modules with `wasm_split_cli_support` (the tool behind
//! `cargo leptos --split`) before wasm-bindgen runs. Every other build
//! (native tests, wasm-bindgen tests, clippy) calls the same functions
//! directly (a plain `trunk build`, which asks for the feature but has no
//! shim, leaves the app without its loader). In a split build a page
//! waits for its module, and says so if it cannot be fetched.
//!
//! The unsafe code allowed here is what the `wasm_split` attribute writes:
//! the import through which the app calls into the split module and the
//! matching export. Nothing in this module is written unsafe by hand.

use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::model::ServiceFunction;

use crate::data::Loaded;
use crate::facility::{FacilityPage, WalkFrom};
use crate::i18n::{Lang, Msg};
use crate::survey::SurveyPage;

/// A split page's module could not be fetched (offline before it was
/// cached, or a server error).
#[derive(Debug, Clone, Copy)]
pub struct Unavailable;

impl From<leptos::wasm_split::SplitLoaderError> for Unavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unavailable
    }
}

/// What the survey page is drawn with (see [`SurveyPage`]).
pub(crate) struct SurveyArgs {
    pub manifest_url: String,
    pub lang: Lang,
    pub on_close: Arc<dyn Fn() + Send + Sync>,
}

/// What a facility page is drawn with (see [`FacilityPage`]).
pub(crate) struct FacilityArgs {
    pub loaded: Arc<Loaded>,
    pub id: String,
    pub from: Option<(LonLat, WalkingModel)>,
    pub walk_from: Option<WalkFrom>,
    pub searched: Option<ServiceFunction>,
    pub lang: Lang,
    pub on_back: Arc<dyn Fn() + Send + Sync>,
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(survey, wasm_split_path = ::leptos::wasm_split, fallible)
)]
#[allow(clippy::unnecessary_wraps, clippy::needless_pass_by_value)]
fn survey_page(args: SurveyArgs) -> Result<AnyView, Unavailable> {
    let SurveyArgs {
        manifest_url,
        lang,
        on_close,
    } = args;
    Ok(view! { <SurveyPage manifest_url lang on_close=move || on_close() /> }.into_any())
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(facility, wasm_split_path = ::leptos::wasm_split, fallible)
)]
#[allow(clippy::unnecessary_wraps, clippy::needless_pass_by_value)]
fn facility_page(args: FacilityArgs) -> Result<AnyView, Unavailable> {
    let FacilityArgs {
        loaded,
        id,
        from,
        walk_from,
        searched,
        lang,
        on_back,
    } = args;
    Ok(view! {
        <FacilityPage loaded id from walk_from searched lang on_back=move || on_back() />
    }
    .into_any())
}

/// The survey page, once its module is there.
pub(crate) async fn survey(args: SurveyArgs) -> Result<AnyView, Unavailable> {
    #[cfg(feature = "split")]
    return survey_page(args).await;
    #[cfg(not(feature = "split"))]
    return survey_page(args);
}

/// A facility page, once its module is there.
pub(crate) async fn facility(args: FacilityArgs) -> Result<AnyView, Unavailable> {
    #[cfg(feature = "split")]
    return facility_page(args).await;
    #[cfg(not(feature = "split"))]
    return facility_page(args);
}

/// Fetches the split pages' modules without drawing them, so that the
/// first facility page or survey opened draws at once, and both are in
/// the service worker's cache before the resident goes offline. A failure
/// is left for the page itself to report when it is opened.
pub(crate) fn preload() {
    #[cfg(feature = "split")]
    leptos::task::spawn_local(async {
        let _ = __wasm_split_preload_facility_page().await;
        let _ = __wasm_split_preload_survey_page().await;
    });
}

/// Draws the page `load` gives once its module is there: "正在打开…" until
/// then, and a message with a retry button if it cannot be fetched. In a
/// build without split modules the page is drawn at once.
#[component]
pub fn Fetched<F, Fut>(
    load: F,
    lang: Lang,
    /// Back to the list, offered beside the retry: the page's own way
    /// back is part of what could not be fetched.
    on_back: Arc<dyn Fn() + Send + Sync>,
) -> impl IntoView
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, Unavailable>> + 'static,
{
    let opening = RwSignal::new(true);
    let failed = RwSignal::new(false);
    let failures = RwSignal::new(0_u32);
    let attempt = RwSignal::new(0_u32);
    let page = move || {
        attempt.track();
        let load = load.clone();
        Suspend::new(send_wrapper::SendWrapper::new(async move {
            let page = load().await.ok();
            if page.is_none() {
                let _ = failures.try_update(|n| *n += 1);
                // The retry button pressed is gone: its successor takes
                // the focus.
                if attempt.get_untracked() > 0 {
                    crate::focus_when_drawn("main .error-actions button");
                }
            }
            let _ = failed.try_set(page.is_none());
            let _ = opening.try_set(false);
            page
        }))
    };
    let retry = move || {
        opening.set(true);
        failed.set(false);
        attempt.update(|n| *n += 1);
    };
    // After the page: drawn at once (a build without split modules, or a
    // module already here), it has said it is open before this is built.
    let status = move || {
        if opening.get() {
            view! {
                <p class="loading" role="status">
                    {lang.pick("正在打开…", "Opening…")}
                </p>
            }
            .into_any()
        } else if failed.get() {
            unavailable(lang, failures.get_untracked(), retry, Arc::clone(&on_back))
        } else {
            ().into_any()
        }
    };
    view! {
        {page}
        {status}
    }
}

/// What a page whose module could not be fetched shows: why, what to do,
/// a button that tries again and one back to the search.
fn unavailable(
    lang: Lang,
    failures: u32,
    retry: impl Fn() + 'static,
    back: Arc<dyn Fn() + Send + Sync>,
) -> AnyView {
    // After a new release the old page's modules are gone from the server:
    // reloading brings the new ones.
    let retried = crate::i18n::failed_again(failures, lang).map(|failed| {
        failed
            + lang.pick(
                "也可以刷新本页再试：邻里可能已经更新。",
                " You can also reload the page: Linli may have been updated.",
            )
    });
    view! {
        <div class="error" role="alert">
            <h3>{lang.pick("这一页未能打开", "This page could not be opened")}</h3>
            <p class="error-detail">
                {lang.pick(
                    "这一页的程序还没有下载到本机，下载没有成功，可能是网络不通。请检查网络后重试。",
                    "This page's code is not on this device yet and could not be downloaded; the network may be down. Check the connection and try again.",
                )}
            </p>
            <p class="retried">{retried}</p>
            <div class="error-actions">
                <button type="button" on:click=move |_| retry()>
                    {Msg::Retry.text(lang)}
                </button>
                <button type="button" class="back" on:click=move |_| back()>
                    <span aria-hidden="true">"← "</span>{lang.pick("返回查找", "Back to the search")}
                </button>
            </div>
        </div>
    }
    .into_any()
}
