//! The needs survey, end to end: a draft that survives a reload and a
//! browser restart, answers made offline that wait in the device's outbox,
//! and arrive exactly once when the connection returns.

use linli_e2e::{Outage, Setup, first_place, with_setup};
use linli_facilities::districts::by_code;
use linli_facilities::places::Place;
use serde_json::{Value, json};

#[tokio::test]
async fn a_survey_survives_a_restart_waits_offline_and_arrives_once() {
    let profile = std::env::temp_dir().join(format!("linli-e2e-survey-{}", std::process::id()));
    let setup = Setup {
        profile: Some(profile.clone()),
        ..Setup::default()
    };
    // First visit: consent, community and household, then the browser is
    // closed.
    with_setup(setup.clone(), |page| async move {
        page.click(".survey-link").await;
        page.survey_heading("个人信息处理说明").await;
        page.url_when("the survey in the URL", |u| u.contains("p=survey"))
            .await;
        // Nothing moves on without consent. The focus goes to the box,
        // marked invalid and described by the problem, and again at each
        // press: a second "Next" is never silent.
        page.survey_next().await;
        page.wait_for_text(".step-problem", "请阅读说明并勾选“同意”。")
            .await;
        assert_eq!(
            focus_at_fault(&page, "survey-consent").await,
            "survey-step-problem"
        );
        page.client
            .execute(
                "document.querySelector('.survey-nav .next').focus()",
                vec![],
            )
            .await
            .unwrap();
        page.press('\u{E007}').await;
        assert_eq!(
            focus_at_fault(&page, "survey-consent").await,
            "survey-step-problem"
        );
        page.click("#survey-consent").await;
        page.survey_next().await;
        page.survey_heading("您住在哪个社区？").await;
        page.choose_survey_community("东四").await;
        page.survey_next().await;
        page.survey_heading("家里各年龄段各有几人？").await;
        // Typed (an input event, the field not left): a reload keeps it.
        page.set_household(5, 2).await;
        page.client.refresh().await.unwrap();
        page.survey_heading("家里各年龄段各有几人？").await;
        let kept = page
            .client
            .execute("return document.getElementById('hh-5').value", vec![])
            .await
            .unwrap();
        assert_eq!(kept, "2", "the number typed");
        page.survey_next().await;
        page.survey_heading("需要哪些服务？").await;
    })
    .await;

    // The browser restarts with the same profile: the draft is where it was.
    with_setup(setup.clone(), |page| async move {
        page.click(".survey-link").await;
        page.survey_heading("需要哪些服务？").await;
        page.click("#need-meals").await;
        page.click("#need-elder_care").await;
        // A ticked service has no priority until one is chosen: none is
        // counted for the resident.
        page.survey_next().await;
        page.wait_for_text(
            ".step-problem",
            "请为这些服务选择迫切程度：社区助餐、养老服务。",
        )
        .await;
        assert_eq!(focus_at_fault(&page, "prio-meals").await, "survey-step-problem");
        // Answered, the mark moves to the next field at fault.
        page.select("prio-meals", "1 最迫切").await;
        page.eventually_js(
            "the mark on the next priority",
            "return document.querySelector('#prio-meals[aria-invalid]') === null
                && document.querySelector('#prio-elder_care[aria-invalid=true]') !== null ? true : null",
        )
        .await;
        page.select("prio-elder_care", "2 比较需要").await;
        page.survey_next().await;
        page.survey_heading("什么时候需要？").await;
        page.click("#time-weekday_daytime").await;
        // A reload keeps it too.
        page.client.refresh().await.unwrap();
        page.survey_heading("什么时候需要？").await;
        let ticked = page
            .client
            .execute(
                "return document.getElementById('time-weekday_daytime').checked",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(ticked, true);
        page.survey_next().await;
        page.survey_heading("愿意付多少钱？").await;
        page.select("pay-meals", "10–20 元/餐").await;
        page.survey_next().await;
        page.survey_heading("最多愿意走多久？").await;
        page.click("#walk-10").await;
        page.survey_next().await;
        page.survey_heading("还有什么想说的？").await;
        // The last step shows the answers to check before sending.
        let review = page
            .text_of(".review")
            .await
            .expect("the answers to check")
            .replace('\u{a0}', " ")
            .replace('\u{2060}', "");
        for answer in [
            "东四街道",
            "60–79 岁 2 人",
            "养老服务（比较需要）、社区助餐（最迫切）",
            "工作日白天",
            "社区助餐：10–20 元/餐",
            "10 分钟",
        ] {
            assert!(review.contains(answer), "{answer} in {review}");
        }
        // A comment typed through an input method is kept as characters,
        // never as the pinyin of a composition still under way: a reload
        // (the draft) has nothing, then the characters.
        let type_comment = |text: &str, composing: bool| {
            let script = format!(
                "const t = document.getElementById('survey-comment'); t.value = '{text}';
                 t.dispatchEvent({});",
                if composing {
                    "new InputEvent('input', { bubbles: true, isComposing: true })".to_owned()
                } else {
                    format!("new CompositionEvent('compositionend', {{ bubbles: true, data: '{text}' }})")
                }
            );
            let client = page.client.clone();
            async move { client.execute(&script, vec![]).await.unwrap() }
        };
        for (text, composing, kept) in [("nihao", true, ""), ("你好", false, "你好")] {
            type_comment(text, composing).await;
            page.client.refresh().await.unwrap();
            page.survey_heading("还有什么想说的？").await;
            let comment = page
                .client
                .execute("return document.getElementById('survey-comment').value", vec![])
                .await
                .unwrap();
            assert_eq!(comment, kept, "the comment kept after typing {text}");
        }
        // A phone number typed in the comment is said as soon as the field
        // is left, not only on 提交, and the field is marked; the focus
        // goes on where the resident took it.
        let comment = page.client.find(fantoccini::Locator::Id("survey-comment")).await.unwrap();
        comment.send_keys("请回电 13912345678").await.unwrap();
        page.press('\u{E004}').await;
        page.wait_for_text("#survey-step-problem", "意见里不能有电话号码或身份证号，请删去。")
            .await;
        let marked = page
            .eventually_js(
                "the comment marked",
                "const t = document.getElementById('survey-comment');
                 return t.getAttribute('aria-invalid') === 'true' ? [t.getAttribute('aria-describedby'), document.activeElement !== t] : null",
            )
            .await;
        assert_eq!(
            marked,
            serde_json::json!(["survey-step-problem survey-comment-count", true])
        );
        // The room left is said below the field, and read with it.
        let count = page
            .client
            .execute(
                "const t = document.getElementById('survey-comment');
                 return document.getElementById(t.getAttribute('aria-describedby').split(' ')[1]).textContent;",
                vec![],
            )
            .await
            .unwrap();
        // "你好", kept from above, and what was typed.
        assert_eq!(count, "已写 17 字，最多 500 字");
        type_comment("", false).await;
        page.wait_for_text("#survey-step-problem", "").await;
        // Put right, the field keeps its own description, and only that.
        page.eventually_js(
            "the comment unmarked",
            "const t = document.getElementById('survey-comment');
             return !t.hasAttribute('aria-invalid') && t.getAttribute('aria-describedby') === 'survey-comment-count' || null",
        )
        .await;
        // Each answer has a way to its step; Back from there is the step
        // before it, and "返回核对页" goes straight back to the review.
        page.click(".review button[aria-label='修改：需要的时间']")
            .await;
        page.survey_heading("什么时候需要？").await;
        page.click(".survey-nav .prev").await;
        page.survey_heading("需要哪些服务？").await;
        page.survey_next().await;
        page.survey_heading("什么时候需要？").await;
        page.click("#time-weekend").await;
        page.click(".survey-nav .to-review").await;
        page.survey_heading("还有什么想说的？").await;
        page.eventually("the changed times in the review", || async {
            page.text_of(".review")
                .await
                .filter(|r| r.contains("工作日白天、周末"))
        })
        .await;
        // The focus is back on the 修改 of the answer changed.
        page.eventually_js(
            "the focus on the times' 修改",
            "return document.activeElement.getAttribute('aria-label') === '修改：需要的时间' ? true : null",
        )
        .await;
        // Back from a step opened from the review is the step before it,
        // also past the first entry of this browser session's survey
        // (which began at the services).
        page.click(".review button[aria-label='修改：家庭成员']")
            .await;
        page.survey_heading("家里各年龄段各有几人？").await;
        // A reload keeps the way straight back to the review.
        page.client.refresh().await.unwrap();
        page.survey_heading("家里各年龄段各有几人？").await;
        page.eventually_js(
            "the way back to the review after a reload",
            "return document.querySelector('.survey-nav .to-review') ? true : null",
        )
        .await;
        page.click(".survey-nav .prev").await;
        page.survey_heading("您住在哪个社区？").await;
        page.survey_next().await;
        page.survey_heading("家里各年龄段各有几人？").await;
        page.click(".survey-nav .to-review").await;
        page.survey_heading("还有什么想说的？").await;
        // Back from the review is the step before it.
        page.click(".survey-nav .prev").await;
        page.survey_heading("最多愿意走多久？").await;
        page.survey_next().await;
        page.survey_heading("还有什么想说的？").await;
        // Offline from here: the answers must wait on the device.
        page.set_offline(true).await;
        page.click(".survey-nav .submit").await;
        page.eventually("the thanks", || async {
            page.text_of(".thanks p")
                .await
                .filter(|t| t.starts_with("谢谢！"))
        })
        .await;
        page.wait_for_text(".outbox-status", "1 条信息等待发送")
            .await;
        let records = page.outbox().await;
        let body: Value = serde_json::from_str(records[0]["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["household"]["age_60_79"], 2);
        assert_eq!(body["needs"].as_array().unwrap().len(), 2);
        assert_eq!(body["pay"], json!([{"function": "meals", "band": 2}]));
        assert_eq!(body["walk_minutes"], 10);
        assert_eq!(body["times"], json!(["weekday_daytime", "weekend"]));
        let said = page.text_of(".thanks p").await.unwrap();
        assert!(said.contains("正在发送"), "{said}");
        // Online again: sent once, the outbox empties, and the thanks say
        // the answers arrived.
        page.set_offline(false).await;
        page.wait_for_empty_outbox().await;
        page.wait_for_text(".thanks p", "谢谢！您的答卷已送达区里。")
            .await;
        let resend = page
            .post_from_page("api/v1/surveys", records[0]["body"].as_str().unwrap())
            .await;
        assert_eq!(resend, 200, "the collector already has it, once");
    })
    .await;
    let _ = std::fs::remove_dir_all(&profile);
}

#[tokio::test]
async fn one_draft_is_edited_in_one_tab_at_a_time() {
    with_setup(Setup::default(), |page| async move {
        page.click(".survey-link").await;
        page.survey_heading("个人信息处理说明").await;
        // The new page's heading has the focus, as a screen reader needs.
        page.wait_for_focus_on("survey-heading").await;
        let url = page
            .url_when("the survey in the URL", |u| u.contains("p=survey"))
            .await;
        // The survey drawn again in this tab keeps the tab's lock: in the
        // other language, and after going back to the finder and coming
        // back (the lock is taken once per page, never asked for again
        // while this page holds it).
        page.click(".lang-switch").await;
        page.survey_heading("How your answers are used").await;
        page.click(".lang-switch").await;
        page.survey_heading("个人信息处理说明").await;
        page.click(".survey .back").await;
        page.eventually("the finder", || async { page.text_of(".count").await })
            .await;
        page.click(".survey-link").await;
        page.survey_heading("个人信息处理说明").await;
        assert_eq!(page.text_of(".survey .error").await, None);
        // A second tab on the survey is told to continue in the first.
        let first = page.client.window().await.unwrap();
        let second = page.client.new_window(true).await.unwrap();
        page.client.switch_to_window(second.handle).await.unwrap();
        page.client.goto(&url).await.unwrap();
        page.eventually("the other-tab notice", || async {
            page.text_of(".survey .error")
                .await
                .filter(|t| t.starts_with("这份问卷正在另一个标签页中填写"))
        })
        .await;
        page.client.close_window().await.unwrap();
        page.client.switch_to_window(first).await.unwrap();
    })
    .await;
}

/// Choosing a community is an answer like any other: the step stays as it
/// is (the picker open, the focus where it was), the problem shown for the
/// empty answer goes, and the choice names the district.
#[tokio::test]
async fn choosing_a_community_clears_the_problem_and_keeps_the_picker() {
    with_setup(Setup::default(), |page| async move {
        page.click(".survey-link").await;
        page.survey_consent().await;
        // The header's link to the page one is on is underlined, not filled
        // like the pressed 长辈模式 switch beside it.
        let current = page
            .client
            .execute(
                "const s = getComputedStyle(document.querySelector('.survey-link[aria-current=page]'));
                 return [s.textDecorationLine, s.backgroundColor];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(current, serde_json::json!(["underline", "rgba(0, 0, 0, 0)"]));
        // Someone filling it in for a parent answers for the parent's
        // household.
        page.wait_for_text(
            ".survey-step .hint",
            "替家人填写时，请选择家人居住的社区，后面的问题也按家人家里的情况回答。",
        )
        .await;
        page.survey_next().await;
        page.wait_for_text(".step-problem", "请选择您居住的社区。")
            .await;
        // No community was chosen in the finder on this device: none is
        // offered.
        assert!(page.text_of(".finder-community").await.is_none());
        page.choose_survey_community("东四").await;
        page.wait_for_text(".survey .chosen", &chosen_line(&first_place("东四")))
            .await;
        let after: Value = page
            .client
            .execute(
                "return {
                   problem: document.querySelector('.step-problem').textContent,
                   open: document.querySelector('.survey .picker').open,
                   search: !!document.getElementById('community-search'),
                   focus: document.activeElement.className,
                 };",
                vec![],
            )
            .await
            .expect("read the step");
        assert_eq!(
            after,
            json!({ "problem": "", "open": true, "search": true, "focus": "match" }),
            "the community step after a choice"
        );
        // The answer is kept when the resident moves on.
        page.survey_next().await;
        page.survey_heading("家里各年龄段各有几人？").await;
    })
    .await;
}

/// What the community step says once `place` is chosen.
fn chosen_line(place: &Place) -> String {
    let district = by_code(&place.district_code).expect("a Beijing district");
    format!(
        "已选择：{} {} {}",
        district.name_zh, place.subdistrict, place.community
    )
}

/// A community chosen in the finder is offered in one tap on the survey's
/// community step (never filled in unasked), and the choice is the list's.
#[tokio::test]
async fn the_community_searched_from_is_offered_on_the_survey() {
    let place = first_place("交道口");
    with_setup(Setup::default(), move |page| async move {
        page.pick_first_community(".picker", "交道口").await;
        page.wait_for_text(
            ".position-name",
            &format!("{}（社区中心附近）", place.label()),
        )
        .await;
        page.click(".survey-link").await;
        page.survey_consent().await;
        page.wait_for_text(".survey .chosen", "尚未选择").await;
        page.wait_for_text(".finder-community", &format!("我住在：{}", place.label()))
            .await;
        page.click(".finder-community").await;
        page.wait_for_text(".survey .chosen", &chosen_line(&place))
            .await;
        assert!(page.text_of(".finder-community").await.is_none());
        page.survey_next().await;
        page.survey_heading("家里各年龄段各有几人？").await;
    })
    .await;
}

/// Opens the survey and answers its first steps (a community found by
/// `query`, `n` people in age band `band`), up to the services needed.
async fn to_the_needs(page: &linli_e2e::FinderPage, query: &str, band: usize, n: u8) {
    page.click(".survey-link").await;
    page.survey_consent().await;
    page.choose_survey_community(query).await;
    page.survey_next().await;
    page.survey_heading("家里各年龄段各有几人？").await;
    page.set_household(band, n).await;
    page.survey_next().await;
    page.survey_heading("需要哪些服务？").await;
}

/// What a priority shows is what is kept, after the service is ticked
/// again; and the next household starts clean, at the first step.
#[tokio::test]
async fn a_priority_shows_what_is_kept_and_the_next_household_starts_clean() {
    with_setup(Setup::default(), |page| async move {
        to_the_needs(&page, "东四", 3, 2).await;
        page.click("#need-elder_care").await;
        page.select("prio-elder_care", "3 一般").await;
        // Unticked and ticked again: no priority until one is chosen, and
        // shown so.
        page.click("#need-elder_care").await;
        page.click("#need-elder_care").await;
        let read = "const draft = JSON.parse(localStorage.getItem('linli.survey.draft'));
                    const need = draft.response.needs.find(n => n.function === 'elder_care');
                    return [document.getElementById('prio-elder_care').value, String(need && need.priority)];";
        let seen = page
            .eventually("the priority cleared", || async {
                let v = page.client.execute(read, vec![]).await.ok()?;
                (v[1] == "0").then_some(v)
            })
            .await;
        assert_eq!(seen, json!(["", "0"]), "shown and kept");
        page.select("prio-elder_care", "2 比较需要").await;
        page.eventually("the priority chosen", || async {
            let v = page.client.execute(read, vec![]).await.ok()?;
            (v == json!(["2", "2"])).then_some(())
        })
        .await;
        // The rest of the way, then another household.
        page.finish_survey(15).await;
        page.click_button("再填一份（另一户）").await;
        page.survey_heading("个人信息处理说明").await;
        let start: Value = page
            .client
            .execute(
                "return [document.querySelector('.step-problem').textContent,
                         document.activeElement.id];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(start, json!(["", "survey-step-heading"]));
        // The last household's community is offered in one tap, not
        // filled in unasked.
        page.survey_consent().await;
        page.wait_for_text(".survey .chosen", "尚未选择").await;
        let offer = page.text_of(".last-community").await.unwrap();
        assert!(offer.starts_with("与上一户相同：东城区 东四街道 "), "{offer}");
        page.click(".last-community").await;
        let place = offer.trim_start_matches("与上一户相同：").to_owned();
        page.wait_for_text(".survey .chosen", &format!("已选择：{place}"))
            .await;
        page.eventually_js(
            "the focus on Next",
            "return document.activeElement.matches('.survey-nav .next') || null",
        )
        .await;
        assert!(page.text_of(".last-community").await.is_none());
    })
    .await;
}

/// The browser's Back and Forward move between the survey's steps, as
/// "上一步" does, and never past a step left incomplete; once the answers
/// are sent, Back leaves the survey.
#[tokio::test]
async fn the_browsers_back_and_forward_move_between_the_steps() {
    with_setup(Setup::default(), |page| async move {
        page.click(".survey-link").await;
        page.survey_consent().await;
        page.choose_survey_community("东四").await;
        page.survey_next().await;
        page.survey_heading("家里各年龄段各有几人？").await;
        page.client.back().await.unwrap();
        page.survey_heading("您住在哪个社区？").await;
        page.wait_for_focus_on("survey-step-heading").await;
        page.client.forward().await.unwrap();
        page.survey_heading("家里各年龄段各有几人？").await;
        // "上一步" goes back through the same entries: Forward returns.
        page.click(".survey-nav .prev").await;
        page.survey_heading("您住在哪个社区？").await;
        page.client.forward().await.unwrap();
        page.survey_heading("家里各年龄段各有几人？").await;
        page.set_household(3, 1).await;
        page.survey_next().await;
        page.survey_heading("需要哪些服务？").await;
        // Back to the household, emptied there: Forward cannot pass it.
        page.client.back().await.unwrap();
        page.survey_heading("家里各年龄段各有几人？").await;
        page.set_household(3, 0).await;
        page.client.forward().await.unwrap();
        // The entry now says the step on show, and the step what is missing.
        page.eventually_js(
            "the needs step's entry set to the household's",
            "return (history.state && history.state.linliSurveyDepth === 3 && history.state.linliSurveyStep === 2) || null",
        )
        .await;
        page.survey_heading("家里各年龄段各有几人？").await;
        let problem = page.text_of(".step-problem").await.unwrap();
        assert!(!problem.is_empty(), "the household step says what is missing");
        // One Back still goes to the step before, past the entry that now
        // repeats the household.
        page.client.back().await.unwrap();
        page.survey_heading("您住在哪个社区？").await;
        page.client.forward().await.unwrap();
        page.survey_heading("家里各年龄段各有几人？").await;
        page.set_household(3, 1).await;
        page.survey_next().await;
        page.survey_heading("需要哪些服务？").await;
        page.click("#need-meals").await;
        page.select("prio-meals", "1 最迫切").await;
        page.finish_survey(15).await;
        // Sent: Back leaves the survey instead of returning to its steps.
        page.eventually_js(
            "the survey's first entry",
            "return (history.state && history.state.linliSurveyDepth === 0) || null",
        )
        .await;
        page.client.back().await.unwrap();
        page.url_when("the finder's URL", |u| !u.contains("p=survey"))
            .await;
        page.wait_for_text("#results-heading", "附近设施（由近到远）")
            .await;
    })
    .await;
}

#[tokio::test]
async fn surveys_made_while_the_collector_is_down_arrive_once_it_is_up() {
    let mut outage = Outage::new().await;
    let profile = std::env::temp_dir().join(format!("linli-e2e-outage-{}", std::process::id()));
    let setup = Setup {
        profile: Some(profile.clone()),
        app_url: Some(outage.url()),
        query: "p=survey".to_owned(),
        ..Setup::default()
    };
    // The collector is down: two households answer, and the answers wait.
    with_setup(setup.clone(), |page| async move {
        page.fill_and_submit_survey(10).await;
        page.click(".thanks button").await;
        page.fill_and_submit_survey(20).await;
        page.wait_for_text(".outbox-status", "2 条信息等待发送")
            .await;
        // A reload keeps them waiting.
        page.client.refresh().await.unwrap();
        page.wait_for_text(".outbox-status", "2 条信息等待发送")
            .await;
    })
    .await;
    // The browser restarts; then the collector comes up.
    with_setup(setup, |page| async move {
        page.wait_for_text(".outbox-status", "2 条信息等待发送")
            .await;
        let waiting = page.outbox().await;
        assert_eq!(waiting.len(), 2);
        outage.up().await;
        // Reopening the app sends at once.
        page.client.refresh().await.unwrap();
        page.wait_for_empty_outbox().await;
        assert!(page.outbox().await.is_empty());
        // Each is stored, exactly as sent: a resend is "already stored".
        for record in waiting {
            let status = page
                .post_from_page("api/v1/surveys", record["body"].as_str().unwrap())
                .await;
            assert_eq!(status, 200, "stored once: {}", record["id"]);
        }
        drop(outage);
    })
    .await;
    let _ = std::fs::remove_dir_all(&profile);
}

/// Answers the collector refuses for good are not lost: the thanks say so,
/// the survey offers them back, and taken back they open at a step to
/// submit again, under a new id, and arrive.
#[tokio::test]
async fn refused_answers_are_offered_back_and_sent_again() {
    with_setup(Setup::default(), |page| async move {
        page.click(".survey-link").await;
        page.fill_survey(15).await;
        // The answers the device keeps as its draft.
        let draft_answers = || async {
            page.client
                .execute(
                    "return JSON.parse(localStorage.getItem('linli.survey.draft')).response;",
                    vec![],
                )
                .await
                .unwrap()
        };
        // Other answers are stored under this survey's id first, so the
        // collector refuses these (409).
        let draft = draft_answers().await;
        let first_id = draft["id"].as_str().unwrap().to_owned();
        let mut other = draft.clone();
        other["walk_minutes"] = json!(30);
        let status = page
            .post_from_page("api/v1/surveys", &other.to_string())
            .await;
        assert_eq!(status, 201);
        page.click(".survey-nav .submit").await;
        page.wait_for_text(
            ".thanks p",
            "区里的服务器没有接收这份答卷，答卷仍保存在本机，见上方说明。",
        )
        .await;
        page.eventually("the header's count", || async {
            page.text_of(".outbox-status")
                .await
                .filter(|t| t.contains("1 条未被接收"))
        })
        .await;
        let said = page.text_of(".returned").await.unwrap();
        assert!(
            said.contains("a different record is already stored"),
            "{said}"
        );
        page.click_button("取回答卷，修改后重新提交").await;
        page.survey_heading("还有什么想说的？").await;
        let problem = page.text_of(".step-problem").await.unwrap();
        assert!(
            problem.starts_with("区里的服务器没有接收这份答卷"),
            "{problem}"
        );
        let taken = draft_answers().await;
        assert_ne!(taken["id"], json!(first_id), "a new id");
        assert_eq!(taken["walk_minutes"], 15, "the answers given");
        assert_eq!(taken["household"], draft["household"]);
        page.click(".survey-nav .submit").await;
        page.wait_for_text(".thanks p", "谢谢！您的答卷已送达区里。")
            .await;
        page.wait_for_empty_outbox().await;
        page.eventually("no refused answers left", || async {
            let status = page.text_of(".outbox-status").await.unwrap_or_default();
            (!status.contains("未被接收")).then_some(())
        })
        .await;
        assert!(page.text_of(".returned").await.is_none());
    })
    .await;
}

#[tokio::test]
async fn answers_left_waiting_are_sent_by_the_service_worker_once_linli_is_hidden() {
    let setup = Setup {
        query: "p=survey".to_owned(),
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        page.eventually_js(
            "the service worker in control",
            "return navigator.serviceWorker.controller ? true : null",
        )
        .await;
        page.fill_survey(10).await;
        // The page cannot reach the collector: the answers wait.
        page.set_offline(true).await;
        page.click(".survey-nav .submit").await;
        page.wait_for_text(".outbox-status", "1 条信息等待发送")
            .await;
        let waiting = page.outbox().await;
        assert_eq!(waiting.len(), 1);
        // The resident turns to another tab with them waiting: the page,
        // hidden, asks the browser for a sync, and the service worker
        // (which the page's emulated outage does not reach, as a device
        // back online) sends them while Linli is out of sight.
        let linli = page.client.window().await.unwrap();
        let other = page.client.new_window(true).await.unwrap();
        page.client.switch_to_window(other.handle).await.unwrap();
        page.client.goto("about:blank").await.unwrap();
        page.client.close_window().await.unwrap();
        page.client.switch_to_window(linli).await.unwrap();
        // Back in Linli, still offline: nothing waits, and the thanks say
        // the answers arrived, as the worker told the page.
        page.wait_for_empty_outbox().await;
        page.wait_for_text(".thanks p", "谢谢！您的答卷已送达区里。")
            .await;
        // Online again: the collector already has it, exactly as sent.
        page.set_offline(false).await;
        let status = page
            .post_from_page("api/v1/surveys", waiting[0]["body"].as_str().unwrap())
            .await;
        assert_eq!(status, 200, "already stored by the worker's send");
    })
    .await;
}

/// Waits until the focus is on the field `id`, marked invalid; its
/// `aria-describedby`.
async fn focus_at_fault(page: &linli_e2e::FinderPage, id: &str) -> String {
    let script = format!(
        "const a = document.activeElement;
         return a.id === '{id}' && a.getAttribute('aria-invalid') === 'true' ? a.getAttribute('aria-describedby') : null"
    );
    let described = page
        .eventually_js(&format!("the focus on #{id}, marked invalid"), &script)
        .await;
    described.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_count_typed_as_a_fraction_keeps_the_count_and_says_why() {
    with_setup(Setup::default(), |page| async move {
        page.click(".survey-link").await;
        page.survey_consent().await;
        page.choose_survey_community("交道口").await;
        page.survey_next().await;
        page.survey_heading("家里各年龄段各有几人？").await;
        // Bands of whole years that do not share an age: a child of 3
        // fits one of them.
        assert_eq!(
            page.texts_of(".household label").await,
            ["3 岁以下", "3–5 岁", "6–11 岁", "12–17 岁", "18–59 岁", "60–79 岁", "80 岁及以上"]
        );
        let field = page
            .client
            .find(fantoccini::Locator::Id("hh-4"))
            .await
            .unwrap();
        // Typed key by key over what the field holds, selected, then left
        // for the next band.
        let type_over = |text: &'static str| {
            let page = page.clone();
            let field = field.clone();
            async move {
                field.click().await.unwrap();
                // Control+A selects what the field holds.
                field.send_keys("\u{E009}a\u{E000}").await.unwrap();
                field.send_keys(text).await.unwrap();
                page.client
                    .find(fantoccini::Locator::Id("hh-5"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
            }
        };
        let shown = || async {
            page.client
                .execute("return document.getElementById('hh-4').value", vec![])
                .await
                .unwrap()
        };
        let kept = || async {
            page.client
                .execute(
                    "return JSON.parse(localStorage.getItem('linli.survey.draft')).response.household.age_18_59",
                    vec![],
                )
                .await
                .unwrap()
        };
        type_over("2").await;
        assert_eq!(shown().await, "2");
        assert_eq!(page.text_of(".household-note").await.as_deref(), Some(""));
        // "1.5": the count typed on the way ("1") is not kept, and writing
        // it back while typing had moved the caret ("51").
        type_over("1.5").await;
        page.wait_for_text(
            ".household-note",
            "18–59 岁：“1.5”不是人数，请填写 0 到 20 之间的整数；仍按 2 人。",
        )
        .await;
        assert_eq!(shown().await, "2");
        assert_eq!(kept().await, 2);
        // Text the browser cannot read as a number reads as empty: still
        // not taken for 0.
        type_over("1e").await;
        page.wait_for_text(
            ".household-note",
            "18–59 岁：填写的不是人数，请填写 0 到 20 之间的整数；仍按 2 人。",
        )
        .await;
        assert_eq!(kept().await, 2);
        // A whole number is taken, and the note goes.
        type_over("3").await;
        page.wait_for_text(".household-note", "").await;
        assert_eq!(kept().await, 3);
        // A field entered with a click (the mouse's press and release) has
        // its count selected, so that a digit typed replaces it: "0" then
        // "1" had read "01" until the field was left.
        let value = |id: &'static str| {
            let page = page.clone();
            async move {
                page.client
                    .execute("return document.getElementById(arguments[0]).value", vec![id.into()])
                    .await
                    .unwrap()
            }
        };
        assert_eq!(value("hh-6").await, "0");
        let oldest = page.client.find(fantoccini::Locator::Id("hh-6")).await.unwrap();
        oldest.click().await.unwrap();
        oldest.send_keys("1").await.unwrap();
        assert_eq!(value("hh-6").await, "1");
        page.survey_next().await;
        page.survey_heading("需要哪些服务？").await;
    })
    .await;
}

#[tokio::test]
async fn an_answer_that_brings_another_problem_is_not_told_off_before_next() {
    with_setup(Setup::default(), |page| async move {
        to_the_needs(&page, "交道口", 0, 1).await;
        // Nothing ticked: refused.
        page.survey_next().await;
        page.wait_for_text(".step-problem", "请至少选择一项需要的服务。")
            .await;
        // Ticking a service answers that; its priority, not chosen yet, is
        // not a problem until "Next" is pressed again.
        page.click("#need-meals").await;
        page.wait_for_text(".step-problem", "").await;
        let marked = page
            .client
            .execute(
                "return document.querySelectorAll('[aria-invalid=true]').length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(marked, 0);
        page.survey_next().await;
        page.wait_for_text(".step-problem", "请为这些服务选择迫切程度：社区助餐。")
            .await;
        // Unticked again: a problem of another kind, which waits for "Next"
        // too.
        page.click("#need-meals").await;
        page.wait_for_text(".step-problem", "").await;
        page.survey_next().await;
        page.wait_for_text(".step-problem", "请至少选择一项需要的服务。")
            .await;
    })
    .await;
}

/// On a phone in 长辈模式, a refused 下一步 for a service far down the list
/// (文化休闲, ticked without its priority): the focus goes to its priority,
/// in sight, and the step's problem stays in sight above it, at the top of
/// the screen, where it had been scrolled away.
#[tokio::test]
async fn a_refused_step_keeps_its_problem_in_sight_above_the_field_at_fault() {
    let setup = Setup {
        elder: true,
        ..Setup::default()
    };
    with_setup(setup, |page| async move {
        linli_e2e::phone_screen(&page.client, 390, 700, 2.0).await;
        page.client.refresh().await.expect("reload");
        to_the_needs(&page, "交道口", 0, 1).await;
        page.click("#need-culture").await;
        page.survey_next().await;
        page.wait_for_text(".step-problem", "请为这些服务选择迫切程度：文化休闲。")
            .await;
        let placed = page
            .eventually_js(
                "the priority focused, in sight, below the problem",
                "const f = document.activeElement;
                 if (f.id !== 'prio-culture') return null;
                 const p = document.getElementById('survey-step-problem').getBoundingClientRect();
                 const r = f.getBoundingClientRect();
                 return p.top >= 0 && p.bottom <= r.top && r.bottom <= innerHeight
                   ? [Math.round(p.top), Math.round(p.bottom), Math.round(r.top), Math.round(r.bottom), innerHeight] : null;",
            )
            .await;
        assert!(placed.is_array(), "{placed}");
        // Fields the focus reaches scroll to below the line: the page's
        // scroll padding is its height, and goes with it.
        page.eventually_js(
            "the scroll padding at the problem's height",
            "const h = document.getElementById('survey-step-problem').getBoundingClientRect().height;
             const pad = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop);
             return h > 0 && pad >= h ? pad : null;",
        )
        .await;
        page.select("prio-culture", "1 最迫切").await;
        page.wait_for_text(".step-problem", "").await;
        page.eventually_js(
            "no scroll padding without a problem",
            "return getComputedStyle(document.documentElement).scrollPaddingTop === 'auto' || null;",
        )
        .await;
    })
    .await;
}
