//! The finder's state in the page URL, so that back and forward work and a
//! shared link reproduces the search.
//!
//! The state is written as a query string with short, stable keys: `svc`
//! (function code), `cat` (category codes, comma-separated), `walk`
//! (minutes), `speed` (`senior`), `open` (`now`, or a Beijing time
//! `YYYY-MM-DDTHH:MM`), `free` (`1`), `age` (band code), `max` (yuan), the
//! open facility page (`fac`, its id, and `fd`, its district code), the
//! needs survey (`p=survey`), and the position: `pos` (`lon,lat`, WGS-84, 5
//! decimals) with where it came from (`src=gps`, `src=map`, or `near=` a
//! community's name, percent-encoded). In the address the position's keys
//! stand in the fragment, after `#` ([`href_for`]), and the rest in the
//! query. Defaults are left out, so the plain page has no query. Reading is lenient: an unknown key or value is ignored
//! rather than breaking the page, since links get truncated and edited by
//! hand.

use chrono::NaiveDateTime;

use crate::num::{fixed, parse_decimal};
use linli_facilities::finder::{AgeBand, Filters, OpenAt, WALK_MINUTES};
use linli_facilities::geometry::{LonLat, WalkingModel};
use linli_facilities::model::{Category, ServiceFunction};

/// Everything the resident chose, as the URL carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct FinderState {
    /// The service function, or any.
    pub function: Option<ServiceFunction>,
    /// Wanted categories; empty means any.
    pub categories: Vec<Category>,
    /// Longest walk, in minutes (one of [`WALK_MINUTES`]).
    pub walk_minutes: u32,
    /// The senior walking speed instead of the standard one.
    pub senior: bool,
    /// Only services open now, or at a chosen time.
    pub open: OpenChoice,
    /// Only services with free places or beds.
    pub free_places: bool,
    /// Only services for an age group.
    pub age: Option<AgeBand>,
    /// Only services from at most this price, in yuan.
    pub max_price_yuan: Option<u32>,
    /// Where the resident is (WGS-84), once chosen; `None` until then.
    pub position: Option<LonLat>,
    /// How the position was chosen; `None` when unknown (an older link).
    pub source: Option<Source>,
    /// The facility page on show, if any.
    pub facility: Option<FacilityRef>,
    /// The page on show: the finder or the needs survey.
    pub page: Page,
}

/// The app's pages besides a facility's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// The finder (no `p`).
    #[default]
    Finder,
    /// The needs survey (`p=survey`).
    Survey,
}

/// When the resident wants services to be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenChoice {
    /// Any time: no filter.
    #[default]
    Any,
    /// Open now.
    Now,
    /// Open at a chosen local (Beijing) time.
    At(NaiveDateTime),
}

/// How the resident's position was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The device's geolocation.
    Located,
    /// A tap on the map.
    Map,
    /// A community from the list, by its label ("东城区 交道口街道 …").
    Community(String),
}

/// A facility, by id and the district whose shard holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityRef {
    /// The facility id.
    pub id: String,
    /// The district code of its shard.
    pub district: String,
}

impl Default for FinderState {
    fn default() -> FinderState {
        FinderState {
            function: None,
            categories: Vec::new(),
            walk_minutes: 15,
            senior: false,
            open: OpenChoice::Any,
            free_places: false,
            age: None,
            max_price_yuan: None,
            position: None,
            source: None,
            facility: None,
            page: Page::Finder,
        }
    }
}

/// The URL form of a time: `YYYY-MM-DDTHH:MM`.
pub fn time_code(t: NaiveDateTime) -> String {
    crate::num::ymd_hm(t)
}

/// Reads [`time_code`]'s form.
pub fn time_from_code(code: &str) -> Option<NaiveDateTime> {
    crate::num::parse_ymd_hm(code)
}

/// Percent-encodes `text` for a query value: everything but ASCII letters,
/// digits and `-._~` becomes `%XX` bytes of its UTF-8.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes [`encode`]'s form (and `+` as a space); `None` when the bytes are
/// not UTF-8 or an escape is broken.
pub fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = value.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `lon,lat` to 5 decimals (about 1 m).
pub fn position_code(p: LonLat) -> String {
    format!("{},{}", fixed(p.lon, 5), fixed(p.lat, 5))
}

/// Reads `lon,lat`; `None` unless both are numbers in WGS-84 ranges.
pub fn position_from_code(code: &str) -> Option<LonLat> {
    let (lon, lat) = code.split_once(',')?;
    let p = LonLat::new(parse_decimal(lon.trim())?, parse_decimal(lat.trim())?);
    p.is_valid().then_some(p)
}

/// The URL code of an age band.
pub fn age_code(band: AgeBand) -> &'static str {
    match band {
        AgeBand::Under3 => "0-3",
        AgeBand::From3To6 => "3-6",
        AgeBand::From6To12 => "6-12",
        AgeBand::From12To18 => "12-18",
        AgeBand::Senior => "60plus",
    }
}

/// The age band of a decoded URL value. The senior band is also read as
/// it was first written, `60+`, in each form a link can take on the way:
/// as is (where `+` reads as a space), or escaped (`60%2B`).
fn age_from_code(value: &str) -> Option<AgeBand> {
    match value.trim_end() {
        "60" | "60+" => Some(AgeBand::Senior),
        v => AGE_BANDS.into_iter().find(|&b| age_code(b) == v),
    }
}

/// Every age band, in the order the finder offers them.
pub const AGE_BANDS: [AgeBand; 5] = [
    AgeBand::Under3,
    AgeBand::From3To6,
    AgeBand::From6To12,
    AgeBand::From12To18,
    AgeBand::Senior,
];

/// The URL code of a category.
pub fn category_code(c: Category) -> &'static str {
    match c {
        Category::BasicPublic => "basic",
        Category::Affordable => "affordable",
        Category::Commercial => "commercial",
    }
}

/// Every category, in the policy's order.
pub const CATEGORIES: [Category; 3] = [
    Category::BasicPublic,
    Category::Affordable,
    Category::Commercial,
];

/// Parses a category code as written by [`FinderState::to_query`].
pub fn category_from_code(code: &str) -> Option<Category> {
    CATEGORIES.into_iter().find(|&c| category_code(c) == code)
}

impl FinderState {
    /// The same search with only what, where and how far: the service, the
    /// position, the walk and the walking speed kept, every other filter
    /// cleared. (Dropping the service too would list every kind of
    /// facility under a search a resident made for one kind.)
    pub fn without_other_filters(&self) -> FinderState {
        FinderState {
            function: self.function,
            walk_minutes: self.walk_minutes,
            senior: self.senior,
            position: self.position,
            source: self.source.clone(),
            ..FinderState::default()
        }
    }

    /// The query string, without `?`; empty for the defaults.
    ///
    /// ```
    /// use linli::url_state::FinderState;
    /// let state = FinderState { walk_minutes: 30, senior: true, ..FinderState::default() };
    /// assert_eq!(state.to_query(), "walk=30&speed=senior");
    /// assert_eq!(FinderState::from_query(&state.to_query()), state);
    /// ```
    pub fn to_query(&self) -> String {
        let defaults = FinderState::default();
        let mut parts: Vec<String> = Vec::new();
        if let Some(f) = self.function {
            parts.push(format!("svc={}", f.code()));
        }
        if !self.categories.is_empty() {
            let codes: Vec<&str> = self.categories.iter().map(|&c| category_code(c)).collect();
            parts.push(format!("cat={}", codes.join(",")));
        }
        if self.walk_minutes != defaults.walk_minutes {
            parts.push(format!("walk={}", self.walk_minutes));
        }
        if self.senior {
            parts.push("speed=senior".to_owned());
        }
        match self.open {
            OpenChoice::Any => {}
            OpenChoice::Now => parts.push("open=now".to_owned()),
            OpenChoice::At(t) => parts.push(format!("open={}", time_code(t))),
        }
        if self.free_places {
            parts.push("free=1".to_owned());
        }
        if let Some(band) = self.age {
            parts.push(format!("age={}", age_code(band)));
        }
        if let Some(max) = self.max_price_yuan {
            parts.push(format!("max={max}"));
        }
        if let Some(p) = self.position {
            parts.push(format!("pos={}", position_code(p)));
            match &self.source {
                None => {}
                Some(Source::Located) => parts.push("src=gps".to_owned()),
                Some(Source::Map) => parts.push("src=map".to_owned()),
                Some(Source::Community(label)) => parts.push(format!("near={}", encode(label))),
            }
        }
        match self.page {
            Page::Finder => {}
            Page::Survey => parts.push("p=survey".to_owned()),
        }
        if let Some(f) = &self.facility {
            parts.push(format!("fac={}&fd={}", encode(&f.id), encode(&f.district)));
        }
        parts.join("&")
    }

    /// Reads a query string (with or without `?`). Unknown keys and values
    /// are ignored; the rest keeps its default.
    pub fn from_query(query: &str) -> FinderState {
        let mut state = FinderState::default();
        let (mut fac, mut fd) = (None, None);
        for pair in query.trim_start_matches('?').split('&') {
            // Every value is read decoded, so that a link whose escapes a
            // messenger wrote in lower case (`%2c`) or for characters we
            // write plainly still reads the same.
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let Some(value) = decode(value) else {
                continue;
            };
            let value = value.as_str();
            match key {
                "svc" => state.function = ServiceFunction::from_code(value),
                "cat" => {
                    state.categories = value.split(',').filter_map(category_from_code).collect();
                }
                "walk" => {
                    if let Some(m) = value.parse().ok().filter(|m| WALK_MINUTES.contains(m)) {
                        state.walk_minutes = m;
                    }
                }
                "speed" => state.senior = value == "senior",
                "open" if value == "now" => state.open = OpenChoice::Now,
                "open" => {
                    if let Some(t) = time_from_code(value) {
                        state.open = OpenChoice::At(t);
                    }
                }
                "free" => state.free_places = value == "1",
                "age" => state.age = age_from_code(value),
                "max" => state.max_price_yuan = value.parse().ok().filter(|&m: &u32| m > 0),
                "pos" => state.position = position_from_code(value),
                "src" if value == "gps" => state.source = Some(Source::Located),
                "src" if value == "map" => state.source = Some(Source::Map),
                "near" => state.source = Some(Source::Community(value.to_owned())),
                "fac" => fac = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "fd" => fd = Some(value.to_owned()).filter(|v| !v.is_empty()),
                "p" => {
                    state.page = match value {
                        "survey" => Page::Survey,
                        _ => Page::Finder,
                    }
                }
                _ => {}
            }
        }
        if state.position.is_none() {
            state.source = None;
        }
        if let (Some(id), Some(district)) = (fac, fd) {
            state.facility = Some(FacilityRef { id, district });
        }
        state
    }

    /// The domain filters for this state; `now` is used for "open now".
    pub fn filters(&self, now: NaiveDateTime) -> Filters {
        Filters {
            functions: self.function.into_iter().collect(),
            categories: self.categories.clone(),
            walk_minutes: self.walk_minutes,
            walking: if self.senior {
                WalkingModel::SENIOR
            } else {
                WalkingModel::STANDARD
            },
            open: match self.open {
                OpenChoice::Any => OpenAt::Any,
                OpenChoice::Now => OpenAt::At(now),
                OpenChoice::At(t) => OpenAt::At(t),
            },
            free_places: self.free_places,
            age: self.age,
            max_price_yuan: self.max_price_yuan.map(f64::from),
        }
    }
}

/// The keys that say where the resident is. They go in the address's
/// fragment (after `#`), which a browser keeps on the device: it is never
/// sent to a server, so a reload does not send the position to ours, and
/// it stays in a link the resident shares.
const PLACE_KEYS: [&str; 3] = ["pos", "src", "near"];

/// The address, relative to the page, for the state `query` (as
/// [`FinderState::to_query`] writes it): the position's keys after `#`,
/// the rest after `?`; empty for the defaults.
///
/// ```
/// use linli::url_state::href_for;
/// assert_eq!(href_for("walk=30&pos=116.41700,39.92900&src=gps"), "?walk=30#pos=116.41700,39.92900&src=gps");
/// assert_eq!(href_for("pos=116.41700,39.92900&src=map"), "#pos=116.41700,39.92900&src=map");
/// assert_eq!(href_for(""), "");
/// ```
pub fn href_for(query: &str) -> String {
    let (place, rest): (Vec<&str>, Vec<&str>) = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .partition(|pair| PLACE_KEYS.contains(&pair.split('=').next().unwrap_or_default()));
    let mut href = String::new();
    if !rest.is_empty() {
        href = format!("?{}", rest.join("&"));
    }
    if !place.is_empty() {
        href = format!("{href}#{}", place.join("&"));
    }
    href
}

/// The page's state as a query string, without `?`: the address's query
/// and its fragment, which holds the position (browser adapter). A link
/// from before the fragment, with the position in the query, still reads.
pub fn current_query() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let parts = [search.trim_start_matches('?'), hash.trim_start_matches('#')];
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("&")
}

/// A choice the arrow keys step through, each key press a change: the
/// service (a row of radio buttons), the walk, the speed, the category,
/// the age and "open" (selects). The community list's arrow keys only
/// browse (`picker.rs`), so a community is always a choice of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stepped {
    Function,
    Walk,
    Speed,
    Category,
    Age,
    Open,
}

/// The one choice a change from `shown` to `next` steps, when nothing
/// else changed. Changes of one choice made within
/// [`STEP_WINDOW_MS`] of each other make one history entry rather than one
/// per key press.
pub fn stepped(shown: &FinderState, next: &FinderState) -> Option<Stepped> {
    if shown == next {
        return None;
    }
    let with = |change: fn(&mut FinderState, &FinderState)| {
        let mut s = shown.clone();
        change(&mut s, next);
        s == *next
    };
    [
        (Stepped::Function, with(|s, n| s.function = n.function)),
        (Stepped::Walk, with(|s, n| s.walk_minutes = n.walk_minutes)),
        (Stepped::Speed, with(|s, n| s.senior = n.senior)),
        (
            Stepped::Category,
            with(|s, n| s.categories.clone_from(&n.categories)),
        ),
        (Stepped::Age, with(|s, n| s.age = n.age)),
        (Stepped::Open, with(|s, n| s.open = n.open)),
    ]
    .into_iter()
    .find_map(|(field, only)| only.then_some(field))
}

/// How soon after the last step of a choice the next one replaces its
/// history entry, and how soon after an arrow key a change counts as its
/// step, in milliseconds.
pub const STEP_WINDOW_MS: f64 = 3_000.0;

/// A run of steps of one choice made with the arrow keys: which choice,
/// when the last step was (`performance.now()`, ms), and the search shown
/// before the run (the entry before the run's own).
struct Run {
    field: Stepped,
    at_ms: f64,
    before: String,
}

thread_local! {
    static RUN: std::cell::RefCell<Option<Run>> = const { std::cell::RefCell::new(None) };
    /// When an arrow key (or Home, End, Page Up, Page Down) was last
    /// pressed.
    static KEY_MS: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
    /// The facility whose page the list is opening: the history entry
    /// pushed for it is marked as opened from the list.
    static FROM_LIST: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The key of the history entry's state object that marks a facility page
/// opened from the list.
const FROM_LIST_KEY: &str = "linliFromList";

/// Marks the entry about to be pushed for facility `id`'s page as opened
/// from the list, so that Back or Forward onto it again knows the entry
/// before it is the list's ([`entry_from_list`]).
pub fn opening_from_list(id: &str) {
    FROM_LIST.set(Some(id.to_owned()));
}

/// Whether the history entry shown was pushed for facility `id`'s page
/// opened from the list (browser adapter).
pub fn entry_from_list(id: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.history().ok())
        .and_then(|h| h.state().ok())
        .and_then(|state| js_sys::Reflect::get(&state, &FROM_LIST_KEY.into()).ok())
        .and_then(|v| v.as_string())
        .is_some_and(|marked| marked == id)
}

/// Notes a key press on a choice (a select or a radio button, whose arrow
/// keys choose each option in turn; the finder listens for them): changes
/// made within [`STEP_WINDOW_MS`] after it are steps. Any other key, or a
/// tap or a click ([`pointer_pressed`]), ends that.
pub fn key_pressed(key: &str, on_a_choice: bool) {
    let stepping = on_a_choice && steps_a_choice(key);
    KEY_MS.set(if stepping { now_ms() } else { None });
}

/// Whether `key` (a `KeyboardEvent.key`) moves a select or a radio group
/// to another option: the arrow keys, Home, End, Page Up and Page Down.
pub fn steps_a_choice(key: &str) -> bool {
    matches!(
        key,
        "ArrowUp"
            | "ArrowDown"
            | "ArrowLeft"
            | "ArrowRight"
            | "Home"
            | "End"
            | "PageUp"
            | "PageDown"
    )
}

/// A tap or a click: what follows is a choice of its own, not a step.
pub fn pointer_pressed() {
    KEY_MS.set(None);
}

/// Ends any run of steps: the resident went back or forward.
pub fn forget_steps() {
    RUN.set(None);
}

fn now_ms() -> Option<f64> {
    web_sys::window()?.performance().map(|p| p.now())
}

/// Writes the state `query` to the address bar, [`href_for`]'s form, so
/// that back and forward step through searches (browser adapter): a new
/// history entry, unless the page already shows it, or rewritten in place
/// when `rewrite`: for the page's first state (what a link and the device's
/// remembered position make when the page opens is one search, not two),
/// and for a change the resident did not make on this entry.
pub fn push_query(query: &str, rewrite: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let href = href_for(query);
    let shown = format!(
        "{}{}",
        location.search().unwrap_or_default(),
        location.hash().unwrap_or_default()
    );
    if shown == href {
        return;
    }
    let path = location.pathname().unwrap_or_else(|_| "/".to_owned());
    let url = format!("{path}{href}");
    let Ok(history) = window.history() else {
        return;
    };
    // The entry's state object is kept: the survey's steps ride in it.
    let replace = || {
        let kept = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&kept, "", Some(&url));
    };
    // The same state written another way (a link from before the fragment,
    // an unknown key): rewritten in place. A new entry would be pushed
    // again each time back returned to it, and back could never pass it.
    let shown_state = FinderState::from_query(&current_query());
    if rewrite || shown_state.to_query() == query {
        replace();
        return;
    }
    // Steps of one choice with the arrow keys (the services, a select)
    // make one entry: the run's first step pushes, the
    // rest rewrite it, and a step back to where the run began goes back to
    // the entry before it rather than leave a copy of it.
    let now = now_ms().unwrap_or_default();
    let by_key = KEY_MS.get().is_some_and(|k| now - k < STEP_WINDOW_MS);
    let step = stepped(&shown_state, &FinderState::from_query(query)).filter(|_| by_key);
    let run = RUN.take();
    if let (Some(field), Some(run)) = (step, run)
        && run.field == field
        && now - run.at_ms < STEP_WINDOW_MS
    {
        if run.before == query {
            let _ = history.back();
            return;
        }
        replace();
        RUN.set(Some(Run { at_ms: now, ..run }));
        return;
    }
    RUN.set(step.map(|field| Run {
        field,
        at_ms: now,
        before: shown_state.to_query(),
    }));
    // A facility page opened from the list says so in its entry.
    let from_list = FROM_LIST.take().filter(|id| {
        FinderState::from_query(query)
            .facility
            .is_some_and(|f| f.id == *id)
    });
    let state = match from_list {
        Some(id) => {
            let marked = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&marked, &FROM_LIST_KEY.into(), &id.into());
            marked.into()
        }
        None => wasm_bindgen::JsValue::NULL,
    };
    let _ = history.push_state_with_url(&state, "", Some(&url));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_step_is_one_choice_changed_alone() {
        use super::*;
        let at = |lon: f64, source: Source, function: ServiceFunction| FinderState {
            function: Some(function),
            position: Some(LonLat::new(lon, 39.93)),
            source: Some(source),
            ..FinderState::default()
        };
        let community = |n: u32| Source::Community(format!("东城区 交道口街道 示例第{n}社区"));
        let meals = ServiceFunction::Meals;
        let a = at(116.41, community(1), meals);
        // Another community is a choice of its own, not a step.
        let b = at(116.42, community(2), meals);
        assert_eq!(stepped(&a, &b), None);
        // One choice alone: the service, the walk, "open", also through
        // the URL, as the page compares them.
        let health = at(116.41, community(1), ServiceFunction::Health);
        assert_eq!(stepped(&a, &health), Some(Stepped::Function));
        assert_eq!(
            stepped(
                &FinderState::from_query(&a.to_query()),
                &FinderState::from_query(&health.to_query())
            ),
            Some(Stepped::Function)
        );
        let longer = FinderState {
            walk_minutes: 30,
            ..a.clone()
        };
        assert_eq!(stepped(&a, &longer), Some(Stepped::Walk));
        let now = FinderState {
            open: OpenChoice::Now,
            ..a.clone()
        };
        assert_eq!(stepped(&a, &now), Some(Stepped::Open));
        // Two choices at once, a tap on the map, or nothing: no step.
        let other_service = at(116.42, community(2), ServiceFunction::Health);
        assert_eq!(stepped(&a, &other_service), None);
        let both = FinderState {
            walk_minutes: 30,
            ..health.clone()
        };
        assert_eq!(stepped(&a, &both), None);
        let tapped = at(116.42, Source::Map, meals);
        assert_eq!(stepped(&a, &tapped), None);
        assert_eq!(stepped(&a, &a), None);
    }

    use super::*;

    #[test]
    fn clearing_the_other_filters_keeps_what_where_and_how_far() {
        let searched = FinderState {
            function: Some(ServiceFunction::Meals),
            free_places: true,
            max_price_yuan: Some(20),
            walk_minutes: 30,
            senior: true,
            position: Some(LonLat::new(116.4, 39.9)),
            ..FinderState::default()
        };
        let cleared = searched.without_other_filters();
        assert_eq!(
            cleared,
            FinderState {
                function: Some(ServiceFunction::Meals),
                walk_minutes: 30,
                senior: true,
                position: Some(LonLat::new(116.4, 39.9)),
                ..FinderState::default()
            }
        );
        // Nothing else to clear: the same.
        assert_eq!(cleared.without_other_filters(), cleared);
    }

    #[test]
    fn every_field_round_trips() {
        let state = FinderState {
            function: Some(ServiceFunction::InfantCare),
            categories: vec![Category::Affordable, Category::BasicPublic],
            walk_minutes: 20,
            senior: true,
            open: OpenChoice::Now,
            free_places: true,
            age: Some(AgeBand::Under3),
            max_price_yuan: Some(4000),
            position: Some(LonLat::new(116.4265, 39.9245)),
            source: Some(Source::Map),
            facility: Some(FacilityRef {
                id: "110101-00001".to_owned(),
                district: "110101".to_owned(),
            }),
            page: Page::Finder,
        };
        let query = state.to_query();
        assert_eq!(
            query,
            "svc=infant_care&cat=affordable,basic&walk=20&speed=senior&open=now&free=1&age=0-3&max=4000&pos=116.42650,39.92450&src=map&fac=110101-00001&fd=110101"
        );
        assert_eq!(FinderState::from_query(&query), state);
        assert_eq!(FinderState::from_query(&format!("?{query}")), state);
        let at = time_from_code("2026-10-01T10:30").unwrap();
        let community = FinderState {
            open: OpenChoice::At(at),
            source: Some(Source::Community(
                "东城区 交道口街道 示例第18社区".to_owned(),
            )),
            ..state
        };
        let query = community.to_query();
        assert!(
            query.contains("open=2026-10-01T10%3A30") || query.contains("open=2026-10-01T10:30")
        );
        assert!(
            query.contains("near=%E4%B8%9C%E5%9F%8E%E5%8C%BA%20"),
            "{query}"
        );
        assert_eq!(FinderState::from_query(&query), community);
        let survey = FinderState {
            page: Page::Survey,
            ..FinderState::default()
        };
        assert_eq!(survey.to_query(), "p=survey");
        assert_eq!(FinderState::from_query("p=survey"), survey);
    }

    #[test]
    fn defaults_make_an_empty_query_and_bad_input_is_ignored() {
        assert_eq!(FinderState::default().to_query(), "");
        assert_eq!(FinderState::from_query(""), FinderState::default());
        // A source without a position, a facility without its district, a
        // broken escape and an impossible time are all dropped.
        let partial = FinderState::from_query("src=gps&fac=x&near=%E4%B8&open=2026-13-01T10:00");
        assert_eq!(partial, FinderState::default());
        let odd = FinderState::from_query(
            "svc=karaoke&walk=17&age=99&max=-5&cat=free,commercial&x=1&speed",
        );
        assert_eq!(
            odd,
            FinderState {
                categories: vec![Category::Commercial],
                ..FinderState::default()
            }
        );
    }

    #[test]
    fn escapes_in_either_case_read_the_same() {
        let upper = "pos=116.41700%2C39.92900&open=2026-10-01T10%3A30&cat=basic%2Caffordable";
        let lower = "pos=116.41700%2c39.92900&open=2026-10-01T10%3a30&cat=basic%2caffordable";
        let state = FinderState::from_query(upper);
        assert!(state.position.is_some());
        assert_eq!(state.categories.len(), 2);
        assert!(matches!(state.open, OpenChoice::At(_)));
        assert_eq!(FinderState::from_query(lower), state);
        // Written plainly, where we escape: the same again.
        assert_eq!(
            FinderState::from_query(
                "pos=116.41700,39.92900&open=2026-10-01T10:30&cat=basic,affordable"
            ),
            state
        );
    }

    #[test]
    fn the_senior_band_survives_a_link_in_every_form() {
        let senior = FinderState {
            age: Some(AgeBand::Senior),
            ..FinderState::default()
        };
        assert_eq!(senior.to_query(), "age=60plus");
        // As written before (`+` reads as a space in a query), escaped by a
        // messenger, and as written now.
        for query in ["age=60+", "age=60%2B", "age=60%2b", "age=60plus"] {
            assert_eq!(FinderState::from_query(query), senior, "{query}");
        }
        for band in AGE_BANDS {
            let state = FinderState {
                age: Some(band),
                ..FinderState::default()
            };
            assert_eq!(FinderState::from_query(&state.to_query()), state);
        }
    }

    #[test]
    fn filters_follow_the_state() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 10, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let state = FinderState::from_query("svc=meals&open=now&speed=senior&max=15");
        let filters = state.filters(now);
        assert_eq!(filters.functions, [ServiceFunction::Meals]);
        assert_eq!(filters.open, OpenAt::At(now));
        assert_eq!(filters.walking, WalkingModel::SENIOR);
        assert_eq!(filters.max_price_yuan, Some(15.0));
    }
}
