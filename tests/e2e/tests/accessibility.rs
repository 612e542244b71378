//! axe-core (from npm, in the same Chromium) finds no violations on the
//! finder, its results, the community picker, a facility page and the
//! survey, in the normal and the elder mode; and that at 320 CSS pixels
//! (WCAG 1.4.10, reflow) nothing on those pages, nor on the staff app's
//! token form, runs past the screen's
//! edge or out of its own box, in either mode, nor in English on phones,
//! nor in 长辈模式 in a desktop window zoomed to 400 %; and that the nine
//! functions' names keep to one line.

use linli_e2e::{
    FinderPage, Setup, expected_names, facility_named, phone_screen, with_setup,
    zoomed_desktop_screen,
};

async fn check(page: &FinderPage, what: &str) {
    let violations = page.axe_violations().await;
    assert!(violations.is_empty(), "{what}: {violations:#?}");
}

/// The facilities the first page lists (a 15-minute walk from the sample
/// position), the browser's setup and the mode's name, in elder mode or not.
fn in_mode(elder: bool) -> (Vec<String>, Setup, &'static str) {
    let setup = Setup {
        elder,
        ..Setup::default()
    };
    let mode = if elder { "elder mode" } else { "normal mode" };
    (expected_names(None, 15), setup, mode)
}

async fn every_page(elder: bool) {
    let (near, setup, mode) = in_mode(elder);
    with_setup(setup, move |page| async move {
        page.wait_for_text(".count", &format!("共 {} 处", near.len()))
            .await;
        check(&page, &format!("finder with results, {mode}")).await;
        page.open_more_filters().await;
        open_picker(&page, "community-search").await;
        check(&page, &format!("filters and community picker open, {mode}")).await;
        page.click(".result .name a").await;
        page.wait_for_text("#facility-heading", &near[0]).await;
        page.click(".report summary").await;
        check(&page, &format!("facility page, {mode}")).await;
        page.click_button("English").await;
        page.wait_for_text(".lang-switch", "中文").await;
        check(&page, &format!("facility page in English, {mode}")).await;
        page.click_button("中文").await;
        page.click(".survey-link").await;
        page.wait_for_text("#survey-step-heading", "个人信息处理说明")
            .await;
        check(&page, &format!("survey consent step, {mode}")).await;
        page.click("#survey-consent").await;
        page.click(".survey-nav .next").await;
        page.wait_for_text("#survey-step-heading", "您住在哪个社区？")
            .await;
        page.click(".survey-nav .next").await;
        page.wait_for_text(".step-problem", "请选择您居住的社区。")
            .await;
        check(
            &page,
            &format!("survey community step with its problem, {mode}"),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn no_violations_in_normal_mode() {
    every_page(false).await;
}

#[tokio::test]
async fn no_violations_in_elder_mode() {
    every_page(true).await;
}

/// Checks the finder with its results, a facility page and the survey on
/// a phone `width` CSS pixels wide, in Chinese or in English.
async fn reflows_at(width: u32, elder: bool, english: bool) {
    reflows_on(width, elder, english, true).await;
}

/// [`reflows_at`] on a phone (`phone`) or in a zoomed desktop window,
/// whose scroll bar narrows the page.
async fn reflows_on(width: u32, elder: bool, english: bool, phone: bool) {
    let (near, setup, mode) = in_mode(elder);
    with_setup(setup, move |page| async move {
        if phone {
            phone_screen(&page.client, width, 640, 2.0).await;
        } else {
            zoomed_desktop_screen(&page.client, width, 640).await;
        }
        page.client.refresh().await.expect("reload");
        page.wait_for_text(".count", &format!("共 {} 处", near.len()))
            .await;
        let first = facility_named(&near[0]).name;
        let (count, heading, consent) = if english {
            page.click_button("English").await;
            let heading = first.en.unwrap_or(first.zh);
            (
                format!("{} facilities", near.len()),
                heading,
                "How your answers are used",
            )
        } else {
            (
                format!("共 {} 处", near.len()),
                first.zh,
                "个人信息处理说明",
            )
        };
        let at = format!("{width} px, {mode}, English {english}, phone {phone}");
        page.wait_for_text(".count", &count).await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "finder with results, {at}: {over:?}");
        page.click(".result .name a").await;
        page.wait_for_text("#facility-heading", &heading).await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "facility page, {at}: {over:?}");
        // From 360 px on, a stretch of a day's hours keeps to one line,
        // today's bold one too.
        if width >= 360 {
            let broken: Vec<_> = lines_of(&page, ".week .span")
                .await
                .into_iter()
                .filter(|(_, lines)| *lines > 1)
                .collect();
            assert!(
                broken.is_empty(),
                "hours broken across lines, {at}: {broken:?}"
            );
        }
        page.click(".survey-link").await;
        page.wait_for_text("#survey-step-heading", consent).await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "survey, {at}: {over:?}");
        // The staff app's token form, in the same mode and language.
        let app = std::env::var("LINLI_APP_URL").expect("LINLI_APP_URL");
        page.open(&format!("{app}staff/")).await;
        page.eventually("the token form", || async {
            page.client
                .find(fantoccini::Locator::Id("staff-token"))
                .await
                .ok()
        })
        .await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "staff token form, {at}: {over:?}");
    })
    .await;
}

#[tokio::test]
async fn nothing_runs_past_the_edge_at_320_px_in_normal_mode() {
    reflows_at(320, false, false).await;
}

#[tokio::test]
async fn nothing_runs_past_the_edge_at_320_px_in_elder_mode() {
    reflows_at(320, true, false).await;
}

/// A desktop zoomed to 400 % in 长辈模式: the scroll bar leaves about
/// 305 px, narrower than any phone's page.
#[tokio::test]
async fn nothing_runs_past_the_edge_in_a_zoomed_desktop_window_in_elder_mode() {
    reflows_on(320, true, false, false).await;
}

/// English names are longer, and some are one long word ("Housekeeping").
#[tokio::test]
async fn english_fits_its_boxes_on_a_390_px_phone() {
    reflows_at(390, false, true).await;
}

#[tokio::test]
async fn english_fits_its_boxes_on_a_360_px_phone_in_elder_mode() {
    reflows_at(360, true, true).await;
}

/// The text of each element matching `css` and the number of lines it is
/// drawn on (measured over its text, since a flex item or an inline block
/// is one box however many lines it holds).
async fn lines_of(page: &FinderPage, css: &str) -> Vec<(String, usize)> {
    let found = page
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => {
               const text = document.createRange(); text.selectNodeContents(e);
               return [e.textContent, text.getClientRects().length];
             });",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("count the lines");
    serde_json::from_value(found).expect("texts and line counts")
}

/// Each function's name stays on one line beside its icon (婴幼儿托育, the
/// longest, broke after 托 in a desktop's row of eight), and a 375 px phone
/// still gets two columns.
#[tokio::test]
async fn function_names_keep_to_one_line() {
    with_setup(Setup::default(), |page| async move {
        for width in [375, 1280, 1440] {
            phone_screen(&page.client, width, 800, 1.0).await;
            page.eventually("the nine functions", || async {
                (lines_of(&page, ".function-choice span").await.len() == 10).then_some(())
            })
            .await;
            let broken: Vec<_> = lines_of(&page, ".function-choice span")
                .await
                .into_iter()
                .filter(|(_, lines)| *lines != 1)
                .collect();
            assert!(broken.is_empty(), "names on more than one line at {width} px: {broken:?}");
        }
        phone_screen(&page.client, 375, 800, 2.0).await;
        let columns = page
            .client
            .execute(
                "return new Set([...document.querySelectorAll('.function-choice')].map(b => Math.round(b.getBoundingClientRect().left))).size",
                vec![],
            )
            .await
            .expect("count the columns");
        assert_eq!(columns, 2, "columns of functions on a 375 px phone");
    })
    .await;
}

/// Text set twice as large in the browser (a default size of 32 px, as
/// many older residents set their phones), without 长辈模式: on a 390 px
/// phone every facility page of the first results still fits, its phone
/// number and address included.
#[tokio::test]
async fn facility_pages_reflow_with_text_at_200_percent() {
    let (near, setup, _) = in_mode(false);
    with_setup(setup, move |page| async move {
        phone_screen(&page.client, 390, 800, 2.0).await;
        page.client.refresh().await.expect("reload");
        page.wait_for_text(".count", &format!("共 {} 处", near.len()))
            .await;
        // As the browser's own text size does: the root's size, which
        // every rem follows. Chromium's phone emulation with a default
        // text size of 32 px gives the root 36 px, 225 %.
        page.client
            .execute("document.documentElement.style.fontSize = '225%';", vec![])
            .await
            .unwrap();
        for (i, name) in near.iter().enumerate().take(4) {
            page.client
                .execute(
                    "document.querySelectorAll('.result .name a')[arguments[0]].click();",
                    vec![serde_json::json!(i)],
                )
                .await
                .unwrap();
            page.wait_for_text("#facility-heading", name).await;
            let over = page.past_the_edge().await;
            assert!(over.is_empty(), "{name} at 200 % text: {over:?}");
            page.client.back().await.expect("back to the list");
            page.wait_for_text(".count", &format!("共 {} 处", near.len()))
                .await;
        }
    })
    .await;
}

/// 长辈模式 in English with the browser's text at 200 % (the root at 45 px
/// rather than 22.5 px) on a 390 px phone: selects as wide as their
/// longest option and long words ("Housekeeping") once made the finder
/// 486 px wide. The finder, a facility page and the survey's first steps
/// fit.
#[tokio::test]
async fn english_large_text_in_elder_mode_fits_a_phone() {
    let (near, setup, _) = in_mode(true);
    with_setup(setup, move |page| async move {
        phone_screen(&page.client, 390, 800, 2.0).await;
        page.client.refresh().await.expect("reload");
        page.wait_for_text(".count", &format!("共 {} 处", near.len()))
            .await;
        page.click_button("English").await;
        page.wait_for_text(".count", &format!("{} facilities", near.len()))
            .await;
        let large = "document.documentElement.style.fontSize = '45px';";
        page.client.execute(large, vec![]).await.unwrap();
        // A row's text keeps room for a line of words: its sides follow
        // the screen, not the text (they had left 5 characters a line).
        let chars = page
            .client
            .execute(
                "const p = document.querySelector('.result .place');
                 return p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize);",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(chars >= 6.5, "a row's line holds {chars:.1} characters");
        page.open_more_filters().await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "finder: {over:?}");
        page.click(".result .name a").await;
        page.wait_for_text(".facility .back", "← Back to the results")
            .await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "facility page: {over:?}");
        page.click(".facility .back").await;
        page.click(".survey-link").await;
        page.eventually("the survey", || async {
            page.client
                .find(fantoccini::Locator::Id("survey-consent"))
                .await
                .ok()
        })
        .await;
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "survey: {over:?}");
        // The household's age bands: each label at least four characters
        // wide, its field below it where both do not fit on one line (they
        // had been one character wide, "yea/rs").
        page.click("#survey-consent").await;
        page.survey_next().await;
        page.pick_first_community(".survey .picker", "东四").await;
        page.eventually("the chosen community", || async {
            page.text_of(".survey .chosen").await.filter(|t| t.starts_with("Chosen: "))
        })
        .await;
        page.survey_next().await;
        page.survey_heading("How many people of each age live in your household?")
            .await;
        let narrowest = page
            .client
            .execute(
                "return Math.min(...[...document.querySelectorAll('.household label')].map(
                   (l) => l.getBoundingClientRect().width / parseFloat(getComputedStyle(l).fontSize)));",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(narrowest >= 4.0, "an age band's label {narrowest:.1} characters wide");
        let over = page.past_the_edge().await;
        assert!(over.is_empty(), "household step: {over:?}");
    })
    .await;
}

/// Every row of the list is in the accessibility tree, those below the
/// screen too, so that a screen reader's list of headings names them all.
#[tokio::test]
async fn every_row_heading_is_in_the_accessibility_tree() {
    let near = expected_names(None, 30);
    assert!(near.len() >= 10, "a full page of rows: {}", near.len());
    let setup = Setup {
        query: "walk=30".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        phone_screen(&page.client, 390, 800, 2.0).await;
        page.client.refresh().await.expect("reload");
        page.wait_for_text(".count", &format!("共 {} 处", near.len()))
            .await;
        let rows = page
            .client
            .execute(
                "return document.querySelectorAll('.result-list h3').length",
                vec![],
            )
            .await
            .unwrap();
        let nodes = page.ax_nodes().await;
        let headings = nodes
            .iter()
            .filter(|n| n["role"]["value"] == "heading" && n["ignored"] != true)
            .filter(|n| {
                n["properties"].as_array().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p["name"] == "level" && p["value"]["value"] == 3)
                })
            })
            .count();
        assert_eq!(
            serde_json::json!(headings),
            rows,
            "row headings exposed to a screen reader, of those on the page"
        );
        // A service line's parts are said apart: a comma between them,
        // generated and not shown.
        let commas = said_alone(&nodes, "，");
        assert!(
            commas >= 2 * near.len().min(10),
            "{commas} commas said between the parts of the rows' service lines"
        );
        // With a service searched, its tag among a row's services is said
        // to be the one searched, not shown by colour alone.
        page.choose_service("社区助餐").await;
        page.eventually_js(
            "a searched service's tag",
            "return document.querySelector('.function.searched') ? true : null",
        )
        .await;
        let said = said_alone(&page.ax_nodes().await, "所查服务：");
        assert!(said >= 1, "the searched tag is said as such");
        // The chosen service among the choices is marked by a shape too.
        let marks = page
            .client
            .execute(
                "return [...document.querySelectorAll('.function-choice')].map(l =>
                   [l.textContent.trim(), getComputedStyle(l, '::after').content]);",
                vec![],
            )
            .await
            .unwrap();
        for mark in marks.as_array().unwrap() {
            let chosen = mark[0] == "社区助餐";
            assert_eq!(mark[1].as_str().unwrap().contains('✓'), chosen, "{mark}");
        }
    })
    .await;
}

/// How many pieces of text the accessibility tree holds that read exactly
/// `text`.
fn said_alone(nodes: &[serde_json::Value], text: &str) -> usize {
    nodes
        .iter()
        .filter(|n| n["role"]["value"] == "StaticText" && n["name"]["value"] == text)
        .count()
}

/// The browser's text set to twice its size (32 px) on a 390 px phone, in
/// 长辈模式 and not, in Chinese and in English: every select of the filters
/// and of the community picker shows each of its options whole. A native
/// select cannot break its text onto a second line, so it cut options too
/// wide ("西长安街街", "示例第10社", "在指定时间开放", "北京经济技术开" and,
/// at any text size, "Beijing Economic-Technological Development Area").
/// The selects are now customizable selects (`appearance: base-select`),
/// whose text wraps: each option is shown in turn (without a change event,
/// so the search stays as it is) and the select must not be wider inside
/// than it is.
#[tokio::test]
async fn the_picker_shows_whole_names_at_twice_the_text_size() {
    for elder in [true, false] {
        let setup = Setup {
            elder,
            text_size_px: Some(32),
            ..Setup::default()
        };
        with_setup(setup, move |page| async move {
            on_a_phone(&page, 390, 800).await;
            // The browser's text size took: the media queries' rem is 32 px.
            let large = page
                .client
                .execute("return matchMedia('(min-width: 12rem) and (max-width: 12.5rem)').matches", vec![])
                .await
                .unwrap();
            assert_eq!(large, true, "a 390 px screen is 12 to 12.5 rem of 32 px");
            open_picker(&page, "pick-district").await;
            page.select("pick-district", "西城区").await;
            page.select("pick-subdistrict", "西长安街街道").await;
            page.open_more_filters().await;
            for lang in ["zh", "en"] {
                if lang == "en" {
                    // The page is drawn again in English, with the picker
                    // and the more filters folded.
                    page.to_english().await;
                    open_picker(&page, "pick-district").await;
                    page.open_more_filters().await;
                }
                let measured = page
                    .client
                    .execute(
                        "const cut = [], measured = [];
                         for (const s of document.querySelectorAll('.controls select')) {
                           if (getComputedStyle(s).appearance !== 'base-select') { cut.push([s.id, 'a native select']); continue; }
                           if (s.clientWidth === 0) continue;
                           measured.push(s.id);
                           const chosen = s.selectedIndex;
                           [...s.options].forEach((o, i) => {
                             s.selectedIndex = i;
                             if (s.scrollWidth > s.clientWidth) cut.push([s.id, o.text, s.scrollWidth, s.clientWidth]);
                           });
                           s.selectedIndex = chosen;
                         }
                         return [cut, measured];",
                        vec![],
                    )
                    .await
                    .expect("measure the selects");
                assert_eq!(
                    measured[0],
                    serde_json::json!([]),
                    "options cut, elder mode {elder}, {lang}: [select, option, px inside, px wide]"
                );
                for id in ["pick-district", "category-filter", "age-filter"] {
                    assert!(
                        measured[1].as_array().unwrap().iter().any(|m| m == id),
                        "{id} measured, elder mode {elder}, {lang}: {measured}"
                    );
                }
                let over = page.past_the_edge().await;
                assert!(over.is_empty(), "the picker, elder mode {elder}, {lang}: {over:?}");
            }
        })
        .await;
    }
}

/// 长辈模式 with the browser's text at twice its size (32 px) on a 390 by
/// 844 px phone: the header (the name and its three controls, a row each
/// at this size) leaves most of the first screen to the finder. It took
/// 611 px, 72 % of the screen. The controls keep 长辈模式's touch targets
/// (56 px) and line spacing (1.3 at least), in Chinese and in English, and
/// so they do on a 320 px phone with the text at 137.5 % (22 px), where the
/// compact header begins.
#[tokio::test]
async fn the_header_leaves_the_first_screen_to_the_finder_at_twice_the_text_size() {
    for (width, height, text) in [(390, 844, 32), (320, 640, 22)] {
        let setup = Setup {
            elder: true,
            text_size_px: Some(text),
            ..Setup::default()
        };
        with_setup(setup, move |page| async move {
        on_a_phone(&page, width, height).await;
        for lang in ["zh", "en"] {
            if lang == "en" {
                page.to_english().await;
            }
            let header = page
                .client
                .execute(
                    "const h = document.querySelector('header.topbar');
                     const controls = [...h.querySelectorAll('.header-actions > *')].map(e => {
                       const s = getComputedStyle(e);
                       return [e.textContent.trim(), e.getBoundingClientRect().height,
                               parseFloat(s.lineHeight) / parseFloat(s.fontSize), parseFloat(s.fontSize)];
                     });
                     return [h.getBoundingClientRect().height, innerHeight, controls];",
                    vec![],
                )
                .await
                .expect("measure the header");
            let (height, screen) = (header[0].as_f64().unwrap(), header[1].as_f64().unwrap());
            assert!(
                height <= screen / 2.0,
                "{lang}: the header takes {height} of {screen} px: {header}"
            );
            let controls = header[2].as_array().unwrap();
            assert_eq!(controls.len(), 3, "{lang}: {header}");
            for c in controls {
                let (tall, spacing, size) =
                    (c[1].as_f64().unwrap(), c[2].as_f64().unwrap(), c[3].as_f64().unwrap());
                assert!(tall >= 56.0 && spacing >= 1.3, "{lang}: {c}");
                // 长辈模式's root (22.5 px at 16 px) at the browser's size.
                let root = 22.5 * f64::from(text) / 16.0;
                assert!((size - root).abs() < 1.0, "{lang}: the text size did not take: {c}");
            }
        }
    })
    .await;
    }
}

/// A phone `width` by `height` CSS pixels, the page loaded again in it
/// and its results shown.
async fn on_a_phone(page: &FinderPage, width: u32, height: u32) {
    phone_screen(&page.client, width, height, 2.0).await;
    page.client.refresh().await.expect("reload");
    page.eventually("the results", || async {
        page.text_of(".count")
            .await
            .filter(|t| t.starts_with("共 "))
    })
    .await;
}

/// Opens the community picker and waits for the element `id` in it (the
/// list of communities is fetched when the picker is first opened).
async fn open_picker(page: &FinderPage, id: &str) {
    page.click(".picker summary").await;
    page.eventually("the community picker", || async {
        page.client.find(fantoccini::Locator::Id(id)).await.ok()
    })
    .await;
}
