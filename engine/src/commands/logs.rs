//! Reading a job's log: a page of it (newest lines first, earlier ones on demand), all of
//! it in batches for a download, or live as it grows.

use tokio::sync::mpsc;

use super::{jobs::no_job, require, Caller};
use crate::{
    engine::Engine,
    jobs::{views::line_of, LogEvent, ViewerSlot},
    model::{
        access::Action,
        failure::Failure,
        job::{LogLine, LogPage},
    },
    store::jobs as stored,
};

/// Lines a job page shows at first, and loads per "earlier lines".
pub const LOG_PAGE: i64 = 1000;

/// A live log: its events, and the viewer's place among their open streams (held as long
/// as the stream is).
#[derive(Debug)]
pub struct LogStream {
    pub events: mpsc::Receiver<LogEvent>,
    pub slot: ViewerSlot,
}

impl Engine {
    /// The `limit` lines before `before_seq` (the newest ones when `None`).
    pub async fn log_page(
        &self,
        caller: &Caller,
        job_id: &str,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<LogPage, Failure> {
        require(caller, Action::Read)?;
        // The state before the lines: a job's lines are all stored before it ends.
        let ended = self.known_job(job_id).await?.state.is_final();
        let limit = limit.clamp(1, 10 * LOG_PAGE);
        let rows = stored::log_before(self.store(), job_id, before_seq, limit + 1).await?;
        let earlier = rows.len() as i64 > limit;
        let lines: Vec<LogLine> = rows
            .into_iter()
            .skip(usize::from(earlier))
            .map(line_of)
            .collect();
        Ok(LogPage {
            lines,
            earlier,
            ended,
        })
    }

    /// Every line after `after_seq`, in batches, for a download: memory stays flat however
    /// long the log is. The receiver ends after the last batch (or a failure).
    pub async fn log_batches(
        &self,
        caller: &Caller,
        job_id: &str,
        after_seq: i64,
    ) -> Result<mpsc::Receiver<Result<Vec<LogLine>, Failure>>, Failure> {
        require(caller, Action::Read)?;
        self.known_job(job_id).await?;
        let (batches, receiver) = mpsc::channel(2);
        let store = self.store().clone();
        let job_id = job_id.to_owned();
        tokio::spawn(async move {
            let mut pages = stored::LogPages::after(&job_id, after_seq);
            loop {
                let batch = match pages.next(&store).await {
                    Ok(Some(rows)) => Ok(rows.into_iter().map(line_of).collect()),
                    Ok(None) => return,
                    Err(error) => Err(error.into()),
                };
                let failed = batch.is_err();
                if batches.send(batch).await.is_err() || failed {
                    return;
                }
            }
        });
        Ok(receiver)
    }

    /// The job's lines after `after_seq`, then the live ones, then its end. A person may
    /// hold a bounded number of these open at once.
    pub async fn follow_log(
        &self,
        caller: &Caller,
        job_id: &str,
        after_seq: i64,
    ) -> Result<LogStream, Failure> {
        require(caller, Action::Read)?;
        self.known_job(job_id).await?;
        let slot = self.viewers().try_open(caller.actor()).ok_or_else(|| {
            Failure::too_many(format!(
                "you have {} live logs open already; close one first",
                self.viewers().per_person()
            ))
        })?;
        let (events, receiver) = mpsc::channel(1024);
        let engine = self.clone();
        let job_id = job_id.to_owned();
        tokio::spawn(async move {
            if let Err(error) = engine.follow(&job_id, after_seq, events).await {
                tracing::warn!(%error, job = %job_id, "following a job's log failed");
            }
        });
        Ok(LogStream {
            events: receiver,
            slot,
        })
    }

    async fn known_job(&self, job_id: &str) -> Result<stored::JobRow, Failure> {
        stored::find(self.store(), job_id)
            .await?
            .ok_or_else(|| no_job(job_id))
    }
}
