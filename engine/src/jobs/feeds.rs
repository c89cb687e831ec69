//! Live log lines, one feed per job, shared by every viewer of that job in this process.
//! A job this process runs feeds its viewers as its lines are stored; a job that runs
//! elsewhere (another replica) or waits in the queue is fed by one poller for all its
//! viewers, which stops when the last viewer leaves, when the job ends, or when nixdeck
//! stops. A batch is published only after it is stored, so a viewer that subscribes and
//! then reads the stored log misses nothing; sequence numbers drop what it saw twice.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard, PoisonError,
    },
    time::Duration,
};

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::views::line_of;
use crate::{
    model::job::LogLine,
    store::{jobs as stored, Store},
};

/// Lines stored together, published together.
pub type LogBatch = Arc<Vec<LogLine>>;

/// Batches a slow viewer may fall behind by before it is told it lagged (it then reads
/// what it missed from the database).
const CAPACITY: usize = 1024;
/// How often a poller looks for new lines and for the job's end.
const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct LogFeeds {
    feeds: Arc<Mutex<HashMap<String, Feed>>>,
    store: Store,
    stopping: CancellationToken,
}

#[derive(Debug)]
struct Feed {
    sender: broadcast::Sender<LogBatch>,
    /// Set while a poller feeds it (the job runs elsewhere or waits).
    poller: Option<Poller>,
}

#[derive(Debug)]
struct Poller {
    id: u64,
    /// Cancelled when this process's worker takes the job over.
    stop: CancellationToken,
}

/// Tells pollers apart (one may end just as another starts for the same job).
static NEXT_POLLER: AtomicU64 = AtomicU64::new(1);

impl LogFeeds {
    pub fn new(store: Store, stopping: CancellationToken) -> LogFeeds {
        LogFeeds {
            feeds: Arc::default(),
            store,
            stopping,
        }
    }

    /// This process starts (or continues) running the job: its worker feeds it from now.
    pub fn open(&self, job_id: &str) {
        let mut feeds = self.lock();
        match feeds.get_mut(job_id) {
            Some(feed) => {
                if let Some(poller) = feed.poller.take() {
                    poller.stop.cancel();
                }
            }
            None => {
                let (sender, _) = broadcast::channel(CAPACITY);
                feeds.insert(
                    job_id.to_owned(),
                    Feed {
                        sender,
                        poller: None,
                    },
                );
            }
        }
    }

    pub fn publish(&self, job_id: &str, batch: LogBatch) {
        if let Some(feed) = self.lock().get(job_id) {
            // No viewer is not an error.
            let _ = feed.sender.send(batch);
        }
    }

    /// The worker stops feeding the job (it ended, or this process let go of it): viewers
    /// get what is buffered, then the end of the feed.
    pub fn close(&self, job_id: &str) {
        let mut feeds = self.lock();
        if feeds.get(job_id).is_some_and(|feed| feed.poller.is_none()) {
            feeds.remove(job_id);
        }
    }

    /// Live batches of the job, from whichever source feeds it; a poller is started if the
    /// job is not run here, publishing from the line after `after` (the last line the
    /// subscriber has), so nothing falls between what it reads and what it is sent.
    pub fn subscribe(&self, job_id: &str, after: i64) -> broadcast::Receiver<LogBatch> {
        let mut feeds = self.lock();
        if let Some(feed) = feeds.get(job_id) {
            return feed.sender.subscribe();
        }
        let (sender, receiver) = broadcast::channel(CAPACITY);
        let poller = Poller {
            id: NEXT_POLLER.fetch_add(1, Ordering::Relaxed),
            stop: CancellationToken::new(),
        };
        tokio::spawn(
            self.clone()
                .poll(job_id.to_owned(), after, poller.id, poller.stop.clone()),
        );
        feeds.insert(
            job_id.to_owned(),
            Feed {
                sender,
                poller: Some(poller),
            },
        );
        receiver
    }

    /// How many feeds are open (for tests and the health page).
    pub fn open_feeds(&self) -> usize {
        self.lock().len()
    }

    async fn poll(self, job_id: String, mut last: i64, poller: u64, stop: CancellationToken) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = stop.cancelled() => return,
                () = self.stopping.cancelled() => {
                    self.end_polling(&job_id, poller);
                    return;
                }
            }
            if !self.has_viewers(&job_id) {
                self.end_polling(&job_id, poller);
                return;
            }
            // The state first: lines stored before the job ended are read after it.
            let ended = match stored::find(&self.store, &job_id).await {
                Ok(Some(job)) => job.state.is_final(),
                Ok(None) => true,
                Err(error) => {
                    tracing::warn!(%error, job = %job_id, "polling a job failed");
                    continue;
                }
            };
            let mut pages = stored::LogPages::after(&job_id, last);
            loop {
                match pages.next(&self.store).await {
                    Ok(Some(rows)) => {
                        let batch: Vec<LogLine> = rows.into_iter().map(line_of).collect();
                        last = batch.last().map_or(last, |line| line.seq);
                        self.publish(&job_id, Arc::new(batch));
                    }
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(%error, job = %job_id, "polling a job's log failed");
                        break;
                    }
                }
            }
            if ended {
                self.end_polling(&job_id, poller);
                return;
            }
        }
    }

    fn has_viewers(&self, job_id: &str) -> bool {
        self.lock()
            .get(job_id)
            .is_some_and(|feed| feed.sender.receiver_count() > 0)
    }

    /// Removes the feed if this poller still feeds it.
    fn end_polling(&self, job_id: &str, poller: u64) {
        let mut feeds = self.lock();
        if feeds
            .get(job_id)
            .is_some_and(|feed| feed.poller.as_ref().is_some_and(|p| p.id == poller))
        {
            feeds.remove(job_id);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Feed>> {
        // Each operation is one call on the map: it stays consistent even after a panic.
        self.feeds.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
