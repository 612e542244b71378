//! The database: SQLite or PostgreSQL through sqlx's `Any` driver, with the
//! same SQL for both (`$n` parameters, `ON CONFLICT DO NOTHING`) and one set
//! of migrations (`migrations/`) that both accept.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor, Row};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The connection pool and what it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The database behind it.
    pub backend: Backend,
}

/// What storing a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new row was committed.
    Created,
    /// The same record was already there: nothing changed.
    Same,
    /// A different record is stored under this id: nothing changed.
    Different,
}

/// One survey answer, ready to store.
#[derive(Debug, Clone)]
pub struct SurveyRow<'a> {
    /// The client's UUID.
    pub id: &'a str,
    /// The questionnaire version.
    pub questionnaire: i64,
    /// District code.
    pub district_code: &'a str,
    /// Sub-district.
    pub subdistrict: &'a str,
    /// Community.
    pub community: &'a str,
    /// The canonical JSON of the answer.
    pub body: &'a str,
    /// Lowercase hex SHA-256 of `body`.
    pub body_sha256: &'a str,
    /// When it arrived, in seconds since 1970 (UTC).
    pub received_at: i64,
    /// What demand counts of it (`linli_survey::aggregate::tally`).
    pub tally: i64,
}

/// What demand counts of one community's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityTallies {
    /// Sub-district.
    pub subdistrict: String,
    /// Community.
    pub community: String,
    /// Each readable answer's tally (`linli_survey::aggregate::tally`).
    pub tallies: Vec<u64>,
    /// How many answers are stored, readable or not.
    pub answers: i64,
}

/// One stored survey answer, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSurvey {
    /// The client's UUID.
    pub id: String,
    /// When it arrived, in seconds since 1970 (UTC).
    pub received_at: i64,
    /// The canonical JSON of the answer.
    pub body: String,
}

/// One problem report, ready to store.
#[derive(Debug, Clone)]
pub struct ReportRow<'a> {
    /// The client's UUID.
    pub id: &'a str,
    /// The facility reported on.
    pub facility_id: &'a str,
    /// The kind's code.
    pub kind: &'a str,
    /// The canonical JSON of the report.
    pub body: &'a str,
    /// Lowercase hex SHA-256 of `body`.
    pub body_sha256: &'a str,
    /// When it arrived, in seconds since 1970 (UTC).
    pub received_at: i64,
}

impl Db {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) and
    /// brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL makes
                        // every commit durable before it is acknowledged;
                        // the busy timeout queues writers instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(url).await?;
        let db = Db { pool, backend };
        db.migrate().await?;
        db.fill_tallies().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        // One set of migrations in SQL that SQLite and PostgreSQL both
        // accept; the tests run them on both.
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .map_err(sqlx::Error::from)
    }

    /// Fills the tally of answers stored before the column existed; an
    /// answer that no longer parses keeps none and is counted as
    /// unreadable.
    async fn fill_tallies(&self) -> Result<(), sqlx::Error> {
        let rows = sqlx::query("SELECT id, body FROM surveys WHERE tally IS NULL")
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for row in &rows {
            let id: String = row.try_get(0)?;
            let body: String = row.try_get(1)?;
            let Ok(answer) = serde_json::from_str::<linli_survey::Response>(&body) else {
                continue;
            };
            sqlx::query("UPDATE surveys SET tally = $1 WHERE id = $2")
                .bind(linli_survey::aggregate::tally(&answer) as i64)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::info!(rows = rows.len(), "filled the tallies of older answers");
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Stores a survey answer unless its id is taken; says which.
    pub async fn store_survey(&self, row: &SurveyRow<'_>) -> Result<Stored, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO surveys (id, questionnaire, district_code, subdistrict, community, body, body_sha256, received_at, tally) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        )
        .bind(row.id)
        .bind(row.questionnaire)
        .bind(row.district_code)
        .bind(row.subdistrict)
        .bind(row.community)
        .bind(row.body)
        .bind(row.body_sha256)
        .bind(row.received_at)
        .bind(row.tally)
        .execute(&self.pool)
        .await?;
        self.settle(inserted.rows_affected(), "surveys", row.id, row.body_sha256)
            .await
    }

    /// Stores a problem report unless its id is taken; says which.
    pub async fn store_report(&self, row: &ReportRow<'_>) -> Result<Stored, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO reports (id, facility_id, kind, body, body_sha256, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(row.id)
        .bind(row.facility_id)
        .bind(row.kind)
        .bind(row.body)
        .bind(row.body_sha256)
        .bind(row.received_at)
        .execute(&self.pool)
        .await?;
        self.settle(inserted.rows_affected(), "reports", row.id, row.body_sha256)
            .await
    }

    /// What an `INSERT … ON CONFLICT DO NOTHING` into `table` did: a new
    /// row, or, when refused, the same body or another one.
    async fn settle(
        &self,
        inserted: u64,
        table: &'static str,
        id: &str,
        sha: &str,
    ) -> Result<Stored, sqlx::Error> {
        if inserted == 1 {
            return Ok(Stored::Created);
        }
        let sql = format!("SELECT body_sha256 FROM {table} WHERE id = $1");
        let stored: String = sqlx::query(&sql)
            .bind(id)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(if stored == sha {
            Stored::Same
        } else {
            Stored::Different
        })
    }

    /// How many survey answers are stored with `id`, or in all when `None`.
    pub async fn count_surveys(&self, id: Option<&str>) -> Result<i64, sqlx::Error> {
        let row = match id {
            Some(id) => {
                sqlx::query("SELECT COUNT(*) FROM surveys WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT COUNT(*) FROM surveys")
                    .fetch_one(&self.pool)
                    .await?
            }
        };
        row.try_get(0)
    }

    /// Every stored survey id (for checks that nothing was lost).
    pub async fn survey_ids(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query("SELECT id FROM surveys")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect()
    }

    /// Every stored answer from `district_code`, oldest first.
    pub async fn district_surveys(
        &self,
        district_code: &str,
    ) -> Result<Vec<StoredSurvey>, sqlx::Error> {
        sqlx::query(
            "SELECT id, received_at, body FROM surveys WHERE district_code = $1 \
             ORDER BY received_at, id",
        )
        .bind(district_code)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(StoredSurvey {
                id: r.try_get(0)?,
                received_at: r.try_get(1)?,
                body: r.try_get(2)?,
            })
        })
        .collect()
    }

    /// What demand counts of the answers from `district_code`, per
    /// community: sub-district, community, the tallies, and how many
    /// answers there are in all (more than the tallies when an answer's
    /// body could not be read).
    ///
    /// The tallies come joined into one text per community by the
    /// database (from a covering index), which is many times faster than
    /// a row per answer.
    pub async fn district_tallies(
        &self,
        district_code: &str,
    ) -> Result<Vec<CommunityTallies>, sqlx::Error> {
        let joined = match self.backend {
            Backend::Sqlite => "group_concat(tally, ',')",
            Backend::Postgres => "string_agg(tally::text, ',')",
        };
        let sql = format!(
            "SELECT subdistrict, community, {joined}, COUNT(*) FROM surveys \
             WHERE district_code = $1 GROUP BY subdistrict, community"
        );
        let rows = sqlx::query(&sql)
            .bind(district_code)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let text: Option<String> = r.try_get(2)?;
            out.push(CommunityTallies {
                subdistrict: r.try_get(0)?,
                community: r.try_get(1)?,
                tallies: text
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|t| t.parse().ok())
                    .collect(),
                answers: r.try_get(3)?,
            });
        }
        Ok(out)
    }

    /// The district codes with stored answers, and how many each.
    pub async fn districts_with_surveys(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        sqlx::query(
            "SELECT district_code, COUNT(*) FROM surveys GROUP BY district_code ORDER BY district_code",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    /// Deletes the answers received before `cutoff` (seconds since 1970);
    /// says how many.
    pub async fn delete_surveys_before(&self, cutoff: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("DELETE FROM surveys WHERE received_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
