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

/// Speaks `pieces` in turn, each text in the voice language of its tag,
/// stopping anything already being read; `on_end` runs when the last has
/// been read or has failed, or when stopped. False when nothing could be
/// read.
pub fn speak(pieces: &[(String, String)], on_end: impl Fn() + 'static) -> bool {
    let Some(synth) = synthesis() else {
        return false;
    };
    let utterances: Vec<web_sys::SpeechSynthesisUtterance> = pieces
        .iter()
        .filter_map(|(tag, text)| {
            let u = web_sys::SpeechSynthesisUtterance::new_with_text(text).ok()?;
            u.set_lang(tag);
            // A little slower than the default, for older listeners.
            u.set_rate(0.9);
            Some(u)
        })
        .collect();
    let Some(last) = utterances.last() else {
        return false;
    };
    // Lives until the page goes: one per press of the button. Only the last
    // piece's end or error ends the reading: a piece before it that fails
    // leaves the rest to be read, and stopping cancels the last one too.
    let ended = Closure::<dyn Fn()>::new(on_end).into_js_value();
    last.set_onend(Some(ended.unchecked_ref()));
    last.set_onerror(Some(ended.unchecked_ref()));
    synth.cancel();
    for u in &utterances {
        synth.speak(u);
    }
    true
}

/// What is read for `spoken` on a page in `lang`: each piece with the tag
/// of a voice for its language; a piece in a language with no voice (the
/// Chinese address on an English page, with no Chinese voice) is said to
/// be shown in it instead. `voice` finds a voice's tag.
pub fn voiced(
    spoken: &crate::facility::Spoken,
    lang: Lang,
    voice: impl Fn(Lang) -> Option<String>,
) -> Vec<(String, String)> {
    let page_voice = voice(lang);
    spoken
        .pieces
        .iter()
        .filter_map(|(piece_lang, text)| match voice(*piece_lang) {
            Some(tag) => Some((tag, text.clone())),
            None => Some((
                page_voice.clone()?,
                match piece_lang {
                    Lang::Zh => lang.pick("（中文，见屏幕）", "(in Chinese on the screen)"),
                    Lang::En => lang.pick("（英文，见屏幕）", "(in English on the screen)"),
                }
                .to_owned(),
            )),
        })
        .collect()
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
    facts: impl Fn(Lang) -> crate::facility::Spoken + Send + Sync + 'static,
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
                        } else if voice.with_untracked(Option::is_some) {
                            readings.update_value(|n| *n += 1);
                            let this = readings.get_value();
                            let pieces = voiced(&facts(lang), lang, voice_for);
                            let started = speak(&pieces, move || {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::Spoken;

    #[test]
    fn each_piece_is_read_by_a_voice_of_its_language() {
        let spoken = Spoken {
            pieces: vec![
                (Lang::En, "Address: ".to_owned()),
                (Lang::Zh, "东四北大街".to_owned()),
                (Lang::En, ". Phone: 1 2".to_owned()),
            ],
        };
        let both = |l: Lang| Some(l.pick("zh-CN", "en-US").to_owned());
        let tags: Vec<String> = voiced(&spoken, Lang::En, both)
            .into_iter()
            .map(|(tag, _)| tag)
            .collect();
        assert_eq!(tags, ["en-US", "zh-CN", "en-US"]);
        // No Chinese voice: the English voice says where the address is
        // instead of spelling out characters it cannot read.
        let english_only = |l: Lang| (l == Lang::En).then(|| "en-GB".to_owned());
        let read = voiced(&spoken, Lang::En, english_only);
        assert_eq!(read.len(), 3);
        assert!(read.iter().all(|(tag, _)| tag == "en-GB"));
        assert_eq!(read[1].1, "(in Chinese on the screen)");
        // No voice for the page's language: nothing is read.
        assert!(voiced(&spoken, Lang::En, |_| None).is_empty());
    }
}
