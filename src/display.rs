//! The device's display choices, 长辈模式 (large text) and the language,
//! shared by the resident app and the staff dashboard: read from the device
//! at start, applied to the page's root element, and saved when a switch is
//! pressed (not by an effect, so that another tab's choices are never
//! written over).

use leptos::prelude::*;

use crate::i18n::{Lang, Msg};
use crate::prefs;

/// The display choices of one app on the page.
#[derive(Debug, Clone, Copy)]
pub struct Display {
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// Whether 长辈模式 is on.
    pub elder: RwSignal<bool>,
}

impl Display {
    /// The choices this device remembers, applied to `<html>` (its `lang`
    /// attribute and the `elder` class that `style/main.css` styles) now
    /// and whenever they change.
    pub fn from_device() -> Display {
        let display = Display {
            lang: RwSignal::new(prefs::language()),
            elder: RwSignal::new(prefs::elder_mode()),
        };
        Effect::new(move |_| {
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", display.lang.get().tag());
                let _ = root
                    .class_list()
                    .toggle_with_force("elder", display.elder.get());
            }
        });
        display
    }
}

/// The header's two switches, 长辈模式 and the other language, drawn in
/// `lang` (the page is drawn again in the new language, and the language
/// switch keeps the focus).
#[component]
pub fn DisplaySwitches(display: Display, lang: Lang) -> impl IntoView {
    let Display {
        lang: language,
        elder,
    } = display;
    view! {
        <button
            type="button"
            class="elder-switch"
            aria-pressed=move || if elder.get() { "true" } else { "false" }
            on:click=move |_| {
                let on = !elder.get_untracked();
                elder.set(on);
                prefs::set_elder_mode(on);
            }
        >
            {Msg::ElderMode.text(lang)}
        </button>
        <button
            type="button"
            class="lang-switch"
            lang=lang.other().tag()
            on:click=move |_| {
                let other = lang.other();
                language.set(other);
                prefs::set_language(other);
                crate::focus_when_drawn(".lang-switch");
            }
        >
            {Msg::SwitchLanguage.text(lang)}
        </button>
    }
}
