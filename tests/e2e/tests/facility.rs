//! The facility page: opened from a result and from a shared link, with
//! its week of hours, the next holiday, prices, phone and directions,
//! reading aloud, and "report a problem" sent through the device's outbox.

use fantoccini::Locator;
use linli_e2e::{
    FinderPage, Setup, expected_names, facility_named, phone_screen, with_finder, with_setup,
};
use linli_facilities::model::Facility;
use serde_json::{Value, json};

/// Opens `facility`'s page through a shared link and returns the app's
/// address without query or fragment.
async fn open_shared_link(page: &FinderPage, facility: &Facility) -> String {
    let base = page.url().await;
    let base = base.split(['?', '#']).next().unwrap().to_owned();
    page.open(&format!(
        "{base}?fac={}&fd={}",
        facility.id, facility.district_code
    ))
    .await;
    page.wait_for_text("#facility-heading", &facility.name.zh)
        .await;
    base
}

/// Opens the first result's page and returns its name.
async fn open_first(page: &FinderPage) -> String {
    let name = page.text_of(".result .name").await.expect("a result");
    page.click(".result .name a").await;
    page.wait_for_text("#facility-heading", &name).await;
    name
}

#[tokio::test]
async fn on_new_years_day_of_a_year_not_listed_the_page_says_when_a_service_would_reopen() {
    // 2027's notice is not in the calendar: 元旦 is a day off by law, the
    // days after it may or may not be.
    let closed_on_holidays = |f: &Facility| {
        f.services.iter().any(|s| {
            s.opening_hours
                .as_deref()
                .is_some_and(|h| h.contains("PH off"))
        })
    };
    let facility = expected_names(None, 30)
        .iter()
        .map(|n| facility_named(n))
        .find(closed_on_holidays)
        .expect("the sample suits this test");
    let setup = Setup {
        beijing_time: Some("2027-01-01T10:00".to_owned()),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        open_shared_link(&page, &facility).await;
        let calendar = linli_facilities::calendar::HolidayCalendar::from_json(include_str!(
            "../../../public/data/holidays.json"
        ))
        .unwrap();
        let at =
            chrono::NaiveDateTime::parse_from_str("2027-01-01T10:00", "%Y-%m-%dT%H:%M").unwrap();
        let expected: Vec<String> = facility
            .services
            .iter()
            .filter_map(|s| {
                let hours =
                    linli_facilities::hours::Hours::parse(s.opening_hours.as_deref()?, &calendar)
                        .ok()?;
                linli::facility::now_said(&hours, &calendar, at, linli::i18n::Lang::Zh)
                    .map(|(t, _)| t)
            })
            .collect();
        assert!(
            expected
                .iter()
                .any(|t| t.starts_with("现在未营业，按平日推算 ")
                    && t.ends_with("开始营业，请致电确认")),
            "{expected:?}"
        );
        assert_eq!(page.texts_of(".service-card .now-state").await, expected);
        // The week's days after 元旦 are ordinary days "except on a
        // holiday", and the note says what that means.
        let week = page.texts_of(".service-card .week td").await;
        assert!(week.iter().any(|t| t.ends_with("（节假日除外）")), "{week:?}");
        let notes = page.texts_of(".service-card .holiday").await;
        assert!(
            notes.iter().any(|t| t
                == "2027年的节假日和调休安排尚未收录：标有“节假日除外”或“调休上班日除外”的按平日计，节假日和调休上班日当天请致电确认。"),
            "{notes:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_result_opens_its_page_with_hours_prices_and_directions() {
    let near = expected_names(None, 15);
    let first = facility_named(&near[0]);
    let with_holiday_rule = first
        .services
        .iter()
        .filter(|s| s.opening_hours.as_deref().is_some_and(|h| h.contains("PH")))
        .count();
    // Monday 28 September 2026, the week before National Day.
    let setup = Setup {
        beijing_time: Some("2026-09-28T10:00".to_owned()),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let name = open_first(&page).await;
        assert_eq!(name, first.name.zh);
        let wanted = format!("fac={}", first.id);
        page.url_when("the facility in the URL", |u| u.contains(&wanted))
            .await;
        // Focus moves to the page heading for screen readers.
        let focused = page
            .client
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused, "facility-heading");
        // The tab (and a screen reader) names the facility.
        let title = page.client.title().await.unwrap();
        assert_eq!(title, format!("{} · 邻里", first.name.zh));
        // Every service has its card; each table has seven days from today,
        // today marked.
        let cards = page.client.find_all(Locator::Css(".service-card")).await.unwrap();
        assert_eq!(cards.len(), first.services.len());
        // Below them, what each card's category means.
        assert_eq!(
            page.text_of(".service-cards + .categories-explained summary").await.as_deref(),
            Some("这三类服务有什么不同？")
        );
        // A service for an age group says which ages.
        let ages = page.texts_of(".service-card .ages").await;
        let with_ages = first
            .services
            .iter()
            .filter(|s| s.ages.is_some_and(|a| a.min_months > 0 || a.max_months.is_some()))
            .count();
        assert_eq!(ages.len(), with_ages, "{ages:?}");
        assert!(ages.iter().all(|a| a.starts_with("适用年龄：")), "{ages:?}");
        // Each table looks ahead from today, its first row.
        let today = page
            .client
            .execute("return [...document.querySelectorAll('.week tr:first-child.today th')].map(t => t.textContent)", vec![])
            .await
            .unwrap();
        let tables = first.services.iter().filter(|s| s.opening_hours.is_some()).count();
        assert_eq!(today.as_array().unwrap().len(), tables);
        for t in today.as_array().unwrap() {
            assert_eq!(t.as_str().unwrap(), "周一 9月28日 今天");
        }
        // Above each week, whether the service is open now and until when.
        let calendar = linli_facilities::calendar::HolidayCalendar::from_json(include_str!(
            "../../../public/data/holidays.json"
        ))
        .unwrap();
        let at = chrono::NaiveDateTime::parse_from_str("2026-09-28T10:00", "%Y-%m-%dT%H:%M").unwrap();
        let expected: Vec<String> = first
            .services
            .iter()
            .filter_map(|s| {
                let hours = linli_facilities::hours::Hours::parse(s.opening_hours.as_deref()?, &calendar).ok()?;
                linli::facility::now_said(&hours, &calendar, at, linli::i18n::Lang::Zh).map(|(t, _)| t)
            })
            .collect();
        assert!(!expected.is_empty(), "the sample suits this test");
        assert!(expected.iter().all(|t| t.starts_with("现在")), "{expected:?}");
        assert_eq!(page.texts_of(".service-card .now-state").await, expected);
        // The next holiday's effect is named for the services with a PH rule.
        let holidays = page.client.find_all(Locator::Css(".holiday")).await.unwrap();
        assert_eq!(holidays.len(), with_holiday_rule);
        for h in holidays {
            let text = h.text().await.unwrap();
            assert!(text.starts_with("国庆节 10月1日–7日 "), "{text}");
        }
        // Phone and directions.
        let tel = page.client.find(Locator::Css(".phone a")).await.unwrap();
        let href = tel.attr("href").await.unwrap().unwrap();
        assert_eq!(href, format!("tel:{}", first.phone.clone().unwrap().replace('-', "")));
        let links = page.client.find_all(Locator::Css(".directions a")).await.unwrap();
        let amap = links[0].attr("href").await.unwrap().unwrap();
        let baidu = links[1].attr("href").await.unwrap().unwrap();
        let gcj = first.position.to_gcj02();
        assert!(amap.starts_with("https://uri.amap.com/navigation?to="), "{amap}");
        assert!(amap.contains(&format!("{:.6},{:.6}", gcj.lon, gcj.lat)), "{amap}");
        let bd = first.position.to_bd09();
        assert!(baidu.contains(&format!("location={:.6},{:.6}", bd.lat, bd.lon)), "{baidu}");
        let facts = page.text_of(".facts.about").await.unwrap();
        assert!(facts.contains(&first.operator), "{facts}");
        assert!(facts.contains(first.operating_model.label_zh()), "{facts}");
        // Back to the list, which is as it was. The page's back button
        // goes back in the browser's history, as the browser's own does:
        // no entry is added, and Forward returns to the page.
        let entries = page.client.execute("return history.length", vec![]).await.unwrap();
        page.click(".back").await;
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        page.url_when("no facility in the URL", |u| !u.contains("fac="))
            .await;
        let after = page.client.execute("return history.length", vec![]).await.unwrap();
        assert_eq!(entries, after, "no entry added");
        page.client.forward().await.unwrap();
        page.wait_for_text("#facility-heading", &first.name.zh).await;
        // After Back and Forward the page is still the list's: its back
        // button goes back again instead of adding an entry.
        page.click(".back").await;
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        page.url_when("no facility in the URL", |u| !u.contains("fac="))
            .await;
        let again = page.client.execute("return history.length", vec![]).await.unwrap();
        assert_eq!(entries, again, "no entry added after Forward");
    })
    .await;
}

#[tokio::test]
async fn a_shared_links_page_is_not_taken_for_one_opened_from_the_list() {
    let near = expected_names(None, 15);
    let first = facility_named(&near[0]);
    with_finder(move |page| async move {
        open_shared_link(&page, &first).await;
        let length = "return history.length";
        // Its back button opens the list as a new entry; the same page
        // opened from the list is its own entry after it.
        page.click(".back").await;
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        assert_eq!(open_first(&page).await, first.name.zh);
        page.url_when("the facility in the URL", |u| u.contains("fac="))
            .await;
        let entries = page.client.execute(length, vec![]).await.unwrap();
        // Back twice: the shared link's entry, whose back button still
        // opens the list (a new entry) rather than leave for the page
        // before it, as it would if it took itself for the list's.
        page.client.back().await.unwrap();
        page.url_when("the list", |u| !u.contains("fac=")).await;
        page.client.back().await.unwrap();
        page.wait_for_text("#facility-heading", &first.name.zh)
            .await;
        page.click(".back").await;
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let now = page.client.execute(length, vec![]).await.unwrap();
        assert_eq!(
            now.as_u64().unwrap(),
            entries.as_u64().unwrap() - 1,
            "the entries after the shared link's replaced by the list"
        );
    })
    .await;
}

#[tokio::test]
async fn a_shared_link_opens_the_page_and_a_bad_one_says_so() {
    let near = expected_names(None, 15);
    let first = facility_named(&near[0]);
    with_finder(move |page| async move {
        let base = open_shared_link(&page, &first).await;
        assert!(
            page.text_of(".sample-banner")
                .await
                .unwrap()
                .contains("示例数据")
        );
        page.open(&format!("{base}?fac=no-such-id&fd={}", first.district_code))
            .await;
        page.wait_for_text("#facility-heading", "找不到这个设施")
            .await;
        let why = page.text_of(".facility [role=alert]").await.unwrap();
        assert!(why.contains("no-such-id"), "{why}");
    })
    .await;
}

/// How far below the top of the screen the link at `selector` is, in CSS
/// pixels, when it has the focus; `None` otherwise.
async fn focused_link_top(page: &FinderPage, selector: &str) -> Option<f64> {
    page.client
        .execute(
            "const link = document.querySelector(arguments[0]);
             if (!link || document.activeElement !== link) return null;
             return link.getBoundingClientRect().top;",
            vec![json!(selector)],
        )
        .await
        .ok()?
        .as_f64()
}

/// Where the way back from a facility page lands: the row the resident
/// opened, focused, on its page of the list and where it was on screen
/// (`top`, CSS pixels below the top), whether they press "back to the
/// results" or the browser's back.
async fn back_lands_on_the_row(page: &FinderPage, selector: &str, top: f64) {
    let now = page
        .eventually("the opened row focused again", || {
            focused_link_top(page, selector)
        })
        .await;
    assert!(
        (now - top).abs() <= 2.0,
        "the link at {now} px, was at {top} px"
    );
}

#[tokio::test]
async fn the_way_back_returns_to_the_row_that_was_opened() {
    let everything = expected_names(None, 30);
    assert!(everything.len() > 12, "a list longer than one page");
    with_finder(move |page| async move {
        phone_screen(&page.client, 390, 700, 2.0).await;
        page.choose_walk("30 分钟以内").await;
        page.wait_for_count(&format!("共 {} 处", everything.len()))
            .await;
        // The twelfth result, on the list's second page.
        let twelfth = facility_named(&everything[11]);
        page.client
            .execute("document.querySelector('.show-more').click();", vec![])
            .await
            .unwrap();
        let link = format!("li.result[data-id=\"{}\"] .name a", twelfth.id);
        // Where the row settles: the rows added by "show more" are read
        // and drawn over a few tasks, so the position is taken once two
        // readings a quarter second apart agree.
        let mut top = f64::NAN;
        for _ in 0..20 {
            let now = page
                .client
                .execute(
                    "const a = document.querySelector(arguments[0]);
                     a.scrollIntoView({ block: 'center' });
                     await new Promise((done) => setTimeout(done, 250));
                     return a.getBoundingClientRect().top;",
                    vec![json!(link)],
                )
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            if (now - top).abs() < 0.5 {
                break;
            }
            top = now;
        }
        assert!(top > 100.0, "the row is well down the screen: {top}");
        page.click(&link).await;
        page.wait_for_text("#facility-heading", &twelfth.name.zh)
            .await;
        page.click(".facility .back").await;
        back_lands_on_the_row(&page, &link, top).await;
        let title = page.client.title().await.unwrap();
        assert_eq!(title, "邻里 · 社区嵌入式服务设施查找");
        // Again, and back with the browser.
        page.click(&link).await;
        page.wait_for_text("#facility-heading", &twelfth.name.zh)
            .await;
        page.client.back().await.unwrap();
        back_lands_on_the_row(&page, &link, top).await;
    })
    .await;
}

#[tokio::test]
async fn a_problem_report_made_offline_reaches_the_collector_once() {
    let near = expected_names(None, 15);
    with_finder(move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        open_first(&page).await;
        page.set_offline(true).await;
        page.click(".report summary").await;
        // Nothing is chosen at first: saving asks for a choice.
        page.click(".report button[type=submit]").await;
        page.wait_for_text(".report-status", "请先选择哪里不对。")
            .await;
        let invalid = |id: &'static str| {
            let page = &page;
            async move {
                page.client
                    .execute(
                        &format!("return document.getElementById('{id}').getAttribute('aria-invalid')"),
                        vec![],
                    )
                    .await
                    .unwrap()
            }
        };
        assert_eq!(invalid("report-kind").await, "true");
        page.select("report-kind", "其他问题").await;
        page.click(".report button[type=submit]").await;
        page.wait_for_text(".report-status", "选择“其他问题”时请写一句说明。")
            .await;
        assert_eq!(invalid("report-kind").await, Value::Null);
        assert_eq!(invalid("report-text").await, "true");
        let text = page.client.find(Locator::Id("report-text")).await.unwrap();
        // A phone number is refused by the page, as the collector would
        // refuse it, and never said to be saved.
        text.send_keys("电话应为 010-64012345").await.unwrap();
        page.click(".report button[type=submit]").await;
        page.wait_for_text(
            ".report-status",
            "说明里不能写电话号码或证件号码（连续 11 位以上的数字）。电话不对时，选择“电话打不通或不对”即可。",
        )
        .await;
        text.clear().await.unwrap();
        text.send_keys("门口的牌子写着周日也开放").await.unwrap();
        page.click(".report button[type=submit]").await;
        page.wait_for_text(
            ".report-status",
            "已保存在本机，正在发送给区里；没有网络时，联网后会自动发送（如已关闭邻里，则在下次打开时发送）。",
        )
        .await;
        page.wait_for_text(".outbox-status", "1 条信息等待发送")
            .await;
        // The form forgets the kind it filed, and shows so.
        let kind = page
            .client
            .execute(
                "return document.getElementById('report-kind').value",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(kind, "");
        // What waits in the device's outbox.
        let record = page.outbox().await.remove(0);
        let body: Value = serde_json::from_str(record["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["kind"], "other");
        assert_eq!(body["text"], "门口的牌子写着周日也开放");
        // Back online: it is sent and leaves the outbox, and the form says
        // it arrived.
        page.set_offline(false).await;
        page.wait_for_empty_outbox().await;
        page.wait_for_text(".report-status", "已送达区里，谢谢！").await;
        // The collector has it: the same body again is "already stored",
        // a different one under the same id a conflict.
        let sent = record["body"].as_str().unwrap();
        assert_eq!(page.post_from_page("api/v1/reports", sent).await, 200);
        let mut changed = body.clone();
        changed["text"] = json!("另一个说明");
        let other = page
            .post_from_page("api/v1/reports", &changed.to_string())
            .await;
        assert_eq!(other, 409);
    })
    .await;
}

#[tokio::test]
async fn key_facts_are_read_aloud_in_a_chinese_voice() {
    let near = expected_names(None, 15);
    let setup = Setup {
        voice: Some("zh-CN".to_owned()),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        let name = open_first(&page).await;
        page.click_button("🔊 朗读要点").await;
        let spoken = page
            .eventually("speech", || async {
                let s = page
                    .client
                    .execute("return window.__spoken", vec![])
                    .await
                    .ok()?;
                s.as_str().filter(|t| !t.is_empty()).map(str::to_owned)
            })
            .await;
        // The walk there as the page shows it ("步行约 7 分钟 · 直线 …"),
        // without the straight line.
        let walk = match page.text_of(".facility .walk").await {
            Some(shown) => {
                let minutes = shown.split(" · ").next().unwrap().to_owned();
                format!("{minutes}。")
            }
            None => String::new(),
        };
        assert!(
            spoken.starts_with(&format!("{name}。{walk}地址：")),
            "{spoken}"
        );
        // While it reads, the button stops it (the icon is not read as
        // part of its name).
        let label = page
            .client
            .execute(
                "return document.querySelector('.read-aloud').textContent",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(label, "🔊 停止朗读");
        let cancels = "return window.__cancels || 0";
        let before = page.client.execute(cancels, vec![]).await.unwrap();
        page.click_button("🔊 停止朗读").await;
        page.wait_for_text(".read-aloud", "🔊 朗读要点").await;
        let after = page.client.execute(cancels, vec![]).await.unwrap();
        assert_eq!(after.as_u64(), before.as_u64().map(|n| n + 1), "stopped");
    })
    .await;
}

/// In English, the facts are read by an English voice and the Chinese
/// address by a Chinese one; an English voice is never given Chinese
/// characters to spell out.
#[tokio::test]
async fn in_english_the_address_is_read_in_a_chinese_voice() {
    let near = expected_names(None, 15);
    let setup = Setup {
        voice: Some("en-US,zh-CN".to_owned()),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        page.to_english().await;
        // The services' own names say in English what kind they are
        // (the sample's are all common kinds), in the rows without the
        // Chinese, on the page with it.
        let after_dot = "return [...document.querySelectorAll(arguments[0])]
            .map(e => e.textContent).filter(t => t.includes('·'))
            .map(t => t.split('·')[1].trim());";
        let in_rows = page
            .client
            .execute(after_dot, vec![json!(".result .service-name")])
            .await
            .unwrap();
        let in_rows: Vec<String> = serde_json::from_value(in_rows).unwrap();
        assert!(!in_rows.is_empty());
        for name in &in_rows {
            assert!(name.is_ascii(), "a row's service name in English: {name}");
        }
        page.click(".result .name a").await;
        page.wait_for_focus_on("facility-heading").await;
        let on_page = page
            .client
            .execute(after_dot, vec![json!(".service-card h4")])
            .await
            .unwrap();
        let on_page: Vec<String> = serde_json::from_value(on_page).unwrap();
        assert!(!on_page.is_empty(), "named services on the page");
        for name in &on_page {
            let (en, zh) = name.split_once(" (").expect("the Chinese beside it");
            assert!(en.is_ascii() && !zh.is_ascii(), "{name}");
        }
        page.click_button("🔊 Read aloud").await;
        let said = page
            .eventually_js(
                "speech",
                "return window.__said && window.__said.length ? window.__said : null",
            )
            .await;
        let address = page
            .client
            .execute(
                "return document.querySelector('.facility .address').firstChild.textContent",
                vec![],
            )
            .await
            .unwrap();
        let said = said.as_array().unwrap();
        assert!(
            said.iter().any(|u| u[0] == "zh-CN" && u[1] == address),
            "the address in a Chinese voice: {said:?}"
        );
        let han = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for u in said {
            if u[0] == "en-US" {
                assert!(
                    !han(u[1].as_str().unwrap()),
                    "Chinese for an English voice: {u}"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn no_voice_no_read_aloud_button() {
    let near = expected_names(None, 15);
    let setup = Setup {
        voice: Some("fr-FR".to_owned()),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", near.len())).await;
        open_first(&page).await;
        let buttons = page
            .client
            .find_all(Locator::Css(".read-aloud"))
            .await
            .unwrap();
        assert!(buttons.is_empty(), "no Chinese voice, no button");
    })
    .await;
}

/// "More filters", opened with no filter chosen, is still open on the way
/// back from a facility page (the finder is drawn again).
#[tokio::test]
async fn more_filters_stay_open_on_the_way_back() {
    with_setup(Setup::default(), |page| async move {
        page.wait_for_markers().await;
        page.open_more_filters().await;
        open_first(&page).await;
        page.click(".facility .back").await;
        page.wait_for_markers().await;
        let open = page
            .eventually_js(
                "more filters drawn again",
                "const d = document.querySelector('.more-filters'); return d ? d.open : null",
            )
            .await;
        assert_eq!(open, true, "more filters kept open");
    })
    .await;
}

/// With the resident's position known, the facility page says the walk as
/// the list did; from the sample position (none chosen), it says none.
#[tokio::test]
async fn the_page_says_the_walk_from_the_resident() {
    let setup = Setup {
        query: "pos=116.40740,39.90420&src=map".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        page.wait_for_markers().await;
        let walk = page
            .text_of(".result .distance")
            .await
            .expect("a row's walk");
        assert!(walk.starts_with("步行约 "), "{walk}");
        open_first(&page).await;
        page.wait_for_text(".facts .walk", &walk).await;
        // From where, at which speed: a shared link's reader learns whose
        // walk it is.
        page.wait_for_text(
            ".facts .walk-from",
            "从地图上选择的位置出发，按一般步速（每分钟约60米）",
        )
        .await;
    })
    .await;
    with_setup(Setup::default(), |page| async move {
        page.wait_for_markers().await;
        open_first(&page).await;
        let walks = page
            .client
            .find_all(Locator::Css(".facts .walk"))
            .await
            .unwrap();
        assert!(walks.is_empty(), "no walk from the sample position");
    })
    .await;
}

/// Opened from a search for one service, a facility page shows that
/// service first, whatever the operator's order.
#[tokio::test]
async fn the_service_searched_for_comes_first() {
    use linli_facilities::model::ServiceFunction;
    let meals = expected_names(Some(ServiceFunction::Meals), 30);
    let (rank, name) = meals
        .iter()
        .enumerate()
        .take(linli::finder::PAGE_SIZE)
        .find(|(_, n)| facility_named(n).services[0].function != ServiceFunction::Meals)
        .map(|(i, n)| (i, n.clone()))
        .expect("the sample suits this test: a meal place listing another service first");
    let setup = Setup {
        query: "walk=30&svc=meals".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_count(&format!("共 {} 处", meals.len())).await;
        page.client
            .execute(
                "document.querySelectorAll('.result .name a')[arguments[0]].click();",
                vec![json!(rank)],
            )
            .await
            .unwrap();
        page.wait_for_text("#facility-heading", &name).await;
        let first = page.text_of(".service-card h4").await.unwrap();
        assert!(first.starts_with("社区助餐"), "{first}");
    })
    .await;
}

/// A facility page left open follows the clock, as the list does: at 13:00
/// a canteen's line changes from when it closes to when it opens again.
#[tokio::test]
async fn a_facility_page_left_open_says_when_a_service_has_closed() {
    use linli_e2e::meals_open_at;
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").unwrap();
    let after = meals_open_at(at("2026-10-14T13:00"));
    let closing = meals_open_at(at("2026-10-14T12:59"))
        .into_iter()
        .find(|name| !after.contains(name))
        .expect("the sample suits this test: a canteen closes at 13:00");
    let facility = facility_named(&closing);
    let setup = Setup {
        beijing_time: Some("2026-10-14T12:59:30".to_owned()),
        query: format!("fac={}&fd={}", facility.id, facility.district_code),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_text("#facility-heading", &facility.name.zh)
            .await;
        let meals_line = || async {
            page.texts_of(".service-card[data-function=meals] .now-state")
                .await
                .into_iter()
                .next()
        };
        assert_eq!(
            meals_line().await.as_deref(),
            Some("现在营业中，今天 13:00 结束营业")
        );
        let line = page
            .after_the_minute("the line after 13:00", || async {
                meals_line()
                    .await
                    .filter(|l| l != "现在营业中，今天 13:00 结束营业")
            })
            .await;
        assert!(line.starts_with("现在未营业，今天 "), "{line}");
        assert!(line.ends_with(" 开始营业"), "{line}");
    })
    .await;
}

/// A facility page left open past midnight starts its week from the new
/// day: "今天" moves on, as the line above it does.
#[tokio::test]
async fn a_facility_page_left_open_past_midnight_marks_the_new_day() {
    let facility = facility_named(&expected_names(None, 15)[0]);
    assert!(
        facility.services.iter().any(|s| s.opening_hours.is_some()),
        "the sample suits this test"
    );
    let setup = Setup {
        beijing_time: Some("2026-10-14T23:59:30".to_owned()),
        query: format!("fac={}&fd={}", facility.id, facility.district_code),
        ..Setup::default()
    };
    with_setup(setup, move |page| async move {
        page.wait_for_text("#facility-heading", &facility.name.zh)
            .await;
        let today = || async { page.texts_of(".week tr.today th").await.into_iter().next() };
        assert_eq!(today().await.as_deref(), Some("周三 10月14日 今天"));
        page.after_the_minute("the new day marked", || async {
            today().await.filter(|t| t == "周四 10月15日 今天")
        })
        .await;
    })
    .await;
}
