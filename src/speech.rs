//! Browser adapter: reading a facility's key facts aloud with the
//! browser's speech synthesis, in a Chinese voice for Chinese text. The
//! button only appears when the browser has a voice for the language.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::i18n::Lang;

fn synthesis() -> Option<web_sys::SpeechSynthesis> {
    web_sys::window()?.speech_synthesis().ok()
}

/// The language tag of an installed voice for `lang` (a `zh-CN` voice
/// first for Chinese, then any `zh`), if there is one.
pub fn voice_for(lang: Lang) -> Option<String> {
    let voices = synthesis()?.get_voices();
    let tags: Vec<String> = voices
        .iter()
        .filter_map(|v| js_sys::Reflect::get(&v, &"lang".into()).ok()?.as_string())
        .collect();
    let (exact, prefix) = match lang {
        Lang::Zh => ("zh-cn", "zh"),
        Lang::En => ("en-us", "en"),
    };
    let normal = |t: &String| t.replace('_', "-").to_ascii_lowercase();
    tags.iter()
        .find(|t| normal(t) == exact)
        .or_else(|| tags.iter().find(|t| normal(t).starts_with(prefix)))
        .cloned()
}

/// Speaks `text` in the voice language `tag`, stopping anything already
/// being read; `on_end` runs when it has been read, or stopped. False when
/// nothing could be read.
pub fn speak(text: &str, tag: &str, on_end: impl Fn() + 'static) -> bool {
    let Some(synth) = synthesis() else {
        return false;
    };
    let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) else {
        return false;
    };
    utterance.set_lang(tag);
    // A little slower than the default, for older listeners.
    utterance.set_rate(0.9);
    // Lives until the page goes: one per press of the button.
    let ended = Closure::<dyn Fn()>::new(on_end).into_js_value();
    utterance.set_onend(Some(ended.unchecked_ref()));
    utterance.set_onerror(Some(ended.unchecked_ref()));
    synth.cancel();
    synth.speak(&utterance);
    true
}

/// Stops whatever is being read.
pub fn stop() {
    if let Some(synth) = synthesis() {
        synth.cancel();
    }
}

/// "朗读" — reads `facts(lang)` aloud; hidden when no voice fits.
#[component]
pub fn ReadAloud(
    facts: impl Fn(Lang) -> String + Send + Sync + 'static,
    lang: Lang,
) -> impl IntoView {
    // Voices often arrive after the page loads; look again when they do.
    let (voices_changed, set_voices_changed) = signal(0u32);
    if let Some(synth) = synthesis() {
        let on_change = Closure::<dyn Fn()>::new(move || set_voices_changed.update(|n| *n += 1));
        synth.set_onvoiceschanged(Some(on_change.as_ref().unchecked_ref()));
        // The handler lives as long as the page: speech synthesis is a
        // page-wide object and only one handler is ever installed at a time.
        on_change.forget();
    }
    let facts = std::sync::Arc::new(facts);
    let voice = Memo::new(move |_| {
        voices_changed.track();
        voice_for(lang)
    });
    // Pressed again while reading, the button stops it; leaving the page
    // stops it too.
    let (reading, set_reading) = signal(false);
    // Which reading the button is about: a reading stopped ends (its end
    // event comes later) after the next one may have begun.
    let readings = StoredValue::new(0u32);
    on_cleanup(stop);
    view! {
        <Show when=move || voice.with(Option::is_some)>
            <button
                type="button"
                class="read-aloud"
                on:click={
                    let facts = facts.clone();
                    move |_| {
                        if reading.get_untracked() {
                            stop();
                            set_reading.set(false);
                        } else if let Some(tag) = voice.get_untracked() {
                            readings.update_value(|n| *n += 1);
                            let this = readings.get_value();
                            let started = speak(&facts(lang), &tag, move || {
                                if readings.try_get_value() == Some(this) {
                                    let _ = set_reading.try_set(false);
                                }
                            });
                            set_reading.set(started);
                        }
                    }
                }
            >
                // The icon is not part of the button's name.
                <span aria-hidden="true">"🔊 "</span>
                {move || if reading.get() {
                    lang.pick("停止朗读", "Stop reading")
                } else {
                    lang.pick("朗读要点", "Read aloud")
                }}
            </button>
        </Show>
    }
}
