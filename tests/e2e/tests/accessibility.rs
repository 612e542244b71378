//! axe-core (from npm, in the same Chromium) finds no violations on the
//! finder, its results, the community picker, a facility page and the
//! survey, in the normal and the elder mode.

use linli_e2e::{FinderPage, Setup, expected_names, with_setup};

async fn check(page: &FinderPage, what: &str) {
    let violations = page.axe_violations().await;
    assert!(violations.is_empty(), "{what}: {violations:#?}");
}

async fn every_page(elder: bool) {
    let near = expected_names(None, 15);
    let setup = Setup {
        elder,
        ..Setup::default()
    };
    let mode = if elder { "elder mode" } else { "normal mode" };
    with_setup(setup, move |page| async move {
        page.wait_for_text(".count", &format!("共 {} 处", near.len()))
            .await;
        check(&page, &format!("finder with results, {mode}")).await;
        page.open_more_filters().await;
        page.click(".picker summary").await;
        page.eventually("the community search", || async {
            page.client
                .find(fantoccini::Locator::Id("community-search"))
                .await
                .ok()
        })
        .await;
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
