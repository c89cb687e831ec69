//! Live log lines of the jobs running in this process, for viewers that follow them. A
//! batch is published only after it is stored, so a viewer that subscribes and then reads
//! the stored log misses nothing: every line is either stored already or still to come.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::sync::broadcast;

use crate::model::job::LogLine;

/// Lines stored together, published together.
pub type LogBatch = Arc<Vec<LogLine>>;

/// Batches a slow viewer may fall behind by before it is told it lagged (it then reads
/// what it missed from the database).
const CAPACITY: usize = 1024;

#[derive(Debug, Clone, Default)]
pub struct LogHub {
    jobs: Arc<Mutex<HashMap<String, broadcast::Sender<LogBatch>>>>,
}

impl LogHub {
    /// Starts publishing for a job this process runs.
    pub fn open(&self, job_id: &str) {
        let (sender, _) = broadcast::channel(CAPACITY);
        self.lock().insert(job_id.to_owned(), sender);
    }

    pub fn publish(&self, job_id: &str, batch: LogBatch) {
        if let Some(sender) = self.lock().get(job_id) {
            // No viewer is not an error.
            let _ = sender.send(batch);
        }
    }

    /// The job's log is complete: viewers get what is buffered, then the end.
    pub fn close(&self, job_id: &str) {
        self.lock().remove(job_id);
    }

    /// Live batches of a job running in this process; `None` if it runs elsewhere or not
    /// at all (the viewer then reads the database).
    pub fn subscribe(&self, job_id: &str) -> Option<broadcast::Receiver<LogBatch>> {
        self.lock().get(job_id).map(broadcast::Sender::subscribe)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, broadcast::Sender<LogBatch>>> {
        // The map stays consistent even if a holder panicked: each operation is one call.
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
