//! Following a job's log: the stored lines after a point, then the live ones, with no gap
//! and no duplicate (the sequence number decides), whichever process runs the job. A
//! viewer that falls behind re-reads what it missed from the database. The follow ends
//! when the job has ended and everything is sent, when the viewer goes away (noticed even
//! while nothing happens), or when nixdeck stops (the viewer is told to reconnect).

use tokio::sync::{broadcast::error::RecvError, mpsc};

use super::views::line_of;
use crate::{
    engine::Engine,
    model::{
        failure::Failure,
        job::{JobState, LogLine},
    },
    store::jobs as stored,
};

/// What a viewer receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    Line(LogLine),
    /// The job ended in this state; no line follows.
    End(JobState),
    /// nixdeck is stopping: reconnect (to another replica, or after the restart) from the
    /// last line received.
    Restart,
}

impl Engine {
    /// Sends the job's lines after `after_seq`, then its end, to `events`.
    pub(crate) async fn follow(
        &self,
        job_id: &str,
        after_seq: i64,
        events: mpsc::Sender<LogEvent>,
    ) -> Result<(), Failure> {
        let mut last = after_seq;
        loop {
            if self.ended(job_id, &mut last, &events).await? {
                return Ok(());
            }
            // Subscribe before reading the database: a batch is stored before it is
            // published, so every line is in one or the other.
            let mut live = self.feeds().subscribe(job_id, last);
            if !self.catch_up(job_id, &mut last, &events).await? {
                return Ok(());
            }
            loop {
                tokio::select! {
                    batch = live.recv() => match batch {
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
                        // Fell behind, or the feed changed hands: start over from the database.
                        Err(RecvError::Lagged(_) | RecvError::Closed) => break,
                    },
                    () = events.closed() => return Ok(()),
                    () = self.stopping().cancelled() => {
                        let _ = events.send(LogEvent::Restart).await;
                        return Ok(());
                    }
                }
            }
        }
    }

    /// If the job has ended: sends its remaining lines and its end, and says so.
    async fn ended(
        &self,
        job_id: &str,
        last: &mut i64,
        events: &mpsc::Sender<LogEvent>,
    ) -> Result<bool, Failure> {
        let state = stored::find(self.store(), job_id)
            .await?
            .map_or(JobState::Failed, |job| job.state);
        if !state.is_final() {
            return Ok(false);
        }
        if self.catch_up(job_id, last, events).await? {
            let _ = events.send(LogEvent::End(state)).await;
        }
        Ok(true)
    }

    /// Sends the stored lines after `last`; false if the viewer went away.
    async fn catch_up(
        &self,
        job_id: &str,
        last: &mut i64,
        events: &mpsc::Sender<LogEvent>,
    ) -> Result<bool, Failure> {
        let mut pages = stored::LogPages::after(job_id, *last);
        while let Some(rows) = pages.next(self.store()).await? {
            for row in rows {
                *last = row.seq;
                if events.send(LogEvent::Line(line_of(row))).await.is_err() {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}
