//! Browser tests: components mounted in headless Chromium by
//! wasm-bindgen-test. Run by `cargo xtask test` (layer `wasm`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use leptos::prelude::*;
use linli::Finder;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &str = include_str!("../crates/facilities/tests/fixtures/sample.geojson");
const HOLIDAYS: &str = include_str!("../public/data/holidays.json");
/// 东城区's extent; the fixture's facilities all lie in it.
const DONGCHENG: [f64; 4] = [116.380, 39.850, 116.450, 39.975];
/// 延庆区's extent: far beyond any walk from 东四.
const YANQING: [f64; 4] = [115.730, 40.250, 116.350, 40.750];

/// A `data:` URL holding `body`, so that the real fetch path runs without a
/// server.
fn data_url(body: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(body).into();
    format!("data:application/json;charset=utf-8,{encoded}")
}

/// A manifest (as a `data:` URL) listing shards given as (code, bbox, file URL).
fn manifest(shards: &[(&str, [f64; 4], String)]) -> String {
    let entries: Vec<String> = shards
        .iter()
        .map(|(code, bbox, file)| {
            format!(
                r#"{{"code":"{code}","name_zh":"","name_en":"","bbox":{bbox:?},"facilities":8,"file":"{file}","sha256":"","bytes":0}}"#
            )
        })
        .collect();
    manifest_of(&entries)
}

/// A manifest (as a `data:` URL) with the shard entries `entries` (JSON).
fn manifest_of(entries: &[String]) -> String {
    data_url(&format!(
        r#"{{"format":"linli-dataset/1","dataset_version":"t","generated_at":"2026-11-26T00:00:00+08:00","licence":"CC0-1.0","sample":true,"description":"test","holidays":"{}","schema":"schema.json","districts":[{}]}}"#,
        data_url(HOLIDAYS),
        entries.join(",")
    ))
}

/// A `blob:` URL holding `bytes`.
fn blob_url(bytes: &[u8]) -> String {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

/// The SHA-256 of `text`, lowercase hex.
fn sha256(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A search file made from `made_from` that names a shard with SHA-256
/// `made_for`, as a `blob:` URL, its length and its SHA-256.
fn search_blob(made_from: &str, made_for: &str) -> (String, usize, String) {
    use sha2::Digest as _;
    let bytes = linli_facilities::search_file::encode(made_from, made_for).unwrap();
    let hash = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (blob_url(&bytes), bytes.len(), hash)
}

/// A manifest (as a `data:` URL) listing one 东城区 shard, `shard`, whose
/// entry names SHA-256 `listed` and the search file `search` (URL, length
/// and SHA-256).
fn manifest_with_search(shard: &str, listed: &str, search: (String, usize, String)) -> String {
    let (search_url, search_len, search_sha) = search;
    let entry = format!(
        r#"{{"code":"110101","name_zh":"","name_en":"","bbox":{DONGCHENG:?},"facilities":8,"file":"{}","sha256":"{listed}","bytes":{},"search":{{"file":"{search_url}","sha256":"{search_sha}","bytes":{search_len}}}}}"#,
        data_url(shard),
        shard.len(),
    );
    manifest_of(&[entry])
}

/// Mounts a finder reading `manifest_url` into a fresh container.
fn mount(manifest_url: String) -> web_sys::HtmlElement {
    // The finder keeps its filters in the URL, and the position and the
    // language and walking speed on the device: start each test from none
    // of them (Chinese, the standard speed).
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("linli.position").unwrap();
    storage.remove_item("linli.lang").unwrap();
    storage.remove_item("linli.walk.senior").unwrap();
    mount_as_the_device_left_it(manifest_url)
}

/// Mounts a finder reading `manifest_url` into a fresh container, with
/// what the device remembers left as it is (a reload).
fn mount_as_the_device_left_it(manifest_url: String) -> web_sys::HtmlElement {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        .unwrap();
    let document = document();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = mount_to(container.clone(), move || view! { <Finder manifest_url /> });
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

/// The first element matching `css` in `container`; panics naming `css`
/// when there is none.
fn element(container: &web_sys::HtmlElement, css: &str) -> web_sys::HtmlElement {
    container
        .query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {css}"))
        .unchecked_into()
}

fn texts(container: &web_sys::HtmlElement, css: &str) -> Vec<String> {
    let list = container.query_selector_all(css).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

/// Picks `value` in the select with id `id`, as a person would.
fn pick(container: &web_sys::HtmlElement, id: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = container
        .query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap()
        .unchecked_into();
    select.set_value(value);
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Clicks the first element matching `css`.
fn click(container: &web_sys::HtmlElement, css: &str) {
    element(container, css).click();
}

/// Chooses a service function by its labelled icon button.
fn choose(container: &web_sys::HtmlElement, code: &str) {
    click(
        container,
        &format!("input[name=function][value=\"{code}\"]"),
    );
}

/// Clicks the radio button with `value`.
fn click_radio(container: &web_sys::HtmlElement, value: &str) {
    click(container, &format!("input[type=radio][value={value}]"));
}

#[wasm_bindgen_test]
async fn lists_what_is_within_a_walk_nearest_first_and_filters() {
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    // A 15-minute walk (the default) reaches only the nearest site.
    until(&page, "the result list", |t| t.contains("共 1 处")).await;
    pick(&page, "walk-filter", "30");
    until(&page, "the 30-minute results", |t| t.contains("共 3 处")).await;
    assert!(page.text_content().unwrap().contains("示例数据"));
    assert_eq!(
        texts(&page, ".result .name"),
        [
            "【示例】东四街道社区综合服务中心",
            "【示例】朝阳门街道托育服务点",
            "【示例】景山街道养老驿站"
        ]
    );
    assert!(
        texts(&page, ".result .function").is_empty(),
        "no service is searched for yet, and the service lines name them all"
    );
    // Among every service, a price names the service it is for (and its
    // note), in the unit that service is usually priced in (the care's
    // monthly fee, not an hourly one), and a price for some people only
    // says whose it is.
    assert_eq!(
        texts(&page, ".result .price"),
        [
            "免费（养老服务：健康咨询）",
            "最低 1200 元/月（儿童托管）",
            "免费（养老服务），适用：60周岁及以上"
        ]
    );

    choose(&page, "child_care");
    until(&page, "the child care results", |t| t.contains("共 1 处")).await;
    assert_eq!(
        texts(&page, ".result .name"),
        ["【示例】朝阳门街道托育服务点"]
    );
    // A row that stayed in the list now leads with the service searched for.
    assert_eq!(texts(&page, ".result .function:first-child"), ["儿童托管"]);
    assert_eq!(texts(&page, ".function.searched"), ["儿童托管"]);
    // The lowest price and the free places, with the day they were counted;
    // a count from September is flagged as old.
    assert_eq!(texts(&page, ".result .price"), ["最低 1200 元/月"]);
    assert_eq!(
        texts(&page, ".result .places"),
        ["空余托位 0 个，共 25 个（2026年9月1日统计，数据可能已过时）"]
    );
    assert!(page.query_selector(".places.stale").unwrap().is_some());

    choose(&page, "sports");
    until(&page, "the empty result", |t| t.contains("共 0 处")).await;
    // No sport is within even a 30-minute walk of the sample position: said
    // so, with nothing offered that would find none.
    assert_eq!(
        texts(&page, ".empty p"),
        ["步行 30 分钟内也没有符合条件的设施。可以选择其他服务类型，或换一个社区。"]
    );
    assert!(page.query_selector(".empty button").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_senior_speed_shortens_the_reach_and_lengthens_the_walk() {
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    until(&page, "the result list", |t| t.contains("共 1 处")).await;
    pick(&page, "walk-filter", "30");
    until(&page, "the 30-minute results", |t| t.contains("共 3 处")).await;
    assert_eq!(
        texts(&page, ".result .distance strong")[1],
        "步行约 21 分钟"
    );
    click_radio(&page, "senior");
    until(&page, "the senior results", |t| t.contains("共 2 处")).await;
    assert_eq!(
        texts(&page, ".result .distance strong")[1],
        "步行约 28 分钟"
    );
    // Every row says whether it is open now, or that nobody knows.
    let states = texts(&page, ".result .open-state");
    assert_eq!(states.len(), 2);
    let known = ["营业中", "部分服务营业中", "现在未营业", "营业时间未知"];
    assert!(
        states.iter().all(|s| known.contains(&s.as_str())),
        "{states:?}"
    );
}

#[wasm_bindgen_test]
async fn only_shards_near_the_resident_are_fetched() {
    // The far shard's URL would fail; the page loads because it is never asked for.
    let far = "data/not-fetched.geojson".to_owned();
    let page = mount(manifest(&[
        ("110101", DONGCHENG, data_url(SAMPLE)),
        ("110119", YANQING, far),
    ]));
    until(&page, "the result list", |t| t.contains("共 1 处")).await;
    assert!(!page.text_content().unwrap().contains("加载失败"));
}

#[wasm_bindgen_test]
async fn malformed_shard_shows_where_it_broke() {
    let broken = data_url("{\"type\": \"FeatureCollection\",\n \"features\": [oops]}");
    let page = mount(manifest(&[("110101", DONGCHENG, broken)]));
    until(&page, "the error panel", |t| t.contains("设施数据加载失败")).await;
    let detail = texts(&page, ".error-detail").join("");
    assert!(detail.contains("数据格式错误"), "{detail}");
    assert!(detail.contains("line 2"), "{detail}");
    assert_eq!(
        texts(&page, ".error-advice"),
        ["数据无法读取，邻里可能已经更新。请刷新本页；如果仍不行，请稍后再试。"]
    );
    let panel = page
        .query_selector("[role=alert]")
        .unwrap()
        .expect("the panel");
    let retry: web_sys::HtmlElement = page
        .query_selector(".error button")
        .unwrap()
        .expect("a retry button")
        .unchecked_into();
    // A retry that fails the same way says so, in the alert.
    retry.click();
    until(&page, "the failed retry said", |t| {
        t.contains("重试后仍未成功（已失败 2 次）。")
    })
    .await;
    assert!(panel.is_connected(), "one alert, its text changed");
}

#[wasm_bindgen_test]
async fn a_shard_that_is_not_utf8_names_the_byte() {
    // `{"type": ` and then a Latin-1 é (0xE9), which UTF-8 never has alone.
    let latin1 = "data:application/json,%7B%22type%22%3A%20%E9%7D".to_owned();
    let page = mount(manifest(&[("110101", DONGCHENG, latin1)]));
    until(&page, "the error panel", |t| t.contains("设施数据加载失败")).await;
    let detail = texts(&page, ".error-detail").join("");
    assert!(detail.contains("不是 UTF-8 文本"), "{detail}");
    assert!(detail.contains("第 9 字节"), "{detail}");
}

#[wasm_bindgen_test]
async fn a_missing_manifest_names_the_status_and_url() {
    let page = mount("data/does-not-exist.json".to_owned());
    until(&page, "the error panel", |t| t.contains("设施数据加载失败")).await;
    let detail = texts(&page, ".error-detail").join("");
    assert!(detail.contains("HTTP 404"), "{detail}");
    assert!(detail.contains("data/does-not-exist.json"), "{detail}");
    // The resident reads what to do, without the address or the status,
    // which are folded under 技术详情.
    assert_eq!(
        texts(&page, ".error-advice"),
        ["服务器上暂时没有这份数据，可能正在更新。请稍后重试。"]
    );
    assert!(
        page.query_selector("details:not([open]) .error-detail")
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn records_that_fail_validation_are_counted_not_fatal() {
    let broken = SAMPLE.replacen("[116.4182, 39.9301]", "[39.9301, 116.4182]", 1);
    assert_ne!(
        broken, SAMPLE,
        "the fixture's first coordinates changed; update this test"
    );
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(&broken))]));
    pick(&page, "walk-filter", "30");
    until(&page, "the result list", |t| t.contains("共 2 处")).await;
    assert!(
        page.text_content()
            .unwrap()
            .contains("1 条记录有误，已跳过")
    );
}

/// The fixture with the point `[lon, lat]` written as `[lat, lon]`: the
/// same length, and a record the reader refuses (latitude over 90).
fn with_swapped_point(lon: &str, lat: &str) -> String {
    let text = SAMPLE.replacen(&format!("[{lon}, {lat}]"), &format!("[{lat}, {lon}]"), 1);
    assert_ne!(
        text, SAMPLE,
        "[{lon}, {lat}] is not in the fixture; update this test"
    );
    text
}

/// Mounts a finder reading `manifest_url`, chooses a 30-minute walk and
/// waits for `count` results ("共 3 处").
async fn within_30_minutes(manifest_url: String, count: &str) -> web_sys::HtmlElement {
    let page = mount(manifest_url);
    pick(&page, "walk-filter", "30");
    until(&page, "the result list", |t| t.contains(count)).await;
    page
}

#[wasm_bindgen_test]
async fn records_far_from_the_resident_are_never_parsed() {
    // lc-sample-005 (建国门, about 2 km away) is broken in the shard, and
    // its search file was made before: a 30-minute walk never reaches it,
    // so the page never reads it and has nothing to report.
    let shard = with_swapped_point("116.423", "39.91");
    let listed = sha256(&shard);
    let page = within_30_minutes(
        manifest_with_search(&shard, &listed, search_blob(SAMPLE, &listed)),
        "共 3 处",
    )
    .await;
    assert!(!page.text_content().unwrap().contains("有误"));
    // Read whole, the same shard reports the broken record.
    let whole = manifest(&[("110101", DONGCHENG, data_url(&shard))]);
    let page = within_30_minutes(whole, "共 3 处").await;
    until(&page, "the report", |t| t.contains("1 条记录有误，已跳过")).await;
}

#[wasm_bindgen_test]
async fn a_record_found_bad_when_shown_is_counted_and_left_out() {
    let shard = with_swapped_point("116.4182", "39.9301");
    let listed = sha256(&shard);
    let page = within_30_minutes(
        manifest_with_search(&shard, &listed, search_blob(SAMPLE, &listed)),
        "共 2 处",
    )
    .await;
    until(&page, "the report", |t| t.contains("1 条记录有误，已跳过")).await;
    assert_eq!(
        texts(&page, ".result .name"),
        ["【示例】朝阳门街道托育服务点", "【示例】景山街道养老驿站"]
    );
}

#[wasm_bindgen_test]
async fn a_shard_that_is_not_the_version_its_entry_names_is_read_whole() {
    // The manifest and the search file name the fixture; the body that
    // arrives is another version (as a stale offline copy would be), with
    // a broken record far away. The page notices and reads it whole.
    let shard = with_swapped_point("116.423", "39.91");
    let listed = sha256(SAMPLE);
    let page = within_30_minutes(
        manifest_with_search(&shard, &listed, search_blob(SAMPLE, &listed)),
        "共 3 处",
    )
    .await;
    until(&page, "the report", |t| t.contains("1 条记录有误，已跳过")).await;
}

#[wasm_bindgen_test]
async fn a_search_file_that_cannot_be_used_costs_only_time() {
    // A far record is broken: only a shard read whole reports it, so the
    // report shows which way the page read the shard.
    let shard = with_swapped_point("116.423", "39.91");
    let listed = sha256(&shard);
    // An older search file beside the same shard (as the offline cache can
    // keep across a release): right for the shard, not the one the
    // manifest names.
    let (older, len, _) = search_blob(&shard, &listed);
    for search in [
        ("data/does-not-exist.search".to_owned(), 1000, String::new()),
        (blob_url(b"not a search file"), 17, String::new()),
        search_blob(&shard, &"0".repeat(64)),
        (older, len, "0".repeat(64)),
    ] {
        let page =
            within_30_minutes(manifest_with_search(&shard, &listed, search), "共 3 处").await;
        until(&page, "the report", |t| t.contains("1 条记录有误，已跳过")).await;
    }
}

#[wasm_bindgen_test]
async fn elder_mode_is_a_remembered_switch() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("linli.elder").unwrap();
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    // The page's first render comes a section at a time (`Later`).
    until(&page, "the header", |t| t.contains("长辈模式")).await;
    let root = document().document_element().unwrap();
    let button = element(&page, ".elder-switch");
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert!(!root.class_list().contains("elder"));
    button.click();
    until(&page, "elder mode", |_| root.class_list().contains("elder")).await;
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(
        storage.get_item("linli.elder").unwrap().as_deref(),
        Some("1")
    );
    // A finder mounted later (a reload) starts in elder mode.
    let again = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    until(&again, "the second header", |t| t.contains("长辈模式")).await;
    let second = element(&again, ".elder-switch");
    assert_eq!(
        second.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    second.click();
    button.click();
    until(&page, "elder mode off", |_| {
        !root.class_list().contains("elder")
    })
    .await;
    assert_eq!(storage.get_item("linli.elder").unwrap(), None);
}

#[wasm_bindgen_test]
async fn english_is_remembered_on_the_device() {
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    until(&page, "the header", |t| t.contains("长辈模式")).await;
    let switch = element(&page, ".lang-switch");
    switch.click();
    until(&page, "the English header", |t| t.contains("Senior mode")).await;
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        storage.get_item("linli.lang").unwrap().as_deref(),
        Some("en")
    );
    // A finder mounted later (a reload, the next visit) starts in English,
    // and says so to screen readers (the first one, still mounted, set it
    // before: set it back so that only the new one can).
    document()
        .document_element()
        .unwrap()
        .set_attribute("lang", "zh-CN")
        .unwrap();
    let again = mount_as_the_device_left_it(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    until(&again, "the English header again", |t| {
        t.contains("Senior mode")
    })
    .await;
    let root = document().document_element().unwrap();
    until(&again, "lang=\"en\" on the page", |_| {
        root.get_attribute("lang").as_deref() == Some("en")
    })
    .await;
    // Switching back to Chinese forgets the choice.
    let switch = element(&again, ".lang-switch");
    switch.click();
    until(&again, "the Chinese header", |t| t.contains("长辈模式")).await;
    assert_eq!(storage.get_item("linli.lang").unwrap(), None);
}

/// Replaces the browser's geolocation with one that answers `answer`
/// (JavaScript calling `ok` or `err`), as a person granting or refusing would.
fn fake_geolocation(answer: &str) {
    js_sys::eval(&format!(
        "navigator.geolocation.getCurrentPosition = (ok, err) => {answer};"
    ))
    .unwrap();
}

#[wasm_bindgen_test]
async fn use_my_location_searches_from_the_device_position() {
    // The device stands at lc-sample-002 (朝阳门), about 950 m from the sample position.
    fake_geolocation("ok({coords: {longitude: 116.4265, latitude: 39.9245, accuracy: 25}})");
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    until(&page, "the result list", |t| t.contains("共 1 处")).await;
    assert_eq!(
        texts(&page, ".result .name"),
        ["【示例】东四街道社区综合服务中心"]
    );
    let button = element(&page, ".locate");
    button.click();
    until(&page, "the list from the device position", |t| {
        t.contains("已使用您的位置（误差约 25 米）")
    })
    .await;
    until(&page, "the new nearest site", |_| {
        texts(&page, ".result .name").first().map(String::as_str)
            == Some("【示例】朝阳门街道托育服务点")
    })
    .await;
    assert_eq!(texts(&page, ".position-name"), ["我的位置"]);
    // The position is in the address's fragment, which the browser never
    // sends to a server, and remembered on this device only. The finder
    // writes the URL once the next frame is drawn, so wait for it.
    let location = web_sys::window().unwrap().location();
    let hash = || location.hash().unwrap();
    until(&page, "the position in the address", |_| {
        hash().contains("pos=")
    })
    .await;
    assert_eq!(hash(), "#pos=116.42650,39.92450&src=gps");
    let search = location.search().unwrap();
    assert!(
        !search.contains("pos=") && !search.contains("src="),
        "a reload would send the query to the server: {search:?}"
    );
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        storage.get_item("linli.position").unwrap().as_deref(),
        Some("116.42650,39.92450")
    );
}

#[wasm_bindgen_test]
async fn a_refused_location_keeps_the_search_and_says_why() {
    fake_geolocation("err({code: 1, message: 'User denied Geolocation'})");
    let page = mount(manifest(&[("110101", DONGCHENG, data_url(SAMPLE))]));
    until(&page, "the result list", |t| t.contains("共 1 处")).await;
    let button = element(&page, ".locate");
    button.click();
    until(&page, "the refusal", |t| t.contains("您没有允许获取位置")).await;
    assert_eq!(
        texts(&page, ".result .name"),
        ["【示例】东四街道社区综合服务中心"]
    );
    assert!(texts(&page, ".position-name")[0].contains("示例位置"));
}

#[wasm_bindgen_test]
async fn the_outbox_keeps_records_until_they_are_removed() {
    use linli::outbox::{self, Record};
    // A path nothing answers: a sender started by another test may try it
    // and keep it, as it keeps anything it cannot deliver.
    let record = Record {
        id: "web-test-0001".to_owned(),
        path: "http://127.0.0.1:9/api/v1/reports".to_owned(),
        body: "{\"kind\":\"other\"}".to_owned(),
        attempts: 0,
        refused: None,
    };
    outbox::put(&record).await.unwrap();
    let kept = outbox::all().await.unwrap();
    let found = kept.iter().find(|r| r.id == record.id).expect("kept");
    assert_eq!(found.body, record.body);
    outbox::remove(&record.id).await.unwrap();
    let left = outbox::all().await.unwrap();
    assert!(!left.iter().any(|r| r.id == record.id), "removed");
}

#[wasm_bindgen_test]
async fn a_failed_attempt_never_brings_back_a_record_that_left_the_outbox() {
    use linli::outbox::{self, Record};
    // Marked refused, so that no sender started by another test sends it
    // and writes it back between this test's steps.
    let record = Record {
        id: "web-test-0002".to_owned(),
        path: "http://127.0.0.1:9/api/v1/reports".to_owned(),
        body: "{\"kind\":\"other\"}".to_owned(),
        attempts: 0,
        refused: Some("400: a test record".to_owned()),
    };
    let attempts_of = |records: Vec<Record>| {
        records
            .into_iter()
            .find(|r| r.id == record.id)
            .map(|r| r.attempts)
    };
    outbox::put(&record).await.unwrap();
    // A sender's pass read it and failed to deliver it: written back.
    let tried = Record {
        attempts: 7,
        ..record.clone()
    };
    outbox::update(&tried).await.unwrap();
    assert_eq!(attempts_of(outbox::all().await.unwrap()), Some(7));
    // Another tab's sender delivered and removed it meanwhile: the first
    // sender's write-back must not store it again.
    outbox::remove(&record.id).await.unwrap();
    outbox::update(&tried).await.unwrap();
    assert_eq!(attempts_of(outbox::all().await.unwrap()), None);
}

/// The staff ranking lists its five largest gaps first (on a phone each
/// is a card, and twenty put the map screens down), then on request the
/// rest of the twenty, with the focus on the first added.
#[wasm_bindgen_test]
async fn the_gap_ranking_shows_five_then_the_twenty_largest() {
    use linli::dashboard::GapRanking;
    use linli::i18n::Lang;
    use linli_facilities::model::ServiceFunction;
    use linli_survey::gap::Gap;
    let gaps: Vec<Gap> = (0..25)
        .map(|i| Gap {
            subdistrict: "甲街道".to_owned(),
            community: format!("{i}号社区"),
            function: ServiceFunction::Meals,
            respondents: 40,
            needing: 30 - i,
            reach_minutes: 15,
            facilities: 0,
            free_places: None,
            score: f64::from(30 - i) / 40.0,
        })
        .collect();
    let document = document();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    mount_to(
        container.clone(),
        move || view! { <GapRanking gaps lang=Lang::Zh /> },
    )
    .forget();
    let rows = || texts(&container, ".gap-table tbody th");
    assert_eq!(
        rows(),
        [
            "0号社区甲街道",
            "1号社区甲街道",
            "2号社区甲街道",
            "3号社区甲街道",
            "4号社区甲街道"
        ]
    );
    assert_eq!(
        texts(&container, ".hint"),
        ["显示缺口最大的 5 项，共 25 项；全部见下载的需求表。"]
    );
    assert_eq!(
        texts(&container, "button"),
        ["显示缺口最大的 20 项（再显示 15 项）"]
    );
    click(&container, "button");
    until(&container, "twenty rows", |_| rows().len() == 20).await;
    assert_eq!(rows()[19], "19号社区甲街道");
    assert_eq!(
        texts(&container, ".hint"),
        ["显示缺口最大的 20 项，共 25 项；全部见下载的需求表。"]
    );
    assert!(
        texts(&container, "button").is_empty(),
        "nothing more to show"
    );
    // The focus moves after the next frame.
    gloo_timers::future::sleep(Duration::from_millis(100)).await;
    let focused = document.active_element().unwrap().text_content().unwrap();
    assert_eq!(focused, "5号社区甲街道");
    container.remove();
}

/// A page fetched when first shown (`linli::split`) whose code cannot be
/// fetched says so, counts failed tries, and is drawn once a retry works;
/// until then a line says it is opening.
#[wasm_bindgen_test]
async fn a_page_whose_code_cannot_be_fetched_says_so_and_is_drawn_on_retry() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use linli::i18n::Lang;
    use linli::split::{Fetched, Unavailable};

    let document = document();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    // Fails twice, then gives the page, each after a pause (a download).
    let tries = Arc::new(AtomicU32::new(0));
    let load = {
        let tries = Arc::clone(&tries);
        move || {
            let attempt = tries.fetch_add(1, Ordering::SeqCst);
            async move {
                gloo_timers::future::sleep(Duration::from_millis(100)).await;
                if attempt < 2 {
                    Err(Unavailable)
                } else {
                    Ok(view! { <h2>"调查问卷"</h2> }.into_any())
                }
            }
        }
    };
    let backs = Arc::new(AtomicU32::new(0));
    let on_back: Arc<dyn Fn() + Send + Sync> = {
        let backs = Arc::clone(&backs);
        Arc::new(move || {
            backs.fetch_add(1, Ordering::SeqCst);
        })
    };
    let handle = mount_to(
        container.clone(),
        move || view! { <Fetched load lang=Lang::Zh on_back /> },
    );
    assert_eq!(texts(&container, "[role=status]"), ["正在打开…"]);
    until(&container, "the failure", |t| t.contains("这一页未能打开")).await;
    assert!(texts(&container, "[role=status]").is_empty());
    assert!(!container.text_content().unwrap().contains("已失败"));
    // The way back is offered beside the retry.
    assert_eq!(
        texts(&container, "[role=alert] button"),
        ["重试", "← 返回查找"]
    );
    click(&container, "[role=alert] button.back");
    assert_eq!(backs.load(Ordering::SeqCst), 1);
    click(&container, "[role=alert] button");
    // Trying again says so, in place of the message.
    until(&container, "the retry", |t| {
        t.contains("正在打开…") && !t.contains("这一页未能打开")
    })
    .await;
    until(&container, "the second failure", |t| {
        t.contains("重试后仍未成功（已失败 2 次）。也可以刷新本页再试")
    })
    .await;
    click(&container, "[role=alert] button");
    until(&container, "the page", |t| t.contains("调查问卷")).await;
    assert!(container.query_selector("[role=alert]").unwrap().is_none());
    assert_eq!(tries.load(Ordering::SeqCst), 3);
    drop(handle);
    container.remove();
}
