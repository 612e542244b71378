//! Linli 邻里: the resident-facing finder of Beijing's community embedded
//! service facilities, as a Leptos client-side app.
//!
//! Components live here so that browser tests can mount them; `main.rs`
//! only mounts [`App`]. Domain logic (parsing, distance, ranking) lives in
//! `linli_facilities`; the browser adapter for fetching data is [`data`].
//! Components stay thin: what a row shows is computed by [`result_rows`], a
//! plain function with native tests.

pub mod data;
pub mod i18n;

use std::sync::Arc;

use leptos::prelude::*;
use linli_facilities::dataset::Dataset;
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::model::{Name, ServiceFunction};
use linli_facilities::search::{Query, search};

use crate::data::{LoadError, Loaded, load_near};
use crate::i18n::{Lang, Msg, result_count};

/// Where the dataset manifest is served, relative to the app.
pub const MANIFEST_URL: &str = "data/manifest.json";

/// How far the finder looks: a 30-minute walk at the standard speed, as a
/// straight-line distance in metres (about 1.4 km).
pub fn search_radius_m() -> f64 {
    WalkingModel::STANDARD.reach_m(30.0)
}

/// The fixed position of the first slice, near Dongsi in Dongcheng (WGS-84).
pub const SAMPLE_ORIGIN: LonLat = LonLat::new(116.4170, 39.9290);

/// What one row of the result list shows.
///
/// The list keys rows by their whole value, so a row is redrawn whenever
/// anything it shows changes (the order of its services follows the filter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultRow {
    /// The facility id, the row's key.
    pub id: String,
    /// The facility name.
    pub name: Name,
    /// Sub-district (街道) and community (社区), for orientation.
    pub place: String,
    /// Straight-line distance in metres, rounded to 10 m.
    pub distance_m: u32,
    /// Estimated walking time in whole minutes, rounded up.
    pub walk_minutes: u32,
    /// The functions the facility offers, the searched one first.
    pub functions: Vec<ServiceFunction>,
    /// The function searched for, if any; the view highlights it.
    pub searched: Option<ServiceFunction>,
}

/// Ranks `dataset` for `origin` and `function` and builds the rows to show,
/// nearest first.
pub fn result_rows(
    dataset: &Dataset,
    origin: LonLat,
    function: Option<ServiceFunction>,
) -> Vec<ResultRow> {
    let query = Query {
        origin,
        function,
        max_distance_m: Some(search_radius_m()),
        walking: WalkingModel::STANDARD,
    };
    search(&dataset.facilities, &query)
        .into_iter()
        .map(|hit| {
            let f = &dataset.facilities[hit.index];
            let mut functions: Vec<ServiceFunction> =
                f.services.iter().map(|s| s.function).collect();
            functions.dedup();
            if let Some(wanted) = function {
                functions.sort_by_key(|&x| x != wanted);
            }
            ResultRow {
                id: f.id.clone(),
                name: f.name.clone(),
                place: format!("{} · {}", f.subdistrict, f.community),
                distance_m: ((hit.distance_m / 10.0).round() * 10.0) as u32,
                walk_minutes: hit.walk_minutes.ceil() as u32,
                functions,
                searched: function,
            }
        })
        .collect()
}

/// The whole app, reading the published dataset from [`MANIFEST_URL`].
#[component]
pub fn App() -> impl IntoView {
    view! { <Finder manifest_url=MANIFEST_URL /> }
}

/// The finder page: language switch, service filter and the ranked list of
/// facilities from the shards near the resident.
#[component]
pub fn Finder(
    /// URL of the dataset manifest (`manifest.json`).
    #[prop(into)]
    manifest_url: String,
) -> impl IntoView {
    let (lang, set_lang) = signal(Lang::default());
    let (function, set_function) = signal(None::<ServiceFunction>);
    let data = LocalResource::new(move || {
        load_near(manifest_url.clone(), SAMPLE_ORIGIN, search_radius_m())
    });

    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.get().tag());
        }
    });

    let text = move |msg: Msg| move || msg.text(lang.get());

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"邻"</span>
                <div>
                    <h1>{text(Msg::AppName)}</h1>
                    <p class="tagline">{text(Msg::Tagline)}</p>
                </div>
            </div>
            <button
                type="button"
                class="lang-switch"
                lang=move || lang.get().other().tag()
                on:click=move |_| set_lang.update(|l| *l = l.other())
            >
                {text(Msg::SwitchLanguage)}
            </button>
        </header>
        <main id="main">
            <section class="controls" aria-label=text(Msg::ServiceFilter)>
                <p class="position">
                    <span class="label">{text(Msg::Position)}</span>
                    <strong>{text(Msg::SamplePosition)}</strong>
                </p>
                <div class="field">
                <label for="function-filter" class="label">{text(Msg::ServiceFilter)}</label>
                <select
                    id="function-filter"
                    on:change=move |ev| set_function.set(ServiceFunction::from_code(&event_target_value(&ev)))
                >
                    <option value="" selected=move || function.get().is_none()>
                        {text(Msg::AllServices)}
                    </option>
                    {ServiceFunction::ALL
                        .into_iter()
                        .map(|f| {
                            view! {
                                <option value=f.code() selected=move || function.get() == Some(f)>
                                    {move || function_label(f, lang.get())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                </div>
            </section>
            <section class="results" aria-labelledby="results-heading">
                <h2 id="results-heading">{text(Msg::ResultsHeading)}</h2>
                {move || match data.get() {
                    None => view! { <p class="loading" role="status">{text(Msg::Loading)}</p> }.into_any(),
                    Some(Err(error)) => view! { <LoadErrorPanel error lang on_retry=move || data.refetch() /> }.into_any(),
                    Some(Ok(loaded)) => view! { <ResultList loaded function lang /> }.into_any(),
                }}
            </section>
        </main>
    }
}

/// The label of a service function in `lang`.
pub fn function_label(f: ServiceFunction, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.label_zh(),
        Lang::En => f.label_en(),
    }
}

#[component]
fn LoadErrorPanel(
    error: LoadError,
    lang: ReadSignal<Lang>,
    on_retry: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="error" role="alert">
            <h3>{move || Msg::LoadFailed.text(lang.get())}</h3>
            <p class="error-detail">{move || error.describe(lang.get())}</p>
            <button type="button" on:click=move |_| on_retry()>
                {move || Msg::Retry.text(lang.get())}
            </button>
        </div>
    }
}

#[component]
fn ResultList(
    loaded: Arc<Loaded>,
    function: ReadSignal<Option<ServiceFunction>>,
    lang: ReadSignal<Lang>,
) -> impl IntoView {
    let sample = loaded.dataset.sample;
    let skipped = loaded.dataset.skipped();
    let rows = Memo::new(move |_| result_rows(&loaded.dataset, SAMPLE_ORIGIN, function.get()));
    view! {
        <Show when=move || sample>
            <p class="sample-banner" role="note">{move || Msg::SampleBanner.text(lang.get())}</p>
        </Show>
        <Show when=move || { skipped > 0 }>
            <p class="skipped" role="status">
                {move || format!("{skipped} {}", Msg::SkippedRecords.text(lang.get()))}
            </p>
        </Show>
        <p class="count" role="status" aria-live="polite">
            {move || result_count(lang.get(), rows.with(Vec::len))}
        </p>
        <Show
            when=move || rows.with(|r| !r.is_empty())
            fallback=move || view! { <p class="empty">{move || Msg::NoResults.text(lang.get())}</p> }
        >
            <ol class="result-list">
                <For
                    each=move || rows.get()
                    key=|row| row.clone()
                    children=move |row| view! { <ResultItem row lang /> }
                />
            </ol>
        </Show>
    }
}

#[component]
fn ResultItem(row: ResultRow, lang: ReadSignal<Lang>) -> impl IntoView {
    let ResultRow {
        id,
        name,
        place,
        distance_m,
        walk_minutes,
        functions,
        searched,
    } = row;
    let en_name = name.en.clone();
    view! {
        <li class="result" data-id=id>
            <h3 class="name">
                {move || match (lang.get(), &en_name) {
                    (Lang::En, Some(en)) => en.clone(),
                    _ => name.zh.clone(),
                }}
            </h3>
            <p class="distance">
                <strong>
                    {move || {
                        let l = lang.get();
                        format!("{} {walk_minutes} {}", Msg::WalkAbout.text(l), Msg::Minutes.text(l))
                    }}
                </strong>
                <span>
                    {move || {
                        let l = lang.get();
                        format!(" · {} {distance_m} {}", Msg::StraightLine.text(l), Msg::Metres.text(l))
                    }}
                </span>
            </p>
            <p class="place">{place}</p>
            <ul class="functions">
                {functions
                    .into_iter()
                    .map(|f| {
                        view! {
                            <li
                                class="function"
                                class:searched=searched == Some(f)
                                data-function=f.code()
                            >
                                {move || function_label(f, lang.get())}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_facilities::dataset::parse_feature_collection;

    fn sample() -> Dataset {
        parse_feature_collection(include_str!(
            "../crates/facilities/tests/fixtures/sample.geojson"
        ))
        .unwrap()
    }

    #[test]
    fn rows_put_the_searched_function_first_and_round_figures() {
        let rows = result_rows(&sample(), SAMPLE_ORIGIN, Some(ServiceFunction::Meals));
        assert_eq!(
            rows.len(),
            2,
            "three meal sites lie beyond a 30-minute walk"
        );
        assert!(
            rows.iter()
                .all(|r| r.functions[0] == ServiceFunction::Meals)
        );
        assert_eq!(rows[0].id, "lc-sample-001");
        assert_eq!(rows[0].distance_m, 160);
        // 159 m straight, 207 m walked at 60 m/min: 3.4 minutes, shown as 4.
        assert_eq!(rows[0].walk_minutes, 4);
    }

    #[test]
    fn keeps_what_is_within_a_30_minute_walk() {
        let rows = result_rows(&sample(), SAMPLE_ORIGIN, None);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["lc-sample-001", "lc-sample-002", "lc-sample-006"]);
        assert!(
            rows.iter()
                .all(|r| f64::from(r.distance_m) <= search_radius_m() + 5.0)
        );
    }
}
