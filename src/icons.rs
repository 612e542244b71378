//! Line icons for the nine service functions, drawn inline as SVG so that
//! they need no font or request. They are decorative: the label always
//! stands next to them, so they are hidden from screen readers.

use leptos::prelude::*;
use linli_facilities::model::ServiceFunction;

/// The SVG path data of a function's icon, on a 24 × 24 grid.
pub fn icon_path(function: ServiceFunction) -> &'static str {
    match function {
        // A person walking with a cane.
        ServiceFunction::ElderCare => {
            "M10 2.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM10 7.5v6m0-4 3.5 2M10 13.5l-3 7m3-7 2.5 7M16 11.5v9"
        }
        // A feeding bottle.
        ServiceFunction::InfantCare => {
            "M9 3h6m-5 0v3L8 9v11a1 1 0 0 0 1 1h6a1 1 0 0 0 1-1V9l-2-3V3M8 13h8"
        }
        // A school bag.
        ServiceFunction::ChildCare => {
            "M9 6a3 3 0 0 1 6 0M6 9a3 3 0 0 1 3-3h6a3 3 0 0 1 3 3v11H6zm3 4h6v4H9z"
        }
        // A bowl with chopsticks.
        ServiceFunction::Meals => "M4 12h16a8 8 0 0 1-16 0zm5 9h6M14 3l-4 7m8-6-5 6",
        // A house.
        ServiceFunction::Housekeeping => "M4 11l8-7 8 7M6 9.5V20h12V9.5M10 20v-5h4v5",
        // A cross in a circle.
        ServiceFunction::Health => "M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zm0 5v8m-4-4h8",
        // A dumbbell.
        ServiceFunction::Sports => "M6 8v8M3 10v4m15-6v8m3-6v4M6 12h12",
        // An open book.
        ServiceFunction::Culture => {
            "M12 6c-2-1.5-5-2-8-1.5v14c3-.5 6 0 8 1.5 2-1.5 5-2 8-1.5v-14c-3-.5-6 0-8 1.5zm0 0v14"
        }
        // A slide.
        ServiceFunction::Play => "M5 21V4m3 17V8M5 8h3l10 13M5 12h3",
    }
}

/// A function's icon, sized by the surrounding text (1.25em).
#[component]
pub fn FunctionIcon(function: ServiceFunction) -> impl IntoView {
    view! {
        // Sized by CSS (`.icon`); no more attributes than it needs, since a
        // row rebuilt after a filter change sets each of them again.
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d=icon_path(function) />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_its_own_icon() {
        let paths: Vec<&str> = ServiceFunction::ALL.into_iter().map(icon_path).collect();
        for (i, p) in paths.iter().enumerate() {
            assert!(p.starts_with('M'), "{p}");
            assert!(!paths[..i].contains(p), "icon {i} repeats");
        }
    }
}
