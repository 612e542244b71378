//! The district staff dashboard, end to end: a token made with the
//! collector's command, answers sent to the collector, and what a staff
//! member sees and downloads. Haidian (110108) is used so that no other
//! test's answers mix in.

use std::collections::BTreeMap;

use fantoccini::Locator;
use linli_e2e::{FinderPage, Setup, cdp, phone_screen, with_setup};
use linli_facilities::places::{Place, PlaceList};
use serde_json::{Value, json};

const DISTRICT: &str = "110108";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run through `cargo xtask test`"))
}

/// A research token for `scope` (`--district CODE` or `--city`), made
/// with the collector's own command against the running collector's data.
fn make_token(scope: &[&str]) -> String {
    let out = std::process::Command::new(env("LINLI_COLLECTOR_BIN"))
        .args(["token", "create"])
        .args(scope)
        .args(["--label", "e2e 测试"])
        .arg("--data-dir")
        .arg(env("LINLI_COLLECTOR_DATA"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("run collector token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The staff app, served beside the residents' one.
fn staff_url() -> String {
    format!("{}staff/", env("LINLI_APP_URL"))
}

/// Haidian's sub-districts with their communities, from the published list.
fn haidian() -> Vec<(String, Vec<Place>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/data");
    let list =
        PlaceList::from_json(&std::fs::read_to_string(dir.join("places.json")).unwrap()).unwrap();
    let mut by_sub: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for p in list
        .places
        .into_iter()
        .filter(|p| p.district_code == DISTRICT)
    {
        by_sub.entry(p.subdistrict.clone()).or_default().push(p);
    }
    by_sub.into_iter().collect()
}

/// Sends `count` answers from `place` to the running collector.
async fn answer(place: &Place, count: u32, start: &mut u32) {
    let addr = env("LINLI_APP_URL")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    for _ in 0..count {
        let n = *start;
        *start += 1;
        // Everyone needs elder care and meals, so those counts are large
        // enough to publish; the pay bands are spread thin and mostly
        // withheld.
        let body = json!({
            "id": format!("e2e0da5b-0000-4000-8000-{n:012x}"),
            "questionnaire": 1,
            "consent": true,
            "community": {"district_code": DISTRICT, "subdistrict": place.subdistrict, "community": place.community},
            "household": {"age_0_3": n % 2, "age_3_6": 0, "age_6_12": 0, "age_12_18": 0, "age_18_59": 2, "age_60_79": 1, "age_80_plus": 0},
            "needs": [{"function": "elder_care", "priority": 1}, {"function": "meals", "priority": 2}],
            "times": ["weekend"],
            "pay": [{"function": "elder_care", "band": n % 6}],
            "walk_minutes": 15,
            "comment": "家门口要有食堂"
        });
        let answer =
            linli_collector::client::post_json(&addr, "/api/v1/surveys", &body.to_string())
                .await
                .expect("the collector answers");
        assert!(matches!(answer.status, 200 | 201), "{}", answer.body);
    }
}

async fn sign_in(page: &FinderPage, token: &str) {
    let input = page
        .eventually("the token field", || async {
            page.client.find(Locator::Id("staff-token")).await.ok()
        })
        .await;
    input.clear().await.unwrap();
    input.send_keys(token).await.unwrap();
    page.click(".token-form button[type=submit]").await;
}

/// Waits until the gap ranking lists `service` alone: it follows the
/// service chosen, as the map does.
async fn wait_for_ranking_of(page: &FinderPage, service: &str) {
    page.eventually_js(
        &format!("a ranking of {service} alone"),
        &format!(
            "const s = [...document.querySelectorAll('.gap-table td[data-label=服务]')].map(t => t.textContent);
             return s.length > 0 && s.every(t => t === '{service}') ? true : null;"
        ),
    )
    .await;
}

/// The id of the element that has the focus, or its tag name.
async fn focused(page: &FinderPage) -> String {
    page.client
        .execute(
            "const e = document.activeElement; return e.id || e.tagName;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_district_sees_demand_against_supply_with_small_counts_hidden_and_downloads_it() {
    let subs = haidian();
    let (first_sub, first) = subs
        .iter()
        .find(|(_, c)| c.len() >= 3)
        .expect("a sub-district with 3 communities");
    let (second_sub, second) = subs
        .iter()
        .find(|(s, c)| s != first_sub && c.len() >= 2)
        .expect("a second sub-district");
    let mut n = 0;
    // Three answers from one community: never shown. 3 + 14 + 23 = 40 in
    // the first sub-district, 12 + 18 = 30 in the second.
    for (place, count) in [
        (&first[0], 3),
        (&first[1], 14),
        (&first[2], 23),
        (&second[0], 12),
        (&second[1], 18),
    ] {
        answer(place, count, &mut n).await;
    }
    let small = first[0].community.clone();
    let ranked = [first[1].community.clone(), first[2].community.clone()];
    let communities: usize = subs.iter().map(|(_, c)| c.len()).sum();
    let token = make_token(&["--district", DISTRICT]);
    let downloads =
        std::env::temp_dir().join(format!("linli-e2e-downloads-{}", std::process::id()));
    std::fs::create_dir_all(&downloads).unwrap();
    let setup = Setup {
        app_url: Some(staff_url()),
        ..Setup::default()
    };
    let first_sub = first_sub.clone();
    let first_len = first.len();
    let second_sub = second_sub.clone();
    let downloads_dir = downloads.clone();
    with_setup(setup, |page| async move {
        page.wait_for_text("#dashboard-title", "区级需求分析").await;
        // A wrong token is named as such, in the form, which keeps it to
        // be corrected and has the focus.
        sign_in(&page, "linli_wrong").await;
        page.eventually("the bad-token message", || async {
            page.text_of("#staff-token-problem")
                .await
                .filter(|t| t.contains("访问令牌无效或已被撤销"))
        })
        .await;
        page.eventually("the focus on the token", || async {
            (focused(&page).await == "staff-token").then_some(())
        })
        .await;
        let kept: String = page
            .client
            .execute(
                "return document.getElementById('staff-token').value;",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(kept, "linli_wrong");
        sign_in(&page, &token).await;
        page.wait_for_text(".dashboard h2", "海淀区").await;
        // Signed in, the page's heading has the focus.
        page.eventually("the focus on the heading", || async {
            (focused(&page).await == "dashboard-title").then_some(())
        })
        .await;
        page.wait_for_text(".respondents", "海淀区：受访 70 户")
            .await;
        // The figures say when they were read: answers keep arriving.
        let read_at = page.text_of(".read-at").await.unwrap_or_default();
        assert!(
            read_at.starts_with("以下数字读取于 ") && read_at.contains("（北京时间）"),
            "{read_at}"
        );
        let captions: Vec<String> = {
            let mut out = Vec::new();
            for e in page
                .client
                .find_all(Locator::Css(".chart figcaption"))
                .await
                .unwrap()
            {
                out.push(e.text().await.unwrap());
            }
            out
        };
        assert_eq!(
            captions,
            [
                "各类服务的需求户数",
                "有各年龄段成员的户数",
                "养老服务：愿意支付的价格"
            ]
        );
        // The gap ranking never lists the community of three.
        let ranking = page.text_of(".gap-table").await.expect("the gap ranking");
        assert!(
            ranked.iter().any(|c| ranking.contains(c.as_str())),
            "{ranking}"
        );
        assert!(!ranking.contains(&small), "{ranking}");
        // The map has a circle per Haidian community, the small one hollow.
        let circles = page
            .client
            .find_all(Locator::Css(".gap-map circle"))
            .await
            .unwrap();
        assert_eq!(circles.len(), communities);
        // Most dots keep clear of their nearest neighbour, however many
        // communities the district has.
        let clear: f64 = page
            .client
            .execute(
                "const dots = [...document.querySelectorAll('.gap-map circle')].map((c) =>
                   [c.cx.baseVal.value, c.cy.baseVal.value, c.r.baseVal.value]);
                 const clear = dots.filter(([x, y, r], i) => dots.every(([u, v, s], j) =>
                   i === j || Math.hypot(x - u, y - v) >= r + s));
                 return clear.length / dots.length;",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            clear >= 0.5,
            "only {clear} of the dots are clear of the others"
        );
        // The legend names every shade, and a scale bar gives the distance.
        let legend = page.text_of(".legend").await.expect("the legend");
        for label in [
            "<0.025",
            "0.025–0.05",
            "0.05–0.1",
            "0.1–0.2",
            "≥0.2",
            "数据不足或已隐藏",
        ] {
            assert!(legend.contains(label), "{label} in {legend}");
        }
        let scale = page
            .client
            .execute(
                "return document.querySelector('.gap-map .scale')?.textContent ?? ''",
                vec![],
            )
            .await
            .unwrap();
        let scale = scale.as_str().unwrap_or_default();
        assert!(scale.ends_with(" 公里") || scale.ends_with(" 米"), "{scale:?}");
        // A tap on a dot names its community and score below the map (the
        // dots' titles show only on hover).
        let title = circles[0]
            .find(Locator::Css("title"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default();
        let tapped = page
            .client
            .execute(
                "const c = document.querySelector('.gap-map circle');
                 const t = c.querySelector('title').textContent;
                 const r = c.getBoundingClientRect();
                 c.dispatchEvent(new MouseEvent('click', { bubbles: true,
                   clientX: r.x + r.width / 2, clientY: r.y + r.height / 2 }));
                 return t;",
                vec![],
            )
            .await
            .unwrap();
        let tapped = tapped.as_str().unwrap().to_owned();
        assert!(title.is_empty() || title == tapped, "{title} / {tapped}");
        let (community, score) = tapped.rsplit_once(' ').unwrap();
        let said = match score {
            "数据不足" | "已隐藏（保护隐私）" => format!("{community}：{score}"),
            score => format!("{community}：缺口分 {score}"),
        };
        page.wait_for_text(".picked-dot", &said).await;
        // Every dot is also a line of the map's table, for the keyboard
        // and screen readers; the small community lacks data.
        page.click(".map-data summary").await;
        let lines = page
            .client
            .find_all(Locator::Css(".map-data tbody tr"))
            .await
            .unwrap();
        assert_eq!(lines.len(), communities);
        let table = page.text_of(".map-data").await.unwrap();
        assert!(table.contains(small.as_str()), "{table}");
        // Supply is public: every community is listed, answered or not,
        // those with no facility offering the service in reach first, and
        // the line above counts them.
        let supply = |page: FinderPage| async move {
            let found = page
                .client
                .execute(
                    "return [...document.querySelectorAll('.supply-table tbody tr')].map(r => Number(r.children[2].textContent));",
                    vec![],
                )
                .await
                .unwrap();
            serde_json::from_value::<Vec<u32>>(found).unwrap()
        };
        assert!(communities > 10, "the sample suits this test");
        assert_eq!(supply(page.clone()).await.len(), 10);
        page.click(".supply-table + .show-more").await;
        page.eventually("the focus on the 11th community", || async {
            page.client
                .execute("return document.activeElement.matches('.supply-table tbody tr:nth-child(11) th')", vec![])
                .await
                .unwrap()
                .as_bool()
                .unwrap_or(false)
                .then_some(())
        })
        .await;
        let counts = supply(page.clone()).await;
        assert_eq!(counts.len(), communities);
        assert!(counts.is_sorted(), "{counts:?}");
        let none = counts.iter().filter(|&&n| n == 0).count();
        page.wait_for_text(
            ".supply-summary",
            &format!("海淀区的 {communities} 个社区中，{none} 个在步行范围内没有提供养老服务的设施。"),
        )
        .await;
        // One sub-district: its own total; the small community's is hidden.
        page.select("staff-subdistrict", &first_sub).await;
        page.wait_for_text(".respondents", &format!("{first_sub}：受访 40 户"))
            .await;
        assert_eq!(supply(page.clone()).await.len(), first_len);
        // A sub-district nobody has answered from is listed apart, for
        // its supply.
        let unanswered = page
            .client
            .execute(
                "const o = document.querySelector('#staff-subdistrict optgroup option'); return o && o.value",
                vec![],
            )
            .await
            .unwrap();
        let unanswered = unanswered.as_str().expect("a sub-district with no answers").to_owned();
        page.select("staff-subdistrict", &unanswered).await;
        page.wait_for_text(".no-answers", "这个街道还没有受访户的答卷。")
            .await;
        let summary = page.text_of(".supply-summary").await.unwrap_or_default();
        assert!(summary.starts_with(&format!("{unanswered}的 ")), "{summary}");
        assert!(!supply(page.clone()).await.is_empty());
        page.select("staff-subdistrict", &second_sub).await;
        page.wait_for_text(".respondents", &format!("{second_sub}：受访 30 户"))
            .await;
        page.select("staff-function", "社区助餐").await;
        page.wait_for_text(".chart:nth-child(3) figcaption", "社区助餐：愿意支付的价格")
            .await;
        wait_for_ranking_of(&page, "社区助餐").await;
        // Below the pay chart, those who left the price open: here all 30
        // households need meals and none answered its price.
        page.wait_for_text(
            ".chart:nth-child(3) .chart-note",
            "需要这项服务的 30 户中，另有 30 户未回答价格（不在上表中）。",
        )
        .await;
        assert_eq!(page.axe_violations().await, Vec::<String>::new());

        // Downloads land as files: the demand table with a BOM.
        cdp(
            &page.client,
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": downloads_dir.to_str().unwrap() }),
        )
        .await
        .expect("allow downloads");
        page.click_button("下载需求表（CSV）").await;
        let file = downloads_dir.join(format!("linli-demand-{DISTRICT}.csv"));
        let csv = page
            .eventually("the downloaded demand table", || async {
                std::fs::read_to_string(&file)
                    .ok()
                    .filter(|t| t.ends_with('\n'))
            })
            .await;
        assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
        assert!(csv.contains("受访户数 respondents"));
        assert!(csv.contains(&small));
        // Each line says its supply is the sample's.
        let first_line = csv.lines().nth(1).unwrap();
        assert!(first_line.ends_with(",示例数据 sample"), "{first_line}");
        // What the codes and empty cells mean.
        page.click_button("下载编码说明（CSV）").await;
        let file = downloads_dir.join("linli-codebook.csv");
        let book = page
            .eventually("the downloaded codebook", || async {
                std::fs::read_to_string(&file)
                    .ok()
                    .filter(|t| t.ends_with('\n'))
            })
            .await;
        assert!(
            book.contains("pay_meals,1,不超过 10 元/餐,Up to 10 yuan per meal"),
            "{book}"
        );
        // The same tables as JSON, for research tools: no BOM, the small
        // community's cells withheld (null).
        page.click_button("下载需求表（JSON）").await;
        let file = downloads_dir.join(format!("linli-demand-{DISTRICT}.json"));
        let published: Value = page
            .eventually("the downloaded JSON", || async {
                let text = std::fs::read_to_string(&file).ok()?;
                serde_json::from_str(&text).ok()
            })
            .await;
        assert_eq!(published["district"]["code"], DISTRICT);
        assert_eq!(published["demand"]["total"]["respondents"], 70);
        let communities: Vec<&Value> = published["demand"]["subdistricts"]
            .as_array()
            .expect("sub-districts")
            .iter()
            .flat_map(|s| s["communities"].as_array().expect("communities"))
            .collect();
        let listed = communities
            .iter()
            .find(|c| c["name"] == small.as_str())
            .expect("the small community is listed");
        assert!(listed["row"]["respondents"].is_null(), "{listed}");
        page.click(".downloads input[type=checkbox]").await;
        page.click_button("下载原始答卷（CSV）").await;
        let raw = downloads_dir.join(format!("linli-responses-{DISTRICT}.csv"));
        let raw = page
            .eventually("the downloaded answers", || async {
                std::fs::read_to_string(&raw)
                    .ok()
                    .filter(|t| t.lines().count() == 71)
            })
            .await;
        assert!(raw.contains("家门口要有食堂"), "comments were asked for");

        // Signing out forgets the token.
        page.click_button("退出").await;
        page.eventually("the token form", || async {
            page.client.find(Locator::Id("staff-token")).await.ok()
        })
        .await;
        let kept = page
            .client
            .execute("return sessionStorage.getItem('linli.staff.token')", vec![])
            .await
            .unwrap();
        assert!(kept.is_null());
    })
    .await;
    let _ = std::fs::remove_dir_all(&downloads);
}

#[tokio::test]
async fn the_city_chooses_a_district_and_large_text_still_reads() {
    let token = make_token(&["--city"]);
    let setup = Setup {
        app_url: Some(staff_url()),
        elder: true,
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        sign_in(&page, &token).await;
        let chooser = page
            .eventually("the district chooser", || async {
                page.client.find(Locator::Id("staff-district")).await.ok()
            })
            .await;
        chooser.select_by_label("东城区").await.unwrap();
        page.wait_for_text(".dashboard h2", "东城区").await;
        chooser.select_by_label("海淀区").await.unwrap();
        page.wait_for_text(".dashboard h2", "海淀区").await;
        // The city reads aggregates only: no raw download.
        let buttons = page
            .client
            .execute(
                "return [...document.querySelectorAll('.downloads button')].map(b => b.textContent.trim())",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            buttons,
            json!(["下载需求表（CSV）", "下载需求表（JSON）", "下载编码说明（CSV）"]),
            "the published tables, not the answers"
        );
        assert_eq!(page.axe_violations().await, Vec::<String>::new());
        // The language is a choice of the device, shared with the
        // resident app, like large text. Switching it keeps the
        // sub-district and service chosen, and reads nothing again (each
        // read is logged).
        let sub = page
            .client
            .execute(
                "return document.querySelector('#staff-subdistrict option:nth-child(2)').value",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .expect("a sub-district with answers")
            .to_owned();
        page.select("staff-subdistrict", &sub).await;
        page.select("staff-function", "社区助餐").await;
        page.wait_for_text(".chart:nth-child(3) figcaption", "社区助餐：愿意支付的价格")
            .await;
        wait_for_ranking_of(&page, "社区助餐").await;
        let reads = "return performance.getEntriesByType('resource')
                       .filter((e) => e.name.includes('/api/v1/access') || e.name.includes('/api/v1/districts/')).length";
        let before = page.client.execute(reads, vec![]).await.unwrap();
        page.click_button("English").await;
        page.wait_for_text("#dashboard-title", "District demand research")
            .await;
        page.wait_for_text(".chart:nth-child(3) figcaption", "Community meals: willingness to pay")
            .await;
        let chosen = page
            .client
            .execute(
                "return [document.getElementById('staff-subdistrict').value, document.getElementById('staff-function').value]",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(chosen, json!([sub, "meals"]));
        assert_eq!(page.client.execute(reads, vec![]).await.unwrap(), before);
        // A reload keeps the district, sub-district and service chosen.
        page.client.refresh().await.expect("reload");
        page.wait_for_text(".chart:nth-child(3) figcaption", "Community meals: willingness to pay")
            .await;
        let chosen = page
            .client
            .execute(
                "return [document.getElementById('staff-district').value, document.getElementById('staff-subdistrict').value, document.getElementById('staff-function').value]",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(chosen, json!([DISTRICT, sub, "meals"]));
        // On a narrow phone in large English text, every table still fits
        // (a long service name once ran past the edge of the ranking).
        phone_screen(&page.client, 320, 640, 1.0).await;
        page.wait_for_text(".dashboard h2", "Haidian").await;
        assert_eq!(page.past_the_edge().await, Vec::<String>::new());
        page.open(&env("LINLI_APP_URL")).await;
        page.wait_for_text(".elder-switch", "Senior mode").await;
    })
    .await;
}
