//! Following a job's log: the stored lines after a point, then the live ones, with no gap
//! and no duplicate (the sequence number decides), whichever process runs the job. A viewer
//! that falls behind the live stream re-reads what it missed from the database.

use std::time::Duration;

use tokio::sync::{broadcast::error::RecvError, mpsc};

use super::{line_of, view, JobError, LogHub};
use crate::{
    model::job::{JobState, LogLine},
    store::{jobs, Store},
};

/// How often a viewer looks for new lines of a job that runs in another process.
const POLL: Duration = Duration::from_millis(250);
const PAGE: i64 = 2000;

/// What a viewer receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    Line(LogLine),
    /// The job ended in this state; no line follows.
    End(JobState),
}

/// Sends the job's lines after `after_seq`, then its end, to `events`. Returns when the
/// job has ended and everything is sent, or when the viewer goes away.
pub async fn follow(
    store: &Store,
    hub: &LogHub,
    job_id: &str,
    after_seq: i64,
    events: mpsc::Sender<LogEvent>,
) -> Result<(), JobError> {
    let mut last = after_seq;
    loop {
        // Subscribe before reading the database: a batch is stored before it is published,
        // so every line is in one or the other.
        let live = hub.subscribe(job_id);
        if !catch_up(store, job_id, &mut last, &events).await? {
            return Ok(());
        }
        match live {
            Some(mut receiver) => loop {
                match receiver.recv().await {
                    Ok(batch) => {
                        for line in batch.iter() {
                            if line.seq <= last {
                                continue;
                            }
                            last = line.seq;
                            if events.send(LogEvent::Line(line.clone())).await.is_err() {
                                return Ok(());
                            }
                        }
                    }
                    // Fell behind: start over from the database.
                    Err(RecvError::Lagged(_)) => break,
                    // The job's log is complete.
                    Err(RecvError::Closed) => break,
                }
            },
            None => {
                let state = view(store, job_id).await?.state;
                if state.is_final() {
                    if !catch_up(store, job_id, &mut last, &events).await? {
                        return Ok(());
                    }
                    let _ = events.send(LogEvent::End(state)).await;
                    return Ok(());
                }
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// Sends the stored lines after `last`; false if the viewer went away.
async fn catch_up(
    store: &Store,
    job_id: &str,
    last: &mut i64,
    events: &mpsc::Sender<LogEvent>,
) -> Result<bool, JobError> {
    loop {
        let rows = jobs::log_after(store, job_id, *last, PAGE).await?;
        let full = i64::try_from(rows.len()).unwrap_or(0) == PAGE;
        for row in rows {
            *last = row.seq;
            if events.send(LogEvent::Line(line_of(row))).await.is_err() {
                return Ok(false);
            }
        }
        if !full {
            return Ok(true);
        }
    }
}
