//! The pages whose code is fetched when first shown (the survey and the
//! facility page; the app's `src/split.rs`, cut by `cargo xtask dist`):
//! the first download leaves them out, they arrive once the page is idle,
//! and a page whose code cannot be fetched says so and opens on retry.

use linli_e2e::{FinderPage, expected_names, facility_named, with_finder};
use serde_json::Value;

/// The split modules' names among the files the page fetched, in order.
const SPLIT_FETCHED: &str = "return performance.getEntriesByType('resource')
    .map(e => e.name.split('/').pop())
    .filter(n => n.startsWith('split_') || n.startsWith('chunk_'));";

/// The app's address without query or fragment.
async fn base(page: &FinderPage) -> String {
    let url = page.url().await;
    url.split(['?', '#']).next().unwrap().to_owned()
}

/// Makes every later request for a split module fail, or (`false`) lets
/// them through again.
async fn block_split_modules(page: &FinderPage, block: bool) {
    let patterns: &[&str] = if block {
        &["*/split_*", "*/chunk_*"]
    } else {
        &[]
    };
    page.block_urls(patterns).await;
}

#[tokio::test]
async fn the_first_download_leaves_out_the_survey_and_facility_pages() {
    with_finder(|page| async move {
        page.eventually("the results", || async {
            page.text_of(".count")
                .await
                .filter(|t| t.starts_with("共 "))
        })
        .await;
        // The page's own download is one wasm module, the app's; the split
        // modules come only after the page's load event.
        let timing: Vec<(String, f64)> = serde_json::from_value(
            page.client
                .execute(
                    "const load = performance.getEntriesByType('navigation')[0].loadEventEnd;
                     return performance.getEntriesByType('resource')
                       .filter(e => e.name.endsWith('.wasm'))
                       .map(e => [e.name.split('/').pop(), e.startTime - load]);",
                    vec![],
                )
                .await
                .unwrap(),
        )
        .unwrap();
        let app: Vec<_> = timing
            .iter()
            .filter(|(n, _)| n.starts_with("linli-"))
            .collect();
        assert_eq!(app.len(), 1, "{timing:?}");
        assert!(
            timing
                .iter()
                .filter(|(n, _)| !n.starts_with("linli-"))
                .all(|(_, after_load)| *after_load >= 0.0),
            "{timing:?}"
        );
        // Once the page is idle, the two pages' modules (and the code they
        // share) are fetched, so that they open at once and offline.
        let fetched: Value = page
            .eventually("the split modules fetched", || async {
                let names = page.client.execute(SPLIT_FETCHED, vec![]).await.ok()?;
                let list = names.as_array()?;
                let has = |p: &str| {
                    list.iter()
                        .any(|n| n.as_str().is_some_and(|n| n.starts_with(p)))
                };
                (has("split_survey-") && has("split_facility-")).then_some(names)
            })
            .await;
        // Opening both pages fetches nothing more.
        page.click("li.result .name a").await;
        page.eventually("the facility page", || async {
            page.text_of("#facility-heading")
                .await
                .filter(|t| !t.is_empty())
        })
        .await;
        page.client.back().await.unwrap();
        page.click(".survey-link").await;
        page.wait_for_text("#survey-heading", "社区服务需求调查")
            .await;
        assert_eq!(
            page.client.execute(SPLIT_FETCHED, vec![]).await.unwrap(),
            fetched
        );
    })
    .await;
}

#[tokio::test]
async fn a_page_whose_code_cannot_be_fetched_says_so_and_opens_on_retry() {
    let facility = facility_named(&expected_names(None, 10)[0]);
    with_finder(move |page| async move {
        let base = base(&page).await;
        block_split_modules(&page, true).await;

        // The survey, from a shared link.
        page.open(&format!("{base}?p=survey")).await;
        page.wait_for_text("main [role=alert] h3", "这一页未能打开")
            .await;
        assert!(page.text_of("#survey-heading").await.is_none());
        page.click("main [role=alert] button").await;
        page.wait_for_text(
            "main [role=alert] .retried",
            "重试后仍未成功（已失败 2 次）。也可以刷新本页再试：邻里可能已经更新。",
        )
        .await;
        // The pressed button is gone; the new one has the focus.
        page.eventually("the focus on the new retry button", || async {
            page.client
                .execute("return document.activeElement.textContent", vec![])
                .await
                .ok()
                .filter(|v| v == "重试")
        })
        .await;
        block_split_modules(&page, false).await;
        page.click("main [role=alert] button").await;
        page.wait_for_text("#survey-heading", "社区服务需求调查")
            .await;
        assert!(page.text_of("main [role=alert]").await.is_none());

        // A facility page, in a page of its own (nothing fetched yet).
        block_split_modules(&page, true).await;
        let link = format!("{base}?fac={}&fd={}", facility.id, facility.district_code);
        page.open(&link).await;
        page.wait_for_text("main [role=alert] h3", "这一页未能打开")
            .await;
        // The way back to the search is there too.
        page.click("main [role=alert] button.back").await;
        page.eventually("the list", || async {
            page.text_of(".count")
                .await
                .filter(|t| t.starts_with("共 "))
        })
        .await;
        page.open(&link).await;
        page.wait_for_text("main [role=alert] h3", "这一页未能打开")
            .await;
        block_split_modules(&page, false).await;
        page.click("main [role=alert] button").await;
        page.wait_for_text("#facility-heading", &facility.name.zh)
            .await;
    })
    .await;
}
