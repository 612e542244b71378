//! The first slice, end to end: the released app, served over HTTP, in
//! headless Chromium.

use linli_e2e::{FinderPage, with_finder};

const DONGSI: &str = "【示例】东四街道社区综合服务中心";

async fn wait_for_list(page: &FinderPage, count: &str) {
    page.wait_for_text(".count", count).await;
}

#[tokio::test]
async fn lists_sample_facilities_nearest_first_and_filters_by_service() {
    with_finder(|page| async move {
        wait_for_list(&page, "共 8 处").await;
        let banner = page.text_of(".sample-banner").await.expect("sample banner");
        assert!(banner.starts_with("示例数据"), "{banner}");
        let names = page.result_names().await;
        assert_eq!(names.len(), 8);
        assert_eq!(names[0], DONGSI);
        assert_eq!(names[7], "【示例】安定门街道托育托管中心");
        let first = page.text_of(".result .distance").await.unwrap();
        assert_eq!(first, "步行约 4 分钟 · 直线 160 米");

        page.choose_service("婴幼儿托育").await;
        wait_for_list(&page, "共 3 处").await;
        assert_eq!(
            page.result_names().await,
            [
                "【示例】朝阳门街道托育服务点",
                "【示例】北新桥街道嵌入式服务站",
                "【示例】安定门街道托育托管中心"
            ]
        );
        for chips in page.result_functions().await {
            assert_eq!(
                chips[0], "婴幼儿托育",
                "the searched service comes first: {chips:?}"
            );
        }

        page.choose_service("家政便民").await;
        wait_for_list(&page, "共 2 处").await;
        assert_eq!(
            page.result_names().await,
            ["【示例】交道口街道长者食堂", "【示例】东直门街道文体服务站"]
        );

        page.choose_service("全部服务").await;
        wait_for_list(&page, "共 8 处").await;
    })
    .await;
}

#[tokio::test]
async fn switches_to_english_and_keeps_the_filter() {
    with_finder(|page| async move {
        wait_for_list(&page, "共 8 处").await;
        page.choose_service("社区助餐").await;
        wait_for_list(&page, "共 5 处").await;
        page.click_button("English").await;
        wait_for_list(&page, "5 facilities").await;
        assert_eq!(
            page.text_of("h2").await.unwrap(),
            "Nearby facilities, nearest first"
        );
        assert_eq!(
            page.result_names().await[0],
            "Sample Dongsi Community Service Centre"
        );
        let lang = page
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        assert_eq!(lang, "en");
        page.click_button("中文").await;
        wait_for_list(&page, "共 5 处").await;
        assert_eq!(page.result_names().await[0], DONGSI);
    })
    .await;
}
