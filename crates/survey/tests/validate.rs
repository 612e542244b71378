//! Every field's validation, each checked with one `check(edit, expected
//! errors)` call over a valid response.

use linli_survey::{FieldError, Response, validate};
use serde_json::{Value, json};

fn valid() -> Value {
    json!({
        "id": "5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f",
        "questionnaire": 1,
        "consent": true,
        "community": {"district_code": "110101", "subdistrict": "东四街道", "community": "示例第7社区"},
        "household": {"age_0_3": 1, "age_3_6": 0, "age_6_12": 0, "age_12_18": 0, "age_18_59": 2, "age_60_79": 0, "age_80_plus": 1},
        "needs": [{"function": "infant_care", "priority": 1}, {"function": "meals", "priority": 2}],
        "times": ["weekday_daytime"],
        "pay": [{"function": "infant_care", "band": 3}],
        "walk_minutes": 15,
        "comment": "希望托育点早上七点半开门"
    })
}

/// Applies `edit` to a valid response and compares the failing fields.
fn check(edit: impl FnOnce(&mut Value), fields: &[&str]) {
    let mut body = valid();
    edit(&mut body);
    let response: Response = serde_json::from_value(body).expect("well-formed");
    let got: Vec<String> = match validate(&response) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|FieldError { field, .. }| field)
            .collect(),
    };
    assert_eq!(got, fields);
}

#[test]
fn a_complete_response_is_valid() {
    check(|_| {}, &[]);
    check(|b| b["comment"] = Value::Null, &[]);
}

#[test]
fn identity_version_and_consent() {
    check(|b| b["id"] = json!("not-a-uuid"), &["id"]);
    check(
        |b| b["id"] = json!("5B0E4F1C-3D2A-4C8E-9F10-2A3B4C5D6E7F"),
        &["id"],
    );
    check(|b| b["questionnaire"] = json!(2), &["questionnaire"]);
    check(|b| b["consent"] = json!(false), &["consent"]);
}

#[test]
fn community_and_household() {
    check(
        |b| b["community"]["district_code"] = json!("310101"),
        &["community.district_code"],
    );
    check(
        |b| b["community"]["community"] = json!(" "),
        &["community.community"],
    );
    check(
        |b| b["household"]["age_80_plus"] = json!(21),
        &["household.age_80_plus"],
    );
    check(
        |b| {
            for k in ["age_0_3", "age_18_59", "age_80_plus"] {
                b["household"][k] = json!(0);
            }
        },
        &["household"],
    );
}

#[test]
fn needs_times_pay_and_walk() {
    check(|b| b["needs"] = json!([]), &["needs", "pay[0].function"]);
    check(
        |b| b["needs"][1]["priority"] = json!(4),
        &["needs[1].priority"],
    );
    check(
        |b| b["needs"][1]["function"] = json!("infant_care"),
        &["needs[1].function"],
    );
    check(|b| b["times"] = json!([]), &["times"]);
    check(
        |b| b["times"] = json!(["weekend", "weekend"]),
        &["times[1]"],
    );
    check(|b| b["pay"][0]["band"] = json!(6), &["pay[0].band"]);
    check(
        |b| b["pay"][0]["function"] = json!("sports"),
        &["pay[0].function"],
    );
    check(|b| b["walk_minutes"] = json!(25), &["walk_minutes"]);
}

#[test]
fn comments_are_short_and_carry_no_numbers() {
    check(|b| b["comment"] = json!("长".repeat(501)), &["comment"]);
    check(
        |b| b["comment"] = json!("有事打我电话 139 1234 5678"),
        &["comment"],
    );
    check(
        |b| b["comment"] = json!("身份证 11010519491231002X"),
        &["comment"],
    );
    // Written with brackets or a country code, or in Chinese numerals as
    // read out.
    for text in [
        "tel:+86 138 1234 5678",
        "电话 (010) 6401-2345",
        "电话一三九一二三四五六七八",
        "打幺三八 幺二三四 五六七八",
    ] {
        check(|b| b["comment"] = json!(text), &["comment"]);
    }
    // Short numbers are fine: times, building numbers, prices, weekdays.
    check(
        |b| b["comment"] = json!("周一到周五、周六上午都要；二三十元一餐可以接受"),
        &[],
    );
    // Opening times written with dots are times, not a number.
    check(
        |b| b["comment"] = json!("希望 8.30-11.30 13.30-17.00 开门"),
        &[],
    );
    check(
        |b| b["comment"] = json!("7:30 开门，3号楼旁边，每月2000元以内"),
        &[],
    );
}

#[test]
fn unknown_fields_and_wrong_types_are_refused_when_read() {
    let mut body = valid();
    body["name"] = json!("张三");
    let err = serde_json::from_value::<Response>(body).unwrap_err();
    assert!(err.to_string().contains("unknown field `name`"), "{err}");
    let mut body = valid();
    body["needs"][0]["function"] = json!("karaoke");
    assert!(serde_json::from_value::<Response>(body).is_err());
}
