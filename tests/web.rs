//! Browser tests: components mounted in headless Chromium by
//! wasm-bindgen-test. Run by `cargo xtask test` (layer `wasm`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use leptos::prelude::*;
use linli::Finder;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &str = include_str!("../public/data/sample.geojson");

/// A `data:` URL holding `body`, so that the real fetch path runs without a
/// server.
fn data_url(body: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(body).into();
    format!("data:application/geo+json;charset=utf-8,{encoded}")
}

/// Mounts a finder reading `url` into a fresh container.
fn mount(url: String) -> web_sys::HtmlElement {
    let document = document();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = mount_to(container.clone(), move || view! { <Finder data_url=url /> });
    handle.forget();
    container
}

/// Waits, up to 5 s, until `check` holds for the container's text.
async fn until(container: &web_sys::HtmlElement, what: &str, check: impl Fn(&str) -> bool) {
    for _ in 0..100 {
        if check(&container.text_content().unwrap_or_default()) {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "timed out waiting for {what}; page says: {}",
        container.text_content().unwrap_or_default()
    );
}

fn texts(container: &web_sys::HtmlElement, css: &str) -> Vec<String> {
    let list = container.query_selector_all(css).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn shows_the_sample_nearest_first_and_filters() {
    let page = mount(data_url(SAMPLE));
    until(&page, "the result list", |t| t.contains("共 8 处")).await;
    assert!(page.text_content().unwrap().contains("示例数据"));
    let names = texts(&page, ".result .name");
    assert_eq!(
        names.first().map(String::as_str),
        Some("【示例】东四街道社区综合服务中心")
    );

    let select: web_sys::HtmlSelectElement = page
        .query_selector("#function-filter")
        .unwrap()
        .unwrap()
        .unchecked_into();
    select.set_value("sports");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    until(&page, "the sports results", |t| t.contains("共 2 处")).await;
    assert_eq!(
        texts(&page, ".result .name"),
        [
            "【示例】东直门街道文体服务站",
            "【示例】建国门街道儿童托管站"
        ]
    );
    // A row that stayed in the list now leads with the service searched for.
    assert_eq!(
        texts(&page, ".result .function:first-child"),
        ["体育健身", "体育健身"]
    );
}

#[wasm_bindgen_test]
async fn malformed_data_shows_where_it_broke() {
    let page = mount(data_url(
        "{\"type\": \"FeatureCollection\",\n \"features\": [oops]}",
    ));
    until(&page, "the error panel", |t| t.contains("设施数据加载失败")).await;
    let detail = texts(&page, ".error-detail").join("");
    assert!(detail.contains("数据格式错误"), "{detail}");
    assert!(detail.contains("line 2"), "{detail}");
    assert!(
        page.query_selector("[role=alert] button")
            .unwrap()
            .is_some(),
        "a retry button"
    );
}

#[wasm_bindgen_test]
async fn a_missing_file_names_the_status_and_url() {
    let page = mount("data/does-not-exist.geojson".to_owned());
    until(&page, "the error panel", |t| t.contains("设施数据加载失败")).await;
    let detail = texts(&page, ".error-detail").join("");
    assert!(detail.contains("HTTP 404"), "{detail}");
    assert!(detail.contains("data/does-not-exist.geojson"), "{detail}");
}

#[wasm_bindgen_test]
async fn records_that_fail_validation_are_counted_not_fatal() {
    let broken = SAMPLE.replacen("[116.4182, 39.9301]", "[39.9301, 116.4182]", 1);
    assert_ne!(
        broken, SAMPLE,
        "the sample's first coordinates changed; update this test"
    );
    let page = mount(data_url(&broken));
    until(&page, "the result list", |t| t.contains("共 7 处")).await;
    assert!(
        page.text_content()
            .unwrap()
            .contains("1 条记录有误，已跳过")
    );
}
