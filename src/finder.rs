//! The finder page: where the resident is, what they need, and the
//! facilities within their walk, as a map and a ranked list; and the
//! facility page, opened from a result. Everything chosen lives in the URL.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use leptos::prelude::*;
use linli_facilities::finder::WALK_MINUTES;
use linli_facilities::geometry::LonLat;
use linli_facilities::model::{CapacityKind, Category, Name, ServiceFunction};
use linli_facilities::places::Place;

use crate::data::{LoadError, Loaded, Want, beijing_now, load, load_near};
use crate::display::{Display, DisplaySwitches};
use crate::geo::{GeoError, current_position};
use crate::i18n::{
    Lang, Msg, age_label, category_label, function_label, result_count, walk_option,
};
use crate::icons::FunctionIcon;
use crate::map::{Map, configured_tiles};
use crate::num::{fixed, hm, parse_hm, parse_ymd, ymd};
use crate::picker::CommunityPicker;
use crate::prefs;
use crate::rows::{
    OpenNow, Relief, ResultRow, STALE_AFTER_DAYS, ServiceLine, ServiceState, hours_text,
    places_text, price_pieces, result_rows,
};
use crate::split::Fetched;
use crate::url_state::{
    AGE_BANDS, CATEGORIES, FacilityRef, FinderState, OpenChoice, Page, Source, age_code,
    category_code, category_from_code, current_query, href_for, push_query,
};
use crate::{Later, SAMPLE_ORIGIN, after_next_paint, search_radius_m};

/// How many results a page of the list shows; "show more" adds as many.
pub const PAGE_SIZE: usize = 10;

/// How many of the list's first rows a change of the search redraws in the
/// first frame after it; the rows below them follow in the next frame,
/// with the map. A row is 240 to 550 px tall and the list starts below the
/// filters (at about 800 px on a 1280 × 900 screen, 1,700 px on a phone),
/// so where the filters are changed the rows past these are off screen.
const FIRST_FRAME_ROWS: usize = 3;

/// How long a pause in typing the maximum price applies it, in
/// milliseconds.
const PRICE_PAUSE_MS: u32 = 2000;
/// The pause in typing a chosen date or time after which it is searched,
/// in milliseconds: a time's digits come quicker than a price's.
const WHEN_PAUSE_MS: u32 = 1200;

/// The finder page: language switch, the filters (kept in the URL) and the
/// ranked list of facilities from the shards near the resident; or, when
/// the URL names one, a facility's page.
#[component]
pub fn Finder(
    /// URL of the dataset manifest (`manifest.json`).
    #[prop(into)]
    manifest_url: String,
) -> impl IntoView {
    let display = Display::from_device();
    let query = current_query();
    let mut initial = FinderState::from_query(&query);
    // Opened with no search in its URL (the installed app's icon, a
    // bookmark): the walking speed chosen last time. A shared link keeps
    // its own.
    if query.is_empty() {
        initial.senior = prefs::senior_speed();
    }
    if initial.position.is_none() {
        initial.position = prefs::position();
        initial.source = initial.position.and(prefs::source());
    }
    let state = RwSignal::new(initial);
    // Where to search from: the resident's position, or the sample one.
    let origin = Memo::new(move |_| state.with(|s| s.position).unwrap_or(SAMPLE_ORIGIN));
    let (locating, set_locating) = signal(None::<Result<f64, GeoError>>);
    // The device remembers the position when it changes, not on every
    // filter change.
    let place = Memo::new(move |_| state.with(|s| (s.position, s.source.clone())));
    Effect::new(move |_| {
        place.with(|(position, source)| {
            prefs::set_position(*position);
            prefs::set_source(source.as_ref());
        });
    });
    // The place before the map was tapped (a tap meant for a marker can
    // move the search): offered back until the position is set otherwise.
    let before_map = RwSignal::new(None::<(Option<LonLat>, Option<Source>)>);
    Effect::new(move |_| {
        if place.with(|(_, source)| *source != Some(Source::Map)) {
            before_map.set(None);
        }
    });
    // Remembered when the resident changes it, not when a link sets it.
    let senior = Memo::new(move |_| state.with(|s| s.senior));
    Effect::new(move |first: Option<()>| {
        let on = senior.get();
        if first.is_some() {
            prefs::set_senior_speed(on);
        }
    });
    // 长辈模式 switched on brings the senior walking speed (45 m a minute
    // rather than 60): who turns it on, or has it turned on for them,
    // walks as the brief's older residents do. The speed stays a choice of
    // its own, shown checked, and switching the mode off leaves it. It is
    // owed until the finder's own page shows: on the survey or a facility
    // page the change would write a history entry of the finder's over the
    // page's own (a survey step's, a facility opened from the list), so it
    // comes when the resident is back at the list.
    let elder_on = display.elder;
    let senior_owed = RwSignal::new(false);
    // Whether the next URL written rewrites the entry instead of adding one.
    let rewrite_next = StoredValue::new(false);
    Effect::new(move |was: Option<bool>| {
        let on = elder_on.get();
        if was == Some(false) && on {
            senior_owed.set(true);
        } else if !on {
            senior_owed.set(false);
        }
        on
    });
    Effect::new(move |_| {
        let on_finder = state.with(|s| s.page == Page::Finder && s.facility.is_none());
        if on_finder && senior_owed.get() {
            senior_owed.set(false);
            if !state.with_untracked(|s| s.senior) {
                // Back at the list (often by the browser's Back): the
                // entry is rewritten, so that Forward still goes to the
                // page the mode was switched on on.
                rewrite_next.set_value(true);
                state.update(|s| s.senior = true);
            }
        }
    });
    let locate = move || {
        set_locating.set(None);
        leptos::task::spawn_local(async move {
            match current_position().await {
                Ok(fix) => {
                    state.update(|s| {
                        s.position = Some(fix.position);
                        s.source = Some(Source::Located);
                    });
                    set_locating.set(Some(Ok(fix.accuracy_m)));
                }
                Err(e) => set_locating.set(Some(Err(e))),
            }
        });
    };
    // The URL follows the state, one history entry per change, written
    // once the next frame is drawn: an entry costs the browser a few
    // milliseconds that the resident would otherwise wait for the list.
    // Back and forward bring the state back, and drop entries still
    // waiting to be written, which would otherwise undo the step back.
    let url_generation = StoredValue::new(0_u64);
    Effect::new(move |written: Option<()>| {
        let query = state.with(FinderState::to_query);
        let generation = url_generation.get_value();
        // The page's first state, or a change the resident did not make
        // here (the senior speed owed to 长辈模式), rewrites the entry.
        let rewrite = written.is_none()
            || rewrite_next
                .try_update_value(std::mem::take)
                .unwrap_or(false);
        after_next_paint(move || {
            if url_generation.try_get_value() == Some(generation) {
                push_query(&query, rewrite);
            }
        });
    });
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        url_generation.update_value(|g| *g += 1);
        crate::url_state::forget_steps();
        state.set(FinderState::from_query(&current_query()));
    });
    on_cleanup(move || popstate.remove());
    // Arrow keys step through a choice, each step a change (see
    // `push_query`).
    let keydown = window_event_listener(leptos::ev::keydown, move |ev| {
        use wasm_bindgen::JsCast;
        let on_a_choice = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| {
                el.tag_name() == "SELECT" || el.get_attribute("type").as_deref() == Some("radio")
            });
        crate::url_state::key_pressed(&ev.key(), on_a_choice);
    });
    on_cleanup(move || keydown.remove());
    let pointerdown = window_event_listener(leptos::ev::pointerdown, move |_| {
        crate::url_state::pointer_pressed();
    });
    on_cleanup(move || pointerdown.remove());
    let near_url = manifest_url.clone();
    let data = LocalResource::new(move || {
        let (url, at) = (near_url.clone(), origin.get());
        async move {
            let loaded = load_near(url, at, search_radius_m()).await?;
            Ok::<_, LoadError>(Near { origin: at, loaded })
        }
    });
    // The list is drawn once the first data has come, and then follows
    // each load: a new position keeps the rows of the last one until its
    // own data is in, so that the list changes once (and its count is said
    // once), never from rows of the old data around the new position.
    // Only the data of the position shown: loads run one after another, so
    // a position passed through (A, B, back to A) has its data come in
    // too, and is not drawn.
    let near = Memo::new_with_compare(
        move |last: Option<&Option<Near>>| match data.get() {
            Some(Ok(near)) if near.origin == origin.get() => Some(near),
            _ => last.cloned().flatten(),
        },
        |a, b| a.map(Option::as_ref) != b.map(Option::as_ref),
    );
    // The position changed and its data is still loading: the list shown
    // is the last position's, and is marked so (dimmed after a moment).
    let moving = Memo::new(move |_| {
        let at = origin.get();
        near.with(|n| n.as_ref().is_some_and(|n| n.origin != at))
    });
    // Loading until there is data for a position asked for: the first
    // load's data can come in for a position already passed.
    let data_state = Memo::new(move |_| match data.get() {
        None => None,
        Some(Ok(_)) if near.with(Option::is_none) => None,
        Some(Ok(_)) => Some(Ok(())),
        Some(Err(error)) => Some(Err(error)),
    });
    let failures = failures_in_a_row(move || matches!(data.get(), Some(Err(_))));
    let facility_ref = Memo::new(move |_| state.with(|s| s.facility.clone()));
    let facility_url = manifest_url.clone();
    let facility_data = LocalResource::new(move || {
        let wanted = facility_ref.get();
        let url = facility_url.clone();
        async move {
            match wanted {
                None => None,
                Some(r) => Some(load(url, Want::District(&r.district)).await),
            }
        }
    });

    let facility_failures =
        failures_in_a_row(move || matches!(facility_data.get(), Some(Some(Err(_)))));
    // Whether the facility's data is being loaded again by its retry
    // button (see the error panel below).
    let facility_retried = StoredValue::new(false);

    // "Open now" and today's hours follow the clock.
    let minute = crate::data::minute_clock();
    provide_context(minute);
    // The date, for what is drawn per day: a facility page left open past
    // midnight is drawn again, since its week starts from today.
    let today = Memo::new(move |_| {
        minute.0.track();
        beijing_now().date()
    });
    // What the device still has to send to the collector.
    let waiting = RwSignal::new(crate::outbox::Waiting::default());
    crate::outbox::start(waiting);
    // The survey and the report form say when what they saved is
    // delivered.
    provide_context(waiting);

    // Opening or leaving a facility page moves focus to its heading, so
    // that screen readers announce the new page.
    Effect::new(move |previous: Option<Option<FacilityRef>>| {
        let now = facility_ref.get();
        if previous.as_ref().is_some_and(|p| *p != now) {
            // The facility page takes the focus once its data is drawn.
            if let Some(opened) = &now {
                // Back or Forward onto a page opened from the list: its
                // history entry says so (the entry before it is the
                // list's), and the way back returns to the row as before.
                if RETURN_TO.with_borrow(Option::is_none)
                    && crate::url_state::entry_from_list(&opened.id)
                {
                    let again = LAST_FROM_LIST
                        .with_borrow(|l| l.clone().filter(|(id, _)| *id == opened.id));
                    RETURN_TO.set(Some(again.unwrap_or_else(|| (opened.id.clone(), 0.0))));
                }
                // From the list: the way back returns to where it was.
                let from_list =
                    RETURN_TO.with_borrow(|r| r.as_ref().is_some_and(|(id, _)| *id == opened.id));
                if !from_list {
                    // Left from an earlier page (a jump in the history).
                    RETURN_TO.set(None);
                }
                OPENED_FROM_LIST.set(from_list);
                LAST_FROM_LIST.set(if from_list {
                    RETURN_TO.with_borrow(Clone::clone)
                } else {
                    None
                });
                request_focus("facility-heading");
            } else if state.with_untracked(|s| s.page) != Page::Finder {
                // Away to the survey: the list, drawn later, starts afresh.
                RETURN_TO.set(None);
                OPENED_FROM_LIST.set(false);
                window().scroll_to_with_x_and_y(0.0, 0.0);
            } else if !OPENED_FROM_LIST.replace(false) {
                // (The list, drawn before this runs, has focused the row.)
                focus_later("results-heading");
            }
        }
        now
    });

    let survey_url = manifest_url.clone();
    // Only switching pages redraws the page, not every filter change.
    let page = Memo::new(move |_| state.with(|s| s.page));
    let survey_on = Memo::new(move |_| page.get() == Page::Survey);
    // Opening or leaving the survey moves focus to the new page's heading,
    // as a facility page does: the link or the back button that was
    // pressed is gone or far from what changed.
    Effect::new(move |previous: Option<Page>| {
        let now = page.get();
        if previous.is_some_and(|p| p != now) {
            match now {
                // The survey's code may still be on its way (`split`).
                Page::Survey => focus_when_shown("survey-heading"),
                Page::Finder if facility_ref.with_untracked(Option::is_none) => {
                    focus_later("results-heading");
                }
                Page::Finder => {}
            }
        }
        now
    });
    let picker_url = manifest_url;
    let chosen_community = Signal::derive(move || {
        state.with(|s| match &s.source {
            Some(Source::Community(label)) if s.position.is_some() => Some(label.clone()),
            _ => None,
        })
    });
    let pick_community = move |p: Place| {
        state.update(|s| {
            s.position = Some(p.position());
            s.source = Some(Source::Community(p.label()));
        });
    };

    let finder_view = move |lang: Lang| {
        crate::set_title(None, lang);
        let text = move |msg: Msg| msg.text(lang);
        let picker_url = picker_url.clone();
        view! {
            // The section's own box too, as a section: drawn empty in the
            // mount task, it would move when the static first paint goes.
            <Later>
                <section class="controls" aria-label=text(Msg::Filters)>
                    <Later>
                        <div class="position">
                            // Said again when it changes (a community chosen,
                            // a tap on the map), with its label.
                            <p aria-live="polite" aria-atomic="true">
                                <span class="label">{text(Msg::Position)}</span>
                                <strong class="position-name">
                                    {move || position_name(state.with(|s| s.source.clone()), state.with(|s| s.position.is_some()), lang)}
                                </strong>
                            </p>
                            {move || before_map.get().map(|(position, source)| {
                                let name = match position {
                                    Some(_) => view! {
                                        {lang.pick("回到原来的位置：", "Back to the place before: ")}
                                        {position_name(source.clone(), true, lang)}
                                    }
                                    .into_any(),
                                    None => lang.pick("回到示例位置", "Back to the sample position").into_any(),
                                };
                                view! {
                                    <button type="button" class="undo-map" on:click=move |_| {
                                        state.update(|s| {
                                            s.position = position;
                                            s.source = source.clone();
                                        });
                                        // The button goes: the focus goes to
                                        // the results, as for the other ways
                                        // back.
                                        focus_later("results-heading");
                                    }>
                                        {name}
                                    </button>
                                }
                            })}
                            <div class="position-actions">
                                <button type="button" class="locate" on:click=move |_| locate()>
                                    {text(Msg::UseMyLocation)}
                                </button>
                                <CommunityPicker manifest_url=picker_url lang on_pick=pick_community results=("#results-heading", chosen_community) />
                            </div>
                            <p class="locate-status" role="status" aria-live="polite">
                                {move || locating.get().map(|r| locate_message(r, lang))}
                            </p>
                            <p class="hint">{lang.pick(
                                "位置坐标只保存在本机，不会上传；分享本页网址时，网址里带有这个位置。也可以点按地图选择位置。",
                                "Your position's coordinates stay on this device and are not uploaded; a link to this page that you share includes them. You can also tap the map.",
                            )}</p>
                        </div>
                    </Later>
                    <Later><FunctionChoice state lang /></Later>
                    <Later>
                        <div class="field">
                            <label for="walk-filter" class="label">{text(Msg::WalkTime)}</label>
                            <select
                                id="walk-filter"
                                on:change=move |ev| {
                                    if let Ok(minutes) = event_target_value(&ev).parse() {
                                        state.update(|s| s.walk_minutes = minutes);
                                    }
                                }
                            >
                                {WALK_MINUTES
                                    .into_iter()
                                    .map(|m| {
                                        view! {
                                            <option value=m.to_string() prop:selected=move || state.with(|s| s.walk_minutes == m)>
                                                {walk_option(m, lang)}
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
                                    on:change=move |_| state.update(|s| s.senior = false)
                                />
                                {text(Msg::SpeedStandard)}
                            </label>
                            <label>
                                <input
                                    type="radio"
                                    name="speed"
                                    value="senior"
                                    prop:checked=move || state.with(|s| s.senior)
                                    on:change=move |_| state.update(|s| s.senior = true)
                                />
                                {text(Msg::SpeedSenior)}
                            </label>
                        </fieldset>
                    </Later>
                    <Later><MoreFilters state lang /></Later>
                </section>
            </Later>
            <Later>
                <section
                    class="results"
                    aria-labelledby="results-heading"
                    // Not over a failed load's message, which must be said.
                    aria-busy=move || {
                        (moving.get() && data_state.with(|d| matches!(d, Some(Ok(()))))).then_some("true")
                    }
                >
                    <h2 id="results-heading" tabindex="-1">{text(Msg::ResultsHeading)}</h2>
                    {move || match data_state.get() {
                        None => view! { <p class="loading" role="status">{text(Msg::Loading)}</p> }.into_any(),
                        // The retry button goes with the panel: the focus goes to
                        // the heading above, which stays.
                        Some(Err(error)) => view! {
                            <LoadErrorPanel error failures lang on_retry=move || {
                                data.refetch();
                                crate::focus_when_drawn("#results-heading");
                            } />
                        }.into_any(),
                        Some(Ok(())) => view! { <ResultList near state before_map lang elder=display.elder /> }.into_any(),
                    }}
                </section>
            </Later>
        }
    };
    let facility_view = move |lang: Lang| {
        // Read, not only tracked: a memo never read never runs, and so
        // never hears the clock.
        let _ = today.get();
        let text = move |msg: Msg| msg.text(lang);
        // Opened from the list, the entry before is the list: going back to
        // it, rather than adding one after, leaves the browser's Back
        // button (a phone's back gesture) where the resident expects.
        let back = move || {
            if OPENED_FROM_LIST.get()
                && let Ok(history) = window().history()
            {
                let _ = history.back();
                return;
            }
            state.update(|s| s.facility = None);
        };
        match facility_data.get() {
            None | Some(None) => {
                view! { <p class="loading" role="status">{text(Msg::Loading)}</p> }.into_any()
            }
            Some(Some(Err(error))) => {
                // The retry button goes with the panel: the page, once
                // drawn, takes the focus, and a panel drawn for a retry
                // that failed again gives it to its own button.
                let again = facility_retried.get_value();
                if again {
                    FOCUS_REQUEST.with(std::cell::Cell::take);
                }
                view! {
                    <LoadErrorPanel error failures=facility_failures lang refocus=again on_retry=move || {
                        facility_retried.set_value(true);
                        facility_data.refetch();
                        request_focus("facility-heading");
                    } />
                }
                .into_any()
            }
            Some(Some(Ok(loaded))) => {
                facility_retried.set_value(false);
                let id = facility_ref
                    .get_untracked()
                    .map(|r| r.id)
                    .unwrap_or_default();
                // The walk from the resident's own position (not the
                // sample one), at the chosen speed.
                let from = state
                    .with_untracked(|s| s.position.map(|p| (p, s.filters(beijing_now()).walking)));
                let walk_from = state.with_untracked(|s| {
                    s.position.map(|_| {
                        let (place, community) = match &s.source {
                            Some(Source::Community(label)) => (label.clone(), true),
                            other => (set_place_name(other.as_ref(), lang).to_owned(), false),
                        };
                        crate::facility::WalkFrom {
                            place,
                            community,
                            senior: s.senior,
                        }
                    })
                });
                let searched = state.with_untracked(|s| s.function);
                let on_back: Arc<dyn Fn() + Send + Sync> = Arc::new(back);
                let page_back = Arc::clone(&on_back);
                let load = move || {
                    crate::split::facility(crate::split::FacilityArgs {
                        loaded: Arc::clone(&loaded),
                        id: id.clone(),
                        from,
                        walk_from: walk_from.clone(),
                        searched,
                        lang,
                        on_back: Arc::clone(&page_back),
                    })
                };
                view! { <Fetched load lang on_back /> }.into_any()
            }
        }
    };

    // Where the skip link leads: the heading of the page shown.
    let skip_target = move || {
        if page.get() == Page::Survey {
            "survey-heading"
        } else if facility_ref.with(Option::is_some) {
            "facility-heading"
        } else {
            "results-heading"
        }
    };

    // The language is fixed within one rendering: switching it draws the
    // page again, so that no text needs its own reactive node. What the
    // resident chose lives in `state` and the URL, and survives.
    move || {
        let lang = display.lang.get();
        let text = move |msg: Msg| msg.text(lang);
        let survey_url = survey_url.clone();
        let finder_view = finder_view.clone();
        view! {
        <Later>
            <header class="topbar">
                // The first tab stop of every page, shown when focused: past
                // the header (and on the finder past the filters) to the
                // page's heading. Not a plain link: the URL's fragment holds
                // the position.
                <a
                    class="skip-link"
                    href=move || format!("#{}", skip_target())
                    on:click=move |ev| {
                        ev.prevent_default();
                        // A facility page still loading, or failed to, has
                        // no heading yet: the page's main part then.
                        let target = skip_target();
                        let shown = document().get_element_by_id(target).is_some();
                        crate::focus_when_drawn(if shown { format!("#{target}") } else { "#main".to_owned() });
                    }
                >
                    {move || if skip_target() == "results-heading" { text(Msg::SkipToResults) } else { text(Msg::SkipToContent) }}
                </a>
                <div class="brand">
                    <span class="logo" aria-hidden="true">"邻"</span>
                    <div>
                        <h1>{text(Msg::AppName)}</h1>
                        <p class="tagline">{text(Msg::Tagline)}</p>
                    </div>
                </div>
                <div class="header-actions">
                    <a
                        class="survey-link"
                        href="?p=survey"
                        aria-current=move || survey_on.get().then_some("page")
                        on:click=move |ev: leptos::ev::MouseEvent| {
                            ev.prevent_default();
                            state.update(|s| {
                                s.page = Page::Survey;
                                s.facility = None;
                            });
                        }
                    >
                        {lang.pick("需求调查", "Needs survey")}
                    </a>
                    <DisplaySwitches display lang />
                </div>
                <p class="outbox-status" role="status" aria-live="polite">
                    {move || {
                        let w = waiting.get();
                        let mut parts = Vec::new();
                        if w.pending > 0 {
                            parts.push(match lang {
                                Lang::Zh => format!("{} 条信息等待发送", w.pending),
                                Lang::En => format!("{} waiting to be sent", w.pending),
                            });
                        }
                        if w.refused > 0 {
                            parts.push(match lang {
                                Lang::Zh => format!("{} 条未被接收，已保存在本机", w.refused),
                                Lang::En => format!("{} not accepted, kept on this device", w.refused),
                            });
                        }
                        parts.join(lang.pick("；", "; "))
                    }}
                </p>
            </header>
        </Later>
        <main id="main" tabindex="-1">
            {move || {
                let close = move || state.update(|s| s.page = Page::Finder);
                // Each page in sections of the first render (`Later`), so
                // that a shared link to the survey or a facility shows
                // nothing below the static first paint either.
                if page.get() == Page::Survey {
                    let survey_url = survey_url.clone();
                    let on_close: Arc<dyn Fn() + Send + Sync> = Arc::new(close);
                    let page_close = Arc::clone(&on_close);
                    let load = move || {
                        crate::split::survey(crate::split::SurveyArgs {
                            manifest_url: survey_url.clone(),
                            lang,
                            on_close: Arc::clone(&page_close),
                        })
                    };
                    view! { <Later><Fetched load lang on_back=on_close /></Later> }.into_any()
                } else if facility_ref.with(Option::is_some) {
                    view! { <Later>{move || facility_view(lang)}</Later> }.into_any()
                } else {
                    finder_view(lang).into_any()
                }
            }}
        </main>
        // Last, as it is below everything the first render draws in
        // sections (see `Later`).
        <Later>
            <footer class="site-footer">
                // The staff dashboard is its own app, so that residents never
                // download it.
                <a class="staff-link" href="staff/">
                    {lang.pick("区级工作人员：需求分析", "District staff: demand research")}
                </a>
            </footer>
        </Later>
        }
    }
}

thread_local! {
    /// The heading to focus when the page that holds it is drawn.
    static FOCUS_REQUEST: std::cell::Cell<Option<&'static str>> = const { std::cell::Cell::new(None) };
    /// Whether "more filters" was last left open or closed on this page:
    /// the finder drawn again (back from a facility page) keeps it so.
    static MORE_FILTERS_OPEN: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

thread_local! {
    /// The facility whose page was opened from the list, and how far below
    /// the top of the screen its link was then (CSS pixels): the list,
    /// drawn again on the way back, focuses that link and puts it there
    /// again.
    static RETURN_TO: std::cell::RefCell<Option<(String, f64)>> = const { std::cell::RefCell::new(None) };
    /// Whether the facility page shown was opened from the list.
    static OPENED_FROM_LIST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The last facility page opened from the list, as `RETURN_TO` had
    /// it: Back or Forward onto its entry again (marked by
    /// `url_state::opening_from_list`) returns to the row where it was.
    static LAST_FROM_LIST: std::cell::RefCell<Option<(String, f64)>> = const { std::cell::RefCell::new(None) };
}

/// How many rows the list shows so that the row at `rank` (from 0) is on
/// a page shown: whole pages of [`PAGE_SIZE`].
fn shown_through(rank: usize) -> usize {
    (rank / PAGE_SIZE + 1) * PAGE_SIZE
}

/// How many row slots the list draws while a change of the search is on
/// its way: `now` results in the new search, `before` in the copy the rows
/// past [`FIRST_FRAME_ROWS`] still show (the last search until the frame
/// after the change, then the same as `now`), at most `shown`. The first
/// slots show the new rows at once; a slot past them shows the copy's row
/// at its rank, so every slot drawn has a row to show, and none is built
/// for the first frame only to be removed in the next.
fn slots_drawn(now: usize, before: usize, shown: usize) -> usize {
    let slots = if now <= FIRST_FRAME_ROWS {
        now
    } else {
        before.max(FIRST_FRAME_ROWS)
    };
    slots.min(shown)
}

/// The highest maximum price the finder takes, in yuan: above any price a
/// community service asks (a month of residential care is some thousands).
pub const MAX_PRICE_YUAN: u32 = 1_000_000;

/// Why a maximum price typed is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceProblem {
    /// Not a whole number ("1.5", "abc", or what the field cannot read).
    NotWhole,
    /// 0 or below.
    NotAboveZero,
    /// Above [`MAX_PRICE_YUAN`].
    TooHigh,
}

/// The maximum price typed, in yuan: `None` for an empty field (any
/// price). `unreadable` is the field's own verdict (a number field reads
/// "1e" as empty).
pub fn price_entry(typed: &str, unreadable: bool) -> Result<Option<u32>, PriceProblem> {
    let typed = typed.trim();
    if unreadable {
        return Err(PriceProblem::NotWhole);
    }
    if typed.is_empty() {
        return Ok(None);
    }
    // "3000.0", as some keyboards give a whole number, is 3000.
    let typed = match typed.split_once('.') {
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        _ => typed,
    };
    let digits = typed.strip_prefix('-').unwrap_or(typed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PriceProblem::NotWhole);
    }
    if typed.starts_with('-') || digits.bytes().all(|b| b == b'0') {
        return Err(PriceProblem::NotAboveZero);
    }
    match digits.parse::<u32>() {
        Ok(m) if m <= MAX_PRICE_YUAN => Ok(Some(m)),
        _ => Err(PriceProblem::TooHigh),
    }
}

/// What the price field says of `problem`, and the maximum the search
/// keeps (`kept`, in yuan; `None` for any price).
pub fn price_problem_text(problem: PriceProblem, kept: Option<u32>, lang: Lang) -> String {
    let why = match problem {
        PriceProblem::NotWhole => {
            lang.pick("最高价格要填整数（元）", "Enter a whole number of yuan")
        }
        PriceProblem::NotAboveZero => {
            lang.pick("最高价格要大于 0 元", "Enter a price above 0 yuan")
        }
        PriceProblem::TooHigh => {
            lang.pick("最高价格不能超过 100 万元", "Enter at most 1,000,000 yuan")
        }
    };
    match (kept, lang) {
        (Some(m), Lang::Zh) => format!("{why}，或留空表示不限；仍按最高 {m} 元筛选。"),
        (None, Lang::Zh) => format!("{why}，或留空表示不限；现在仍不限价格。"),
        (Some(m), Lang::En) => {
            format!("{why}, or leave it empty for any price; still searching up to {m} yuan.")
        }
        (None, Lang::En) => {
            format!("{why}, or leave it empty for any price; still searching at any price.")
        }
    }
}

/// The result list's row for facility `id`, or the element matching the
/// CSS selector `inner` within it (all of it when `inner` is empty).
fn result_element(id: &str, inner: &str) -> Option<web_sys::Element> {
    let selector = format!("li.result[data-id=\"{id}\"] {inner}");
    document()
        .query_selector(selector.trim_end())
        .ok()
        .flatten()
}

/// Focuses the name link of the row of facility `id`, if the list shows
/// it; whether it did.
pub fn focus_row_link(id: &str) -> bool {
    use wasm_bindgen::JsCast;
    result_element(id, ".name a")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|link| link.focus().is_ok())
}

/// Asks the page that will show heading `id` to focus it when drawn.
fn request_focus(id: &'static str) {
    FOCUS_REQUEST.with(|f| f.set(Some(id)));
}

/// Focuses the requested heading, if one was asked for (see
/// [`request_focus`]); called by a page once it is drawn.
pub fn take_focus_request() {
    if let Some(id) = FOCUS_REQUEST.with(std::cell::Cell::take) {
        focus_later(id);
    }
}

/// Focuses heading `id` now if its page is drawn, or else when the page
/// is drawn (a page whose code is still being fetched; see [`split`]).
///
/// [`split`]: crate::split
fn focus_when_shown(id: &'static str) {
    if document().get_element_by_id(id).is_some() {
        focus_later(id);
    } else {
        request_focus(id);
    }
}

/// Focuses the element with `id` once the next frame has been drawn, from
/// the page's top: a heading at the top stays in view with what is above
/// it, and one further down (the results') is scrolled to by the focus.
fn focus_later(id: &'static str) {
    request_animation_frame(|| window().scroll_to_with_x_and_y(0.0, 0.0));
    crate::focus_when_drawn(format!("#{id}"));
}

/// What the position line says; a community's name is Chinese in either
/// language but its district's, and marked so.
fn position_name(source: Option<Source>, chosen: bool, lang: Lang) -> AnyView {
    match (source, chosen) {
        (_, false) => Msg::SamplePosition.text(lang).into_any(),
        (Some(Source::Community(label)), true) => view! {
            {crate::picker::place_label(label, lang)}
            {lang.pick("（社区中心附近）", " (near the community centre)")}
        }
        .into_any(),
        (other, true) => set_place_name(other.as_ref(), lang).into_any(),
    }
}

/// The name of a position set on the map or by the device (a community's
/// is its own): "地图上选择的位置", "我的位置".
fn set_place_name(source: Option<&Source>, lang: Lang) -> &'static str {
    match source {
        Some(Source::Map) => lang.pick("地图上选择的位置", "The place chosen on the map"),
        _ => Msg::MyPosition.text(lang),
    }
}

/// The nine functions as a row of labelled icons, plus "all".
#[component]
fn FunctionChoice(state: RwSignal<FinderState>, lang: Lang) -> impl IntoView {
    let choice = move |f: Option<ServiceFunction>| {
        let code = f.map_or("", ServiceFunction::code);
        view! {
            <label class="function-choice" class:chosen=move || state.with(|s| s.function == f)>
                <input
                    type="radio"
                    name="function"
                    value=code
                    prop:checked=move || state.with(|s| s.function == f)
                    on:change=move |_| state.update(|s| {
                        s.function = f;
                        // Free places or beds mean nothing for a service
                        // that counts none (meals, say): kept, the filter
                        // would leave the list empty.
                        if f.is_some_and(|f| f.capacity_kind().is_none()) {
                            s.free_places = false;
                        }
                    })
                />
                {f.map(|function| view! { <FunctionIcon function /> })}
                <span>
                    {match f {
                        Some(function) => function_label(function, lang),
                        None => Msg::AllServices.text(lang),
                    }}
                </span>
            </label>
        }
    };
    view! {
        <fieldset class="field functions-choice" id="function-filter">
            <legend class="label">{Msg::ServiceFilter.text(lang)}</legend>
            <div class="choices">
                {choice(None)}
                {ServiceFunction::ALL.into_iter().map(|f| choice(Some(f))).collect_view()}
            </div>
        </fieldset>
    }
}

/// Category, age, price, opening time and free places, folded away on
/// phones until asked for (open whenever one of them is set).
#[component]
fn MoreFilters(state: RwSignal<FinderState>, lang: Lang) -> impl IntoView {
    let text = move |msg: Msg| msg.text(lang);
    let active = move || {
        state.with(|s| {
            [
                !s.categories.is_empty(),
                s.age.is_some(),
                s.max_price_yuan.is_some(),
                s.open != OpenChoice::Any,
                s.free_places,
            ]
            .into_iter()
            .filter(|&on| on)
            .count()
        })
    };
    let initially_open = MORE_FILTERS_OPEN
        .with(std::cell::Cell::get)
        .unwrap_or_else(|| untrack(active) > 0);
    // Whether the free-places filter stays shown for the service chosen:
    // it was on when the service was chosen.
    let function = Memo::new(move |_| state.with(|s| s.function));
    let free_places_kept = RwSignal::new(false);
    // Memos are read, not only tracked: a memo nobody reads is never
    // brought up to date, and never says it changed.
    Effect::new(move |_| {
        let _ = function.get();
        free_places_kept.set(state.with_untracked(|s| s.free_places));
    });
    // The maximum price typed cannot be read (3000.5, 0, -5).
    // What was wrong with the price typed last, said below its field.
    let (bad_price, set_bad_price) = signal(None::<String>);
    // The maximum price from its field: a price that is not a whole number
    // of yuan from 1 to `MAX_PRICE_YUAN` is said so, with the maximum the
    // search keeps.
    let apply_price = move |field: &web_sys::EventTarget| {
        let read = |key: &str| js_sys::Reflect::get(field, &key.into()).ok();
        let typed = read("value")
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        // A number field gives "" for what it cannot read ("1e", "-"),
        // which is not an empty field.
        let unreadable = read("validity")
            .and_then(|v| js_sys::Reflect::get(&v, &"badInput".into()).ok())
            .and_then(|b| b.as_bool())
            .unwrap_or(false);
        match price_entry(&typed, unreadable) {
            Ok(max) => {
                set_bad_price.set(None);
                if state.with_untracked(|s| s.max_price_yuan) != max {
                    state.update(|s| s.max_price_yuan = max);
                }
            }
            Err(problem) => {
                let kept = state.with_untracked(|s| s.max_price_yuan);
                set_bad_price.set(Some(price_problem_text(problem, kept, lang)));
            }
        }
    };
    // The pause in typing that applies the price, until it ends.
    let typing = std::rc::Rc::new(std::cell::RefCell::new(
        None::<gloo_timers::callback::Timeout>,
    ));
    let typing_input = typing.clone();
    // Gone when the maximum changes otherwise (cleared with the other
    // filters, a step back).
    let max_price = Memo::new(move |_| state.with(|s| s.max_price_yuan));
    Effect::new(move |_| {
        let _ = max_price.get();
        set_bad_price.set(None);
    });
    view! {
        <details
            class="more-filters"
            open=initially_open
            on:toggle=move |ev| {
                let open = js_sys::Reflect::get(&event_target::<web_sys::Element>(&ev), &"open".into())
                    .ok()
                    .and_then(|v| v.as_bool());
                MORE_FILTERS_OPEN.with(|m| m.set(open));
            }
        >
            <summary>
                {move || match (lang, active()) {
                    (Lang::Zh, 0) => "更多筛选".to_owned(),
                    (Lang::Zh, n) => format!("更多筛选（已选 {n} 项）"),
                    (Lang::En, 0) => "More filters".to_owned(),
                    (Lang::En, n) => format!("More filters ({n} chosen)"),
                }}
            </summary>
            <div class="field">
                <label for="category-filter" class="label">{text(Msg::CategoryFilter)}</label>
                <select
                    id="category-filter"
                    on:change=move |ev| {
                        let c = category_from_code(&event_target_value(&ev));
                        state.update(|s| s.categories = c.into_iter().collect());
                    }
                >
                    <option value="" prop:selected=move || state.with(|s| s.categories.is_empty())>
                        {text(Msg::AllCategories)}
                    </option>
                    {CATEGORIES
                        .into_iter()
                        .map(|c| {
                            view! {
                                <option value=category_code(c) prop:selected=move || state.with(|s| s.categories == [c])>
                                    {category_label(c, lang)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <CategoriesExplained lang />
            </div>
            <div class="field">
                <label for="age-filter" class="label">{text(Msg::AgeFilter)}</label>
                <select
                    id="age-filter"
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        let band = AGE_BANDS.into_iter().find(|&b| age_code(b) == code);
                        state.update(|s| s.age = band);
                    }
                >
                    <option value="" prop:selected=move || state.with(|s| s.age.is_none())>
                        {text(Msg::AnyAge)}
                    </option>
                    {AGE_BANDS
                        .into_iter()
                        .map(|b| {
                            view! {
                                <option value=age_code(b) prop:selected=move || state.with(|s| s.age == Some(b))>
                                    {age_label(b, lang)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                // In the unit of the service searched for, when there is one.
                <label for="price-filter" class="label">{move || match state.with(|s| s.function) {
                    Some(f) => match lang {
                        Lang::Zh => format!("最高价格（元/{}，不填为不限）", f.price_unit().label_zh()),
                        Lang::En => format!("Maximum price (yuan per {}, empty for any)", crate::rows::unit_en(f.price_unit())),
                    },
                    None => text(Msg::MaxPrice).to_owned(),
                }}</label>
                <input
                    id="price-filter"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    step="1"
                    aria-describedby="price-filter-hint price-filter-problem"
                    aria-invalid=move || bad_price.with(Option::is_some).then_some("true")
                    prop:value=move || state.with(|s| s.max_price_yuan.map(|m| m.to_string()).unwrap_or_default())
                    // Applied when the field is left or Enter pressed, and
                    // after a pause in typing, so that a price typed on a
                    // phone (where nothing else is tapped) changes the list
                    // without a search for each digit.
                    on:input=move |ev| {
                        if let Some(field) = ev.target() {
                            // Not over a search changed meanwhile (Back).
                            let typed_into = state.get_untracked();
                            let pause = gloo_timers::callback::Timeout::new(PRICE_PAUSE_MS, move || {
                                if state.try_with_untracked(|s| *s == typed_into) == Some(true) {
                                    apply_price(&field);
                                }
                            });
                            typing_input.replace(Some(pause));
                        }
                    }
                    on:change=move |ev| {
                        typing.take();
                        if let Some(field) = ev.target() {
                            apply_price(&field);
                        }
                    }
                />
                <p id="price-filter-hint" class="hint">{text(Msg::MaxPriceHint)}</p>
                <p id="price-filter-problem" class="field-problem" role="alert">
                    {move || bad_price.get()}
                </p>
            </div>
            <OpenTimeChoice state lang />
            // Only where places or beds are counted, or while it is on (a
            // shared link's choice can be undone), and then until the
            // service changes, so that unticking it does not take it, and
            // the focus, away.
            <Show when=move || free_places_kept.get() || state.with(|s| s.free_places || s.function.is_none_or(|f| f.capacity_kind().is_some()))>
                <div class="field checks">
                    <label>
                        <input
                            type="checkbox"
                            id="free-places"
                            prop:checked=move || state.with(|s| s.free_places)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                state.update(|s| s.free_places = on);
                            }
                        />
                        {move || free_places_label(state.with(|s| s.function), lang)}
                    </label>
                </div>
            </Show>
        </details>
    }
}

/// "Opening time": any time, now, or at a chosen day and time.
#[component]
fn OpenTimeChoice(state: RwSignal<FinderState>, lang: Lang) -> impl IntoView {
    let chosen_at = move || match state.with(|s| s.open) {
        OpenChoice::At(t) => Some(t),
        _ => None,
    };
    let tick = crate::data::clock_follower();
    let set_at = move |date: Option<NaiveDate>, time: Option<NaiveTime>| {
        let base = chosen_at().unwrap_or_else(next_hour);
        let t = NaiveDateTime::new(date.unwrap_or(base.date()), time.unwrap_or(base.time()));
        if state.with_untracked(|s| s.open != OpenChoice::At(t)) {
            state.update(|s| s.open = OpenChoice::At(t));
        }
    };
    // A date or time typed is searched after a pause in typing, or when
    // its field is left: "09:30" is a whole time after each of its keys
    // ("21:00", "21:03", "21:30"), and each would be a search, said
    // aloud. Not over a search changed meanwhile (Back). Both fields at
    // once, as they read: a date typed and then a time within the pause,
    // or with the focus moved from one to the other, are one search. Only
    // while a chosen time is asked for and both fields are there: a field
    // taken away (Back to another choice) is "left" too in Chromium, and
    // must not choose a time again.
    let commit = move || {
        if !matches!(state.with_untracked(|s| s.open), OpenChoice::At(_)) {
            return;
        }
        let read = |id: &str| {
            document()
                .get_element_by_id(id)
                .and_then(|field| js_sys::Reflect::get(&field, &"value".into()).ok())
                .and_then(|v| v.as_string())
        };
        if let (Some(date), Some(time)) = (read("open-date"), read("open-time")) {
            set_at(parse_ymd(&date), parse_hm(&time));
        }
    };
    // Whether something typed waits for its search; the timer stays until
    // the next key replaces it, or the field is left.
    let typing = StoredValue::new_local(false);
    let timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let typed = move |_: leptos::ev::Event| {
        typing.set_value(true);
        let typed_into = state.get_untracked();
        let pause = gloo_timers::callback::Timeout::new(WHEN_PAUSE_MS, move || {
            if typing.try_get_value() == Some(true) {
                typing.set_value(false);
                if state.try_with_untracked(|s| *s == typed_into) == Some(true) {
                    commit();
                }
            }
        });
        timer.set_value(Some(pause));
    };
    let left = move |ev: leptos::ev::FocusEvent| {
        // To the other of the two fields: the pause goes on.
        let to_other = ev
            .related_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.id().as_str(), "open-date" | "open-time"));
        // Read with `try_`: a field taken away is left while the
        // component goes.
        if typing.try_get_value() == Some(true) && !to_other {
            typing.try_set_value(false);
            timer.try_set_value(None);
            commit();
        }
    };
    view! {
        <div class="field open-time">
            <label for="open-filter" class="label">{lang.pick("开放时间", "Opening time")}</label>
            <select
                id="open-filter"
                on:change=move |ev| {
                    let open = match event_target_value(&ev).as_str() {
                        "now" => OpenChoice::Now,
                        "at" => OpenChoice::At(chosen_at().unwrap_or_else(next_hour)),
                        _ => OpenChoice::Any,
                    };
                    state.update(|s| s.open = open);
                }
            >
                <option value="" prop:selected=move || state.with(|s| s.open == OpenChoice::Any)>
                    {lang.pick("不限", "Any time")}
                </option>
                <option value="now" prop:selected=move || state.with(|s| s.open == OpenChoice::Now)>
                    {Msg::OpenNowFilter.text(lang)}
                </option>
                <option value="at" prop:selected=move || chosen_at().is_some()>
                    {lang.pick("指定时间", "Chosen time")}
                </option>
            </select>
            <Show when=move || chosen_at().is_some()>
                <div class="when">
                    <label for="open-date">{lang.pick("日期", "Date")}</label>
                    <input
                        id="open-date"
                        type="date"
                        min=ymd(beijing_now().date())
                        prop:value=move || chosen_at().map(|t| ymd(t.date())).unwrap_or_default()
                        on:input=typed
                        on:blur=left
                    />
                    <label for="open-time">{lang.pick("时间", "Time")}</label>
                    <input
                        id="open-time"
                        type="time"
                        step="60"
                        prop:value=move || chosen_at().map(|t| hm(t.time())).unwrap_or_default()
                        on:input=typed
                        on:blur=left
                    />
                </div>
                // A shared link's time, or one chosen earlier, may be over:
                // said, since the list then shows what was open then.
                <p class="hint past-time" role="status">{move || {
                    tick();
                    chosen_at().filter(|&t| t < beijing_now() - chrono::Duration::minutes(1)).map(|_| lang.pick(
                        "这个时间已经过去，列出的是那时开放的设施。要看现在开放的，请选“现在营业”。",
                        "This time has passed: the list shows what was open then. For what is open now, choose “Open now”.",
                    ))
                }}</p>
            </Show>
        </div>
    }
}

/// The start of the next hour, Beijing time: the default chosen time.
fn next_hour() -> NaiveDateTime {
    let now = beijing_now();
    let hour = now.date().and_hms_opt(now.hour(), 0, 0).unwrap_or(now);
    hour + chrono::Duration::hours(1)
}

/// A service line of a row: `at` is the time asked about when it is not
/// now ([`ResultRow::at`]), `today` the resident's date.
#[component]
fn ServiceItem(
    line: ServiceLine,
    at: Option<NaiveDateTime>,
    today: NaiveDate,
    lang: Lang,
) -> impl IntoView {
    let badge = line.state_adds_to_today();
    let hours = hours_text(&line, at, today, lang);
    let ServiceLine {
        function,
        name,
        category,
        ages,
        state,
        ..
    } = line;
    // What a family weighs first: basic public service, 普惠 or
    // commercial, and the ages taken when the service says.
    let meta = category_label(category, lang);
    let meta = match ages.and_then(|a| crate::facility::ages_text(a, lang)) {
        // "60 岁及以上" stays on one line (with `word-break: keep-all`).
        Some(ages) if lang == Lang::Zh => format!("{meta} · {}", ages.replace(' ', "\u{a0}")),
        Some(ages) => format!("{meta} · {ages}"),
        None => meta.to_owned(),
    };
    let class = match state {
        ServiceState::Open => "service-state open",
        ServiceState::OpeningSoon
        | ServiceState::ClosingSoon
        | ServiceState::ClosesBeforeArrival => "service-state soon",
        ServiceState::Closed => "service-state closed",
        ServiceState::Unknown | ServiceState::HolidaysUnlisted => "service-state unknown",
    };
    let msg = state.message(at.is_some());
    view! {
        <li class="service">
            <FunctionIcon function />
            // The operator's own name for the service says which of two
            // meal services this is: in English, what kind it is where the
            // name says so, or else the Chinese, marked as such.
            <span class="service-name">
                {function_label(function, lang)}
                {name.map(|n| {
                    let (shown, chinese) = crate::i18n::service_name_shown(&n, lang);
                    view! { "·"<span lang=chinese.then_some("zh-CN")>{shown}</span> }
                })}
            </span>
            <span class="service-meta">{chinese_term_marked(meta, lang)}</span>
            <span class="today">{hours}</span>
            // Always there, empty when it would repeat today's hours (and
            // then not shown): a row redrawn into its slot keeps its shape.
            <span class=class>{if badge { msg.text(lang) } else { "" }}</span>
        </li>
    }
}

/// `text` with the Chinese term 普惠 marked as Chinese in English ("Affordable
/// (普惠)"), so that a screen reader does not read it with an English voice.
pub fn chinese_term_marked(text: String, lang: Lang) -> impl IntoView + use<> {
    const TERM: &str = "普惠";
    match text.split_once(TERM) {
        Some((before, after)) if lang == Lang::En => {
            let (before, after) = (before.to_owned(), after.to_owned());
            view! { {before}<span lang="zh-CN">{TERM}</span>{after} }.into_any()
        }
        _ => text.into_any(),
    }
}

/// What the three categories of service mean, as article 8 of the city's
/// draft measures defines them, folded under a question: beside the
/// category filter and on a facility page.
#[component]
pub fn CategoriesExplained(lang: Lang) -> impl IntoView {
    let meanings = [
        (
            Category::BasicPublic,
            "列入北京市基本公共服务实施标准、由政府保障的服务，例如养老助老、扶残助残、儿童关爱、公共卫生、公共文化和公共体育服务。",
            "Services in Beijing's standard for basic public services, guaranteed by the government: for example help for older and disabled people, care for children, public health, culture and sport.",
        ),
        (
            Category::Affordable,
            "即普惠非基本公共服务：价格可承受、质量有保障、方便可及，例如养老服务、婴幼儿托育和社区助餐。",
            "Services beyond the basic ones at a price residents can afford, of assured quality and easy to reach: for example elder care, infant care and community meals.",
        ),
        (
            Category::Commercial,
            "多样化、品质化的商业服务，例如零售、儿童托管、家政、理发和餐饮。",
            "Commercial services of many kinds and good quality: for example shops, after-school care, housekeeping, hairdressing and places to eat.",
        ),
    ];
    view! {
        <details class="categories-explained">
            <summary>{lang.pick("这三类服务有什么不同？", "What do the three categories mean?")}</summary>
            <dl>
                {meanings
                    .into_iter()
                    .map(|(c, zh, en)| {
                        view! {
                            <dt>{chinese_term_marked(category_label(c, lang).to_owned(), lang)}</dt>
                            <dd>{lang.pick(zh, en)}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
            <p>{lang.pick(
                "同一种服务在不同设施可能属于不同类别（例如儿童托管），以各设施标注的类别为准。",
                "One kind of service can be in different categories at different facilities (after-school care, for one): each facility's label says which.",
            )}</p>
            <p class="source">
                {lang.pick("据", "From article 8 of ")}
                <span lang="zh-CN">"《北京市社区嵌入式服务设施试点项目建设运营管理办法（试行）》（征求意见稿）"</span>
                {lang.pick("第八条。", ", Beijing's draft measures for community embedded service facilities.")}
            </p>
        </details>
    }
}

/// The service of an empty list's first opening, as said in `lang`: its
/// own name (Chinese, and marked so in English), or its function's.
fn opening_service(first: &crate::rows::FirstOpening, lang: Lang) -> (String, bool) {
    match &first.service {
        Some(name) => crate::i18n::service_name_shown(name, lang),
        None => (function_label(first.function, lang).to_owned(), false),
    }
}

/// A facility's name as the page shows it in `lang` (its English name in
/// English, when it has one), and whether that is Chinese in English, to
/// be marked so.
fn shown_name(name: &Name, lang: Lang) -> (String, bool) {
    match (lang, &name.en) {
        (Lang::En, Some(en)) => (en.clone(), false),
        (Lang::En, None) => (name.zh.clone(), true),
        (Lang::Zh, _) => (name.zh.clone(), false),
    }
}

/// The address of facility `target`'s page opened from the search `s`.
fn facility_href(s: &FinderState, target: FacilityRef) -> String {
    let mut s = s.clone();
    s.facility = Some(target);
    href_for(&s.to_query())
}

/// Whether a click on a facility's link opens its page in place: not with
/// a modifier key or another button, which the browser handles (a new tab).
fn plain_click(ev: &leptos::ev::MouseEvent) -> bool {
    !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0)
}

/// Opens facility `target`'s page from the list, in a history entry marked
/// as such, so that the way back is to the list.
fn open_facility(state: RwSignal<FinderState>, target: FacilityRef) {
    crate::url_state::opening_from_list(&target.id);
    state.update(|s| s.facility = Some(target));
}

/// One of an empty list's offers ([`Relief`]): a button that changes the
/// search by `apply` and, as it goes with the empty list, takes the focus
/// to the results' heading.
fn offer(
    class: &'static str,
    label: String,
    state: RwSignal<FinderState>,
    apply: impl Fn(&mut FinderState) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class=class on:click=move |_| {
            state.update(|s| apply(s));
            crate::focus_when_drawn("#results-heading");
        }>
            {label}
        </button>
    }
}

/// The free-places filter's label: places for childcare, beds for elder
/// care, either when no service is chosen.
fn free_places_label(function: Option<ServiceFunction>, lang: Lang) -> &'static str {
    match function.and_then(ServiceFunction::capacity_kind) {
        Some(CapacityKind::ChildcarePlaces) => {
            lang.pick("只看有空余托位的", "With free places only")
        }
        Some(CapacityKind::ElderBeds) => lang.pick("只看有空余床位的", "With free beds only"),
        None => Msg::FreePlacesFilter.text(lang),
    }
}

/// What the page says after asking for the device's position.
fn locate_message(result: Result<f64, GeoError>, lang: Lang) -> String {
    match (result, lang) {
        // The hint below already says the position stays on the device.
        (Ok(accuracy), Lang::Zh) => format!("已使用您的位置（误差约 {} 米）。", fixed(accuracy, 0)),
        (Ok(accuracy), Lang::En) => format!("Using your location (within about {} m).", fixed(accuracy, 0)),
        (Err(GeoError::Denied), Lang::Zh) => "您没有允许获取位置，仍按原位置查找。可在浏览器设置中允许定位。".to_owned(),
        (Err(GeoError::Denied), Lang::En) => {
            "Location permission was not given; the search keeps its position. You can allow it in the browser settings.".to_owned()
        }
        (Err(_), Lang::Zh) => "暂时无法获取您的位置，请稍后再试。".to_owned(),
        (Err(_), Lang::En) => "Your location is not available right now; please try again later.".to_owned(),
    }
}

/// Failed loads in a row, counted each time `failed` (which reads a
/// resource) says the load it has now failed: a retry that fails the same
/// way says so, rather than leave the message as it was.
fn failures_in_a_row(failed: impl Fn() -> bool + 'static) -> RwSignal<u32> {
    let failures = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if failed() {
            failures.update(|n| *n += 1);
        } else {
            failures.set(0);
        }
    });
    failures
}

/// A failed load: what went wrong and what to do, said as an alert, the
/// technical detail folded beneath it (outside the alert, so that opening
/// it is not announced again), and a retry button.
#[component]
fn LoadErrorPanel(
    error: LoadError,
    /// Failed loads in a row.
    failures: RwSignal<u32>,
    lang: Lang,
    on_retry: impl Fn() + Send + Sync + 'static,
    /// Drawn for a retry that failed again, in place of the panel whose
    /// button had the focus: its own button takes the focus, if nothing
    /// else has it.
    #[prop(optional)]
    refocus: bool,
) -> impl IntoView {
    let retried = move || crate::i18n::failed_again(failures.get(), lang);
    let button = NodeRef::<leptos::html::Button>::new();
    if refocus {
        crate::when_focus_lost(move || {
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        });
    }
    view! {
        <div class="error">
            <div role="alert">
                <h3>{Msg::LoadFailed.text(lang)}</h3>
                <p class="error-advice">{error.advice(lang)}</p>
                <p class="retried">{retried}</p>
            </div>
            {error_details(&error, lang)}
            <button type="button" node_ref=button on:click=move |_| on_retry()>
                {Msg::Retry.text(lang)}
            </button>
        </div>
    }
}

/// A load error's technical detail (the address and the browser's
/// message), folded for whoever looks after the data; residents read
/// [`LoadError::advice`].
pub fn error_details(error: &LoadError, lang: Lang) -> impl IntoView + use<> {
    view! {
        <details class="error-more">
            <summary>{lang.pick("技术详情", "Technical details")}</summary>
            <p class="error-detail">{error.describe(lang)}</p>
        </details>
    }
}

/// The facilities loaded around a position, with that position.
#[derive(Clone)]
struct Near {
    origin: LonLat,
    loaded: Arc<Loaded>,
}

impl PartialEq for Near {
    /// The same load: one position's data is compared by identity, not
    /// record by record.
    fn eq(&self, other: &Self) -> bool {
        self.origin == other.origin && Arc::ptr_eq(&self.loaded, &other.loaded)
    }
}

/// `f` of the data last loaded; the default before any has come (the list
/// is drawn only once it has).
fn loaded_with<R: Default>(near: Memo<Option<Near>>, f: impl FnOnce(&Loaded) -> R) -> R {
    near.with(|n| n.as_ref().map(|n| f(&n.loaded)).unwrap_or_default())
}

#[component]
fn ResultList(
    /// The data last loaded, with the position it was loaded around: the
    /// list and the map are drawn from that position, not from one whose
    /// data is still loading.
    near: Memo<Option<Near>>,
    state: RwSignal<FinderState>,
    /// The place before the first of a run of taps on the map, kept for
    /// the way back to it.
    before_map: RwSignal<Option<(Option<LonLat>, Option<Source>)>>,
    lang: Lang,
    /// Whether 长辈模式 is on (the map's markers reach farther).
    elder: RwSignal<bool>,
) -> impl IntoView {
    let origin = Memo::new(move |_| near.with(|n| n.as_ref().map_or(SAMPLE_ORIGIN, |n| n.origin)));
    let sample = Memo::new(move |_| loaded_with(near, |l| l.sample));
    // No shard reaches this far: nothing within the longest walk, and a
    // longer walk or fewer filters cannot help. Far from every district,
    // the place is outside the data.
    let nothing_near = Memo::new(move |_| loaded_with(near, |l| l.index.is_empty()));
    let outside = Memo::new(move |_| {
        nothing_near.get()
            && !linli_facilities::districts::BEIJING
                .iter()
                .any(|d| d.contains(origin.get()))
    });
    // The year asked about, when the holiday calendar does not list its
    // holidays yet: hours with a holiday rule cannot be judged then.
    // Each minute the rows are worked out again, so that "open now" and
    // each row's state stay true while the page stays open; the list is
    // redrawn only where that changes something.
    let tick = crate::data::clock_follower();
    let unlisted_year = Memo::new(move |_| {
        tick();
        let at = match state.with(|s| s.open) {
            OpenChoice::At(t) => t,
            OpenChoice::Any | OpenChoice::Now => beijing_now(),
        };
        let year = chrono::Datelike::year(&at);
        loaded_with(near, |l| (!l.calendar.covers_year(year)).then_some(year))
    });
    let rows = Memo::new(move |_| {
        tick();
        let now = beijing_now();
        let filters = state.with(|s| s.filters(now));
        loaded_with(near, |l| result_rows(l, origin.get(), &filters, now))
    });
    // What would find something when nothing is found: worked out only
    // then (a few more searches), so that the empty list offers only what
    // helps.
    let relief = Memo::new(move |_| {
        if nothing_near.get() || rows.with(|r| !r.is_empty()) {
            return Relief::default();
        }
        // Each minute again while the list stays empty (which does not
        // change the rows): a canteen opening 20 minutes away is offered.
        tick();
        let now = beijing_now();
        loaded_with(near, |l| {
            state.with(|s| crate::rows::relief(l, origin.get(), s, now))
        })
    });
    // A change of the filters, or of the place the list is from, that
    // keeps the count is said too, since the count's own live region says
    // nothing when its text stays: "still 5". (The position line says the
    // new place.)
    let filters_only = Memo::new(move |_| {
        state.with(|s| FinderState {
            position: None,
            source: None,
            facility: None,
            page: Page::Finder,
            ..s.clone()
        })
    });
    let (same_count, set_same_count) = signal(String::new());
    Effect::new(move |before: Option<(FinderState, LonLat, usize)>| {
        let (filters, from, count) = (filters_only.get(), origin.get(), rows.with(Vec::len));
        if before
            .as_ref()
            .is_some_and(|(_, _, was_count)| *was_count != count)
        {
            // A new count is said by the count itself; an old "still N"
            // left beside it would contradict it.
            set_same_count.set(String::new());
        }
        if let Some((was, was_from, was_count)) = before
            && (was != filters || was_from != from)
            && was_count == count
        {
            // Said again when it repeats: a region whose text stays is not
            // read again, so every other time it ends in a no-break space.
            let again = same_count.with_untracked(|t| !t.ends_with('\u{a0}'));
            let moved = was_from != from;
            let mut text = match (lang, moved) {
                (Lang::Zh, false) => format!("已按新条件查找，仍为共 {count} 处"),
                (Lang::Zh, true) => format!("已按新位置查找，仍为共 {count} 处"),
                (Lang::En, false) => format!("Searched again: still {}", result_count(lang, count)),
                (Lang::En, true) => {
                    format!(
                        "Searched from the new place: still {}",
                        result_count(lang, count)
                    )
                }
            };
            if again {
                text.push('\u{a0}');
            }
            set_same_count.set(text);
        }
        (filters, from, count)
    });
    // Records read as they are shown can turn out bad then: the count is
    // read after the rows are brought up to date, on every change of the
    // search (the rows may come out the same while a record was skipped).
    let skipped = Memo::new(move |_| {
        rows.with(|_| ());
        state.track();
        let _ = origin.get();
        loaded_with(near, |l| l.skipped())
    });
    let selected = RwSignal::new(None::<String>);
    // Back from a facility page opened here: its row is shown again (on
    // whichever page of the list it was), focused, where it was on screen.
    let back_to = RETURN_TO.with(|r| r.take()).map(|(id, top)| {
        let rank = rows.with_untracked(|r| r.iter().position(|row| row.id == id));
        (id, rank, top)
    });
    let first_page = back_to
        .as_ref()
        .and_then(|(_, rank, _)| *rank)
        .map_or(PAGE_SIZE, shown_through);
    let (shown, set_shown) = signal(first_page);
    if let Some((id, rank, top)) = back_to {
        request_animation_frame(move || {
            let link = rank
                .and_then(|_| result_element(&id, ".name a"))
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
            match link {
                Some(link) => {
                    let options = web_sys::FocusOptions::new();
                    options.set_prevent_scroll(true);
                    let _ = link.focus_with_options(&options);
                    // Measured, not restored as a scroll offset: the rows
                    // drawn again need not have the heights they had, so
                    // the same offset could land elsewhere. A row whose
                    // height settles in the next frame can move the link
                    // again: it is measured once more then.
                    let settle = move || {
                        let now = link.get_bounding_client_rect().top();
                        window().scroll_by_with_x_and_y(0.0, now - top);
                    };
                    settle.clone()();
                    request_animation_frame(settle);
                }
                // The list no longer holds it (the data changed meanwhile).
                None => focus_later("results-heading"),
            }
        });
    }
    // A new search starts at the first page (not the list drawn again,
    // nor the rows worked out again as the minutes pass, which would take
    // away the rows being read).
    Effect::new(move |first: Option<()>| {
        // Read, not only tracked (see `free_places_kept`).
        let _ = (filters_only.get(), origin.get());
        if first.is_some() {
            set_shown.set(PAGE_SIZE);
        }
    });
    // A marker chosen on the map shows its row, even on a later page; only
    // when the choice changes, not when the rows do.
    Effect::new(move |_| {
        let Some(id) = selected.get() else { return };
        if let Some(rank) = rows.with_untracked(|r| r.iter().position(|row| row.id == id)) {
            if rank >= shown.get_untracked() {
                set_shown.set(shown_through(rank));
            }
            request_animation_frame(move || {
                if let Some(el) = result_element(&id, "") {
                    // Only a choice on the map scrolls the list: a row chosen
                    // in the list must not move under the finger, or the
                    // tap that chose it never becomes a click.
                    // Nor a marker chosen from the keyboard where the list
                    // is below the map (a phone): the map would scroll away
                    // from the focus; Tab goes on to the row. Beside the
                    // map, the list scrolls to it.
                    let active = document().active_element();
                    let keyed_marker = active.as_ref().is_some_and(|a| {
                        a.matches(".map g.marker:focus-visible").unwrap_or(false)
                            && a.closest(".map").ok().flatten().is_some_and(|map| {
                                el.get_bounding_client_rect().left()
                                    < map.get_bounding_client_rect().right()
                            })
                    });
                    if !keyed_marker && !el.contains(active.as_ref().map(|a| a.as_ref())) {
                        el.scroll_into_view_with_bool(false);
                    }
                }
            });
        }
    });
    let radius = Signal::derive(move || {
        state
            .with(|s| s.filters(beijing_now()))
            .walking
            .reach_m(f64::from(state.with(|s| s.walk_minutes)))
    });
    // The map and the list's rows past the first few follow a frame
    // later: a change of the search draws the count and the first rows in
    // the first frame after it, and the markers, the walking range and the
    // rows below in the next, so that on a slow phone what the resident
    // reads first is not held back by what is off screen or beside it
    // (docs/benchmarks.md, repaint). The map reads its own copy of the
    // rows, position and range, taken together, so it is never half old
    // and half new; the later rows read the same copy of the rows.
    let map_now = Trigger::new();
    // Also after the first run: the rows could have changed between the
    // copies' first reading and this effect's (each copy is a memo, so a
    // copy that is already the same changes nothing).
    Effect::new(move |_| {
        rows.track();
        origin.track();
        radius.track();
        after_next_paint(move || map_now.notify());
    });
    let map_rows = Memo::new(move |_| {
        map_now.track();
        rows.get_untracked()
    });
    let map_origin = Memo::new(move |_| {
        map_now.track();
        origin.get_untracked()
    });
    let map_radius = Memo::new(move |_| {
        map_now.track();
        radius.get_untracked()
    });
    // Why the list is empty, shown above the offers and said with the
    // count (the block that shows it is not a live region).
    let empty_reason = move || -> String {
        if outside.get() {
            lang.pick(
                // The map shows only the walk around this place, so it
                // cannot take the resident to Beijing: the community list
                // can.
                "这个位置不在数据覆盖范围内：数据只包括北京市各区。请点“选择社区”，选一个北京的社区。",
                "This place is outside the data, which covers Beijing's districts only. Use “Choose a community” to pick one in Beijing.",
            )
            .to_owned()
        } else if nothing_near.get() {
            let longest = WALK_MINUTES[WALK_MINUTES.len() - 1];
            match lang {
                Lang::Zh => format!(
                    "步行 {longest} 分钟内没有设施。可以选择其他社区，或点按地图上别的位置。"
                ),
                Lang::En => format!(
                    "No facility is within a {longest}-minute walk. Choose another community, or tap another place on the map."
                ),
            }
        } else {
            relief
                .get()
                .message(state.with(|s| s.open))
                .text(lang)
                .to_owned()
        }
    };
    // What a screen reader hears when the list empties: the reason, and
    // when the first place found at any time opens; the offers follow in
    // the page.
    let empty_said = move || {
        rows.with(Vec::is_empty).then(|| {
            let mut said = empty_reason();
            if let Some(first) = relief.get().first_opening {
                let when = first.when_text(lang);
                let name = shown_name(&first.name, lang).0;
                let service = opening_service(&first, lang).0;
                said.push_str(&match lang {
                    Lang::Zh => format!("最早开始营业的是{name}的{service}（{when}）。"),
                    Lang::En => format!(" First to open: {service} at {name}, {when}."),
                });
            }
            said
        })
    };
    let pick_on_map = move |p: LonLat| {
        if before_map.with_untracked(Option::is_none) {
            let before = state.with_untracked(|s| (s.position, s.source.clone()));
            if before.1 != Some(Source::Map) {
                before_map.set(Some(before));
            }
        }
        state.update(|s| {
            s.position = Some(p);
            s.source = Some(Source::Map);
        });
    };
    view! {
        <Show when=move || sample.get()>
            <p class="sample-banner" role="note">{Msg::SampleBanner.text(lang)}</p>
        </Show>
        {move || unlisted_year.get().map(|year| view! {
            <p class="calendar-note" role="note">{match lang {
                Lang::Zh => format!("本应用尚未收录{year}年的放假调休安排：元旦（1月1日）、劳动节（5月1日—2日）和国庆节（10月1日—3日）已按节假日计；春节、清明、端午、中秋等其他假日和调休上班日按平日显示，当天可能不同，请致电确认。"),
                Lang::En => format!("This app does not list the holidays of {year} yet: New Year's Day (1 January), Labour Day (1–2 May) and National Day (1–3 October) are counted as holidays; the other holidays (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and working days in lieu are shown as ordinary days and may differ; please call to check."),
            }}</p>
        })}
        <Show when=move || { skipped.get() > 0 }>
            <p class="skipped" role="status">
                {move || format!("{} {}", skipped.get(), Msg::SkippedRecords.text(lang))}
            </p>
        </Show>
        <p class="count" role="status" aria-live="polite">
            {move || result_count(lang, rows.with(Vec::len))}
        </p>
        <p class="visually-hidden same-count" role="status" aria-live="polite">{same_count}</p>
        <p class="visually-hidden empty-said" role="status" aria-live="polite">{empty_said}</p>
        <div class="results-body">
        // An empty list's explanation and offers come before the map, so
        // that a phone (one column) shows them first rather than below a
        // map with nothing on it; the map keeps its place, so it is not
        // drawn again when the list empties or fills.
        <Show when=move || rows.with(Vec::is_empty)>
                <div class="empty">
                    // Said by the live region above (with when the first
                    // opens): read again here, it came twice.
                    <p aria-hidden="true">{empty_reason}</p>
                    // When the time emptied the list: when the first of
                    // what any time finds opens, and which it is.
                    {move || relief.get().first_opening.map(|first| {
                        let when = first.when_text(lang);
                        // Which of its services: a canteen's delivery can
                        // open before its dining room.
                        let (service, service_chinese) = opening_service(&first, lang);
                        let service = view! { <span lang=service_chinese.then_some("zh-CN")>{service}</span> };
                        // A Chinese name in English is marked as Chinese.
                        let (name, chinese) = shown_name(&first.name, lang);
                        // A link to its page, as a row's name is.
                        let target = FacilityRef { id: first.id, district: first.district };
                        let href = state.with_untracked(|s| facility_href(s, target.clone()));
                        let open = move |ev: leptos::ev::MouseEvent| {
                            if plain_click(&ev) {
                                ev.prevent_default();
                                open_facility(state, target.clone());
                            }
                        };
                        let name = view! {
                            <a href=href lang=chinese.then_some("zh-CN") on:click=open>{name}</a>
                        };
                        match lang {
                            Lang::Zh => view! { <p class="first-opening">"最早开始营业的是"{name}"的"{service}"（"{when}"）。"</p> }.into_any(),
                            Lang::En => view! { <p class="first-opening">"First to open: "{service}" at "{name}", "{when}"."</p> }.into_any(),
                        }
                    })}
                    {move || relief.get().any_time.map(|n| {
                        let label = match lang {
                            Lang::Zh => format!("不限开放时间（{n} 处）"),
                            Lang::En => format!("Any opening time ({n} found)"),
                        };
                        offer("any-time", label, state, |s| s.open = OpenChoice::Any)
                    })}
                    {move || relief.get().walk.map(|(m, n)| {
                        let label = match lang {
                            Lang::Zh => format!("扩大到步行 {m} 分钟（{n} 处）"),
                            Lang::En => format!("Widen to a {m}-minute walk ({n} found)"),
                        };
                        offer("widen", label, state, move |s| s.walk_minutes = m)
                    })}
                    // Clearing the other filters clears the time too: said
                    // when one is set.
                    {move || relief.get().fewer_filters.map(|n| {
                        let timed = state.with(|s| s.open != OpenChoice::Any);
                        let label = match (lang, timed) {
                            (Lang::Zh, false) => format!("清除其他筛选条件（{n} 处）"),
                            (Lang::Zh, true) => format!("清除其他筛选条件和开放时间（{n} 处）"),
                            (Lang::En, false) => format!("Clear the other filters ({n} found)"),
                            (Lang::En, true) => format!("Clear the other filters and the time ({n} found)"),
                        };
                        offer("clear-filters", label, state, |s| *s = s.without_other_filters())
                    })}
                    {move || relief.get().wider.map(|wider| {
                        let (m, n) = (wider.minutes, wider.found);
                        let timed = state.with(|s| s.open != OpenChoice::Any);
                        let label = match (lang, wider.fewer_filters, timed) {
                            (Lang::Zh, false, _) => format!("扩大到步行 {m} 分钟，并不限开放时间（{n} 处）"),
                            (Lang::Zh, true, false) => format!("扩大到步行 {m} 分钟，并清除其他筛选条件（{n} 处）"),
                            (Lang::Zh, true, true) => format!("扩大到步行 {m} 分钟，并清除其他筛选条件和开放时间（{n} 处）"),
                            (Lang::En, false, _) => format!("Widen to a {m}-minute walk at any opening time ({n} found)"),
                            (Lang::En, true, false) => format!("Widen to a {m}-minute walk and clear the other filters ({n} found)"),
                            (Lang::En, true, true) => format!("Widen to a {m}-minute walk and clear the other filters and the time ({n} found)"),
                        };
                        offer("wider", label, state, move |s| wider.apply(s))
                    })}
                </div>
        </Show>
        <Map
            origin=map_origin.into()
            radius_m=map_radius.into()
            rows=map_rows
            selected
            lang
            elder=elder.into()
            tiles=configured_tiles()
            on_pick=pick_on_map
        />
        <Show when=move || rows.with(|r| !r.is_empty())>
            // The list and its "show more" stay one column beside the map.
            <div class="result-column">
                // One slot per rank: a change of filters rewrites what the
                // slots show in place (text and attributes) instead of
                // building new rows, which keeps a change within a frame on
                // slow phones.
                // The first slots follow the search at once, the rest a
                // frame later (`slots_drawn`).
                <ol class="result-list">
                    <For
                        each=move || 0..slots_drawn(rows.with(Vec::len), map_rows.with(Vec::len), shown.get())
                        key=|rank| *rank
                        children=move |rank| {
                            let rows = if rank < FIRST_FRAME_ROWS { rows } else { map_rows };
                            view! { <ResultItem rank rows state selected lang /> }
                        }
                    />
                </ol>
                <Show when=move || { rows.with(Vec::len) > shown.get() }>
                    <button type="button" class="show-more" on:click=move |_| {
                        // The focus goes to the first row added (the button
                        // goes after the last page).
                        let first_new = shown.get_untracked() + 1;
                        set_shown.update(|n| *n += PAGE_SIZE);
                        crate::focus_when_drawn(format!(".result-list > li:nth-child({first_new}) h3 a"));
                    }>
                        {move || {
                            let rest = rows.with(Vec::len).saturating_sub(shown.get());
                            match lang {
                                Lang::Zh => format!("显示更多（还有 {rest} 处）"),
                                Lang::En => format!("Show more ({rest} more)"),
                            }
                        }}
                    </button>
                </Show>
            </div>
        </Show>
        </div>
    }
}

/// The row in slot `rank` of the list: whichever result is at that rank
/// now. Its listeners read the row when they fire, so they are made once.
#[component]
fn ResultItem(
    rank: usize,
    rows: Memo<Vec<ResultRow>>,
    state: RwSignal<FinderState>,
    selected: RwSignal<Option<String>>,
    lang: Lang,
) -> impl IntoView {
    // Notifies only when the row at this rank changes.
    let row = Memo::new(move |_| rows.with(|r| r.get(rank).cloned()));
    let target = move || {
        row.with_untracked(|r| {
            r.as_ref().map(|r| FacilityRef {
                id: r.id.clone(),
                district: r.district.clone(),
            })
        })
    };
    let href = move || {
        row.with(|r| {
            let r = r.as_ref()?;
            let target = FacilityRef {
                id: r.id.clone(),
                district: r.district.clone(),
            };
            Some(state.with(|s| facility_href(s, target)))
        })
    };
    let open_page = move |ev: leptos::ev::MouseEvent| {
        if !plain_click(&ev) {
            return;
        }
        let Some(target) = target() else { return };
        ev.prevent_default();
        // Where the link is on screen, for the way back (`RETURN_TO`).
        let top = event_target::<web_sys::Element>(&ev)
            .get_bounding_client_rect()
            .top();
        RETURN_TO.with(|r| r.replace(Some((target.id.clone(), top))));
        open_facility(state, target);
    };
    let is_selected = move || {
        row.with(|r| {
            r.as_ref()
                .is_some_and(|r| selected.with(|s| s.as_deref() == Some(r.id.as_str())))
        })
    };
    let id = move || row.with(|r| r.as_ref().map(|r| r.id.clone()));
    let name = move || {
        row.with(|r| {
            r.as_ref()
                .map(|r| shown_name(&r.name, lang).0)
                .unwrap_or_default()
        })
    };
    let details = move || {
        row.with(|r| {
            r.as_ref()
                .map(|r| row_details(r, beijing_now().date(), lang))
        })
    };
    view! {
        <li
            class="result"
            class:selected=is_selected
            data-id=id
            // The keyboard's focus chooses the row (and its marker); a
            // focus that follows a click ("show more") does not change
            // what was chosen.
            on:focusin=move |ev: leptos::ev::FocusEvent| {
                if !crate::shows_focus_ring(&ev) {
                    return;
                }
                if let Some(t) = target() {
                    selected.set(Some(t.id));
                }
            }
        >
            <h3 class="name">
                // A Chinese name shown in English is marked as Chinese.
                <a
                    href=href
                    lang=move || {
                        let chinese = row.with(|r| r.as_ref().is_some_and(|r| shown_name(&r.name, lang).1));
                        chinese.then_some("zh-CN")
                    }
                    on:click=open_page
                >
                    {name}
                </a>
            </h3>
            {details}
        </li>
    }
}

/// What a row shows below its name. Rebuilt into the same elements when the
/// row at its rank changes, so only the text that differs is written.
fn row_details(row: &ResultRow, today: NaiveDate, lang: Lang) -> impl IntoView + use<> {
    let open_class = match row.open {
        OpenNow::Open => "open-state open",
        OpenNow::Partly => "open-state open partly",
        OpenNow::Closed => "open-state closed",
        OpenNow::Unknown | OpenNow::Unconfirmed => "open-state unknown",
    };
    let open_msg = row.open.message(row.at.is_some());
    let searched = row.searched;
    view! {
        <p class="distance">
            <strong>
                {format!("{} {} {}", Msg::WalkAbout.text(lang), row.walk_minutes, Msg::Minutes.text(lang))}
            </strong>
            <span>
                {format!(" · {} {} {}", Msg::StraightLine.text(lang), row.distance_m, Msg::Metres.text(lang))}
            </span>
        </p>
        // Sub-district and community names are Chinese in either language.
        <p class="place" lang="zh-CN">{row.place.clone()}</p>
        <p class=open_class>{open_msg.text(lang)}</p>
        // Among every service, the price names its service: the free gym
        // of a care home does not make the care free.
        // The note is the publisher's Chinese, in English where it is a
        // common one.
        {row.lowest_price.as_ref().map(|price| {
            let p = price_pieces(price, searched.is_none(), lang);
            view! {
                <p class="price">
                    {p.before}
                    {p.note.map(|n| crate::facility::price_note_view(n, lang))}
                    {p.after}
                </p>
            }
        })}
        {row.places.map(|(kind, available, total, updated, function)| {
            let stale = (today - updated).num_days() > STALE_AFTER_DAYS;
            let of = searched.is_none().then_some(function);
            view! {
                <p class="places" class:stale=stale>
                    {places_text(kind, available, total, updated, stale, of, lang)}
                </p>
            }
        })}
        <ul class="services">
            {row.services
                .iter()
                .map(|line| view! { <ServiceItem line=line.clone() at=row.at today lang /> })
                .collect_view()}
        </ul>
        // With a service searched for, the lines above list only that
        // service, so tags name all the facility offers (the searched one
        // first); without one, the lines already list every service.
        {searched.map(|searched| view! {
            <ul class="functions" aria-label=lang.pick("本处全部服务", "All services here")>
                {row.functions
                    .iter()
                    .map(|&f| {
                        view! {
                            <li class="function" class:searched=f == searched>
                                {function_label(f, lang)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_list_is_drawn_whole_at_once() {
        // A few new rows where there were nine: none waits.
        assert_eq!(slots_drawn(2, 9, PAGE_SIZE), 2);
        assert_eq!(
            slots_drawn(FIRST_FRAME_ROWS, 9, PAGE_SIZE),
            FIRST_FRAME_ROWS
        );
        assert_eq!(slots_drawn(0, 9, PAGE_SIZE), 0);
    }

    #[test]
    fn the_slots_past_the_first_rows_wait_for_the_later_copy() {
        // A longer list: the first frame draws the first rows (and keeps
        // the slots the last search had); the next draws them all.
        assert_eq!(slots_drawn(9, 2, PAGE_SIZE), FIRST_FRAME_ROWS);
        assert_eq!(slots_drawn(9, 6, PAGE_SIZE), 6);
        assert_eq!(slots_drawn(9, 9, PAGE_SIZE), 9);
        // A shorter one keeps the copy's slots for that frame, each with
        // a row to show, and drops them in the next.
        assert_eq!(slots_drawn(5, 9, PAGE_SIZE), 9);
        assert_eq!(slots_drawn(5, 5, PAGE_SIZE), 5);
    }

    #[test]
    fn a_typed_price_is_a_whole_number_of_yuan_from_one_up_to_the_limit() {
        assert_eq!(price_entry("", false), Ok(None));
        assert_eq!(price_entry(" 3000 ", false), Ok(Some(3000)));
        assert_eq!(price_entry("1000000", false), Ok(Some(MAX_PRICE_YUAN)));
        assert_eq!(price_entry("1000001", false), Err(PriceProblem::TooHigh));
        // Past what a u32 holds: too high, not "not a whole number".
        assert_eq!(
            price_entry("99999999999", false),
            Err(PriceProblem::TooHigh)
        );
        assert_eq!(price_entry("0", false), Err(PriceProblem::NotAboveZero));
        assert_eq!(price_entry("000", false), Err(PriceProblem::NotAboveZero));
        assert_eq!(price_entry("-5", false), Err(PriceProblem::NotAboveZero));
        assert_eq!(price_entry("2.5", false), Err(PriceProblem::NotWhole));
        assert_eq!(price_entry("3000.0", false), Ok(Some(3000)));
        assert_eq!(price_entry("3000.", false), Err(PriceProblem::NotWhole));
        assert_eq!(price_entry(".0", false), Err(PriceProblem::NotWhole));
        assert_eq!(price_entry("-", false), Err(PriceProblem::NotWhole));
        // What the field could not read, which it gives as "".
        assert_eq!(price_entry("", true), Err(PriceProblem::NotWhole));
    }

    #[test]
    fn a_refused_price_says_what_the_search_keeps() {
        assert_eq!(
            price_problem_text(PriceProblem::NotAboveZero, Some(3000), Lang::Zh),
            "最高价格要大于 0 元，或留空表示不限；仍按最高 3000 元筛选。"
        );
        assert_eq!(
            price_problem_text(PriceProblem::TooHigh, None, Lang::En),
            "Enter at most 1,000,000 yuan, or leave it empty for any price; still searching at any price."
        );
    }

    #[test]
    fn no_more_slots_than_the_pages_shown() {
        assert_eq!(slots_drawn(40, 40, PAGE_SIZE), PAGE_SIZE);
        assert_eq!(slots_drawn(40, 25, 2 * PAGE_SIZE), 2 * PAGE_SIZE);
        assert_eq!(slots_drawn(2, 40, PAGE_SIZE), 2);
    }
}
