//! "Report a problem" with a facility's data: checked, given a UUID, put in
//! the device's outbox ([`crate::outbox`]) and sent to the collector, which
//! stores it once however often it is resent.

use crate::i18n::Lang;
use leptos::prelude::*;

pub use linli_survey::report::{
    MAX_REPORT_CHARS as MAX_TEXT_CHARS, ProblemReport as Report, ReportKind,
};

/// A report kind's label in `lang`.
pub fn kind_label(kind: ReportKind, lang: Lang) -> &'static str {
    match kind {
        ReportKind::Closed => lang.pick("已关闭或搬迁", "Closed or moved"),
        ReportKind::Hours => lang.pick("开放时间不对", "Wrong opening hours"),
        ReportKind::Phone => lang.pick("电话打不通或不对", "Wrong phone number"),
        ReportKind::Price => lang.pick("价格不对", "Wrong price"),
        ReportKind::Places => lang.pick("空余名额不对", "Wrong free places"),
        ReportKind::Other => lang.pick("其他问题", "Something else"),
    }
}

/// Why a report cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportError {
    /// No kind of problem is chosen.
    NoKind,
    /// The note is longer than [`MAX_TEXT_CHARS`].
    TooLong(usize),
    /// "Something else" needs a note.
    NeedsText,
    /// The note holds a run of 11 or more digits, which the collector
    /// refuses as a possible phone or ID number
    /// ([`linli_survey::response::has_long_number`]).
    LongNumber,
}

impl ReportError {
    /// The message for the resident.
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (ReportError::NoKind, Lang::Zh) => "请先选择哪里不对。".to_owned(),
            (ReportError::NoKind, Lang::En) => "Please choose what is wrong first.".to_owned(),
            (ReportError::TooLong(n), Lang::Zh) => {
                format!("说明最多 {MAX_TEXT_CHARS} 字，现在有 {n} 字。")
            }
            (ReportError::TooLong(n), Lang::En) => {
                format!("The note can be at most {MAX_TEXT_CHARS} characters; it has {n}.")
            }
            (ReportError::NeedsText, Lang::Zh) => "选择“其他问题”时请写一句说明。".to_owned(),
            (ReportError::NeedsText, Lang::En) => {
                "Please say what is wrong when you choose “Something else”.".to_owned()
            }
            (ReportError::LongNumber, Lang::Zh) => {
                "说明里不能写电话号码或证件号码（连续 11 位以上的数字）。电话不对时，选择“电话打不通或不对”即可。".to_owned()
            }
            (ReportError::LongNumber, Lang::En) => {
                "The note must not hold a phone or ID number (11 or more digits in a row). If the phone number is wrong, choosing “Wrong phone number” is enough.".to_owned()
            }
        }
    }
}

/// Checks a report before it is saved, by the collector's rules
/// ([`linli_survey::report::validate_report`]), so that nothing the page
/// says is saved is refused later: `kind` is what the resident chose, if
/// anything.
pub fn check(kind: Option<ReportKind>, text: &str) -> Result<ReportKind, ReportError> {
    let kind = kind.ok_or(ReportError::NoKind)?;
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(ReportError::TooLong(n));
    }
    if linli_survey::response::has_long_number(text) {
        return Err(ReportError::LongNumber);
    }
    if kind == ReportKind::Other && text.trim().is_empty() {
        return Err(ReportError::NeedsText);
    }
    Ok(kind)
}

/// A random UUID (version 4) from the browser's cryptographic generator
/// (`crypto.getRandomValues`, which pages served without HTTPS have too,
/// unlike `crypto.randomUUID`).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No cryptographic generator (no browser this app runs in lacks
        // one): `Math.random`, still a UUID the collector reads.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(bytes)
}

/// Formats 16 random bytes as a lowercase version-4 UUID (RFC 9562: the
/// version nibble 4, the variant bits 10).
fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        for nibble in [b >> 4, b & 0x0f] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

/// The "report a problem" form of a facility page.
#[component]
pub fn ReportForm(facility_id: String, lang: Lang) -> impl IntoView {
    // Nothing is chosen at first, so that one tap never files a report
    // the resident did not mean.
    let (kind, set_kind) = signal(None::<ReportKind>);
    let (text, set_text) = signal(String::new());
    // The saved report's id, or what is wrong.
    let (outcome, set_outcome) = signal(None::<Result<String, String>>);
    // What the last check found, which marks its field invalid.
    let (problem, set_problem) = signal(None::<ReportError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang;
        let (k, t) = (kind.get_untracked(), text.get_untracked());
        let k = match check(k, &t) {
            Ok(k) => k,
            Err(e) => {
                set_problem.set(Some(e));
                set_outcome.set(Some(Err(e.describe(l))));
                return;
            }
        };
        set_problem.set(None);
        let report = Report {
            id: new_id(),
            facility_id: facility_id.clone(),
            kind: k,
            text: t.trim().to_owned(),
            created_at: crate::num::ymd_hm(crate::data::beijing_now()),
        };
        let Ok(body) = serde_json::to_string(&report) else {
            return;
        };
        let record = crate::outbox::Record {
            id: report.id.clone(),
            path: "api/v1/reports".to_owned(),
            body,
            attempts: 0,
            refused: None,
        };
        leptos::task::spawn_local(async move {
            let id = record.id.clone();
            let result = crate::outbox::enqueue(record)
                .await
                .map(|()| id)
                .map_err(|e| match l {
                    Lang::Zh => format!("无法保存在本机：{e}"),
                    Lang::En => format!("Could not keep it on this device: {e}"),
                });
            if result.is_ok() {
                // A second tap must choose again, never file the same again.
                set_kind.set(None);
                set_text.set(String::new());
            }
            set_outcome.set(Some(result));
        });
    };
    view! {
        <details class="report">
            <summary>{lang.pick("报告信息有误", "Report a problem")}</summary>
            <form on:submit=submit novalidate>
                <label for="report-kind">{lang.pick("哪里不对", "What is wrong")}</label>
                <select
                    id="report-kind"
                    aria-describedby="report-status"
                    aria-invalid=move || (problem.get() == Some(ReportError::NoKind)).then_some("true")
                    on:change=move |ev| {
                        // A new answer clears the last check's marks.
                        set_problem.set(None);
                        let code = event_target_value(&ev);
                        set_kind.set(ReportKind::ALL.into_iter().find(|k| k.code() == code));
                    }
                >
                    <option value="" prop:selected=move || kind.get().is_none()>{lang.pick("请选择", "Choose")}</option>
                    {ReportKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.code() prop:selected=move || kind.get() == Some(k)>{kind_label(k, lang)}</option> })
                        .collect_view()}
                </select>
                <label for="report-text">
                    {match lang {
                        Lang::Zh => format!("说明（可选，最多 {MAX_TEXT_CHARS} 字；请不要写姓名或电话）"),
                        Lang::En => format!("Details (optional, up to {MAX_TEXT_CHARS} characters; no names or phone numbers, please)"),
                    }}
                </label>
                <textarea
                    id="report-text"
                    aria-describedby="report-status"
                    aria-invalid=move || {
                        problem
                            .get()
                            .is_some_and(|p| p != ReportError::NoKind)
                            .then_some("true")
                    }
                    rows="3"
                    maxlength=MAX_TEXT_CHARS
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        set_problem.set(None);
                        set_text.set(event_target_value(&ev));
                    }
                ></textarea>
                <button type="submit">{lang.pick("保存报告", "Save the report")}</button>
                <p
                    id="report-status"
                    class="report-status"
                    class:error=move || outcome.with(|o| matches!(o, Some(Err(_))))
                    role="status"
                    aria-live="polite"
                >
                    {move || outcome.get().map(|r| match (r, lang) {
                        (Ok(id), _) if crate::outbox::is_delivered(&id) => {
                            lang.pick("已送达区里，谢谢！", "Delivered to the district. Thank you!").to_owned()
                        }
                        (Ok(_), Lang::Zh) => "已保存在本机，正在发送给区里；没有网络时，联网后会自动发送（如已关闭邻里，则在下次打开时发送）。".to_owned(),
                        (Ok(_), Lang::En) => "Saved on this device and being sent to the district; with no connection, it is sent once you are online (or, if Linli was closed, the next time you open it).".to_owned(),
                        (Err(e), _) => e,
                    })}
                </p>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_checked_before_saving() {
        assert_eq!(check(Some(ReportKind::Hours), ""), Ok(ReportKind::Hours));
        assert_eq!(check(None, "门关了"), Err(ReportError::NoKind));
        assert_eq!(
            check(Some(ReportKind::Other), "  "),
            Err(ReportError::NeedsText)
        );
        let long = "长".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            check(Some(ReportKind::Price), &long),
            Err(ReportError::TooLong(MAX_TEXT_CHARS + 1))
        );
        assert!(ReportError::TooLong(501).describe(Lang::Zh).contains("501"));
    }

    #[test]
    fn ids_are_version_4_uuids_the_collector_reads() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4(*b"0123456789abcdef");
        assert_eq!(id, "30313233-3435-4637-b839-616263646566");
        let r = Report {
            id,
            facility_id: "110101-00001".to_owned(),
            kind: ReportKind::Closed,
            text: String::new(),
            created_at: "2026-11-27T10:00".to_owned(),
        };
        assert_eq!(linli_survey::report::validate_report(&r), Ok(()));
    }

    #[test]
    fn what_the_form_accepts_the_collector_accepts() {
        let texts = [
            "门口的牌子写着周日也开放",
            "",
            "   ",
            "电话应为 010-64012345",
            "电话应为 010-6401234",
            "电话是 138 0013 8000",
            "１３８００１３８０００",
            "身份证 11010119900307123X",
            "周一至周五 8:00-17:00，周六 9:00-12:00",
            "价格 2026 年起 15 元",
        ];
        let long = "长".repeat(MAX_TEXT_CHARS + 1);
        let kinds = [ReportKind::Other, ReportKind::Phone, ReportKind::Hours];
        for text in texts.iter().copied().chain([long.as_str()]) {
            for kind in kinds {
                let r = Report {
                    id: "7d0b1c56-0000-4000-8000-000000000000".to_owned(),
                    facility_id: "110101-00001".to_owned(),
                    kind,
                    text: text.trim().to_owned(),
                    created_at: "2026-11-27T10:00".to_owned(),
                };
                assert_eq!(
                    check(Some(kind), text).is_ok(),
                    linli_survey::report::validate_report(&r).is_ok(),
                    "{kind:?} {text:?}"
                );
            }
        }
        assert_eq!(
            check(Some(ReportKind::Phone), "电话应为 010-64012345"),
            Err(ReportError::LongNumber)
        );
    }
}
