//! Browser adapter: preferences the device remembers (localStorage).
//!
//! Only display preferences live here; nothing about the resident is sent
//! anywhere. When storage is unavailable (private mode, blocked), the
//! defaults apply and nothing fails.

const ELDER_KEY: &str = "linli.elder";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether the resident turned on 长辈模式 (elder mode) on this device.
pub fn elder_mode() -> bool {
    storage()
        .and_then(|s| s.get_item(ELDER_KEY).ok()?)
        .is_some_and(|v| v == "1")
}

/// Remembers the elder-mode choice on this device.
pub fn set_elder_mode(on: bool) {
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(ELDER_KEY, "1")
        } else {
            s.remove_item(ELDER_KEY)
        };
    }
}
