//! What a job does, chosen by its kind. The queue (claiming, leases, cancel, the log) is
//! the same for every job; a handler runs the job's steps through its `JobContext`, and
//! writes what the job's end means beyond the job itself in the transaction that ends it.
//! A new kind of job is a new handler and an entry in `handler_for`.

use std::{future::Future, pin::Pin, sync::Arc};

use crate::{
    maintenance::MaintenanceJobs,
    model::job::{JobKind, JobState},
    nixops::ClusterJobs,
    store::{jobs::JobRow, StoreError, Tx},
};

use super::context::JobContext;

/// A boxed future, so handlers can be chosen at run time.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How a job's run went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// Why, in one line.
    Failed(String),
    /// It stopped before its end: cancelled, or let go of (nixdeck stopping, the lease
    /// lost); the worker knows which.
    Stopped,
}

pub trait JobHandler: Send + Sync + std::fmt::Debug {
    /// Runs the job's steps that are not done yet (all of them, unless the job is being
    /// continued after a restart).
    fn run<'a>(&'a self, cx: &'a JobContext) -> BoxFuture<'a, Outcome>;

    /// Writes what the end of `job` in `state` means beyond the job itself (a cluster's new
    /// state), inside the transaction that ends it. `ran` says whether any of it ran.
    fn finish<'a>(
        &'a self,
        tx: &'a mut Tx,
        job: &'a JobRow,
        state: JobState,
        ran: bool,
        error: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<serde_json::Value>, StoreError>>;
}

/// The handler for each kind of job.
pub fn handler_for(kind: JobKind) -> Arc<dyn JobHandler> {
    if kind.is_cluster_job() {
        Arc::new(ClusterJobs)
    } else {
        Arc::new(MaintenanceJobs)
    }
}
