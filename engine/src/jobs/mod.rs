//! Jobs: requested by people (each request audited in the same transaction as the job it
//! queues), run by a worker (`runner`), followed live (`follow`).

mod follow;
mod log_hub;
mod plans;
mod runner;

use serde_json::json;

pub use follow::{follow, LogEvent};
pub use log_hub::{LogBatch, LogHub};
pub use plans::plan_for;
pub use runner::{Runner, RunnerConfig};

use crate::{
    audit::{self, NewAuditEvent},
    clusters::{self, Actor, ClusterError},
    model::{
        cluster::{ClusterState, ClusterView},
        job::{JobKind, JobParams, JobState, JobView, LogLine, StepState, StepView, Stream},
    },
    store::{
        jobs::{self, JobRow, LogRow},
        now_millis, Store, StoreError,
    },
};

/// Why a job request was refused.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error("there is no job {0:?}")]
    NotFound(String),
    /// The request does not fit the job's or cluster's state (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Queues a deploy of the cluster as it is now: the runbook's steps 1 to 6 (*create*) for a
/// cluster never deployed, steps 3 to 6 (*deploy*) otherwise, or a dry run (*preview*).
pub async fn request_deploy(
    store: &Store,
    actor: &Actor,
    cluster: &str,
    preview: bool,
) -> Result<JobView, JobError> {
    let view = clusters::find(store, cluster).await?;
    let kind = match (preview, view.state) {
        (true, _) => JobKind::Preview,
        (false, ClusterState::New) => JobKind::Create,
        (false, _) => JobKind::Deploy,
    };
    enqueue(store, actor, kind, params_of(&view), None).await
}

/// Queues another operation on the cluster (info, stop, start, destroy).
pub async fn request(
    store: &Store,
    actor: &Actor,
    cluster: &str,
    kind: JobKind,
) -> Result<JobView, JobError> {
    let view = clusters::find(store, cluster).await?;
    if view.state == ClusterState::New {
        // Nothing exists on the deployer yet.
        return Err(JobError::Conflict(match kind {
            JobKind::Destroy => {
                "this cluster was never deployed; it is removed without a destroy job".to_owned()
            }
            _ => format!(
                "cluster {cluster:?} was never deployed: deploy it before asking for {}",
                kind.as_str()
            ),
        }));
    }
    enqueue(store, actor, kind, params_of(&view), None).await
}

/// Repeats a past create or deploy with exactly its arguments and versions.
pub async fn redeploy(store: &Store, actor: &Actor, job_id: &str) -> Result<JobView, JobError> {
    let past = view(store, job_id).await?;
    if !matches!(past.kind, JobKind::Create | JobKind::Deploy) {
        return Err(JobError::Conflict(format!(
            "only a deploy can be repeated, and job {job_id} is a {}",
            past.kind.as_str()
        )));
    }
    // The cluster must still exist (a destroyed one is not silently recreated).
    clusters::find(store, &past.cluster).await?;
    enqueue(store, actor, JobKind::Deploy, past.params, Some(past.id)).await
}

/// Asks for a job to stop. A queued job is cancelled at once; a running one when its
/// worker sees the request (it signals the remote command). Returns the job as it is then.
pub async fn cancel(store: &Store, actor: &Actor, job_id: &str) -> Result<JobView, JobError> {
    let job = jobs::find(store, job_id)
        .await?
        .ok_or_else(|| JobError::NotFound(job_id.to_owned()))?;
    let now = now_millis();
    let mut tx = store.begin().await?;
    let state = jobs::request_cancel(&mut tx, job_id, now)
        .await?
        .ok_or_else(|| JobError::NotFound(job_id.to_owned()))?;
    let state = JobState::parse(&state).unwrap_or(JobState::Failed);
    if state.is_final() {
        return Err(JobError::Conflict(format!(
            "job {job_id} has ended already ({})",
            state.as_str()
        )));
    }
    if state == JobState::Queued {
        jobs::finish(
            &mut tx,
            job_id,
            JobState::Cancelled.as_str(),
            Some("cancelled before it started"),
            now,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.login.clone(),
            action: "job.cancel_requested".to_owned(),
            target: format!("job:{job_id}"),
            details: json!({
                "cluster": job.cluster,
                "was": state.as_str(),
            }),
            source_addr: actor.source_addr.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    view(store, job_id).await
}

pub async fn view(store: &Store, job_id: &str) -> Result<JobView, JobError> {
    let row = jobs::find(store, job_id)
        .await?
        .ok_or_else(|| JobError::NotFound(job_id.to_owned()))?;
    view_of(store, row).await
}

/// Jobs newest first, of one cluster or all.
pub async fn list(
    store: &Store,
    cluster: Option<&str>,
    limit: i64,
) -> Result<Vec<JobView>, JobError> {
    let mut views = Vec::new();
    for row in jobs::list(store, cluster, limit).await? {
        views.push(view_of(store, row).await?);
    }
    Ok(views)
}

/// The job's whole stored log.
pub async fn log(store: &Store, job_id: &str) -> Result<Vec<LogLine>, JobError> {
    let mut lines = Vec::new();
    loop {
        let after = lines.last().map_or(0, |line: &LogLine| line.seq);
        let rows = jobs::log_after(store, job_id, after, 5000).await?;
        let done = rows.len() < 5000;
        lines.extend(rows.into_iter().map(line_of));
        if done {
            return Ok(lines);
        }
    }
}

/// What changed in a deploy since the previous create or deploy of its cluster.
pub async fn changes_since_previous(store: &Store, job: &JobView) -> Result<Vec<String>, JobError> {
    let earlier = jobs::list(store, Some(&job.cluster), 200).await?;
    let previous = earlier
        .into_iter()
        .filter(|row| row.id < job.id && matches!(row.kind.as_str(), "create" | "deploy"))
        .find(|row| row.state == "succeeded");
    match previous {
        Some(row) => {
            let params: JobParams = serde_json::from_str(&row.params).map_err(corrupt)?;
            Ok(job.params.changes_since(&params))
        }
        None => Ok(Vec::new()),
    }
}

fn params_of(view: &ClusterView) -> JobParams {
    JobParams {
        args: view.args.clone(),
        versions: view.versions.clone(),
    }
}

async fn enqueue(
    store: &Store,
    actor: &Actor,
    kind: JobKind,
    params: JobParams,
    redeploy_of: Option<String>,
) -> Result<JobView, JobError> {
    let plan = plan_for(kind, &params, "/", "");
    let steps: Vec<String> = plan.steps.iter().map(|step| step.name.clone()).collect();
    let row = JobRow {
        id: uuid::Uuid::now_v7().to_string(),
        kind: kind.as_str().to_owned(),
        cluster: params.args.name.clone(),
        state: JobState::Queued.as_str().to_owned(),
        params: serde_json::to_string(&params).map_err(corrupt)?,
        requested_by: actor.login.clone(),
        redeploy_of: redeploy_of.clone(),
        created_at: now_millis(),
        started_at: None,
        finished_at: None,
        error: None,
        lease_owner: None,
        lease_expires_at: None,
        cancel_requested_at: None,
    };
    let mut tx = store.begin().await?;
    jobs::insert(&mut tx, &row, &steps).await?;
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.login.clone(),
            action: format!("job.{}_requested", kind.as_str()),
            target: format!("cluster:{}", params.args.name),
            details: json!({ "job_id": row.id, "redeploy_of": redeploy_of }),
            source_addr: actor.source_addr.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    view_of(store, row).await
}

async fn view_of(store: &Store, row: JobRow) -> Result<JobView, JobError> {
    let steps = jobs::steps(store, &row.id)
        .await?
        .into_iter()
        .map(|step| StepView {
            name: step.name,
            state: StepState::parse(&step.state).unwrap_or(StepState::Pending),
            started_at: step.started_at,
            finished_at: step.finished_at,
        })
        .collect();
    Ok(JobView {
        kind: JobKind::parse(&row.kind).unwrap_or(JobKind::Info),
        state: JobState::parse(&row.state).unwrap_or(JobState::Failed),
        params: serde_json::from_str(&row.params).map_err(corrupt)?,
        id: row.id,
        cluster: row.cluster,
        steps,
        requested_by: row.requested_by,
        created_at: row.created_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        error: row.error,
        redeploy_of: row.redeploy_of,
    })
}

pub(crate) fn line_of(row: LogRow) -> LogLine {
    LogLine {
        seq: row.seq,
        stream: Stream::parse(&row.stream).unwrap_or(Stream::System),
        at: row.at,
        text: row.text,
    }
}

fn corrupt(error: serde_json::Error) -> JobError {
    JobError::Store(StoreError::Database(sqlx::Error::Protocol(format!(
        "stored job parameters unreadable: {error}"
    ))))
}
