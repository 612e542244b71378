//! District research: demand set against supply, for district staff.
//!
//! - `GET /api/v1/access`: what the bearer token may read.
//! - `GET /api/v1/districts/{code}/demand`: the district's published
//!   tables (small cells withheld, see `linli_survey::disclosure`), supply
//!   around each community and the gap ranking, as JSON.
//! - `GET /api/v1/districts/{code}/demand.csv`: the same tables for a
//!   spreadsheet, UTF-8 with a byte-order mark so that Excel reads the
//!   Chinese; an empty cell is withheld, `0` is a true zero.
//! - `GET /api/v1/districts/{code}/responses.csv[?comments=1]`: the raw
//!   answers, for the district's own token only, without free-text comments
//!   unless asked, with the day of arrival but not the time.
//! - `GET /api/v1/codebook.csv`: what the two CSV files' codes and empty
//!   cells mean (pay bands, priorities, withheld cells, the supply's
//!   source). It holds no answers, so it needs no token and is not logged.
//!
//! Every district endpoint takes the district from the token: a token that
//! may not read `{code}` gets the same 404 as a district that does not
//! exist. Every read is written to the export log.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use linli_facilities::dataset::parse_feature_collection;
use linli_facilities::districts::{self, District};
use linli_facilities::geometry::WalkingModel;
use linli_facilities::index::SpatialIndex;
use linli_facilities::manifest::Manifest;
use linli_facilities::model::{Facility, ServiceFunction};
use linli_facilities::places::PlaceList;
use linli_survey::FieldError;
use linli_survey::Response as SurveyResponse;
use linli_survey::aggregate::{CommunityKey, Demand};
use linli_survey::disclosure::MIN_COUNT;
use linli_survey::gap::{Gap, Supply, rank, supply_at};
use linli_survey::publish::{DistrictDemand, Row, publish};
use linli_survey::questionnaire::{AGE_BANDS, PAY_BANDS, TIMES, WALK_MINUTES, pay_scale};
use linli_survey::response::CommunityRef;
use linli_survey::response::TimeNeed;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{Access, ExportRecord, Scope};
use crate::api::{ApiError, now_seconds};
use crate::db::{CommunityTallies, Db, StoredSurvey};

/// The walk counted for supply, in minutes, where no published median
/// exists (a district with fewer than `MIN_COUNT` respondents): the
/// 15-minute life circle of GB 50180-2018.
pub const DEFAULT_REACH_MINUTES: u8 = 15;

/// The published dataset, loaded once: what supply is counted from.
#[derive(Debug)]
pub struct Atlas {
    /// Every facility of every shard.
    pub facilities: Vec<Facility>,
    /// The facilities' positions.
    pub index: SpatialIndex,
    /// The communities with their centres.
    pub places: PlaceList,
    /// The dataset's version, from its manifest.
    pub dataset_version: String,
    /// Whether the dataset is sample data.
    pub sample: bool,
}

impl Atlas {
    /// Where an answer's community is not one of the dataset's: the field
    /// and the reason, or `None` when it is listed.
    pub fn unlisted(&self, c: &CommunityRef) -> Option<FieldError> {
        let refuse = |field: &str, reason: String| {
            Some(FieldError {
                field: format!("community.{field}"),
                reason,
            })
        };
        let in_district = || {
            self.places
                .places
                .iter()
                .filter(|p| p.district_code == c.district_code)
        };
        let in_subdistrict = || in_district().filter(|p| p.subdistrict == c.subdistrict);
        if in_district().next().is_none() {
            refuse(
                "district_code",
                format!(
                    "no community of {} is in the published list",
                    c.district_code
                ),
            )
        } else if in_subdistrict().next().is_none() {
            refuse(
                "subdistrict",
                format!(
                    "{:?} is not a sub-district of {} in the published list",
                    c.subdistrict, c.district_code
                ),
            )
        } else if in_subdistrict().any(|p| p.community == c.community) {
            None
        } else {
            refuse(
                "community",
                format!(
                    "{:?} is not a community of {} in the published list",
                    c.community, c.subdistrict
                ),
            )
        }
    }

    /// Reads `manifest.json`, every shard it lists and `places.json` from
    /// `dir`. An error names the file and what is wrong with it.
    pub fn load(dir: &Path) -> Result<Atlas, String> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let manifest = Manifest::from_json(&read("manifest.json")?)
            .map_err(|e| format!("{}: {e}", dir.join("manifest.json").display()))?;
        let mut facilities = Vec::new();
        for shard in &manifest.districts {
            let dataset = parse_feature_collection(&read(&shard.file)?)
                .map_err(|e| format!("{}: {e}", dir.join(&shard.file).display()))?;
            facilities.extend(dataset.facilities);
        }
        let places = match &manifest.places {
            Some(file) => PlaceList::from_json(&read(file)?)
                .map_err(|e| format!("{}: {e}", dir.join(file).display()))?,
            None => PlaceList::from_facilities(&facilities, manifest.sample),
        };
        Ok(Atlas {
            index: SpatialIndex::new(&facilities),
            facilities,
            places,
            dataset_version: manifest.dataset_version,
            sample: manifest.sample,
        })
    }
}

/// The research routes' state.
#[derive(Clone)]
struct Research {
    db: Db,
    atlas: Arc<Result<Atlas, String>>,
}

/// The research routes. `atlas` is the loaded dataset, or why it could not
/// be loaded (the tables are then served without supply).
pub fn router(db: Db, atlas: Arc<Result<Atlas, String>>) -> Router {
    Router::new()
        .route("/api/v1/access", get(access))
        .route("/api/v1/districts/{code}/demand", get(demand_json))
        .route(
            "/api/v1/districts/{code}/demand.json",
            get(demand_json_file),
        )
        .route("/api/v1/districts/{code}/demand.csv", get(demand_csv))
        .route("/api/v1/districts/{code}/responses.csv", get(responses_csv))
        .route("/api/v1/codebook.csv", get(codebook_csv))
        .with_state(Research { db, atlas })
}

/// The token in `Authorization: Bearer …`, resolved.
async fn authorise(db: &Db, headers: &HeaderMap) -> Result<Access, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorised("send Authorization: Bearer <token>".to_owned()))?;
    let secret = value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorised("the Authorization header must be Bearer <token>".to_owned())
        })?;
    db.access(secret)
        .await?
        .ok_or_else(|| ApiError::Unauthorised("the token is not valid or was revoked".to_owned()))
}

/// The district `code`, if the token may read it. Anything else is the
/// same 404, so that a token learns nothing about other districts.
fn readable(access: &Access, code: &str) -> Result<&'static District, ApiError> {
    districts::by_code(code)
        .filter(|_| access.scope.reads(code))
        .ok_or(ApiError::NotFound)
}

async fn log(
    research: &Research,
    access: &Access,
    code: &str,
    what: &str,
    comments: bool,
    records: usize,
) -> Result<(), ApiError> {
    let record = ExportRecord {
        at: now_seconds(),
        token_id: access.token_id.clone(),
        district_code: code.to_owned(),
        what: what.to_owned(),
        with_comments: comments,
        records: records as i64,
    };
    research.db.log_export(&record).await?;
    tracing::info!(token = %access.token_id, district = code, what, comments, records, "district data read");
    Ok(())
}

async fn access(State(r): State<Research>, headers: HeaderMap) -> Result<Response, ApiError> {
    let access = authorise(&r.db, &headers).await?;
    let counts = r.db.districts_with_surveys().await?;
    let listed: Vec<&District> = districts::BEIJING
        .iter()
        .filter(|d| access.scope.reads(d.code))
        .collect();
    let districts: Vec<_> = listed
        .iter()
        .map(|d| {
            json!({
                "code": d.code,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "has_responses": counts.iter().any(|(c, n)| c == d.code && *n > 0),
            })
        })
        .collect();
    let scope = match access.scope {
        Scope::City => "city",
        Scope::District(_) => "district",
    };
    Ok(axum::Json(json!({
        "scope": scope,
        "label": access.label,
        "raw_export": matches!(access.scope, Scope::District(_)),
        "districts": districts,
    }))
    .into_response())
}

/// Supply counted around one community.
#[derive(Debug, Serialize)]
struct CommunitySupply {
    subdistrict: String,
    community: String,
    /// Centre, WGS-84 degrees.
    lon: f64,
    lat: f64,
    supply: Supply,
}

/// Everything the demand endpoints publish for one district.
struct Computed {
    demand: DistrictDemand,
    supply: Vec<CommunitySupply>,
    gaps: Vec<Gap>,
    responses: usize,
    unreadable: usize,
}

fn compute(atlas: Option<&Atlas>, code: &str, tallies: Vec<CommunityTallies>) -> Computed {
    let mut communities: BTreeMap<CommunityKey, Demand> = BTreeMap::new();
    let (mut responses, mut unreadable) = (0, 0);
    for c in tallies {
        let demand = communities
            .entry((code.to_owned(), c.subdistrict, c.community))
            .or_default();
        for &t in &c.tallies {
            demand.add_tally(t);
        }
        responses += c.tallies.len();
        unreadable += (c.answers as usize).saturating_sub(c.tallies.len());
    }
    let demand = publish(code, &communities, MIN_COUNT);
    let mut supply = Vec::new();
    if let Some(atlas) = atlas {
        for place in atlas
            .places
            .places
            .iter()
            .filter(|p| p.district_code == code)
        {
            let minutes = demand
                .median_walk_for(&place.subdistrict, &place.community)
                .unwrap_or(DEFAULT_REACH_MINUTES);
            supply.push(CommunitySupply {
                subdistrict: place.subdistrict.clone(),
                community: place.community.clone(),
                lon: place.lon,
                lat: place.lat,
                supply: supply_at(
                    &atlas.facilities,
                    &atlas.index,
                    place.position(),
                    minutes,
                    WalkingModel::STANDARD,
                ),
            });
        }
    }
    let gaps = rank(&demand, |sub, community| {
        supply
            .iter()
            .find(|s| s.subdistrict == sub && s.community == community)
            .map(|s| s.supply.clone())
    });
    Computed {
        demand,
        supply,
        gaps,
        responses,
        unreadable,
    }
}

/// Reads and computes one district's tables, off the async threads.
async fn district(r: &Research, code: &str) -> Result<Computed, ApiError> {
    let started = std::time::Instant::now();
    let tallies = r.db.district_tallies(code).await?;
    let fetched = started.elapsed();
    let atlas = r.atlas.clone();
    let code = code.to_owned();
    let code_for_log = code.clone();
    let computed =
        tokio::task::spawn_blocking(move || compute(atlas.as_ref().as_ref().ok(), &code, tallies))
            .await
            .map_err(|e| ApiError::Internal(format!("aggregation failed: {e}")))?;
    tracing::info!(
        district = %code_for_log,
        answers = computed.responses,
        fetch_ms = fetched.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "district tables computed"
    );
    if computed.unreadable > 0 {
        tracing::warn!(
            unreadable = computed.unreadable,
            "stored answers that no longer parse were left out"
        );
    }
    Ok(computed)
}

async fn demand_json(
    State(r): State<Research>,
    UrlPath(code): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    demand_document(&r, &code, &headers, "demand").await
}

/// The same document as `demand`, for a download: logged as an export of
/// its own (`demand.json`), so that the export log tells the dashboard's
/// reads and the files taken away apart.
async fn demand_json_file(
    State(r): State<Research>,
    UrlPath(code): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    demand_document(&r, &code, &headers, "demand.json").await
}

/// A district's published tables, supply and gaps as JSON, after the
/// token is checked and the read is logged as `what`.
async fn demand_document(
    r: &Research,
    code: &str,
    headers: &HeaderMap,
    what: &str,
) -> Result<Response, ApiError> {
    let access = authorise(&r.db, headers).await?;
    let d = readable(&access, code)?;
    let c = district(r, code).await?;
    log(r, &access, code, what, false, c.responses).await?;
    let (supply, supply_error) = match r.atlas.as_ref() {
        Ok(atlas) => (
            Some(json!({
                "dataset_version": atlas.dataset_version,
                "sample": atlas.sample,
                "walking_speed_m_per_min": WalkingModel::STANDARD.speed_m_per_min,
                "communities": c.supply,
            })),
            None,
        ),
        Err(e) => (None, Some(e.clone())),
    };
    Ok(axum::Json(json!({
        "district": { "code": d.code, "name_zh": d.name_zh, "name_en": d.name_en },
        "min_count": MIN_COUNT,
        "withheld": "null is a withheld cell: a count under min_count, any count of a group that fewer than min_count households answered, or a cell needed to protect such a cell",
        "order": {
            "functions": ServiceFunction::ALL.map(ServiceFunction::code),
            "age_bands": AGE_BANDS.map(|b| b.0),
            "times": TIMES.map(|t| t.0),
            "walk_minutes": WALK_MINUTES,
            "pay_bands": PAY_BANDS,
            "pay_scales": ServiceFunction::ALL.map(pay_scale),
        },
        "demand": c.demand,
        "supply": supply,
        "supply_error": supply_error,
        "gaps": c.gaps,
        "unreadable": c.unreadable,
    }))
    .into_response())
}

/// A CSV cell: quoted when it must be, and never read as a formula.
fn field(out: &mut String, value: &str) {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

fn line(out: &mut String, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, cell);
    }
    out.push_str("\r\n");
}

fn count(cell: Option<u32>) -> String {
    cell.map(|n| n.to_string()).unwrap_or_default()
}

/// `text/csv`, UTF-8 with a byte-order mark, as a download named `name`.
fn csv_response(body: &str, name: &str) -> Response {
    let mut response = format!("\u{feff}{body}").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The header of demand.csv: Chinese label, then the code.
fn demand_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "层级 level",
        "街道 subdistrict",
        "社区 community",
        "受访户数 respondents",
        "可接受步行中位数(分钟) median_walk_minutes",
    ]
    .map(str::to_owned)
    .to_vec();
    for (code, zh, _) in AGE_BANDS {
        h.push(format!("有{zh}成员的户数 households_{code}"));
    }
    for f in ServiceFunction::ALL {
        h.push(format!("需要{} need_{}", f.label_zh(), f.code()));
    }
    for f in ServiceFunction::ALL {
        h.push(format!("首选{} first_{}", f.label_zh(), f.code()));
    }
    for (code, zh, _) in TIMES {
        h.push(format!("{zh} time_{code}"));
    }
    for m in WALK_MINUTES {
        h.push(format!("步行{m}分钟 walk_{m}"));
    }
    for f in ServiceFunction::ALL {
        for b in 0..PAY_BANDS {
            h.push(format!(
                "{}付费档{b}（{}） pay_{}_{b}",
                f.label_zh(),
                pay_scale(f).band_zh(b),
                f.code()
            ));
        }
    }
    h.push("计算供给的步行分钟 reach_minutes".to_owned());
    for f in ServiceFunction::ALL {
        h.push(format!(
            "步行可达{}设施数 facilities_{}",
            f.label_zh(),
            f.code()
        ));
    }
    for f in ServiceFunction::ALL {
        h.push(format!("{}空余位 free_places_{}", f.label_zh(), f.code()));
    }
    for f in ServiceFunction::ALL {
        h.push(format!("{}缺口分 gap_{}", f.label_zh(), f.code()));
    }
    h.push("供给数据 supply_data".to_owned());
    h
}

/// What the supply columns come from, said on every line of demand.csv so
/// that no copy of a line loses it: the published dataset, SAMPLE data
/// (not real facilities), or none (no dataset loaded, so no supply).
fn supply_data_cell(atlas: Option<&Atlas>) -> &'static str {
    match atlas {
        Some(a) if a.sample => "示例数据 sample",
        Some(_) => "正式数据 published",
        None => "无 none",
    }
}

fn row_cells(
    level: &str,
    sub: &str,
    community: &str,
    row: &Row,
    median: Option<u8>,
) -> Vec<String> {
    let mut cells = vec![
        level.to_owned(),
        sub.to_owned(),
        community.to_owned(),
        count(row.respondents),
        median.map(|m| m.to_string()).unwrap_or_default(),
    ];
    cells.extend(row.households_with_band.iter().map(|&c| count(c)));
    cells.extend(row.needs.iter().map(|&c| count(c)));
    cells.extend(row.first_priority.iter().map(|&c| count(c)));
    cells.extend(row.times.iter().map(|&c| count(c)));
    cells.extend(row.walk.iter().map(|&c| count(c)));
    cells.extend(row.pay.iter().flatten().map(|&c| count(c)));
    cells
}

fn supply_cells(supply: Option<&Supply>, gaps: &[&Gap]) -> Vec<String> {
    let mut cells = vec![
        supply
            .map(|s| s.reach_minutes.to_string())
            .unwrap_or_default(),
    ];
    for slot in 0..9 {
        cells.push(
            supply
                .map(|s| s.facilities[slot].to_string())
                .unwrap_or_default(),
        );
    }
    for slot in 0..9 {
        cells.push(count(supply.and_then(|s| s.free_places[slot])));
    }
    for f in ServiceFunction::ALL {
        cells.push(
            gaps.iter()
                .find(|g| g.function == f)
                .map(|g| format!("{:.3}", g.score))
                .unwrap_or_default(),
        );
    }
    cells
}

fn demand_table(c: &Computed, supply_data: &str) -> String {
    let mut out = String::new();
    let header = demand_header();
    let width = header.len();
    line(&mut out, &header);
    let pad = |mut cells: Vec<String>| {
        cells.resize(width - 1, String::new());
        cells.push(supply_data.to_owned());
        cells
    };
    let d = &c.demand;
    line(
        &mut out,
        &pad(row_cells(
            "区 district",
            "",
            "",
            &d.total,
            d.median_walk_minutes,
        )),
    );
    for sub in &d.subdistricts {
        line(
            &mut out,
            &pad(row_cells(
                "街道 subdistrict",
                &sub.name,
                "",
                &sub.row,
                sub.median_walk_minutes,
            )),
        );
    }
    for sub in &d.subdistricts {
        for community in &sub.communities {
            let mut cells = row_cells(
                "社区 community",
                &sub.name,
                &community.name,
                &community.row,
                community.median_walk_minutes,
            );
            let supply = c
                .supply
                .iter()
                .find(|s| s.subdistrict == sub.name && s.community == community.name);
            let gaps: Vec<&Gap> = c
                .gaps
                .iter()
                .filter(|g| g.subdistrict == sub.name && g.community == community.name)
                .collect();
            cells.extend(supply_cells(supply.map(|s| &s.supply), &gaps));
            line(&mut out, &pad(cells));
        }
    }
    // Then the communities of the facility data that no household has
    // answered from: their supply is public, and where nobody has answered
    // is where staff plan the next survey. Every count of theirs is a true
    // zero (adding them changes no total, so it reveals nothing), and they
    // have no median. Unless some answers are from a community the facility
    // data does not list (stored while it could not be read, or under a
    // name since changed): then who answered where is not certain, and
    // their counts are left empty.
    let answered = |sub: &str, community: &str| {
        d.subdistricts
            .iter()
            .any(|s| s.name == sub && s.communities.iter().any(|m| m.name == community))
    };
    let all_listed = d.subdistricts.iter().all(|s| {
        s.communities.iter().all(|m| {
            c.supply
                .iter()
                .any(|p| p.subdistrict == s.name && p.community == m.name)
        })
    });
    let zero = all_listed.then_some(0);
    let none = Row {
        respondents: zero,
        households_with_band: [zero; 7],
        needs: [zero; 9],
        first_priority: [zero; 9],
        times: [zero; 4],
        pay: [[zero; PAY_BANDS as usize]; 9],
        walk: [zero; 5],
    };
    for p in c
        .supply
        .iter()
        .filter(|p| !answered(&p.subdistrict, &p.community))
    {
        let mut cells = row_cells("社区 community", &p.subdistrict, &p.community, &none, None);
        cells.extend(supply_cells(Some(&p.supply), &[]));
        line(&mut out, &pad(cells));
    }
    out
}

async fn demand_csv(
    State(r): State<Research>,
    UrlPath(code): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let access = authorise(&r.db, &headers).await?;
    readable(&access, &code)?;
    let c = district(&r, &code).await?;
    log(&r, &access, &code, "demand.csv", false, c.responses).await?;
    Ok(csv_response(
        &demand_table(&c, supply_data_cell(r.atlas.as_ref().as_ref().ok())),
        &format!("linli-demand-{code}.csv"),
    ))
}

/// The codebook of demand.csv and responses.csv, one line per code or
/// kind of empty cell: file, column, value, meaning in Chinese, in English.
fn codebook_table() -> String {
    let mut out = String::new();
    let mut row = |file: &str, column: &str, value: &str, zh: &str, en: &str| {
        line(&mut out, &[file, column, value, zh, en].map(str::to_owned));
    };
    row("文件 file", "列 column", "取值 value", "含义", "meaning");
    let (demand, responses) = ("demand.csv", "responses.csv");
    let walking = WalkingModel::STANDARD;
    let (speed, detour) = (walking.speed_m_per_min, walking.detour_factor);
    let withheld_zh = format!(
        "已隐藏：少于 {MIN_COUNT} 户，或该行受访不足 {MIN_COUNT} 户，或可由合计或同行相减推算出这样的数字"
    );
    let withheld_en = format!(
        "withheld: under {MIN_COUNT} households, a row that fewer than {MIN_COUNT} households answered, or a cell that would reveal such a count through a total or by subtraction within the row"
    );
    row(
        demand,
        "level",
        "区 district / 街道 subdistrict / 社区 community",
        "该行是全区、一个街道还是一个社区；街道行是其社区之和，全区行是各街道之和",
        "whether the line is the district, a sub-district or a community; a sub-district line is the sum of its communities, the district line the sum of its sub-districts",
    );
    row(
        demand,
        "subdistrict",
        "名称 name",
        "街道名称，与设施数据的社区列表一致；全区行为空",
        "the sub-district's name, as in the facility data's community list; empty on the district line",
    );
    row(
        demand,
        "community",
        "名称 name",
        "社区名称，与设施数据的社区列表一致；全区行和街道行为空。有答卷的社区在前；设施数据中还没有受访户的社区列在最后，受访户数等各项为 0（若有答卷来自设施数据未列出的社区，则为空），只有供给",
        "the community's name, as in the facility data's community list; empty on the district and sub-district lines. Communities with answers come first; those of the facility data with no answering household yet come last, with 0 respondents and every count 0, for their supply",
    );
    row(
        demand,
        "respondents",
        "n",
        "该行的受访户数（每户一份答卷）",
        "households that answered, in the line's area (one answer per household)",
    );
    row(
        demand,
        "respondents … pay_*",
        "（空 empty）",
        &withheld_zh,
        &withheld_en,
    );
    row(
        demand,
        "respondents … pay_*",
        "0",
        "确实为零（已公布）",
        "a true, published zero",
    );
    for (column, zh, en) in [
        (
            "households_*",
            "有该年龄段成员的受访户数",
            "answering households with a member of that age band",
        ),
        (
            "need_*",
            "需要该服务的受访户数",
            "answering households that need the service",
        ),
        (
            "first_*",
            "把该服务列为最迫切（优先级 1）的受访户数",
            "answering households that gave the service priority 1 (most urgent)",
        ),
        (
            "time_*",
            "需要在该时段的受访户数",
            "answering households that need services at that time",
        ),
        (
            "walk_*",
            "可接受步行正好为该分钟数的受访户数",
            "answering households whose acceptable walk is exactly that many minutes",
        ),
        (
            "pay_*_*",
            "为该服务选择该付费档的受访户数",
            "answering households that chose that pay band for the service",
        ),
    ] {
        row(demand, column, "n", zh, en);
    }
    row(
        demand,
        "median_walk_minutes",
        "n",
        "该行受访户可接受步行时间的中位数（分钟）",
        "the median acceptable walk of the row's answering households, in minutes",
    );
    row(
        demand,
        "median_walk_minutes",
        "（空 empty）",
        &format!("不公布：该行受访不足 {MIN_COUNT} 户"),
        &format!("not published: fewer than {MIN_COUNT} households answered the row"),
    );
    row(
        demand,
        "reach_minutes",
        "n",
        &format!(
            "计算供给所用的步行分钟：该社区的可接受步行中位数；社区受访不足 {MIN_COUNT} 户时用所在街道的，再不然用全区的，都没有时为 15（15 分钟生活圈）"
        ),
        &format!(
            "the walk supply is counted within, in minutes: the community's median acceptable walk; its sub-district's when fewer than {MIN_COUNT} households of the community answered, else the district's, else 15 (the 15-minute life circle)"
        ),
    );
    row(
        demand,
        "reach_minutes … gap_*",
        "（空 empty）",
        "无供给：区和街道行（供给只按社区计算），或服务器未载入设施数据（supply_data 为“无”），或该社区在设施数据中没有位置",
        "no supply: district and sub-district lines (supply is counted per community), no facility data loaded (supply_data is none), or a community without a place in the facility data",
    );
    row(
        demand,
        "facilities_*",
        "n",
        &format!(
            "社区中心步行 reach_minutes 分钟内（标准步速：每分钟 {speed} 米，绕行系数 {detour}）提供该服务的设施数"
        ),
        &format!(
            "facilities offering the service within reach_minutes' walk of the community's centre (standard speed: {speed} m a minute, detour factor {detour})"
        ),
    );
    row(
        demand,
        "free_places_*",
        "n",
        "这些设施报告的空余托位或床位之和（托育、托管、养老），按各设施最近一次统计",
        "free childcare places or elder-care beds those facilities report, added up (infant care, after-school care, elder care), each as last counted",
    );
    row(
        demand,
        "free_places_*",
        "（空 empty）",
        "未报告，步行范围内没有提供该服务的设施，或该服务不计名额（助餐、健康等）",
        "not reported, no facility in reach offers the service, or the service counts no places (meals, health, …)",
    );
    row(
        demand,
        "gap_*",
        "（空 empty）",
        "不排名：需要该服务的户数为 0 或已隐藏，或无供给",
        "not ranked: no household needs the service, the need is withheld, or there is no supply",
    );
    row(
        demand,
        "gap_*",
        "x",
        "缺口分 = 需要该服务的受访户比例 ÷（1 + 可达设施数）",
        "gap score = share of answering households needing the service ÷ (1 + facilities in reach)",
    );
    row(
        demand,
        "supply_data",
        "示例数据 sample",
        "供给来自示例数据，并非真实设施",
        "supply comes from SAMPLE data, not real facilities",
    );
    row(
        demand,
        "supply_data",
        "正式数据 published",
        "供给来自发布的设施数据",
        "supply comes from the published facility dataset",
    );
    row(
        demand,
        "supply_data",
        "无 none",
        "服务器未载入设施数据，无供给",
        "no facility data loaded on the server: no supply",
    );
    row(
        responses,
        "id",
        "UUID",
        "答卷编号，由居民的设备生成，不含个人信息",
        "the answer's id, made on the resident's device; it holds nothing about the person",
    );
    row(
        responses,
        "received_day",
        "YYYY-MM-DD",
        "服务器收到答卷的日期（北京时间）",
        "the day the collector received the answer (Beijing time)",
    );
    row(
        responses,
        "questionnaire",
        "n",
        "问卷版本",
        "the questionnaire's version",
    );
    row(
        responses,
        "subdistrict",
        "名称 name",
        "居民所住的街道",
        "the sub-district the household lives in",
    );
    row(
        responses,
        "community",
        "名称 name",
        "居民所住的社区",
        "the community the household lives in",
    );
    row(
        responses,
        "comment",
        "文字 text",
        "居民的留言（只在要求时导出；含 11 位数字的留言在提交时即被拒绝）",
        "the household's comment (exported only when asked for; a comment holding an 11-digit number is refused when sent)",
    );
    for (p, zh, en) in linli_survey::questionnaire::PRIORITY_LABELS {
        row(responses, "priority_*", &p.to_string(), zh, en);
    }
    row(
        responses,
        "priority_*",
        "（空 empty）",
        "不需要该服务",
        "service not needed",
    );
    row(
        responses,
        "time_*",
        "1",
        "需要在该时段",
        "needed at that time",
    );
    row(
        responses,
        "time_*",
        "0",
        "不需要在该时段",
        "not needed at that time",
    );
    for f in ServiceFunction::ALL {
        let scale = pay_scale(f);
        let column = format!("pay_{}", f.code());
        for b in 0..PAY_BANDS {
            row(
                responses,
                &column,
                &b.to_string(),
                &scale.band_zh(b),
                &scale.band_en(b),
            );
        }
        row(
            responses,
            &column,
            "（空 empty）",
            "不确定或未填；不需要该服务时也为空",
            "not sure or not answered; also empty when the service is not needed",
        );
    }
    row(
        responses,
        "age_*",
        "n",
        "户内该年龄段人数",
        "household members of that age band",
    );
    row(
        responses,
        "walk_minutes",
        "5, 10, 15, 20, 30",
        "可接受的步行分钟数",
        "acceptable walk, in minutes",
    );
    out
}

async fn codebook_csv() -> Response {
    csv_response(&codebook_table(), "linli-codebook.csv")
}

/// `?comments=1` includes the free-text comments.
#[derive(Debug, Deserialize)]
struct RawQuery {
    #[serde(default)]
    comments: Option<String>,
}

/// The day an answer arrived, in Beijing time (UTC+8), as `YYYY-MM-DD`.
fn beijing_day(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds + 8 * 3600, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The columns of `responses.csv`, the comment last when asked for.
fn responses_header(comments: bool) -> Vec<String> {
    let mut header: Vec<String> = [
        "编号 id",
        "收到日期 received_day",
        "问卷版本 questionnaire",
        "街道 subdistrict",
        "社区 community",
    ]
    .map(str::to_owned)
    .to_vec();
    for (code, zh, _) in AGE_BANDS {
        header.push(format!("{zh}人数 {code}"));
    }
    for f in ServiceFunction::ALL {
        header.push(format!("{}优先级 priority_{}", f.label_zh(), f.code()));
    }
    for (code, zh, _) in TIMES {
        header.push(format!("{zh} time_{code}"));
    }
    for f in ServiceFunction::ALL {
        header.push(format!("{}付费档 pay_{}", f.label_zh(), f.code()));
    }
    header.push("可接受步行(分钟) walk_minutes".to_owned());
    if comments {
        header.push("留言 comment".to_owned());
    }
    header
}

fn responses_table(surveys: &[StoredSurvey], comments: bool) -> (String, usize) {
    let mut out = String::new();
    line(&mut out, &responses_header(comments));
    let mut written = 0;
    for s in surveys {
        let Ok(r) = serde_json::from_str::<SurveyResponse>(&s.body) else {
            continue;
        };
        let mut cells = vec![
            r.id.clone(),
            beijing_day(s.received_at),
            r.questionnaire.to_string(),
            r.community.subdistrict.clone(),
            r.community.community.clone(),
        ];
        cells.extend(r.household.counts().iter().map(u8::to_string));
        for f in ServiceFunction::ALL {
            cells.push(
                r.needs
                    .iter()
                    .find(|n| n.function == f)
                    .map(|n| n.priority.to_string())
                    .unwrap_or_default(),
            );
        }
        for t in [
            TimeNeed::WeekdayDaytime,
            TimeNeed::WeekdayEvening,
            TimeNeed::Weekend,
            TimeNeed::SchoolHolidays,
        ] {
            cells.push(u8::from(r.times.contains(&t)).to_string());
        }
        for f in ServiceFunction::ALL {
            cells.push(
                r.pay
                    .iter()
                    .find(|p| p.function == f)
                    .map(|p| p.band.to_string())
                    .unwrap_or_default(),
            );
        }
        cells.push(r.walk_minutes.to_string());
        if comments {
            cells.push(r.comment.clone().unwrap_or_default());
        }
        line(&mut out, &cells);
        written += 1;
    }
    (out, written)
}

async fn responses_csv(
    State(r): State<Research>,
    UrlPath(code): UrlPath<String>,
    Query(query): Query<RawQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let access = authorise(&r.db, &headers).await?;
    readable(&access, &code)?;
    if access.scope == Scope::City {
        return Err(ApiError::Forbidden(
            "raw responses are exported by the district that collected them; city tokens read aggregates".to_owned(),
        ));
    }
    let comments = matches!(query.comments.as_deref(), Some("1" | "true" | "yes"));
    let surveys = r.db.district_surveys(&code).await?;
    let (body, written) = tokio::task::spawn_blocking(move || responses_table(&surveys, comments))
        .await
        .map_err(|e| ApiError::Internal(format!("export failed: {e}")))?;
    log(&r, &access, &code, "responses.csv", comments, written).await?;
    Ok(csv_response(&body, &format!("linli-responses-{code}.csv")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demand table's lines for `answered` communities (stored with no
    /// readable answer: 0 respondents) and the facility data's `listed`
    /// ones, all in 甲街道: each community line's name and respondents.
    fn community_lines(answered: &[&str], listed: &[&str]) -> Vec<(String, String)> {
        let communities: BTreeMap<CommunityKey, Demand> = answered
            .iter()
            .map(|&name| {
                (
                    ("110101".to_owned(), "甲街道".to_owned(), name.to_owned()),
                    Demand::default(),
                )
            })
            .collect();
        let supply = listed
            .iter()
            .map(|&name| CommunitySupply {
                subdistrict: "甲街道".to_owned(),
                community: name.to_owned(),
                lon: 116.4,
                lat: 39.9,
                supply: Supply {
                    reach_minutes: 15,
                    facilities: [1; 9],
                    free_places: [None; 9],
                },
            })
            .collect();
        let c = Computed {
            demand: publish("110101", &communities, MIN_COUNT),
            supply,
            gaps: Vec::new(),
            responses: 0,
            unreadable: 0,
        };
        let table = demand_table(&c, "示例数据 sample");
        let header = demand_header();
        let respondents = header
            .iter()
            .position(|h| h.ends_with(" respondents"))
            .unwrap();
        table
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
            .filter(|cells| cells[0] == "社区 community")
            .map(|cells| (cells[2].clone(), cells[respondents].clone()))
            .collect()
    }

    #[test]
    fn communities_nobody_answered_from_are_listed_with_zeros_only_when_certain() {
        // 一社区 is among the answered; 二社区 has none: a true zero.
        assert_eq!(
            community_lines(&["一社区"], &["一社区", "二社区"]),
            [
                ("一社区".to_owned(), "0".to_owned()),
                ("二社区".to_owned(), "0".to_owned())
            ]
        );
        // Answers from a community the facility data does not list (a name
        // since changed): whether 二社区's households answered under the old
        // name is not known, so its counts are empty, not 0.
        assert_eq!(
            community_lines(&["旧名社区"], &["二社区"]),
            [
                ("旧名社区".to_owned(), "0".to_owned()),
                ("二社区".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        let mut out = String::new();
        line(
            &mut out,
            &[
                "a,b".to_owned(),
                "say \"hi\"".to_owned(),
                "=1+1".to_owned(),
                "东城区".to_owned(),
            ],
        );
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,东城区\r\n");
    }

    #[test]
    fn days_are_beijing_days() {
        // 2026-11-26 17:00 UTC is 2026-11-27 01:00 in Beijing.
        assert_eq!(beijing_day(1_795_712_400), "2026-11-27");
    }

    #[test]
    fn the_demand_header_matches_the_rows() {
        let header = demand_header();
        let row = row_cells(
            "社区 community",
            "s",
            "c",
            &publish("110101", &Default::default(), 10).total,
            None,
        );
        let supply = supply_cells(None, &[]);
        // And the supply's source, last.
        assert_eq!(header.len(), row.len() + supply.len() + 1);
        assert_eq!(header.last().unwrap(), "供给数据 supply_data");
    }

    #[test]
    fn the_codebook_explains_every_code_the_files_write() {
        let book = codebook_table();
        let lines: Vec<&str> = book.lines().collect();
        let has = |column: &str, value: &str| {
            lines
                .iter()
                .any(|l| l.contains(&format!(",{column},{value},")))
        };
        for f in ServiceFunction::ALL {
            let column = format!("pay_{}", f.code());
            for b in 0..PAY_BANDS {
                assert!(has(&column, &b.to_string()), "{column} = {b}");
            }
        }
        for p in linli_survey::questionnaire::PRIORITIES {
            assert!(has("priority_*", &p.to_string()));
        }
        for source in [
            supply_data_cell(None),
            "示例数据 sample",
            "正式数据 published",
        ] {
            assert!(has("supply_data", source), "{source}");
        }
        for column in [
            "time_*",
            "households_*",
            "need_*",
            "first_*",
            "walk_*",
            "pay_*_*",
        ] {
            assert!(
                lines.iter().any(|l| l.contains(&format!(",{column},"))),
                "{column}"
            );
        }
        for column in ["age_*", "walk_minutes"] {
            assert!(
                lines.iter().any(|l| l.contains(&format!("{column},"))),
                "{column}"
            );
        }
        // Every column of demand.csv past the row's place is explained,
        // by its code or a pattern of codes (`need_*`, `respondents …
        // pay_*`: a range of columns).
        let columns: Vec<&str> = lines
            .iter()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1))
            .collect();
        let explained = |code: &str| {
            columns.iter().any(|c| {
                c.split(" … ").any(|p| match p.split_once('*') {
                    Some((start, _)) => code.starts_with(start) && code.len() > start.len(),
                    None => p == code,
                })
            })
        };
        for label in demand_header().iter().chain(&responses_header(true)) {
            let code = label.rsplit(' ').next().unwrap();
            assert!(explained(code), "{label} is not in the codebook");
        }
        // Bands read as the survey asked them, in both languages.
        assert!(book.contains(",pay_meals,1,不超过 10 元/餐,Up to 10 yuan per meal\r\n"));
    }
}
