//! The log retention rule (`NIXDECK_LOG_RETENTION_DAYS`): finished jobs' log lines older
//! than the limit are removed, a small batch at a time so the worker's own writes are never
//! held up for long; a cluster's (or host's) newest jobs keep theirs whatever their age, so
//! the recent history stays readable. Each job's removal is recorded (its page says so) and
//! audited before its lines go, so no log disappears without a trace. Replicas may sweep at
//! once: the record is written once, and deleting what is gone already deletes nothing.

use std::time::Duration;

use serde_json::json;

use crate::{
    audit,
    commands::Caller,
    engine::Engine,
    model::failure::Failure,
    store::{log_retention, now_millis},
};

/// The newest jobs of each cluster or host whose logs are always kept.
pub const KEEP_NEWEST: i64 = 20;
/// Jobs one sweep handles at most (the next sweep goes on).
const JOBS_PER_SWEEP: i64 = 10_000;
/// Jobs recorded, and audited, together.
const JOBS_PER_GROUP: usize = 100;
/// Lines removed in one statement.
const LINES_PER_BATCH: i64 = 2_000;
/// Between two sweeps.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60 * 60);
/// The first sweep waits until the start's own work is done.
const FIRST_SWEEP: Duration = Duration::from_secs(60);
const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub jobs: usize,
    pub lines: u64,
}

impl Engine {
    /// Sweeps hourly while nixdeck runs, if a retention is set; ends when nixdeck stops.
    pub fn spawn_log_retention(&self, days: Option<u32>) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move {
            let Some(days) = days else {
                return;
            };
            let mut wait = FIRST_SWEEP;
            loop {
                tokio::select! {
                    () = engine.stopping().cancelled() => return,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = SWEEP_INTERVAL;
                match engine.remove_old_logs(days, now_millis()).await {
                    Ok(Removed { jobs: 0, .. }) => {}
                    Ok(removed) => tracing::info!(
                        jobs = removed.jobs,
                        lines = removed.lines,
                        days,
                        "old job logs removed"
                    ),
                    Err(failure) => {
                        tracing::warn!(message = %failure.message, "cannot remove old job logs");
                    }
                }
            }
        })
    }

    /// Removes the log lines of jobs that finished more than `days` days before `now`
    /// (except each cluster's and host's newest `KEEP_NEWEST`). Each group of jobs is first
    /// recorded and audited in one transaction, then its lines go; a sweep cut short (nixdeck
    /// stops, the database is away) leaves the rest of the lines for the next one, which
    /// finds those jobs again and records nothing twice.
    pub async fn remove_old_logs(&self, days: u32, now: i64) -> Result<Removed, Failure> {
        let cutoff = now - i64::from(days) * DAY_MILLIS;
        let mut removed = Removed::default();
        let jobs =
            log_retention::prunable_jobs(self.store(), cutoff, KEEP_NEWEST, JOBS_PER_SWEEP).await?;
        for group in jobs.chunks(JOBS_PER_GROUP) {
            if self.stopping().is_cancelled() {
                break;
            }
            let recorded = self.record_removals(group, days, now).await?;
            removed.jobs += recorded.len();
            removed.lines += recorded.iter().map(|(_, lines)| lines).sum::<u64>();
            for job in group {
                if self.stopping().is_cancelled() {
                    break;
                }
                self.delete_log(job).await?;
            }
        }
        Ok(removed)
    }

    /// Records the removal of each job's log in `group` not recorded yet, with one audit
    /// event for them, in one transaction; returns those jobs with their line counts.
    async fn record_removals(
        &self,
        group: &[String],
        days: u32,
        now: i64,
    ) -> Result<Vec<(String, u64)>, Failure> {
        let mut tx = self.store().begin().await?;
        let mut recorded = Vec::new();
        for job in group {
            let lines = log_retention::lines_of(&mut tx, job).await?;
            if log_retention::record_removal(&mut tx, job, now, lines).await? {
                recorded.push((job.clone(), lines.unsigned_abs()));
            }
        }
        if !recorded.is_empty() {
            audit::record(
                &mut tx,
                Caller::system().event(
                    "job.logs_removed",
                    "job-logs".to_owned(),
                    json!({
                        "retention_days": days,
                        "jobs": recorded.iter().map(|(job, _)| job).collect::<Vec<_>>(),
                        "lines": recorded.iter().map(|(_, lines)| lines).sum::<u64>(),
                    }),
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// Deletes the job's log lines a batch at a time, letting other writers in between.
    async fn delete_log(&self, job: &str) -> Result<(), Failure> {
        loop {
            let batch =
                log_retention::delete_oldest_lines(self.store(), job, LINES_PER_BATCH).await?;
            if batch < LINES_PER_BATCH.unsigned_abs() || self.stopping().is_cancelled() {
                return Ok(());
            }
            tokio::task::yield_now().await;
        }
    }
}
