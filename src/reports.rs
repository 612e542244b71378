//! "Report a problem" with a facility's data, kept on the device.
//!
//! Until the collector service accepts reports, each report is stored in
//! localStorage under `linli.reports` with its own id, and the page says so.
//! Nothing is ever dropped: a stored value that cannot be read is moved
//! aside under `linli.reports.unreadable` before anything new is written.

use crate::i18n::Lang;
use leptos::prelude::*;

const KEY: &str = "linli.reports";
const UNREADABLE_KEY: &str = "linli.reports.unreadable";

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
    /// The note is longer than [`MAX_TEXT_CHARS`].
    TooLong(usize),
    /// "Something else" needs a note.
    NeedsText,
}

impl ReportError {
    /// The message for the resident.
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
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
        }
    }
}

/// Checks a report before it is saved.
pub fn check(kind: ReportKind, text: &str) -> Result<(), ReportError> {
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(ReportError::TooLong(n));
    }
    if kind == ReportKind::Other && text.trim().is_empty() {
        return Err(ReportError::NeedsText);
    }
    Ok(())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The reports waiting on this device (browser adapter).
pub fn pending() -> Vec<Report> {
    storage()
        .and_then(|s| s.get_item(KEY).ok()?)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Adds `report` to the waiting list and returns how many wait; `Err` when
/// the device cannot store it (storage off or full).
pub fn save(report: Report) -> Result<usize, String> {
    let s = storage().ok_or("localStorage is not available")?;
    let stored = s.get_item(KEY).map_err(|_| "localStorage cannot be read")?;
    let mut list: Vec<Report> = match stored {
        None => Vec::new(),
        Some(text) => match serde_json::from_str(&text) {
            Ok(list) => list,
            Err(_) => {
                // Keep what cannot be read instead of overwriting it.
                s.set_item(UNREADABLE_KEY, &text)
                    .map_err(|_| "localStorage is full")?;
                Vec::new()
            }
        },
    };
    list.push(report);
    let text = serde_json::to_string(&list).map_err(|e| e.to_string())?;
    s.set_item(KEY, &text)
        .map_err(|_| "localStorage is full".to_owned())?;
    Ok(list.len())
}

/// A random UUID (version 4) from the browser's cryptographic generator.
pub fn new_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{:x}", js_sys::Date::now() as u64))
}

/// The "report a problem" form of a facility page.
#[component]
pub fn ReportForm(facility_id: String, lang: Lang) -> impl IntoView {
    let (kind, set_kind) = signal(ReportKind::Closed);
    let (text, set_text) = signal(String::new());
    let (outcome, set_outcome) = signal(None::<Result<usize, String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang;
        let (k, t) = (kind.get_untracked(), text.get_untracked());
        if let Err(e) = check(k, &t) {
            set_outcome.set(Some(Err(e.describe(l))));
            return;
        }
        let report = Report {
            id: new_id(),
            facility_id: facility_id.clone(),
            kind: k,
            text: t.trim().to_owned(),
            created_at: crate::num::ymd_hm(crate::data::beijing_now()),
        };
        let result = save(report).map_err(|e| match l {
            Lang::Zh => format!("无法保存在本机：{e}"),
            Lang::En => format!("Could not keep it on this device: {e}"),
        });
        if result.is_ok() {
            set_text.set(String::new());
        }
        set_outcome.set(Some(result));
    };
    view! {
        <details class="report">
            <summary>{lang.pick("报告信息有误", "Report a problem")}</summary>
            <form on:submit=submit novalidate>
                <label for="report-kind">{lang.pick("哪里不对", "What is wrong")}</label>
                <select
                    id="report-kind"
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        if let Some(k) = ReportKind::ALL.into_iter().find(|k| k.code() == code) {
                            set_kind.set(k);
                        }
                    }
                >
                    {ReportKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.code() selected=move || kind.get() == k>{kind_label(k, lang)}</option> })
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
                    rows="3"
                    maxlength=MAX_TEXT_CHARS
                    prop:value=move || text.get()
                    on:input=move |ev| set_text.set(event_target_value(&ev))
                ></textarea>
                <button type="submit">{lang.pick("保存报告", "Save the report")}</button>
                <p class="report-status" role="status" aria-live="polite">
                    {move || outcome.get().map(|r| match (r, lang) {
                        (Ok(n), Lang::Zh) => format!("已保存在本机，共 {n} 条等待发送。数据收集服务开通后会发送给区里。"),
                        (Ok(n), Lang::En) => format!("Kept on this device; {n} waiting. They will be sent to the district once the collection service is running."),
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
        assert_eq!(check(ReportKind::Hours, ""), Ok(()));
        assert_eq!(check(ReportKind::Other, "  "), Err(ReportError::NeedsText));
        let long = "长".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            check(ReportKind::Price, &long),
            Err(ReportError::TooLong(MAX_TEXT_CHARS + 1))
        );
        assert!(ReportError::TooLong(501).describe(Lang::Zh).contains("501"));
    }

    #[test]
    fn reports_round_trip_as_json() {
        let r = Report {
            id: "7d0b1c56-0000-4000-8000-000000000000".to_owned(),
            facility_id: "110101-00001".to_owned(),
            kind: ReportKind::Phone,
            text: "电话是空号".to_owned(),
            created_at: "2026-11-27T10:00".to_owned(),
        };
        let json = serde_json::to_string(std::slice::from_ref(&r)).unwrap();
        assert!(json.contains("\"kind\":\"phone\""), "{json}");
        let back: Vec<Report> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [r]);
    }
}
