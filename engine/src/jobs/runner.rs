//! The worker: claims queued jobs (a lease it renews while the job runs), runs each job's
//! plan step by step on the executor, stores and publishes every output line, and gives
//! the job its final state, audited in the same transaction as the cluster's new state.
//! Jobs of different deployments run side by side, up to `max_parallel`.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use serde_json::json;
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use super::{plan_for, JobError, LogHub};
use crate::{
    audit::{self, NewAuditEvent},
    exec::{Executor, OutputLine},
    model::{
        cluster::ClusterState,
        job::{JobKind, JobParams, JobState, LogLine, StepState, Stream},
    },
    nixops::{self, exists_probe, join_network_args, parse_deployer_export, StepKind},
    store::{
        clusters,
        jobs::{self, JobRow, LogRow},
        now_millis, Store,
    },
};

/// A running job's lease: renewed every `RENEW_EVERY`, lapsed after `LEASE_MS` without.
const LEASE_MS: i64 = 30_000;
const RENEW_EVERY: Duration = Duration::from_secs(2);
/// How often the queue is looked at when nothing wakes the worker.
const POLL: Duration = Duration::from_secs(1);
/// How often jobs whose worker vanished (another replica) are looked for.
const ORPHAN_SWEEP: Duration = Duration::from_secs(15);
/// Output lines waiting to be stored before the command is slowed down.
const LINE_BUFFER: usize = 10_000;
/// At most this much of the deployer's exported state is read (it is never logged).
const MAX_EXPORT: usize = 64 * 1024 * 1024;
/// The actor recorded for what the worker does.
const WORKER_ACTOR: &str = "nixdeck";

/// Where and how jobs run.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// NIXDECK_NIXOPS_ROOT: each cluster's clone lives in ROOT/CLUSTER.
    pub nixops_root: String,
    /// NIXDECK_NIXOPS_REPO_URL: the disciplina-nixops repository to clone.
    pub repo_url: String,
    pub executor: Executor,
    /// Names this process in leases; unique per process.
    pub worker_id: String,
    pub max_parallel: usize,
}

#[derive(Debug, Clone)]
pub struct Runner {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    hub: LogHub,
    config: RunnerConfig,
    wake: Notify,
    slots: Arc<Semaphore>,
}

/// Why a job stopped before its plan ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopReason {
    Cancelled,
    Shutdown,
    LeaseLost,
}

/// How the plan went.
enum Outcome {
    Succeeded,
    Failed(String),
    Stopped,
}

impl Runner {
    pub fn new(store: Store, hub: LogHub, config: RunnerConfig) -> Runner {
        let slots = Arc::new(Semaphore::new(config.max_parallel.max(1)));
        Runner {
            inner: Arc::new(Inner {
                store,
                hub,
                config,
                wake: Notify::new(),
                slots,
            }),
        }
    }

    pub fn hub(&self) -> &LogHub {
        &self.inner.hub
    }

    /// Looks at the queue now (a job was just requested).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Marks as interrupted the jobs left running by a worker that is gone: every running
    /// job when this is the only nixdeck on its database (`all`), else those whose lease
    /// lapsed. Returns how many.
    pub async fn recover(&self, all: bool) -> Result<usize, JobError> {
        let store = &self.inner.store;
        let lapsed_before = (!all).then(now_millis);
        let orphans = jobs::orphans(store, lapsed_before).await?;
        for job in &orphans {
            let seq = jobs::last_seq(store, &job.id).await? + 1;
            let line = LogRow {
                seq,
                stream: Stream::System.as_str().to_owned(),
                at: now_millis(),
                text: "nixdeck stopped while this job ran; marked interrupted".to_owned(),
            };
            jobs::append_log(store, &job.id, &[line]).await?;
            let kind = JobKind::parse(&job.kind).unwrap_or(JobKind::Info);
            finish(
                store,
                job,
                kind,
                JobState::Interrupted,
                Some("nixdeck stopped while the job ran"),
            )
            .await?;
        }
        Ok(orphans.len())
    }

    /// Runs the worker until `shutdown`; jobs still running then are stopped and marked
    /// interrupted before the returned task ends.
    pub fn spawn(&self, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
        let runner = self.clone();
        tokio::spawn(async move { runner.work(shutdown).await })
    }

    async fn work(&self, shutdown: CancellationToken) {
        let inner = &self.inner;
        let mut running = tokio::task::JoinSet::new();
        let mut last_sweep = tokio::time::Instant::now();
        loop {
            if last_sweep.elapsed() >= ORPHAN_SWEEP {
                last_sweep = tokio::time::Instant::now();
                if let Err(error) = self.recover(false).await {
                    tracing::warn!(%error, "looking for interrupted jobs failed");
                }
            }
            while running.try_join_next().is_some() {}
            if let Ok(permit) = inner.slots.clone().try_acquire_owned() {
                let now = now_millis();
                match jobs::claim(&inner.store, &inner.config.worker_id, now, now + LEASE_MS).await
                {
                    Ok(Some(job)) => {
                        let runner = self.clone();
                        let shutdown = shutdown.clone();
                        running.spawn(async move {
                            runner.run_job(job, shutdown).await;
                            drop(permit);
                        });
                        continue;
                    }
                    Ok(None) => drop(permit),
                    Err(error) => {
                        drop(permit);
                        tracing::warn!(%error, "claiming a job failed");
                    }
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = inner.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
        while running.join_next().await.is_some() {}
    }

    async fn run_job(&self, job: JobRow, shutdown: CancellationToken) {
        let store = &self.inner.store;
        let kind = JobKind::parse(&job.kind).unwrap_or(JobKind::Info);
        let params: JobParams = match serde_json::from_str(&job.params) {
            Ok(params) => params,
            Err(error) => {
                let why = format!("the job's stored parameters are unreadable: {error}");
                if let Err(error) = finish(store, &job, kind, JobState::Failed, Some(&why)).await {
                    tracing::error!(%error, job = %job.id, "cannot finish a job");
                }
                return;
            }
        };
        let first_seq = jobs::last_seq(store, &job.id).await.unwrap_or(0) + 1;
        self.inner.hub.open(&job.id);
        let (lines, receiver) = mpsc::channel(LINE_BUFFER);
        let writer = tokio::spawn(write_log(
            store.clone(),
            self.inner.hub.clone(),
            job.id.clone(),
            receiver,
            first_seq,
        ));
        let stop = CancellationToken::new();
        let reason = Arc::new(Mutex::new(None));
        let heartbeat = tokio::spawn(heartbeat(
            store.clone(),
            job.id.clone(),
            self.inner.config.worker_id.clone(),
            stop.clone(),
            reason.clone(),
            shutdown,
        ));

        let outcome = self.run_plan(&job, kind, &params, &lines, &stop).await;
        heartbeat.abort();
        let reason = *reason.lock().unwrap_or_else(PoisonError::into_inner);
        let (state, error) = match outcome {
            Outcome::Succeeded => (JobState::Succeeded, None),
            Outcome::Failed(why) => (JobState::Failed, Some(why)),
            Outcome::Stopped => match reason {
                Some(StopReason::Cancelled) | None => {
                    (JobState::Cancelled, Some("cancelled".to_owned()))
                }
                Some(StopReason::Shutdown) => (
                    JobState::Interrupted,
                    Some("nixdeck stopped while the job ran".to_owned()),
                ),
                Some(StopReason::LeaseLost) => (
                    JobState::Interrupted,
                    Some("this worker lost the job's lease".to_owned()),
                ),
            },
        };
        let summary = match &error {
            Some(why) => format!("job {}: {why}", state.as_str()),
            None => format!("job {}", state.as_str()),
        };
        let _ = lines.send((Stream::System, summary)).await;
        drop(lines);
        if writer.await.is_err() {
            tracing::error!(job = %job.id, "the log writer panicked");
        }
        if let Err(error) = finish(store, &job, kind, state, error.as_deref()).await {
            tracing::error!(%error, job = %job.id, "cannot record the job's end");
        }
        self.inner.hub.close(&job.id);
    }

    async fn run_plan(
        &self,
        job: &JobRow,
        kind: JobKind,
        params: &JobParams,
        lines: &mpsc::Sender<OutputLine>,
        stop: &CancellationToken,
    ) -> Outcome {
        let config = &self.inner.config;
        let store = &self.inner.store;
        let plan = plan_for(kind, params, &config.nixops_root, &config.repo_url);
        let executor = &config.executor;
        let cluster = params.args.name.as_str();
        let _ = lines
            .send((
                Stream::System,
                format!("{} of {cluster} on {}", kind.as_str(), executor.describe()),
            ))
            .await;
        for (position, step) in plan.steps.iter().enumerate() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            if stop.is_cancelled() {
                return Outcome::Stopped;
            }
            let mark = |state: StepState| async move {
                if let Err(error) =
                    jobs::set_step(store, &job.id, position, state.as_str(), now_millis()).await
                {
                    tracing::warn!(%error, job = %job.id, "cannot record a step's state");
                }
            };
            mark(StepState::Running).await;
            let _ = lines
                .send((Stream::System, format!("▶ {}", step.name)))
                .await;
            let result = match step.kind {
                StepKind::Run => executor.run(&step.command, lines, stop).await,
                StepKind::CreateUnlessExists => {
                    let probe = exists_probe(&config.nixops_root, cluster);
                    let _ = lines
                        .send((Stream::System, format!("$ {}", nixops::shell_line(&probe))))
                        .await;
                    match executor.run(&probe, lines, stop).await {
                        Ok(exit) if exit.success() => {
                            let _ = lines
                                .send((
                                    Stream::System,
                                    "the deployment exists already: not created again".to_owned(),
                                ))
                                .await;
                            mark(StepState::Skipped).await;
                            continue;
                        }
                        Err(error) => Err(error),
                        Ok(_) => {
                            let _ = lines
                                .send((
                                    Stream::System,
                                    "the deployment does not exist yet (the error above says so): creating it"
                                        .to_owned(),
                                ))
                                .await;
                            executor.run(&step.command, lines, stop).await
                        }
                    }
                }
                StepKind::ReadDeployerNetwork => {
                    match self.join_network(&step.command, cluster, lines, stop).await {
                        Ok(result) => result,
                        Err(why) => {
                            mark(StepState::Failed).await;
                            return Outcome::Failed(format!("step \"{}\": {why}", step.name));
                        }
                    }
                }
            };
            match result {
                Ok(exit) if exit.success() => mark(StepState::Succeeded).await,
                Ok(_) | Err(_) if stop.is_cancelled() => {
                    mark(StepState::Cancelled).await;
                    return Outcome::Stopped;
                }
                Ok(exit) => {
                    mark(StepState::Failed).await;
                    return Outcome::Failed(format!(
                        "step \"{}\" failed ({})",
                        step.name,
                        exit.describe()
                    ));
                }
                Err(error) => {
                    mark(StepState::Failed).await;
                    return Outcome::Failed(format!("step \"{}\": {error}", step.name));
                }
            }
        }
        Outcome::Succeeded
    }

    /// Runbook step 5: the deployer's export is read (its standard output is the NixOps
    /// state, with secrets in it, so it is kept out of the log), then the cluster gets the
    /// three network ids.
    async fn join_network(
        &self,
        export: &nixops::Command,
        cluster: &str,
        lines: &mpsc::Sender<OutputLine>,
        stop: &CancellationToken,
    ) -> Result<Result<crate::exec::Exit, crate::exec::ExecError>, String> {
        let config = &self.inner.config;
        let (captured, mut receiver) = mpsc::channel::<OutputLine>(LINE_BUFFER);
        let forward = lines.clone();
        let collector = tokio::spawn(async move {
            let mut stdout = String::new();
            while let Some((stream, line)) = receiver.recv().await {
                match stream {
                    Stream::Stdout if stdout.len() < MAX_EXPORT => {
                        stdout.push_str(&line);
                        stdout.push('\n');
                    }
                    Stream::Stdout => {}
                    _ => {
                        let _ = forward.send((stream, line)).await;
                    }
                }
            }
            stdout
        });
        let _ = lines
            .send((
                Stream::System,
                format!(
                    "$ {}   (output not shown: it holds the deployer's secrets)",
                    nixops::shell_line(export)
                ),
            ))
            .await;
        let exit = config.executor.run(export, &captured, stop).await;
        drop(captured);
        let stdout = collector.await.unwrap_or_default();
        match exit {
            Ok(exit) if exit.success() => {}
            other => return Ok(other),
        }
        let network = parse_deployer_export(&stdout)
            .map_err(|why| format!("the deployer's export could not be read: {why}"))?;
        let _ = lines
            .send((
                Stream::System,
                format!(
                    "deployer network: vpcId {}, vpcCidr {}, routeTableId {}",
                    network.vpc_id, network.vpc_cidr, network.route_table_id
                ),
            ))
            .await;
        let join = join_network_args(&config.nixops_root, cluster, &network);
        Ok(config.executor.run(&join, lines, stop).await)
    }
}

/// Renews the lease until the job ends; stops the job when a cancel is asked for, nixdeck
/// is shutting down, or the lease was lost.
async fn heartbeat(
    store: Store,
    job_id: String,
    worker_id: String,
    stop: CancellationToken,
    reason: Arc<Mutex<Option<StopReason>>>,
    shutdown: CancellationToken,
) {
    let set = |why: StopReason| {
        let mut reason = reason.lock().unwrap_or_else(PoisonError::into_inner);
        reason.get_or_insert(why);
    };
    loop {
        tokio::select! {
            () = shutdown.cancelled() => {
                set(StopReason::Shutdown);
                stop.cancel();
                return;
            }
            () = tokio::time::sleep(RENEW_EVERY) => {}
        }
        match jobs::renew(&store, &job_id, &worker_id, now_millis() + LEASE_MS).await {
            Ok(Some(true)) => {
                set(StopReason::Cancelled);
                stop.cancel();
            }
            Ok(Some(false)) => {}
            Ok(None) => {
                set(StopReason::LeaseLost);
                stop.cancel();
                return;
            }
            Err(error) => tracing::warn!(%error, job = %job_id, "cannot renew a job's lease"),
        }
    }
}

/// Stores output lines in batches (as many as have arrived while the previous batch was
/// written), then publishes each batch to live viewers. A failed write is retried: lines
/// are never dropped, the command is slowed down instead.
async fn write_log(
    store: Store,
    hub: LogHub,
    job_id: String,
    mut receiver: mpsc::Receiver<OutputLine>,
    mut next_seq: i64,
) {
    let mut pending = Vec::new();
    while let Some(first) = receiver.recv().await {
        pending.push(first);
        while pending.len() < 2000 {
            match receiver.try_recv() {
                Ok(line) => pending.push(line),
                Err(_) => break,
            }
        }
        let at = now_millis();
        let batch: Vec<LogLine> = pending
            .drain(..)
            .map(|(stream, text)| {
                let line = LogLine {
                    seq: next_seq,
                    stream,
                    at,
                    text,
                };
                next_seq += 1;
                line
            })
            .collect();
        let rows: Vec<LogRow> = batch
            .iter()
            .map(|line| LogRow {
                seq: line.seq,
                stream: line.stream.as_str().to_owned(),
                at: line.at,
                text: line.text.clone(),
            })
            .collect();
        let mut delay = Duration::from_millis(50);
        while let Err(error) = jobs::append_log(&store, &job_id, &rows).await {
            tracing::warn!(%error, job = %job_id, "storing log lines failed; retrying");
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }
        hub.publish(&job_id, Arc::new(batch));
    }
}

/// The job's final state, its audit event and the cluster's new state, in one transaction.
async fn finish(
    store: &Store,
    job: &JobRow,
    kind: JobKind,
    state: JobState,
    error: Option<&str>,
) -> Result<(), JobError> {
    let now = now_millis();
    let mut tx = store.begin().await?;
    if !jobs::finish(&mut tx, &job.id, state.as_str(), error, now).await? {
        // Someone else (a cancel of a queued job, an orphan sweep) ended it first.
        return Ok(());
    }
    let succeeded = state == JobState::Succeeded;
    let cluster_state = match (kind, succeeded) {
        (JobKind::Create | JobKind::Deploy | JobKind::Start, true) => Some(ClusterState::Deployed),
        (JobKind::Deploy, false) => Some(ClusterState::Failed),
        (JobKind::Stop, true) => Some(ClusterState::Stopped),
        // A create that did not finish leaves the cluster new: the next deploy is a create
        // again (it skips `nixops create` if the deployment was made).
        _ => None,
    };
    if let Some(cluster_state) = cluster_state {
        clusters::set_state(&mut tx, &job.cluster, cluster_state.as_str(), now).await?;
    }
    if kind == JobKind::Destroy && succeeded {
        clusters::delete(&mut tx, &job.cluster).await?;
    }
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: WORKER_ACTOR.to_owned(),
            action: "job.finished".to_owned(),
            target: format!("job:{}", job.id),
            details: json!({
                "cluster": job.cluster,
                "kind": kind.as_str(),
                "state": state.as_str(),
                "error": error,
            }),
            source_addr: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
