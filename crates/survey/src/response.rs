//! A resident's answers, as sent to the collector, and their validation.

use linli_facilities::districts;
use linli_facilities::model::ServiceFunction;
use serde::{Deserialize, Serialize};

use crate::questionnaire::{
    MAX_COMMENT_CHARS, MAX_PER_BAND, PAY_BANDS, PRIORITIES, VERSION, WALK_MINUTES,
};

/// One completed survey. Unknown fields are refused when reading, and the
/// field order here is the canonical order of the stored JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// A random UUID made when the survey starts (lowercase, hyphenated),
    /// so that a resend is recognised and never counted twice.
    pub id: String,
    /// The questionnaire version answered ([`VERSION`]).
    pub questionnaire: u32,
    /// The resident agreed to the PIPL notice. Must be `true`.
    pub consent: bool,
    /// Where the household lives, chosen from the dataset's communities.
    pub community: CommunityRef,
    /// Household members by age band.
    pub household: Household,
    /// Services needed, each with a priority.
    pub needs: Vec<Need>,
    /// When services are needed.
    pub times: Vec<TimeNeed>,
    /// Willingness to pay, for some of the needed services.
    #[serde(default)]
    pub pay: Vec<PayAnswer>,
    /// The longest acceptable walk, in minutes.
    pub walk_minutes: u8,
    /// An optional comment, at most [`MAX_COMMENT_CHARS`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A community from the dataset's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityRef {
    /// District code, as in the dataset manifest.
    pub district_code: String,
    /// Sub-district or town (街道/乡镇).
    pub subdistrict: String,
    /// Community (社区).
    pub community: String,
}

/// How many people of each age band live in the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// Under 3 years old.
    pub age_0_3: u8,
    /// 3 to 5 (from the third birthday to the sixth).
    pub age_3_6: u8,
    /// 6 to 11.
    pub age_6_12: u8,
    /// 12 to 17.
    pub age_12_18: u8,
    /// 18 to 59.
    pub age_18_59: u8,
    /// 60 to 79.
    pub age_60_79: u8,
    /// 80 and over.
    pub age_80_plus: u8,
}

impl Household {
    /// The counts in the questionnaire's band order.
    pub fn counts(&self) -> [u8; 7] {
        [
            self.age_0_3,
            self.age_3_6,
            self.age_6_12,
            self.age_12_18,
            self.age_18_59,
            self.age_60_79,
            self.age_80_plus,
        ]
    }
}

/// A needed service and how much: priority 1 is the most needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    /// The function needed.
    pub function: ServiceFunction,
    /// 1 (most needed) to 3.
    pub priority: u8,
}

/// When a service is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeNeed {
    /// Weekdays, daytime.
    WeekdayDaytime,
    /// Weekday evenings.
    WeekdayEvening,
    /// Weekends.
    Weekend,
    /// School holidays (寒暑假).
    SchoolHolidays,
}

/// Willingness to pay for one function, as a band of its pay scale
/// ([`crate::questionnaire::pay_scale`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayAnswer {
    /// The function.
    pub function: ServiceFunction,
    /// 0 ("only if free") to 5 (above the last limit).
    pub band: u8,
}

/// One field that failed, with its path (e.g. `household.age_0_3`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's path in the response.
    pub field: String,
    /// What is wrong, in English.
    pub reason: String,
}

impl FieldError {
    fn new(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Whether `id` is a lowercase hyphenated UUID (8-4-4-4-12 hex digits).
pub fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| {
            g.len() == n
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// Whether `text` holds a run of 11 or more digits: the shape of a mobile,
/// landline with area code, or ID number, which the survey must not
/// collect. Digits are ASCII, full-width or Chinese numerals (〇 零 一 …
/// 九, and 幺 and 两 as numbers are read out); the separators people put
/// inside a phone number (spaces, hyphens, brackets, a plus sign) do not
/// end a run. Dots and slashes do: "8.30-11.30 13.30-17.00" is opening
/// times, not a number.
pub fn has_long_number(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || "〇零一二三四五六七八九幺两".contains(c)
        {
            run += 1;
            if run >= 11 {
                return true;
            }
        } else if !" \u{3000}-‐–—()（）+".contains(c) {
            run = 0;
        }
    }
    false
}

/// Checks every field of `response` and returns all the failures, each
/// with its path and reason; `Ok` when there are none.
pub fn validate(response: &Response) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let r = response;
    if !is_uuid(&r.id) {
        errors.push(FieldError::new(
            "id",
            "must be a lowercase UUID such as 5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f",
        ));
    }
    if r.questionnaire != VERSION {
        errors.push(FieldError::new(
            "questionnaire",
            format!(
                "version {} is not accepted; the current version is {VERSION}",
                r.questionnaire
            ),
        ));
    }
    if !r.consent {
        errors.push(FieldError::new(
            "consent",
            "the resident must agree to the notice before answers are kept",
        ));
    }
    check_community(&r.community, &mut errors);
    let counts = r.household.counts();
    for ((field, _, _), n) in crate::questionnaire::AGE_BANDS.iter().zip(counts) {
        if n > MAX_PER_BAND {
            errors.push(FieldError::new(
                format!("household.{field}"),
                format!("{n} is more than {MAX_PER_BAND} people"),
            ));
        }
    }
    if counts.iter().all(|&n| n == 0) {
        errors.push(FieldError::new(
            "household",
            "at least one household member is needed",
        ));
    }
    if r.needs.is_empty() {
        errors.push(FieldError::new("needs", "choose at least one service"));
    }
    for (i, need) in r.needs.iter().enumerate() {
        if !PRIORITIES.contains(&need.priority) {
            errors.push(FieldError::new(
                format!("needs[{i}].priority"),
                format!("{} is not a priority; use 1, 2 or 3", need.priority),
            ));
        }
        if r.needs[..i].iter().any(|n| n.function == need.function) {
            errors.push(FieldError::new(
                format!("needs[{i}].function"),
                format!("{} is listed twice", need.function.code()),
            ));
        }
    }
    if r.times.is_empty() {
        errors.push(FieldError::new("times", "choose at least one time"));
    }
    for (i, t) in r.times.iter().enumerate() {
        if r.times[..i].contains(t) {
            errors.push(FieldError::new(format!("times[{i}]"), "listed twice"));
        }
    }
    for (i, p) in r.pay.iter().enumerate() {
        if p.band >= PAY_BANDS {
            errors.push(FieldError::new(
                format!("pay[{i}].band"),
                format!("{} is not a band; use 0 to {}", p.band, PAY_BANDS - 1),
            ));
        }
        if !r.needs.iter().any(|n| n.function == p.function) {
            errors.push(FieldError::new(
                format!("pay[{i}].function"),
                format!("{} is not among the needed services", p.function.code()),
            ));
        }
        if r.pay[..i].iter().any(|q| q.function == p.function) {
            errors.push(FieldError::new(
                format!("pay[{i}].function"),
                format!("{} is listed twice", p.function.code()),
            ));
        }
    }
    if !WALK_MINUTES.contains(&r.walk_minutes) {
        errors.push(FieldError::new(
            "walk_minutes",
            format!("{} is not offered; use 5, 10, 15, 20 or 30", r.walk_minutes),
        ));
    }
    if let Some(comment) = &r.comment {
        let n = comment.chars().count();
        if n > MAX_COMMENT_CHARS {
            errors.push(FieldError::new(
                "comment",
                format!("{n} characters; at most {MAX_COMMENT_CHARS}"),
            ));
        }
        if has_long_number(comment) {
            errors.push(FieldError::new(
                "comment",
                "looks like it holds a phone or ID number; the survey must not collect them",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_community(c: &CommunityRef, errors: &mut Vec<FieldError>) {
    if districts::by_code(&c.district_code).is_none() {
        errors.push(FieldError::new(
            "community.district_code",
            format!("{:?} is not a Beijing district code", c.district_code),
        ));
    }
    for (field, value) in [("subdistrict", &c.subdistrict), ("community", &c.community)] {
        let n = value.trim().chars().count();
        if n == 0 || n > 40 {
            errors.push(FieldError::new(
                format!("community.{field}"),
                "must be a name of 1 to 40 characters from the list",
            ));
        }
    }
}
