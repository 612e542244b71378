//! The HTTP API: `POST /api/v1/surveys`, `POST /api/v1/reports`,
//! `GET /api/v1/health` and the district research routes ([`research`]), with one error type that turns every failure into
//! a clear JSON answer and logs internals without sending them.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use linli_survey::report::{ProblemReport, validate_report};
use linli_survey::{FieldError, Response as SurveyResponse, validate};
use serde_json::json;
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::MAX_BODY_BYTES;
use crate::db::{Db, ReportRow, Stored, SurveyRow};
use crate::limit::{RateLimit, limit};
use crate::research::{self, Atlas};
use crate::web::{WebConfig, with_site};

/// Why a request failed.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not JSON of the right shape (400).
    Unreadable(String),
    /// The body is not JSON at all, by its content type (415).
    NotJson,
    /// Readable, but fields are wrong (422).
    Invalid(Vec<FieldError>),
    /// Another record is stored under this id (409).
    Conflict,
    /// The database failed; logged, never sent (503, retry).
    Database(sqlx::Error),
    /// No token, or not a valid one (401).
    Unauthorised(String),
    /// The token may not do this, and may know that it exists (403).
    Forbidden(String),
    /// Nothing here for this token (404): also the answer for a district
    /// the token may not read, so that it learns nothing about it.
    NotFound,
    /// A server fault other than the database; logged, never sent (500).
    Internal(String),
}

/// The API's error body: `{"errors": [{"field", "reason"}]}`.
fn errors_body(field: &str, reason: &str) -> serde_json::Value {
    json!({ "errors": [{ "field": field, "reason": reason }] })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let errors = |field: &str, reason: String| errors_body(field, &reason);
        match self {
            ApiError::Unreadable(reason) => {
                (StatusCode::BAD_REQUEST, axum::Json(errors("body", reason))).into_response()
            }
            ApiError::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                axum::Json(errors("content-type", "send application/json".to_owned())),
            )
                .into_response(),
            ApiError::Invalid(list) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(json!({ "errors": list })),
            )
                .into_response(),
            ApiError::Conflict => (
                StatusCode::CONFLICT,
                axum::Json(errors(
                    "id",
                    "a different record is already stored under this id".to_owned(),
                )),
            )
                .into_response(),
            ApiError::Unauthorised(reason) => {
                let mut response = (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(errors("authorization", reason)),
                )
                    .into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"linli\""),
                );
                response
            }
            ApiError::Forbidden(reason) => (
                StatusCode::FORBIDDEN,
                axum::Json(errors("authorization", reason)),
            )
                .into_response(),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                axum::Json(errors("district", "no such district".to_owned())),
            )
                .into_response(),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(errors("", "the server failed; please retry".to_owned())),
                )
                    .into_response()
            }
            ApiError::Database(e) => {
                tracing::error!(error = %e, "database error");
                let mut response = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    axum::Json(errors("", "the service is busy; please retry".to_owned())),
                )
                    .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
                response
            }
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        ApiError::Database(e)
    }
}

/// The router: the API, plus the built app when `web.dist` is set, behind
/// the security headers.
pub fn app(db: Db, web: &WebConfig) -> Router {
    let limiter = RateLimit::new(web.rate_per_minute);
    let atlas = Arc::new(match &web.dist {
        Some(dist) => Atlas::load(&dist.join("data")),
        None => Err("the collector was started without --dist, so it has no dataset".to_owned()),
    });
    if let Err(e) = atlas.as_ref() {
        tracing::warn!(
            error = %e,
            "district research runs without supply figures, and survey communities are not checked against the list"
        );
    }
    let mut api = Router::new()
        .route("/api/v1/surveys", post(post_survey))
        .with_state(Surveys {
            db: db.clone(),
            atlas: atlas.clone(),
        })
        .route("/api/v1/reports", post(post_report))
        .with_state(db.clone())
        .merge(research::router(db.clone(), atlas))
        .layer(axum::middleware::from_fn_with_state(limiter, limit))
        .merge(
            Router::new()
                .route("/api/v1/health", get(health))
                .with_state(db),
        )
        .route("/api/{*rest}", any(no_such_address))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(json_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if !web.allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = web
            .allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        api = api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::POST, Method::GET])
                .allow_headers([header::CONTENT_TYPE]),
        );
    }
    // Logs name the method and the path only: a query string can hold a
    // resident's position (`?pos=…`), and it never reaches a log.
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
    });
    with_site(api, web).layer(trace)
}

/// Any other address under `/api/`: a JSON 404 rather than the app's page,
/// so that a script with a mistyped address is told so.
async fn no_such_address(uri: axum::http::Uri) -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(errors_body(
            "path",
            &format!("no API address {}", uri.path()),
        )),
    )
        .into_response()
}

/// Gives the errors that axum's extractors and router answer in plain text
/// (a body over the limit, a malformed query, a method an address does not
/// take) the API's JSON form, `{"errors": [{"field", "reason"}]}`, so that
/// every client reads one shape.
async fn json_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let (field, reason) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body",
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        ),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method", format!("this address does not take {method}"))
        }
        _ => {
            let bytes = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).trim().to_owned();
            let field = if text.starts_with("Failed to deserialize query string") {
                "query"
            } else {
                ""
            };
            (
                field,
                if text.is_empty() {
                    status.to_string()
                } else {
                    text
                },
            )
        }
    };
    let mut out = (status, axum::Json(errors_body(field, &reason))).into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

async fn health(State(db): State<Db>) -> Result<impl IntoResponse, ApiError> {
    db.ping().await?;
    Ok(axum::Json(json!({ "status": "ok" })))
}

fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json { Ok(()) } else { Err(ApiError::NotJson) }
}

/// Now, in seconds since 1970 (UTC).
pub(crate) fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a JSON body. A value of the wrong type is refused naming its
/// field (`walk_minutes`, `household.age_0_3`); a body that is not JSON at
/// all, naming the line and column.
fn read_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let field = e.path().to_string();
        let data = e.inner().classify() == serde_json::error::Category::Data;
        let reason = e.into_inner().to_string();
        if data && field != "." {
            ApiError::Invalid(vec![FieldError { field, reason }])
        } else {
            ApiError::Unreadable(reason)
        }
    })?;
    reader
        .end()
        .map_err(|e| ApiError::Unreadable(e.to_string()))?;
    Ok(value)
}

/// What a store did, as the client sees it.
fn stored_response(stored: Stored, id: &str) -> Result<Response, ApiError> {
    match stored {
        Stored::Created => Ok((
            StatusCode::CREATED,
            axum::Json(json!({ "id": id, "status": "created" })),
        )
            .into_response()),
        Stored::Same => Ok((
            StatusCode::OK,
            axum::Json(json!({ "id": id, "status": "already stored" })),
        )
            .into_response()),
        Stored::Different => Err(ApiError::Conflict),
    }
}

/// The survey route's state: the database, and the served dataset whose
/// list of communities answers are checked against.
#[derive(Clone)]
struct Surveys {
    db: Db,
    atlas: Arc<Result<Atlas, String>>,
}

async fn post_survey(
    State(Surveys { db, atlas }): State<Surveys>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let response: SurveyResponse = read_json(&body)?;
    let mut errors = validate(&response).err().unwrap_or_default();
    // The app offers only the listed communities; a name that is not one
    // would add a row of its own to every district table.
    if let Ok(atlas) = atlas.as_ref() {
        let listed = !errors.iter().any(|e| e.field.starts_with("community."));
        if let Some(e) = atlas.unlisted(&response.community).filter(|_| listed) {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    // The canonical form: the same answers always hash the same.
    let canonical = serde_json::to_string(&response).expect("responses serialise");
    let sha = sha256_hex(&canonical);
    let row = SurveyRow {
        id: &response.id,
        questionnaire: i64::from(response.questionnaire),
        district_code: &response.community.district_code,
        subdistrict: &response.community.subdistrict,
        community: &response.community.community,
        body: &canonical,
        body_sha256: &sha,
        received_at: now_seconds(),
        tally: linli_survey::aggregate::tally(&response) as i64,
    };
    let stored = db.store_survey(&row).await?;
    tracing::info!(kind = "survey", outcome = ?stored, "stored");
    stored_response(stored, &response.id)
}

async fn post_report(
    State(db): State<Db>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let report: ProblemReport = read_json(&body)?;
    validate_report(&report).map_err(ApiError::Invalid)?;
    let canonical = serde_json::to_string(&report).expect("reports serialise");
    let sha = sha256_hex(&canonical);
    let row = ReportRow {
        id: &report.id,
        facility_id: &report.facility_id,
        kind: report.kind.code(),
        body: &canonical,
        body_sha256: &sha,
        received_at: now_seconds(),
    };
    let stored = db.store_report(&row).await?;
    tracing::info!(kind = "report", outcome = ?stored, "stored");
    stored_response(stored, &report.id)
}
