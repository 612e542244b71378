//! The map: the resident's position, the walking range and the results as
//! markers, drawn as SVG in Web Mercator, with optional raster tiles.
//!
//! Everything is drawn by the app itself, so the map needs no library and
//! no request to work: with no tile server configured, or none reachable
//! (offline), it still shows the range, the markers and a scale bar.
//! Tiles come from the URL template in `<meta name="linli-tiles">`
//! (`{z}`, `{x}`, `{y}`); a third-party tile server learns which area is
//! viewed, so the default is none, and a deployment points it at its own
//! server. The projection and tile arithmetic are plain functions with
//! native tests; [`Map`] only draws.

use leptos::prelude::*;
use linli_facilities::geometry::LonLat;
use wasm_bindgen::JsCast;

use crate::Later;
use crate::i18n::Lang;
use crate::rows::ResultRow;

/// Tile edge, in pixels.
pub const TILE_PX: f64 = 256.0;
/// Map width, in SVG units (pixels at zoom scale 1).
pub const WIDTH: f64 = 640.0;
/// Map height, in SVG units.
pub const HEIGHT: f64 = 400.0;
/// The deepest zoom level the map uses.
pub const MAX_ZOOM: u8 = 18;
/// The share of the canvas height the walking range's radius spans.
pub const FILL: f64 = 0.42;

/// Equatorial circumference over 256 pixels: metres per pixel at zoom 0 on
/// the equator, in Web Mercator.
const METRES_PER_PX_Z0: f64 = 156_543.033_928;

/// A position in world pixels at `zoom` (Web Mercator, origin top left);
/// the zoom may be fractional.
pub fn world_px(p: LonLat, zoom: f64) -> (f64, f64) {
    let size = TILE_PX * zoom.exp2();
    let x = (p.lon + 180.0) / 360.0 * size;
    let lat = p.lat.clamp(-85.051_128, 85.051_128).to_radians();
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    (x, y)
}

/// The position at world pixels `(x, y)` at `zoom`.
pub fn lonlat_at(x: f64, y: f64, zoom: f64) -> LonLat {
    let size = TILE_PX * zoom.exp2();
    let lon = x / size * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * y / size);
    LonLat::new(lon, n.sinh().atan().to_degrees())
}

/// What the map shows: a centre and a zoom level, on a
/// [`WIDTH`] × [`HEIGHT`] canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// The centre of the map.
    pub center: LonLat,
    /// The Web Mercator zoom level, fractional so that the walking range
    /// always fills the map.
    pub zoom: f64,
}

/// One tile to draw: its address and where its top left corner goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tile {
    /// Zoom level.
    pub z: u8,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
    /// Left edge on the canvas, in SVG units.
    pub left: i32,
    /// Top edge on the canvas, in SVG units.
    pub top: i32,
    /// Edge length on the canvas, in SVG units (the tile is scaled when the
    /// zoom is fractional).
    pub size: u32,
}

impl View {
    /// The zoom at which a circle of `radius_m` metres around `center`
    /// spans [`FILL`] of the canvas height (never deeper than
    /// [`MAX_ZOOM`]).
    pub fn fit(center: LonLat, radius_m: f64) -> View {
        let room_px = FILL * HEIGHT;
        let at_zero = radius_m.max(1.0) / metres_per_px(center.lat, 0.0);
        let zoom = (room_px / at_zero).log2().clamp(0.0, f64::from(MAX_ZOOM));
        View { center, zoom }
    }

    /// The view that shows the box `[west, south, east, north]` (WGS-84
    /// degrees) as large as fits within `fill` (0 to 1) of a canvas
    /// [`WIDTH`] units wide, centred (never deeper than [`MAX_ZOOM`]); and
    /// that canvas's height, in units: [`HEIGHT`], or up to `tallest` for a
    /// box taller than the canvas's shape (whole units), so that a tall box
    /// is drawn larger rather than in a narrow strip.
    pub fn fit_box(bbox: [f64; 4], fill: f64, tallest: f64) -> (View, f64) {
        let [w, s, e, n] = bbox;
        let (x0, y0) = world_px(LonLat::new(w, n), 0.0);
        let (x1, y1) = world_px(LonLat::new(e, s), 0.0);
        let span_x = (x1 - x0).max(1e-9);
        let span_y = (y1 - y0).max(1e-9);
        let height = (WIDTH * span_y / span_x)
            .clamp(HEIGHT, tallest.max(HEIGHT))
            .round();
        let scale = (fill * WIDTH / span_x).min(fill * height / span_y);
        let zoom = scale.log2().clamp(0.0, f64::from(MAX_ZOOM));
        let center = lonlat_at((x0 + x1) / 2.0, (y0 + y1) / 2.0, 0.0);
        (View { center, zoom }, height)
    }

    /// Canvas coordinates of `p`.
    pub fn to_canvas(&self, p: LonLat) -> (f64, f64) {
        self.to_canvas_of_height(p, HEIGHT)
    }

    /// Canvas coordinates of `p` on a canvas [`WIDTH`] units wide and
    /// `height` units high, centred on the view's centre.
    pub fn to_canvas_of_height(&self, p: LonLat, height: f64) -> (f64, f64) {
        let (cx, cy) = world_px(self.center, self.zoom);
        let (x, y) = world_px(p, self.zoom);
        (x - cx + WIDTH / 2.0, y - cy + height / 2.0)
    }

    /// The position under canvas point `(x, y)`.
    pub fn from_canvas(&self, x: f64, y: f64) -> LonLat {
        let (cx, cy) = world_px(self.center, self.zoom);
        lonlat_at(cx + x - WIDTH / 2.0, cy + y - HEIGHT / 2.0, self.zoom)
    }

    /// How many canvas units `metres` span at the centre.
    pub fn px(&self, metres: f64) -> f64 {
        metres / metres_per_px(self.center.lat, self.zoom)
    }

    /// The tiles covering the canvas, row by row, from the tile level
    /// just above the zoom, scaled up to it.
    pub fn tiles(&self) -> Vec<Tile> {
        let z = self.zoom.floor();
        let scale = (self.zoom - z).exp2();
        let edge = TILE_PX * scale;
        let (cx, cy) = world_px(self.center, self.zoom);
        let (left, top) = (cx - WIDTH / 2.0, cy - HEIGHT / 2.0);
        let count = 1i64 << (z as u32);
        let first_col = (left / edge).floor() as i64;
        let last_col = ((left + WIDTH) / edge).floor() as i64;
        let first_row = ((top / edge).floor() as i64).max(0);
        let last_row = (((top + HEIGHT) / edge).floor() as i64).min(count - 1);
        let mut out = Vec::new();
        for row in first_row..=last_row {
            for col in first_col..=last_col {
                let (x0, y0) = (col as f64 * edge - left, row as f64 * edge - top);
                out.push(Tile {
                    z: z as u8,
                    x: col.rem_euclid(count) as u32,
                    y: row as u32,
                    left: x0.floor() as i32,
                    top: y0.floor() as i32,
                    // One unit of overlap hides seams between scaled tiles.
                    size: edge.ceil() as u32 + 1,
                });
            }
        }
        out
    }
}

/// Metres per pixel at latitude `lat` and `zoom`.
fn metres_per_px(lat: f64, zoom: f64) -> f64 {
    METRES_PER_PX_Z0 * lat.to_radians().cos() / zoom.exp2()
}

/// What the marker of one result shows: whose it is, where on the canvas
/// (SVG units, rounded) and what a screen reader announces.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker {
    id: String,
    x: i32,
    y: i32,
    label: String,
}

/// The marker of `row`, the result at `rank` (from 0), drawn at `(x, y)`
/// on the canvas ([`spread`]).
fn marker_at((x, y): (f64, f64), rank: usize, row: &ResultRow, lang: Lang) -> Marker {
    let label = match lang {
        Lang::Zh => format!(
            "第 {} 个：{}，步行约 {} 分钟",
            rank + 1,
            row.name.zh,
            row.walk_minutes
        ),
        Lang::En => format!(
            "Result {}: {}, about {} min walk",
            rank + 1,
            row.name.en.as_deref().unwrap_or(&row.name.zh),
            row.walk_minutes
        ),
    };
    Marker {
        id: row.id.clone(),
        x: x.round() as i32,
        y: y.round() as i32,
        label,
    }
}

/// Where the canvas lies in the map's box, `width` × `height` CSS pixels:
/// the SVG covers the box (`preserveAspectRatio="xMidYMid slice"`), so on
/// a phone, whose map is square, the canvas's sides are cut off and the
/// walking range is drawn larger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Canvas units per CSS pixel.
    pub units_per_px: f64,
    /// The canvas point at the box's top left corner.
    pub left: f64,
    /// See `left`.
    pub top: f64,
    /// The canvas point at the box's bottom edge.
    pub bottom: f64,
}

impl Fit {
    /// The fit of a box `width` × `height` CSS pixels (both above 0).
    pub fn of_box(width: f64, height: f64) -> Fit {
        let units_per_px = 1.0 / (width / WIDTH).max(height / HEIGHT);
        let (shown_w, shown_h) = (width * units_per_px, height * units_per_px);
        let top = (HEIGHT - shown_h) / 2.0;
        Fit {
            units_per_px,
            left: (WIDTH - shown_w) / 2.0,
            top,
            bottom: top + shown_h,
        }
    }

    /// `p` (canvas units) moved, if need be, so that a circle of `radius`
    /// around it lies in the part of the canvas on screen.
    pub fn keep_in_view(&self, (x, y): (f64, f64), radius: f64) -> (f64, f64) {
        let right = WIDTH - self.left;
        let clamp = |v: f64, low: f64, high: f64| {
            if low > high {
                (low + high) / 2.0
            } else {
                v.max(low).min(high)
            }
        };
        (
            clamp(x, self.left + radius, right - radius),
            clamp(y, self.top + radius, self.bottom - radius),
        )
    }

    /// The canvas point `x`, `y` CSS pixels from the box's top left corner.
    pub fn to_canvas(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.left + x * self.units_per_px,
            self.top + y * self.units_per_px,
        )
    }
}

/// Keeps the map's `--u` at the canvas units per CSS pixel of the drawn
/// map, `--left` and `--bottom` at the canvas's visible edges, and `fit`
/// at the whole [`Fit`].
/// The SVG scales its [`WIDTH`]-unit canvas to its box, which on a phone
/// is about half as wide; the CSS scales markers, their numbers, the
/// position and the scale's label by `--u`, so that they keep one size on
/// screen and a 12 px number is not drawn 6 px high, and keeps the scale
/// bar in the visible corner. A `ResizeObserver` sees every change of the
/// map's box (a layout breakpoint, a scroll bar appearing), not only a
/// resized window. Set through the CSS object model: the content security
/// policy refuses `style` attributes.
///
/// `text_now` is kept at [`page_text_scale`], read at the same moments: a
/// change of the browser's text size reflows the page around the map.
fn keep_fit(svg_ref: NodeRef<leptos::svg::Svg>, fit_now: RwSignal<Fit>, text_now: RwSignal<f64>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    svg_ref.on_load(move |svg| {
        let element: web_sys::SvgElement = svg.unchecked_into();
        let measured = element.clone();
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
            let rect = measured.get_bounding_client_rect();
            if rect.width() > 0.0 && rect.height() > 0.0 {
                let fit = Fit::of_box(rect.width(), rect.height());
                let style = measured.style();
                let px = |v: f64| format!("{}px", crate::num::fixed(v, 2));
                let _ = style.set_property("--u", &crate::num::fixed(fit.units_per_px, 3));
                let _ = style.set_property("--left", &px(fit.left));
                let _ = style.set_property("--bottom", &px(fit.bottom));
                // Markers are spread by their size in canvas units and kept
                // in the visible part: small changes are let go, so that a
                // resize does not spread the markers again at every step.
                let was = fit_now.get_untracked();
                if (fit.units_per_px / was.units_per_px - 1.0).abs() > 0.01
                    || (fit.left - was.left).abs() > 1.0
                    || (fit.top - was.top).abs() > 1.0
                {
                    fit_now.set(fit);
                }
                let text = page_text_scale();
                if (text / text_now.get_untracked() - 1.0).abs() > 0.01 {
                    text_now.set(text);
                }
            }
        });
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&element);
        let kept = send_wrapper::SendWrapper::new((observer, on_resize));
        on_cleanup(move || kept.0.disconnect());
    });
}

/// A marker's radius on screen, in CSS pixels at the browser's default
/// text size (the CSS draws its circle `r` 14 px, or 17 px in 长辈模式, in
/// `rem`, scaled by `--u`); multiply by [`user_text_scale`] for the size
/// at the resident's own text size.
pub fn marker_radius_px(elder: bool) -> f64 {
    if elder { 17.0 } else { 14.0 }
}

/// The root font size at the browser's default text size (16 px), in CSS
/// pixels: 112.5 % of it (`html` in style/main.css).
pub const ROOT_PX: f64 = 18.0;

/// The same in 长辈模式: 140.625 % (`html.elder` in style/main.css).
pub const ELDER_ROOT_PX: f64 = 22.5;

/// How much larger than the default the resident has set the browser's
/// text (1.0 at the default, 2.0 at 200 %), from the root element's font
/// size `root_px` (CSS pixels) read in the mode `elder` says: the markers'
/// numbers are sized in `rem` and grow with the text, so their size on
/// screen, the room they are set apart by and a tap's reach grow by this
/// factor too. A size that cannot be read counts as the default.
pub fn user_text_scale(root_px: f64, elder: bool) -> f64 {
    let base = if elder { ELDER_ROOT_PX } else { ROOT_PX };
    if root_px.is_finite() && root_px > 0.0 {
        (root_px / base).clamp(0.5, 4.0)
    } else {
        1.0
    }
}

/// [`user_text_scale`] of the page as drawn now (browser adapter: reads the
/// root element's computed font size and its `elder` class together).
fn page_text_scale() -> f64 {
    let Some(window) = web_sys::window() else {
        return 1.0;
    };
    let Some(root) = window.document().and_then(|d| d.document_element()) else {
        return 1.0;
    };
    let px = window
        .get_computed_style(&root)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("font-size").ok())
        // JavaScript's parseFloat reads "22.5px" (Rust's float parser
        // would add kilobytes to the download for this one number).
        .map_or(f64::NAN, |v| js_sys::Number::parse_float(&v));
    user_text_scale(px, root.class_list().contains("elder"))
}

/// Points on the canvas by grid cells `size` canvas units wide (points off
/// the canvas count in its edge cells), for finding the points near one
/// without comparing every pair: `order` holds the points' indices cell by
/// cell, cell `c`'s from `start[c]` to `start[c + 1]`.
struct Cells {
    size: f64,
    columns: usize,
    rows: usize,
    start: Vec<usize>,
    order: Vec<usize>,
}

impl Cells {
    /// The cells of `points`; `size` is at least 1.
    fn new(points: &[(f64, f64)], size: f64) -> Cells {
        let mut cells = Cells {
            size,
            columns: (WIDTH / size) as usize + 1,
            rows: (HEIGHT / size) as usize + 1,
            start: Vec::new(),
            order: vec![0; points.len()],
        };
        cells.start = vec![0; cells.columns * cells.rows + 1];
        for &p in points {
            let c = cells.index(p);
            cells.start[c + 1] += 1;
        }
        for c in 1..cells.start.len() {
            cells.start[c] += cells.start[c - 1];
        }
        let mut next = cells.start.clone();
        for (i, &p) in points.iter().enumerate() {
            let c = cells.index(p);
            cells.order[next[c]] = i;
            next[c] += 1;
        }
        cells
    }

    /// The column and row of the cell holding `(x, y)`.
    fn cell(&self, (x, y): (f64, f64)) -> (usize, usize) {
        let column = ((x / self.size).max(0.0) as usize).min(self.columns - 1);
        let row = ((y / self.size).max(0.0) as usize).min(self.rows - 1);
        (column, row)
    }

    fn index(&self, p: (f64, f64)) -> usize {
        let (column, row) = self.cell(p);
        row * self.columns + column
    }

    /// The points in the nine cells around `p`: every point within `size`
    /// of it, and some farther.
    fn near(&self, p: (f64, f64)) -> impl Iterator<Item = usize> + '_ {
        let (column, row) = self.cell(p);
        let (left, right) = (column.saturating_sub(1), (column + 2).min(self.columns));
        (row.saturating_sub(1)..(row + 2).min(self.rows)).flat_map(move |r| {
            let cells = r * self.columns + left..r * self.columns + right;
            self.order[self.start[cells.start]..self.start[cells.end]]
                .iter()
                .copied()
        })
    }
}

/// Where the markers are drawn, given their facilities' places `at` in rank
/// order (canvas units). A marker is drawn at its place unless another's
/// centre is closer than `crowd` (a marker's width), in two steps:
/// - markers whose places lie within `crowd` of the first-ranked of them
///   are set around their mean place, `gap` apart, so that each number can
///   be read and each marker tapped: up to eight on a ring, clockwise from
///   the top in rank order, more on a spiral whose turns are `gap` apart.
///   Facilities in one building are the common case. A group takes the
///   lowest-ranked marker not yet placed and every later one within
///   `crowd` of it, so a chain of markers along a street is not pulled
///   into one ring;
/// - then markers that still overlap (a ring that reaches a neighbour,
///   neighbours a little closer than `crowd`) are pushed apart along the
///   line between them to `gap`, a few rounds, each sharing the push; a
///   map crowded beyond room may keep some overlaps.
pub fn spread(at: &[(f64, f64)], crowd: f64, gap: f64) -> Vec<(f64, f64)> {
    let mut drawn = at.to_vec();
    if crowd.is_nan() || crowd < 1.0 || at.len() < 2 {
        return drawn;
    }
    let cells = Cells::new(at, crowd);
    let mut grouped = vec![false; at.len()];
    let mut group = Vec::new();
    for seed in 0..at.len() {
        if grouped[seed] {
            continue;
        }
        let (sx, sy) = at[seed];
        group.clear();
        for rank in cells.near(at[seed]) {
            let (x, y) = at[rank];
            if !grouped[rank] && (x - sx).hypot(y - sy) < crowd {
                group.push(rank);
            }
        }
        linli_facilities::sort_short_by(&mut group, |a, b| a < b);
        for &rank in &group {
            grouped[rank] = true;
        }
        if group.len() < 2 {
            continue;
        }
        let n = group.len() as f64;
        let mx = group.iter().map(|&r| at[r].0).sum::<f64>() / n;
        let my = group.iter().map(|&r| at[r].1).sum::<f64>() / n;
        let quarter = std::f64::consts::FRAC_PI_2;
        let turn = std::f64::consts::TAU;
        if group.len() <= 8 {
            // Neighbours on a ring of radius r are 2 r sin(π / n) apart.
            let r = gap / (2.0 * (std::f64::consts::PI / n).sin());
            for (i, &rank) in group.iter().enumerate() {
                let angle = turn * i as f64 / n - quarter;
                drawn[rank] = (mx + r * angle.cos(), my + r * angle.sin());
            }
        } else {
            let (mut angle, mut r) = (0.0_f64, gap);
            for &rank in &group {
                drawn[rank] = (
                    mx + r * (angle - quarter).cos(),
                    my + r * (angle - quarter).sin(),
                );
                angle += gap / r;
                r = gap + gap * angle / turn;
            }
        }
    }
    for _ in 0..SPREAD_ROUNDS {
        let cells = Cells::new(&drawn, crowd);
        let mut pushed = false;
        for i in 0..drawn.len() {
            for j in cells.near(drawn[i]) {
                let ((ax, ay), (bx, by)) = (drawn[i], drawn[j]);
                let d = (bx - ax).hypot(by - ay);
                if j <= i || d.is_nan() || d >= crowd {
                    continue;
                }
                // Markers at one point part sideways.
                let (ux, uy) = if d > 1e-9 {
                    ((bx - ax) / d, (by - ay) / d)
                } else {
                    (1.0, 0.0)
                };
                let half = (gap - d) / 2.0;
                drawn[i] = (ax - ux * half, ay - uy * half);
                drawn[j] = (bx + ux * half, by + uy * half);
                pushed = true;
            }
        }
        if !pushed {
            break;
        }
    }
    drawn
}

/// The most rounds in which [`spread`] pushes overlapping markers apart.
const SPREAD_ROUNDS: usize = 8;

/// How far from a marker's centre a tap still chooses it, in CSS pixels
/// at the browser's default text size (times [`user_text_scale`], as the
/// markers grow): half of a 24 px target (WCAG 2.5.8), or of a 48 px one
/// in 长辈模式.
pub fn touch_radius_px(elder: bool) -> f64 {
    if elder { 24.0 } else { 12.0 }
}

/// The rank of the marker nearest to `tap` within `reach`, all in canvas
/// units, given the markers' centres `at` in rank order; the lower rank
/// when two are as near. A marker drawn small is chosen by a tap beside
/// it, and where markers crowd, the one nearest the finger wins rather
/// than whichever is drawn on top.
pub fn marker_near(
    tap: (f64, f64),
    at: impl IntoIterator<Item = (f64, f64)>,
    reach: f64,
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (rank, (x, y)) in at.into_iter().enumerate() {
        let d2 = (x - tap.0).powi(2) + (y - tap.1).powi(2);
        if d2 <= reach * reach && best.is_none_or(|(_, b)| d2 < b) {
            best = Some((rank, d2));
        }
    }
    best.map(|(rank, _)| rank)
}

/// The marker rank an arrow, Home or End key moves the focus to from the
/// marker at `rank`, of `count` markers; `None` for any other key, or at
/// either end.
pub fn marker_key_target(key: &str, rank: usize, count: usize) -> Option<usize> {
    let to = match key {
        "ArrowRight" | "ArrowDown" => rank + 1,
        "ArrowLeft" | "ArrowUp" => rank.checked_sub(1)?,
        "Home" => 0,
        "End" => count.checked_sub(1)?,
        _ => return None,
    };
    (to < count && to != rank).then_some(to)
}

/// Moves the focus to the marker at `rank` (browser adapter). Markers are
/// drawn in rank order; the chosen one's copy on top has no tab index.
fn focus_marker(rank: usize) {
    let marker = document()
        .query_selector_all(".map g.marker[tabindex]")
        .ok()
        .and_then(|all| all.item(rank as u32))
        .and_then(|m| m.dyn_into::<web_sys::SvgElement>().ok());
    if let Some(marker) = marker {
        let _ = marker.focus();
    }
}

/// Fills a tile URL template's `{z}`, `{x}` and `{y}`.
pub fn tile_url(template: &str, tile: Tile) -> String {
    template
        .replace("{z}", &tile.z.to_string())
        .replace("{x}", &tile.x.to_string())
        .replace("{y}", &tile.y.to_string())
}

/// A round length for the scale bar that spans at most `max_px` canvas
/// units: 1, 2 or 5 times a power of ten, in metres.
pub fn scale_bar_m(view: &View, max_px: f64) -> f64 {
    let max_m = max_px / view.px(1.0);
    let mut best = 1.0;
    let mut power = 1.0;
    while power <= max_m {
        for step in [1.0, 2.0, 5.0] {
            if step * power <= max_m {
                best = step * power;
            }
        }
        power *= 10.0;
    }
    best
}

/// A scale bar of at most 120 canvas units in the bottom left corner of a
/// canvas `height` units high, labelled in metres or, from 1 km, in whole
/// kilometres (1, 2, 5, 10 …), in the words the rows use ("200 米").
pub fn scale_bar(view: &View, height: f64, lang: Lang) -> impl IntoView + use<> {
    let metres = scale_bar_m(view, 120.0);
    let px = view.px(metres);
    let label = match (metres >= 1000.0, lang) {
        (true, Lang::Zh) => format!("{} 公里", metres as u32 / 1000),
        (true, Lang::En) => format!("{} km", metres as u32 / 1000),
        (false, Lang::Zh) => format!("{} 米", metres as u32),
        (false, Lang::En) => format!("{} m", metres as u32),
    };
    view! {
        <g class="scale" transform=format!("translate(16 {})", height - 20.0)>
            <path d=format!("M0 -6V0H{}V-6", px.round() as i32) />
            <text x="0" y="-10">{label}</text>
        </g>
    }
}

/// The tile URL template and attribution the page configures, if any
/// (browser adapter: reads `<meta name="linli-tiles">` and
/// `<meta name="linli-tiles-attribution">`).
pub fn configured_tiles() -> Option<(String, String)> {
    let document = web_sys::window()?.document()?;
    let meta = |name: &str| {
        document
            .query_selector(&format!("meta[name=\"{name}\"]"))
            .ok()
            .flatten()
            .and_then(|m| m.get_attribute("content"))
            .filter(|c| !c.trim().is_empty())
    };
    Some((
        meta("linli-tiles")?,
        meta("linli-tiles-attribution").unwrap_or_default(),
    ))
}

/// The map of the search: range circle, position and result markers.
/// Tapping the map moves the search position there (`on_pick`); choosing a
/// marker selects its row (`selected`), and a selected row's marker is
/// highlighted.
#[component]
pub fn Map(
    origin: Signal<LonLat>,
    radius_m: Signal<f64>,
    /// The results, read in place (never cloned as a whole).
    rows: Memo<Vec<ResultRow>>,
    selected: RwSignal<Option<String>>,
    lang: Lang,
    /// Whether 长辈模式 is on: a tap chooses a marker from farther away.
    elder: Signal<bool>,
    /// Tile URL template and attribution; `None` draws no tiles.
    tiles: Option<(String, String)>,
    on_pick: impl Fn(LonLat) + Send + Sync + 'static,
) -> impl IntoView {
    let view = Memo::new(move |_| View::fit(origin.get(), radius_m.get()));
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    // Where the canvas lies in the map's box, measured once it is laid out.
    let fit = RwSignal::new(Fit::of_box(WIDTH, HEIGHT));
    // The browser's text size against its default: markers grow with it.
    let text = RwSignal::new(1.0);
    keep_fit(svg_ref, fit, text);
    // Each result's place on the canvas and where its marker is drawn:
    // markers that would overlap (centres closer than a marker's width)
    // are set apart, a marker's width and 4 px between centres, and kept
    // wholly in the part of the canvas on screen.
    let placed = Memo::new(move |_| {
        let v = view.get();
        let f = fit.get();
        let radius = marker_radius_px(elder.get()) * text.get() * f.units_per_px;
        rows.with(|rows| {
            let at: Vec<(f64, f64)> = rows.iter().map(|row| v.to_canvas(row.position())).collect();
            let mut drawn = spread(&at, 2.0 * radius, 2.0 * radius + 4.0 * f.units_per_px);
            for p in &mut drawn {
                *p = f.keep_in_view(*p, radius);
            }
            at.into_iter().zip(drawn).collect::<Vec<_>>()
        })
    });
    // A tap beside a marker chooses it; elsewhere it moves the search.
    let pick = move |ev: leptos::ev::MouseEvent| {
        let Some(svg) = svg_ref.get() else { return };
        let rect = svg.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return;
        }
        let fit = Fit::of_box(rect.width(), rect.height());
        let (x, y) = fit.to_canvas(
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
        );
        let reach =
            touch_radius_px(elder.get_untracked()) * text.get_untracked() * fit.units_per_px;
        let near = placed.with_untracked(|p| marker_near((x, y), p.iter().map(|m| m.1), reach));
        match near.and_then(|rank| rows.with_untracked(|rows| Some(rows.get(rank)?.id.clone()))) {
            Some(id) => selected.set(Some(id)),
            None => on_pick(view.get_untracked().from_canvas(x, y)),
        }
    };
    let (template, attribution) = tiles.unzip();
    let tile_layer = move || {
        let template = template.clone()?;
        Some(
            view.get()
                .tiles()
                .into_iter()
                .map(|t| {
                    view! {
                        <image
                            class="tile"
                            href=tile_url(&template, t)
                            x=t.left
                            y=t.top
                            width=t.size
                            height=t.size
                        />
                    }
                })
                .collect_view(),
        )
    };
    let scale = move || scale_bar(&view.get(), HEIGHT, lang);
    // The markers are one stop in the tab order, not one per result: the
    // chosen marker's (or the first's) is reachable by Tab, and the arrow
    // keys move between them, so that the list is one Tab away.
    let tab_stop = Memo::new(move |_| {
        selected.with(|s| {
            s.as_ref()
                .and_then(|id| rows.with(|r| r.iter().position(|row| &row.id == id)))
                .unwrap_or(0)
        })
    });
    // The rank of the marker with the keyboard's focus (`:focus-visible`),
    // if any: the copies drawn above the markers (the nearest, the chosen)
    // would hide its focus ring, so a copy of the focused marker draws the
    // ring too.
    let key_focus = RwSignal::new(None::<usize>);
    // The result chosen on the map since the focus came to the markers:
    // Tab from its marker goes on to its row. A marker that is the tab stop
    // only because its row had the focus (a row with the focus is chosen)
    // hands Tab on in the page's order, so that a second round of Tab
    // reaches every row again.
    let chosen_here = StoredValue::new(None::<String>);
    // One marker slot per rank, like the list's rows: a change moves and
    // relabels the markers in place instead of drawing new ones.
    let marker = move |rank: usize| {
        let shown = Memo::new(move |_| {
            let at = placed.with(|p| p.get(rank).map(|m| m.1))?;
            rows.with(|rows| rows.get(rank).map(|row| marker_at(at, rank, row, lang)))
        });
        let id = move || shown.with(|m| m.as_ref().map(|m| m.id.clone()));
        let is_selected = move || {
            shown.with(|m| {
                m.as_ref()
                    .is_some_and(|m| selected.with(|s| s.as_ref() == Some(&m.id)))
            })
        };
        let choose = move || {
            if let Some(id) = shown.with_untracked(|m| m.as_ref().map(|m| m.id.clone())) {
                chosen_here.set_value(Some(id.clone()));
                selected.set(Some(id));
            }
        };
        view! {
            <g
                class="marker"
                class:selected=is_selected
                transform=move || shown.with(|m| m.as_ref().map(|m| format!("translate({} {})", m.x, m.y)))
                data-id=id
                role="button"
                tabindex=move || if tab_stop.get() == rank { "0" } else { "-1" }
                aria-label=move || shown.with(|m| m.as_ref().map(|m| m.label.clone()))
                aria-pressed=move || if is_selected() { "true" } else { "false" }
                on:click=move |ev| {
                    ev.stop_propagation();
                    choose();
                }
                on:focus=move |ev: leptos::ev::FocusEvent| {
                    key_focus.set(crate::shows_focus_ring(&ev).then_some(rank));
                    let from_a_marker = ev
                        .related_target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|e| e.class_list().contains("marker"));
                    if !from_a_marker {
                        chosen_here.set_value(None);
                    }
                }
                on:blur=move |_| key_focus.set(None)
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let key = ev.key();
                    if key == "Enter" || key == " " {
                        ev.prevent_default();
                        choose();
                    } else if let Some(to) = marker_key_target(&key, rank, rows.with_untracked(Vec::len)) {
                        ev.prevent_default();
                        focus_marker(to);
                    } else if key == "Tab" && !ev.shift_key() {
                        // Tab from the marker just chosen goes on to its
                        // row, not to the list's first: what was just chosen
                        // is read next.
                        let chosen = shown.with_untracked(|m| {
                            m.as_ref().map(|m| m.id.clone()).filter(|id| {
                                selected.with_untracked(|s| s.as_ref() == Some(id))
                                    && chosen_here.with_value(|c| c.as_ref() == Some(id))
                            })
                        });
                        if chosen.is_some_and(|id| crate::finder::focus_row_link(&id)) {
                            ev.prevent_default();
                        }
                    }
                }
            >
                <circle r="14" />
                <text dy="0.35em">{rank + 1}</text>
            </g>
        }
    };
    // The nearest result's marker again, above the others: markers are
    // drawn in rank order, so a later one nearby would otherwise cover it.
    // Screen readers and the keyboard reach it as the first marker.
    let nearest = move || {
        let at = placed.with(|p| p.first().map(|m| m.1))?;
        let m = rows.with(|rows| rows.first().map(|row| marker_at(at, 0, row, lang)))?;
        let id = m.id;
        Some(view! {
            <g
                class="nearest"
                class:focus=move || key_focus.get() == Some(0)
                aria-hidden="true"
                transform=format!("translate({} {})", m.x, m.y)
                on:click=move |ev| {
                    ev.stop_propagation();
                    selected.set(Some(id.clone()));
                }
            >
                <circle r="14" />
                <text dy="0.35em">"1"</text>
            </g>
        })
    };
    // The selected marker again, drawn on top of the others.
    let highlight = move || {
        let id = selected.get()?;
        let rank = rows.with(|rows| rows.iter().position(|r| r.id == id))?;
        let (x, y) = placed.with(|p| p.get(rank).map(|m| m.1))?;
        Some(view! {
            <g
                class="marker selected top"
                class:focus=move || key_focus.get() == Some(rank)
                aria-hidden="true"
                transform=format!("translate({} {})", x.round() as i32, y.round() as i32)
            >
                <circle r="17" />
                <text dy="0.35em">{rank + 1}</text>
            </g>
        })
    };
    // A line from each marker drawn away from its place to a dot there:
    // the two paths' `d`, made in one pass.
    let moved = Memo::new(move |_| {
        placed.with(|p| {
            let (mut lines, mut dots) = (String::new(), String::new());
            for &((x, y), (mx, my)) in p {
                let (x, y) = (x.round() as i32, y.round() as i32);
                let (mx, my) = (mx.round() as i32, my.round() as i32);
                if (x, y) != (mx, my) {
                    lines.push_str(&format!("M{mx} {my}L{x} {y}"));
                    dots.push_str(&format!("M{x} {y}h0"));
                }
            }
            (lines, dots)
        })
    });
    let caption = match lang {
        Lang::Zh => {
            "地图：圆圈为步行范围，数字为结果序号。点按地图可把查找位置移到该处；用键盘时，方向键在结果之间移动。"
        }
        Lang::En => {
            "Map: the circle is the walking range; numbers are result ranks. Tap the map to search from there; with a keyboard, the arrow keys move between results."
        }
    };
    view! {
        <figure class="map">
            <svg
                node_ref=svg_ref
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="xMidYMid slice"
                role="group"
                aria-label=caption
                on:click=pick
            >
                <rect class="map-bg" width=WIDTH height=HEIGHT />
                {tile_layer}
                <circle
                    class="range"
                    cx=WIDTH / 2.0
                    cy=HEIGHT / 2.0
                    r=move || view.get().px(radius_m.get()).round() as i32
                />
                // In a task after the list's: the frame keeps its size, and
                // a long list of markers would otherwise hold up the list.
                <Later always=true>
                    <path class="leaders" aria-hidden="true" d=move || moved.with(|m| m.0.clone()) />
                    <path class="places" aria-hidden="true" d=move || moved.with(|m| m.1.clone()) />
                    <For each=move || 0..rows.with(Vec::len) key=|rank| *rank children=marker />
                    {nearest}
                    {highlight}
                </Later>
                <g class="origin" transform=format!("translate({} {})", WIDTH / 2.0, HEIGHT / 2.0)>
                    <circle r="7" />
                    <circle r="2.5" class="dot" />
                </g>
                {scale}
            </svg>
            <figcaption>
                {caption}
                {attribution.filter(|a| !a.is_empty()).map(|a| view! { <span class="attribution">{a}</span> })}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_of_the_canvas_shape_shows_all_of_it_and_a_square_cuts_the_sides() {
        // Desktop: the box has the canvas's shape, 320 × 200 px.
        let wide = Fit::of_box(320.0, 200.0);
        assert_eq!(
            (wide.units_per_px, wide.left, wide.top, wide.bottom),
            (2.0, 0.0, 0.0, HEIGHT)
        );
        assert_eq!(wide.to_canvas(160.0, 100.0), (WIDTH / 2.0, HEIGHT / 2.0));
        // A phone's square 300 px box: the height fits, the sides are cut.
        let square = Fit::of_box(300.0, 300.0);
        assert!((square.units_per_px - HEIGHT / 300.0).abs() < 1e-12);
        assert!((square.left - (WIDTH - HEIGHT) / 2.0).abs() < 1e-9);
        assert_eq!((square.top, square.bottom), (0.0, HEIGHT));
        let (x, y) = square.to_canvas(150.0, 150.0);
        assert!((x - WIDTH / 2.0).abs() < 1e-9 && (y - HEIGHT / 2.0).abs() < 1e-9);
        // The walking range (FILL of the height each side) stays in view.
        assert!(square.left < WIDTH / 2.0 - FILL * HEIGHT);
        // A marker near a cut-off side is moved back into view, whole.
        assert_eq!(square.keep_in_view((125.0, 200.0), 20.0), (140.0, 200.0));
        assert_eq!(square.keep_in_view((600.0, 395.0), 20.0), (500.0, 380.0));
        assert_eq!(square.keep_in_view((320.0, 200.0), 20.0), (320.0, 200.0));
        assert_eq!(wide.keep_in_view((10.0, 10.0), 20.0), (20.0, 20.0));
        // A box wider than the canvas cuts top and bottom instead.
        let flat = Fit::of_box(800.0, 200.0);
        assert!(flat.top > 0.0 && flat.bottom < HEIGHT && flat.left == 0.0);
    }

    const DONGSI: LonLat = LonLat::new(116.4170, 39.9290);

    #[test]
    fn a_tap_chooses_the_nearest_marker_within_reach() {
        let at = [(100.0, 100.0), (120.0, 100.0), (300.0, 300.0)];
        // Beside the first, nearer to it than to the second.
        assert_eq!(marker_near((95.0, 100.0), at, 24.0), Some(0));
        // Between the two, nearer to the second, which is drawn on top.
        assert_eq!(marker_near((112.0, 100.0), at, 24.0), Some(1));
        // As near to both: the lower rank.
        assert_eq!(marker_near((110.0, 100.0), at, 24.0), Some(0));
        // Just within reach, and just beyond it.
        assert_eq!(marker_near((300.0, 324.0), at, 24.0), Some(2));
        assert_eq!(marker_near((300.0, 324.1), at, 24.0), None);
        assert_eq!(marker_near((0.0, 0.0), [], 24.0), None);
        assert_eq!(touch_radius_px(true), 2.0 * touch_radius_px(false));
    }

    #[test]
    fn the_text_scale_is_the_browsers_size_against_its_default_in_either_mode() {
        assert_eq!(user_text_scale(ROOT_PX, false), 1.0);
        assert_eq!(user_text_scale(ELDER_ROOT_PX, true), 1.0);
        // The browser's text at 200 %: a root of 36 px, or 45 px in 长辈模式.
        assert_eq!(user_text_scale(36.0, false), 2.0);
        assert_eq!(user_text_scale(45.0, true), 2.0);
        // Small text shrinks the markers, but not past half their size.
        assert_eq!(user_text_scale(13.5, false), 0.75);
        assert_eq!(user_text_scale(4.0, false), 0.5);
        // A size that cannot be read counts as the default.
        assert_eq!(user_text_scale(f64::NAN, true), 1.0);
        assert_eq!(user_text_scale(0.0, false), 1.0);
    }

    fn no_two_closer(points: &[(f64, f64)], min: f64) {
        for (i, a) in points.iter().enumerate() {
            for b in &points[i + 1..] {
                assert!(
                    (a.0 - b.0).hypot(a.1 - b.1) >= min - 1e-9,
                    "{a:?} and {b:?}"
                );
            }
        }
    }

    #[test]
    fn markers_at_one_place_are_set_apart_and_others_stay_put() {
        let dist = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1);
        // Three in one building, one 60 units away, one far away.
        let at = [
            (200.0, 200.0),
            (201.0, 199.0),
            (420.0, 100.0),
            (200.0, 201.0),
            (260.0, 200.0),
        ];
        let drawn = spread(&at, 20.0, 32.0);
        assert_eq!(drawn[2], at[2], "a marker alone stays at its place");
        assert_eq!(drawn[4], at[4], "one the ring does not reach stays too");
        let ring = [drawn[0], drawn[1], drawn[3]];
        for (i, a) in ring.iter().enumerate() {
            for b in &ring[i + 1..] {
                assert!((dist(*a, *b) - 32.0).abs() < 1e-9, "{a:?} {b:?}");
            }
            // Around the three's mean place.
            assert!((dist(*a, (200.0 + 1.0 / 3.0, 200.0)) - 32.0 / 3f64.sqrt()).abs() < 1e-9);
        }
        // The first-ranked of them at the top, the others clockwise.
        assert!(drawn[0].1 < drawn[1].1 && drawn[1].0 > drawn[3].0);
        // Twenty at one place: a spiral, no two closer than the gap.
        let many = vec![(300.0, 200.0); 20];
        let drawn = spread(&many, 20.0, 32.0);
        for (i, a) in drawn.iter().enumerate() {
            for b in &drawn[i + 1..] {
                assert!(dist(*a, *b) >= 32.0 * 0.99, "{a:?} {b:?}");
            }
        }
        // A chain of markers 15 units apart is not pulled into one ring:
        // each group is the first free marker and those near it.
        let chain: Vec<(f64, f64)> = (0..6)
            .map(|i| (100.0 + 15.0 * f64::from(i), 50.0))
            .collect();
        let drawn = spread(&chain, 20.0, 32.0);
        for pair in [(0, 1), (2, 3), (4, 5)] {
            let centre = ((chain[pair.0].0 + chain[pair.1].0) / 2.0, 50.0);
            assert!((dist(drawn[pair.0], centre) - 16.0).abs() < 1e-9);
        }
        // A marker that the ring reaches (the ring's right one is 16 units
        // from it) is pushed clear, and so is the ring's marker.
        let reached = [
            (200.0, 200.0),
            (201.0, 199.0),
            (200.0, 201.0),
            (230.0, 200.0),
        ];
        let drawn = spread(&reached, 20.0, 32.0);
        assert!(drawn[3] != reached[3]);
        no_two_closer(&drawn, 20.0);
        // A crowded map that still has room: 60 markers over a quarter of
        // the canvas, seeded, 20 of the 40 places twice.
        let mut seeded = linli_facilities::seeded::SplitMix64::new(7);
        let mut crowded: Vec<(f64, f64)> = (0..40)
            .map(|_| (200.0 + 320.0 * seeded.unit(), 100.0 + 200.0 * seeded.unit()))
            .collect();
        crowded.extend_from_slice(&crowded.clone()[..20]);
        no_two_closer(&spread(&crowded, 20.0, 24.0), 20.0);
        // Places off the canvas are grouped too (they share the edge cells).
        let off = [
            (-50.0, -50.0),
            (-45.0, -48.0),
            (900.0, 500.0),
            (905.0, 500.0),
            (-50.0, 450.0),
        ];
        let drawn = spread(&off, 20.0, 32.0);
        assert!((dist(drawn[0], drawn[1]) - 32.0).abs() < 1e-9);
        assert!((dist(drawn[2], drawn[3]) - 32.0).abs() < 1e-9);
        assert_eq!(drawn[4], off[4]);
        assert_eq!(spread(&[], 20.0, 32.0), vec![]);
        assert_eq!(spread(&at, 0.0, 32.0), at.to_vec());
    }

    #[test]
    fn arrow_keys_move_between_markers_and_stop_at_the_ends() {
        for (key, rank, count, to) in [
            ("ArrowRight", 0, 3, Some(1)),
            ("ArrowDown", 1, 3, Some(2)),
            ("ArrowRight", 2, 3, None),
            ("ArrowLeft", 2, 3, Some(1)),
            ("ArrowUp", 0, 3, None),
            ("Home", 2, 3, Some(0)),
            ("Home", 0, 3, None),
            ("End", 0, 3, Some(2)),
            ("End", 0, 0, None),
            ("Tab", 0, 3, None),
            ("a", 1, 3, None),
        ] {
            assert_eq!(
                marker_key_target(key, rank, count),
                to,
                "{key} from {rank} of {count}"
            );
        }
    }

    #[test]
    fn projection_round_trips_and_matches_the_tile_scheme() {
        for z in [0.0, 10.0, 15.3, 18.0] {
            let (x, y) = world_px(DONGSI, z);
            let back = lonlat_at(x, y, z);
            assert!(DONGSI.distance_m(back) < 0.01, "zoom {z}");
        }
        // Beijing's centre lies in tile 13489/6208 at zoom 14 (the standard
        // slippy-map scheme).
        let (x, y) = world_px(LonLat::new(116.3975, 39.9087), 14.0);
        assert_eq!(((x / TILE_PX) as u32, (y / TILE_PX) as u32), (13489, 6208));
    }

    #[test]
    fn a_box_fills_the_canvas_on_its_longer_side() {
        // Haidian-sized: taller than wide on the 640 × 400 canvas.
        let bbox = [116.20, 39.90, 116.40, 40.10];
        let (v, height) = View::fit_box(bbox, 0.9, HEIGHT);
        assert_eq!(height, HEIGHT);
        let (x0, y0) = v.to_canvas(LonLat::new(bbox[0], bbox[3]));
        let (x1, y1) = v.to_canvas(LonLat::new(bbox[2], bbox[1]));
        assert!((y1 - y0 - 0.9 * HEIGHT).abs() < 1e-6, "{y0} {y1}");
        assert!(x1 - x0 < 0.9 * WIDTH);
        assert!(((x0 + x1) / 2.0 - WIDTH / 2.0).abs() < 1e-6);
        assert!(((y0 + y1) / 2.0 - HEIGHT / 2.0).abs() < 1e-6);
    }

    #[test]
    fn a_tall_box_gets_a_taller_canvas_up_to_the_limit() {
        // Twice as tall as wide (in Web Mercator): a canvas of 1,280 units
        // would have its shape; 800 is the limit.
        let tall = [116.20, 39.80, 116.30, 39.80 + 0.2 * 0.7676];
        let (v, height) = View::fit_box(tall, 0.9, 800.0);
        assert_eq!(height, 800.0);
        let (x0, y0) = v.to_canvas_of_height(LonLat::new(tall[0], tall[3]), height);
        let (x1, y1) = v.to_canvas_of_height(LonLat::new(tall[2], tall[1]), height);
        assert!((y1 - y0 - 0.9 * 800.0).abs() < 1e-6, "{y0} {y1}");
        assert!(((y0 + y1) / 2.0 - 400.0).abs() < 1e-6);
        assert!(((x0 + x1) / 2.0 - WIDTH / 2.0).abs() < 1e-6);
        // Between the two: the box's own shape.
        let (_, height) = View::fit_box([116.20, 39.80, 116.30, 39.85], 0.9, 800.0);
        assert!(height > HEIGHT && height < 800.0, "{height}");
        // Wider than the canvas: the usual height.
        let (_, height) = View::fit_box([116.0, 39.8, 116.5, 39.9], 0.9, 800.0);
        assert_eq!(height, HEIGHT);
    }

    #[test]
    fn the_walking_range_fits_and_the_centre_is_in_the_middle() {
        for radius in [231.0, 692.0, 1385.0] {
            let v = View::fit(DONGSI, radius);
            let r = v.px(radius);
            assert!((r - FILL * HEIGHT).abs() < 1e-6, "{radius} m is {r} px");
            assert_eq!(v.to_canvas(DONGSI), (WIDTH / 2.0, HEIGHT / 2.0));
            let east = v.from_canvas(WIDTH / 2.0 + r, HEIGHT / 2.0);
            let off = (DONGSI.distance_m(east) - radius).abs();
            assert!(off < radius * 0.01, "{off} m off");
        }
    }

    #[test]
    fn tiles_cover_the_canvas() {
        let v = View::fit(DONGSI, 692.0);
        let tiles = v.tiles();
        assert!(tiles.iter().all(|t| f64::from(t.z) == v.zoom.floor()));
        let covers = |x: i32, y: i32| {
            tiles.iter().any(|t| {
                let size = t.size as i32;
                (t.left..t.left + size).contains(&x) && (t.top..t.top + size).contains(&y)
            })
        };
        for (x, y) in [(0, 0), (639, 0), (0, 399), (639, 399), (320, 200)] {
            assert!(covers(x, y), "({x}, {y})");
        }
        let url = tile_url("https://t.example/{z}/{x}/{y}.png", tiles[0]);
        assert_eq!(
            url,
            format!(
                "https://t.example/{}/{}/{}.png",
                tiles[0].z, tiles[0].x, tiles[0].y
            )
        );
    }

    #[test]
    fn scale_bars_are_round() {
        let v = View::fit(DONGSI, 692.0);
        let m = scale_bar_m(&v, 120.0);
        assert!([100.0, 200.0, 500.0].contains(&m), "{m}");
        assert!(v.px(m) <= 120.0);
    }
}
