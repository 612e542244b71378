//! Retention: answers are kept for a set number of calendar months (the
//! survey tells residents how long) and then deleted by a job that runs
//! when the collector starts and every hour after.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Months};

use crate::db::Db;

/// The default retention, in months; the survey's consent step says the
/// same.
pub const DEFAULT_MONTHS: u32 = 24;

/// How often the job runs.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// The moment `months` calendar months before `now` (both in seconds since
/// 1970, UTC): answers received before it are deleted. A day that does not
/// exist in the earlier month is clamped to that month's last day.
pub fn cutoff(now: i64, months: u32) -> i64 {
    DateTime::from_timestamp(now, 0)
        .and_then(|t| t.checked_sub_months(Months::new(months)))
        .map_or(i64::MIN, |t| t.timestamp())
}

/// Deletes what is older than `months` at `now`; says how many.
pub async fn run_once(db: &Db, now: i64, months: u32) -> Result<u64, sqlx::Error> {
    let deleted = db.delete_surveys_before(cutoff(now, months)).await?;
    tracing::info!(
        deleted,
        months,
        "retention: deleted answers past their time"
    );
    Ok(deleted)
}

/// Starts the job: at once, then every `every`. Failures are logged and
/// retried on the next round.
pub fn spawn(db: Db, months: u32, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            if let Err(e) = run_once(&db, now, months).await {
                tracing::error!(error = %e, "retention: the deletion failed; retrying later");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoff_counts_calendar_months() {
        // 2026-11-27 00:00 UTC minus 24 months is 2024-11-27 00:00 UTC.
        assert_eq!(cutoff(1_795_737_600, 24), 1_732_665_600);
        // 2026-03-31 minus 1 month clamps to 2026-02-28.
        assert_eq!(cutoff(1_774_915_200, 1), 1_772_236_800);
        assert_eq!(cutoff(1_795_737_600, 0), 1_795_737_600);
    }
}
