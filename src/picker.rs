//! Choosing a community (社区) instead of sharing a location: search in
//! Chinese characters or in pinyin ("东四", "dongsi", "ds"), or go
//! district → sub-district → community. The list
//! (`places.json`) is fetched only when the picker is opened.

use std::sync::Arc;

use leptos::prelude::*;
use linli_facilities::places::{Place, PlaceList};

use crate::data::load_places;
use crate::finder::error_details;
use crate::i18n::Lang;

/// How many search matches are listed.
pub const MAX_MATCHES: usize = 8;

/// The community picker. `on_pick` gets the chosen community.
#[component]
pub fn CommunityPicker(
    manifest_url: String,
    lang: Lang,
    on_pick: impl Fn(Place) + Send + Sync + Clone + 'static,
    /// Where the facilities near the chosen community are listed (a CSS
    /// selector), and the community the search is from now, if one is: the
    /// picker then says which it is, where the choice was made, with a
    /// button that goes to the list.
    #[prop(optional)]
    results: Option<(&'static str, Signal<Option<String>>)>,
) -> impl IntoView {
    let (opened, set_opened) = signal(false);
    let places = LocalResource::new(move || {
        let wanted = opened.get();
        let url = manifest_url.clone();
        async move {
            if wanted {
                Some(load_places(url).await)
            } else {
                None
            }
        }
    });
    // A retry's button goes with the error: the focus then goes to the
    // search, the picker's first field, once the list has come (or to the
    // new retry button if it failed again), unless the resident has moved
    // on to another field meanwhile.
    let retried = StoredValue::new(false);
    let body = move || {
        let on_pick = on_pick.clone();
        match places.get() {
            None | Some(None) => view! {
                <p class="loading" role="status">{lang.pick("正在载入社区列表…", "Loading the community list…")}</p>
            }
            .into_any(),
            Some(Some(Err(e))) => {
                if retried.get_value() {
                    // Failed again: the new button takes the focus.
                    crate::focus_if_lost(".picker .error button");
                }
                view! {
                <div class="error">
                    <p class="error-advice" role="alert">{e.advice(lang)}</p>
                    {error_details(&e, lang)}
                    <button type="button" on:click=move |_| {
                        retried.set_value(true);
                        places.refetch();
                    }>
                        {lang.pick("重试", "Retry")}
                    </button>
                </div>
                }
                .into_any()
            }
            Some(Some(Ok(None))) => view! {
                <p>{lang.pick("这份数据没有社区列表。", "This dataset has no community list.")}</p>
            }
            .into_any(),
            Some(Some(Ok(Some(list)))) => {
                if retried.get_value() {
                    retried.set_value(false);
                    crate::focus_if_lost("#community-search");
                }
                view! { <PickerBody list lang on_pick results /> }.into_any()
            }
        }
    };
    view! {
        <details
            class="picker"
            on:toggle=move |ev| {
                let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                if open {
                    set_opened.set(true);
                }
            }
        >
            <summary>{lang.pick("选择社区", "Choose a community")}</summary>
            {body}
        </details>
    }
}

#[component]
fn PickerBody(
    list: Arc<PlaceList>,
    lang: Lang,
    on_pick: impl Fn(Place) + Send + Sync + Clone + 'static,
    results: Option<(&'static str, Signal<Option<String>>)>,
) -> impl IntoView {
    // The community searched from, said beside the choice: on a phone in
    // 长辈模式 the position line and the list are off the screen. It
    // follows the search (a tap on the map, Back), not only this picker.
    let picked_line = move || {
        let (results, chosen) = results?;
        let label = chosen.get()?;
        Some(view! {
            <p class="picked">
                {lang.pick("已选择：", "Chosen: ")}{place_label(label, lang)}
                <button type="button" class="to-results" on:click=move |_| crate::focus_when_drawn(results)>
                    {lang.pick("查看附近设施", "See what is near")}
                </button>
            </p>
        })
    };
    // The line follows the way the community was chosen: below the search's
    // matches after a tap on one, below the steps after the last step, so
    // that it shows where the resident is looking.
    let (via_search, set_via_search) = signal(false);
    let chosen = move || results.and_then(|(_, chosen)| chosen.get());
    let (query, set_query) = signal(String::new());
    let (district, set_district) = signal(None::<String>);
    let (subdistrict, set_subdistrict) = signal(None::<String>);
    // The community the steps show as chosen.
    let (stepped_to, set_stepped_to) = signal(None::<String>);
    // The steps show the community the search is from, however it was
    // chosen (a search match, the steps, a link or Back), so that they
    // never say 请选择 beside "已选择". A place on the map leaves them as
    // they were.
    let list_for_steps = list.clone();
    // Only a change of the community itself moves the steps: the finder's
    // state changes with every filter, and the steps must not snap back
    // while the resident browses another district.
    let searched_from = Memo::new(move |_| chosen());
    Effect::new(move |_| {
        let Some(label) = searched_from.get() else {
            return;
        };
        if let Some(p) = list_for_steps.places.iter().find(|p| p.label() == label) {
            set_district.set(Some(p.district_code.clone()));
            set_subdistrict.set(Some(p.subdistrict.clone()));
            set_stepped_to.set(Some(p.community.clone()));
        }
    });
    let list_for_search = list.clone();
    let matches = Memo::new(move |_| {
        query.with(|q| {
            list_for_search
                // One more than is listed, to know whether there are more.
                .search(q, MAX_MATCHES + 1)
                .into_iter()
                .cloned()
                .collect::<Vec<Place>>()
        })
    });
    let pick_search = on_pick.clone();
    // District names in the page's language; sub-districts and
    // communities have Chinese names only, marked as such for screen
    // readers.
    let districts: Vec<(String, String)> = list
        .districts()
        .into_iter()
        .map(|(c, n)| {
            let name = match (lang, linli_facilities::districts::by_code(c)) {
                (Lang::En, Some(d)) => d.name_en,
                _ => n,
            };
            (c.to_owned(), name.to_owned())
        })
        .collect();
    let list_for_subs = list.clone();
    let subdistricts = Memo::new(move |_| {
        district.with(|d| {
            d.as_deref().map_or_else(Vec::new, |d| {
                list_for_subs
                    .subdistricts(d)
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<String>>()
            })
        })
    });
    let list_for_communities = list.clone();
    let communities = Memo::new(move |_| match (district.get(), subdistrict.get()) {
        (Some(d), Some(s)) => list_for_communities
            .communities(&d, &s)
            .into_iter()
            .cloned()
            .collect::<Vec<Place>>(),
        _ => Vec::new(),
    });
    let sample = list.sample;
    // The community select chooses on a tap or a click at once. Its arrow
    // keys only browse, since each choice moves the search and is read out.
    // A customizable select (style/main.css) does so by itself: an arrow
    // key opens its list, Enter chooses, Escape closes it. A native closed
    // select moves to the next option on an arrow key and says so with a
    // change; that change is held (`Browsing`): Enter, or leaving the
    // select, chooses the community it shows, and Escape goes back to the
    // one chosen before.
    let browsing = Browsing {
        keyed: StoredValue::new(false),
        pending: StoredValue::new(false),
        before: StoredValue::new(String::new()),
    };
    let choose = {
        let on_pick = on_pick.clone();
        move |select: &web_sys::HtmlSelectElement| {
            let v = select.value();
            if let Some(p) = communities.with(|c| c.iter().find(|p| p.community == v).cloned()) {
                set_via_search.set(false);
                on_pick(p);
            }
        }
    };
    view! {
        <div class="picker-body">
            <Show when=move || sample>
                <p class="note">{lang.pick("示例数据中的社区名称为虚构。", "Community names in the sample data are invented.")}</p>
            </Show>
            <label for="community-search">{lang.pick("搜索社区或街道（汉字或拼音）", "Search a community or sub-district (in Chinese characters or pinyin)")}</label>
            <input
                id="community-search"
                type="search"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| {
                    if !crate::composing(&ev) {
                        set_query.set(event_target_value(&ev));
                    }
                }
                on:compositionend=move |ev| set_query.set(event_target_value(&ev))
            />
            // One short status line says how many match (or that none
            // does), rather than the whole list read out on every key.
            <p class="match-count" role="status" aria-live="polite" aria-atomic="true">
                {move || {
                    let n = matches.with(Vec::len);
                    match (query.with(|q| q.trim().is_empty()), n, lang) {
                        (true, _, _) => String::new(),
                        (false, 0, Lang::Zh) => "没有找到，换个字或拼音试试。".to_owned(),
                        (false, 0, Lang::En) => "Nothing found; type the name in Chinese characters or in pinyin, e.g. 东四 or dongsi.".to_owned(),
                        (false, n, Lang::Zh) if n > MAX_MATCHES => format!("找到 {MAX_MATCHES} 个以上，可再输入几个字缩小范围"),
                        (false, n, Lang::Zh) => format!("找到 {n} 个"),
                        (false, n, Lang::En) if n > MAX_MATCHES => format!("More than {MAX_MATCHES} match; type more to narrow them"),
                        (false, 1, Lang::En) => "1 found".to_owned(),
                        (false, n, Lang::En) => format!("{n} found"),
                    }
                }}
            </p>
            <ul class="matches">
                <For
                    each=move || matches.with(|m| m.iter().take(MAX_MATCHES).cloned().collect::<Vec<Place>>())
                    key=|p| p.label()
                    children=move |p| {
                        let pick = pick_search.clone();
                        let label = p.label();
                        let is_chosen = {
                            let label = label.clone();
                            move || chosen().as_deref() == Some(label.as_str())
                        };
                        view! {
                            <li>
                                // The names are Chinese in either language
                                // but the district's.
                                <button
                                    type="button"
                                    class="match"
                                    class:chosen=is_chosen.clone()
                                    // The tick is drawn; a screen reader
                                    // hears the chosen state.
                                    aria-current=move || is_chosen().then_some("true")
                                    on:click=move |_| {
                                        set_via_search.set(true);
                                        pick(p.clone());
                                        crate::reveal_when_drawn(".picked");
                                    }
                                >
                                    {place_label(label, lang)}
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
            {move || if via_search.get() { picked_line() } else { None }}
            <fieldset class="cascade">
                <legend>{lang.pick("或逐级选择", "Or step by step")}</legend>
                <label for="pick-district">{lang.pick("区", "District")}</label>
                <select
                    id="pick-district"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_district.set((!v.is_empty()).then_some(v));
                        set_subdistrict.set(None);
                        set_stepped_to.set(None);
                    }
                >
                    <option value="" prop:selected=move || district.with(Option::is_none)>{lang.pick("请选择", "Choose")}</option>
                    {districts
                        .into_iter()
                        .map(|(code, name)| {
                            let here = code.clone();
                            view! {
                                <option value=code prop:selected=move || district.with(|d| d.as_ref() == Some(&here))>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for="pick-subdistrict">{lang.pick("街道（乡镇）", "Sub-district")}</label>
                <select
                    id="pick-subdistrict"
                    lang="zh-CN"
                    disabled=move || district.with(Option::is_none)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_subdistrict.set((!v.is_empty()).then_some(v));
                        set_stepped_to.set(None);
                    }
                >
                    <option value="" lang=lang.tag() prop:selected=move || subdistrict.with(Option::is_none)>
                        {lang.pick("请选择", "Choose")}
                    </option>
                    {move || {
                        subdistricts
                            .get()
                            .into_iter()
                            .map(|s| {
                                let here = s.clone();
                                view! {
                                    <option value=s prop:selected=move || subdistrict.with(|d| d.as_ref() == Some(&here))>
                                        {here.clone()}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <label for="pick-community">{lang.pick("社区", "Community")}</label>
                <select
                    id="pick-community"
                    lang="zh-CN"
                    aria-describedby="pick-community-keys"
                    disabled=move || subdistrict.with(Option::is_none)
                    on:keydown={
                        let choose = choose.clone();
                        move |ev: leptos::ev::KeyboardEvent| {
                            let select = event_target::<web_sys::HtmlSelectElement>(&ev);
                            match ev.key().as_str() {
                                "Enter" if browsing.take_pending() => {
                                    ev.prevent_default();
                                    choose(&select);
                                }
                                "Escape" if browsing.take_pending() => {
                                    ev.prevent_default();
                                    select.set_value(&browsing.before.get_value());
                                }
                                "Enter" | "Escape" => {}
                                key if !ev.alt_key() && is_browsing_key(key) => {
                                    if !browsing.pending.get_value() {
                                        browsing.before.set_value(select.value());
                                    }
                                    // A closed select's own change comes
                                    // in this key's default action, within
                                    // this task; a change after it (from
                                    // a popup the key opened, where the
                                    // keys do not reach the select) is a
                                    // choice.
                                    browsing.keyed.set_value(true);
                                    set_timeout(move || browsing.keyed.set_value(false), std::time::Duration::ZERO);
                                }
                                _ => {}
                            }
                        }
                    }
                    on:blur={
                        let choose = choose.clone();
                        move |ev| {
                            browsing.keyed.set_value(false);
                            if browsing.take_pending() {
                                choose(&event_target(&ev));
                            }
                        }
                    }
                    on:change={
                        let choose = choose.clone();
                        move |ev| {
                            if browsing.keyed.get_value() {
                                browsing.pending.set_value(true);
                            } else {
                                browsing.pending.set_value(false);
                                choose(&event_target(&ev));
                            }
                        }
                    }
                >
                    <option value="" lang=lang.tag() prop:selected=move || stepped_to.with(Option::is_none)>
                        {lang.pick("请选择", "Choose")}
                    </option>
                    {move || {
                        communities
                            .get()
                            .into_iter()
                            .map(|p| {
                                let here = p.community.clone();
                                view! {
                                    <option value=p.community prop:selected=move || stepped_to.with(|c| c.as_ref() == Some(&here))>
                                        {here.clone()}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <p id="pick-community-keys" class="visually-hidden">
                    {if customizable_selects() {
                        lang.pick(
                            "用方向键浏览社区，按回车键选定，按 Esc 键取消。",
                            "Browse the communities with the arrow keys; Enter chooses the one shown, and Escape goes back.",
                        )
                    } else {
                        lang.pick(
                            "用方向键浏览社区，按回车键或离开列表即选定，按 Esc 键取消。",
                            "Browse the communities with the arrow keys; Enter, or leaving the list, chooses the one shown, and Escape goes back.",
                        )
                    }}
                </p>
            </fieldset>
            {move || if via_search.get() { None } else { picked_line() }}
        </div>
    }
}

/// Whether the browser draws selects as customizable selects (the CSS
/// asks for `appearance: base-select`), whose list opens on an arrow key,
/// rather than native ones, which move to the next option (browser
/// adapter).
fn customizable_selects() -> bool {
    web_sys::css::supports_with_value("appearance", "base-select").unwrap_or(false)
}

/// Arrow keys on the community select: whether a key that browses the
/// options is being handled, whether the select shows a community not
/// chosen yet, and the select's value before the browsing began.
#[derive(Clone, Copy)]
struct Browsing {
    keyed: StoredValue<bool>,
    pending: StoredValue<bool>,
    before: StoredValue<String>,
}

impl Browsing {
    /// Whether a community was browsed to and not chosen; forgets it.
    fn take_pending(self) -> bool {
        self.pending
            .try_update_value(std::mem::take)
            .unwrap_or(false)
    }
}

/// Keys that move a closed select to another option: those of
/// [`steps_a_choice`](crate::url_state::steps_a_choice), and a character
/// (the select goes to the option it begins). Not Space, which opens the
/// select's list, where a choice is made with Enter or a tap.
fn is_browsing_key(key: &str) -> bool {
    crate::url_state::steps_a_choice(key) || (key.chars().count() == 1 && key != " ")
}

/// A community's label ("东城区 东四街道 示例第7社区") as a page in `lang`
/// shows it: in English its district by the district's English name
/// ("Dongcheng, 东四街道 示例第7社区", as the district select says it), the
/// sub-district and community, which have Chinese names only, marked as
/// Chinese; in Chinese as it is.
pub fn place_label(label: String, lang: Lang) -> AnyView {
    let english_district = (lang == Lang::En)
        .then(|| {
            linli_facilities::districts::BEIJING.iter().find_map(|d| {
                let rest = label.strip_prefix(d.name_zh)?.strip_prefix(' ')?;
                Some((d.name_en, rest.to_owned()))
            })
        })
        .flatten();
    match (english_district, lang) {
        (Some((district, rest)), _) => {
            view! { {district}", "<span lang="zh-CN">{rest}</span> }.into_any()
        }
        (None, Lang::En) => view! { <span lang="zh-CN">{label}</span> }.into_any(),
        (None, Lang::Zh) => label.into_any(),
    }
}
