//! The collector's API through its router, with no socket: each answer a
//! client can get, against a real SQLite file (and PostgreSQL when
//! `LINLI_TEST_POSTGRES_URL` is set, as `cargo xtask test` does).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use linli_collector::{Db, WebConfig, app};
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;
use common::databases;

fn survey(id: &str) -> Value {
    json!({
        "id": id,
        "questionnaire": 1,
        "consent": true,
        "community": {"district_code": "110101", "subdistrict": "东四街道", "community": "示例第7社区"},
        "household": {"age_0_3": 1, "age_3_6": 0, "age_6_12": 0, "age_12_18": 0, "age_18_59": 2, "age_60_79": 0, "age_80_plus": 0},
        "needs": [{"function": "infant_care", "priority": 1}],
        "times": ["weekday_daytime"],
        "pay": [{"function": "infant_care", "band": 2}],
        "walk_minutes": 15
    })
}

const ID: &str = "5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f";

fn router(db: Db, web: &WebConfig) -> Router {
    app(db, web).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 4000))))
}

async fn post(
    router: &Router,
    path: &str,
    body: &str,
) -> (StatusCode, Value, axum::http::HeaderMap) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json, headers)
}

#[tokio::test]
async fn new_resent_and_conflicting_surveys() {
    for (name, db, _dir) in databases().await {
        let r = router(db.clone(), &WebConfig::default());
        let body = survey(ID).to_string();
        let (status, json, _) = post(&r, "/api/v1/surveys", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {json}");
        // The same answers again, even laid out differently: 200, no new row.
        let pretty = serde_json::to_string_pretty(&survey(ID)).unwrap();
        let (status, _, _) = post(&r, "/api/v1/surveys", &pretty).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        // Different answers under the same id: 409, the first kept.
        let mut other = survey(ID);
        other["walk_minutes"] = json!(30);
        let (status, json, _) = post(&r, "/api/v1/surveys", &other.to_string()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{name}");
        assert_eq!(json["errors"][0]["field"], "id");
        assert_eq!(db.count_surveys(Some(ID)).await.unwrap(), 1, "{name}");
    }
}

#[tokio::test]
async fn bad_input_names_the_field() {
    for (name, db, _dir) in databases().await {
        let r = router(db.clone(), &WebConfig::default());
        // Unknown fields: 422 naming the field.
        let mut body = survey(ID);
        body["name"] = json!("张三");
        let (status, json, _) = post(&r, "/api/v1/surveys", &body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(json["errors"][0]["field"], "name");
        let reason = json["errors"][0]["reason"].as_str().unwrap();
        assert!(reason.contains("unknown field `name`"), "{reason}");
        // Not JSON: 400 with the position.
        let (status, json, _) = post(&r, "/api/v1/surveys", "{\"id\": ").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            json["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("line 1")
        );
        // Readable but wrong: 422 with every field.
        let mut body = survey(ID);
        body["walk_minutes"] = json!(25);
        body["consent"] = json!(false);
        let (status, json, _) = post(&r, "/api/v1/surveys", &body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let fields: Vec<&str> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["consent", "walk_minutes"]);
        // A value of the wrong type: 422 naming its field.
        let mut body = survey(ID);
        body["walk_minutes"] = json!("15");
        body["household"]["age_0_3"] = json!(-1);
        let (status, json, _) = post(&r, "/api/v1/surveys", &body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {json}");
        assert_eq!(json["errors"][0]["field"], "household.age_0_3", "{json}");
        // Over 16 KiB: 413, in the API's own form.
        let mut body = survey(ID);
        body["comment"] = json!("长".repeat(6000));
        let (status, json, headers) = post(&r, "/api/v1/surveys", &body.to_string()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{name}");
        assert_eq!(json["errors"][0]["field"], "body", "{json}");
        assert!(
            json["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("16384 bytes")
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        // Not JSON by content type: 415.
        let request = Request::post("/api/v1/surveys")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(survey(ID).to_string()))
            .unwrap();
        let response = r.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            db.count_surveys(None).await.unwrap(),
            0,
            "{name}: nothing stored"
        );
    }
}

/// What a script gets for a mistyped address or method under `/api/`: the
/// API's JSON error, never the app's page.
#[tokio::test]
async fn wrong_addresses_and_methods_get_json_errors() {
    let (_, db, _dir) = databases().await.remove(0);
    let r = router(db, &WebConfig::default());
    let get = |path: &'static str| {
        let r = r.clone();
        async move {
            let response = r
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, headers, serde_json::from_slice::<Value>(&bytes))
        }
    };
    let (status, headers, json) = get("/api/v1/districts/110101/demand.xlsx").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let json = json.unwrap();
    assert_eq!(json["errors"][0]["field"], "path");
    assert!(
        json["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("demand.xlsx")
    );
    let (status, headers, json) = get("/api/v1/surveys").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "POST");
    assert_eq!(json.unwrap()["errors"][0]["field"], "method");
}

#[tokio::test]
async fn a_hundred_parallel_posts_of_one_id_leave_one_row() {
    for (name, db, _dir) in databases().await {
        let r = router(db.clone(), &WebConfig::default());
        let body = survey(ID).to_string();
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let r = r.clone();
                let body = body.clone();
                tokio::spawn(async move { post(&r, "/api/v1/surveys", &body).await.0 })
            })
            .collect();
        let mut created = 0;
        for t in tasks {
            match t.await.unwrap() {
                StatusCode::CREATED => created += 1,
                StatusCode::OK => {}
                other => panic!("{name}: {other}"),
            }
        }
        assert_eq!(created, 1, "{name}: exactly one 201");
        assert_eq!(
            db.count_surveys(None).await.unwrap(),
            1,
            "{name}: exactly one row"
        );
    }
}

#[tokio::test]
async fn problem_reports_follow_the_same_rules() {
    for (name, db, _dir) in databases().await {
        let r = router(db, &WebConfig::default());
        let report = json!({
            "id": "7d0b1c56-0000-4000-8000-000000000000", "facility_id": "110101-00001",
            "kind": "phone", "text": "电话是空号", "created_at": "2026-11-27T10:00"
        });
        let (status, _, _) = post(&r, "/api/v1/reports", &report.to_string()).await;
        assert_eq!(status, StatusCode::CREATED, "{name}");
        let (status, _, _) = post(&r, "/api/v1/reports", &report.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        let mut other = report.clone();
        other["text"] = json!("电话打不通");
        let (status, _, _) = post(&r, "/api/v1/reports", &other.to_string()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{name}");
        let mut bad = report.clone();
        bad["text"] = json!("请打 13912345678");
        bad["id"] = json!("7d0b1c56-0000-4000-8000-000000000001");
        let (status, json, _) = post(&r, "/api/v1/reports", &bad.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(json["errors"][0]["field"], "text");
    }
}

#[tokio::test]
async fn a_client_over_its_rate_gets_retry_after() {
    let (_, db, _dir) = databases().await.remove(0);
    let web = WebConfig {
        rate_per_minute: 3,
        ..WebConfig::default()
    };
    let r = router(db, &web);
    for i in 0..3 {
        let id = format!("5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7{i}");
        let (status, _, _) = post(&r, "/api/v1/surveys", &survey(&id).to_string()).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, _, headers) = post(&r, "/api/v1/surveys", &survey(ID).to_string()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
}

#[tokio::test]
async fn health_headers_cors_and_the_app() {
    let (_, db, _dir) = databases().await.remove(0);
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><script type=module>import init from '/a.js'; await init();</script>",
    )
    .unwrap();
    let web = WebConfig {
        dist: Some(dist.path().to_owned()),
        allowed_origins: vec!["https://survey.example.org".to_owned()],
        rate_per_minute: 0,
    };
    let r = router(db, &web);
    let get = |path: &str, origin: Option<&str>| {
        let mut request = Request::get(path);
        if let Some(o) = origin {
            request = request.header(header::ORIGIN, o);
        }
        r.clone().oneshot(request.body(Body::empty()).unwrap())
    };
    let health = get("/api/v1/health", None).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let csp = health.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(health.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // A link with a query opens the app.
    let page = get("/?fac=110101-00001&fd=110101", None).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&html).contains("import init"));
    // A file the build does not have is a 404, not the page: a module of
    // an older release, asked for by a tab opened before this one.
    std::fs::write(dist.path().join("a.js"), "export default 1;").unwrap();
    assert_eq!(get("/a.js", None).await.unwrap().status(), StatusCode::OK);
    for missing in [
        "/split_survey-0123456789abcdef.wasm",
        "/linli-0123456789abcdef.js",
        "/data/999999.geojson",
        "/../index.html.br",
    ] {
        let response = get(missing, None).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    // Pages still open the app, with or without a trailing file name.
    for page in ["/staff/", "/some/page", "/index.html"] {
        assert_eq!(
            get(page, None).await.unwrap().status(),
            StatusCode::OK,
            "{page}"
        );
    }
    // CORS: the allowed origin is named back; another gets nothing.
    let allowed = get("/api/v1/health", Some("https://survey.example.org"))
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://survey.example.org"
    );
    let other = get("/api/v1/health", Some("https://evil.example.com"))
        .await
        .unwrap();
    assert!(
        other
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}
