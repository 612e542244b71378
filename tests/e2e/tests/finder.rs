//! The finder, end to end: the release build served over HTTP with the
//! published sample dataset, in headless Chromium.

use fantoccini::Locator;
use linli_e2e::{
    FinderPage, Setup, cdp, expected, expected_from, expected_names, meals_open_at, phone_screen,
    with_finder, with_setup,
};
use linli_facilities::finder::{AgeBand, Filters, OpenAt};
use linli_facilities::model::{Category, ServiceFunction};

#[tokio::test]
async fn lists_facilities_within_the_walk_nearest_first_and_filters() {
    let near = expected_names(None, 15);
    let everything = expected_names(None, 30);
    let infant_care = expected_names(Some(ServiceFunction::InfantCare), 30);
    assert!(
        !near.is_empty() && near.len() < everything.len(),
        "the sample suits this test"
    );
    assert!(!infant_care.is_empty() && infant_care.len() < everything.len());

    with_finder(move |page| async move {
        // A 15-minute walk is the default.
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let banner = page.text_of(".sample-banner").await.expect("sample banner");
        assert!(banner.starts_with("示例数据"), "{banner}");
        assert_eq!(page.result_names().await, near);
        let first = page.text_of(".result .distance").await.unwrap();
        assert!(
            first.starts_with("步行约 ") && first.contains(" 分钟 · 直线 "),
            "{first}"
        );
        let state = page.text_of(".result .open-state").await.unwrap();
        assert!(
            ["营业中", "部分服务营业中", "现在未营业", "营业时间未知"].contains(&state.as_str()),
            "{state}"
        );

        page.choose_walk("30 分钟以内").await;
        page.wait_for_count(&format!("共 {} 处", everything.len()))
            .await;
        assert_eq!(page.result_names().await, everything);

        page.choose_service("婴幼儿托育").await;
        page.wait_for_count(&format!("共 {} 处", infant_care.len()))
            .await;
        assert_eq!(page.result_names().await, infant_care);
        for chips in page.result_functions().await {
            assert_eq!(
                chips[0], "婴幼儿托育",
                "the searched service comes first: {chips:?}"
            );
        }
        // Each row lists its infant-care service with today's hours and state.
        let lines = page.texts_of(".result .service").await;
        assert!(lines.len() >= infant_care.len());
        for text in lines {
            assert!(text.starts_with("婴幼儿托育"), "{text}");
            let known = [
                "营业中",
                "即将营业",
                "即将结束营业",
                "现在未营业",
                "营业时间未知",
                "今日休息",
            ];
            assert!(known.iter().any(|k| text.ends_with(k)), "{text}");
            // Nothing said twice: "closed today" needs no "closed now".
            assert!(
                text.matches("营业时间未知").count() <= 1
                    && !(text.contains("今日休息") && text.contains("现在未营业")),
                "{text}"
            );
        }

        page.choose_service("全部服务").await;
        page.wait_for_count(&format!("共 {} 处", everything.len()))
            .await;
    })
    .await;
}

#[tokio::test]
async fn switches_to_english_and_keeps_the_filters() {
    let meals = expected_names(Some(ServiceFunction::Meals), 30);
    assert!(!meals.is_empty());
    with_finder(move |page| async move {
        page.choose_walk("30 分钟以内").await;
        page.choose_service("社区助餐").await;
        page.wait_for_count(&format!("共 {} 处", meals.len())).await;
        page.click_button("English").await;
        page.wait_for_count(&format!("{} facilities", meals.len())).await;
        assert_eq!(
            page.text_of("h2").await.unwrap(),
            "Nearby facilities, nearest first"
        );
        let first = page.result_names().await.remove(0);
        assert!(
            first.starts_with("Sample "),
            "English names are shown: {first}"
        );
        // The map's markers name it the same way for screen readers.
        page.wait_for_markers().await;
        let marker = page
            .client
            .execute(
                "return document.querySelector('g.marker').getAttribute('aria-label')",
                vec![],
            )
            .await
            .unwrap();
        let walk = page.text_of(".result .distance strong").await.unwrap();
        assert_eq!(
            marker.as_str().unwrap(),
            format!("Result 1: {first}, {walk}"),
            "the first row reads {walk:?}"
        );
        let lang = page
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        assert_eq!(lang, "en");
        // In English a quotation mark comes from a Latin font and is
        // narrow, while text marked Chinese keeps the Chinese font's
        // full-width mark: widths in ems.
        let widths = page
            .client
            .execute(
                "const width = (lang) => {
                   const p = document.createElement('p');
                   if (lang) p.lang = lang;
                   p.textContent = '“';
                   document.querySelector('main').append(p);
                   const r = document.createRange();
                   r.selectNodeContents(p);
                   const w = r.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize);
                   p.remove();
                   return w;
                 };
                 return [width(null), width('zh-CN')];",
                vec![],
            )
            .await
            .unwrap();
        let (latin, chinese) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
        assert!(latin < 0.6 && chinese > 0.8, "{widths}");
        // The device remembers the choice: the next visit is in English.
        let address = page
            .url_when("the filters in the URL", |u| u.contains("svc=meals"))
            .await;
        page.open(&address).await;
        page.wait_for_count(&format!("{} facilities", meals.len())).await;
        page.click_button("中文").await;
        page.wait_for_count(&format!("共 {} 处", meals.len())).await;
        assert_eq!(page.result_names().await[0], meals[0]);
    })
    .await;
}

#[tokio::test]
async fn filters_live_in_the_url_for_links_and_back() {
    let all30 = expected_names(None, 30);
    let meals30 = expected_names(Some(ServiceFunction::Meals), 30);
    let near = expected_names(None, 15);
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        page.choose_walk("30 分钟以内").await;
        page.wait_for_count(&format!("共 {} 处", all30.len())).await;
        // Among every service, free places name their service, as the
        // price does.
        let places = page
            .client
            .execute(
                "return [...document.querySelectorAll('.result .places')].map(p => p.textContent)",
                vec![],
            )
            .await
            .unwrap();
        let places: Vec<String> = serde_json::from_value(places).unwrap();
        assert!(!places.is_empty(), "the sample has free places within 30 minutes");
        for text in &places {
            assert!(
                ["（养老服务，", "（婴幼儿托育，", "（儿童托管，"]
                    .iter()
                    .any(|f| text.contains(f)),
                "{text}"
            );
        }
        page.choose_service("社区助餐").await;
        page.wait_for_count(&format!("共 {} 处", meals30.len())).await;
        let link = page
            .url_when("the search in the URL", |u| u.ends_with("/?svc=meals&walk=30"))
            .await;

        // Back steps through the searches, forward returns, and the
        // controls say what is searched.
        let walk_shown = || async {
            page.client
                .execute("return document.getElementById('walk-filter').value", vec![])
                .await
                .unwrap()
        };
        page.client.back().await.unwrap();
        page.wait_for_count(&format!("共 {} 处", all30.len())).await;
        page.client.back().await.unwrap();
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        assert_eq!(walk_shown().await, serde_json::json!("15"));
        page.client.forward().await.unwrap();
        page.wait_for_count(&format!("共 {} 处", all30.len())).await;
        assert_eq!(walk_shown().await, serde_json::json!("30"));

        // A shared link reproduces the search, controls included.
        page.open(&link).await;
        page.wait_for_count(&format!("共 {} 处", meals30.len())).await;
        assert_eq!(page.result_names().await, meals30);
        let chosen = page
            .client
            .execute("return [document.querySelector('input[name=function]:checked').value, document.getElementById('walk-filter').value]", vec![])
            .await
            .unwrap();
        assert_eq!(chosen, serde_json::json!(["meals", "30"]));
        // A meal's price says what it buys, as the facility page does.
        let notes = page
            .client
            .execute(
                "return [...document.querySelectorAll('.result .price span[lang=zh-CN]')].map(s => s.textContent)",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            notes.as_array().is_some_and(|n| n.contains(&serde_json::json!("一荤两素"))),
            "{notes}"
        );
        // A canteen's row leads with the price everyone pays, then the
        // lower one for some, with whom it is for.
        let prices = page.texts_of(".result .price").await;
        assert!(
            prices.iter().any(|p| p == "最低 13 元/餐（一荤两素）；低保及低收入家庭、残疾人 6 元/餐"),
            "{prices:?}"
        );
    })
    .await;
}

/// Types `text` into the emptied maximum price, staying in the field.
/// Emptied without a change event: WebDriver's clear sends one, which would
/// remove the maximum before the new one is typed.
async fn type_into_price(page: &FinderPage, text: &str) {
    page.client
        .execute("document.getElementById('price-filter').value = ''", vec![])
        .await
        .unwrap();
    let price = page.client.find(Locator::Id("price-filter")).await.unwrap();
    price.send_keys(text).await.unwrap();
}

/// Types `text` into the emptied maximum price and leaves the field, as a
/// resident does.
async fn type_price(page: &FinderPage, text: &str) {
    type_into_price(page, text).await;
    page.client
        .execute(
            "document.getElementById('price-filter').dispatchEvent(new Event('change'))",
            vec![],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn free_places_and_price_narrow_the_list() {
    let infant = Filters {
        functions: vec![ServiceFunction::InfantCare],
        walk_minutes: 30,
        ..Filters::default()
    };
    let all = expected(&infant);
    let with_places = expected(&Filters {
        free_places: true,
        ..infant.clone()
    });
    assert!(
        !with_places.is_empty() && with_places.len() < all.len(),
        "the sample suits this test"
    );
    // A maximum monthly fee that leaves out some of those.
    let capped_at: u32 = 3000;
    let capped = expected(&Filters {
        free_places: true,
        max_price_yuan: Some(f64::from(capped_at)),
        ..infant.clone()
    });
    assert!(
        !capped.is_empty() && capped.len() < with_places.len(),
        "the sample suits this test: {} of {}",
        capped.len(),
        with_places.len()
    );
    let capped_any = expected(&Filters {
        max_price_yuan: Some(f64::from(capped_at)),
        ..infant.clone()
    });
    assert!(capped_any.len() < all.len(), "the sample suits this test");
    with_finder(move |page| async move {
        page.choose_walk("30 分钟以内").await;
        page.choose_service("婴幼儿托育").await;
        page.wait_for_count(&format!("共 {} 处", all.len())).await;
        // Each infant care says whether it is free, 普惠 or commercial, and
        // the ages it takes.
        let metas = page
            .client
            .execute(
                "return [...document.querySelectorAll('.result .service-meta')].map(m => m.textContent)",
                vec![],
            )
            .await
            .unwrap();
        let metas: Vec<String> = serde_json::from_value(metas).unwrap();
        assert!(!metas.is_empty());
        for meta in &metas {
            assert!(
                ["基本公共服务 · 适用年龄：", "普惠服务 · 适用年龄：", "便民商业 · 适用年龄："]
                    .iter()
                    .any(|m| meta.starts_with(m)),
                "{meta}"
            );
            // "3–6 岁" is not broken between the number and its unit.
            assert!(!meta.contains(" 岁") && !meta.contains(" 个月"), "{meta:?}");
        }
        page.open_more_filters().await;
        let label = page
            .client
            .execute(
                "return document.getElementById('free-places').parentElement.textContent",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            label, "只看有空余托位的",
            "the filter names what infant care counts"
        );
        page.client
            .find(Locator::Id("free-places"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page.wait_for_count(&format!("共 {} 处", with_places.len())).await;
        assert_eq!(page.result_names().await, with_places);
        page.url_when("free=1 in the URL", |u| u.contains("free=1"))
            .await;
        // A price that is not a whole number of yuan from 1 to a million
        // is said so, with the maximum the search keeps.
        type_price(&page, &capped_at.to_string()).await;
        page.wait_for_count(&format!("共 {} 处", capped.len())).await;
        type_price(&page, "0").await;
        page.wait_for_text(
            ".field-problem",
            &format!("最高价格要大于 0 元，或留空表示不限；仍按最高 {capped_at} 元筛选。"),
        )
        .await;
        type_price(&page, "99999999999").await;
        page.wait_for_text(
            ".field-problem",
            &format!("最高价格不能超过 100 万元，或留空表示不限；仍按最高 {capped_at} 元筛选。"),
        )
        .await;
        type_price(&page, "2.5").await;
        page.wait_for_text(
            ".field-problem",
            &format!("最高价格要填整数（元），或留空表示不限；仍按最高 {capped_at} 元筛选。"),
        )
        .await;
        let invalid = page
            .client
            .execute(
                "return document.getElementById('price-filter').getAttribute('aria-invalid')",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(invalid, "true");
        page.wait_for_count(&format!("共 {} 处", capped.len())).await;
        // Each row says the price the maximum compared: one for everyone,
        // within it, in yuan a month.
        for price in page.texts_of(".result .price").await {
            let yuan: u32 = price
                .split(|c: char| !c.is_ascii_digit())
                .find(|n| !n.is_empty())
                .and_then(|n| n.parse().ok())
                .unwrap_or(u32::MAX);
            assert!(
                yuan <= capped_at && price.contains("元/月") && !price.contains("适用"),
                "{price}"
            );
        }
        page.url_when("the maximum kept in the URL", |u| {
            u.contains(&format!("max={capped_at}"))
        })
        .await;
        // Back to the search before the maximum: the message goes with it.
        page.client.back().await.unwrap();
        page.wait_for_count(&format!("共 {} 处", with_places.len())).await;
        page.wait_for_text(".field-problem", "").await;
        // A price no infant care is offered at leaves an empty list, with advice.
        type_price(&page, "1").await;
        page.wait_for_count("共 0 处").await;
        page.wait_for_text(".field-problem", "").await;
        let empty = page.text_of(".empty").await.unwrap();
        assert!(empty.starts_with("步行范围内没有符合条件的设施。下面的办法能找到一些："), "{empty}");
        // No longer walk finds infant care at 1 yuan, so none is offered;
        // clearing the other filters says what it finds.
        let offers = page.texts_of(".empty button").await;
        assert_eq!(offers, [format!("清除其他筛选条件（{} 处）", all.len())]);
        // Clearing the other filters keeps the service and the walk: the
        // infant care within the walk is listed again.
        page.click(".clear-filters").await;
        page.wait_for_count(&format!("共 {} 处", all.len())).await;
        // The button went with the empty list: the focus is on the
        // results' heading, not back at the page's start.
        page.wait_for_focus_on("results-heading").await;
        page.url_when("no filter but the service and the walk in the URL", |u| {
            u.contains("svc=infant_care") && !u.contains("free=1") && !u.contains("max=")
        })
        .await;
        // Typed with nothing else tapped (a phone's keyboard still open),
        // the maximum applies after a pause.
        type_into_price(&page, &capped_at.to_string()).await;
        page.wait_for_count(&format!("共 {} 处", capped_any.len())).await;
        type_price(&page, "").await;
        page.wait_for_count(&format!("共 {} 处", all.len())).await;
        // Meals count no places: the filter is not offered for them.
        page.choose_service("社区助餐").await;
        page.eventually_js(
            "no free-places filter for meals",
            "return document.getElementById('free-places') ? null : true",
        )
        .await;
        // Ticked for infant care, it stays for elder care (which counts
        // beds) and goes for meals (which count none, so it would leave
        // the list empty).
        page.choose_service("婴幼儿托育").await;
        page.click("#free-places").await;
        page.url_when("free places in the URL", |u| u.contains("free=1"))
            .await;
        page.choose_service("养老服务").await;
        page.url_when("elder care with free beds in the URL", |u| {
            u.contains("svc=elder_care") && u.contains("free=1")
        })
        .await;
        page.wait_for_text("label:has(#free-places)", "只看有空余床位的")
            .await;
        page.choose_service("社区助餐").await;
        page.url_when("meals without free places in the URL", |u| {
            u.contains("svc=meals") && !u.contains("free=1")
        })
        .await;
        page.eventually_js(
            "no free-places filter for meals",
            "return document.getElementById('free-places') ? null : true",
        )
        .await;
        page.choose_service("健康服务").await;
        page.eventually_js(
            "no free-places filter for health",
            "return document.getElementById('free-places') ? null : true",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn elder_mode_enlarges_text_and_is_remembered() {
    // 长辈模式 brings the senior walking speed: fewer places within 15
    // minutes.
    let (near, near_slowly) = near_at_both_speeds();
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let size = "let s = getComputedStyle(document.body); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]";
        let before = page.client.execute(size, vec![]).await.unwrap();
        page.click_button("长辈模式").await;
        page.wait_for_count(&format!("共 {} 处", near_slowly.len())).await;
        assert_senior_speed(&page).await;
        page.eventually("larger text", || async {
            let after = page.client.execute(size, vec![]).await.ok()?;
            (after[0].as_f64()? >= 20.0).then_some(after)
        })
        .await;
        let after = page.client.execute(size, vec![]).await.unwrap();
        let (font, line) = (after[0].as_f64().unwrap(), after[1].as_f64().unwrap());
        assert!(font > before[0].as_f64().unwrap(), "{before} -> {after}");
        assert!(line / font >= 1.3, "line spacing {line}/{font}");
        // Touch targets of at least 48 px, and text that fits the screen.
        let smallest = page
            .client
            .execute("return Math.min(...[...document.querySelectorAll('button, select, input:not([type=radio]):not([type=checkbox]), .function-choice, summary')].filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height))", vec![])
            .await
            .unwrap();
        assert!(smallest.as_f64().unwrap() >= 48.0, "smallest target {smallest}");
        // The simpler layout: no service chips, one column.
        let chips = page
            .client
            .execute("return [...document.querySelectorAll('.result .functions')].filter(e => e.offsetParent).length", vec![])
            .await
            .unwrap();
        assert_eq!(chips, 0);
        // The device remembers it.
        page.client.refresh().await.unwrap();
        page.wait_for_count(&format!("共 {} 处", near_slowly.len())).await;
        let pressed = page
            .client
            .execute("return document.querySelector('.elder-switch').getAttribute('aria-pressed')", vec![])
            .await
            .unwrap();
        assert_eq!(pressed, "true");
    })
    .await;
}

/// 长辈模式 switched on from a facility page brings the senior walking
/// speed when the resident is back at the list, not on the facility page
/// (whose history entry the finder's change would overwrite).
#[tokio::test]
async fn elder_mode_switched_on_elsewhere_brings_the_senior_speed_back_at_the_list() {
    let (near, near_slowly) = near_at_both_speeds();
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let name = page.text_of(".result .name").await.expect("a result");
        page.click(".result .name a").await;
        page.wait_for_text("#facility-heading", &name).await;
        let facility_url = page.url().await;
        page.click_button("长辈模式").await;
        page.eventually_js(
            "elder mode on",
            "return document.documentElement.classList.contains('elder') || null",
        )
        .await;
        assert_eq!(
            page.url().await,
            facility_url,
            "the facility page's entry stays"
        );
        let entries = "return history.length";
        let before = page.client.execute(entries, vec![]).await.unwrap();
        page.click_button("← 返回查找结果").await;
        page.wait_for_count(&format!("共 {} 处", near_slowly.len()))
            .await;
        assert_senior_speed(&page).await;
        // The list's entry was rewritten, not a new one added: Forward
        // still goes to the facility page.
        let after = page.client.execute(entries, vec![]).await.unwrap();
        assert_eq!(after, before, "no entry added");
        page.client.forward().await.unwrap();
        page.wait_for_text("#facility-heading", &name).await;
    })
    .await;
}

/// The places within 15 minutes at the standard and at the senior speed.
fn near_at_both_speeds() -> (Vec<String>, Vec<String>) {
    let near = expected_names(None, 15);
    let near_slowly = expected(&Filters {
        walk_minutes: 15,
        walking: linli_facilities::geometry::WalkingModel::SENIOR,
        ..Filters::default()
    });
    assert!(near_slowly.len() < near.len(), "the sample suits this test");
    (near, near_slowly)
}

/// The senior speed is checked, and in the URL.
async fn assert_senior_speed(page: &FinderPage) {
    let checked = page
        .client
        .execute(
            "return document.querySelector('input[name=speed]:checked').value",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(checked, "senior");
    page.url_when("the senior speed in the URL", |u| {
        u.contains("speed=senior")
    })
    .await;
}

/// A load that failed says what to do in plain words, with the address
/// and the browser's message folded under 技术详情. Its retry button goes
/// with the panel, and the focus, which had fallen to the page's body,
/// now goes on: in the finder to the results' heading; in the community
/// picker to the new retry button when the retry fails again, and to the
/// search once the list has come; on a facility page to the new retry
/// button, and to the page's heading once its data has come.
#[tokio::test]
async fn a_failed_load_says_what_to_do_and_its_retry_keeps_the_focus() {
    let near = expected_names(None, 15);
    let first = linli_e2e::facility_named(&near[0]);
    with_finder(move |page| async move {
        page.eventually("the results", || async {
            page.count_text().await.filter(|t| t.starts_with("共 "))
        })
        .await;
        let offline = "连不上服务器，可能是网络不通。请检查网络后重试。";
        let enter_on = |selector: &'static str| {
            let page = &page;
            async move {
                let focus = format!("document.querySelector('{selector}').focus();");
                page.client.execute(&focus, vec![]).await.unwrap();
                page.press('\u{E007}').await;
            }
        };
        let focused_on = |selector: &'static str| {
            let page = &page;
            async move {
                page.eventually_js(
                    &format!("the focus on {selector}"),
                    &format!("return document.activeElement.matches('{selector}') || null"),
                )
                .await;
            }
        };

        page.block_urls(&["*/data/110101*"]).await;
        page.client.refresh().await.expect("reload");
        page.wait_for_text("[role=alert] h3", "设施数据加载失败").await;
        page.wait_for_text("[role=alert] .error-advice", offline).await;
        let folded = page
            .client
            .execute(
                "const d = document.querySelector('.error details');
                 return [d.open, d.querySelector('summary').textContent,
                         d.querySelector('.error-detail').textContent, !!d.closest('[role=alert]')];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(folded[0], false, "{folded}");
        assert_eq!(folded[1], "技术详情", "{folded}");
        assert!(folded[2].as_str().unwrap().contains("110101"), "{folded}");
        assert_eq!(folded[3], false, "opening the detail is not an alert: {folded}");
        page.block_urls(&[]).await;
        enter_on(".error button").await;
        page.eventually("the results again", || async {
            page.count_text().await.filter(|t| t.starts_with("共 "))
        })
        .await;
        page.wait_for_focus_on("results-heading").await;

        page.block_urls(&["*/data/places*"]).await;
        page.click(".picker summary").await;
        page.wait_for_text(".picker .error-advice", offline).await;
        enter_on(".picker .error button").await;
        page.eventually_js(
            "the retry failed again",
            "return (document.querySelector('.picker .error') && document.activeElement !== null
                     && document.activeElement.matches('.picker .error button')) || null",
        )
        .await;
        page.block_urls(&[]).await;
        enter_on(".picker .error button").await;
        focused_on("#community-search").await;

        let base = page.url().await;
        let base = base.split(['?', '#']).next().unwrap().to_owned();
        page.block_urls(&[&format!("*/data/{}*", first.district_code)]).await;
        page.open(&format!("{base}?fac={}&fd={}", first.id, first.district_code))
            .await;
        page.wait_for_text(".error .error-advice", offline).await;
        enter_on(".error button").await;
        page.eventually("the failed retry said", || async {
            page.text_of(".error .retried").await.filter(|t| t.contains("2"))
        })
        .await;
        focused_on(".error button").await;
        page.block_urls(&[]).await;
        enter_on(".error button").await;
        page.wait_for_text("#facility-heading", &first.name.zh).await;
        page.wait_for_focus_on("facility-heading").await;
    })
    .await;
}

/// Reloads the page with the app's wasm blocked, so that only the static
/// first paint of `index.html` and its inline script run, and returns what
/// `probe` (a JavaScript array expression) reads from it.
async fn first_paint_without_the_app(page: &FinderPage, probe: &str) -> serde_json::Value {
    cdp(&page.client, "Network.enable", serde_json::json!({}))
        .await
        .expect("network domain");
    cdp(
        &page.client,
        "Network.setBlockedURLs",
        serde_json::json!({ "urls": ["*.wasm"] }),
    )
    .await
    .expect("block the app's code");
    page.client.refresh().await.expect("reload");
    let shown = page
        .client
        .execute(
            &format!("return [!!document.getElementById('boot'), {probe}]"),
            vec![],
        )
        .await
        .expect("the first paint");
    let serde_json::Value::Array(mut shown) = shown else {
        panic!("not a list: {shown}")
    };
    assert_eq!(shown[0], true, "the app must not have run: {shown:?}");
    shown.remove(1)
}

/// The static first paint in `index.html` is drawn in large text for a
/// resident who chose 长辈模式, before any of the app's code has run: its
/// inline script reads the choice (and the collector's CSP must allow it).
/// With the wasm blocked, nothing else can have applied it.
#[tokio::test]
async fn the_first_paint_is_large_for_elder_mode_before_the_app_runs() {
    let setup = Setup {
        elder: true,
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        let shown = first_paint_without_the_app(
            &page,
            "[document.documentElement.classList.contains('elder'), parseFloat(getComputedStyle(document.body).fontSize), document.querySelector('.boot-status').textContent]",
        )
        .await;
        assert_eq!(shown[0], true, "large text from the first paint: {shown}");
        assert!(shown[1].as_f64().unwrap() >= 20.0, "{shown}");
        assert!(shown[2].as_str().unwrap().starts_with("正在加载"), "{shown}");
    })
    .await;
}

/// The same for English: a resident who chose it reads the static first
/// paint in English, before the app's code has arrived.
#[tokio::test]
async fn the_first_paint_is_in_english_for_who_chose_it() {
    with_finder(|page| async move {
        page.wait_for_text(".elder-switch", "长辈模式").await;
        page.click_button("English").await;
        page.wait_for_text(".elder-switch", "Senior mode").await;
        let shown = first_paint_without_the_app(
            &page,
            "[document.documentElement.lang, document.querySelector('#boot h1').textContent, document.querySelector('.boot-status').textContent]",
        )
        .await;
        assert_eq!(shown[0], "en", "{shown}");
        assert_eq!(shown[1], "Linli", "{shown}");
        assert_eq!(shown[2], "Loading Linli…", "{shown}");
    })
    .await;
}

#[tokio::test]
async fn the_page_is_drawn_top_down_and_nothing_on_screen_moves() {
    // The first render comes in sections, a task each (`Later`): on a
    // phone, each must appear below those already there, the footer last,
    // and the app's header must replace the static first paint's with no
    // frame in between.
    let watch = "(() => {
        const sections = [['position', '.controls .position'], ['functions', '#function-filter'],
          ['walk', '#walk-filter'], ['more', '.more-filters'], ['results', 'section.results'],
          ['footer', 'footer.site-footer']];
        window.__order = []; window.__shift = 0; window.__bare = 0;
        const frame = () => {
          // Counted from the static first paint on (a throttled page can
          // run a frame before the parser reaches the header).
          if (document.querySelector('header.topbar')) window.__painted = true;
          else if (window.__painted) window.__bare++;
          if (performance.now() < 10000) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
        // Where each block of the app first showed within the screen, to
        // compare with where it ends: whether a frame fell in between or not.
        const firstTop = new Map();
        window.__moved = () => [...firstTop].filter(([e, top]) => e.isConnected
            && Math.abs(e.getBoundingClientRect().top + scrollY - top) > 0.5)
          .map(([e]) => e.tagName + '.' + e.className);
        new MutationObserver(() => {
          for (const [name, css] of sections)
            if (!window.__order.includes(name) && document.querySelector(css)) window.__order.push(name);
          for (const e of document.querySelectorAll('main > *, main > * > *, footer')) {
            const box = e.getBoundingClientRect();
            if (!firstTop.has(e) && box.height > 0 && box.top < innerHeight) firstTop.set(e, box.top + scrollY);
          }
        }).observe(document, { childList: true, subtree: true });
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
      })();";
    with_finder(move |page| async move {
        cdp(
            &page.client,
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": watch }),
        )
        .await
        .expect("watch the page");
        phone_screen(&page.client, 390, 844, 3.0).await;
        // And a phone's speed, so that frames fall between the sections.
        cdp(
            &page.client,
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({ "rate": 4 }),
        )
        .await
        .expect("CPU throttling");
        page.client.refresh().await.expect("reload");
        page.eventually("the results", || async {
            page.count_text().await.filter(|t| t.starts_with("共 "))
        })
        .await;
        let seen = page
            .client
            .execute(
                "return [window.__order, window.__shift, window.__bare, window.__moved()]",
                vec![],
            )
            .await
            .expect("what the page recorded");
        assert_eq!(
            seen[0],
            serde_json::json!(["position", "functions", "walk", "more", "results", "footer"]),
            "the order the sections appeared in"
        );
        assert_eq!(
            seen[1].as_f64(),
            Some(0.0),
            "layout shift while loading: {seen}"
        );
        // The app's header takes the place of the static one in one task.
        assert_eq!(seen[2], 0, "frames drawn without a header");
        assert_eq!(
            seen[3],
            serde_json::json!([]),
            "moved after showing on screen"
        );
        // A shared link to the survey: its page is a section too.
        let app = page.url().await;
        let survey = format!("{}?p=survey", app.split(['?', '#']).next().unwrap_or(&app));
        page.open(&survey).await;
        page.eventually("the survey", || async {
            page.text_of("#survey-heading").await
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let seen = page
            .client
            .execute(
                "return [window.__shift, window.__bare, window.__moved()]",
                vec![],
            )
            .await
            .expect("what the survey page recorded");
        assert_eq!(
            seen[0].as_f64(),
            Some(0.0),
            "layout shift on the survey: {seen}"
        );
        assert_eq!(seen[1], 0, "survey frames drawn without a header");
        assert_eq!(seen[2], serde_json::json!([]), "moved on the survey page");
    })
    .await;
}

#[tokio::test]
async fn category_and_age_narrow_the_list() {
    let base = Filters {
        walk_minutes: 30,
        ..Filters::default()
    };
    let all = expected(&base);
    let affordable = expected(&Filters {
        categories: vec![Category::Affordable],
        ..base.clone()
    });
    let infants = expected(&Filters {
        age: Some(AgeBand::Under3),
        ..base.clone()
    });
    let seniors = expected(&Filters {
        age: Some(AgeBand::Senior),
        ..base.clone()
    });
    assert!(affordable.len() < all.len() && !affordable.is_empty());
    assert!(infants.len() < all.len() && !infants.is_empty());
    assert!(!seniors.is_empty() && seniors != infants);
    with_finder(move |page| async move {
        page.choose_walk("30 分钟以内").await;
        page.wait_for_count(&format!("共 {} 处", all.len())).await;
        page.open_more_filters().await;
        // What the categories mean is there to read, beside the filter.
        page.click(".more-filters .categories-explained summary").await;
        let meanings = page
            .eventually_js(
                "the categories explained",
                "const d = document.querySelector('.more-filters .categories-explained[open]');
                 return d && [...d.querySelectorAll('dt')].map(t => t.textContent + '：' + t.nextElementSibling.textContent.slice(0, 14));",
            )
            .await;
        assert_eq!(
            meanings,
            serde_json::json!([
                "基本公共服务：列入北京市基本公共服务实施标",
                "普惠服务：即普惠非基本公共服务：价格可",
                "便民商业：多样化、品质化的商业服务，例"
            ])
        );
        page.select("category-filter", "普惠服务").await;
        page.wait_for_count(&format!("共 {} 处", affordable.len())).await;
        assert_eq!(page.result_names().await, affordable);
        page.url_when("cat=affordable in the URL", |u| {
            u.contains("cat=affordable")
        })
        .await;
        page.select("category-filter", "全部类别").await;
        page.select("age-filter", "3 岁以下（托育）").await;
        page.wait_for_count(&format!("共 {} 处", infants.len())).await;
        assert_eq!(page.result_names().await, infants);
        page.select("age-filter", "60 岁及以上").await;
        page.wait_for_count(&format!("共 {} 处", seniors.len())).await;
        assert_eq!(page.result_names().await, seniors);
        let summary = page.text_of(".more-filters summary").await.unwrap();
        assert_eq!(summary, "更多筛选（已选 1 项）");
    })
    .await;
}

/// "Open now" at a Beijing time the browser's clock is set to: the list is
/// what the domain crate says is open then, within a 30-minute walk.
async fn open_now_at(time: &'static str, what: &'static str) -> Vec<String> {
    let now = chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M").unwrap();
    let filters = Filters {
        walk_minutes: 30,
        open: OpenAt::At(now),
        ..Filters::default()
    };
    let open = expected_from(linli::SAMPLE_ORIGIN, &filters, now);
    let setup = Setup {
        beijing_time: Some(time.to_owned()),
        query: "walk=30".to_owned(),
        ..Setup::default()
    };
    let shown = open.clone();
    with_setup(setup, move |page| async move {
        page.open_more_filters().await;
        page.select("open-filter", "现在营业").await;
        page.wait_for_count(&format!("共 {} 处", shown.len())).await;
        assert_eq!(page.result_names().await, shown, "open on {what}");
        // Every service is shown, so a row may be open in part.
        for state in page.texts_of(".result .open-state").await {
            assert!(
                ["营业中", "部分服务营业中"].contains(&state.as_str()),
                "{what}: {state}"
            );
        }
        page.url_when("open=now in the URL", |u| u.contains("open=now"))
            .await;
    })
    .await;
    open
}

/// At three in the morning nothing is open: the empty list says so, offers
/// any opening time with what it finds, and no longer walk (none would
/// find an open canteen).
#[tokio::test]
async fn an_empty_list_at_night_says_nothing_is_open_and_offers_any_time() {
    let now = chrono::NaiveDateTime::parse_from_str("2026-10-14T03:00", "%Y-%m-%dT%H:%M").unwrap();
    let meals = |walk_minutes, open| Filters {
        functions: vec![ServiceFunction::Meals],
        walk_minutes,
        open,
        ..Filters::default()
    };
    for walk in linli_facilities::finder::WALK_MINUTES {
        let open = expected_from(linli::SAMPLE_ORIGIN, &meals(walk, OpenAt::At(now)), now);
        assert!(
            open.is_empty(),
            "the sample suits this test: {walk} minutes, {open:?}"
        );
    }
    let any_time = expected_from(linli::SAMPLE_ORIGIN, &meals(15, OpenAt::Any), now);
    assert!(!any_time.is_empty(), "the sample suits this test");
    // The first minute that a canteen within the walk is open, found by
    // quarter hours and then minute by minute, and the nearest open then.
    let open_at = |t| expected_from(linli::SAMPLE_ORIGIN, &meals(15, OpenAt::At(t)), now);
    let quarter = chrono::Duration::minutes(15);
    let mut first = now;
    while open_at(first + quarter).is_empty() {
        first += quarter;
        assert_eq!(
            first.date(),
            now.date(),
            "the sample suits this test: one opens today"
        );
    }
    while open_at(first).is_empty() {
        first += chrono::Duration::minutes(1);
    }
    let first_name = open_at(first)[0].clone();
    // Named with the service that opens then: of the facility's meal
    // services, the first open at that minute.
    let calendar = linli_facilities::calendar::HolidayCalendar::from_json(include_str!(
        "../../../public/data/holidays.json"
    ))
    .unwrap();
    let service = linli_e2e::facility_named(&first_name)
        .services
        .into_iter()
        .filter(|s| s.function == ServiceFunction::Meals)
        .find(|s| {
            s.opening_hours.as_deref().is_some_and(|h| {
                linli_facilities::hours::Hours::parse(h, &calendar).is_ok_and(|h| {
                    h.status(&calendar, first).state == linli_facilities::hours::State::Open
                })
            })
        })
        .expect("a meal service opens then");
    let service = service.name.unwrap_or_else(|| "社区助餐".to_owned());
    let first_line = format!(
        "最早开始营业的是{first_name}的{service}（今天 {}）。",
        first.format("%H:%M")
    );
    let setup = Setup {
        beijing_time: Some("2026-10-14T03:00:00".to_owned()),
        query: "svc=meals&open=now".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count("共 0 处").await;
        let empty = page.text_of(".empty p").await.unwrap();
        assert_eq!(empty, "步行范围内现在没有正在营业的符合条件的设施。");
        // A screen reader reads it once, in the live region below, not
        // again in the block.
        let read = page
            .ax_nodes()
            .await
            .iter()
            .filter(|n| n["role"]["value"] == "StaticText" && n["ignored"] != true)
            .filter(|n| n["name"]["value"].as_str().is_some_and(|t| t.contains(&empty)))
            .count();
        assert_eq!(read, 1, "the reason read {read} times");
        // On a phone (one column) the explanation comes before the map,
        // which has nothing on it, rather than a screen or more below.
        phone_screen(&page.client, 390, 844, 2.0).await;
        let edges = page
            .client
            .execute(
                "return [document.querySelector('.empty').getBoundingClientRect().bottom,
                         document.querySelector('.results-body .map').getBoundingClientRect().top];",
                vec![],
            )
            .await
            .unwrap();
        let (bottom, top) = (edges[0].as_f64().unwrap(), edges[1].as_f64().unwrap());
        assert!(bottom <= top, "the explanation ends at {bottom}, the map starts at {top}");
        cdp(&page.client, "Emulation.clearDeviceMetricsOverride", serde_json::json!({}))
            .await
            .unwrap();
        assert_eq!(
            page.text_of(".empty .first-opening").await.unwrap(),
            first_line
        );
        // A screen reader hears why, and when the first opens, with the
        // count: the block above is not a live region.
        let said = page
            .client
            .execute(
                "const s = document.querySelector('.empty-said'); return [s.getAttribute('role'), s.textContent]",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            said,
            serde_json::json!(["status", format!("步行范围内现在没有正在营业的符合条件的设施。{first_line}")])
        );
        // Its name opens its page, and the way back is to the empty list.
        page.click(".empty .first-opening a").await;
        page.wait_for_text("#facility-heading", &first_name).await;
        page.click(".facility .back").await;
        page.wait_for_count("共 0 处").await;
        let offers = page.texts_of(".empty button").await;
        assert_eq!(offers, [format!("不限开放时间（{} 处）", any_time.len())]);
        page.click(".empty .any-time").await;
        page.wait_for_count(&format!("共 {} 处", any_time.len())).await;
        assert_eq!(page.result_names().await, any_time);
        page.wait_for_focus_on("results-heading").await;
        page.url_when("no time in the URL", |u| !u.contains("open="))
            .await;
    })
    .await;
}

/// No one change finds infant care open at 03:00 within 5 minutes (none
/// is open at night, and none is within 5 minutes): the empty list offers
/// a longer walk at any time, the shortest that finds some, rather than
/// saying nothing is within 30 minutes.
#[tokio::test]
async fn an_empty_list_offers_a_longer_walk_at_any_time_when_nothing_else_helps() {
    let night =
        chrono::NaiveDateTime::parse_from_str("2026-10-14T03:00", "%Y-%m-%dT%H:%M").unwrap();
    let care = |walk_minutes| Filters {
        functions: vec![ServiceFunction::InfantCare],
        walk_minutes,
        open: OpenAt::Any,
        ..Filters::default()
    };
    let minutes = linli_facilities::finder::WALK_MINUTES
        .into_iter()
        .find(|&m| !expected_from(linli::SAMPLE_ORIGIN, &care(m), night).is_empty())
        .expect("the sample suits this test");
    assert!(minutes > 5, "the sample suits this test");
    let found = expected_from(linli::SAMPLE_ORIGIN, &care(minutes), night);
    let open_then = Filters {
        open: OpenAt::At(night),
        ..care(30)
    };
    assert!(
        expected_from(linli::SAMPLE_ORIGIN, &open_then, night).is_empty(),
        "the sample suits this test"
    );
    let setup = Setup {
        beijing_time: Some("2026-10-14T03:00:00".to_owned()),
        query: "svc=infant_care&open=now&walk=5".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count("共 0 处").await;
        assert_eq!(
            page.texts_of(".empty button").await,
            [format!(
                "扩大到步行 {minutes} 分钟，并不限开放时间（{} 处）",
                found.len()
            )]
        );
        page.click(".empty .wider").await;
        page.wait_for_count(&format!("共 {} 处", found.len())).await;
        assert_eq!(page.result_names().await, found);
        page.url_when("no time in the URL", |u| !u.contains("open="))
            .await;
    })
    .await;
}

/// A list of what is open now stays true while the page stays open: at
/// 13:00 the meals that close then leave it, with no touch.
#[tokio::test]
async fn open_now_follows_the_clock_while_the_page_is_open() {
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").unwrap();
    let before = meals_open_at(at("2026-10-14T12:59"));
    let after = meals_open_at(at("2026-10-14T13:00"));
    assert!(
        after.len() < before.len(),
        "the sample suits this test: {before:?} then {after:?}"
    );
    let setup = Setup {
        beijing_time: Some("2026-10-14T12:59:30".to_owned()),
        query: "walk=30&svc=meals&open=now".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", before.len()))
            .await;
        assert_eq!(page.result_names().await, before);
        let count = format!("共 {} 处", after.len());
        page.after_the_minute("the count after 13:00", || async {
            page.count_text().await.filter(|c| *c == count)
        })
        .await;
        assert_eq!(page.result_names().await, after);
    })
    .await;
}

#[tokio::test]
async fn open_now_follows_weekdays_sundays_holidays_and_working_weekends() {
    // Wednesday 14 October 2026, 09:00: an ordinary working day.
    let weekday = open_now_at("2026-10-14T09:00", "a weekday").await;
    // Sunday 11 October 2026, 09:00.
    let sunday = open_now_at("2026-10-11T09:00", "a Sunday").await;
    // Thursday 1 October 2026: National Day, a public holiday.
    let holiday = open_now_at("2026-10-01T09:00", "National Day").await;
    // Saturday 10 October 2026: a working day in lieu (调休上班), which
    // keeps Friday's hours.
    let working_saturday = open_now_at("2026-10-10T09:00", "an adjusted working Saturday").await;
    // An ordinary Saturday for comparison: 17 October 2026.
    let saturday = expected_from(
        linli::SAMPLE_ORIGIN,
        &Filters {
            walk_minutes: 30,
            open: OpenAt::At(
                chrono::NaiveDateTime::parse_from_str("2026-10-17T09:00", "%Y-%m-%dT%H:%M")
                    .unwrap(),
            ),
            ..Filters::default()
        },
        chrono::NaiveDateTime::parse_from_str("2026-10-17T09:00", "%Y-%m-%dT%H:%M").unwrap(),
    );
    assert!(
        holiday.len() < weekday.len(),
        "holidays close PH-off services"
    );
    assert!(sunday.len() < weekday.len(), "fewer are open on Sundays");
    assert_eq!(
        working_saturday, weekday,
        "an adjusted Saturday works like a weekday"
    );
    assert_ne!(
        working_saturday, saturday,
        "and unlike an ordinary Saturday"
    );
}

/// A time in a year whose holiday notice the app does not list says which
/// days are still counted as holidays, and which are not.
#[tokio::test]
async fn a_year_without_its_holiday_notice_says_what_is_counted() {
    let setup = Setup {
        beijing_time: Some("2026-10-14T09:30".to_owned()),
        query: "walk=30&open=2027-02-08T12:00".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        page.wait_for_text(
            ".calendar-note",
            "本应用尚未收录2027年的放假调休安排：元旦（1月1日）、劳动节（5月1日—2日）和国庆节（10月1日—3日）已按节假日计；春节、清明、端午、中秋等其他假日和调休上班日按平日显示，当天可能不同，请致电确认。",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn open_at_a_chosen_day_and_time() {
    let at = chrono::NaiveDateTime::parse_from_str("2026-10-01T12:00", "%Y-%m-%dT%H:%M").unwrap();
    let filters = Filters {
        walk_minutes: 30,
        open: OpenAt::At(at),
        ..Filters::default()
    };
    let open = expected_from(linli::SAMPLE_ORIGIN, &filters, at);
    let setup = Setup {
        beijing_time: Some("2026-10-14T09:30".to_owned()),
        query: "walk=30".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.open_more_filters().await;
        page.select("open-filter", "指定时间").await;
        // The default is the next full hour.
        page.eventually("the date and time fields", || async {
            page.client
                .execute("const d = document.getElementById('open-date'); return d && d.value", vec![])
                .await
                .ok()
                .filter(|v| v.as_str() == Some("2026-10-14"))
        })
        .await;
        let time = page
            .client
            .execute("return document.getElementById('open-time').value", vec![])
            .await
            .unwrap();
        assert_eq!(time, "10:00");
        assert_eq!(page.text_of(".past-time").await.as_deref(), Some(""));
        // Typed as a person types: the date, then the time, whose field
        // holds a whole time after each key. One search, after the pause.
        // Each key its own task, a moment apart, and the focus moved from
        // the date to the time between them.
        let before = page.client.execute("return history.length", vec![]).await.unwrap();
        let type_into = |id: &'static str, value: &'static str| {
            let client = page.client.clone();
            async move {
                client
                    .execute(
                        &format!(
                            "const e = document.getElementById('{id}'); e.focus(); e.value = '{value}';
                             e.dispatchEvent(new Event('input', {{ bubbles: true }}));
                             e.dispatchEvent(new Event('change', {{ bubbles: true }}));"
                        ),
                        vec![],
                    )
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
        };
        type_into("open-date", "2026-10-01").await;
        type_into("open-time", "01:00").await;
        type_into("open-time", "12:00").await;
        page.wait_for_count(&format!("共 {} 处", open.len())).await;
        assert_eq!(page.result_names().await, open);
        page.url_when("the chosen time in the URL", |u| u.contains("open=2026-10-01T12"))
            .await;
        let after = page.client.execute("return history.length", vec![]).await.unwrap();
        assert_eq!(after.as_u64(), before.as_u64().map(|n| n + 1), "one search for what was typed");
        // A time already over is said to be so (a shared link's, say).
        page.wait_for_text(
            ".past-time",
            "这个时间已经过去，列出的是那时开放的设施。要看现在开放的，请选“现在营业”。",
        )
        .await;
        // Each row says it is open then, not now, and gives the hours of
        // 1 October, not of today.
        let said: serde_json::Value = page
            .client
            .execute(
                "return [...document.querySelectorAll('.result-list .result')].map(r => [
                   r.querySelector('.open-state').textContent,
                   [...r.querySelectorAll('.services .today')].map(t => t.textContent)])",
                vec![],
            )
            .await
            .unwrap();
        let rows = said.as_array().expect("rows");
        assert!(!rows.is_empty());
        for row in rows {
            assert_eq!(row[0], "届时营业", "{row}");
            for hours in row[1].as_array().unwrap() {
                let hours = hours.as_str().unwrap();
                assert!(hours.starts_with("10月1日") || hours == "营业时间未知", "{row}");
            }
        }
    })
    .await;
}

/// On a wide screen the map stays beside the list, also when the list is
/// longer than one page and ends in "show more".
#[tokio::test]
async fn the_map_stays_beside_a_long_list() {
    let all30 = expected_names(None, 30);
    assert!(
        all30.len() > linli::finder::PAGE_SIZE,
        "the sample needs more than a page"
    );
    with_finder(move |page| async move {
        page.choose_walk("30 分钟以内").await;
        page.wait_for_count(&format!("共 {} 处", all30.len())).await;
        page.eventually("the show-more button", || async {
            page.text_of(".show-more").await
        })
        .await;
        let place = page
            .client
            .execute(
                "const r = (s) => document.querySelector(s).getBoundingClientRect();
                 const [map, list] = [r('.results-body .map'), r('.result-list')];
                 return [list.left - map.right, Math.abs(map.top - list.top), innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let [gap, rise, width] = [0, 1, 2].map(|i| place[i].as_f64().unwrap());
        assert!(width >= 1024.0, "a wide window: {width} px");
        assert!(
            gap > 0.0,
            "the map is left of the list, as it is first in the tab order: {place}"
        );
        assert!(
            rise < 2.0,
            "the map's top is level with the list's: {place}"
        );
        // "Show more" hands the focus to the first row it adds.
        page.click(".show-more").await;
        let eleventh = all30[linli::finder::PAGE_SIZE].clone();
        page.eventually("the focus on the first row added", || async {
            page.client
                .execute("return document.activeElement.textContent", vec![])
                .await
                .ok()
                .filter(|t| t.as_str() == Some(eleventh.as_str()))
        })
        .await;
    })
    .await;
}

/// Rows and markers are slots by rank whose content is rewritten when the
/// results change. What a resident chose and what a link opens must follow
/// the facility, not the slot it happened to be drawn in.
#[tokio::test]
async fn a_changed_list_keeps_the_choice_and_links_with_their_facility() {
    let everything = expected_names(None, 30);
    // A facility on the first page of both lists, at a different rank in
    // each, so that its row moves to another slot when its service is
    // chosen.
    let (function, name) = ServiceFunction::ALL
        .into_iter()
        .find_map(|f| {
            let narrowed = expected_names(Some(f), 30);
            narrowed.iter().enumerate().find_map(|(rank, n)| {
                let before = everything.iter().position(|e| e == n)?;
                (rank != before && rank < 10 && before < 10).then(|| (f, n.clone()))
            })
        })
        .expect("the sample suits this test");
    let before = everything.iter().position(|n| *n == name).unwrap();
    let narrowed = expected_names(Some(function), 30);

    with_finder(move |page| async move {
        page.choose_walk("30 分钟以内").await;
        page.wait_for_count(&format!("共 {} 处", everything.len())).await;
        page.wait_for_markers().await;
        // Choose the facility on the map.
        page.client
            .execute(
                "document.querySelectorAll('g.marker')[arguments[0]].dispatchEvent(new MouseEvent('click', { bubbles: true }));",
                vec![serde_json::json!(before)],
            )
            .await
            .expect("click the marker");
        page.wait_for_text(".result.selected .name", &name).await;

        page.choose_service(function.label_zh()).await;
        page.wait_for_count(&format!("共 {} 处", narrowed.len())).await;
        assert_eq!(page.result_names().await, narrowed);
        // The choice stayed with the facility, in its new place, on the
        // map too (which follows the list a frame later): one marker
        // chosen, naming it, numbered as its row now is.
        page.wait_for_text(".result.selected .name", &name).await;
        let marked = page
            .eventually_js(
                "the chosen marker numbered as its row",
                "const rows = [...document.querySelectorAll('.result-list > li.result')];
                 const rank = rows.findIndex(r => r.classList.contains('selected')) + 1;
                 const marked = [...document.querySelectorAll('g.marker.selected:not(.top)')];
                 return marked.length === 1 && marked[0].querySelector('text').textContent === String(rank)
                   ? marked.map(m => m.getAttribute('aria-label')) : null;",
            )
            .await;
        let marked: Vec<String> = serde_json::from_value(marked).unwrap();
        assert!(marked[0].contains(&name), "{marked:?} should name {name}");
        // Every row's link opens the facility the row shows.
        let mismatched = page
            .client
            .execute(
                "return [...document.querySelectorAll('.result')]
                    .filter(r => !r.querySelector('a').getAttribute('href').includes('fac=' + encodeURIComponent(r.dataset.id) + '&'))
                    .map(r => r.dataset.id);",
                vec![],
            )
            .await
            .expect("row links");
        assert_eq!(mismatched, serde_json::json!([]), "rows whose link opens another facility");
        page.click(".result .name a").await;
        page.wait_for_text("#facility-heading", &narrowed[0]).await;
    })
    .await;
}

/// Markers are drawn in rank order, so a later marker near the nearest
/// result would cover its "1" (as it does from here: the second result is
/// a few metres from the first). The nearest stays on top and is what a tap
/// there chooses.
#[tokio::test]
async fn the_nearest_marker_stays_on_top() {
    let first = expected_names(Some(ServiceFunction::Meals), 30)[0].clone();
    let setup = Setup {
        query: "svc=meals&walk=30&speed=senior&pos=116.41700,39.92900&src=map".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.eventually("the results", || async {
            page.text_of(".count").await.filter(|t| t.starts_with("共 "))
        })
        .await;
        page.wait_for_markers().await;
        let at_first = "const m = document.querySelector('g.marker'); m.scrollIntoView({ block: 'center' });
            const r = m.getBoundingClientRect();
            return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).closest('g.marker, g.nearest');";
        let top = page
            .client
            .execute(
                &format!("const g = (() => {{ {at_first} }})(); return g && g.textContent;"),
                vec![],
            )
            .await
            .expect("what is drawn at the first marker");
        assert_eq!(top, "1", "the topmost marker at the first one's place");
        page.client
            .execute(
                &format!("(() => {{ {at_first} }})().dispatchEvent(new MouseEvent('click', {{ bubbles: true }}));"),
                vec![],
            )
            .await
            .expect("tap it");
        page.wait_for_text(".result.selected .name", &first).await;
    })
    .await;
}

/// The first Tab on the page reaches a link past the header and the
/// filters, shown while it has the focus; it takes the focus to the results
/// and keeps the URL (its fragment holds the position). On the survey it
/// leads to the survey's heading.
#[tokio::test]
async fn a_link_past_the_filters_for_the_keyboard() {
    let setup = Setup {
        query: "pos=116.40740,39.90420&src=map".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        page.wait_for_markers().await;
        let hash = page.client.execute("return location.hash", vec![]).await.unwrap();
        let hidden = "const r = document.querySelector('.skip-link').getBoundingClientRect(); return r.width * r.height;";
        assert!(page.client.execute(hidden, vec![]).await.unwrap().as_f64().unwrap() <= 1.0);
        page.press('\u{E004}').await;
        let focused = page
            .client
            .execute(
                "const a = document.activeElement; const r = a.getBoundingClientRect(); return [a.textContent, r.width > 40 && r.height > 10];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(focused, serde_json::json!(["跳到查找结果", true]), "the first Tab");
        page.press('\u{E007}').await;
        let at = page
            .eventually_js(
                "the results heading focused",
                "return document.activeElement.id === 'results-heading' ? document.activeElement.textContent : null",
            )
            .await;
        assert_eq!(at, "附近设施（由近到远）");
        assert_eq!(page.client.execute("return location.hash", vec![]).await.unwrap(), hash);

        page.client
            .execute("document.querySelector('.survey-link').click()", vec![])
            .await
            .unwrap();
        page.eventually_js(
            "the survey shown",
            "return document.activeElement.id === 'survey-heading' || null",
        )
        .await;
        page.client
            .execute("document.querySelector('.skip-link').focus()", vec![])
            .await
            .unwrap();
        let label = page.client.execute("return document.activeElement.textContent", vec![]).await.unwrap();
        assert_eq!(label, "跳到正文", "the skip link on the survey");
        page.press('\u{E007}').await;
        page.eventually_js(
            "the survey's heading focused",
            "return document.activeElement.id === 'survey-heading' || null",
        )
        .await;
    })
    .await;
}

/// Waits until no two of the map's markers overlap on screen (they are
/// redrawn once the map's size is known), and gives each one's centre,
/// width and facility id.
async fn markers_apart(page: &FinderPage) -> serde_json::Value {
    page.eventually_js(
        "markers that do not overlap",
        "const c = [...document.querySelectorAll('.map g.marker[tabindex]')].map(m => {
           const r = m.querySelector('circle').getBoundingClientRect();
           return [r.x + r.width / 2, r.y + r.height / 2, r.width, m.dataset.id];
         });
         for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++)
           if (Math.hypot(c[i][0] - c[j][0], c[i][1] - c[j][1]) < Math.min(c[i][2], c[j][2]) - 1) return null;
         return c;",
    )
    .await
}

/// Checks that some marker was moved from its place: a line leads from it
/// to a dot there.
async fn assert_leaders_drawn(page: &FinderPage) {
    let drawn = page
        .client
        .execute(
            "return [document.querySelector('.map path.leaders').getAttribute('d'), document.querySelector('.map path.places').getAttribute('d')]",
            vec![],
        )
        .await
        .unwrap();
    for d in drawn.as_array().unwrap() {
        assert!(
            d.as_str().is_some_and(|d| d.starts_with('M')),
            "lines and dots for moved markers: {drawn}"
        );
    }
}

/// A 30-minute walk from the middle of 东四 on a phone: 34 markers, close
/// enough for rings of markers to reach their neighbours. None covers
/// another.
#[tokio::test]
async fn a_crowded_map_keeps_every_marker_clear() {
    let setup = Setup {
        query: "walk=30&pos=116.41700,39.92900&src=map".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        phone_screen(&page.client, 390, 844, 2.0).await;
        page.client.refresh().await.expect("reload");
        let markers = page.wait_for_markers().await;
        assert!(
            markers >= 30,
            "the sample suits this test: {markers} markers"
        );
        assert_eq!(
            markers_apart(&page).await.as_array().unwrap().len(),
            markers
        );
        assert_leaders_drawn(&page).await;
        // Every marker wholly on the map, whose sides are cut off on a phone.
        let outside = page
            .client
            .execute(
                "const box = document.querySelector('.map svg').getBoundingClientRect();
                 return [...document.querySelectorAll('.map g.marker[tabindex] circle')].map(c => c.getBoundingClientRect())
                   .filter(r => r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1).length;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(outside, 0, "markers cut off at the map's edge");
    })
    .await;
}

/// Three of the results from here are in one place. Their markers are set
/// apart on a ring around it, so that no marker covers another, each
/// number can be read, and a tap on each marker chooses its facility.
#[tokio::test]
async fn markers_at_one_place_are_set_apart_and_each_can_be_tapped() {
    let setup = Setup {
        query: "pos=116.40740,39.90420&src=map".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        phone_screen(&page.client, 390, 844, 2.0).await;
        page.client.refresh().await.expect("reload");
        let markers = page.wait_for_markers().await;
        assert!(markers >= 5, "the sample suits this test: {markers} markers");
        let apart = markers_apart(&page).await;
        assert_leaders_drawn(&page).await;
        for marker in apart.as_array().unwrap() {
            let id = marker[3].as_str().unwrap().to_owned();
            // Choosing scrolls the list, so find the marker where it is now.
            page.client
                .execute(
                    "const m = document.querySelector(`.map g.marker[tabindex][data-id=\"${arguments[0]}\"]`);
                     m.scrollIntoView({ block: 'center' });
                     const r = m.querySelector('circle').getBoundingClientRect();
                     document.querySelector('.map svg').dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.x + r.width / 2, clientY: r.y + r.height / 2 }));",
                    vec![marker[3].clone()],
                )
                .await
                .expect("tap a marker");
            let chosen = page
                .eventually_js(
                    "the tapped marker chosen",
                    &format!("const m = document.querySelector('.map g.marker.selected[tabindex]'); return m && m.dataset.id === '{id}' ? m.dataset.id : null"),
                )
                .await;
            assert_eq!(chosen, id.as_str());
        }
    })
    .await;
}

/// The map's markers are one stop in the tab order: Tab goes on to the
/// list, and the arrow keys move between markers. On a 360 px phone in
/// 长辈模式, a tap within 24 CSS px of a marker (a 48 px target) chooses
/// the nearest marker; farther away, it moves the search.
#[tokio::test]
async fn markers_are_one_tab_stop_and_wide_targets_in_elder_mode() {
    let setup = Setup {
        elder: true,
        query: "walk=30&pos=116.41700,39.92900&src=map".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        phone_screen(&page.client, 360, 780, 2.0).await;
        page.client.refresh().await.expect("reload");
        page.eventually("the results", || async {
            page.count_text().await.filter(|t| t.starts_with("共 "))
        })
        .await;
        let markers = page.wait_for_markers().await;
        assert!(markers >= 3, "the sample suits this test: {markers} markers");
        // On a phone the map is drawn at half its canvas size; the markers
        // and their numbers keep their size on screen (34 px, 16 px text).
        let sizes = page
            .client
            .execute(
                "return [...document.querySelectorAll('.map g.marker[tabindex]')].map(m => [m.querySelector('circle').getBoundingClientRect().width, m.querySelector('text').getBoundingClientRect().height]);",
                vec![],
            )
            .await
            .unwrap();
        for size in sizes.as_array().unwrap() {
            let (circle, text) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
            assert!(circle >= 32.0 && text >= 14.0, "a marker drawn {circle} px wide with a number {text} px high");
        }
        let stops = page
            .client
            .execute(
                "return [...document.querySelectorAll('.map g.marker[tabindex]')].filter(m => m.tabIndex === 0).length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(stops, 1, "one marker in the tab order");
        let active = "const a = document.activeElement; return a.getAttribute('aria-label') || a.textContent.trim().slice(0, 40);";
        page.client
            .execute("document.querySelector('.map g.marker[tabindex=\"0\"]').focus()", vec![])
            .await
            .unwrap();
        let first = page.client.execute(active, vec![]).await.unwrap();
        assert!(first.as_str().unwrap().starts_with("第 1 个："), "{first}");
        // Arrow right, then End and Home.
        page.press('\u{E014}').await;
        let second = page.client.execute(active, vec![]).await.unwrap();
        assert!(second.as_str().unwrap().starts_with("第 2 个："), "{second}");
        page.press('\u{E010}').await;
        let last = page.client.execute(active, vec![]).await.unwrap();
        assert!(last.as_str().unwrap().starts_with(&format!("第 {markers} 个：")), "{last}");
        page.press('\u{E011}').await;
        let home = page.client.execute(active, vec![]).await.unwrap();
        assert_eq!(home, first);
        // Marker 1 is drawn once more above the others; that copy shows the
        // focus ring too, or it would hide the focused marker's ring.
        let ring = page
            .client
            .execute(
                "const c = document.querySelector('.map .nearest.focus circle'); return c && getComputedStyle(c).stroke",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(ring, "rgb(26, 86, 196)", "the copy on top shows the focus ring");
        // Chosen with Enter, the marker gets a larger copy on top: it shows
        // the ring as well.
        page.press('\u{E007}').await;
        let ring = page
            .eventually_js(
                "the chosen copy's ring",
                "const c = document.querySelector('.map .marker.top.focus circle'); return c && getComputedStyle(c).stroke",
            )
            .await;
        assert_eq!(ring, "rgb(26, 86, 196)", "the chosen copy shows the focus ring");
        // Tab leaves the map for the chosen marker's row: the second,
        // chosen with Enter, is read next, not the list's first row.
        page.press('\u{E014}').await;
        page.press('\u{E007}').await;
        let second_id = page
            .eventually_js(
                "the second marker chosen",
                "const m = document.querySelector('.map g.marker.selected[tabindex]'); return (m && m === document.activeElement && m.dataset.id) || null",
            )
            .await;
        // Chosen from the keyboard, the list does not scroll the focused
        // marker off the screen (the phone's list is below the map).
        // Measured two frames on: the list scrolls in a frame callback.
        let on_screen = page
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => {
                   const r = document.activeElement.getBoundingClientRect();
                   done(r.top >= 0 && r.bottom <= innerHeight); }));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(on_screen, true, "the focused marker stays on screen");
        page.press('\u{E004}').await;
        let after_tab = page
            .client
            .execute(
                "const a = document.activeElement; const li = a.closest('.result-list > li.result'); return li && [li.dataset.id, a.matches('.name a')]",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(after_tab, serde_json::json!([second_id, true]), "Tab from the chosen marker goes to its row's link");
        // A tap 22 CSS px right of a marker chooses the marker nearest to
        // where it landed, which is within 24 px of it.
        let tap = page
            .client
            .execute(
                "const centre = g => { const r = g.querySelector('circle').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
                 const all = [...document.querySelectorAll('.map g.marker[tabindex]')];
                 const m = all[all.length - 1]; m.scrollIntoView({ block: 'center' });
                 const [x, y] = centre(m); const at = [x + 22, y];
                 const d = g => { const [gx, gy] = centre(g); return Math.hypot(gx - at[0], gy - at[1]); };
                 const nearest = all.reduce((a, b) => d(b) < d(a) ? b : a);
                 document.querySelector('.map svg').dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: at[0], clientY: at[1] }));
                 return [nearest.dataset.id, d(nearest), location.hash];",
                vec![],
            )
            .await
            .unwrap();
        let (expected_id, distance, hash) = (tap[0].clone(), tap[1].as_f64().unwrap(), tap[2].clone());
        assert!(distance <= 24.0, "the tap is within reach of a marker: {distance}");
        let chosen = page
            .eventually_js(
                "a chosen marker",
                "const m = document.querySelector('.map g.marker.selected[tabindex]'); return m && m.dataset.id",
            )
            .await;
        assert_eq!(chosen, expected_id);
        // The chosen marker is now the map's tab stop, and the search did
        // not move.
        let stop = page
            .client
            .execute("return document.querySelector('.map g.marker[tabindex=\"0\"]').dataset.id", vec![])
            .await
            .unwrap();
        assert_eq!(stop, expected_id);
        assert_eq!(page.client.execute("return location.hash", vec![]).await.unwrap(), hash);
        // A tap far from every marker moves the search there.
        page.client
            .execute(
                "const svg = document.querySelector('.map svg'); const r = svg.getBoundingClientRect();
                 svg.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.left + 8, clientY: r.top + 8 }));",
                vec![],
            )
            .await
            .unwrap();
        page.url_when("the tapped place in the URL", |u| !u.ends_with(hash.as_str().unwrap()))
            .await;
    })
    .await;
}

/// The arrow keys step through the services, each step a search, but the
/// steps make one history entry: Back returns to the search before them,
/// not through each service passed over.
#[tokio::test]
async fn arrow_keys_through_the_services_make_one_history_entry() {
    let near = expected_names(None, 15);
    let child_care = expected_names(Some(ServiceFunction::ChildCare), 15);
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let length = "return history.length";
        let before = page.client.execute(length, vec![]).await.unwrap();
        page.client
            .execute(
                "document.querySelector('input[name=function]:checked').focus()",
                vec![],
            )
            .await
            .unwrap();
        // 全部服务 → 养老服务 → 婴幼儿托育 → 儿童托管.
        for _ in 0..3 {
            page.press('\u{E014}').await;
        }
        page.url_when("after-school care in the URL", |u| {
            u.contains("svc=child_care")
        })
        .await;
        page.wait_for_count(&format!("共 {} 处", child_care.len()))
            .await;
        let after = page.client.execute(length, vec![]).await.unwrap();
        assert_eq!(
            after.as_u64().unwrap(),
            before.as_u64().unwrap() + 1,
            "one entry for three steps"
        );
        page.client.back().await.unwrap();
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        page.url_when("no service in the URL", |u| !u.contains("svc="))
            .await;
        // Clicks are choices of their own, however quick: Back from the
        // second returns to the first.
        page.choose_service("社区助餐").await;
        page.url_when("meals in the URL", |u| u.contains("svc=meals"))
            .await;
        page.choose_service("健康服务").await;
        page.url_when("health in the URL", |u| u.contains("svc=health"))
            .await;
        page.client.back().await.unwrap();
        page.url_when("back to meals", |u| u.contains("svc=meals"))
            .await;
    })
    .await;
}

/// A filter that keeps the count is said too, for screen readers: the
/// count's own live region says nothing when its text stays the same.
#[tokio::test]
async fn a_filter_that_keeps_the_count_is_said() {
    let base = Filters::default();
    let near = expected(&base);
    // The first age band or category that leaves the count as it is.
    let ages = [
        AgeBand::Senior,
        AgeBand::Under3,
        AgeBand::From3To6,
        AgeBand::From6To12,
        AgeBand::From12To18,
    ]
    .map(|band| {
        let label = linli::i18n::age_label(band, linli::i18n::Lang::Zh);
        (
            "age-filter",
            label,
            Filters {
                age: Some(band),
                ..base.clone()
            },
        )
    });
    let categories = [
        Category::BasicPublic,
        Category::Affordable,
        Category::Commercial,
    ]
    .map(|c| {
        (
            "category-filter",
            c.label_zh(),
            Filters {
                categories: vec![c],
                ..base.clone()
            },
        )
    });
    let (select, label) = ages
        .into_iter()
        .chain(categories)
        .find(|(_, _, f)| expected(f).len() == near.len())
        .map(|(s, l, _)| (s, l))
        .expect("the sample suits this test: a filter that keeps the count");
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        page.open_more_filters().await;
        page.select(select, label).await;
        page.url_when("the filter in the URL", |u| {
            u.contains("age=") || u.contains("cat=")
        })
        .await;
        let said = page
            .eventually_js(
                "the same count said",
                "const t = document.querySelector('.same-count').textContent; return t || null;",
            )
            .await;
        assert_eq!(
            said.as_str().unwrap().trim_end_matches('\u{a0}'),
            format!("已按新条件查找，仍为共 {} 处", near.len()),
            "{label}"
        );
        let role = page
            .client
            .execute(
                "return document.querySelector('.same-count').getAttribute('role')",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(role, "status");
    })
    .await;
}
