//! Entry point of the web app: mounts [`linli::App`] in place of the
//! static first paint of `index.html`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(linli::App);
    // The header and loading line drawn from index.html go in the same task
    // as the app arrives, so no frame shows both.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
}
