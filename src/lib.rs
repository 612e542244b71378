//! Linli 邻里: the resident-facing finder of Beijing's community embedded
//! service facilities, as a Leptos client-side app.
//!
//! Components live here so that browser tests can mount them; `main.rs`
//! only mounts [`App`]. Domain logic (parsing, distance, ranking) lives in
//! `linli_facilities`; the browser adapter for fetching data is [`data`].
//! Components stay thin: what a row shows is computed by [`result_rows`], a
//! plain function with native tests.

pub mod data;
pub mod geo;
pub mod i18n;
pub mod prefs;
pub mod url_state;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use linli_facilities::finder::{AgeBand, Filters, HoursBook, WALK_MINUTES, find};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::hours::State;
use linli_facilities::model::{CapacityKind, Name, PriceUnit, ServiceFunction};

use crate::data::{LoadError, Loaded, beijing_now, load_near};
use crate::geo::{GeoError, current_position};
use crate::i18n::{Lang, Msg, result_count};
use crate::url_state::{
    AGE_BANDS, CATEGORIES, FinderState, age_code, category_code, category_from_code, current_query,
    push_query,
};

/// Where the dataset manifest is served, relative to the app.
pub const MANIFEST_URL: &str = "data/manifest.json";

/// How far the finder loads data: the longest walk it offers at the
/// standard speed, as a straight-line distance in metres (about 1.4 km).
pub fn search_radius_m() -> f64 {
    WalkingModel::STANDARD.reach_m(f64::from(WALK_MINUTES[WALK_MINUTES.len() - 1]))
}

/// The fixed position of the first slice, near Dongsi in Dongcheng (WGS-84).
pub const SAMPLE_ORIGIN: LonLat = LonLat::new(116.4170, 39.9290);

/// Whether a facility's matching services are open now, taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenNow {
    /// At least one matching service is open.
    Open,
    /// None is open, and at least one says it is closed.
    Closed,
    /// Nobody can tell: no hours, or holidays not yet published.
    Unknown,
}

/// What one row of the result list shows.
///
/// The list keys rows by their whole value, so a row is redrawn whenever
/// anything it shows changes (the order of its services follows the filter).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultRow {
    /// The facility id.
    pub id: String,
    /// The facility name.
    pub name: Name,
    /// Sub-district (街道) and community (社区), for orientation.
    pub place: String,
    /// Straight-line distance in metres, rounded to 10 m.
    pub distance_m: u32,
    /// Estimated walking time in whole minutes at the chosen speed, rounded up.
    pub walk_minutes: u32,
    /// The functions the facility offers, the searched one first.
    pub functions: Vec<ServiceFunction>,
    /// The function searched for, if any; the view highlights it.
    pub searched: Option<ServiceFunction>,
    /// Whether the matching services are open at the time asked.
    pub open: OpenNow,
    /// The lowest price among the matching services, in fen (0.01 yuan),
    /// with its unit.
    pub lowest_price: Option<(u64, PriceUnit)>,
    /// Free places or beds of the matching service with the most free:
    /// kind, available, total, and the day they were counted.
    pub places: Option<(CapacityKind, u32, u32, NaiveDate)>,
    /// Each matching service with today's hours and its state now.
    pub services: Vec<ServiceLine>,
}

/// A service's state now, as a resident reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceState {
    /// Open now.
    Open,
    /// Closed now, opening within [`OPENING_SOON_MINUTES`].
    OpeningSoon,
    /// Closed now.
    Closed,
    /// Nobody can tell.
    Unknown,
}

/// How soon an opening counts as "opening soon", in minutes.
pub const OPENING_SOON_MINUTES: i64 = 60;

/// One matching service of a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceLine {
    /// Its function.
    pub function: ServiceFunction,
    /// The operator's name for it, if any.
    pub name: Option<String>,
    /// Today's opening times as `HH:MM–HH:MM` stretches; empty when closed
    /// all day; `None` when the hours are unknown.
    pub today: Option<Vec<String>>,
    /// Its state now.
    pub state: ServiceState,
}

/// Runs the resident's search over `loaded` for `origin` at local time `now`
/// (Beijing) and builds the rows to show, nearest first.
pub fn result_rows(
    loaded: &Loaded,
    origin: LonLat,
    filters: &Filters,
    now: NaiveDateTime,
) -> Vec<ResultRow> {
    let facilities = &loaded.dataset.facilities;
    let searched = filters.functions.first().copied();
    let mut book = HoursBook::default();
    let hits = find(
        facilities,
        origin,
        filters,
        now,
        &loaded.calendar,
        &mut book,
    );
    hits.into_iter()
        .map(|hit| {
            let f = &facilities[hit.index];
            let mut functions: Vec<ServiceFunction> = f.functions();
            if let Some(wanted) = searched {
                functions.sort_by_key(|&x| x != wanted);
            }
            let states: Vec<State> = hit.services.iter().map(|m| m.status.state).collect();
            let open = if states.contains(&State::Open) {
                OpenNow::Open
            } else if states.contains(&State::Closed) {
                OpenNow::Closed
            } else {
                OpenNow::Unknown
            };
            let service_lines = hit
                .services
                .iter()
                .map(|m| {
                    let service = &f.services[m.service];
                    let state = match (m.status.state, m.status.next_change) {
                        (State::Open, _) => ServiceState::Open,
                        (State::Closed, Some((when, State::Open)))
                            if (when - now).num_minutes() <= OPENING_SOON_MINUTES =>
                        {
                            ServiceState::OpeningSoon
                        }
                        (State::Closed, _) => ServiceState::Closed,
                        (State::Unknown, _) => ServiceState::Unknown,
                    };
                    let today = book.hours(&loaded.calendar, service).and_then(|hours| {
                        let day = hours.day(&loaded.calendar, now.date());
                        if day.intervals.iter().any(|i| i.state == State::Unknown) {
                            return None;
                        }
                        Some(
                            day.open_intervals()
                                .map(|i| format!("{}–{}", hhmm(i.start_min), hhmm(i.end_min)))
                                .collect(),
                        )
                    });
                    ServiceLine {
                        function: service.function,
                        name: service.name.clone(),
                        today,
                        state,
                    }
                })
                .collect();
            let matched = || hit.services.iter().map(|m| &f.services[m.service]);
            let lowest_price = matched()
                .flat_map(|s| &s.prices)
                .min_by(|a, b| a.amount_yuan.total_cmp(&b.amount_yuan))
                .map(|p| ((p.amount_yuan * 100.0).round() as u64, p.unit));
            let places = matched()
                .filter_map(|s| s.capacity.as_ref())
                .max_by_key(|c| c.available)
                .map(|c| (c.kind, c.available, c.total, c.updated));
            ResultRow {
                id: f.id.clone(),
                name: f.name.clone(),
                place: format!("{} · {}", f.subdistrict, f.community),
                distance_m: ((hit.distance_m / 10.0).round() * 10.0) as u32,
                walk_minutes: hit.walk_minutes.ceil() as u32,
                functions,
                searched,
                open,
                lowest_price,
                places,
                services: service_lines,
            }
        })
        .collect()
}

/// The whole app, reading the published dataset from [`MANIFEST_URL`].
#[component]
pub fn App() -> impl IntoView {
    view! { <Finder manifest_url=MANIFEST_URL /> }
}

/// The finder page: language switch, the filters (kept in the URL) and the
/// ranked list of facilities from the shards near the resident.
#[component]
pub fn Finder(
    /// URL of the dataset manifest (`manifest.json`).
    #[prop(into)]
    manifest_url: String,
) -> impl IntoView {
    let (lang, set_lang) = signal(Lang::default());
    let mut initial = FinderState::from_query(&current_query());
    if initial.position.is_none() {
        initial.position = prefs::position();
    }
    let state = RwSignal::new(initial);
    // Where to search from: the resident's position, or the sample one.
    let origin = Memo::new(move |_| state.with(|s| s.position).unwrap_or(SAMPLE_ORIGIN));
    let (locating, set_locating) = signal(None::<Result<f64, GeoError>>);
    Effect::new(move |_| prefs::set_position(state.with(|s| s.position)));
    let locate = move || {
        set_locating.set(None);
        leptos::task::spawn_local(async move {
            match current_position().await {
                Ok(fix) => {
                    state.update(|s| s.position = Some(fix.position));
                    set_locating.set(Some(Ok(fix.accuracy_m)));
                }
                Err(e) => set_locating.set(Some(Err(e))),
            }
        });
    };
    // The URL follows the filters; back and forward bring them back.
    Effect::new(move |_| push_query(&state.with(FinderState::to_query)));
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        state.set(FinderState::from_query(&current_query()));
    });
    on_cleanup(move || popstate.remove());
    let data = LocalResource::new(move || {
        load_near(manifest_url.clone(), origin.get(), search_radius_m())
    });

    let (elder, set_elder) = signal(prefs::elder_mode());
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.get().tag());
            // 长辈模式: larger text, more contrast, bigger targets (style/main.css).
            let _ = root.class_list().toggle_with_force("elder", elder.get());
        }
        prefs::set_elder_mode(elder.get());
    });

    let text = move |msg: Msg| move || msg.text(lang.get());
    let update = move |change: &dyn Fn(&mut FinderState)| state.update(|s| change(s));

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"邻"</span>
                <div>
                    <h1>{text(Msg::AppName)}</h1>
                    <p class="tagline">{text(Msg::Tagline)}</p>
                </div>
            </div>
            <div class="header-actions">
                <button
                    type="button"
                    class="elder-switch"
                    aria-pressed=move || if elder.get() { "true" } else { "false" }
                    on:click=move |_| set_elder.update(|e| *e = !*e)
                >
                    {text(Msg::ElderMode)}
                </button>
                <button
                    type="button"
                    class="lang-switch"
                    lang=move || lang.get().other().tag()
                    on:click=move |_| set_lang.update(|l| *l = l.other())
                >
                    {text(Msg::SwitchLanguage)}
                </button>
            </div>
        </header>
        <main id="main">
            <section class="controls" aria-label=text(Msg::Filters)>
                <div class="position">
                    <p>
                        <span class="label">{text(Msg::Position)}</span>
                        <strong class="position-name">
                            {move || match state.with(|s| s.position) {
                                None => Msg::SamplePosition.text(lang.get()).to_owned(),
                                Some(_) => Msg::MyPosition.text(lang.get()).to_owned(),
                            }}
                        </strong>
                    </p>
                    <button type="button" class="locate" on:click=move |_| locate()>
                        {text(Msg::UseMyLocation)}
                    </button>
                    <p class="locate-status" role="status" aria-live="polite">
                        {move || locating.get().map(|r| locate_message(r, lang.get()))}
                    </p>
                </div>
                <div class="field">
                    <label for="function-filter" class="label">{text(Msg::ServiceFilter)}</label>
                    <select
                        id="function-filter"
                        on:change=move |ev| {
                            let f = ServiceFunction::from_code(&event_target_value(&ev));
                            update(&|s| s.function = f);
                        }
                    >
                        <option value="" selected=move || state.with(|s| s.function.is_none())>
                            {text(Msg::AllServices)}
                        </option>
                        {ServiceFunction::ALL
                            .into_iter()
                            .map(|f| {
                                view! {
                                    <option value=f.code() selected=move || state.with(|s| s.function == Some(f))>
                                        {move || function_label(f, lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="walk-filter" class="label">{text(Msg::WalkTime)}</label>
                    <select
                        id="walk-filter"
                        on:change=move |ev| {
                            if let Ok(minutes) = event_target_value(&ev).parse() {
                                update(&|s| s.walk_minutes = minutes);
                            }
                        }
                    >
                        {WALK_MINUTES
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <option value=m.to_string() selected=move || state.with(|s| s.walk_minutes == m)>
                                        {move || walk_option(m, lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <fieldset class="field speed">
                    <legend class="label">{text(Msg::WalkSpeed)}</legend>
                    <label>
                        <input
                            type="radio"
                            name="speed"
                            value="standard"
                            prop:checked=move || state.with(|s| !s.senior)
                            on:change=move |_| update(&|s| s.senior = false)
                        />
                        {text(Msg::SpeedStandard)}
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="speed"
                            value="senior"
                            prop:checked=move || state.with(|s| s.senior)
                            on:change=move |_| update(&|s| s.senior = true)
                        />
                        {text(Msg::SpeedSenior)}
                    </label>
                </fieldset>
                <div class="field">
                    <label for="category-filter" class="label">{text(Msg::CategoryFilter)}</label>
                    <select
                        id="category-filter"
                        on:change=move |ev| {
                            let c = category_from_code(&event_target_value(&ev));
                            update(&|s| s.categories = c.into_iter().collect());
                        }
                    >
                        <option value="" selected=move || state.with(|s| s.categories.is_empty())>
                            {text(Msg::AllCategories)}
                        </option>
                        {CATEGORIES
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <option value=category_code(c) selected=move || state.with(|s| s.categories == [c])>
                                        {move || match lang.get() {
                                            Lang::Zh => c.label_zh(),
                                            Lang::En => c.label_en(),
                                        }}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="age-filter" class="label">{text(Msg::AgeFilter)}</label>
                    <select
                        id="age-filter"
                        on:change=move |ev| {
                            let code = event_target_value(&ev);
                            let band = AGE_BANDS.into_iter().find(|&b| age_code(b) == code);
                            update(&|s| s.age = band);
                        }
                    >
                        <option value="" selected=move || state.with(|s| s.age.is_none())>
                            {text(Msg::AnyAge)}
                        </option>
                        {AGE_BANDS
                            .into_iter()
                            .map(|b| {
                                view! {
                                    <option value=age_code(b) selected=move || state.with(|s| s.age == Some(b))>
                                        {move || age_label(b, lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="price-filter" class="label">{text(Msg::MaxPrice)}</label>
                    <input
                        id="price-filter"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        step="1"
                        prop:value=move || state.with(|s| s.max_price_yuan.map(|m| m.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let max = event_target_value(&ev).trim().parse::<u32>().ok().filter(|&m| m > 0);
                            update(&|s| s.max_price_yuan = max);
                        }
                    />
                </div>
                <div class="field checks">
                    <Check
                        id="open-now"
                        label=text(Msg::OpenNowFilter)
                        checked=Signal::derive(move || state.with(|s| s.open_now))
                        on_toggle=move |on| update(&|s| s.open_now = on)
                    />
                    <Check
                        id="free-places"
                        label=text(Msg::FreePlacesFilter)
                        checked=Signal::derive(move || state.with(|s| s.free_places))
                        on_toggle=move |on| update(&|s| s.free_places = on)
                    />
                </div>
            </section>
            <section class="results" aria-labelledby="results-heading">
                <h2 id="results-heading">{text(Msg::ResultsHeading)}</h2>
                {move || match data.get() {
                    None => view! { <p class="loading" role="status">{text(Msg::Loading)}</p> }.into_any(),
                    Some(Err(error)) => view! { <LoadErrorPanel error lang on_retry=move || data.refetch() /> }.into_any(),
                    Some(Ok(loaded)) => view! { <ResultList loaded state origin lang /> }.into_any(),
                }}
            </section>
        </main>
    }
}

#[component]
fn ServiceItem(line: ServiceLine, lang: ReadSignal<Lang>) -> impl IntoView {
    let ServiceLine {
        function,
        name,
        today,
        state,
    } = line;
    let (class, msg) = match state {
        ServiceState::Open => ("service-state open", Msg::OpenNow),
        ServiceState::OpeningSoon => ("service-state soon", Msg::OpeningSoon),
        ServiceState::Closed => ("service-state closed", Msg::ClosedNow),
        ServiceState::Unknown => ("service-state unknown", Msg::HoursUnknown),
    };
    view! {
        <li class="service" data-function=function.code()>
            <span class="service-name">
                {move || {
                    let label = function_label(function, lang.get());
                    match &name {
                        Some(n) if lang.get() == Lang::Zh => format!("{label}·{n}"),
                        _ => label.to_owned(),
                    }
                }}
            </span>
            <span class="today">
                {move || {
                    let l = lang.get();
                    match &today {
                        None => Msg::HoursUnknown.text(l).to_owned(),
                        Some(spans) if spans.is_empty() => Msg::ClosedToday.text(l).to_owned(),
                        Some(spans) => format!("{} {}", Msg::Today.text(l), spans.join(", ")),
                    }
                }}
            </span>
            <span class=class>{move || msg.text(lang.get())}</span>
        </li>
    }
}

/// `HH:MM` for minutes after midnight (1440 is `24:00`).
fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Free-place counts older than this many days are flagged as stale.
pub const STALE_AFTER_DAYS: i64 = 30;

/// "最低 15 元/餐", "免费" or "From ¥15 per meal".
pub fn price_text(fen: u64, unit: PriceUnit, lang: Lang) -> String {
    let yuan = if fen.is_multiple_of(100) {
        (fen / 100).to_string()
    } else {
        format!("{:.2}", fen as f64 / 100.0)
    };
    match (fen, lang) {
        (0, Lang::Zh) => "免费".to_owned(),
        (0, Lang::En) => "Free".to_owned(),
        (_, Lang::Zh) => format!("最低 {yuan} 元/{}", unit.label_zh()),
        (_, Lang::En) => format!("From ¥{yuan} per {}", unit_en(unit)),
    }
}

fn unit_en(unit: PriceUnit) -> &'static str {
    match unit {
        PriceUnit::PerMeal => "meal",
        PriceUnit::PerDay => "day",
        PriceUnit::PerMonth => "month",
        PriceUnit::PerHour => "hour",
        PriceUnit::PerSession => "session",
    }
}

/// "空余托位 4/40（11月18日统计）", with a warning when the count is old.
pub fn places_text(
    kind: CapacityKind,
    available: u32,
    total: u32,
    updated: NaiveDate,
    stale: bool,
    lang: Lang,
) -> String {
    let (m, d) = (updated.month(), updated.day());
    match lang {
        Lang::Zh => {
            let what = match kind {
                CapacityKind::ChildcarePlaces => "空余托位",
                CapacityKind::ElderBeds => "空余床位",
            };
            let note = if stale {
                "，数据可能已过时"
            } else {
                ""
            };
            format!(
                "{what} {available}/{total}（{}年{m}月{d}日统计{note}）",
                updated.year()
            )
        }
        Lang::En => {
            let what = match kind {
                CapacityKind::ChildcarePlaces => "childcare places",
                CapacityKind::ElderBeds => "beds",
            };
            let note = if stale { "; may be out of date" } else { "" };
            format!("{available} of {total} {what} free (counted {updated}{note})")
        }
    }
}

/// A labelled checkbox bound to one yes/no filter.
#[component]
fn Check(
    id: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    checked: Signal<bool>,
    on_toggle: impl Fn(bool) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label>
            <input
                type="checkbox"
                id=id
                prop:checked=move || checked.get()
                on:change=move |ev| on_toggle(event_target_checked(&ev))
            />
            {label}
        </label>
    }
}

/// What the page says after asking for the device's position.
fn locate_message(result: Result<f64, GeoError>, lang: Lang) -> String {
    match (result, lang) {
        (Ok(accuracy), Lang::Zh) => format!("已使用您的位置（误差约 {accuracy:.0} 米），位置只保存在本机。"),
        (Ok(accuracy), Lang::En) => {
            format!("Using your location (within about {accuracy:.0} m); it stays on this device.")
        }
        (Err(GeoError::Denied), Lang::Zh) => "您没有允许获取位置，仍按原位置查找。可在浏览器设置中允许定位。".to_owned(),
        (Err(GeoError::Denied), Lang::En) => {
            "Location permission was not given; the search keeps its position. You can allow it in the browser settings.".to_owned()
        }
        (Err(_), Lang::Zh) => "暂时无法获取您的位置，请稍后再试。".to_owned(),
        (Err(_), Lang::En) => "Your location is not available right now; please try again later.".to_owned(),
    }
}

/// An age band's label, e.g. "0–3 岁".
fn age_label(band: AgeBand, lang: Lang) -> &'static str {
    match (band, lang) {
        (AgeBand::Under3, Lang::Zh) => "0–3 岁（托育）",
        (AgeBand::From3To6, Lang::Zh) => "3–6 岁",
        (AgeBand::From6To12, Lang::Zh) => "6–12 岁",
        (AgeBand::From12To18, Lang::Zh) => "12–18 岁",
        (AgeBand::Senior, Lang::Zh) => "60 岁及以上",
        (AgeBand::Under3, Lang::En) => "0–3 years (infant care)",
        (AgeBand::From3To6, Lang::En) => "3–6 years",
        (AgeBand::From6To12, Lang::En) => "6–12 years",
        (AgeBand::From12To18, Lang::En) => "12–18 years",
        (AgeBand::Senior, Lang::En) => "60 and over",
    }
}

/// A walking-time option, e.g. "15 分钟".
fn walk_option(minutes: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{minutes} 分钟以内"),
        Lang::En => format!("Within {minutes} min"),
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
    state: RwSignal<FinderState>,
    origin: Memo<LonLat>,
    lang: ReadSignal<Lang>,
) -> impl IntoView {
    let sample = loaded.dataset.sample;
    let skipped = loaded.dataset.skipped();
    let rows = Memo::new(move |_| {
        let now = beijing_now();
        let filters = state.with(|s| s.filters(now));
        result_rows(&loaded, origin.get(), &filters, now)
    });
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
        open,
        lowest_price,
        places,
        services,
    } = row;
    let today = beijing_now().date();
    let en_name = name.en.clone();
    let (open_class, open_msg) = match open {
        OpenNow::Open => ("open-state open", Msg::OpenNow),
        OpenNow::Closed => ("open-state closed", Msg::ClosedNow),
        OpenNow::Unknown => ("open-state unknown", Msg::HoursUnknown),
    };
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
            <p class=open_class>{move || open_msg.text(lang.get())}</p>
            {lowest_price.map(|(fen, unit)| view! { <p class="price">{move || price_text(fen, unit, lang.get())}</p> })}
            {places.map(|(kind, available, total, updated)| {
                let stale = (today - updated).num_days() > STALE_AFTER_DAYS;
                view! {
                    <p class="places" class:stale=stale>
                        {move || places_text(kind, available, total, updated, stale, lang.get())}
                    </p>
                }
            })}
            <ul class="services">
                {services
                    .into_iter()
                    .map(|line| view! { <ServiceItem line lang /> })
                    .collect_view()}
            </ul>
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
    use linli_facilities::calendar::HolidayCalendar;
    use linli_facilities::dataset::parse_feature_collection;
    use linli_facilities::manifest::Manifest;

    fn loaded() -> Loaded {
        let text = include_str!("../crates/facilities/tests/fixtures/sample.geojson");
        let manifest = r#"{"format":"linli-dataset/1","dataset_version":"t","generated_at":"2026-11-26T00:00:00+08:00",
            "licence":"CC0-1.0","sample":true,"description":"t","holidays":"holidays.json","schema":"schema.json","districts":[]}"#;
        Loaded {
            manifest: Manifest::from_json(manifest).unwrap(),
            dataset: parse_feature_collection(text).unwrap(),
            calendar: HolidayCalendar::from_json(include_str!("../public/data/holidays.json"))
                .unwrap(),
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn ids(rows: &[ResultRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn walking_time_and_speed_choose_the_rows() {
        let data = loaded();
        let now = at("2026-10-14T12:00");
        let rows = result_rows(&data, SAMPLE_ORIGIN, &Filters::default(), now);
        assert_eq!(ids(&rows), ["lc-sample-001"], "15 minutes reach 692 m");
        let walk30 = Filters {
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &walk30, now);
        assert_eq!(
            ids(&rows),
            ["lc-sample-001", "lc-sample-002", "lc-sample-006"]
        );
        let senior = Filters {
            walking: WalkingModel::SENIOR,
            ..walk30
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &senior, now);
        assert_eq!(ids(&rows), ["lc-sample-001", "lc-sample-002"]);
        // 952 m straight is 1,238 m walked: 21 minutes at 60 m/min, 28 at 45.
        assert_eq!(rows[1].walk_minutes, 28);
        assert_eq!(rows[1].distance_m, 950);
    }

    #[test]
    fn rows_lead_with_the_searched_function_and_say_if_open() {
        let data = loaded();
        let meals = Filters {
            functions: vec![ServiceFunction::Meals],
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T12:00"));
        assert_eq!(ids(&rows), ["lc-sample-001", "lc-sample-006"]);
        assert!(
            rows.iter()
                .all(|r| r.functions[0] == ServiceFunction::Meals)
        );
        assert_eq!(rows[0].searched, Some(ServiceFunction::Meals));
        assert_eq!((rows[0].open, rows[1].open), (OpenNow::Open, OpenNow::Open));
        // 001's canteen opens 11:00-13:00 and 17:00-18:30 every day; 006's on weekdays only.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-11T12:00"));
        assert_eq!(
            (rows[0].open, rows[1].open),
            (OpenNow::Open, OpenNow::Closed)
        );
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T15:00"));
        assert_eq!(
            (rows[0].open, rows[1].open),
            (OpenNow::Closed, OpenNow::Closed)
        );
    }

    #[test]
    fn rows_carry_the_lowest_price_and_free_places() {
        let data = loaded();
        let infant = Filters {
            functions: vec![ServiceFunction::InfantCare],
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &infant, at("2026-11-26T10:00"));
        // 002: 3800 a month full day, 2400 half day, 60 an hour; 4 of 40 places.
        assert_eq!(rows[0].lowest_price, Some((6000, PriceUnit::PerHour)));
        let updated = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        assert_eq!(
            rows[0].places,
            Some((CapacityKind::ChildcarePlaces, 4, 40, updated))
        );
        assert_eq!(
            price_text(6000, PriceUnit::PerHour, Lang::Zh),
            "最低 60 元/小时"
        );
        assert_eq!(price_text(0, PriceUnit::PerSession, Lang::Zh), "免费");
        assert_eq!(
            price_text(1250, PriceUnit::PerMeal, Lang::En),
            "From ¥12.50 per meal"
        );
        let text = places_text(
            CapacityKind::ChildcarePlaces,
            4,
            40,
            updated,
            false,
            Lang::Zh,
        );
        assert_eq!(text, "空余托位 4/40（2026年11月18日统计）");
        let old = places_text(CapacityKind::ElderBeds, 0, 20, updated, true, Lang::En);
        assert_eq!(
            old,
            "0 of 20 beds free (counted 2026-11-18; may be out of date)"
        );
    }

    #[test]
    fn services_say_today_s_hours_and_opening_soon() {
        let data = loaded();
        let meals = Filters {
            functions: vec![ServiceFunction::Meals],
            walk_minutes: 30,
            ..Filters::default()
        };
        // Wednesday 10:30: 001's canteen opens at 11:00, 006's at 11:00 too.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T10:30"));
        let line = &rows[0].services[0];
        assert_eq!(line.function, ServiceFunction::Meals);
        assert_eq!(line.name.as_deref(), Some("长者食堂"));
        assert_eq!(
            line.today,
            Some(vec!["11:00–13:00".to_owned(), "17:00–18:30".to_owned()])
        );
        assert_eq!(line.state, ServiceState::OpeningSoon);
        // At 09:00 the opening is two hours away: just closed.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-14T09:00"));
        assert_eq!(rows[0].services[0].state, ServiceState::Closed);
        // On a Sunday 006's weekday canteen is closed all day.
        let rows = result_rows(&data, SAMPLE_ORIGIN, &meals, at("2026-10-11T12:00"));
        assert_eq!(rows[1].services[0].today, Some(vec![]));
        // National Day: 001's day care (PH off) is closed all day.
        let elder = Filters {
            functions: vec![ServiceFunction::ElderCare],
            ..meals
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &elder, at("2026-10-01T10:00"));
        assert_eq!(rows[0].services[0].today, Some(vec![]));
        assert_eq!(rows[0].services[0].state, ServiceState::Closed);
    }

    #[test]
    fn unknown_hours_are_reported_as_unknown() {
        let data = loaded();
        // 006 has a health service with no hours at all.
        let health = Filters {
            functions: vec![ServiceFunction::Health],
            walk_minutes: 30,
            ..Filters::default()
        };
        let rows = result_rows(&data, SAMPLE_ORIGIN, &health, at("2026-10-14T12:00"));
        let row = rows.iter().find(|r| r.id == "lc-sample-006").unwrap();
        assert_eq!(row.open, OpenNow::Unknown);
    }
}
