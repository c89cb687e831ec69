//! Storing a running job's log. Lines are written in batches (as many as arrived while the
//! previous batch was written), each batch in one transaction with the offsets of the
//! commands its lines came from and only while this worker holds the job's lease, then
//! published to live viewers. A write that the database may accept later is retried (the
//! command is slowed down meanwhile, nothing is dropped); one it refuses every time fails
//! the job, with the reason in its log. If nixdeck stops before a batch is stored, nothing
//! is lost either: the offsets were not moved, so the lines are read again on re-attach.

use std::{sync::Arc, time::Duration};

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::feeds::LogFeeds;
use crate::{
    metrics::Metrics,
    model::job::{CommandEnding, LogLine, Stream},
    store::{
        jobs::{self as stored, NewLogLine, OffsetUpdate},
        now_millis, Store, StoreError,
    },
};

/// Lines waiting to be stored before the command's output is slowed down.
const QUEUE: usize = 10_000;
/// Lines stored in one transaction at most.
const BATCH: usize = 2000;
/// Times a write the database refuses is tried before the job fails.
const PERMANENT_ATTEMPTS: u32 = 3;

/// Where a line of a command's output came from, and how far it takes that stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineSource {
    pub step: i64,
    pub ordinal: i64,
    pub end_offset: i64,
}

#[derive(Debug)]
pub(crate) enum Record {
    Line {
        stream: Stream,
        text: String,
        source: Option<LineSource>,
    },
    /// A command ended; recorded after every line before it is stored.
    CommandEnded {
        step: i64,
        ordinal: i64,
        ending: CommandEnding,
        exit_status: Option<i64>,
    },
    /// Answered once everything before it is stored (or given up on).
    Flush(oneshot::Sender<()>),
}

/// What the writer tells the job when it cannot go on.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriterAlarms {
    /// Another worker holds the job's lease now: stop following the job's commands.
    pub lease_lost: CancellationToken,
    /// The database refuses the log: the job fails with this reason.
    pub storage_failed: CancellationToken,
    pub storage_error: Arc<std::sync::Mutex<Option<String>>>,
}

/// The sending end, held by the job.
#[derive(Debug, Clone)]
pub(crate) struct LogWriter {
    records: mpsc::Sender<Record>,
}

impl LogWriter {
    /// Starts the writer for a job `owner` holds.
    pub(crate) fn start(
        store: Store,
        feeds: LogFeeds,
        metrics: Metrics,
        job_id: String,
        owner: String,
        alarms: WriterAlarms,
        stopping: CancellationToken,
    ) -> (LogWriter, tokio::task::JoinHandle<()>) {
        let (records, receiver) = mpsc::channel(QUEUE);
        let writer = Writer {
            store,
            feeds,
            metrics,
            job_id,
            owner,
            alarms,
            stopping,
            discarding: false,
        };
        (LogWriter { records }, tokio::spawn(writer.run(receiver)))
    }

    pub(crate) async fn send(&self, record: Record) {
        // The writer outlives every sender; a send can only fail after a panic there.
        let _ = self.records.send(record).await;
    }

    pub(crate) async fn system(&self, stream: Stream, text: impl Into<String>) {
        self.send(Record::Line {
            stream,
            text: text.into(),
            source: None,
        })
        .await;
    }

    /// Waits until everything sent so far is stored.
    pub(crate) async fn flush(&self) {
        let (done, stored) = oneshot::channel();
        self.send(Record::Flush(done)).await;
        let _ = stored.await;
    }
}

struct Writer {
    store: Store,
    feeds: LogFeeds,
    metrics: Metrics,
    job_id: String,
    owner: String,
    alarms: WriterAlarms,
    stopping: CancellationToken,
    /// The lease is gone (or nixdeck stops and the database is away): records are dropped;
    /// whoever continues the job reads the commands' output again from the offsets.
    discarding: bool,
}

impl Writer {
    async fn run(mut self, mut receiver: mpsc::Receiver<Record>) {
        let mut held: Option<Record> = None;
        loop {
            let record = match held.take() {
                Some(record) => record,
                None => match receiver.recv().await {
                    Some(record) => record,
                    None => return,
                },
            };
            match record {
                Record::Flush(done) => {
                    let _ = done.send(());
                }
                Record::CommandEnded {
                    step,
                    ordinal,
                    ending,
                    exit_status,
                } => self.end_command(step, ordinal, ending, exit_status).await,
                Record::Line {
                    stream,
                    text,
                    source,
                } => {
                    let mut batch = vec![(stream, text, source)];
                    while batch.len() < BATCH {
                        match receiver.try_recv() {
                            Ok(Record::Line {
                                stream,
                                text,
                                source,
                            }) => batch.push((stream, text, source)),
                            Ok(other) => {
                                held = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    self.store_batch(batch).await;
                }
            }
        }
    }

    async fn store_batch(&mut self, batch: Vec<(Stream, String, Option<LineSource>)>) {
        if self.discarding {
            return;
        }
        let at = now_millis();
        let offsets = offsets_of(&batch);
        let lines: Vec<NewLogLine> = batch
            .into_iter()
            .map(|(stream, text, _)| NewLogLine { stream, at, text })
            .collect();
        let mut delay = Duration::from_millis(50);
        let mut refusals = 0;
        loop {
            match stored::append_log(&self.store, &self.job_id, &self.owner, &lines, &offsets).await
            {
                Ok(Some(first)) => {
                    self.metrics.log_lines_stored(lines.len() as u64);
                    let published: Vec<LogLine> = lines
                        .into_iter()
                        .zip(first..)
                        .map(|(line, seq)| LogLine {
                            seq,
                            stream: line.stream,
                            at: line.at,
                            text: line.text,
                        })
                        .collect();
                    self.feeds.publish(&self.job_id, Arc::new(published));
                    return;
                }
                Ok(None) => {
                    tracing::warn!(job = %self.job_id, "the job's lease was lost; its log is left to the new owner");
                    self.discarding = true;
                    self.alarms.lease_lost.cancel();
                    return;
                }
                Err(error) if error.is_transient() => {
                    if self.stopping.is_cancelled() {
                        // Not stored, offsets not moved: read again when the job is continued.
                        self.discarding = true;
                        return;
                    }
                    tracing::warn!(%error, job = %self.job_id, "storing log lines failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                Err(error) => {
                    refusals += 1;
                    tracing::error!(%error, job = %self.job_id, refusals, "the database refused log lines");
                    if refusals >= PERMANENT_ATTEMPTS {
                        self.storage_failed(&error).await;
                        return;
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// The job fails: its commands are stopped and it ends `failed` with this reason,
    /// written to its log if the database takes that line at least.
    async fn storage_failed(&mut self, error: &StoreError) {
        let reason = format!("the job's log could not be stored: {error}");
        *self
            .alarms
            .storage_error
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(reason.clone());
        self.alarms.storage_failed.cancel();
        let line = NewLogLine {
            stream: Stream::System,
            at: now_millis(),
            text: reason,
        };
        if let Err(error) =
            stored::append_log(&self.store, &self.job_id, &self.owner, &[line], &[]).await
        {
            tracing::error!(%error, job = %self.job_id, "cannot record why the log failed");
        }
    }

    async fn end_command(
        &mut self,
        step: i64,
        ordinal: i64,
        ending: CommandEnding,
        exit_status: Option<i64>,
    ) {
        if self.discarding {
            return;
        }
        let mut delay = Duration::from_millis(50);
        for _ in 0..20 {
            match stored::end_command(
                &self.store,
                &self.job_id,
                step,
                ordinal,
                ending,
                exit_status,
                now_millis(),
            )
            .await
            {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(%error, job = %self.job_id, "recording a command's end failed");
                    if self.stopping.is_cancelled() {
                        return;
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
            }
        }
    }
}

/// The furthest offset each command's stream reaches in a batch.
fn offsets_of(batch: &[(Stream, String, Option<LineSource>)]) -> Vec<OffsetUpdate> {
    let mut offsets: Vec<OffsetUpdate> = Vec::new();
    for (stream, _, source) in batch {
        let Some(source) = source else { continue };
        match offsets.iter_mut().find(|update| {
            update.step == source.step
                && update.ordinal == source.ordinal
                && update.stream == *stream
        }) {
            Some(update) => update.offset = update.offset.max(source.end_offset),
            None => offsets.push(OffsetUpdate {
                step: source.step,
                ordinal: source.ordinal,
                stream: *stream,
                offset: source.end_offset,
            }),
        }
    }
    offsets
}
