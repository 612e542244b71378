//! The needs survey page (居民需求调查): consent first, then one question
//! per step, a draft saved on the device after every answer, and the
//! answers sent through the outbox.
//!
//! The questions, their choices and every rule come from `linli_survey`,
//! the crate the collector validates with. A draft lives in localStorage
//! (`linli.survey.draft`) with the UUID made when the survey started, so it
//! survives a reload and a browser restart, and it is edited in one tab at
//! a time (the Web Locks API). No name, phone number, ID number, address or
//! position is asked for.

use leptos::prelude::*;
use linli_facilities::model::ServiceFunction;
use linli_facilities::places::Place;
use linli_survey::questionnaire::{
    AGE_BANDS, MAX_COMMENT_CHARS, MAX_PER_BAND, PAY_BANDS, PRIORITY_LABELS, Step, TIMES,
    WALK_MINUTES, pay_scale,
};
use linli_survey::response::CommunityRef;
use linli_survey::{
    Household, Need, PayAnswer, Response, TimeNeed, VERSION, questionnaire, validate,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::i18n::{Lang, function_label};
use crate::picker::CommunityPicker;
use crate::prefs::storage;
use crate::reports::new_id;

const DRAFT_KEY: &str = "linli.survey.draft";
/// How long answers are kept before the scheduled deletion, in months; the
/// consent notice says so.
pub const RETENTION_MONTHS: u32 = 24;

/// A survey being filled in: the step on show and the answers so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Index into the questionnaire's steps.
    pub step: usize,
    /// The answers, with the UUID made when the survey started.
    pub response: Response,
    /// Whether the step on show was opened with "修改" from the review,
    /// which then offers the way straight back; kept with the draft so
    /// that a reload keeps it too.
    #[serde(default)]
    pub from_review: bool,
}

impl Draft {
    /// A new, empty survey with a fresh UUID.
    pub fn new(id: String) -> Draft {
        Draft {
            step: 0,
            from_review: false,
            response: Response {
                id,
                questionnaire: VERSION,
                consent: false,
                community: CommunityRef {
                    district_code: String::new(),
                    subdistrict: String::new(),
                    community: String::new(),
                },
                household: Household::default(),
                needs: Vec::new(),
                times: Vec::new(),
                pay: Vec::new(),
                walk_minutes: 0,
                comment: None,
            },
        }
    }
}

/// The fields a step asks for, as the validator names them.
fn step_fields(step: Step) -> &'static str {
    match step {
        Step::Consent => "consent",
        Step::Community => "community",
        Step::Household => "household",
        Step::Needs => "needs",
        Step::Times => "times",
        Step::Pay => "pay",
        Step::Walk => "walk_minutes",
        Step::Comment => "comment",
    }
}

/// The field of the first problem on `step` (`needs[1].priority`), if any.
fn first_problem(response: &Response, step: Step) -> Option<String> {
    validate(response)
        .err()?
        .into_iter()
        .map(|e| e.field)
        .find(|field| field.starts_with(step_fields(step)))
}

/// The kind of the step's first problem: its field with list positions
/// left out (`needs[].priority`), so that answering one of several alike
/// problems keeps the kind, and answering the last of one kind does not
/// bring up the next kind at once.
pub fn problem_kind(response: &Response, step: Step) -> Option<String> {
    let field = first_problem(response, step)?;
    let mut in_brackets = false;
    Some(
        field
            .chars()
            .filter(|&c| {
                in_brackets = (in_brackets || c == '[') && c != ']';
                !in_brackets || c == '['
            })
            .collect(),
    )
}

/// The id of the first field at fault on `step`: where the focus goes after
/// a refused "Next", marked invalid and described by the step's problem.
/// `None` when the step is complete, or when its fault has no one field
/// (the community, chosen in several ways): the step's heading, which the
/// problem describes too, takes the focus then.
pub fn fault_field(response: &Response, step: Step) -> Option<String> {
    let field = first_problem(response, step)?;
    let field = field.as_str();
    let index =
        |field: &str| -> Option<usize> { field.split_once('[')?.1.split_once(']')?.0.parse().ok() };
    Some(match step {
        Step::Consent => "survey-consent".to_owned(),
        Step::Community => return None,
        // A band over the limit, or the first band when nobody is counted.
        Step::Household => {
            let band = field
                .strip_prefix("household.")
                .and_then(|code| AGE_BANDS.iter().position(|&(c, _, _)| c == code));
            format!("hh-{}", band.unwrap_or(0))
        }
        // An unrated need's priority, or the first service when none is
        // ticked.
        Step::Needs => match index(field).and_then(|i| response.needs.get(i)) {
            Some(need) => format!("prio-{}", need.function.code()),
            None => format!("need-{}", ServiceFunction::ALL[0].code()),
        },
        Step::Times => format!("time-{}", TIMES[0].0),
        Step::Pay => {
            let need = index(field).and_then(|i| response.pay.get(i))?;
            format!("pay-{}", need.function.code())
        }
        Step::Walk => format!("walk-{}", WALK_MINUTES[0]),
        Step::Comment => "survey-comment".to_owned(),
    })
}

/// Where the fault whose focus goes to the field `focus` is marked: the
/// field itself, or, where the fault is the group's (no time, no walk, no
/// service ticked), the group, so that no one choice reads as wrong; and
/// whether the mark may say invalid (a radio group may; a group of boxes
/// and a list only take the problem as their description).
pub fn fault_mark(focus: &str) -> (&str, bool) {
    match focus.split_once('-') {
        Some(("time", _)) => ("survey-times", false),
        Some(("walk", _)) => ("survey-walk", true),
        Some(("need", _)) => ("survey-needs", false),
        _ => (focus, true),
    }
}

/// Marks where the fault of the field `focus` is (see [`fault_mark`]):
/// `aria-invalid` where allowed, described by the step's problem; or clears
/// that mark.
fn set_fault_mark(focus: Option<&str>, at_fault: bool) {
    let Some((id, invalid)) = focus.map(fault_mark) else {
        return;
    };
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    // The problem first, before any description the field has of its own
    // (the comment's room left), which stays.
    const PROBLEM: &str = "survey-step-problem";
    let own: Vec<String> = el
        .get_attribute("aria-describedby")
        .unwrap_or_default()
        .split_whitespace()
        .filter(|id| *id != PROBLEM)
        .map(str::to_owned)
        .collect();
    let described = if at_fault {
        if invalid {
            let _ = el.set_attribute("aria-invalid", "true");
        }
        std::iter::once(PROBLEM.to_owned())
            .chain(own)
            .collect::<Vec<_>>()
    } else {
        let _ = el.remove_attribute("aria-invalid");
        own
    };
    let _ = if described.is_empty() {
        el.remove_attribute("aria-describedby")
    } else {
        el.set_attribute("aria-describedby", &described.join(" "))
    };
}

/// Scrolls the field at fault, just focused, into the middle of the
/// screen unless it is already in sight below the step's problem, which
/// stays at the top of the screen while there is one (`position: sticky`):
/// the field then never lies under the problem, and both are in sight (a
/// priority far down the list of services had been focused with its
/// problem off screen above it).
fn show_below_problem(el: &web_sys::HtmlElement) {
    let win = window();
    let Some(height) = win.inner_height().ok().and_then(|h| h.as_f64()) else {
        return;
    };
    let clear_of = document()
        .get_element_by_id("survey-step-problem")
        .map_or(0.0, |p| p.get_bounding_client_rect().bottom().max(0.0));
    let r = el.get_bounding_client_rect();
    if r.top() >= clear_of && r.bottom() <= height {
        return;
    }
    let room = (height - clear_of).max(0.0);
    let to = clear_of + ((room - r.height()) / 2.0).max(0.0);
    win.scroll_by_with_x_and_y(0.0, r.top() - to);
}

/// Keeps the page's `scroll-padding-top` at the height of the element of
/// `line` for as long as it is drawn: a `ResizeObserver` sees every change
/// of its box (its text, the text size, a rotated phone), and it is
/// removed with the element. Set through the CSS object model: the content
/// security policy refuses `style` attributes.
fn keep_clear_of(line: NodeRef<leptos::html::P>) {
    line.on_load(move |p| {
        let element: web_sys::Element = p.unchecked_into();
        let measured = element.clone();
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
            set_scroll_padding_top(measured.get_bounding_client_rect().height());
        });
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&element);
        let kept = send_wrapper::SendWrapper::new((observer, on_resize));
        on_cleanup(move || {
            kept.0.disconnect();
            set_scroll_padding_top(0.0);
        });
    });
}

/// Sets the page's `scroll-padding-top` to `px` CSS pixels (and a margin),
/// or removes it for 0.
fn set_scroll_padding_top(px: f64) {
    let Some(root) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let style = root.style();
    let _ = if px > 0.0 {
        style.set_property("scroll-padding-top", &format!("{}px", (px + 8.0).round()))
    } else {
        style.remove_property("scroll-padding-top").map(drop)
    };
}

/// What is still wrong on `step`, as a sentence for the resident that
/// names the field where there are several; `None` when the step is
/// complete.
pub fn step_problem(response: &Response, step: Step, lang: Lang) -> Option<String> {
    let errors = validate(response).err()?;
    let prefix = step_fields(step);
    if !errors.iter().any(|e| e.field.starts_with(prefix)) {
        return None;
    }
    let join = |names: Vec<&str>| names.join(lang.pick("、", ", "));
    match step {
        Step::Household => {
            let over: Vec<&str> = AGE_BANDS
                .iter()
                .zip(response.household.counts())
                .filter(|(_, n)| *n > MAX_PER_BAND)
                .map(|(&(_, zh, en), _)| lang.pick(zh, en))
                .collect();
            if !over.is_empty() {
                return Some(match lang {
                    Lang::Zh => format!(
                        "每个年龄段最多 {MAX_PER_BAND} 人，请改一下：{}。",
                        join(over)
                    ),
                    Lang::En => format!(
                        "At most {MAX_PER_BAND} per age band; please change: {}.",
                        join(over)
                    ),
                });
            }
        }
        Step::Needs => {
            let unrated: Vec<&str> = response
                .needs
                .iter()
                .filter(|n| n.priority == NO_PRIORITY)
                .map(|n| function_label(n.function, lang))
                .collect();
            if !unrated.is_empty() {
                return Some(match lang {
                    Lang::Zh => format!("请为这些服务选择迫切程度：{}。", join(unrated)),
                    Lang::En => format!("Please say how much you need: {}.", join(unrated)),
                });
            }
        }
        Step::Comment => {
            if let Some(c) = &response.comment {
                let n = c.chars().count();
                if n > MAX_COMMENT_CHARS {
                    return Some(match lang {
                        Lang::Zh => format!("意见最多 {MAX_COMMENT_CHARS} 字，现在有 {n} 字。"),
                        Lang::En => {
                            format!("At most {MAX_COMMENT_CHARS} characters; this has {n}.")
                        }
                    });
                }
            }
        }
        _ => {}
    }
    Some(
        match step {
            Step::Consent => lang.pick(
                "请阅读说明并勾选“同意”。",
                "Please read the notice and tick “I agree”.",
            ),
            Step::Community => lang.pick(
                "请选择您居住的社区。",
                "Please choose the community you live in.",
            ),
            Step::Household => lang.pick(
                "请至少填写一位家庭成员。",
                "Please count at least one household member.",
            ),
            Step::Needs if response.needs.is_empty() => lang.pick(
                "请至少选择一项需要的服务。",
                "Please choose at least one service.",
            ),
            Step::Needs => lang.pick(
                "请为每项勾选的服务选择迫切程度。",
                "Please say how much you need each service you ticked.",
            ),
            Step::Times => lang.pick("请至少选择一个时间段。", "Please choose at least one time."),
            Step::Pay => lang.pick("请检查付费意愿。", "Please check the amounts."),
            Step::Walk => lang.pick("请选择能接受的步行时间。", "Please choose a walking time."),
            Step::Comment => lang.pick(
                "意见里不能有电话号码或身份证号，请删去。",
                "Please take out the phone or ID number: the survey must not hold one.",
            ),
        }
        .to_owned(),
    )
}

fn load_draft() -> Option<Draft> {
    let draft: Draft = serde_json::from_str(&storage()?.get_item(DRAFT_KEY).ok()??).ok()?;
    Some(upgraded(draft))
}

/// A draft begun on another version of the questionnaire keeps its
/// answers, now for this version, and starts again at the notice, to be
/// agreed to again, so that the resident goes through every question as
/// they are now; an answer that no longer fits is then asked for again.
fn upgraded(mut draft: Draft) -> Draft {
    if draft.response.questionnaire != VERSION {
        draft.response.questionnaire = VERSION;
        draft.step = 0;
        // The notice may have changed: agreed to again.
        draft.response.consent = false;
    }
    draft
}

/// Stores the draft (or, with `None`, forgets it); false when the device
/// could not store it.
fn save_draft(draft: Option<&Draft>) -> bool {
    let Some(storage) = storage() else {
        return false;
    };
    match draft.map(serde_json::to_string) {
        Some(Ok(text)) => storage.set_item(DRAFT_KEY, &text).is_ok(),
        Some(Err(_)) => false,
        None => storage.remove_item(DRAFT_KEY).is_ok(),
    }
}

/// Where the ids of refused answers taken back into the draft are kept
/// until they have left the outbox.
const TAKEN_KEY: &str = "linli.survey.taken";

fn taken_back() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(TAKEN_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn set_taken_back(ids: &[String]) {
    if let Some(s) = storage() {
        let _ = if ids.is_empty() {
            s.remove_item(TAKEN_KEY)
        } else {
            s.set_item(TAKEN_KEY, &serde_json::to_string(ids).unwrap_or_default())
        };
    }
}

/// Removes the answers taken back from the outbox (again, after a failed
/// write or a tab closed before it), and gives the ids still there, which
/// are never offered again.
async fn clear_taken_back() -> Vec<String> {
    let taken = taken_back();
    let mut still = Vec::new();
    for id in &taken {
        if crate::outbox::remove(id).await.is_err() {
            still.push(id.clone());
        }
    }
    if still.len() != taken.len() {
        set_taken_back(&still);
    }
    still
}

/// Where this page stands with the draft lock ([`with_draft_lock`]).
enum DraftLock {
    /// Not asked for yet, or refused last time (another tab may have
    /// closed since).
    Free,
    /// Asked for; these wait for the browser's answer.
    Asking(Vec<Box<dyn Fn(bool)>>),
    /// Held by this page until it goes.
    Held,
}

thread_local! {
    static DRAFT_LOCK: std::cell::RefCell<DraftLock> = const { std::cell::RefCell::new(DraftLock::Free) };
}

/// Tells `on_result` whether this tab may edit the draft: it takes the
/// draft lock with the Web Locks API once per page and holds it while the
/// page lives, so that the survey drawn again in this tab (a language
/// switch, or the finder and back) keeps it; `false` when another tab
/// holds it, and asked again the next time. Browsers without the API get
/// `true`.
fn with_draft_lock(on_result: impl Fn(bool) + 'static) {
    if DRAFT_LOCK.with_borrow(|state| matches!(state, DraftLock::Held)) {
        on_result(true);
        return;
    }
    let ask = DRAFT_LOCK.with_borrow_mut(|state| match state {
        DraftLock::Asking(waiting) => {
            waiting.push(Box::new(on_result));
            false
        }
        _ => {
            *state = DraftLock::Asking(vec![Box::new(on_result)]);
            true
        }
    });
    if ask {
        request_draft_lock();
    }
}

/// The browser's answer to the lock request: every waiting survey hears it.
fn draft_lock_answered(held: bool) {
    let next = if held {
        DraftLock::Held
    } else {
        DraftLock::Free
    };
    let state = DRAFT_LOCK.with_borrow_mut(|state| std::mem::replace(state, next));
    if let DraftLock::Asking(waiting) = state {
        for on_result in waiting {
            on_result(held);
        }
    }
}

fn request_draft_lock() {
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined());
    let request = locks.as_ref().and_then(|locks| {
        js_sys::Reflect::get(locks, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        draft_lock_answered(true);
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &true.into());
    let callback = Closure::once_into_js(move |lock: wasm_bindgen::JsValue| {
        if lock.is_null() {
            draft_lock_answered(false);
            wasm_bindgen::JsValue::UNDEFINED
        } else {
            draft_lock_answered(true);
            // Never settles: the lock is held until the page goes.
            js_sys::Promise::new(&mut |_, _| {}).into()
        }
    });
    if request
        .call3(&locks, &"linli-survey-draft".into(), &options, &callback)
        .is_err()
    {
        draft_lock_answered(true);
    }
}

/// The survey page.
#[component]
pub fn SurveyPage(
    manifest_url: String,
    lang: Lang,
    on_close: impl Fn() + Send + Sync + Clone + 'static,
) -> impl IntoView {
    crate::set_title(Some(lang.pick("需求调查", "Needs survey")), lang);
    crate::finder::take_focus_request();
    let draft = RwSignal::new(load_draft().unwrap_or_else(|| Draft::new(new_id())));
    let (lock, set_lock) = signal(None::<bool>);
    // A drawing of the survey replaced before the browser answers (a
    // language switch) hears the answer after it is gone.
    with_draft_lock(move |ok| {
        let _ = set_lock.try_set(Some(ok));
    });
    // Saved after every answer.
    Effect::new(move |_| {
        draft.with(|d| save_draft(Some(d)));
    });
    // The submitted answers' id, or why they could not be queued.
    let (outcome, set_outcome) = signal(None::<Result<String, String>>);
    // The kind of problem shown (`problem_kind`): from a refused "Next" (or
    // submit) until the step changes. What it says follows the answers, so
    // it goes as soon as the answer is there; a problem of another kind,
    // which an answer can bring (a service ticked has no priority yet), is
    // said at the next "Next", not while the resident is still answering.
    let (checked, set_checked) = signal(None::<String>);
    // Each refusal, counted: the focus goes to the field at fault each
    // time, so that pressing "Next" again is never silent.
    let (refusals, set_refusals) = signal(0_u32);
    let steps = questionnaire();
    // The step alone, not the answers: the step's fields are drawn again
    // only when the step changes, never on an answer (which would close the
    // community picker and lose the focus).
    let step_index = Memo::new(move |_| draft.with(|d| d.step).min(steps.len() - 1));
    let step = move || steps[step_index.get()];
    let check_now = move || {
        set_checked.set(Some(
            draft
                .with_untracked(|d| problem_kind(&d.response, steps[step_index.get_untracked()]))
                .unwrap_or_default(),
        ));
    };
    // Whether the problem there is now is of the kind checked (read by the
    // problem's line and by the field at fault).
    let same_kind = Memo::new(move |_| {
        checked.with(|kind| {
            kind.as_deref().is_some_and(|kind| {
                draft.with(|d| problem_kind(&d.response, step()).as_deref() == Some(kind))
            })
        })
    });
    let refuse = move || {
        check_now();
        set_refusals.update(|n| *n += 1);
    };
    // Answers the collector refused, taken back into the draft: the step
    // its reasons point to, and the reasons, said on that step until the
    // answers are submitted again.
    let (returned_reason, set_returned_reason) = signal(None::<(usize, String)>);
    let local_problem = move || {
        same_kind
            .get()
            .then(|| draft.with(|d| step_problem(&d.response, step(), lang)))
            .flatten()
    };
    // The field at fault while the problem is shown: marked invalid and
    // described by the problem (set on the element itself, once the step's
    // fields are drawn), and focused after each refusal.
    let fault = Memo::new(move |_| {
        same_kind
            .get()
            .then(|| draft.with(|d| fault_field(&d.response, step())))
            .flatten()
    });
    Effect::new(move |marked: Option<Option<String>>| {
        let now = fault.get();
        let (was, mark) = (marked.flatten(), now.clone());
        crate::after_next_paint(move || {
            set_fault_mark(was.as_deref(), false);
            set_fault_mark(mark.as_deref(), true);
        });
        now
    });
    Effect::new(move |_| {
        if refusals.get() == 0 {
            return;
        }
        let target = fault.get_untracked();
        crate::after_next_paint(move || {
            let by_id = |id: &str| {
                document()
                    .get_element_by_id(id)
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            };
            if let Some(el) = target
                .as_deref()
                .and_then(by_id)
                .or_else(|| by_id("survey-step-heading"))
            {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = el.focus_with_options(&options);
                show_below_problem(&el);
            }
        });
    });
    // The step's own problem, or else the collector's reasons on the step
    // they point to (in English, marked so).
    let shown_problem = move || {
        if let Some(problem) = local_problem() {
            return problem.into_any();
        }
        returned_reason
            .with(|r| {
                let (_, reason) = r.as_ref().filter(|(at, _)| *at == step_index.get())?;
                let reason = reason.clone();
                Some(view! {
                    {lang.pick(
                        "区里的服务器没有接收这份答卷，请修改这一步后重新提交。服务器的说明（英文）：",
                        "The district's server did not accept these answers: please change this step and submit again. The server said: ",
                    )}
                    <span lang="en">{reason}</span>
                })
            })
            .into_any()
    };
    // While the problem line stays at the top of the screen, the page
    // scrolls fields that take the focus (Tab, Shift+Tab) to below it,
    // not under it: the root's `scroll-padding-top` follows the line's
    // height (`keep_clear_of`), whatever the text size or the screen's
    // width, and is 0 while there is no problem (the empty line is not
    // drawn).
    let problem_line = NodeRef::<leptos::html::P>::new();
    keep_clear_of(problem_line);
    // The first of this device's survey answers that the collector
    // refused for good, looked for again after each pass of the sender.
    let returned = RwSignal::new(None::<(String, String, Response)>);
    let waiting = use_context::<RwSignal<crate::outbox::Waiting>>();
    Effect::new(move |_| {
        if let Some(w) = waiting {
            w.track();
        }
        leptos::task::spawn_local(async move {
            let taken = clear_taken_back().await;
            let first = crate::outbox::refused_surveys()
                .await
                .ok()
                .and_then(|list| {
                    list.into_iter()
                        .filter(|r| !taken.contains(&r.id))
                        .find_map(|r| {
                            let response = serde_json::from_str::<Response>(&r.body).ok()?;
                            Some((r.id, r.refused?, response))
                        })
                });
            let _ = returned.try_set(first);
        });
    });
    let blank = move || {
        draft.with(|d| d.step == 0 && d.response == Draft::new(d.response.id.clone()).response)
    };
    // How many of the survey's history entries come before the one on
    // show, to tell Back from Forward.
    let shown_depth = StoredValue::new(history::entry().map_or(0, |e| e.depth));
    let show_step = move |n: usize| {
        set_checked.set(None);
        draft.update(|d| d.step = n.min(steps.len() - 1));
        crate::focus_when_drawn("#survey-step-heading");
    };
    // "Next" makes a history entry, so that the browser's Back button (an
    // Android phone's back gesture) goes to the step before rather than out
    // of the survey; "Back" goes back through those entries where it can.
    // The step a move to `target` from `from` shows ([`step_after_history`]
    // with the answers as they are).
    let reach = move |target: usize, from: usize| {
        draft.with_untracked(|d| {
            step_after_history(target, from, |s| {
                steps
                    .get(s)
                    .is_some_and(|&s| step_problem(&d.response, s, lang).is_none())
            })
        })
    };
    // The step "上一步" goes to, while the browser goes back through the
    // entries to it (see the popstate listener).
    let stepping_back = StoredValue::new(None::<usize>);
    let go = move |delta: isize| {
        let from = draft.with_untracked(|d| d.step);
        if delta > 0 {
            if draft
                .with(|d| step_problem(&d.response, step(), lang))
                .is_some()
            {
                refuse();
                return;
            }
            show_step(from + 1);
            if let Some(depth) = history::push_step(from, draft.with_untracked(|d| d.step)) {
                shown_depth.set_value(depth);
            }
        } else {
            let want = from.saturating_sub(1);
            stepping_back.set_value(Some(want));
            if !history::back_to_step_before(from) {
                stepping_back.set_value(None);
                show_step(want);
            }
        }
    };
    // "修改" on the review opens that step in the review's history entry,
    // which then says that step; "返回核对页" goes straight back to the
    // review in the same way, stopping at a step that an answer changed
    // since has left incomplete (a service added needs its price), which
    // says its problem. The entries before need not then be the steps
    // before: "上一步" still goes to the step before (see the popstate
    // listener), and the browser's Back to the entry before.
    let from_review = move || draft.with(|d| d.from_review);
    // Back at the review (by any way), the way straight back is done.
    Effect::new(move |_| {
        if step_index.get() + 1 == steps.len() && draft.with_untracked(|d| d.from_review) {
            draft.update(|d| d.from_review = false);
        }
    });
    let change = Callback::new(move |asked_at: Step| {
        let Some(to) = steps.iter().position(|&s| s == asked_at) else {
            return;
        };
        draft.update(|d| d.from_review = true);
        show_step(to);
        history::replace_step(to, shown_depth.get_value());
    });
    let to_review = move || {
        let from = draft.with_untracked(|d| d.step);
        let last = steps.len() - 1;
        let to = reach(last, from);
        if to != from {
            show_step(to);
            history::replace_step(to, shown_depth.get_value());
        }
        // Back at the review, the focus is where it left it: on the
        // 修改 of the answer just changed.
        if to == last {
            crate::focus_when_drawn(format!(
                ".review button[data-step=\"{}\"]",
                step_fields(steps[from])
            ));
        }
        if to == last {
            set_checked.set(None);
        } else {
            refuse();
        }
    };
    // The browser's Back and Forward within the survey's entries: Back
    // shows the step of the entry it reaches, passing entries that would
    // show no other step (a step made again after a refusal); Forward only
    // across complete steps, and an entry it cannot reach is set to the
    // step on show, whose problem is then said. The thanks for sent
    // answers stay (the next household starts from the first step), and
    // only the tab that holds the draft moves it.
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        let thanks = outcome.with_untracked(|o| matches!(o, Some(Ok(_))));
        if thanks || lock.get_untracked() != Some(true) {
            return;
        }
        let Some(entry) = history::entry() else {
            return;
        };
        let back = entry.depth < shown_depth.get_value();
        shown_depth.set_value(entry.depth);
        let from = draft.with_untracked(|d| d.step);
        if back {
            // "上一步": entries of later steps are passed; the first that
            // is not (or the survey's first entry) shows the step before,
            // and says so.
            let want = stepping_back
                .get_value()
                .or_else(|| (entry.step >= from && entry.depth == 0 && from > 0).then(|| from - 1));
            match want {
                Some(want) if entry.step > want && entry.depth > 0 => history::back(),
                Some(want) => {
                    stepping_back.set_value(None);
                    show_step(want);
                    if entry.step != want {
                        history::replace_step(want, entry.depth);
                    }
                }
                // The browser's Back: the step of the entry reached, past
                // entries that would show no other step (a step made again
                // after a refusal).
                None if entry.step < from => show_step(entry.step),
                None if entry.depth > 0 => history::back(),
                None => {}
            }
            return;
        }
        stepping_back.set_value(None);
        let to = reach(entry.step, from);
        if to != from {
            show_step(to);
        }
        if to != entry.step {
            history::replace_step(to, entry.depth);
            refuse();
        }
    });
    on_cleanup(move || popstate.remove());
    // Takes refused answers back into the draft (only a blank one, so
    // that nothing being filled in is lost) at the step the collector's
    // reasons point to; they leave the outbox once the draft holds them.
    // They get a new id: the collector stored nothing under the old one,
    // or something else (its 409).
    let take_back = move || {
        let Some((id, reason, mut response)) = returned.get_untracked() else {
            return;
        };
        if !blank() {
            return;
        }
        response.id = new_id();
        // Answers of another questionnaire version start again at the
        // notice, as a draft of one does.
        let taken = upgraded(Draft {
            step: refused_step(&reason, &steps),
            response,
            from_review: false,
        });
        // Only once the draft is stored do the answers leave the outbox;
        // until they have left, their id is kept as taken back.
        if !save_draft(Some(&taken)) {
            return;
        }
        let mut ids = taken_back();
        ids.push(id);
        set_taken_back(&ids);
        let at = taken.step;
        draft.set(taken);
        set_returned_reason.set(Some((at, reason)));
        set_outcome.set(None);
        returned.set(None);
        history::replace_step(at, shown_depth.get_value());
        leptos::task::spawn_local(async move {
            clear_taken_back().await;
            // The header's count follows.
            crate::outbox::kick();
        });
        crate::focus_when_drawn("#survey-step-heading");
    };
    let returned_notice = move || {
        returned.with(|r| r.as_ref().map(|(_, reason, _)| reason.clone())).map(|reason| {
            view! {
                <div class="returned" role="status">
                    <p>{lang.pick(
                        "这台设备上有一份已提交的答卷没有被区里的服务器接收，答卷仍保存在本机。",
                        "Answers sent from this device were not accepted by the district's server; they are still kept on this device.")}</p>
                    <p>{lang.pick("服务器的说明（英文）：", "The server said: ")}<span lang="en">{reason}</span></p>
                    {move || if blank() {
                        view! {
                            <button type="button" class="take-back" on:click=move |_| take_back()>
                                {lang.pick("取回答卷，修改后重新提交", "Take the answers back to change and send again")}
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <p>{lang.pick(
                                "请先提交正在填写的这份问卷（或把它填完），之后就可以取回那份答卷修改。",
                                "Submit the survey you are filling in first; then you can take those answers back to change them.")}</p>
                        }.into_any()
                    }}
                </div>
            }
        })
    };
    let submit = move || {
        set_returned_reason.set(None);
        let response = draft.with(|d| d.response.clone());
        if let Err(errors) = validate(&response) {
            let Some(first) = steps
                .iter()
                .position(|&s| errors.iter().any(|e| e.field.starts_with(step_fields(s))))
            else {
                // Nothing a step asks for (the survey's id, say): said as
                // it is, rather than a step with nothing to change.
                let fields: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect();
                set_outcome.set(Some(Err(match lang {
                    Lang::Zh => format!("答卷未能提交（{}）。您的回答仍保存在本机。", fields.join("；")),
                    Lang::En => format!("The answers could not be submitted ({}). They are still kept on this device.", fields.join("; ")),
                })));
                return;
            };
            draft.update(|d| d.step = first);
            // The entry on show says so; Back passes the entries of the
            // steps after it.
            history::replace_step(first, shown_depth.get_value());
            refuse();
            return;
        }
        let Ok(body) = serde_json::to_string(&response) else {
            return;
        };
        let record = crate::outbox::Record {
            id: response.id.clone(),
            path: crate::outbox::SURVEYS_PATH.to_owned(),
            body,
            attempts: 0,
            refused: None,
        };
        leptos::task::spawn_local(async move {
            // The draft stays when the outbox cannot take the answers (a
            // full disk, storage turned off), and the resident is told so.
            let id = record.id.clone();
            let result = crate::outbox::enqueue(record).await.map(|()| id).map_err(|e| match lang {
                Lang::Zh => format!("答卷没能存入本机的发送队列（{e}）。您的回答仍保存在本机，请稍后再点“提交”。"),
                Lang::En => format!("Your answers could not be put in this device's queue for sending ({e}). They are still kept on this device; please press “Submit” again later."),
            });
            if result.is_ok() {
                // Offered to the next household, as staff going from door
                // to door in one community would want it.
                LAST_COMMUNITY.with(|c| c.replace(Some(response.community.clone())));
                // Back from the thanks leaves the survey, past the sent
                // answers' steps.
                history::rewind_steps();
                shown_depth.set_value(0);
                let _ = save_draft(None);
                draft.set(Draft::new(new_id()));
                // The next household starts without the last one's problem.
                set_checked.set(None);
                // The form goes: the focus goes to the thanks that replace
                // it, so that a keyboard or screen reader user is not left
                // at the page's start.
                crate::focus_when_drawn("#survey-thanks");
            }
            set_outcome.set(Some(result));
        });
    };
    let close = on_close.clone();
    view! {
        <section class="survey" aria-labelledby="survey-heading">
            <button type="button" class="back" on:click=move |_| close()>
                <span aria-hidden="true">"← "</span>{lang.pick("返回查找", "Back to the finder")}
            </button>
            <h2 id="survey-heading" tabindex="-1">{lang.pick("社区服务需求调查", "Community service needs survey")}</h2>
            // Only the tab that holds the draft can take answers back.
            {move || (lock.get() == Some(true)).then(returned_notice).flatten()}
            {move || match lock.get() {
                Some(false) => view! {
                    <p class="error" role="alert">
                        {lang.pick("这份问卷正在另一个标签页中填写。请在那里继续，或关闭那个标签页后刷新本页。",
                            "This survey is open in another tab. Continue there, or close that tab and reload this page.")}
                    </p>
                }.into_any(),
                None => view! { <p class="loading" role="status">{lang.pick("正在准备问卷…", "Preparing the survey…")}</p> }.into_any(),
                Some(true) => match outcome.get() {
                    Some(Ok(id)) => view! {
                        // The status is the sentence alone: its button is
                        // not read as part of it.
                        <div class="thanks">
                            <p id="survey-thanks" role="status" tabindex="-1">{move || if crate::outbox::is_delivered(&id) {
                                lang.pick("谢谢！您的答卷已送达区里。", "Thank you! Your answers have reached the district.")
                            } else if crate::outbox::is_refused(&id) {
                                lang.pick("区里的服务器没有接收这份答卷，答卷仍保存在本机，见上方说明。",
                                    "The district's server did not accept these answers; they are still kept on this device (see above).")
                            } else {
                                lang.pick("谢谢！您的答卷已保存在本机，正在发送给区里；没有网络时，联网后会自动发送（如已关闭邻里，则在下次打开时发送）。",
                                    "Thank you! Your answers are saved on this device and being sent to the district; with no connection, they are sent once you are online (or, if Linli was closed, the next time you open it).")
                            }}</p>
                            <button type="button" on:click=move |_| {
                                set_outcome.set(None);
                                crate::focus_when_drawn("#survey-step-heading");
                            }>
                                {lang.pick("再填一份（另一户）", "Fill in another (another household)")}
                            </button>
                        </div>
                    }.into_any(),
                    other => {
                        let manifest_url = manifest_url.clone();
                        view! {
                            {other.and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            <p class="progress" id="survey-progress">
                                {move || match lang {
                                    Lang::Zh => format!("第 {} 步，共 {} 步", draft.with(|d| d.step) + 1, steps.len()),
                                    Lang::En => format!("Step {} of {}", draft.with(|d| d.step) + 1, steps.len()),
                                }}
                            </p>
                            // Above the step, not below its fields: on a
                            // phone the keyboard that the focused field
                            // brings up would cover it there.
                            <p class="step-problem" id="survey-step-problem" role="status" node_ref=problem_line>{shown_problem}</p>
                            <form
                                class="survey-step"
                                on:submit=move |ev| ev.prevent_default()
                                // The comment is checked when it is left,
                                // not only on 提交: a phone number typed
                                // in it is said at once (and the focus
                                // stays where the resident took it).
                                on:change=move |ev| {
                                    if event_target::<web_sys::Element>(&ev).id() == "survey-comment" {
                                        check_now();
                                    }
                                }
                                novalidate
                            >
                                {move || step_view(step(), draft, lang, manifest_url.clone(), change)}
                                <div class="survey-nav">
                                    <Show when=move || draft.with(|d| d.step > 0)>
                                        <button type="button" class="prev" on:click=move |_| go(-1)>
                                            {lang.pick("上一步", "Back")}
                                        </button>
                                    </Show>
                                    // After a "修改" from the review, straight
                                    // back to it, past the steps in between.
                                    <Show when=move || from_review() && draft.with(|d| d.step + 1 < steps.len())>
                                        <button type="button" class="to-review" on:click=move |_| to_review()>
                                            {lang.pick("返回核对页", "Back to your answers")}
                                        </button>
                                    </Show>
                                    <Show
                                        when=move || draft.with(|d| d.step + 1 < steps.len())
                                        fallback=move || view! {
                                            <button type="button" class="submit" on:click=move |_| submit()>
                                                {lang.pick("提交", "Submit")}
                                            </button>
                                        }
                                    >
                                        <button type="button" class="next" on:click=move |_| go(1)>
                                            {lang.pick("下一步", "Next")}
                                        </button>
                                    </Show>
                                </div>
                            </form>
                        }.into_any()
                    }
                },
            }}
        </section>
    }
}

/// The step that refused answers open at: the first of `steps` that a
/// field in the collector's `reason` belongs to (`HTTP 422: field: why;
/// field: why`), or the last step when none does (the answers' id or
/// questionnaire version), where they are submitted again.
fn refused_step(reason: &str, steps: &[Step]) -> usize {
    let reasons = reason.split_once(": ").map_or(reason, |(_, rest)| rest);
    let fields: Vec<&str> = reasons
        .split("; ")
        .filter_map(|r| r.split_once(": ").map(|(field, _)| field))
        .collect();
    steps
        .iter()
        .position(|&s| fields.iter().any(|f| f.starts_with(step_fields(s))))
        .unwrap_or(steps.len() - 1)
}

/// The step a move through the browser's history to `target` shows, from
/// `current`: any earlier step, but a later one only across steps that
/// are `complete` (an answer changed since can leave a later step out of
/// reach, as "Next" would).
fn step_after_history(target: usize, current: usize, complete: impl Fn(usize) -> bool) -> usize {
    if target <= current {
        return target;
    }
    (current..target).find(|&s| !complete(s)).unwrap_or(target)
}

/// The survey's steps as entries of the browser's history: each entry of
/// the survey's URL carries its step and how many of the survey's entries
/// come before it (`depth`), in the entry's state object, so that the URL
/// (the finder's state) stays as it is.
mod history {
    use wasm_bindgen::JsValue;

    const STEP: &str = "linliSurveyStep";
    const DEPTH: &str = "linliSurveyDepth";

    /// A history entry of the survey.
    #[derive(Clone, Copy)]
    pub struct Entry {
        pub step: usize,
        pub depth: usize,
    }

    fn history() -> Option<web_sys::History> {
        use crate::url_state::{FinderState, Page, current_query};
        // Only on the survey's own URL: a write on the finder's entry (its
        // URL not yet written) would tie a step to the finder.
        (FinderState::from_query(&current_query()).page == Page::Survey).then_some(())?;
        web_sys::window()?.history().ok()
    }

    fn read(state: &JsValue, key: &str) -> Option<usize> {
        let n = js_sys::Reflect::get(state, &key.into()).ok()?.as_f64()?;
        (n >= 0.0 && n.fract() == 0.0 && n < 1e6).then_some(n as usize)
    }

    /// The step and depth of the entry shown, if it is one of the survey's.
    pub fn entry() -> Option<Entry> {
        let state = history()?.state().ok()?;
        if state.is_null() || state.is_undefined() {
            return None;
        }
        Some(Entry {
            step: read(&state, STEP)?,
            depth: read(&state, DEPTH)?,
        })
    }

    fn value(e: Entry) -> JsValue {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &STEP.into(), &(e.step as f64).into());
        let _ = js_sys::Reflect::set(&o, &DEPTH.into(), &(e.depth as f64).into());
        o.into()
    }

    /// After "Next" from step `from` to `to`: the entry shown is marked as
    /// `from` (the survey's first entry, or one made before a reload, has
    /// no mark yet) and a new entry for `to` follows it. Gives the new
    /// entry's depth.
    pub fn push_step(from: usize, to: usize) -> Option<usize> {
        let h = history()?;
        let depth = entry().map_or(0, |e| e.depth);
        let _ = h.replace_state(&value(Entry { step: from, depth }), "");
        let next = Entry {
            step: to,
            depth: depth + 1,
        };
        h.push_state(&value(next), "").ok().map(|()| next.depth)
    }

    /// The entry on show now says `step`.
    pub fn replace_step(step: usize, depth: usize) {
        if let Some(h) = history() {
            let _ = h.replace_state(&value(Entry { step, depth }), "");
        }
    }

    /// One entry back, as the browser's Back button.
    pub fn back() {
        if let Some(h) = history() {
            let _ = h.back();
        }
    }

    /// "Back" from step `from`: goes back one entry when the entry before
    /// is the step before (its popstate then shows it). False when there
    /// is no such entry, and the caller moves the step itself.
    pub fn back_to_step_before(from: usize) -> bool {
        let before = entry().is_some_and(|e| e.step == from && e.depth > 0);
        if before {
            back();
        }
        before
    }

    /// After the answers are sent: back to the survey's first entry, so
    /// that the browser's Back leaves the survey instead of passing
    /// through the sent answers' steps.
    pub fn rewind_steps() {
        if let (Some(h), Some(e)) = (history(), entry())
            && e.depth > 0
        {
            let _ = h.go_with_delta(-(e.depth as i32));
        }
    }
}

/// The community the finder searches from, when one from the list is
/// remembered on this device, offered in one tap while the step has no
/// answer: offered, not filled in, since a resident may search near a
/// parent's home (or have opened a shared link) and live elsewhere. The
/// list is read again on the tap, so that the answer is the list's
/// community, not a remembered label.
#[component]
fn FinderCommunity(draft: RwSignal<Draft>, lang: Lang, manifest_url: String) -> impl IntoView {
    let Some(crate::url_state::Source::Community(label)) = crate::prefs::source() else {
        return None;
    };
    if LAST_COMMUNITY.with(|c| c.borrow().as_ref().is_some_and(|c| same_place(&label, c))) {
        return None;
    }
    // What went wrong on the tap: the list could not be read (offline
    // before it was ever loaded), or it no longer has the community.
    let (problem, set_problem) = signal(None::<&'static str>);
    let unanswered = move || draft.with(|d| d.response.community.community.is_empty());
    let shown_label = label.clone();
    let take = move |_| {
        let (label, url) = (label.clone(), manifest_url.clone());
        leptos::task::spawn_local(async move {
            let Ok(list) = crate::data::load_places(url).await else {
                // The button keeps the focus, to try again.
                set_problem.set(Some(lang.pick(
                    "社区列表没能载入，请检查网络后再试，或在下面选择。",
                    "The community list could not be loaded: check the connection and try again, or choose below.",
                )));
                return;
            };
            match list.and_then(|l| l.places.iter().find(|p| p.label() == label).cloned()) {
                Some(p) => {
                    draft.update(|d| d.response.community = community_ref(p));
                    // The button is gone: on to "Next", the chosen line
                    // (a status) having said the choice.
                    crate::focus_when_drawn(".survey-nav .next");
                }
                None => {
                    set_problem.set(Some(lang.pick(
                        "社区列表里已没有这个社区，请在下面选择。",
                        "That community is no longer in the list: please choose below.",
                    )));
                    crate::focus_when_drawn(".survey .picker summary");
                }
            }
        });
    };
    Some(view! {
        <Show when=unanswered>
            <button type="button" class="finder-community" on:click=take.clone()>
                {lang.pick("我住在：", "I live in: ")}
                {crate::picker::place_label(shown_label.clone(), lang)}
            </button>
            <p class="finder-community-problem" role="alert">{move || problem.get()}</p>
        </Show>
    })
}

thread_local! {
    /// The community of the last household submitted from this page, kept
    /// in memory only (until the page is closed or reloaded).
    static LAST_COMMUNITY: std::cell::RefCell<Option<CommunityRef>> = const { std::cell::RefCell::new(None) };
}

/// The last household's community, offered in one tap to the next while
/// the step has no answer: staff going from door to door in one community
/// had to choose it again for every household. Offered, not filled in, as
/// the finder's is ([`FinderCommunity`], which is not offered as well when
/// it is the same community).
#[component]
fn LastCommunity(draft: RwSignal<Draft>, lang: Lang) -> impl IntoView {
    let last = LAST_COMMUNITY.with(|c| c.borrow().clone())?;
    let unanswered = move || draft.with(|d| d.response.community.community.is_empty());
    let district = district_name(&last, lang).to_owned();
    let shown = format!("{} {}", last.subdistrict, last.community);
    Some(view! {
        <Show when=unanswered>
            <button type="button" class="finder-community last-community" on:click={
                let last = last.clone();
                move |_| {
                    draft.update(|d| d.response.community = last.clone());
                    // The button is gone: on to "Next", the chosen line (a
                    // status) having said the choice.
                    crate::focus_when_drawn(".survey-nav .next");
                }
            }>
                {lang.pick("与上一户相同：", "Same as the last household: ")}
                {format!("{district} ")}
                <span lang="zh-CN">{shown.clone()}</span>
            </button>
        </Show>
    })
}

/// Whether the finder's remembered community (its label, "东城区 东四街道
/// 示例第7社区", `Place::label`) is `c`, so that it is not offered twice.
fn same_place(label: &str, c: &CommunityRef) -> bool {
    label
        == format!(
            "{} {} {}",
            district_name(c, Lang::Zh),
            c.subdistrict,
            c.community
        )
}

/// The survey's answer for a community chosen from the list.
fn community_ref(p: Place) -> CommunityRef {
    CommunityRef {
        district_code: p.district_code,
        subdistrict: p.subdistrict,
        community: p.community,
    }
}

/// The district of an answer's community, named in `lang` (its code when
/// it is not a Beijing district).
fn district_name(c: &CommunityRef, lang: Lang) -> &str {
    linli_facilities::districts::by_code(&c.district_code).map_or(c.district_code.as_str(), |d| {
        lang.pick(d.name_zh, d.name_en)
    })
}

/// The fields of `step`; the last step's review of the answers calls
/// `on_change` with the step of an answer to change.
fn step_view(
    step: Step,
    draft: RwSignal<Draft>,
    lang: Lang,
    manifest_url: String,
    on_change: Callback<Step>,
) -> AnyView {
    let heading = |zh: &'static str, en: &'static str| {
        // Focused on each step: its description says which step of how
        // many, and what is missing after a refused "Next".
        view! {
            <h3 id="survey-step-heading" tabindex="-1" aria-describedby="survey-progress survey-step-problem">
                {lang.pick(zh, en)}
            </h3>
        }
    };
    // A comment is kept as typed, without the pinyin of a composition.
    let set_comment = move |text: String| {
        draft.update(|d| d.response.comment = (!text.trim().is_empty()).then_some(text));
    };
    match step {
        Step::Consent => view! {
            {heading("个人信息处理说明", "How your answers are used")}
            <div class="notice">
                <p>{lang.pick(
                    "目的：了解居民对社区嵌入式服务设施的需求，供区里规划设施时参考（《北京市社区嵌入式服务设施试点项目建设运营管理办法（试行）》征求意见稿第五条要求开展需求调研）。",
                    "Purpose: to learn what residents need from community embedded service facilities, for the district's planning (Article 5 of Beijing's draft measures for the pilot facilities asks for a needs survey).")}</p>
                <p>{lang.pick(
                    "处理者：您所在区的区政府（本区试点工作的责任主体）。问卷不收集姓名、电话、身份证号、详细地址或定位；只公布汇总数字，少于 10 户的数字不公布。",
                    "Processor: your district government, which is responsible for the pilot in the district. No name, phone, ID number, address or location is asked for; only totals are published, and no count of fewer than 10 households.")}</p>
                <p>{match lang {
                    Lang::Zh => format!("保存期限：{RETENTION_MONTHS} 个月，到期自动删除。问卷不记名，提交后无法再认出哪一份是您的，所以提交前请核对；提交前可以随时修改，也可以不提交。对本调查有疑问，可联系所在街道。"),
                    Lang::En => format!("Kept for {RETENTION_MONTHS} months, then deleted. The answers carry no name, so once sent nobody can tell which are yours: check them before you send them. Until then you can change them, or not send them at all. Questions about the survey go to your sub-district office."),
                }}</p>
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    id="survey-consent"
                    prop:checked=move || draft.with(|d| d.response.consent)
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.response.consent = on); }
                />
                {lang.pick("我已阅读以上说明，同意提交问卷", "I have read the notice and agree")}
            </label>
        }.into_any(),
        Step::Community => view! {
            {heading("您住在哪个社区？", "Which community do you live in?")}
            // The survey counts households: one filled in for a parent is
            // the parent's.
            <p class="hint">{lang.pick(
                "替家人填写时，请选择家人居住的社区，后面的问题也按家人家里的情况回答。",
                "Filling this in for a relative? Choose the community they live in, and answer the questions that follow for their household.",
            )}</p>
            <p class="chosen" role="status">
                {move || draft.with(|d| {
                    let c = &d.response.community;
                    if c.community.is_empty() {
                        lang.pick("尚未选择", "Not chosen yet").into_any()
                    } else {
                        let district = district_name(c, lang);
                        // The sub-district and community are Chinese in
                        // either language.
                        view! {
                            {format!("{}{district} ", lang.pick("已选择：", "Chosen: "))}
                            <span lang="zh-CN">{format!("{} {}", c.subdistrict, c.community)}</span>
                        }
                        .into_any()
                    }
                })}
            </p>
            <LastCommunity draft lang />
            <FinderCommunity draft lang manifest_url=manifest_url.clone() />
            <CommunityPicker
                manifest_url
                lang
                on_pick=move |p: Place| draft.update(|d| d.response.community = community_ref(p))
            />
        }.into_any(),
        Step::Household => {
            // What became of a number that is not a count, said below the
            // bands (the field shows the count kept again).
            let note = RwSignal::new(None::<String>);
            view! {
            {heading("家里各年龄段各有几人？", "How many people of each age live in your household?")}
            <div class="household" role="group" aria-labelledby="survey-step-heading">
                {AGE_BANDS
                    .iter()
                    .enumerate()
                    .map(|(i, &(_, zh, en))| {
                        let id = format!("hh-{i}");
                        // The count when the field was entered: what a
                        // number that is not a count leaves in place
                        // (counts typed on the way are saved as typed).
                        let before = StoredValue::new(0_u8);
                        let just_entered = StoredValue::new(false);
                        view! {
                            <div class="band">
                            <label for=id.clone()>{lang.pick(zh, en)}</label>
                            <input
                                id=id
                                type="number"
                                inputmode="numeric"
                                min="0"
                                max=MAX_PER_BAND
                                // Written when the step is drawn and when a
                                // field is left, never while typing: a
                                // value written back as "1." was typed
                                // moved the caret, and "1.5" became "51".
                                prop:value=draft.with_untracked(|d| d.response.household.counts()[i].to_string())
                                // Saved as typed, so that a reload, or a
                                // phone closing the tab, before the field
                                // is left keeps the number; a field
                                // emptied to type another counts as 0
                                // only when it is left empty.
                                on:input=move |ev| {
                                    if let Ok(n) = event_target_value(&ev).trim().parse::<u8>() {
                                        draft.update(|d| set_band(&mut d.response.household, i, n));
                                    }
                                }
                                // Entered, the count is selected, so that a
                                // digit typed replaces it (not "0" then
                                // "2" as "02"). A press's mouseup would
                                // put the caret where it was pressed and
                                // undo the selection, so the mouseup that
                                // follows the focus is not acted on.
                                on:focus=move |ev| {
                                    before.set_value(draft.with_untracked(|d| d.response.household.counts()[i]));
                                    event_target::<web_sys::HtmlInputElement>(&ev).select();
                                    just_entered.set_value(true);
                                }
                                on:mouseup=move |ev| {
                                    if just_entered.get_value() {
                                        ev.prevent_default();
                                    }
                                    just_entered.set_value(false);
                                }
                                on:keydown=move |_| just_entered.set_value(false)
                                on:change=move |ev| {
                                    let field = event_target::<web_sys::HtmlInputElement>(&ev);
                                    // Text the browser cannot read as a
                                    // number ("1..5") reads as empty.
                                    let typed = field.value();
                                    let typed = (!field.validity().bad_input()).then_some(typed.trim());
                                    let (n, said) = household_entry(typed, before.get_value(), lang.pick(zh, en), lang);
                                    before.set_value(n);
                                    draft.update(|d| set_band(&mut d.response.household, i, n));
                                    field.set_value(&n.to_string());
                                    note.set(said);
                                }
                            />
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="hint household-note" role="status">{move || note.get()}</p>
            }.into_any()
        }
        Step::Needs => view! {
            {heading("需要哪些服务？", "Which services do you need?")}
            <p class="hint">{lang.pick("勾选需要的服务，并为每一项选择迫切程度（1 最迫切）。", "Tick what you need, and say how much for each (1 is the most).")}</p>
            <ul class="needs" id="survey-needs" aria-labelledby="survey-step-heading">
                {ServiceFunction::ALL
                    .into_iter()
                    .map(|f| {
                        let checked = move || draft.with(|d| d.response.needs.iter().any(|n| n.function == f));
                        view! {
                            <li>
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        id=format!("need-{}", f.code())
                                        prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            draft.update(|d| toggle_need(&mut d.response, f, on));
                                        }
                                    />
                                    {function_label(f, lang)}
                                </label>
                                <label class="visually-hidden" for=format!("prio-{}", f.code())>
                                    {format!("{}{}", function_label(f, lang), lang.pick("的迫切程度", " priority"))}
                                </label>
                                <select
                                    id=format!("prio-{}", f.code())
                                    disabled=move || !checked()
                                    on:change=move |ev| {
                                        let p = event_target_value(&ev).parse().unwrap_or(NO_PRIORITY);
                                        draft.update(|d| {
                                            if let Some(n) = d.response.needs.iter_mut().find(|n| n.function == f) {
                                                n.priority = p;
                                            }
                                        });
                                    }
                                >
                                    <option value="" prop:selected=move || draft.with(|d| d.response.needs.iter().any(|n| n.function == f && n.priority == NO_PRIORITY))>
                                        {lang.pick("迫切程度？", "How urgent?")}
                                    </option>
                                    {PRIORITY_LABELS
                                        .into_iter()
                                        .map(|(p, zh, en)| view! {
                                            <option value=p.to_string() prop:selected=move || draft.with(|d| d.response.needs.iter().any(|n| n.function == f && n.priority == p))>
                                                {format!("{p} {}", lang.pick(zh, en))}
                                            </option>
                                        })
                                        .collect_view()}
                                </select>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }.into_any(),
        Step::Times => view! {
            {heading("什么时候需要？", "When do you need them?")}
            // The question names the group, so that a screen reader says
            // it with each box.
            <div id="survey-times" role="group" aria-labelledby="survey-step-heading">
            {TIMES
                .iter()
                .enumerate()
                .map(|(i, &(code, zh, en))| {
                    let t = [TimeNeed::WeekdayDaytime, TimeNeed::WeekdayEvening, TimeNeed::Weekend, TimeNeed::SchoolHolidays][i];
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                id=format!("time-{code}")
                                prop:checked=move || draft.with(|d| d.response.times.contains(&t))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft.update(|d| {
                                        d.response.times.retain(|&x| x != t);
                                        if on { d.response.times.push(t); }
                                    });
                                }
                            />
                            {lang.pick(zh, en)}
                        </label>
                    }
                })
                .collect_view()}
            </div>
        }.into_any(),
        Step::Pay => view! {
            {heading("愿意付多少钱？", "How much would you pay?")}
            <p class="hint">{lang.pick("可以不填。", "You may skip this.")}</p>
            // The needs cannot change on this step: read once, so that an
            // answer does not draw the step again (and lose the focus).
            {draft.with_untracked(|d| d.response.needs.iter().map(|n| n.function).collect::<Vec<_>>())
                .into_iter()
                .map(|f| {
                    let id = format!("pay-{}", f.code());
                    view! {
                        <label for=id.clone()>{function_label(f, lang)}</label>
                        <select
                            id=id
                            on:change=move |ev| {
                                let band = event_target_value(&ev).parse::<u8>().ok();
                                draft.update(|d| {
                                    d.response.pay.retain(|p| p.function != f);
                                    if let Some(band) = band { d.response.pay.push(PayAnswer { function: f, band }); }
                                });
                            }
                        >
                            <option value="" prop:selected=move || draft.with(|d| !d.response.pay.iter().any(|p| p.function == f))>
                                {lang.pick("不确定", "Not sure")}
                            </option>
                            {(0..PAY_BANDS)
                                .map(|band| view! {
                                    <option value=band.to_string() prop:selected=move || draft.with(|d| d.response.pay.iter().any(|p| p.function == f && p.band == band))>
                                        {pay_label(f, band, lang)}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    }
                })
                .collect_view()}
        }.into_any(),
        Step::Walk => view! {
            {heading("最多愿意走多久？", "How far would you walk?")}
            <div id="survey-walk" role="radiogroup" aria-labelledby="survey-step-heading">
            {WALK_MINUTES
                .into_iter()
                .map(|m| view! {
                    <label class="check">
                        <input
                            type="radio"
                            name="survey-walk"
                            id=format!("walk-{m}")
                            prop:checked=move || draft.with(|d| d.response.walk_minutes == m)
                            on:change=move |_| draft.update(|d| d.response.walk_minutes = m)
                        />
                        {match lang { Lang::Zh => format!("{m} 分钟"), Lang::En => format!("{m} minutes") }}
                    </label>
                })
                .collect_view()}
            </div>
        }.into_any(),
        Step::Comment => view! {
            {heading("还有什么想说的？", "Anything else?")}
            <label for="survey-comment">
                {match lang {
                    Lang::Zh => format!("意见和建议（可以不填，最多 {MAX_COMMENT_CHARS} 字；请不要写姓名、电话或身份证号）"),
                    Lang::En => format!("Comments (optional, up to {MAX_COMMENT_CHARS} characters; no names, phone or ID numbers)"),
                }}
            </label>
            <textarea
                id="survey-comment"
                rows="4"
                maxlength=MAX_COMMENT_CHARS
                aria-describedby="survey-comment-count"
                prop:value=move || draft.with(|d| d.response.comment.clone().unwrap_or_default())
                on:input=move |ev| {
                    if !crate::composing(&ev) {
                        set_comment(event_target_value(&ev));
                    }
                }
                on:compositionend=move |ev| set_comment(event_target_value(&ev))
            ></textarea>
            // How much room is left: the field takes no more than the
            // limit, and text pasted past it would be cut without a word.
            <p class="hint comment-count" id="survey-comment-count">
                {move || {
                    let n = draft.with(|d| d.response.comment.as_deref().map_or(0, |c| c.chars().count()));
                    match lang {
                        Lang::Zh => format!("已写 {n} 字，最多 {MAX_COMMENT_CHARS} 字"),
                        Lang::En => format!("{n} of {MAX_COMMENT_CHARS} characters"),
                    }
                }}
            </p>
            // Answers cannot be told apart once sent (the notice says so),
            // so the last step shows them for checking, each with a way to
            // its step. They cannot change here: read once.
            <section class="review" aria-labelledby="survey-review-heading">
                <h4 id="survey-review-heading">{lang.pick("提交前请核对您的回答", "Check your answers before sending")}</h4>
                <dl>
                    {draft
                        .with_untracked(|d| review(&d.response, lang))
                        .into_iter()
                        // The button on the question's line, where it is
                        // the same width for every answer.
                        .map(|(asked_at, term, answer)| view! {
                            <dt>
                                <span>{term}</span>
                                <button
                                    type="button"
                                    class="change"
                                    data-step=step_fields(asked_at)
                                    aria-label=format!("{}{term}", lang.pick("修改：", "Change: "))
                                    on:click=move |_| on_change.run(asked_at)
                                >
                                    {lang.pick("修改", "Change")}
                                </button>
                            </dt>
                            // The community's name is Chinese in English too.
                            <dd lang=(asked_at == Step::Community && lang == Lang::En).then_some("zh-CN")>{answer}</dd>
                        })
                        .collect_view()}
                </dl>
            </section>
        }.into_any(),
    }
}

/// The answers as the last step shows them for checking: one line per
/// question, in the order asked, with the step that asks it and "未填" for
/// a question left empty.
pub fn review(r: &Response, lang: Lang) -> Vec<(Step, &'static str, String)> {
    let sep = lang.pick("、", ", ");
    let none = || lang.pick("未填", "Not answered").to_owned();
    let or_none = |items: Vec<String>, sep: &str| {
        if items.is_empty() {
            none()
        } else {
            items.join(sep)
        }
    };
    let c = &r.community;
    // With its district, as the community step says it.
    let place = if c.community.is_empty() {
        none()
    } else {
        format!(
            "{} {} {}",
            district_name(c, lang),
            c.subdistrict,
            c.community
        )
    };
    let household = r
        .household
        .counts()
        .iter()
        .zip(AGE_BANDS)
        .filter(|(n, _)| **n > 0)
        .map(|(n, (_, zh, en))| match lang {
            // "60–79 岁 2 人" kept on one line (`keep-all` breaks at "、"):
            // no break at its spaces, nor after its dash.
            Lang::Zh => format!("{zh} {n} 人")
                .replace(' ', "\u{a0}")
                .replace('–', "–\u{2060}"),
            Lang::En => format!("{en}: {n}"),
        })
        .collect();
    // Services in the order the questionnaire lists them, not as ticked.
    let mut needed: Vec<&Need> = r.needs.iter().collect();
    needed.sort_by_key(|n| ServiceFunction::ALL.iter().position(|&f| f == n.function));
    let needs = needed
        .iter()
        .map(|n| {
            let label = PRIORITY_LABELS
                .iter()
                .find(|(p, ..)| *p == n.priority)
                .map_or("", |(_, zh, en)| lang.pick(zh, en));
            match lang {
                Lang::Zh => format!("{}（{label}）", function_label(n.function, lang)),
                // "Infant care (under 3): most urgent", not two brackets.
                Lang::En => format!("{}: {label}", function_label(n.function, lang)),
            }
        })
        .collect();
    let times = TIMES
        .iter()
        .zip([
            TimeNeed::WeekdayDaytime,
            TimeNeed::WeekdayEvening,
            TimeNeed::Weekend,
            TimeNeed::SchoolHolidays,
        ])
        .filter(|(_, t)| r.times.contains(t))
        .map(|((_, zh, en), _)| lang.pick(zh, en).to_owned())
        .collect();
    // Every needed service, as the pay step asked: its band, or 不确定.
    let pay = needed
        .iter()
        .map(|n| {
            let band = r.pay.iter().find(|p| p.function == n.function);
            format!(
                "{}{}{}",
                function_label(n.function, lang),
                lang.pick("：", ": "),
                band.map_or_else(
                    || lang.pick("不确定", "Not sure").to_owned(),
                    |p| pay_label(p.function, p.band, lang)
                )
            )
        })
        .collect();
    let walk = match (lang, r.walk_minutes) {
        (_, 0) => none(),
        (Lang::Zh, m) => format!("{m} 分钟"),
        (Lang::En, m) => format!("{m} minutes"),
    };
    vec![
        (Step::Community, lang.pick("社区", "Community"), place),
        (
            Step::Household,
            lang.pick("家庭成员", "Household"),
            or_none(household, sep),
        ),
        (
            Step::Needs,
            lang.pick("需要的服务", "Services needed"),
            or_none(needs, sep),
        ),
        (
            Step::Times,
            lang.pick("需要的时间", "When"),
            or_none(times, sep),
        ),
        (
            Step::Pay,
            lang.pick("愿意支付", "Would pay"),
            or_none(pay, lang.pick("；", "; ")),
        ),
        (Step::Walk, lang.pick("最多步行", "Longest walk"), walk),
    ]
}

/// What a household field left with `typed` in it counts (`kept` is the
/// count it had before): an empty field is 0, a whole number its count;
/// anything else (1.5, -1, 1e2, a number too large, or text the browser
/// could not read as a number, `None`) keeps `kept` and says so, naming
/// the age band `band` and what was typed.
fn household_entry(typed: Option<&str>, kept: u8, band: &str, lang: Lang) -> (u8, Option<String>) {
    let what = match typed {
        Some("") => return (0, None),
        Some(typed) => match typed.parse::<u8>() {
            Ok(n) if n <= MAX_PER_BAND => return (n, None),
            _ => lang.pick("“{}”", "\"{}\"").replace("{}", typed),
        },
        None => lang.pick("填写的", "that").to_owned(),
    };
    // A whole number over the band's limit ("40", "300") is a number of
    // people, only too many: said so when the field is left, as any refused
    // entry is, not called "not a number".
    if typed.is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit())) {
        let said = match lang {
            Lang::Zh => format!(
                "{band}：{what}人太多了，每个年龄段最多 {MAX_PER_BAND} 人；仍按 {kept} 人。"
            ),
            Lang::En => format!(
                "{band}: {what} is too many; at most {MAX_PER_BAND} people in each age band. Still counted as {kept}."
            ),
        };
        return (kept, Some(said));
    }
    let said = match lang {
        Lang::Zh => format!(
            "{band}：{what}不是人数，请填写 0 到 {MAX_PER_BAND} 之间的整数；仍按 {kept} 人。"
        ),
        Lang::En => format!(
            "{band}: {what} is not a number of people; enter a whole number from 0 to {MAX_PER_BAND}. Still counted as {kept}."
        ),
    };
    (kept, Some(said))
}

fn set_band(h: &mut Household, i: usize, n: u8) {
    let slot = match i {
        0 => &mut h.age_0_3,
        1 => &mut h.age_3_6,
        2 => &mut h.age_6_12,
        3 => &mut h.age_12_18,
        4 => &mut h.age_18_59,
        5 => &mut h.age_60_79,
        _ => &mut h.age_80_plus,
    };
    *slot = n;
}

/// A ticked service's priority before the resident has chosen one: not a
/// valid priority, so the step asks for it (a default would be counted as
/// the resident's answer).
pub const NO_PRIORITY: u8 = 0;

/// Adds or removes a needed service (with [`NO_PRIORITY`] when added), and
/// drops its pay answer with it.
pub fn toggle_need(r: &mut Response, f: ServiceFunction, on: bool) {
    r.needs.retain(|n| n.function != f);
    r.pay.retain(|p| p.function != f);
    if on {
        r.needs.push(Need {
            function: f,
            priority: NO_PRIORITY,
        });
    }
}

/// A pay band's label, e.g. "10–20 元/餐".
pub fn pay_label(f: ServiceFunction, band: u8, lang: Lang) -> String {
    let scale = pay_scale(f);
    match lang {
        Lang::Zh => scale.band_zh(band),
        Lang::En => scale.band_en(band),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_field_keeps_its_count_unless_a_whole_number_is_typed() {
        assert_eq!(
            household_entry(Some(""), 3, "18–59 岁", Lang::Zh),
            (0, None)
        );
        assert_eq!(
            household_entry(Some("2"), 1, "18–59 岁", Lang::Zh),
            (2, None)
        );
        assert_eq!(
            household_entry(Some("20"), 1, "18–59 岁", Lang::Zh),
            (20, None)
        );
        // Over the band's limit, a little or far: too many, said at once.
        for typed in ["21", "40", "300"] {
            let (n, said) = household_entry(Some(typed), 1, "18–59 岁", Lang::Zh);
            assert_eq!(n, 1);
            assert_eq!(
                said.unwrap(),
                format!("18–59 岁：“{typed}”人太多了，每个年龄段最多 20 人；仍按 1 人。")
            );
        }
        for typed in ["1.5", "-1", "1e2"] {
            let (n, said) = household_entry(Some(typed), 1, "18–59 岁", Lang::Zh);
            assert_eq!(n, 1, "{typed}");
            let said = said.unwrap();
            assert!(said.starts_with("18–59 岁："), "{said}");
            assert!(said.contains(&format!("“{typed}”")), "{said}");
            assert!(said.ends_with("仍按 1 人。"), "{said}");
        }
        // Text the browser could not read as a number.
        let (n, said) = household_entry(None, 2, "18–59 岁", Lang::Zh);
        assert_eq!(n, 2);
        assert_eq!(
            said.unwrap(),
            "18–59 岁：填写的不是人数，请填写 0 到 20 之间的整数；仍按 2 人。"
        );
        let (_, said) = household_entry(Some("1.5"), 0, "18–59", Lang::En);
        assert_eq!(
            said.unwrap(),
            format!(
                "18–59: \"1.5\" is not a number of people; enter a whole number from 0 to {MAX_PER_BAND}. Still counted as 0."
            )
        );
    }

    #[test]
    fn history_goes_back_to_any_step_and_forward_only_across_complete_ones() {
        let complete_until = |n: usize| move |s: usize| s < n;
        assert_eq!(step_after_history(1, 4, complete_until(0)), 1);
        assert_eq!(step_after_history(4, 4, complete_until(0)), 4);
        // Forward from 2 to 5 with steps 0 to 2 complete: stops at 3, the
        // first incomplete one.
        assert_eq!(step_after_history(5, 2, complete_until(3)), 3);
        assert_eq!(step_after_history(5, 2, complete_until(5)), 5);
        // The step shown is incomplete: forward goes nowhere.
        assert_eq!(step_after_history(3, 1, complete_until(1)), 1);
    }

    #[test]
    fn a_draft_of_another_questionnaire_version_starts_again_with_its_answers() {
        let mut old = Draft::new("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".to_owned());
        old.step = 5;
        old.response.questionnaire = VERSION + 1;
        old.response.walk_minutes = 15;
        old.response.consent = true;
        let now = upgraded(old.clone());
        assert_eq!((now.step, now.response.questionnaire), (0, VERSION));
        assert!(!now.response.consent, "the notice agreed to again");
        assert_eq!(now.response.walk_minutes, 15);
        let mut current = old;
        current.response.questionnaire = VERSION;
        assert_eq!(
            upgraded(current.clone()),
            current,
            "this version's draft stays"
        );
    }

    #[test]
    fn refused_answers_open_at_the_first_step_a_reason_names() {
        let steps = questionnaire();
        let at = |reason: &str| steps[refused_step(reason, &steps)];
        assert_eq!(
            at("HTTP 422: comment: looks like it holds a phone or ID number"),
            Step::Comment
        );
        assert_eq!(
            at("HTTP 422: walk_minutes: 7 is not offered; household.age_0_3: too many"),
            Step::Household
        );
        assert_eq!(
            at("HTTP 422: community.district_code: \"x\" is not a Beijing district code"),
            Step::Community
        );
        // Nothing a step asks for: the last step, to submit again.
        assert_eq!(at("HTTP 409: id: already used"), *steps.last().unwrap());
        assert_eq!(at("HTTP 415: unsupported"), *steps.last().unwrap());
    }

    #[test]
    fn a_draft_stored_before_the_review_s_changes_still_loads() {
        let mut stored =
            serde_json::to_value(Draft::new("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".into()))
                .unwrap();
        stored.as_object_mut().unwrap().remove("from_review");
        let draft: Draft = serde_json::from_value(stored).unwrap();
        assert!(!draft.from_review);
    }

    #[test]
    fn the_last_step_shows_every_answer_for_checking() {
        let mut d = Draft::new("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".to_owned());
        // Nothing answered yet: every line says so.
        assert!(
            review(&d.response, Lang::Zh)
                .iter()
                .all(|(_, _, a)| a == "未填")
        );
        d.response.community = CommunityRef {
            district_code: "110101".into(),
            subdistrict: "东四街道".into(),
            community: "示例第7社区".into(),
        };
        set_band(&mut d.response.household, 5, 2);
        set_band(&mut d.response.household, 6, 1);
        toggle_need(&mut d.response, ServiceFunction::Meals, true);
        d.response.needs[0].priority = 1;
        toggle_need(&mut d.response, ServiceFunction::ElderCare, true);
        d.response.needs[1].priority = 3;
        d.response.pay.push(PayAnswer {
            function: ServiceFunction::Meals,
            band: 2,
        });
        d.response.times.push(TimeNeed::Weekend);
        d.response.times.push(TimeNeed::WeekdayDaytime);
        d.response.walk_minutes = 10;
        let zh: Vec<String> = review(&d.response, Lang::Zh)
            .into_iter()
            .map(|(_, t, a)| format!("{t}：{a}"))
            .collect();
        assert_eq!(
            zh,
            [
                "社区：东城区 东四街道 示例第7社区",
                "家庭成员：60–\u{2060}79\u{a0}岁\u{a0}2\u{a0}人、80\u{a0}岁及以上\u{a0}1\u{a0}人",
                // In the order asked, not the order ticked.
                "需要的服务：养老服务（一般）、社区助餐（最迫切）",
                // In the order asked, not the order ticked.
                "需要的时间：工作日白天、周末",
                "愿意支付：养老服务：不确定；社区助餐：10–20 元/餐",
                "最多步行：10 分钟",
            ]
        );
        // Each line's "修改" opens the step that asks it.
        let asked_at: Vec<Step> = review(&d.response, Lang::Zh)
            .into_iter()
            .map(|(s, ..)| s)
            .collect();
        assert_eq!(
            asked_at,
            [
                Step::Community,
                Step::Household,
                Step::Needs,
                Step::Times,
                Step::Pay,
                Step::Walk
            ]
        );
        let en = review(&d.response, Lang::En);
        assert_eq!(en[1].2, "60–79 years: 2, 80 and over: 1");
        assert_eq!(
            en[4].2,
            "Elder care: Not sure; Community meals: 10–20 yuan per meal"
        );
    }

    #[test]
    fn the_finder_s_community_is_not_offered_beside_the_same_last_one() {
        let c = CommunityRef {
            district_code: "110101".to_owned(),
            subdistrict: "东四街道".to_owned(),
            community: "示例第7社区".to_owned(),
        };
        assert!(same_place("东城区 东四街道 示例第7社区", &c));
        assert!(!same_place("东城区 东四街道 示例第6社区", &c));
        assert!(!same_place("西城区 东四街道 示例第7社区", &c));
    }

    #[test]
    fn the_focus_after_a_refusal_goes_to_the_field_at_fault() {
        let mut d = Draft::new("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".to_owned());
        let fault = |d: &Draft, step| fault_field(&d.response, step);
        assert_eq!(fault(&d, Step::Consent).as_deref(), Some("survey-consent"));
        // The community is chosen in several ways: the heading, then.
        assert_eq!(fault(&d, Step::Community), None);
        assert_eq!(fault(&d, Step::Household).as_deref(), Some("hh-0"));
        assert_eq!(fault(&d, Step::Needs).as_deref(), Some("need-elder_care"));
        assert_eq!(
            fault(&d, Step::Times).as_deref(),
            Some("time-weekday_daytime")
        );
        assert_eq!(fault(&d, Step::Walk).as_deref(), Some("walk-5"));
        assert_eq!(fault(&d, Step::Comment), None);
        // The band over the limit, not the first.
        set_band(&mut d.response.household, 1, 2);
        set_band(&mut d.response.household, 5, 25);
        assert_eq!(fault(&d, Step::Household).as_deref(), Some("hh-5"));
        // The first service ticked without a priority.
        toggle_need(&mut d.response, ServiceFunction::ElderCare, true);
        toggle_need(&mut d.response, ServiceFunction::Meals, true);
        d.response.needs[0].priority = 1;
        assert_eq!(fault(&d, Step::Needs).as_deref(), Some("prio-meals"));
        d.response.comment = Some("电话 13912345678".to_owned());
        assert_eq!(fault(&d, Step::Comment).as_deref(), Some("survey-comment"));
        // A group's fault is the group's, marked invalid only where a
        // group may be.
        assert_eq!(fault_mark("time-weekday_daytime"), ("survey-times", false));
        assert_eq!(fault_mark("walk-5"), ("survey-walk", true));
        assert_eq!(fault_mark("need-elder_care"), ("survey-needs", false));
        assert_eq!(fault_mark("prio-meals"), ("prio-meals", true));
        assert_eq!(fault_mark("hh-5"), ("hh-5", true));
    }

    #[test]
    fn a_problem_of_another_kind_is_another_kind() {
        let mut d = Draft::new("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".to_owned());
        // Nothing ticked, then a service without its priority: two kinds.
        let none = problem_kind(&d.response, Step::Needs).unwrap();
        toggle_need(&mut d.response, ServiceFunction::Meals, true);
        toggle_need(&mut d.response, ServiceFunction::ElderCare, true);
        let unrated = problem_kind(&d.response, Step::Needs).unwrap();
        assert_ne!(none, unrated);
        assert!(!unrated.chars().any(|c| c.is_ascii_digit()), "{unrated}");
        // The first answered, the second is the same kind.
        d.response.needs[0].priority = 1;
        assert_eq!(problem_kind(&d.response, Step::Needs), Some(unrated));
        d.response.needs[1].priority = 2;
        assert_eq!(problem_kind(&d.response, Step::Needs), None);
    }

    #[test]
    fn a_new_draft_stops_at_every_step_until_answered() {
        let mut d = Draft::new("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f".to_owned());
        for step in questionnaire() {
            let expected = !matches!(step, Step::Pay | Step::Comment);
            assert_eq!(
                step_problem(&d.response, step, Lang::Zh).is_some(),
                expected,
                "{step:?}"
            );
        }
        d.response.consent = true;
        d.response.community = CommunityRef {
            district_code: "110101".into(),
            subdistrict: "东四街道".into(),
            community: "示例第7社区".into(),
        };
        set_band(&mut d.response.household, 6, 1);
        toggle_need(&mut d.response, ServiceFunction::Meals, true);
        d.response.pay.push(PayAnswer {
            function: ServiceFunction::Meals,
            band: 2,
        });
        d.response.times.push(TimeNeed::WeekdayDaytime);
        d.response.walk_minutes = 10;
        // A ticked service waits for its priority: none is assumed.
        assert_eq!(
            step_problem(&d.response, Step::Needs, Lang::Zh),
            Some("请为这些服务选择迫切程度：社区助餐。".to_owned())
        );
        d.response.needs[0].priority = 2;
        assert_eq!(validate(&d.response), Ok(()));
        // Too many in a band: the band is named, not "at least one".
        set_band(&mut d.response.household, 4, 25);
        assert_eq!(
            step_problem(&d.response, Step::Household, Lang::Zh),
            Some("每个年龄段最多 20 人，请改一下：18–59 岁。".to_owned())
        );
        set_band(&mut d.response.household, 4, 2);
        // A comment too long says how long it is.
        d.response.comment = Some("好".repeat(MAX_COMMENT_CHARS + 1));
        assert_eq!(
            step_problem(&d.response, Step::Comment, Lang::Zh),
            Some(format!(
                "意见最多 {MAX_COMMENT_CHARS} 字，现在有 {} 字。",
                MAX_COMMENT_CHARS + 1
            ))
        );
        d.response.comment = None;
        assert_eq!(validate(&d.response), Ok(()));
        // Dropping a service drops its pay answer, so the answers stay valid.
        toggle_need(&mut d.response, ServiceFunction::Health, true);
        d.response.needs[1].priority = 1;
        toggle_need(&mut d.response, ServiceFunction::Meals, false);
        assert!(d.response.pay.is_empty());
        assert_eq!(validate(&d.response), Ok(()));
    }

    #[test]
    fn pay_bands_read_as_ranges() {
        let f = ServiceFunction::InfantCare;
        let labels: Vec<String> = (0..PAY_BANDS).map(|b| pay_label(f, b, Lang::En)).collect();
        assert_eq!(
            labels,
            [
                "Only if free",
                "Up to 1000 yuan per month",
                "1000–2000 yuan per month",
                "2000–3000 yuan per month",
                "3000–4000 yuan per month",
                "Over 4000 yuan per month"
            ]
        );
        // Chinese as the survey crate words it.
        assert_eq!(pay_label(f, 2, Lang::Zh), pay_scale(f).band_zh(2));
    }
}
