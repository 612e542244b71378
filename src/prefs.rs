//! Browser adapter: preferences the device remembers (localStorage).
//!
//! Display preferences (elder mode, the language), the resident's walking
//! speed and last position live here, on the device; nothing is sent
//! anywhere. When
//! storage is unavailable (private mode, blocked), the defaults apply and
//! nothing fails.

use linli_facilities::geometry::LonLat;

use crate::i18n::Lang;
use crate::url_state::{Source, position_code, position_from_code};

// The inline script of `index.html` reads these two as well, to draw the
// static first paint in large text or in English.
const ELDER_KEY: &str = "linli.elder";
/// The value of [`ELDER_KEY`] when 长辈模式 is on.
const ELDER_ON: &str = "1";
const LANGUAGE_KEY: &str = "linli.lang";
/// The value of [`LANGUAGE_KEY`] for English (the inline script of
/// `index.html` compares with it too).
const ENGLISH: &str = "en";
const POSITION_KEY: &str = "linli.position";
const SENIOR_KEY: &str = "linli.walk.senior";
const SOURCE_KEY: &str = "linli.position.source";

/// The page's localStorage, when the browser gives one.
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether the resident turned on 长辈模式 (elder mode) on this device.
pub fn elder_mode() -> bool {
    storage()
        .and_then(|s| s.get_item(ELDER_KEY).ok()?)
        .is_some_and(|v| v == ELDER_ON)
}

/// Remembers the elder-mode choice on this device.
pub fn set_elder_mode(on: bool) {
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(ELDER_KEY, ELDER_ON)
        } else {
            s.remove_item(ELDER_KEY)
        };
    }
}

/// The interface language the resident chose on this device: Chinese
/// unless they switched to English.
pub fn language() -> Lang {
    match storage().and_then(|s| s.get_item(LANGUAGE_KEY).ok()?) {
        Some(value) if value == ENGLISH => Lang::En,
        _ => Lang::Zh,
    }
}

/// Remembers the interface language on this device (Chinese, the
/// default, is remembered by forgetting the choice).
pub fn set_language(lang: Lang) {
    if let Some(s) = storage() {
        let _ = match lang {
            Lang::Zh => s.remove_item(LANGUAGE_KEY),
            Lang::En => s.set_item(LANGUAGE_KEY, ENGLISH),
        };
    }
}

/// Whether the resident last chose the senior walking speed on this
/// device.
pub fn senior_speed() -> bool {
    storage()
        .and_then(|s| s.get_item(SENIOR_KEY).ok()?)
        .is_some_and(|v| v == "1")
}

/// Remembers the walking speed on this device.
pub fn set_senior_speed(on: bool) {
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(SENIOR_KEY, "1")
        } else {
            s.remove_item(SENIOR_KEY)
        };
    }
}

/// The position the resident last chose on this device, if any.
pub fn position() -> Option<LonLat> {
    position_from_code(&storage()?.get_item(POSITION_KEY).ok()??)
}

/// Remembers the resident's position on this device (and only there).
pub fn set_position(position: Option<LonLat>) {
    if let Some(s) = storage() {
        let _ = match position {
            Some(p) => s.set_item(POSITION_KEY, &position_code(p)),
            None => s.remove_item(POSITION_KEY),
        };
    }
}

/// How the remembered position was chosen, if known.
pub fn source() -> Option<Source> {
    let code = storage()?.get_item(SOURCE_KEY).ok()??;
    match code.as_str() {
        "gps" => Some(Source::Located),
        "map" => Some(Source::Map),
        _ => code
            .strip_prefix("near:")
            .map(|label| Source::Community(label.to_owned())),
    }
}

/// Remembers how the position was chosen, next to the position.
pub fn set_source(source: Option<&Source>) {
    if let Some(s) = storage() {
        let _ = match source {
            Some(Source::Located) => s.set_item(SOURCE_KEY, "gps"),
            Some(Source::Map) => s.set_item(SOURCE_KEY, "map"),
            Some(Source::Community(label)) => s.set_item(SOURCE_KEY, &format!("near:{label}")),
            None => s.remove_item(SOURCE_KEY),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Msg;

    /// `index.html` draws the static first paint before any of the app's
    /// code has run: its inline script must read the keys and values this
    /// module writes, and its English must be the app's.
    #[test]
    fn the_static_first_paint_reads_these_choices() {
        let html = include_str!("../index.html");
        let elder = format!("getItem(\"{ELDER_KEY}\")===\"{ELDER_ON}\"");
        let english = format!("getItem(\"{LANGUAGE_KEY}\")===\"{ENGLISH}\"");
        assert!(html.contains(&elder), "index.html should test {elder}");
        assert!(html.contains(&english), "index.html should test {english}");
        for lang in [Lang::Zh, Lang::En] {
            for msg in [Msg::AppName, Msg::Tagline] {
                let text = msg.text(lang);
                assert!(html.contains(text), "index.html lacks {text:?}");
            }
        }
    }
}
