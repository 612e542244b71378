//! What the collector logs: method and path, never the query string (a
//! resident's position can be in it), an answer or a client address.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use linli_collector::{Db, WebConfig, app};
use serde_json::{Value, json};
use tower::ServiceExt;

fn survey() -> Value {
    json!({
        "id": "5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f",
        "questionnaire": 1,
        "consent": true,
        "community": {"district_code": "110101", "subdistrict": "东四街道", "community": "示例第7社区"},
        "household": {"age_0_3": 1, "age_3_6": 0, "age_6_12": 0, "age_12_18": 0, "age_18_59": 2, "age_60_79": 0, "age_80_plus": 0},
        "needs": [{"function": "infant_care", "priority": 1}],
        "times": ["weekday_daytime"],
        "walk_minutes": 15
    })
}

#[tokio::test]
async fn logs_never_carry_the_query_or_the_body() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // Global, in a test binary of its own: tracing caches per call site
    // whether anyone listens, which a thread-local subscriber in a binary of
    // parallel tests can miss.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let db = Db::connect(&url).await.unwrap();
    let r = app(db, &WebConfig::default())
        .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 4000))));
    let request = Request::get("/api/v1/health?pos=116.41700,39.92900")
        .body(Body::empty())
        .unwrap();
    let _ = r.clone().oneshot(request).await.unwrap();
    let mut body = survey();
    body["comment"] = json!("希望晚上开门");
    let request = Request::post("/api/v1/surveys")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = r.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/api/v1/health"),
        "requests are logged: {logs}"
    );
    assert!(!logs.contains("116.417"), "no position in the logs: {logs}");
    assert!(
        !logs.contains("希望晚上开门"),
        "no answers in the logs: {logs}"
    );
    assert!(
        !logs.contains("127.0.0.1"),
        "no address in the logs: {logs}"
    );
}
