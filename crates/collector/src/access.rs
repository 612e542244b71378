//! Who may read district research data: bearer tokens made by the
//! `collector token` command and stored as SHA-256 hashes.
//!
//! A district token reads its own district only; the district always comes
//! from the token, and a request naming another district is answered
//! exactly as if that district did not exist (404). A city token reads
//! every district's aggregates, but not raw responses, which only the
//! district that collected them may export.

use sqlx::Row;

use crate::db::Db;

/// What a token may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One district, by GB/T 2260 code.
    District(String),
    /// Every district's aggregates (市级).
    City,
}

impl Scope {
    /// Whether this scope may read `district_code`'s aggregates.
    pub fn reads(&self, district_code: &str) -> bool {
        match self {
            Scope::District(code) => code == district_code,
            Scope::City => true,
        }
    }
}

/// A valid token, as resolved for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The token's id (not secret; logged with every export).
    pub token_id: String,
    /// What it may read.
    pub scope: Scope,
    /// Who it was made for.
    pub label: String,
}

/// A token as listed: everything but the secret, which is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The token's id.
    pub id: String,
    /// What it may read.
    pub scope: Scope,
    /// Who it was made for.
    pub label: String,
    /// When it was made, in seconds since 1970 (UTC).
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

/// A new token: the id, and the secret shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// The token's id.
    pub id: String,
    /// The bearer secret, `linli_` and 43 base64url characters (256 bits).
    pub secret: String,
}

/// One line of the export log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRecord {
    /// When, in seconds since 1970 (UTC).
    pub at: i64,
    /// The token used.
    pub token_id: String,
    /// The district read.
    pub district_code: String,
    /// Which endpoint: `demand`, `demand.json`, `demand.csv` or
    /// `responses.csv`.
    pub what: String,
    /// Whether free-text comments were included.
    pub with_comments: bool,
    /// How many responses went into it.
    pub records: i64,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a secret.
fn hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(secret.as_bytes()))
}

fn scope_from(kind: &str, district: Option<String>) -> Option<Scope> {
    match (kind, district) {
        ("city", _) => Some(Scope::City),
        ("district", Some(code)) => Some(Scope::District(code)),
        _ => None,
    }
}

impl Db {
    /// Makes a token for `scope`, labelled `label` (e.g. the office it is
    /// for), at `now` (seconds since 1970).
    pub async fn create_token(
        &self,
        scope: &Scope,
        label: &str,
        now: i64,
    ) -> Result<NewToken, sqlx::Error> {
        use base64::Engine;
        let id = hex(&random_bytes::<6>());
        let secret = format!(
            "linli_{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
        );
        let (kind, district) = match scope {
            Scope::District(code) => ("district", Some(code.as_str())),
            Scope::City => ("city", None),
        };
        sqlx::query(
            "INSERT INTO access_tokens (id, token_sha256, scope, district_code, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(hash(&secret))
        .bind(kind)
        .bind(district)
        .bind(label)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(NewToken { id, secret })
    }

    /// Every token, newest first.
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, scope, district_code, label, created_at, revoked_at \
             FROM access_tokens ORDER BY created_at DESC, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let kind: String = row.try_get(1)?;
            let district: Option<String> = row.try_get(2)?;
            let Some(scope) = scope_from(&kind, district) else {
                continue;
            };
            out.push(TokenInfo {
                id: row.try_get(0)?,
                scope,
                label: row.try_get(3)?,
                created_at: row.try_get(4)?,
                revoked_at: row.try_get(5)?,
            });
        }
        Ok(out)
    }

    /// Revokes the token `id`; false when there is no such live token.
    pub async fn revoke_token(&self, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// What `secret` may read; `None` when it is unknown or revoked.
    pub async fn access(&self, secret: &str) -> Result<Option<Access>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, scope, district_code, label FROM access_tokens \
             WHERE token_sha256 = $1 AND revoked_at IS NULL",
        )
        .bind(hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get(1)?;
        let district: Option<String> = row.try_get(2)?;
        Ok(scope_from(&kind, district).map(|scope| Access {
            token_id: row.try_get(0).unwrap_or_default(),
            scope,
            label: row.try_get(3).unwrap_or_default(),
        }))
    }

    /// Records one read or export.
    pub async fn log_export(&self, record: &ExportRecord) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO export_log (at, token_id, district_code, what, with_comments, records) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(record.at)
        .bind(&record.token_id)
        .bind(&record.district_code)
        .bind(&record.what)
        .bind(i64::from(record.with_comments))
        .bind(record.records)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The export log, oldest first.
    pub async fn export_log(&self) -> Result<Vec<ExportRecord>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT at, token_id, district_code, what, with_comments, records \
             FROM export_log ORDER BY at, token_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ExportRecord {
                    at: row.try_get(0)?,
                    token_id: row.try_get(1)?,
                    district_code: row.try_get(2)?,
                    what: row.try_get(3)?,
                    with_comments: row.try_get::<i64, _>(4)? != 0,
                    records: row.try_get(5)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_hashed() {
        let a = hash("linli_abc");
        assert_eq!(a.len(), 64);
        assert_ne!(a, hash("linli_abd"));
        assert_ne!(random_bytes::<32>(), random_bytes::<32>());
        assert!(Scope::City.reads("110101"));
        assert!(Scope::District("110101".into()).reads("110101"));
        assert!(!Scope::District("110101".into()).reads("110102"));
    }
}
