//! Entry point of the web app: mounts [`linli::App`] in place of the
//! static first paint of `index.html`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::set_timeout;

/// The longest the app waits for a frame before mounting anyway (a page
/// opened in a background tab gets no frames until it is shown).
const MOUNT_AT_LATEST: Duration = Duration::from_millis(100);

fn main() {
    console_error_panic_hook::set_once();
    // The static first paint reaches the screen before the app's first
    // render: the browser finishes compiling the wasm in one task and the
    // app mounts in the next, after a frame, so a slow phone shows what is
    // happening instead of a blank page, and neither task is as long as
    // the two together.
    let mounted = Rc::new(Cell::new(false));
    let once = move || {
        if !mounted.replace(true) {
            mount();
        }
    };
    let after_frame = once.clone();
    linli::after_next_paint(after_frame);
    set_timeout(once, MOUNT_AT_LATEST);
}

/// Mounts the app below the static first paint, which stays on screen until
/// the first section of the app's first render replaces it
/// ([`linli::Later`]).
fn mount() {
    leptos::mount::mount_to_body(linli::App);
}
