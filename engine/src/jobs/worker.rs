//! The worker: claims queued jobs (and takes over running ones whose worker is gone) with a
//! lease it renews, runs each with the handler for its kind, and gives it its final state,
//! audited in the same transaction as what the end means for its cluster. When nixdeck
//! stops, the worker lets go of its jobs without stopping their commands: the next nixdeck
//! (or another replica) takes them over and re-attaches.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use serde_json::json;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{
    context::JobContext,
    handler::{handler_for, JobHandler, Outcome},
    writer::{LogWriter, WriterAlarms},
};
use crate::{
    audit,
    commands::Caller,
    engine::Engine,
    exec,
    model::{
        failure::Failure,
        job::{JobState, StepState, Stream},
    },
    store::{
        jobs::{self as stored, JobRow, Lease},
        now_millis, Db,
    },
};

/// A running job's lease: renewed every `RENEW_EVERY`, lapsed after `LEASE_MS` without.
const LEASE_MS: i64 = 30_000;
const RENEW_EVERY: Duration = Duration::from_secs(2);
/// How often the queue is looked at when nothing wakes the worker.
const POLL: Duration = Duration::from_secs(1);

/// Why a job stopped before its plan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopReason {
    Cancelled,
    /// nixdeck is stopping: let go, leave the commands running.
    Shutdown,
    /// Another worker has the job: let go.
    LeaseLost,
    /// The database refuses the job's log: stop the commands and fail the job.
    StorageFailed,
}

impl Engine {
    /// On SQLite this is the only nixdeck on the database, so every job still marked
    /// running was this nixdeck's before it stopped: it is taken over (re-attached to) at
    /// once rather than when its lease lapses. On PostgreSQL other replicas may hold
    /// running jobs; those are taken over only when their leases lapse. Returns how many
    /// were taken back.
    pub async fn take_back_running_jobs(&self) -> Result<u64, Failure> {
        match self.store().db() {
            Db::Sqlite(_) => Ok(stored::release_leases(self.store(), None).await?),
            Db::Postgres(_) => Ok(0),
        }
    }

    /// Runs the worker until the engine stops; returns when it has let go of every job.
    pub fn spawn_worker(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move { engine.work().await })
    }

    async fn work(&self) {
        let mut running = JoinSet::new();
        loop {
            while running.try_join_next().is_some() {}
            if running.len() < self.max_parallel() {
                match self.next_job().await {
                    Ok(Some(job)) => {
                        let engine = self.clone();
                        running.spawn(async move { engine.run_job(job).await });
                        continue;
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "looking for a job failed"),
                }
            }
            tokio::select! {
                () = self.stopping().cancelled() => break,
                () = self.woken() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        while running.join_next().await.is_some() {}
        // Whoever comes next takes the jobs over at once.
        if let Err(error) = stored::release_leases(self.store(), Some(self.worker_id())).await {
            tracing::warn!(%error, "cannot release the worker's leases");
        }
    }

    /// A running job whose worker is gone comes first; then the next queued one.
    async fn next_job(&self) -> Result<Option<JobRow>, crate::store::StoreError> {
        let now = now_millis();
        if let Some(job) =
            stored::take_over(self.store(), self.worker_id(), now, now + LEASE_MS).await?
        {
            return Ok(Some(job));
        }
        let claimed = stored::claim(self.store(), self.worker_id(), now, now + LEASE_MS).await?;
        if let Some(job) = &claimed {
            if let Err(failure) = self.job_started(job).await {
                tracing::warn!(message = %failure.message, job = %job.id, "cannot record that the job started for those who follow it");
            }
        }
        Ok(claimed)
    }

    /// Tells those who follow the job that it started (a job taken over from a lapsed
    /// worker had, already).
    async fn job_started(&self, job: &JobRow) -> Result<(), Failure> {
        let mut tx = self.store().begin().await?;
        self.job_reached(&mut tx, job, JobState::Running, None)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn run_job(&self, job: JobRow) {
        let store = self.store().clone();
        let handler = handler_for(job.kind);
        let steps = match stored::steps(&store, &job.id).await {
            Ok(steps) => steps,
            Err(error) => {
                tracing::error!(%error, job = %job.id, "cannot read a job's steps; leaving it for later");
                return;
            }
        };
        let cancel = CancellationToken::new();
        let detach = CancellationToken::new();
        let alarms = WriterAlarms::default();
        self.feeds().open(&job.id);
        let (log, writer) = LogWriter::start(
            store.clone(),
            self.feeds().clone(),
            self.metrics().clone(),
            job.id.clone(),
            self.worker_id().to_owned(),
            alarms.clone(),
            self.stopping().clone(),
        );
        let reason = Arc::new(Mutex::new(None));
        if job.cancel_requested_at.is_some() {
            *reason.lock().unwrap_or_else(PoisonError::into_inner) = Some(StopReason::Cancelled);
            cancel.cancel();
        }
        let heartbeat = tokio::spawn(self.clone().heartbeat(
            job.id.clone(),
            cancel.clone(),
            detach.clone(),
            alarms.clone(),
            reason.clone(),
        ));
        let cx = JobContext::new(
            self.clone(),
            job.clone(),
            steps,
            log.clone(),
            cancel,
            detach,
        );
        let outcome = handler.run(&cx).await;
        drop(cx);
        // Every line the job wrote is stored (or refused) before its end is decided.
        log.flush().await;
        heartbeat.abort();
        let mut reason = *reason.lock().unwrap_or_else(PoisonError::into_inner);
        if alarms.storage_failed.is_cancelled() {
            reason = Some(StopReason::StorageFailed);
        }
        let storage_error = alarms
            .storage_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let (state, error) = match (outcome, reason) {
            (Outcome::Stopped, Some(StopReason::Shutdown | StopReason::LeaseLost)) => {
                // Let go: the commands run on, and whoever takes the job over re-attaches.
                drop(log);
                let _ = writer.await;
                self.feeds().close(&job.id);
                return;
            }
            (_, Some(StopReason::StorageFailed)) => (
                JobState::Failed,
                Some(
                    storage_error.unwrap_or_else(|| "the job's log could not be stored".to_owned()),
                ),
            ),
            (Outcome::Succeeded, _) => (JobState::Succeeded, None),
            (Outcome::Failed(why), _) => (JobState::Failed, Some(why)),
            (Outcome::Stopped, Some(StopReason::Cancelled)) => {
                (JobState::Cancelled, Some("cancelled".to_owned()))
            }
            (Outcome::Stopped, None) => (
                JobState::Interrupted,
                Some("the job stopped before its end".to_owned()),
            ),
        };
        let summary = match &error {
            Some(why) => format!("job {state}: {why}"),
            None => format!("job {state}"),
        };
        log.system(Stream::System, summary).await;
        log.flush().await;
        drop(log);
        if writer.await.is_err() {
            tracing::error!(job = %job.id, "the log writer panicked");
        }
        if let Err(error) = self
            .finish_job(&job, handler.as_ref(), state, error.as_deref())
            .await
        {
            tracing::error!(%error, job = %job.id, "cannot record the job's end");
        }
        self.feeds().close(&job.id);
        if let Some(host) = self.host(&job.host) {
            if let Err(error) = exec::forget_job_runs(host, &job.id).await {
                tracing::warn!(%error, job = %job.id, "cannot remove the job's run directories");
            }
        }
    }

    /// The job's final state, what it means for its cluster, and `job.finished`, in one
    /// transaction (nothing, if another worker ended it meanwhile).
    async fn finish_job(
        &self,
        job: &JobRow,
        handler: &dyn JobHandler,
        state: JobState,
        error: Option<&str>,
    ) -> Result<(), Failure> {
        let ran = stored::steps(self.store(), &job.id)
            .await?
            .iter()
            .any(|step| step.state != StepState::Pending);
        let mut tx = self.store().begin().await?;
        if !stored::finish(
            &mut tx,
            &job.id,
            Some(self.worker_id()),
            state,
            error,
            now_millis(),
        )
        .await?
        {
            return Ok(());
        }
        let change = handler.finish(&mut tx, job, state, ran, error).await?;
        self.job_reached(&mut tx, job, state, error).await?;
        audit::record(
            &mut tx,
            Caller::system().event(
                "job.finished",
                format!("job:{}", job.id),
                json!({
                    "cluster": job.cluster,
                    "target": crate::commands::job_target(job),
                    "kind": job.kind,
                    "state": state,
                    "error": error,
                    "change": change,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        let started_at = job.started_at.unwrap_or(job.created_at);
        let seconds = (now_millis() - started_at).max(0) as f64 / 1000.0;
        self.metrics().job_finished(job.kind, state, seconds);
        Ok(())
    }

    /// Renews the lease until the job ends, and turns what it learns into the job's stop.
    async fn heartbeat(
        self,
        job_id: String,
        cancel: CancellationToken,
        detach: CancellationToken,
        alarms: WriterAlarms,
        reason: Arc<Mutex<Option<StopReason>>>,
    ) {
        let set = |why: StopReason| {
            let mut reason = reason.lock().unwrap_or_else(PoisonError::into_inner);
            // A storage failure outranks a cancel: the job must end failed.
            if reason.is_none() || why == StopReason::StorageFailed {
                *reason = Some(why);
            }
        };
        let mut storage_noted = false;
        loop {
            tokio::select! {
                () = self.stopping().cancelled() => {
                    set(StopReason::Shutdown);
                    detach.cancel();
                    return;
                }
                () = alarms.lease_lost.cancelled() => {
                    set(StopReason::LeaseLost);
                    detach.cancel();
                    return;
                }
                () = alarms.storage_failed.cancelled(), if !storage_noted => {
                    storage_noted = true;
                    set(StopReason::StorageFailed);
                    cancel.cancel();
                    continue;
                }
                () = tokio::time::sleep(RENEW_EVERY) => {}
            }
            match stored::renew(
                self.store(),
                &job_id,
                self.worker_id(),
                now_millis() + LEASE_MS,
            )
            .await
            {
                Ok(Lease::Held) => {}
                Ok(Lease::CancelRequested) => {
                    set(StopReason::Cancelled);
                    cancel.cancel();
                }
                Ok(Lease::Lost) => {
                    set(StopReason::LeaseLost);
                    detach.cancel();
                    return;
                }
                Err(error) => tracing::warn!(%error, job = %job_id, "cannot renew a job's lease"),
            }
        }
    }
}
