//! The district staff dashboard, its own app at `/staff/` (binary
//! `staff`, so that residents never download it): demand against supply
//! for one district, from the collector's research API.
//!
//! The staff member gives the access token their district was issued; it
//! is kept in sessionStorage (`linli.staff.token`), so it is forgotten
//! when the tab closes, and sent only as `Authorization: Bearer …` to the
//! app's own collector. What is shown was computed and disclosure-checked
//! by the collector (`linli_survey::publish`); withheld cells stay
//! withheld here ("—"), never replaced by zero.

use leptos::prelude::*;
use linli_facilities::model::ServiceFunction;
use linli_survey::gap::{Gap, Supply};
use linli_survey::publish::{DistrictDemand, Row};
use linli_survey::questionnaire::{AGE_BANDS, PAY_BANDS};
use serde::Deserialize;
use wasm_bindgen::JsCast;

use crate::i18n::{Lang, Msg, function_label};
use crate::map::View;
use crate::survey::pay_label;

const TOKEN_KEY: &str = "linli.staff.token";
/// The research API, relative to the dashboard's page (`/staff/`).
const API: &str = "../api/v1";
/// How many gaps the ranking table lists; the downloads have them all.
const SHOWN_GAPS: usize = 20;
/// How many of them it lists until asked for the rest: on a phone each
/// gap is a card, and twenty of them put the map screens further down.
const FIRST_GAPS: usize = 5;

/// `GET /api/v1/access`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccessDoc {
    /// `district` or `city`.
    pub scope: String,
    /// Who the token was made for.
    pub label: String,
    /// Whether raw responses may be exported.
    pub raw_export: bool,
    /// The districts the token reads.
    pub districts: Vec<DistrictDoc>,
}

/// One district in [`AccessDoc`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DistrictDoc {
    /// GB/T 2260 code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Whether any answers are stored for it.
    pub has_responses: bool,
}

/// `GET /api/v1/districts/{code}/demand`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DemandDoc {
    /// The district.
    pub district: DistrictName,
    /// The smallest count published.
    pub min_count: u32,
    /// The tables.
    pub demand: DistrictDemand,
    /// Supply around each community; `None` when the collector has no
    /// dataset.
    pub supply: Option<SupplyDoc>,
    /// The gap ranking, largest first.
    pub gaps: Vec<Gap>,
    /// When the page read it (Beijing time): answers keep arriving, so a
    /// figure, or a screenshot of it for a briefing, is as of then.
    #[serde(skip)]
    pub read_at: Option<chrono::NaiveDateTime>,
}

/// The district's names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DistrictName {
    /// GB/T 2260 code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// Supply, and the dataset it was counted from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SupplyDoc {
    /// The dataset's version.
    pub dataset_version: String,
    /// Whether the dataset is sample data.
    pub sample: bool,
    /// Each community with its centre.
    pub communities: Vec<CommunitySupply>,
}

/// Supply around one community.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommunitySupply {
    /// Sub-district.
    pub subdistrict: String,
    /// Community.
    pub community: String,
    /// Centre, WGS-84 longitude in degrees.
    pub lon: f64,
    /// Centre, WGS-84 latitude in degrees.
    pub lat: f64,
    /// What is in reach.
    pub supply: Supply,
}

/// One bar of a chart: its label, its count (`None` when withheld) and its
/// length as a share of the longest bar (0 to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// The count; `None` when withheld.
    pub value: Option<u32>,
    /// Length relative to the longest published bar, 0 to 1.
    pub share: f64,
}

/// Bars for `values`, scaled to the largest published value.
pub fn bars(labels: Vec<String>, values: &[Option<u32>]) -> Vec<Bar> {
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    labels
        .into_iter()
        .zip(values)
        .map(|(label, &value)| Bar {
            label,
            value,
            share: f64::from(value.unwrap_or(0)) / f64::from(max),
        })
        .collect()
}

/// Households that need a service and left its price open: the need less
/// its pay bands, when all of them are published (the published cells
/// already tell it, and disclosure control keeps it from being 1 to 9);
/// withheld when any of them is.
pub fn pay_left_open(need: Option<u32>, pay: &[Option<u32>]) -> Option<u32> {
    let answered = pay.iter().copied().sum::<Option<u32>>()?;
    need?.checked_sub(answered)
}

/// The pay chart's note: of the `need` households needing the service,
/// how many left the price open (`open`, from [`pay_left_open`]), or that
/// this cannot be shown while some of the counts are withheld.
pub fn pay_note(need: Option<u32>, open: Option<u32>, lang: Lang) -> Option<String> {
    Some(match (need?, open, lang) {
        (need, Some(open), Lang::Zh) => {
            format!("需要这项服务的 {need} 户中，另有 {open} 户未回答价格（不在上表中）。")
        }
        (need, Some(open), Lang::En) => format!(
            "Of the {need} households needing it, {open} left the price open (not in the table above)."
        ),
        (_, None, Lang::Zh) => "未回答价格的户数不能公布：部分数字已隐藏。".to_owned(),
        (_, None, Lang::En) => {
            "How many left the price open cannot be shown: some counts are withheld.".to_owned()
        }
    })
}

/// The row for the chosen sub-district, or the district's when `None`.
pub fn row_for<'a>(demand: &'a DistrictDemand, subdistrict: Option<&str>) -> Option<&'a Row> {
    match subdistrict {
        None => Some(&demand.total),
        Some(name) => demand
            .subdistricts
            .iter()
            .find(|s| s.name == name)
            .map(|s| &s.row),
    }
}

/// The gaps of one function, in rank order, within a sub-district when one
/// is chosen.
pub fn gaps_for<'a>(
    gaps: &'a [Gap],
    function: Option<ServiceFunction>,
    subdistrict: Option<&str>,
) -> Vec<&'a Gap> {
    gaps.iter()
        .filter(|g| function.is_none_or(|f| g.function == f))
        .filter(|g| subdistrict.is_none_or(|s| g.subdistrict == s))
        .collect()
}

/// The lower bounds of shade steps 1 to 4. Each step doubles the last: a
/// gap score is a share divided by one more than a count of facilities,
/// so most scores are small (a tenth of households needing a service with
/// one facility in reach scores 0.05), and steps of a tenth drew nearly
/// every community in the lightest shade. The steps are the same for every
/// service, sub-district and district, so maps compare with each other.
pub const SHADE_BOUNDS: [f64; 4] = [0.025, 0.05, 0.1, 0.2];

/// The shade step (0 to 4) of a gap score: 0 is below 0.025, 4 is 0.2 and
/// over ([`SHADE_BOUNDS`]); `None` when the community has no published gap.
/// The score is taken to 3 decimals, as its label says it: 12 of 20
/// households with 2 facilities in reach compute to 0.19999999999999998,
/// which reads "0.200" and is in the step of 0.2.
pub fn shade(score: Option<f64>) -> Option<u8> {
    let thousandths = |x: f64| (x * 1000.0).round() as i64;
    score.map(|s| {
        SHADE_BOUNDS
            .iter()
            .filter(|&&b| thousandths(s) >= thousandths(b))
            .count() as u8
    })
}

/// The legend's label of each shade step (0 to 4), as [`shade`] divides
/// gap scores; each range includes its lower bound.
pub const SHADE_LABELS: [&str; 5] = ["<0.025", "0.025–0.05", "0.05–0.1", "0.1–0.2", "≥0.2"];

/// The radius of a community's dot on the gap map, in canvas units: 10,
/// or less where communities lie close together (0.45 of the median
/// distance from a dot's centre to its nearest neighbour's, so that most
/// dots keep clear of their neighbours), and never under 3, to stay
/// visible. `points` are the dots' centres, in canvas units.
pub fn dot_radius(points: &[(f64, f64)]) -> f64 {
    const LARGEST: f64 = 10.0;
    const SMALLEST: f64 = 3.0;
    let nearest = nearest_distances(points);
    nearest
        .get(nearest.len() / 2)
        .map_or(LARGEST, |median| (0.45 * median).clamp(SMALLEST, LARGEST))
}

/// The distance from each of `points` (those with finite coordinates) to
/// its nearest neighbour, in ascending order; empty for fewer than two.
pub fn nearest_distances(points: &[(f64, f64)]) -> Vec<f64> {
    let mut by_x: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if by_x.len() < 2 {
        return Vec::new();
    }
    by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sweeping out from each point along x on either side until the x
    // distance alone is no nearer than the nearest found.
    let mut nearest: Vec<f64> = (0..by_x.len())
        .map(|i| {
            let (x, y) = by_x[i];
            let mut best = f64::INFINITY;
            for &(ox, oy) in &by_x[i + 1..] {
                if ox - x >= best {
                    break;
                }
                best = best.min((ox - x).hypot(oy - y));
            }
            for &(ox, oy) in by_x[..i].iter().rev() {
                if x - ox >= best {
                    break;
                }
                best = best.min((x - ox).hypot(oy - y));
            }
            best
        })
        .collect();
    nearest.sort_by(f64::total_cmp);
    nearest
}

/// One community on the gap map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// Canvas x, in map pixels.
    pub x: f64,
    /// Canvas y, in map pixels.
    pub y: f64,
    /// The community, with its sub-district (community names repeat from
    /// one sub-district to the next).
    pub community: String,
    /// Its gap score for the chosen function: 0 where its households'
    /// need of it is a published zero; `None` when unpublished.
    pub score: Option<f64>,
    /// With no score: whether enough households answered (its respondents
    /// or its median walk is published, which takes 10) and the counts the
    /// score needs are withheld to protect smaller ones, rather than too
    /// few answered.
    pub hidden: bool,
}

/// The gap map's canvas: [`crate::map::WIDTH`] units wide and `height`
/// high, with the communities on it.
#[derive(Debug, Clone, PartialEq)]
pub struct GapMap {
    /// The view the communities are fitted to (for the scale bar).
    pub view: View,
    /// The canvas height, in map pixels: taller for a district taller than
    /// wide, up to [`GAP_MAP_TALLEST`].
    pub height: f64,
    /// The communities.
    pub points: Vec<MapPoint>,
}

/// The gap map's greatest canvas height, in map pixels.
pub const GAP_MAP_TALLEST: f64 = 720.0;

/// The communities on the map (of one sub-district, when chosen), fitted
/// to a canvas of their area's shape, with their gap scores for `function`.
pub fn map_points(
    communities: &[CommunitySupply],
    demand: &DistrictDemand,
    gaps: &[Gap],
    function: ServiceFunction,
    subdistrict: Option<&str>,
) -> GapMap {
    let slot = ServiceFunction::ALL.iter().position(|&f| f == function);
    let published = |c: &CommunitySupply| {
        demand
            .subdistricts
            .iter()
            .find(|s| s.name == c.subdistrict)?
            .communities
            .iter()
            .find(|x| x.name == c.community)
    };
    // A community with published respondents whose need of the function
    // is a published zero has no gap, which is known: not "no data".
    let no_need = |c: &CommunitySupply| {
        let row = &published(c)?.row;
        (row.respondents.is_some_and(|n| n > 0) && slot.and_then(|f| row.needs[f]) == Some(0))
            .then_some(0.0)
    };
    let answered_enough = |c: &CommunitySupply| {
        published(c).is_some_and(|x| x.row.respondents.is_some() || x.median_walk_minutes.is_some())
    };
    use linli_facilities::geometry::LonLat;
    let shown: Vec<&CommunitySupply> = communities
        .iter()
        .filter(|c| subdistrict.is_none_or(|s| c.subdistrict == s))
        .collect();
    let mut bbox = [180.0_f64, 90.0_f64, -180.0_f64, -90.0_f64];
    for c in &shown {
        bbox = [
            bbox[0].min(c.lon),
            bbox[1].min(c.lat),
            bbox[2].max(c.lon),
            bbox[3].max(c.lat),
        ];
    }
    // A single community, or none, still gets a neighbourhood around it.
    let pad = 0.005;
    if shown.is_empty() {
        let o = crate::SAMPLE_ORIGIN;
        bbox = [o.lon, o.lat, o.lon, o.lat];
    }
    let (view, height) = View::fit_box(
        [bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad],
        0.9,
        GAP_MAP_TALLEST,
    );
    let points = shown
        .iter()
        .map(|c| {
            let (x, y) = view.to_canvas_of_height(LonLat::new(c.lon, c.lat), height);
            let score = gaps
                .iter()
                .find(|g| {
                    g.function == function
                        && g.subdistrict == c.subdistrict
                        && g.community == c.community
                })
                .map(|g| g.score)
                .or_else(|| no_need(c));
            MapPoint {
                x,
                y,
                community: format!("{}（{}）", c.community, c.subdistrict),
                score,
                hidden: score.is_none() && answered_enough(c),
            }
        })
        .collect();
    GapMap {
        view,
        height,
        points,
    }
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn stored_token() -> Option<String> {
    session()?
        .get_item(TOKEN_KEY)
        .ok()?
        .filter(|t| !t.is_empty())
}

fn store_token(token: Option<&str>) {
    if let Some(s) = session() {
        let _ = match token {
            Some(t) => s.set_item(TOKEN_KEY, t),
            None => s.remove_item(TOKEN_KEY),
        };
    }
}

/// Why a request to the research API failed, as the staff member reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiProblem {
    /// 401: the token is wrong or revoked.
    BadToken,
    /// 404 or 403: not readable with this token.
    NotAllowed,
    /// The network or the server failed.
    Failed(String),
}

impl ApiProblem {
    /// What the page says.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (ApiProblem::BadToken, Lang::Zh) => {
                "访问令牌无效或已被撤销，请检查后重新输入。".to_owned()
            }
            (ApiProblem::BadToken, Lang::En) => {
                "The access token is not valid or was revoked. Check it and enter it again."
                    .to_owned()
            }
            (ApiProblem::NotAllowed, Lang::Zh) => "这个令牌不能查看该区的数据。".to_owned(),
            (ApiProblem::NotAllowed, Lang::En) => {
                "This token cannot read that district's data.".to_owned()
            }
            (ApiProblem::Failed(why), Lang::Zh) => format!("无法连接服务器（{why}），请稍后重试。"),
            (ApiProblem::Failed(why), Lang::En) => {
                format!("Could not reach the server ({why}). Please try again later.")
            }
        }
    }
}

async fn get_text(path: String, token: String) -> Result<String, ApiProblem> {
    let response = gloo_net::http::Request::get(&path)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|e| ApiProblem::Failed(e.to_string()))?;
    match response.status() {
        200 => response
            .text()
            .await
            .map_err(|e| ApiProblem::Failed(e.to_string())),
        401 => Err(ApiProblem::BadToken),
        403 | 404 => Err(ApiProblem::NotAllowed),
        status => Err(ApiProblem::Failed(format!("HTTP {status}"))),
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(
    path: String,
    token: String,
) -> Result<T, ApiProblem> {
    let text = get_text(path, token).await?;
    serde_json::from_str(&text).map_err(|e| ApiProblem::Failed(e.to_string()))
}

/// The format of a downloaded file.
#[derive(Debug, Clone, Copy)]
enum FileFormat {
    /// CSV, with the byte-order mark Excel needs to read UTF-8 (the
    /// browser's text decoding dropped the server's).
    Csv,
    /// JSON as the collector published it, without a byte-order mark
    /// (RFC 8259 forbids one).
    Json,
}

/// Saves `text` as a file named `name` through a temporary object URL.
fn save_file(text: &str, name: &str, format: FileFormat) -> Result<(), String> {
    let text = text.trim_start_matches('\u{feff}');
    let (text, mime): (std::borrow::Cow<'_, str>, _) = match format {
        FileFormat::Csv => (format!("\u{feff}{text}").into(), "text/csv;charset=utf-8"),
        FileFormat::Json => (text.into(), "application/json"),
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not make the file".to_owned())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not make the file".to_owned())?;
    let a = document()
        .create_element("a")
        .map_err(|_| "no document".to_owned())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no anchor".to_owned())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

fn cell_text(value: Option<u32>) -> String {
    value.map_or_else(|| "—".to_owned(), |n| n.to_string())
}

/// What the staff member chose and what was read for them, kept across a
/// change of language (which draws the page again), so that switching it
/// neither resets the sub-district and service nor reads the district's
/// data again (each read is in the export log). Provided by [`StaffApp`],
/// above the language's redraw; a dashboard mounted alone provides its
/// own ([`Kept::get`]).
#[derive(Debug, Clone, Copy)]
struct Kept {
    /// The district chosen with a city token, by code.
    district: RwSignal<Option<String>>,
    subdistrict: RwSignal<Option<String>>,
    function: RwSignal<ServiceFunction>,
    /// The access document, with the token it was read with.
    access: StoredValue<Option<(String, AccessDoc)>>,
    /// Demand documents read, by token and district code.
    demand: StoredValue<Vec<(String, String, DemandDoc)>>,
}

impl Kept {
    /// The one provided above, or a new one provided from here down.
    fn get() -> Kept {
        use_context::<Kept>().unwrap_or_else(|| {
            let kept = Kept::new();
            provide_context(kept);
            kept
        })
    }

    /// With the district, sub-district and service of the tab's last view
    /// (`VIEW_KEY`), which it keeps as they change, so that a reload
    /// returns to them. Each is checked against what the token can read
    /// where it is used, as after a change of language.
    fn new() -> Kept {
        let (district, subdistrict, function) = session()
            .and_then(|s| s.get_item(VIEW_KEY).ok().flatten())
            .map(|v| parse_view(&v))
            .unwrap_or_default();
        let kept = Kept {
            district: RwSignal::new(district),
            subdistrict: RwSignal::new(subdistrict),
            function: RwSignal::new(function.unwrap_or(ServiceFunction::ElderCare)),
            access: StoredValue::new(None),
            demand: StoredValue::new(Vec::new()),
        };
        Effect::new(move |_| {
            let view = view_text(
                kept.district.get().as_deref(),
                kept.subdistrict.get().as_deref(),
                kept.function.get(),
            );
            if let Some(s) = session() {
                let _ = s.set_item(VIEW_KEY, &view);
            }
        });
        kept
    }
}

/// Where the staff app keeps the tab's last view (see [`Kept::new`]).
const VIEW_KEY: &str = "linli.staff.view";

/// A view as kept: district code, sub-district and service code, each on
/// a line (a sub-district's name holds no line break); an empty line for
/// none.
fn view_text(
    district: Option<&str>,
    subdistrict: Option<&str>,
    function: ServiceFunction,
) -> String {
    format!(
        "{}\n{}\n{}",
        district.unwrap_or_default(),
        subdistrict.unwrap_or_default(),
        function.code()
    )
}

/// The view [`view_text`] wrote; parts it cannot read are `None`.
fn parse_view(text: &str) -> (Option<String>, Option<String>, Option<ServiceFunction>) {
    let mut parts = text.split('\n');
    let mut part = || parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
    let (district, subdistrict, function) = (part(), part(), part());
    (
        district,
        subdistrict,
        function.as_deref().and_then(ServiceFunction::from_code),
    )
}

/// The staff app: the page header (language, elder mode) and the
/// dashboard. Mounted by the `staff` binary.
#[component]
pub fn StaffApp() -> impl IntoView {
    // The same display choices as the resident app's.
    let display = crate::display::Display::from_device();
    provide_context(Kept::new());
    let back = || {
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign("../");
        }
    };
    move || {
        let lang = display.lang.get();
        view! {
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">"邻"</span>
                    <div>
                        <p class="app-name">{Msg::AppName.text(lang)}</p>
                        <p class="tagline">{lang.pick("区级需求分析", "District demand research")}</p>
                    </div>
                </div>
                <div class="header-actions">
                    <crate::display::DisplaySwitches display lang />
                </div>
            </header>
            <main id="main">
                <Dashboard lang on_close=back />
            </main>
        }
    }
}

/// The dashboard page.
#[component]
pub fn Dashboard(lang: Lang, on_close: impl Fn() + Send + Sync + Clone + 'static) -> impl IntoView {
    let (token, set_token) = signal(stored_token());
    let kept = Kept::get();
    let access = LocalResource::new(move || {
        let token = token.get();
        async move {
            let t = token?;
            let known = kept.access.with_value(|a| {
                a.as_ref()
                    .filter(|(with, _)| *with == t)
                    .map(|(_, doc)| doc.clone())
            });
            if let Some(doc) = known {
                return Some(Ok(doc));
            }
            let read = get_json::<AccessDoc>(format!("{API}/access"), t.clone()).await;
            if let Ok(doc) = &read {
                kept.access.set_value(Some((t, doc.clone())));
            }
            Some(read)
        }
    });
    // Set when the staff member has just entered a token, so that the
    // page's heading takes the focus once the dashboard is drawn (not on
    // a reload, where the focus stays where the browser puts it).
    let (entered, set_entered) = signal(false);
    let sign_out = move || {
        store_token(None);
        if let Some(s) = session() {
            let _ = s.remove_item(VIEW_KEY);
        }
        // What was read with the token goes with it.
        kept.access.set_value(None);
        kept.demand.set_value(Vec::new());
        set_token.set(None);
        crate::focus_when_drawn("#staff-token");
    };
    let on_token = move |t: String| {
        store_token(Some(&t));
        set_entered.set(true);
        set_token.set(Some(t));
    };
    // A refused token is forgotten by the tab, and offered again in the
    // form to be corrected.
    Effect::new(move |_| {
        if let Some(Some(Err(ApiProblem::BadToken))) = access.get() {
            store_token(None);
        }
    });
    let body = move || match access.get() {
        None => {
            view! { <p class="loading" role="status">{lang.pick("正在验证…", "Checking…")}</p> }
                .into_any()
        }
        Some(None) => {
            view! { <TokenForm lang on_token initial=String::new() problem=None /> }.into_any()
        }
        Some(Some(Err(ApiProblem::BadToken))) => {
            crate::focus_when_drawn("#staff-token");
            let initial = token.get_untracked().unwrap_or_default();
            view! { <TokenForm lang on_token initial problem=Some(ApiProblem::BadToken.describe(lang)) /> }
                .into_any()
        }
        Some(Some(Err(problem))) => {
            crate::focus_when_drawn(".dashboard .error button");
            view! {
                <div class="error" role="alert">
                    <p>{problem.describe(lang)}</p>
                    <button type="button" on:click=move |_| access.refetch()>{lang.pick("重试", "Retry")}</button>
                    <button type="button" on:click=move |_| sign_out()>{lang.pick("重新输入令牌", "Enter the token again")}</button>
                </div>
            }
            .into_any()
        }
        Some(Some(Ok(doc))) => {
            if entered.get_untracked() {
                set_entered.set(false);
                crate::focus_when_drawn("#dashboard-title");
            }
            let token = token.get_untracked().unwrap_or_default();
            view! { <District access=doc token lang on_sign_out=sign_out /> }.into_any()
        }
    };
    let close = on_close.clone();
    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <div class="page-head">
                <button type="button" class="back" on:click=move |_| close()>
                    <span aria-hidden="true">"← "</span>{lang.pick("返回居民查找页", "To the residents' finder")}
                </button>
                <h1 id="dashboard-title" tabindex="-1">{lang.pick("区级需求分析", "District demand research")}</h1>
            </div>
            {body}
        </section>
    }
}

/// The token form; `initial` is a token to correct and `problem` why it
/// was refused.
#[component]
fn TokenForm(
    lang: Lang,
    on_token: impl Fn(String) + Send + Sync + Clone + 'static,
    initial: String,
    problem: Option<String>,
) -> impl IntoView {
    let (value, set_value) = signal(initial);
    let (problem, set_problem) = signal(problem);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = value.get_untracked().trim().to_owned();
        if v.is_empty() {
            set_problem.set(Some(
                lang.pick("请输入访问令牌。", "Enter the access token.")
                    .to_owned(),
            ));
            crate::focus_when_drawn("#staff-token");
        } else {
            on_token(v);
        }
    };
    view! {
        <form class="token-form" on:submit=submit>
            <p>{lang.pick(
                "本页供区级工作人员使用。请输入本区获发的访问令牌；令牌只保存在本标签页中，关闭后即清除。",
                "This page is for district staff. Enter the access token issued to your district; it is kept in this tab only and forgotten when the tab closes.",
            )}</p>
            <label for="staff-token">{lang.pick("访问令牌", "Access token")}</label>
            <input
                id="staff-token"
                type="password"
                autocomplete="off"
                spellcheck="false"
                aria-invalid=move || problem.get().map(|_| "true")
                aria-describedby="staff-token-problem"
                prop:value=value.get_untracked()
                on:input=move |ev| set_value.set(event_target_value(&ev))
            />
            <p id="staff-token-problem" class="field-problem" role="alert">{move || problem.get()}</p>
            <button type="submit" class="primary">{lang.pick("进入", "Sign in")}</button>
        </form>
    }
}

#[component]
fn District(
    access: AccessDoc,
    token: String,
    lang: Lang,
    on_sign_out: impl Fn() + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let kept = Kept::get();
    let first = access
        .districts
        .iter()
        .find(|d| d.has_responses)
        .or(access.districts.first())
        .map(|d| d.code.clone())
        .unwrap_or_default();
    // The district chosen before a change of language, if this token has it.
    let chosen = kept
        .district
        .get_untracked()
        .filter(|c| access.districts.iter().any(|d| d.code == *c))
        .unwrap_or(first);
    let (district, set_district) = signal(chosen);
    let data_token = token.clone();
    let demand = LocalResource::new(move || {
        let code = district.get();
        let token = data_token.clone();
        async move {
            let known = kept.demand.with_value(|docs| {
                docs.iter()
                    .find(|(t, c, _)| *t == token && *c == code)
                    .map(|(_, _, doc)| doc.clone())
            });
            if let Some(doc) = known {
                return Ok(doc);
            }
            let read =
                get_json::<DemandDoc>(format!("{API}/districts/{code}/demand"), token.clone())
                    .await
                    .map(|doc| DemandDoc {
                        read_at: Some(crate::data::beijing_now()),
                        ..doc
                    });
            if let Ok(doc) = &read {
                kept.demand
                    .update_value(|docs| docs.push((token, code, doc.clone())));
            }
            read
        }
    });
    let city = access.scope == "city";
    let raw_export = access.raw_export;
    let districts = access.districts.clone();
    let chooser = city.then(|| {
        view! {
            <label for="staff-district">{lang.pick("区", "District")}</label>
            <select id="staff-district" on:change=move |ev| {
                let code = event_target_value(&ev);
                kept.district.set(Some(code.clone()));
                kept.subdistrict.set(None);
                set_district.set(code);
            }>
                {districts
                    .into_iter()
                    .map(|d| {
                        let selected = d.code == district.get_untracked();
                        let name = match lang { Lang::Zh => d.name_zh, Lang::En => d.name_en };
                        view! { <option value=d.code selected=selected>{name}</option> }
                    })
                    .collect_view()}
            </select>
        }
    });
    let body = move || {
        let token = token.clone();
        match demand.get() {
            None => view! { <p class="loading" role="status">{lang.pick("正在统计…", "Counting…")}</p> }.into_any(),
            Some(Err(problem)) => view! {
                <div class="error" role="alert">
                    <p>{problem.describe(lang)}</p>
                    <button type="button" on:click=move |_| demand.refetch()>{lang.pick("重试", "Retry")}</button>
                </div>
            }
            .into_any(),
            Some(Ok(doc)) => view! { <DemandView doc lang token raw_export /> }.into_any(),
        }
    };
    view! {
        <div class="staff-bar">
            <p>{lang.pick("令牌：", "Token: ")}{access.label.clone()}</p>
            {chooser}
            <button type="button" on:click=move |_| on_sign_out()>{lang.pick("退出", "Sign out")}</button>
        </div>
        {body}
    }
}

#[component]
fn BarChart(
    title: String,
    bars: Vec<Bar>,
    unit: &'static str,
    /// A line below the table.
    #[prop(default = None)]
    note: Option<String>,
) -> impl IntoView {
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <table>
                <tbody>
                    {bars
                        .into_iter()
                        .map(|b| {
                            // An SVG rect, not a styled element: the
                            // content security policy allows no inline
                            // styles.
                            let width = if b.share > 0.0 {
                                crate::num::fixed((b.share * 100.0).max(0.5), 1)
                            } else {
                                "0".to_owned()
                            };
                            view! {
                                <tr>
                                    <th scope="row">{b.label}</th>
                                    <td class="bar-cell">
                                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                            <rect width=width height="10" />
                                        </svg>
                                    </td>
                                    <td class="num">{cell_text(b.value)}{b.value.map(|_| unit)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {note.map(|n| view! { <p class="chart-note">{n}</p> })}
        </figure>
    }
}

/// The gap ranking's table: the first [`FIRST_GAPS`] gaps, and on request
/// the rest of the [`SHOWN_GAPS`] largest, with a caption when more exist.
/// `gaps` are those of one service, largest first.
#[component]
pub fn GapRanking(gaps: Vec<Gap>, lang: Lang) -> impl IntoView {
    // Whether the table lists all it can, not only its first gaps.
    let (all_gaps, set_all_gaps) = signal(false);
    move || {
        let listed = gaps.len().min(SHOWN_GAPS);
        let shown = if all_gaps.get() {
            listed
        } else {
            listed.min(FIRST_GAPS)
        };
        let caption = (gaps.len() > shown).then(|| match lang {
            Lang::Zh => format!(
                "显示缺口最大的 {shown} 项，共 {} 项；全部见下载的需求表。",
                gaps.len()
            ),
            Lang::En => format!(
                "The {shown} largest gaps of {}; the downloaded demand table has them all.",
                gaps.len()
            ),
        });
        // The rest of the twenty, on request; the focus goes to the
        // first row added, since the button goes away.
        let more = (listed > shown).then(|| {
            let label = match lang {
                Lang::Zh => format!("显示缺口最大的 {listed} 项（再显示 {} 项）", listed - shown),
                Lang::En => format!("Show the {listed} largest gaps ({} more)", listed - shown),
            };
            view! {
                <button type="button" class="show-more" on:click=move |_| {
                    set_all_gaps.set(true);
                    crate::focus_when_drawn(format!(".gap-table tbody tr:nth-child({}) th", shown + 1));
                }>{label}</button>
            }
        });
        view! {
            {caption.map(|c| view! { <p class="hint">{c}</p> })}
            <table class="gap-table">
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("排名", "Rank")}</th>
                        <th scope="col">{lang.pick("社区", "Community")}</th>
                        <th scope="col">{lang.pick("服务", "Service")}</th>
                        <th scope="col">{lang.pick("需要/受访户数", "Needing / answered")}</th>
                        <th scope="col">{lang.pick("步行可达设施", "Facilities in reach")}</th>
                        <th scope="col">{lang.pick("空余位", "Free places")}</th>
                        <th scope="col">{lang.pick("缺口分", "Gap score")}</th>
                    </tr>
                </thead>
                <tbody>
                    {gaps
                        .iter()
                        .take(shown)
                        .enumerate()
                        .map(|(i, g)| {
                            let reach = match lang {
                                Lang::Zh => format!("{} 家（{} 分钟内）", g.facilities, g.reach_minutes),
                                Lang::En => format!("{} within {} min", g.facilities, g.reach_minutes),
                            };
                            view! {
                                <tr>
                                    <td class="num" data-label=lang.pick("排名", "Rank")>{i + 1}</td>
                                    <th scope="row" tabindex="-1" lang="zh-CN">{g.community.clone()}<span class="sub">{g.subdistrict.clone()}</span></th>
                                    <td data-label=lang.pick("服务", "Service")>{function_label(g.function, lang)}</td>
                                    <td class="num" data-label=lang.pick("需要/受访户数", "Needing / answered")>{format!("{} / {}", g.needing, g.respondents)}</td>
                                    <td data-label=lang.pick("步行可达设施", "Facilities in reach")>{reach}</td>
                                    <td class="num" data-label=lang.pick("空余位", "Free places")>{free_places_cell(g.free_places, g.function, g.facilities, lang)}</td>
                                    <td class="num" data-label=lang.pick("缺口分", "Gap score")>{score_text(g.score)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {more}
        }
    }
}

/// A gap score as the ranking and the map say it: to 3 decimals, as the
/// map's shade steps ([`SHADE_BOUNDS`]) and the CSV have it, so that a
/// label never names one step while its dot is drawn in the next.
fn score_text(score: f64) -> String {
    crate::num::fixed(score, 3)
}

/// A map dot's score, or why it has none: no household needs the service
/// (a published zero), its counts are withheld to protect smaller ones,
/// or too few households answered.
fn dot_text(p: &MapPoint, lang: Lang) -> String {
    match p.score {
        Some(0.0) => lang.pick("0（无人需要）", "0 (nobody needs it)").to_owned(),
        Some(s) => score_text(s),
        None if p.hidden => lang
            .pick("已隐藏（保护隐私）", "withheld (privacy)")
            .to_owned(),
        None => lang.pick("数据不足", "not enough data").to_owned(),
    }
}

/// What the supply table and the gap map say when the collector has no
/// facility data loaded.
fn no_supply(lang: Lang) -> AnyView {
    view! {
        <p>{lang.pick("服务器没有载入设施数据，无法计算供给。", "The server has no facility data loaded, so supply cannot be counted.")}</p>
    }
    .into_any()
}

/// How many communities the supply table lists before "show all": those
/// with the least in reach come first.
pub const FIRST_SUPPLY_ROWS: usize = 10;

/// One community's supply of one service, as the supply table lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRow {
    /// Sub-district.
    pub subdistrict: String,
    /// Community.
    pub community: String,
    /// The walk counted from the community's centre, in minutes.
    pub reach_minutes: u8,
    /// Facilities offering the service within that walk.
    pub facilities: u32,
    /// Free places (childcare) or beds (elder care) those facilities
    /// report; `None` where none of them reports a count.
    pub free_places: Option<u32>,
}

/// The supply of `function` around each community (of `subdistrict`, when
/// one is chosen): those with the fewest facilities in reach first, which
/// is where a service is missing, then in the dataset's order of
/// sub-districts and each sub-district's communities in counting order
/// ("第9社区" before "第10社区").
pub fn supply_rows(
    communities: &[CommunitySupply],
    function: ServiceFunction,
    subdistrict: Option<&str>,
) -> Vec<SupplyRow> {
    let slot = ServiceFunction::ALL
        .iter()
        .position(|&f| f == function)
        .expect("every function is in ALL");
    let mut order: Vec<&str> = Vec::new();
    for c in communities {
        if !order.contains(&c.subdistrict.as_str()) {
            order.push(&c.subdistrict);
        }
    }
    let rank = |sub: &str| order.iter().position(|s| *s == sub);
    let mut rows: Vec<SupplyRow> = communities
        .iter()
        .filter(|c| subdistrict.is_none_or(|s| c.subdistrict == s))
        .map(|c| SupplyRow {
            subdistrict: c.subdistrict.clone(),
            community: c.community.clone(),
            reach_minutes: c.supply.reach_minutes,
            facilities: c.supply.facilities[slot],
            free_places: c.supply.free_places[slot],
        })
        .collect();
    rows.sort_by(|a, b| {
        a.facilities
            .cmp(&b.facilities)
            .then_with(|| rank(&a.subdistrict).cmp(&rank(&b.subdistrict)))
            .then_with(|| linli_facilities::places::natural_cmp(&a.community, &b.community))
    });
    rows
}

/// The gap ranking's free places: a number; "no facility" when none in
/// reach offers the service; "not reported"; or, for a service that
/// counts no places or beds (meals, health, …), "not counted".
pub fn free_places_cell(
    n: Option<u32>,
    function: ServiceFunction,
    facilities: u32,
    lang: Lang,
) -> String {
    match (n, function.capacity_kind()) {
        (_, None) => lang.pick("不计名额", "not counted").to_owned(),
        (Some(n), Some(_)) => n.to_string(),
        (None, Some(_)) if facilities == 0 => lang.pick("无设施", "no facility").to_owned(),
        (None, Some(_)) => lang.pick("未报告", "not reported").to_owned(),
    }
}

#[component]
fn DemandView(doc: DemandDoc, lang: Lang, token: String, raw_export: bool) -> impl IntoView {
    // Kept across a change of language; a sub-district of another
    // district is forgotten.
    let kept = Kept::get();
    let (function, set_function) = kept.function.split();
    let (comments, set_comments) = signal(false);
    let (download_problem, set_download_problem) = signal(None::<String>);
    // The community whose dot was last tapped on the gap map, by name.
    let (picked, set_picked) = signal(None::<String>);
    let doc = StoredValue::new(doc);
    let name = doc.with_value(|d| match lang {
        Lang::Zh => d.district.name_zh.clone(),
        Lang::En => d.district.name_en.clone(),
    });
    let district_name = name.clone();
    let supply_area = name.clone();
    let code = doc.with_value(|d| d.district.code.clone());
    let min_count = doc.with_value(|d| d.min_count);
    // The sub-districts with answers, then, in a group of their own, those
    // with communities in the facility data and no answers yet: their
    // supply is public, and staff plan there too.
    let (answered, unanswered): (Vec<String>, Vec<String>) = doc.with_value(|d| {
        let answered: Vec<String> = d
            .demand
            .subdistricts
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let mut unanswered: Vec<String> = Vec::new();
        for c in d.supply.iter().flat_map(|s| &s.communities) {
            if !answered.contains(&c.subdistrict) && !unanswered.contains(&c.subdistrict) {
                unanswered.push(c.subdistrict.clone());
            }
        }
        (answered, unanswered)
    });
    let subdistricts: Vec<String> = answered.iter().chain(&unanswered).cloned().collect();
    if kept
        .subdistrict
        .with_untracked(|s| s.as_ref().is_some_and(|s| !subdistricts.contains(s)))
    {
        kept.subdistrict.set(None);
    }
    let (subdistrict, set_subdistrict) = kept.subdistrict.split();
    // A sub-district's name is Chinese in either language.
    let subdistrict_option = move |s: String| {
        let selected = subdistrict.with_untracked(|c| c.as_ref() == Some(&s));
        let text = s.clone();
        view! { <option value=s lang="zh-CN" selected=selected>{text}</option> }
    };
    let sample = doc.with_value(|d| d.supply.as_ref().is_some_and(|s| s.sample));
    let unit = lang.pick(" 户", "");

    let charts = move || {
        let sub = subdistrict.get();
        let f = function.get();
        doc.with_value(|d| {
            let Some(row) = row_for(&d.demand, sub.as_deref()) else {
                return view! { <p class="no-answers">{lang.pick("这个街道还没有受访户的答卷。", "No household of this sub-district has answered yet.")}</p> }.into_any();
            };
            let slot = ServiceFunction::ALL.iter().position(|&x| x == f).unwrap_or(0);
            let by_function = bars(
                ServiceFunction::ALL.iter().map(|&f| function_label(f, lang).to_owned()).collect(),
                &row.needs,
            );
            let by_age = bars(
                AGE_BANDS.iter().map(|b| lang.pick(b.1, b.2).to_owned()).collect(),
                &row.households_with_band,
            );
            let pay = bars((0..PAY_BANDS).map(|b| pay_label(f, b, lang)).collect(), &row.pay[slot]);
            // Below the bands, those who needed the service and left the
            // price open (often the most; as a bar they would shrink the
            // bands to stubs), or why that cannot be said.
            let pay_note = pay_note(row.needs[slot], pay_left_open(row.needs[slot], &row.pay[slot]), lang);
            // The area named, so that the charts (or a screenshot of them
            // for a briefing) say whose they are.
            // A sub-district's name is Chinese in English too.
            let chinese = lang == Lang::En && sub.is_some();
            let area = sub.clone().unwrap_or_else(|| district_name.clone());
            let respondents = match row.respondents {
                Some(n) => match lang {
                    Lang::Zh => format!("：受访 {n} 户"),
                    Lang::En => format!(": {n} households answered"),
                },
                // Withheld because fewer than `min_count` answered, or
                // because it would let a reader work out a small count.
                None => match lang {
                    Lang::Zh => format!("：受访户数已隐藏（不足 {min_count} 户，或可由它推算出不足 {min_count} 户的数字）"),
                    Lang::En => format!(": number of households withheld (under {min_count}, or it would reveal a count under {min_count})"),
                },
            };
            view! {
                <p class="respondents"><span lang=chinese.then_some("zh-CN")>{area}</span>{respondents}</p>
                <div class="charts">
                    <BarChart title=lang.pick("各类服务的需求户数", "Households needing each service").to_owned() bars=by_function unit />
                    <BarChart title=lang.pick("有各年龄段成员的户数", "Households with members of each age").to_owned() bars=by_age unit />
                    <BarChart
                        title=match lang {
                            Lang::Zh => format!("{}：愿意支付的价格", function_label(f, lang)),
                            Lang::En => format!("{}: willingness to pay", function_label(f, lang)),
                        }
                        bars=pay
                        unit
                        note=pay_note
                    />
                </div>
            }
            .into_any()
        })
    };

    // The gaps of the service chosen above, as the map's: a ranking of
    // every service put a canteen's best site below the twentieth line.
    let ranking = move || {
        let sub = subdistrict.get();
        let f = function.get();
        doc.with_value(|d| {
            let gaps = gaps_for(&d.gaps, Some(f), sub.as_deref());
            if gaps.is_empty() {
                return view! { <p>{match lang {
                    Lang::Zh => format!("还没有可发布的缺口：一个社区要受访满 {min_count} 户，且需要某项服务的户数也满 {min_count} 户（且公布后不会让人推算出少于 {min_count} 户的数字），才公布这项服务的缺口。"),
                    Lang::En => format!("No gap can be published yet: a community's gap for a service is published only when at least {min_count} households answered and at least {min_count} need the service (and publishing that count reveals no smaller one)."),
                }}</p> }.into_any();
            }
            let gaps: Vec<Gap> = gaps.into_iter().cloned().collect();
            view! { <GapRanking gaps lang /> }.into_any()
        })
    };

    // What is within a walk of each community: public data, so listed for
    // every community, answered or not.
    let (all_supply, set_all_supply) = signal(false);
    let supply_table = move || {
        let sub = subdistrict.get();
        let f = function.get();
        doc.with_value(|d| {
            let Some(supply) = &d.supply else {
                return no_supply(lang);
            };
            let rows = supply_rows(&supply.communities, f, sub.as_deref());
            let without = rows.iter().filter(|r| r.facilities == 0).count();
            let area = sub.clone().unwrap_or_else(|| supply_area.clone());
            let service = function_label(f, lang);
            // A sub-district's name is Chinese in either language.
            let area_lang = (lang == Lang::En && sub.is_some()).then_some("zh-CN");
            let (before, after) = match lang {
                Lang::Zh => (String::new(), format!("的 {} 个社区中，{without} 个在步行范围内没有提供{service}的设施。", rows.len())),
                Lang::En => (
                    format!("Of the {} communities of ", rows.len()),
                    format!(
                        ", {without} {} no facility offering {} within their walk.",
                        if without == 1 { "has" } else { "have" },
                        service.to_lowercase()
                    ),
                ),
            };
            let summary = view! { {before}<span lang=area_lang>{area}</span>{after} };
            // The rest of a long list on request; the focus goes to the
            // first row added, since the button goes away.
            let listed = rows.len();
            let more = (!all_supply.get() && listed > FIRST_SUPPLY_ROWS).then(|| {
                let label = match lang {
                    Lang::Zh => format!("显示全部 {listed} 个社区（再显示 {} 个）", listed - FIRST_SUPPLY_ROWS),
                    Lang::En => format!("Show all {listed} communities ({} more)", listed - FIRST_SUPPLY_ROWS),
                };
                view! {
                    <button type="button" class="show-more" on:click=move |_| {
                        set_all_supply.set(true);
                        crate::focus_when_drawn(format!(".supply-table tbody tr:nth-child({}) th", FIRST_SUPPLY_ROWS + 1));
                    }>{label}</button>
                }
            });
            // A column of free places only for a service that counts them.
            let places_label = f.capacity_kind().map(|kind| match kind {
                linli_facilities::model::CapacityKind::ElderBeds => lang.pick("空余床位", "Free beds"),
                linli_facilities::model::CapacityKind::ChildcarePlaces => lang.pick("空余托位", "Free places"),
            });
            view! {
                <p class="supply-summary">{summary}</p>
                <table class="supply-table">
                    <caption class="visually-hidden">{match lang {
                        Lang::Zh => format!("各社区步行范围内的{service}供给"),
                        Lang::En => format!("{service} within a walk of each community"),
                    }}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{lang.pick("社区", "Community")}</th>
                            <th scope="col" class="num">{lang.pick("步行范围", "Walk counted")}</th>
                            <th scope="col" class="num">{lang.pick("提供该服务的设施", "Facilities offering it")}</th>
                            {places_label.map(|label| view! { <th scope="col" class="num">{label}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .take(if all_supply.get() { usize::MAX } else { FIRST_SUPPLY_ROWS })
                            .map(|r| {
                                let reach = match lang {
                                    Lang::Zh => format!("{} 分钟", r.reach_minutes),
                                    Lang::En => format!("{} min", r.reach_minutes),
                                };
                                let places = places_label.map(|label| view! {
                                    <td class="num" data-label=label>{free_places_cell(r.free_places, f, r.facilities, lang)}</td>
                                });
                                view! {
                                    <tr class:none=r.facilities == 0>
                                        <th scope="row" tabindex="-1" lang="zh-CN">{r.community}<span class="sub">{r.subdistrict}</span></th>
                                        <td class="num" data-label=lang.pick("步行范围", "Walk counted")>{reach}</td>
                                        <td class="num" data-label=lang.pick("提供该服务的设施", "Facilities offering it")>{r.facilities}</td>
                                        {places}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                {more}
            }
            .into_any()
        })
    };

    let map = move || {
        let sub = subdistrict.get();
        let f = function.get();
        doc.with_value(|d| {
            let Some(supply) = &d.supply else {
                return no_supply(lang);
            };
            let GapMap { view: fitted, height, mut points } = map_points(&supply.communities, &d.demand, &d.gaps, f, sub.as_deref());
            // Communities with a published gap are drawn last, on top.
            points.sort_by(|a, b| a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal));
            let radius = dot_radius(&points.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>());
            // Hollow dots (too few answers to publish) are smaller.
            let (published_r, hollow_r) = (crate::num::fixed(radius, 1), crate::num::fixed((radius * 0.6).max(3.0), 1));
            let label = match lang {
                Lang::Zh => format!("各社区{}缺口地图：颜色越深缺口越大，空心圆为数据不足或已隐藏", function_label(f, lang)),
                Lang::En => format!("Map of the {} gap by community: darker is a larger gap; hollow circles lack data or are withheld", function_label(f, lang)),
            };
            // A tap chooses the dot nearest the finger within 24 CSS px
            // (the dots are drawn smaller than a finger), or none.
            let tapped = points.clone();
            let on_tap = move |ev: web_sys::MouseEvent| {
                let Some(svg) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
                    return;
                };
                let r = svg.get_bounding_client_rect();
                if r.width() <= 0.0 {
                    return;
                }
                // The canvas keeps its shape (`height: auto`): one scale.
                let k = crate::map::WIDTH / r.width();
                let tap = ((f64::from(ev.client_x()) - r.left()) * k, (f64::from(ev.client_y()) - r.top()) * k);
                let hit = crate::map::marker_near(tap, tapped.iter().map(|p| (p.x, p.y)), 24.0 * k);
                set_picked.set(hit.map(|i| tapped[i].community.clone()));
            };
            let picked_line = {
                let points = points.clone();
                move || {
                    let name = picked.get()?;
                    let p = points.iter().find(|p| p.community == name)?;
                    let gap = if p.score.is_some() { lang.pick("缺口分 ", "gap score ") } else { "" };
                    Some(format!("{}{}{gap}{}", p.community, lang.pick("：", ": "), dot_text(p, lang)))
                }
            };
            // The table lists the dots largest gap first, and those with
            // the same (or none) in the dataset's order, as drawn.
            let mut by_gap: Vec<&MapPoint> = points.iter().collect();
            by_gap.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal));
            let table_rows: Vec<(String, String)> = by_gap
                .into_iter()
                .map(|p| (p.community.clone(), dot_text(p, lang)))
                .collect();
            view! {
                <svg class="gap-map" viewBox=format!("0 0 {} {}", crate::map::WIDTH, height) role="img" aria-label=label on:click=on_tap>
                    {points
                        .into_iter()
                        .map(|p| {
                            let class = match shade(p.score) {
                                Some(s) => format!("shade{s}"),
                                None => "no-data".to_owned(),
                            };
                            let title = format!("{} {}", p.community, dot_text(&p, lang));
                            let MapPoint { x, y, community: name, score, .. } = p;
                            let this = name.clone();
                            view! {
                                <circle
                                    cx=crate::num::fixed(x, 1)
                                    cy=crate::num::fixed(y, 1)
                                    r=if score.is_some() { published_r.clone() } else { hollow_r.clone() }
                                    class=class
                                    class:picked=move || picked.with(|p| p.as_deref() == Some(this.as_str()))
                                >
                                    <title>{title}</title>
                                </circle>
                            }
                        })
                        .collect_view()}
                    {crate::map::scale_bar(&fitted, height, lang)}
                </svg>
                <p class="hint">{lang.pick("点按圆点可查看社区名称和缺口分；下方“地图数据”列出全部社区。", "Tap a dot for its community and gap score. The map data, below, lists every community.")}</p>
                <p class="picked-dot" aria-live="polite">{picked_line}</p>
                <p class="legend">
                    {lang.pick("缺口分：", "Gap score: ")}
                    {SHADE_LABELS
                        .iter()
                        .enumerate()
                        .map(|(step, label)| view! {
                            <span class="item"><span class=format!("key shade{step}")></span>{*label}</span>
                        })
                        .collect_view()}
                    <span class="item"><span class="key no-data"></span>{lang.pick("数据不足或已隐藏", "not enough data, or withheld")}</span>
                </p>
                // The map's content for the keyboard and screen readers,
                // to whom the map itself is one image.
                <details class="map-data">
                    <summary>{lang.pick("地图数据（表格）", "Map data (table)")}</summary>
                    <table>
                        <caption class="visually-hidden">{lang.pick("各社区缺口分（地图数据）", "Gap score by community (the map's data)")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{lang.pick("社区", "Community")}</th>
                                <th scope="col">{lang.pick("缺口分", "Gap score")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {table_rows
                                .into_iter()
                                .map(|(name, score)| view! { <tr><th scope="row">{name}</th><td class="num">{score}</td></tr> })
                                .collect_view()}
                        </tbody>
                    </table>
                </details>
            }
            .into_any()
        })
    };

    // What each download button fetches: the published tables as CSV or
    // JSON, or the district's raw answers.
    #[derive(Clone, Copy)]
    enum Download {
        Demand(FileFormat),
        Answers,
        Codebook,
    }
    let download = move |want: Download| {
        let token = token.clone();
        let code = code.clone();
        let with_comments = comments.get_untracked();
        leptos::task::spawn_local(async move {
            let (path, file, format) = match want {
                Download::Answers => {
                    let q = if with_comments { "?comments=1" } else { "" };
                    (
                        format!("{API}/districts/{code}/responses.csv{q}"),
                        format!("linli-responses-{code}.csv"),
                        FileFormat::Csv,
                    )
                }
                Download::Codebook => (
                    format!("{API}/codebook.csv"),
                    "linli-codebook.csv".to_owned(),
                    FileFormat::Csv,
                ),
                Download::Demand(FileFormat::Csv) => (
                    format!("{API}/districts/{code}/demand.csv"),
                    format!("linli-demand-{code}.csv"),
                    FileFormat::Csv,
                ),
                Download::Demand(FileFormat::Json) => (
                    format!("{API}/districts/{code}/demand.json"),
                    format!("linli-demand-{code}.json"),
                    FileFormat::Json,
                ),
            };
            let result = match get_text(path, token).await {
                Ok(text) => save_file(&text, &file, format),
                Err(p) => Err(p.describe(lang)),
            };
            set_download_problem.set(result.err());
        });
    };
    let download_json = download.clone();
    let download_raw = download.clone();
    let download_book = download.clone();

    let read_at = doc.with_value(|d| d.read_at).map(|t| {
        use chrono::{Datelike, Timelike};
        let (h, m) = (t.hour(), t.minute());
        let at = match lang {
            Lang::Zh => format!("{}年{}月{}日 {h:02}:{m:02}", t.year(), t.month(), t.day()),
            Lang::En => format!("{} {} {h:02}:{m:02}", crate::i18n::short_date(t.date(), lang), t.year()),
        };
        match lang {
            Lang::Zh => format!("以下数字读取于 {at}（北京时间）。答卷陆续收到，数字会随之变化。"),
            Lang::En => format!("Figures as read at {at} (Beijing time). Answers keep arriving, and the figures change with them."),
        }
    });
    view! {
        <h2>{name}</h2>
        {read_at.map(|t| view! { <p class="hint read-at">{t}</p> })}
        {sample.then(|| view! {
            <p class="sample-banner">{lang.pick("供给数字来自示例数据，并非真实设施。", "Supply figures come from SAMPLE data, not real facilities.")}</p>
        })}
        <p class="privacy-note">{match lang {
            Lang::Zh => format!("为保护受访居民，少于 {min_count} 户的数字、受访不足 {min_count} 户的社区或街道的全部数字，以及可由合计、相减（例如受访户数减去有某年龄段成员的户数）或几个隐藏社区之和推算出它们的数字，均以“—”隐藏。"),
            Lang::En => format!("To protect respondents, counts under {min_count}, every figure of a community or sub-district that fewer than {min_count} households answered, and any count that would reveal one, through a total, by subtraction (respondents minus the households with a member in an age band, say) or as what several withheld communities add up to, are withheld as \"—\"."),
        }}</p>
        <div class="staff-controls">
            <label for="staff-subdistrict">{lang.pick("街道", "Sub-district")}</label>
            <select id="staff-subdistrict" on:change=move |ev| {
                let v = event_target_value(&ev);
                set_subdistrict.set((!v.is_empty()).then_some(v));
            }>
                <option value="">{lang.pick("全区", "Whole district")}</option>
                {answered.into_iter().map(subdistrict_option).collect_view()}
                {(!unanswered.is_empty()).then(|| view! {
                    <optgroup label=lang.pick("尚无答卷（只有供给）", "No answers yet (supply only)")>
                        {unanswered.into_iter().map(subdistrict_option).collect_view()}
                    </optgroup>
                })}
            </select>
            <label for="staff-function">{lang.pick("服务", "Service")}</label>
            <select id="staff-function" on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some(f) = ServiceFunction::from_code(&v) {
                    set_function.set(f);
                }
            }>
                {ServiceFunction::ALL
                    .into_iter()
                    .map(|f| {
                        let selected = function.get_untracked() == f;
                        view! { <option value=f.code() selected=selected>{function_label(f, lang)}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
        {charts}
        <h2>{move || match lang {
            Lang::Zh => format!("步行范围内的供给：{}", function_label(function.get(), lang)),
            Lang::En => format!("Supply within a walk: {}", function_label(function.get(), lang)),
        }}</h2>
        <p class="hint">{match lang {
            Lang::Zh => format!("从各社区中心步行，在受访者可接受步行时间的中位数内（受访不足 {min_count} 户的社区按所在街道的中位数，街道也不足时按全区的，全区也不足时按 15 分钟）提供这项服务的设施数，以及这些设施报告的空余名额。供给来自公开的设施数据，与答卷无关，所以列出每个社区；没有设施的社区排在前面。"),
            Lang::En => format!("Facilities offering the service within the respondents' median acceptable walk from each community's centre (where fewer than {min_count} households answered, the sub-district's median, else the district's, else 15 minutes), and the free places they report. Supply comes from the public facility data, not from the answers, so every community is listed, those without a facility first."),
        }}</p>
        {supply_table}
        <h2>{move || match lang {
            Lang::Zh => format!("需求与供给缺口排名：{}", function_label(function.get(), lang)),
            Lang::En => format!("Gap between demand and supply, ranked: {}", function_label(function.get(), lang)),
        }}</h2>
        <p class="hint">{lang.pick(
            "缺口分 = 需要该服务的受访户比例 ÷（1 + 受访者可接受步行时间内提供该服务的设施数）。例如 0.2：五分之一的受访户需要，步行范围内没有这项服务。各项服务的缺口都在下载的需求表中。",
            "Gap score = share of answering households needing the service ÷ (1 + facilities offering it within the respondents' acceptable walk). For example, 0.2: a fifth of households need it and nothing in reach offers it. The downloaded demand table has the gaps of every service.",
        )}</p>
        {ranking}
        <h2>{move || match lang {
            Lang::Zh => format!("社区缺口地图：{}", function_label(function.get(), lang)),
            Lang::En => format!("Gap map by community: {}", function_label(function.get(), lang)),
        }}</h2>
        {map}
        <h2>{lang.pick("下载", "Downloads")}</h2>
        <div class="downloads">
            <button type="button" on:click=move |_| download(Download::Demand(FileFormat::Csv))>{lang.pick("下载需求表（CSV）", "Download the demand table (CSV)")}</button>
            <button type="button" on:click=move |_| download_json(Download::Demand(FileFormat::Json))>{lang.pick("下载需求表（JSON）", "Download the demand table (JSON)")}</button>
            {raw_export.then(|| view! {
                <button type="button" on:click=move |_| download_raw(Download::Answers)>{lang.pick("下载原始答卷（CSV）", "Download the raw answers (CSV)")}</button>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| set_comments.set(event_target_checked(&ev)) />
                    {lang.pick("包含居民留言", "Include residents' comments")}
                </label>
                // Every small count can be worked out from the answers.
                <p class="hint raw-note">{lang.pick(
                    "原始答卷中的数字没有做隐藏处理，只供本区内部分析，不得公开或转给他人。",
                    "Nothing is withheld in the raw answers: they are for the district's own analysis, not to be published or passed on.",
                )}</p>
            })}
            <button type="button" on:click=move |_| download_book(Download::Codebook)>{lang.pick("下载编码说明（CSV）", "Download the codebook (CSV)")}</button>
            <p class="hint">{lang.pick(
                "编码说明列出各列的取值和空白格的含义（如“已隐藏”）。每次下载需求表或答卷都会记录在案。",
                "The codebook says what each column's values and empty cells mean (e.g. withheld). Every download of the demand table or the answers is logged.",
            )}</p>
            <p role="alert" class="field-problem">{move || download_problem.get()}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_places_are_not_counted_where_a_service_counts_none() {
        let zh = |n, f, facilities| free_places_cell(n, f, facilities, Lang::Zh);
        assert_eq!(zh(Some(12), ServiceFunction::ElderCare, 2), "12");
        assert_eq!(zh(Some(0), ServiceFunction::InfantCare, 1), "0");
        assert_eq!(zh(None, ServiceFunction::ChildCare, 3), "未报告");
        // Nothing in reach: no places to report.
        assert_eq!(zh(None, ServiceFunction::InfantCare, 0), "无设施");
        // Meals count no places: never "not reported".
        assert_eq!(zh(None, ServiceFunction::Meals, 4), "不计名额");
        assert_eq!(
            free_places_cell(None, ServiceFunction::Health, 0, Lang::En),
            "not counted"
        );
    }

    #[test]
    fn bars_scale_to_the_largest_published_value_and_keep_withheld_cells() {
        let b = bars(
            vec!["a".into(), "b".into(), "c".into()],
            &[Some(20), None, Some(5)],
        );
        assert_eq!(b[0].share, 1.0);
        assert_eq!(b[1].value, None);
        assert_eq!(b[1].share, 0.0);
        assert_eq!(b[2].share, 0.25);
        assert!(bars(vec!["a".into()], &[Some(0)])[0].share == 0.0);
    }

    #[test]
    fn the_price_left_open_is_the_need_less_its_pay_bands_when_all_are_shown() {
        let bands = [Some(10), Some(0), Some(12), Some(0), Some(0), Some(0)];
        assert_eq!(pay_left_open(Some(40), &bands), Some(18));
        assert_eq!(pay_left_open(Some(22), &bands), Some(0));
        // A withheld band or need withholds it too.
        let mut withheld = bands;
        withheld[1] = None;
        assert_eq!(pay_left_open(Some(40), &withheld), None);
        assert_eq!(pay_left_open(None, &bands), None);
        // Published cells that do not add up say nothing rather than wrap.
        assert_eq!(pay_left_open(Some(5), &bands), None);
        // What the chart says below the bands.
        assert_eq!(
            pay_note(Some(40), Some(18), Lang::Zh).unwrap(),
            "需要这项服务的 40 户中，另有 18 户未回答价格（不在上表中）。"
        );
        assert_eq!(
            pay_note(Some(40), None, Lang::En).unwrap(),
            "How many left the price open cannot be shown: some counts are withheld."
        );
        assert_eq!(pay_note(None, None, Lang::Zh), None);
    }

    fn community(sub: &str, name: &str, lon: f64, lat: f64) -> CommunitySupply {
        CommunitySupply {
            subdistrict: sub.to_owned(),
            community: name.to_owned(),
            lon,
            lat,
            supply: Supply {
                reach_minutes: 15,
                facilities: [0; 9],
                free_places: [None; 9],
            },
        }
    }

    #[test]
    fn a_view_is_kept_and_read_back() {
        let text = view_text(Some("110101"), Some("东四街道"), ServiceFunction::Meals);
        assert_eq!(
            parse_view(&text),
            (
                Some("110101".to_owned()),
                Some("东四街道".to_owned()),
                Some(ServiceFunction::Meals)
            )
        );
        let whole = view_text(None, None, ServiceFunction::ElderCare);
        assert_eq!(
            parse_view(&whole),
            (None, None, Some(ServiceFunction::ElderCare))
        );
        assert_eq!(
            parse_view("110101\n\nnot_a_service"),
            (Some("110101".to_owned()), None, None)
        );
        assert_eq!(parse_view(""), (None, None, None));
    }

    #[test]
    fn supply_lists_the_communities_without_the_service_first_in_counting_order() {
        let with = |mut c: CommunitySupply, elder: u32, beds: Option<u32>| {
            c.supply.facilities[0] = elder;
            c.supply.free_places[0] = beds;
            c.supply.facilities[3] = 1;
            c
        };
        let communities = [
            with(
                community("乙街道", "示例第10社区", 116.30, 39.95),
                2,
                Some(5),
            ),
            with(community("乙街道", "示例第9社区", 116.31, 39.95), 0, None),
            with(community("甲街道", "示例第12社区", 116.32, 39.95), 1, None),
            with(community("甲街道", "示例第2社区", 116.33, 39.95), 0, None),
            with(
                community("乙街道", "示例第1社区", 116.34, 39.95),
                1,
                Some(0),
            ),
        ];
        let rows = supply_rows(&communities, ServiceFunction::ElderCare, None);
        let listed: Vec<(&str, &str, u32, Option<u32>)> = rows
            .iter()
            .map(|r| {
                (
                    r.subdistrict.as_str(),
                    r.community.as_str(),
                    r.facilities,
                    r.free_places,
                )
            })
            .collect();
        // None in reach first; then by sub-district as the dataset lists
        // them (乙 first here), and "第9" before "第10".
        assert_eq!(
            listed,
            [
                ("乙街道", "示例第9社区", 0, None),
                ("甲街道", "示例第2社区", 0, None),
                ("乙街道", "示例第1社区", 1, Some(0)),
                ("甲街道", "示例第12社区", 1, None),
                ("乙街道", "示例第10社区", 2, Some(5)),
            ]
        );
        assert!(rows.iter().all(|r| r.reach_minutes == 15));
        // One sub-district; another service's counts.
        let rows = supply_rows(&communities, ServiceFunction::Meals, Some("甲街道"));
        let listed: Vec<(&str, u32)> = rows
            .iter()
            .map(|r| (r.community.as_str(), r.facilities))
            .collect();
        assert_eq!(listed, [("示例第2社区", 1), ("示例第12社区", 1)]);
    }

    #[test]
    fn map_points_fit_the_canvas_and_carry_their_gap() {
        let communities = [
            community("甲街道", "一社区", 116.30, 39.95),
            community("甲街道", "二社区", 116.32, 39.97),
            community("乙街道", "三社区", 116.36, 39.99),
        ];
        let gap = Gap {
            subdistrict: "甲街道".to_owned(),
            community: "二社区".to_owned(),
            function: ServiceFunction::Meals,
            respondents: 20,
            needing: 10,
            reach_minutes: 15,
            facilities: 0,
            free_places: None,
            score: 0.5,
        };
        let gaps = [gap];
        // 三社区: 30 households, 12 needing meals and none elder care.
        let mut three = linli_survey::aggregate::Demand {
            respondents: 30,
            walk: [0, 0, 30, 0, 0],
            ..Default::default()
        };
        let meals = ServiceFunction::ALL
            .iter()
            .position(|&f| f == ServiceFunction::Meals)
            .unwrap();
        three.needs[meals] = [12, 0, 0];
        let key = (
            "110108".to_owned(),
            "乙街道".to_owned(),
            "三社区".to_owned(),
        );
        let demand = linli_survey::publish::publish("110108", &[(key, three)].into(), 10);
        let map = map_points(&communities, &demand, &gaps, ServiceFunction::Meals, None);
        // Taller than wide, with the padding: a taller canvas.
        assert!(map.height > crate::map::HEIGHT && map.height <= GAP_MAP_TALLEST);
        let all = map.points;
        assert_eq!(all.len(), 3);
        for p in &all {
            assert!((0.0..=crate::map::WIDTH).contains(&p.x), "{p:?}");
            assert!((0.0..=map.height).contains(&p.y), "{p:?}");
        }
        // North is up and east is right.
        assert!(all[2].x > all[0].x && all[2].y < all[0].y);
        assert_eq!(all[1].score, Some(0.5));
        assert_eq!(all[0].score, None);
        assert!(!all[0].hidden, "nobody there answered");
        assert_eq!(
            all[2].score, None,
            "a need without a gap of its own is unknown"
        );
        // Elder care has no published gap here, and 三社区's zero need of it
        // is a score of 0, not a lack of data.
        let elder = map_points(
            &communities,
            &demand,
            &gaps,
            ServiceFunction::ElderCare,
            None,
        )
        .points;
        let scores: Vec<Option<f64>> = elder.iter().map(|p| p.score).collect();
        assert_eq!(scores, [None, None, Some(0.0)]);
        let one = map_points(
            &communities,
            &demand,
            &gaps,
            ServiceFunction::Meals,
            Some("乙街道"),
        )
        .points;
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].community, "三社区（乙街道）");
    }

    #[test]
    fn a_dot_says_its_score_or_why_it_has_none() {
        let dot = |score, hidden| MapPoint {
            x: 0.0,
            y: 0.0,
            community: "一社区（甲街道）".to_owned(),
            score,
            hidden,
        };
        let said = |p: MapPoint| dot_text(&p, Lang::Zh);
        // As many decimals as the shade steps: 0.046 is not "0.05", which
        // is the next step's.
        assert_eq!(said(dot(Some(0.046), false)), "0.046");
        assert_eq!(shade(Some(0.046)), Some(1));
        // A score a hair below a step, as floating point computes it, is
        // in the step its label names.
        let score = 12.0 / 20.0 / 3.0;
        assert!(score < 0.2);
        assert_eq!(said(dot(Some(score), false)), "0.200");
        assert_eq!(shade(Some(score)), Some(4));
        let score = 10.0 / 51.0 / 8.0;
        assert_eq!(said(dot(Some(score), false)), "0.025");
        assert_eq!(shade(Some(score)), Some(1));
        assert_eq!(said(dot(Some(0.0), false)), "0（无人需要）");
        assert_eq!(said(dot(None, true)), "已隐藏（保护隐私）");
        assert_eq!(said(dot(None, false)), "数据不足");
    }

    #[test]
    fn shades_double_from_step_to_step() {
        assert_eq!(shade(None), None);
        assert_eq!(shade(Some(0.0)), Some(0));
        assert_eq!(shade(Some(0.03)), Some(1));
        assert_eq!(shade(Some(0.05)), Some(2));
        assert_eq!(shade(Some(0.15)), Some(3));
        assert_eq!(shade(Some(0.9)), Some(4));
    }

    #[test]
    fn the_legend_names_every_shade_with_its_range() {
        // Each label's range holds the scores of its own step: its lower
        // bound and its middle.
        let number = |b: f64| format!("{b}");
        for (step, label) in SHADE_LABELS.iter().enumerate() {
            let low = step.checked_sub(1).map_or(0.0, |i| SHADE_BOUNDS[i]);
            let high = SHADE_BOUNDS.get(step).copied();
            let middle = high.map_or(low * 2.0, |h| (low + h) / 2.0);
            assert_eq!(shade(Some(middle)), Some(step as u8), "{label}");
            assert_eq!(shade(Some(low)), Some(step as u8), "{label}");
            // The label's bounds are the step's.
            match (step, high) {
                (0, Some(h)) => assert_eq!(*label, format!("<{}", number(h))),
                (_, None) => assert_eq!(*label, format!("≥{}", number(low))),
                (_, Some(h)) => assert_eq!(*label, format!("{}–{}", number(low), number(h))),
            }
        }
    }

    #[test]
    fn dots_shrink_where_communities_crowd_and_most_keep_clear() {
        // Far apart: the largest dot.
        let sparse: Vec<(f64, f64)> = (0..20)
            .map(|i| (f64::from(i % 5) * 100.0, f64::from(i / 5) * 100.0))
            .collect();
        assert_eq!(dot_radius(&sparse), 10.0);
        // A grid 12 units apart: dots of 5.4, clear of every neighbour.
        let grid: Vec<(f64, f64)> = (0..400)
            .map(|i| (f64::from(i % 20) * 12.0, f64::from(i / 20) * 12.0))
            .collect();
        let r = dot_radius(&grid);
        assert!((r - 5.4).abs() < 1e-9, "{r}");
        assert!(2.0 * r < 12.0);
        // Communities at almost one place: still visible.
        let heap: Vec<(f64, f64)> = (0..50).map(|i| (f64::from(i) * 0.1, 5.0)).collect();
        assert_eq!(dot_radius(&heap), 3.0);
        // Nothing to measure, or nothing finite: the largest.
        assert_eq!(dot_radius(&[]), 10.0);
        assert_eq!(dot_radius(&[(1.0, 1.0), (f64::NAN, 2.0)]), 10.0);
        // The sweep finds each point's nearest neighbour as comparing every
        // pair does.
        let scattered: Vec<(f64, f64)> = (0..300_u32)
            .map(|i| {
                let h = i.wrapping_mul(2_654_435_761);
                (f64::from(h % 640), f64::from((h / 640) % 400))
            })
            .collect();
        let mut brute: Vec<f64> = scattered
            .iter()
            .enumerate()
            .map(|(i, a)| {
                scattered
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, b)| (a.0 - b.0).hypot(a.1 - b.1))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        brute.sort_by(f64::total_cmp);
        assert_eq!(nearest_distances(&scattered), brute);
        let expected = (0.45 * brute[brute.len() / 2]).clamp(3.0, 10.0);
        assert_eq!(dot_radius(&scattered), expected);
    }
}
