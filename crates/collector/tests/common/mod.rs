//! What the collector's integration tests share: the databases to run
//! against.

#![allow(dead_code)] // Each test binary uses its own part.

use linli_collector::Db;

/// The databases to run against: a fresh SQLite file, and a fresh
/// PostgreSQL database when the test command provides a server in
/// `LINLI_TEST_POSTGRES_URL` (as `cargo xtask test` does).
pub async fn databases() -> Vec<(String, Db, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let mut out = vec![(
        "sqlite".to_owned(),
        Db::connect(&url).await.unwrap(),
        Some(dir),
    )];
    if let Ok(base) = std::env::var("LINLI_TEST_POSTGRES_URL") {
        let db = Db::connect(&fresh_postgres(&base).await).await.unwrap();
        out.push(("postgres".to_owned(), db, None));
    }
    out
}

/// A new, empty PostgreSQL database on the server at `base`, by URL.
pub async fn fresh_postgres(base: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "linli_t{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(base)
        .await
        .expect("the test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let (server, _) = base
        .rsplit_once('/')
        .expect("LINLI_TEST_POSTGRES_URL needs a database path");
    format!("{server}/{name}")
}
