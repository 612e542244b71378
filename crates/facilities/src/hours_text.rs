//! Translating Chinese free-text opening hours into OSM `opening_hours`.
//!
//! District lists write hours the way a notice board does:
//! `周一至周五 8:00-11:30, 13:30-17:00；法定节假日休息`. This module knows the
//! common patterns (weekday ranges and lists, 工作日 (which leaves out
//! public holidays unless the text says otherwise), 每天, 周末, morning and
//! afternoon times, 24小时, days off, and what happens on public holidays)
//! and turns them into `Mo-Fr 08:00-11:30,13:30-17:00; PH off`. Anything it
//! does not recognise is reported, never guessed: the importer then keeps the
//! original text and flags the record.

use std::fmt;

/// Why a text could not be translated: the fragment that was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable {
    /// The part of the text that no known pattern matched.
    pub fragment: String,
}

impl fmt::Display for Untranslatable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot translate the hours text {:?}", self.fragment)
    }
}

impl std::error::Error for Untranslatable {}

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// Translates Chinese free-text hours into OSM `opening_hours` syntax.
///
/// ```
/// use linli_facilities::hours_text::translate;
/// assert_eq!(
///     translate("周一至周五 8:00-11:30, 13:30-17:00；法定节假日休息").unwrap(),
///     "Mo-Fr 08:00-11:30,13:30-17:00; PH off"
/// );
/// assert!(translate("请电话预约").is_err());
/// ```
pub fn translate(text: &str) -> Result<String, Untranslatable> {
    let normal = normalise(text);
    let mut rules: Vec<String> = Vec::new();
    let mut holiday_rule: Option<String> = None;
    // Whether the text says what happens on public holidays.
    let mut holidays_said = false;
    // 工作日 (working days) leaves out public holidays by its meaning.
    let mut working_days = false;
    let mut other_days_open = false;
    for segment in normal
        .split([';', '\n', '。'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let fail = || Untranslatable {
            fragment: segment.to_owned(),
        };
        if let Some(rest) = strip_holiday_prefix(segment) {
            holiday_rule = holiday(rest).ok_or_else(fail)?;
            holidays_said = true;
            continue;
        }
        let on_working_days = segment.starts_with("工作日");
        let (days, rest) = day_spec(segment);
        let rest = rest.trim_start_matches([':', ' ']).trim();
        let times = if is_closed_word(rest) {
            "off".to_owned()
        } else if is_all_day(rest) {
            "00:00-24:00".to_owned()
        } else {
            time_ranges(rest).ok_or_else(fail)?
        };
        // 工作日 with opening times, and no opening on other days: a place
        // that works the working days only (not one open seven days, nor
        // one closed on working days).
        if times != "off" {
            if on_working_days {
                working_days = true;
            } else {
                other_days_open = true;
            }
        }
        match days {
            Some(days) => rules.push(format!("{days} {times}")),
            None if times == "00:00-24:00" => rules.push("24/7".to_owned()),
            None if times != "off" => rules.push(format!("Mo-Su {times}")),
            None => return Err(fail()),
        }
    }
    if rules.is_empty() {
        return Err(Untranslatable {
            fragment: text.trim().to_owned(),
        });
    }
    if working_days && !other_days_open && !holidays_said {
        holiday_rule = Some("PH off".to_owned());
    }
    rules.extend(holiday_rule);
    Ok(rules.join("; "))
}

/// Full-width punctuation and range words become ASCII, so that later steps
/// see one spelling.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '：' => out.push(':'),
            '；' => out.push(';'),
            '，' | '、' | '/' => out.push(','),
            '－' | '—' | '–' | '~' | '～' | '至' | '到' => out.push('-'),
            '（' => out.push('('),
            '）' => out.push(')'),
            '\u{3000}' | '\t' => out.push(' '),
            // Full-width digits.
            '０'..='９' => out.push(char::from(b'0' + (u32::from(c) - u32::from('０')) as u8)),
            c => out.push(c),
        }
    }
    out.replace("星期", "周").replace("礼拜", "周")
}

fn strip_holiday_prefix(segment: &str) -> Option<&str> {
    ["法定节假日", "法定假日", "节假日", "节日"]
        .iter()
        .find_map(|p| segment.strip_prefix(p))
}

/// The rule for public holidays, from what follows "节假日": `Some(None)` when
/// holidays keep the usual hours.
fn holiday(rest: &str) -> Option<Option<String>> {
    let rest = rest.trim_start_matches([':', ' ', ',']).trim();
    if is_closed_word(rest) {
        return Some(Some("PH off".to_owned()));
    }
    if ["照常", "正常", "不休", "无休"]
        .iter()
        .any(|w| rest.starts_with(w))
    {
        return Some(None);
    }
    time_ranges(rest).map(|t| Some(format!("PH {t}")))
}

fn is_closed_word(s: &str) -> bool {
    let s = s.trim_end_matches(['.', ' ']);
    [
        "休息",
        "闭馆",
        "不开放",
        "关闭",
        "不营业",
        "休",
        "停业",
        "歇业",
    ]
    .contains(&s)
}

fn is_all_day(s: &str) -> bool {
    let s = s.trim_end_matches(['.', ' ']);
    [
        "24小时",
        "24小时营业",
        "24小时开放",
        "全天",
        "全天开放",
        "00:00-24:00",
        "0:00-24:00",
    ]
    .contains(&s)
}

fn weekday(c: char) -> Option<usize> {
    "一二三四五六日"
        .chars()
        .position(|d| d == c)
        .or(if c == '天' || c == '七' {
            Some(6)
        } else {
            None
        })
}

/// Reads a leading day specification and returns it in OSM form, with the
/// rest of the segment.
fn day_spec(segment: &str) -> (Option<String>, &str) {
    for (word, osm) in [
        ("每天", "Mo-Su"),
        ("每日", "Mo-Su"),
        ("全年", "Mo-Su"),
        ("工作日", "Mo-Fr"),
        ("周末", "Sa,Su"),
        ("双休日", "Sa,Su"),
        ("周六日", "Sa,Su"),
    ] {
        if let Some(rest) = segment.strip_prefix(word) {
            return (Some(osm.to_owned()), rest);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = segment;
    while let Some(after) = rest.strip_prefix('周') {
        let mut chars = after.chars();
        let Some(first) = chars.next().and_then(weekday) else {
            break;
        };
        let mut after = chars.as_str();
        let mut item = DAYS[first].to_owned();
        if let Some(range) = after.strip_prefix('-') {
            let range = range.strip_prefix('周').unwrap_or(range);
            let mut chars = range.chars();
            if let Some(last) = chars.next().and_then(weekday) {
                item = format!("{}-{}", DAYS[first], DAYS[last]);
                after = chars.as_str();
            }
        }
        parts.push(item);
        rest = after;
        match rest.strip_prefix(',') {
            Some(next) if next.trim_start().starts_with('周') => rest = next.trim_start(),
            _ => break,
        }
    }
    if parts.is_empty() {
        (None, segment)
    } else {
        (Some(parts.join(",")), rest)
    }
}

/// Reads `8:00-11:30, 下午1:30-5:00` into `08:00-11:30,13:30-17:00`.
fn time_ranges(s: &str) -> Option<String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (start, end) = part.split_once('-')?;
        let (pm_start, start) = strip_period(start.trim());
        let (pm_end, end) = strip_period(end.trim());
        let start = clock(start, pm_start)?;
        let mut end = clock(end, pm_end.or(pm_start))?;
        // "下午1:00-5:00" and "8:00-5:30" both mean an afternoon end.
        if end <= start && end < 12 * 60 && pm_end.is_none() {
            end += 12 * 60;
        }
        if end <= start || end > 24 * 60 {
            return None;
        }
        out.push(format!("{}-{}", hhmm(start), hhmm(end)));
    }
    (!out.is_empty()).then(|| out.join(","))
}

/// Strips 上午/下午/晚上/中午; `Some(true)` for afternoon and evening.
fn strip_period(s: &str) -> (Option<bool>, &str) {
    for (word, pm) in [
        ("上午", false),
        ("早上", false),
        ("中午", true),
        ("下午", true),
        ("晚上", true),
    ] {
        if let Some(rest) = s.strip_prefix(word) {
            return (Some(pm), rest.trim());
        }
    }
    (None, s)
}

/// Minutes after midnight for `8:00`, `08:30`, `8点`, `8点30`, `8时`.
fn clock(s: &str, pm: Option<bool>) -> Option<u32> {
    let s = s.trim_end_matches(['分', ' ']);
    let (h, m) = match s.split_once([':', '点', '时']) {
        Some((h, "")) => (h, "0"),
        Some((h, m)) => (h, m),
        None => (s, "0"),
    };
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return None;
    }
    let h = if pm == Some(true) && h < 12 {
        h + 12
    } else {
        h
    };
    Some(h * 60 + m)
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &str) {
        assert_eq!(translate(text).as_deref(), Ok(expect), "for {text:?}");
        // Every translation is in the subset that `hours` reads.
        if let Err(e) = crate::hours::check_syntax(expect) {
            panic!("{e}");
        }
    }

    #[test]
    fn common_patterns() {
        check(
            "周一至周五 8:00-11:30, 13:30-17:00；法定节假日休息",
            "Mo-Fr 08:00-11:30,13:30-17:00; PH off",
        );
        check("周一到周五8:30—17:00", "Mo-Fr 08:30-17:00");
        check(
            "星期一至星期六 9:00～18:00；星期日休息",
            "Mo-Sa 09:00-18:00; Su off",
        );
        // 工作日 are working days: not the public holidays (and, through
        // the calendar, the weekends worked in lieu too), unless the text
        // says otherwise.
        check(
            "工作日 上午8:00-11:30，下午1:30-5:00",
            "Mo-Fr 08:00-11:30,13:30-17:00; PH off",
        );
        check("工作日 8:00-17:00；节假日照常", "Mo-Fr 08:00-17:00");
        check(
            "工作日 8:00-17:00；周末休息",
            "Mo-Fr 08:00-17:00; Sa,Su off; PH off",
        );
        // Open on other days too, or closed on working days: what holidays
        // do is not said, and not guessed.
        check(
            "工作日 8:00-17:00；周六 9:00-12:00",
            "Mo-Fr 08:00-17:00; Sa 09:00-12:00",
        );
        check(
            "周六,周日 9:00-17:00；工作日休息",
            "Sa,Su 09:00-17:00; Mo-Fr off",
        );
        check(
            "每天 10:30-13:00、16:30-19:00",
            "Mo-Su 10:30-13:00,16:30-19:00",
        );
        check("24小时", "24/7");
        check("全天", "24/7");
        check(
            "周一至周五 9:00-17:00；周末休息；节假日休息",
            "Mo-Fr 09:00-17:00; Sa,Su off; PH off",
        );
        check(
            "周二至周日 9:00-20:00；周一闭馆",
            "Tu-Su 09:00-20:00; Mo off",
        );
        check("周一、周三、周五 14:00-16:00", "Mo,We,Fr 14:00-16:00");
        check("8:00-20:00", "Mo-Su 08:00-20:00");
        check("周一至周五 7:30-18:00；法定节假日照常", "Mo-Fr 07:30-18:00");
        check(
            "周六 9:00-12:00；节假日 9:00-12:00",
            "Sa 09:00-12:00; PH 09:00-12:00",
        );
        check("周一至周五８：００－１７：００", "Mo-Fr 08:00-17:00");
        check("每日 8点-17点", "Mo-Su 08:00-17:00");
    }

    #[test]
    fn unknown_patterns_are_reported_not_guessed() {
        for text in [
            "请电话预约",
            "周一至周五 预约制",
            "以公告为准",
            "",
            "周一至周五 25:00-26:00",
            "节假日另行通知",
        ] {
            assert!(translate(text).is_err(), "{text:?} should not translate");
        }
        let err = translate("周一至周五 8:00-17:00；寒暑假另行通知").unwrap_err();
        assert_eq!(err.fragment, "寒暑假另行通知");
    }
}
