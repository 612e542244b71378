//! The finder, end to end: the release build served over HTTP with the
//! published sample dataset, in headless Chromium.

use linli_e2e::{FinderPage, expected_names, with_finder};
use linli_facilities::model::ServiceFunction;

async fn wait_for_count(page: &FinderPage, count: &str) {
    page.wait_for_text(".count", count).await;
}

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
        wait_for_count(&page, &format!("共 {} 处", near.len())).await;
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
            ["营业中", "现在未营业", "营业时间未知"].contains(&state.as_str()),
            "{state}"
        );

        page.choose_walk("30 分钟以内").await;
        wait_for_count(&page, &format!("共 {} 处", everything.len())).await;
        assert_eq!(page.result_names().await, everything);

        page.choose_service("婴幼儿托育").await;
        wait_for_count(&page, &format!("共 {} 处", infant_care.len())).await;
        assert_eq!(page.result_names().await, infant_care);
        for chips in page.result_functions().await {
            assert_eq!(
                chips[0], "婴幼儿托育",
                "the searched service comes first: {chips:?}"
            );
        }

        page.choose_service("全部服务").await;
        wait_for_count(&page, &format!("共 {} 处", everything.len())).await;
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
        wait_for_count(&page, &format!("共 {} 处", meals.len())).await;
        page.click_button("English").await;
        wait_for_count(&page, &format!("{} facilities", meals.len())).await;
        assert_eq!(
            page.text_of("h2").await.unwrap(),
            "Nearby facilities, nearest first"
        );
        let first = page.result_names().await.remove(0);
        assert!(
            first.starts_with("Sample "),
            "English names are shown: {first}"
        );
        let lang = page
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        assert_eq!(lang, "en");
        page.click_button("中文").await;
        wait_for_count(&page, &format!("共 {} 处", meals.len())).await;
        assert_eq!(page.result_names().await[0], meals[0]);
    })
    .await;
}
