//! Entry point of the web app: mounts [`linli::App`] below the static first
//! paint of `index.html`.

use std::time::Duration;

use leptos::prelude::set_timeout;

fn main() {
    console_error_panic_hook::set_once();
    // The loader (`Trunk.toml`) fetched the wasm after the static first
    // paint was on screen. The app mounts in a task after the one that
    // finishes compiling the wasm, so that neither is as long as the two
    // together on a slow phone.
    set_timeout(mount, Duration::ZERO);
}

/// Mounts the app below the static first paint, which stays on screen until
/// the first section of the app's first render replaces it
/// ([`linli::Later`]).
fn mount() {
    leptos::mount::mount_to_body(linli::App);
}
