//! Entry point of the staff app (`/staff/`): mounts
//! [`linli::dashboard::StaffApp`] and nothing else.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(linli::dashboard::StaffApp);
}
