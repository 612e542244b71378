//! Where the search starts: the device's location (granted or refused),
//! a community chosen from the list, or a tap on the map; and the map and
//! the list following each other.

use fantoccini::Locator;
use linli_e2e::{
    FinderPage, Setup, expected_from, expected_names, first_place, with_finder, with_setup,
};
use linli_facilities::finder::Filters;
use linli_facilities::geometry::LonLat;

fn any_time() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

#[tokio::test]
async fn a_granted_location_moves_the_search_there() {
    // Near Chaoyangmen, about a kilometre east of the sample position.
    let here = LonLat::new(116.4300, 39.9240);
    let near_here = expected_from(here, &Filters::default(), any_time());
    let near_sample = expected_names(None, 15);
    assert!(
        !near_here.is_empty() && near_here != near_sample,
        "the position matters"
    );
    let setup = Setup {
        position: Some((here.lon, here.lat, 25.0)),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near_sample.len()))
            .await;
        page.click_button("使用我的位置").await;
        page.wait_for_count(&format!("共 {} 处", near_here.len()))
            .await;
        assert_eq!(page.result_names().await, near_here);
        page.wait_for_text(".locate-status", "已使用您的位置（误差约 25 米）。")
            .await;
        assert_eq!(page.text_of(".position-name").await.unwrap(), "我的位置");
        // In the fragment, which the browser never sends to a server.
        let url = page
            .url_when("the position in the URL", |u| {
                u.ends_with("#pos=116.43000,39.92400&src=gps")
            })
            .await;
        // The device remembers it: a plain visit starts from there.
        page.open(url.split(['?', '#']).next().unwrap()).await;
        page.wait_for_count(&format!("共 {} 处", near_here.len()))
            .await;
    })
    .await;
}

/// A link from before the position moved to the fragment still works,
/// and is rewritten in place: a new history entry for it would be pushed
/// again each time back returned to the old one, and back could never get
/// past it.
#[tokio::test]
async fn an_older_link_with_the_position_in_the_query_is_rewritten_in_place() {
    let here = LonLat::new(116.4300, 39.9240);
    let near_here = expected_from(here, &Filters::default(), any_time());
    let near_sample = expected_names(None, 15);
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near_sample.len()))
            .await;
        let entries = "return history.length";
        let before = page.client.execute(entries, vec![]).await.unwrap();
        let app = page.url().await;
        let app = app.split(['?', '#']).next().unwrap().to_owned();
        page.open(&format!("{app}?pos=116.43000,39.92400&src=map"))
            .await;
        page.wait_for_count(&format!("共 {} 处", near_here.len()))
            .await;
        page.url_when("the position moved to the fragment", |u| {
            u.ends_with("/#pos=116.43000,39.92400&src=map")
        })
        .await;
        let after = page.client.execute(entries, vec![]).await.unwrap();
        assert_eq!(
            after.as_u64(),
            before.as_u64().map(|n| n + 1),
            "only the link's own entry"
        );
    })
    .await;
}

/// Far from Beijing (here Shanghai's People's Square) nothing is loaded,
/// and the page says that the data stops at Beijing instead of suggesting
/// a longer walk or fewer filters.
#[tokio::test]
async fn a_place_outside_the_data_says_so() {
    let near_sample = expected_names(None, 15);
    let setup = Setup {
        position: Some((121.4700, 31.2300, 30.0)),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near_sample.len()))
            .await;
        page.click_button("使用我的位置").await;
        page.wait_for_count("共 0 处").await;
        let empty = page.text_of(".empty").await.unwrap();
        assert!(
            empty.starts_with("这个位置不在数据覆盖范围内：数据只包括北京市各区。"),
            "{empty}"
        );
        let buttons = page.texts_of(".empty button").await;
        assert!(buttons.is_empty(), "nothing to widen or clear: {buttons:?}");
    })
    .await;
}

#[tokio::test]
async fn a_refused_location_keeps_the_search_and_says_why() {
    let near_sample = expected_names(None, 15);
    let setup = Setup {
        deny_location: true,
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near_sample.len()))
            .await;
        page.click_button("使用我的位置").await;
        page.eventually("the refusal message", || async {
            page.text_of(".locate-status")
                .await
                .filter(|t| t.starts_with("您没有允许获取位置"))
        })
        .await;
        assert_eq!(page.result_names().await, near_sample);
        assert!(!page.url().await.contains("pos="));
    })
    .await;
}

/// In English a community reads with its district's English name, as the
/// district select says it ("Dongcheng, 交道口街道 示例第…社区"), the rest
/// marked as Chinese: in the picker's matches and on the position line.
#[tokio::test]
async fn in_english_a_community_reads_with_its_districts_english_name() {
    let place = first_place("交道口");
    let rest = format!("{} {}", place.subdistrict, place.community);
    with_finder(move |page| async move {
        page.to_english().await;
        page.click(".picker summary").await;
        let search = page
            .eventually("the search", || async {
                page.client.find(Locator::Id("community-search")).await.ok()
            })
            .await;
        search.send_keys("jiaodaokou").await.unwrap();
        let english = format!("Dongcheng, {rest}");
        page.wait_for_text(".matches .match", &english).await;
        let marked = page
            .client
            .execute(
                "const m = document.querySelector('.matches .match');
                 return [m.getAttribute('lang'), m.querySelector('span[lang=zh-CN]').textContent];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(marked, serde_json::json!([null, rest]));
        page.click(".matches .match").await;
        page.wait_for_text(
            ".position-name",
            &format!("{english} (near the community centre)"),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn choosing_a_community_searches_from_it() {
    let place = first_place("交道口");
    let near = expected_from(place.position(), &Filters::default(), any_time());
    assert!(!near.is_empty());
    let label = place.label();
    with_finder(move |page| async move {
        page.click(".picker summary").await;
        let search = page
            .eventually("the community search", || async {
                page.client.find(Locator::Id("community-search")).await.ok()
            })
            .await;
        // One status line says what the search found, for screen readers
        // too; the list itself is not read out on every key.
        // Pinyin still being composed by an input method is not searched
        // (it would find nothing, and say so, on every key): the
        // characters are, when the composition ends.
        let composing = page
            .client
            .execute(
                "const s = document.getElementById('community-search');
                 s.value = 'miaomiao';
                 s.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true }));
                 return new Promise((done) => requestAnimationFrame(() => setTimeout(
                   () => done(document.querySelector('.match-count').textContent), 100)));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(composing, "", "pinyin being composed is not searched");
        page.client
            .execute(
                "const s = document.getElementById('community-search');
                 s.value = '喵喵喵';
                 s.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '喵喵喵' }));",
                vec![],
            )
            .await
            .unwrap();
        page.wait_for_text(".match-count", "没有找到，换个字或拼音试试。")
            .await;
        // Pinyin typed without an input method finds the same places:
        // whole syllables, or only their first letters.
        for typed in ["jiaodaokou", "jdk"] {
            search.clear().await.unwrap();
            search.send_keys(typed).await.unwrap();
            page.wait_for_text(".matches .match", &label).await;
        }
        search.clear().await.unwrap();
        search.send_keys("交道口").await.unwrap();
        let first = page
            .eventually("the matches", || async {
                page.client.find(Locator::Css(".matches .match")).await.ok()
            })
            .await;
        assert_eq!(first.text().await.unwrap(), label);
        let status = page
            .client
            .execute(
                "const s = document.querySelector('.match-count');
                 return [s.getAttribute('role'), s.textContent, document.querySelectorAll('.matches .match').length,
                         document.querySelector('.matches').getAttribute('aria-live')];",
                vec![],
            )
            .await
            .unwrap();
        let listed = status[2].as_u64().unwrap();
        assert_eq!(status[0], "status");
        assert!(
            status[1] == format!("找到 {listed} 个") || status[1].as_str().unwrap().starts_with("找到 8 个以上"),
            "{status}"
        );
        assert!(status[3].is_null(), "the list is not a live region");
        // The count is said once for the new place: the list keeps the
        // last place's rows until the new place's data is in, rather than
        // showing (and saying) rows of the old data around the new place,
        // and it is not drawn anew when the data comes.
        page.client
            .execute(
                "const count = document.querySelector('.count');
                 window.countSaid = [];
                 window.countNode = count;
                 new MutationObserver(() => window.countSaid.push(count.textContent))
                   .observe(count, { subtree: true, childList: true, characterData: true });",
                vec![],
            )
            .await
            .unwrap();
        first.click().await.unwrap();
        page.wait_for_text(".position-name", &format!("{label}（社区中心附近）"))
            .await;
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let said = page
            .eventually_js(
                "the new place's data in",
                "return document.querySelector('.results[aria-busy]') ? null
                   : new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
                       done([window.countSaid, window.countNode === document.querySelector('.count')]))));",
            )
            .await;
        assert_eq!(
            said,
            serde_json::json!([[format!("共 {} 处", near.len())], true]),
            "one change of the count, in the same element"
        );
        assert_eq!(page.result_names().await, near);
        // The choice is said where it was made, with a way to the list.
        page.wait_for_text(".picked", &format!("已选择：{label}查看附近设施"))
            .await;
        // Right below the matches, where the tap was, with the chosen one
        // marked (for screen readers too: aria-current), and on screen.
        let line = page
            .client
            .execute(
                "const p = document.querySelector('.picked'); const r = p.getBoundingClientRect();
                 return [p.previousElementSibling.className, document.querySelector('.match.chosen[aria-current=true]').textContent,
                         r.top >= 0 && r.bottom <= innerHeight];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(line[0], "matches", "{line}");
        assert_eq!(line[1], label.as_str(), "{line}");
        assert_eq!(line[2], true, "{line}");
        // The steps below show the same community, not 请选择 beside it.
        let steps = page
            .eventually_js(
                "the steps at the chosen community",
                "const shown = (id) => document.getElementById(id).selectedOptions[0].text;
                 const steps = [shown('pick-district'), shown('pick-subdistrict'), shown('pick-community')];
                 return steps[2] === '请选择' ? null : steps;",
            )
            .await;
        assert_eq!(
            steps,
            serde_json::json!([place.district_name, place.subdistrict, place.community])
        );
        page.click(".picked .to-results").await;
        page.wait_for_focus_on("results-heading").await;
        page.url_when("the community in the URL", |u| u.contains("near="))
            .await;
        // Step by step gives the same place.
        page.open(page.url().await.split(['?', '#']).next().unwrap())
            .await;
        page.click(".picker summary").await;
        page.eventually("the district list", || async {
            page.client.find(Locator::Id("pick-district")).await.ok()
        })
        .await;
        page.select("pick-district", &place.district_name).await;
        page.select("pick-subdistrict", &place.subdistrict).await;
        page.select("pick-community", &place.community).await;
        page.wait_for_text(".position-name", &format!("{label}（社区中心附近）"))
            .await;
        let chosen_url = page
            .url_when("the community in the URL", |u| u.contains("near="))
            .await;
        // The arrow keys on the community list browse without choosing
        // (each choice moves the search and is read out); Enter chooses
        // the community shown, in one history entry, and Back returns to
        // the community chosen before. The select is a customizable one
        // (`appearance: base-select`, so that long names wrap): the first
        // arrow key opens its list, the next moves through it.
        let history_length = || async {
            page.client
                .execute("return history.length", vec![])
                .await
                .unwrap()
                .as_u64()
                .unwrap()
        };
        let entries = history_length().await;
        let neighbour = page
            .client
            .execute(
                "const s = document.getElementById('pick-community');
                 const values = [...s.options].map(o => o.value).filter(v => v);
                 const i = values.indexOf(arguments[0]);
                 return i + 1 < values.length ? [values[i + 1], 'down'] : [values[i - 1], 'up'];",
                vec![serde_json::json!(place.community)],
            )
            .await
            .unwrap();
        let other = neighbour[0].as_str().unwrap().to_owned();
        let key = if neighbour[1] == "down" { '\u{E015}' } else { '\u{E013}' };
        page.client
            .execute("document.getElementById('pick-community').focus()", vec![])
            .await
            .unwrap();
        // What the list shows two frames on: whether it is open, the
        // option with the focus, the select's value, the search's place
        // and the URL.
        let state = || async {
            page.client
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     requestAnimationFrame(() => requestAnimationFrame(() => {
                       const s = document.getElementById('pick-community');
                       const a = document.activeElement;
                       done([s.matches(':open'), a.tagName === 'OPTION' ? a.value : null, s.value,
                             document.querySelector('.position-name').textContent, location.href]);
                     }));",
                    vec![],
                )
                .await
                .unwrap()
        };
        let here = format!("{label}（社区中心附近）");
        page.press(key).await;
        assert_eq!(
            state().await,
            serde_json::json!([true, place.community, place.community, here, chosen_url]),
            "an arrow key opens the list at the chosen community"
        );
        page.press(key).await;
        assert_eq!(
            state().await,
            serde_json::json!([true, other, place.community, here, chosen_url]),
            "the next arrow key browses the list and does not move the search"
        );
        let described = page
            .eventually_js(
                "the select's key hint",
                "const s = document.getElementById('pick-community'); const d = document.getElementById(s.getAttribute('aria-describedby')); return d && d.textContent",
            )
            .await;
        assert_eq!(described, "用方向键浏览社区，按回车键选定，按 Esc 键取消。");
        // Escape closes the list and keeps the community chosen before.
        page.press('\u{E00C}').await;
        assert_eq!(
            state().await,
            serde_json::json!([false, null, place.community, here, chosen_url]),
            "Escape keeps the chosen community"
        );
        // Each key after the last has been answered, as a person looks
        // before the next.
        page.press(key).await;
        assert_eq!(state().await[0], true, "the list opens again");
        page.press(key).await;
        assert_eq!(state().await[1], other.as_str(), "the other community browsed to");
        page.press('\u{E007}').await;
        page.eventually("the browsed community chosen with Enter", || async {
            page.text_of(".position-name")
                .await
                .filter(|t| t.contains(other.as_str()))
        })
        .await;
        page.url_when("the new community in the URL", |u| u != chosen_url)
            .await;
        assert_eq!(history_length().await, entries + 1, "Enter makes one history entry");
        page.client.back().await.unwrap();
        page.wait_for_text(".position-name", &here).await;
    })
    .await;
}

/// A new place whose list has as many places as the last is said so: the
/// count's own text does not change, and would say nothing.
#[tokio::test]
async fn a_new_place_with_the_same_count_says_so() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let list = linli_facilities::places::PlaceList::from_json(
        &std::fs::read_to_string(dir.join("places.json")).unwrap(),
    )
    .unwrap();
    let count = |p: &linli_facilities::places::Place| {
        expected_from(p.position(), &Filters::default(), any_time()).len()
    };
    // Two communities of one sub-district with the same, non-zero count.
    let (a, b) = list
        .districts()
        .into_iter()
        .flat_map(|(d, _)| list.subdistricts(d).into_iter().map(move |s| (d, s)))
        .find_map(|(d, s)| {
            let here = list.communities(d, s);
            here.iter().enumerate().find_map(|(i, a)| {
                let n = count(a);
                here[i + 1..]
                    .iter()
                    .find(|b| n > 0 && count(b) == n)
                    .map(|b| ((*a).clone(), (*b).clone()))
            })
        })
        .expect("the sample has two such communities");
    let n = count(&a);
    with_finder(move |page| async move {
        page.click(".picker summary").await;
        page.eventually("the district list", || async {
            page.client.find(Locator::Id("pick-district")).await.ok()
        })
        .await;
        page.select("pick-district", &a.district_name).await;
        page.select("pick-subdistrict", &a.subdistrict).await;
        page.select("pick-community", &a.community).await;
        page.wait_for_text(".position-name", &format!("{}（社区中心附近）", a.label()))
            .await;
        page.wait_for_count(&format!("共 {n} 处")).await;
        page.select("pick-community", &b.community).await;
        page.wait_for_text(".position-name", &format!("{}（社区中心附近）", b.label()))
            .await;
        page.eventually("the same count said for the new place", || async {
            page.client
                .execute(
                    "return document.querySelector('.same-count').textContent",
                    vec![],
                )
                .await
                .ok()
                .filter(|t| {
                    t.as_str().map(|t| t.trim_end_matches('\u{a0}'))
                        == Some(&format!("已按新位置查找，仍为共 {n} 处"))
                })
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_map_and_the_list_follow_each_other() {
    let near = expected_names(None, 15);
    assert!(near.len() >= 2);
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let first_name = page.text_of(".position-name").await.unwrap();
        assert_eq!(
            page.wait_for_markers().await,
            near.len(),
            "one marker per result"
        );
        // Choosing the second marker selects the second row.
        page.click(".map .marker:nth-of-type(2)").await;
        let second_id = page
            .client
            .execute("return document.querySelectorAll('.result')[1].dataset.id", vec![])
            .await
            .unwrap();
        let selected_row = page
            .eventually_js(
                "a selected row",
                "const r = document.querySelector('.result.selected'); return r && r.dataset.id",
            )
            .await;
        let marker_id = page
            .client
            .execute("return document.querySelector('.marker.selected').dataset.id", vec![])
            .await
            .unwrap();
        assert_eq!(selected_row, marker_id);
        // Tab from the chosen marker (the map's tab stop) goes to its row's
        // link, and the choice stays.
        let focused = tab_from_the_maps_tab_stop(&page).await;
        assert_eq!(focused, serde_json::json!([true, second_id, second_id]));
        // Shift+Tab to the first row's link selects its marker: the
        // keyboard's focus chooses.
        page.press_with_shift('\u{E004}').await;
        let first_id = page
            .client
            .execute("return document.querySelector('.result').dataset.id", vec![])
            .await
            .unwrap();
        page.eventually("the first marker selected", || async {
            let id = page
                .client
                .execute("return document.querySelector('.marker.selected').dataset.id", vec![])
                .await
                .ok()?;
            (id == first_id).then_some(())
        })
        .await;
        assert_ne!(first_id, second_id);
        // A second round of Tab: the focus on the last row chose it, and
        // its marker is the map's tab stop; Tab from there, with nothing
        // chosen on the map, goes on in the page's order, to the first
        // row's link, so that no row is skipped.
        page.client
            .execute(
                "const links = document.querySelectorAll('.result .name a'); links[links.length - 1].focus();",
                vec![],
            )
            .await
            .unwrap();
        let last_id = page
            .eventually_js(
                "the last marker the tab stop",
                "const m = document.querySelector('.map g.marker[tabindex=\"0\"]'); const rows = document.querySelectorAll('.result');
                 return m && m.classList.contains('selected') && m.dataset.id === rows[rows.length - 1].dataset.id ? m.dataset.id : null",
            )
            .await;
        assert_ne!(last_id, first_id);
        let focused = tab_from_the_maps_tab_stop(&page).await;
        assert_eq!(
            focused,
            serde_json::json!([true, first_id, first_id]),
            "Tab from a marker not chosen on the map"
        );
        // A tap on the map, near its top left corner and away from the
        // markers, searches from there.
        page.client
            .execute(
                "const svg = document.querySelector('.map svg'); const r = svg.getBoundingClientRect();
                 svg.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.left + 20, clientY: r.top + 20 }));",
                vec![],
            )
            .await
            .unwrap();
        page.wait_for_text(".position-name", "地图上选择的位置").await;
        page.url_when("a map position in the URL", |u| u.contains("src=map"))
            .await;
        // A tap meant for a marker can move the search: the place before
        // the first of the taps is offered back, and the way back goes.
        let before = page.text_of(".undo-map").await.expect("the way back");
        page.client
            .execute(
                "const svg = document.querySelector('.map svg'); const r = svg.getBoundingClientRect();
                 svg.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.right - 20, clientY: r.top + 20 }));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(page.text_of(".undo-map").await, Some(before.clone()));
        assert_eq!(before, "回到示例位置", "none was chosen before the taps");
        page.click(".undo-map").await;
        page.url_when("no map position in the URL", |u| !u.contains("src=map"))
            .await;
        page.eventually_js(
            "the way back gone",
            "return document.querySelector('.undo-map') ? null : true",
        )
        .await;
        assert_eq!(page.text_of(".position-name").await, Some(first_name));
    })
    .await;
}

/// Focuses the map's tab stop and presses Tab: whether the focus is then
/// on a row's link, that row's id and the chosen marker's id.
async fn tab_from_the_maps_tab_stop(page: &FinderPage) -> serde_json::Value {
    page.client
        .execute(
            "document.querySelector('.map g.marker[tabindex=\"0\"]').focus()",
            vec![],
        )
        .await
        .unwrap();
    page.press('\u{E004}').await;
    page.client
        .execute(
            "const a = document.activeElement;
             return [a.matches('.name a'), a.closest('.result')?.dataset.id, document.querySelector('.marker.selected')?.dataset.id]",
            vec![],
        )
        .await
        .unwrap()
}

/// The walking speed chosen last time is the one the app opens with from
/// its icon (no search in its URL); a shared link keeps its own.
#[tokio::test]
async fn the_walking_speed_is_remembered_for_the_next_visit() {
    with_finder(|page| async move {
        let checked = "return [...document.querySelectorAll('input[name=speed]')].filter(r => r.checked).map(r => r.value)";
        page.click("input[name=speed][value=senior]").await;
        page.url_when("the senior speed in the URL", |u| u.contains("speed=senior"))
            .await;
        let app = std::env::var("LINLI_APP_URL").expect("LINLI_APP_URL");
        page.open(&app).await;
        let speed = page
            .eventually_js("the speed chosen", &format!("const c = (() => {{ {checked} }})(); return c.length ? c : null;"))
            .await;
        assert_eq!(speed, serde_json::json!(["senior"]), "from the icon");
        // A link without a speed is read as the link says: standard.
        page.open(&format!("{app}?walk=20")).await;
        let speed = page
            .eventually_js("the speed chosen", &format!("const c = (() => {{ {checked} }})(); return c.length ? c : null;"))
            .await;
        assert_eq!(speed, serde_json::json!(["standard"]), "from a link");
    })
    .await;
}
