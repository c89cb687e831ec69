//! `/api/v1/jobs`: list and read jobs, read or follow their logs, cancel and redeploy.

use app::state::{AppState, RequestPrincipal, SourceAddr};
use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use engine::{
    jobs::{self, LogEvent},
    model::{access::Action, job::JobView},
};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{
    authorize,
    clusters::{actor, job_error},
    event_stream::EventFrames,
    ApiError,
};

/// A job as the API shows it.
pub fn job_json(job: &JobView) -> Value {
    json!({
        "id": job.id,
        "kind": job.kind,
        "cluster": job.cluster,
        "state": job.state,
        "steps": job.steps.iter().map(|step| json!({
            "name": step.name,
            "state": step.state,
            "started_at": step.started_at,
            "finished_at": step.finished_at,
        })).collect::<Vec<_>>(),
        "requested_by": job.requested_by,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "error": job.error,
        "redeploy_of": job.redeploy_of,
        "params": job.params,
    })
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    cluster: Option<String>,
    limit: Option<i64>,
}

pub async fn list_jobs(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    authorize(&principal, Action::Read)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let jobs = jobs::list(&state.store, query.cluster.as_deref(), limit)
        .await
        .map_err(job_error)?;
    Ok(Json(Value::Array(jobs.iter().map(job_json).collect())))
}

pub async fn get_job(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authorize(&principal, Action::Read)?;
    let job = jobs::view(&state.store, &id).await.map_err(job_error)?;
    let mut value = job_json(&job);
    let changes = jobs::changes_since_previous(&state.store, &job)
        .await
        .map_err(job_error)?;
    value["changes"] = json!(changes);
    Ok(Json(value))
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    /// Only lines after this sequence number.
    after: Option<i64>,
}

/// The whole log as text, or, with `Accept: text/event-stream`, the stored lines and then
/// the live ones as Server-Sent Events (`id` is the line's sequence number, so a reconnect
/// with `Last-Event-ID` continues where it stopped), ending with an `end` event.
pub async fn job_log(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&principal, Action::Read)?;
    // 404 for an unknown job, before any stream starts.
    jobs::view(&state.store, &id).await.map_err(job_error)?;
    let wants_stream = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"));
    let resume_from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let after = resume_from.or(query.after).unwrap_or(0).max(0);
    if !wants_stream {
        let lines = jobs::log(&state.store, &id).await.map_err(job_error)?;
        let text: String = lines
            .iter()
            .filter(|line| line.seq > after)
            .map(|line| format!("{}\n", line.text))
            .collect();
        return Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response());
    }
    let (events, receiver) = mpsc::channel::<LogEvent>(1024);
    let store = state.store.clone();
    let hub = state.jobs.hub().clone();
    let job_id = id.clone();
    tokio::spawn(async move {
        if let Err(error) = jobs::follow(&store, &hub, &job_id, after, events).await {
            tracing::warn!(%error, job = %job_id, "following a job's log failed");
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(EventFrames::new(receiver)),
    )
        .into_response())
}

/// Cancels a queued or running job; the cluster's environment decides who may.
pub async fn cancel_job(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authorize(&principal, Action::Read)?;
    let job = jobs::view(&state.store, &id).await.map_err(job_error)?;
    let principal = authorize(&principal, Action::CancelJob(job.params.args.env))?;
    let job = jobs::cancel(&state.store, &actor(principal, &source), &id)
        .await
        .map_err(job_error)?;
    Ok(Json(job_json(&job)))
}

/// Repeats a past deploy with its exact arguments and versions: 202 with the new job.
pub async fn redeploy_job(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&principal, Action::Read)?;
    let past = jobs::view(&state.store, &id).await.map_err(job_error)?;
    let principal = authorize(&principal, Action::Deploy(past.params.args.env))?;
    let job = jobs::redeploy(&state.store, &actor(principal, &source), &id)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok((StatusCode::ACCEPTED, Json(json!({ "job_id": job.id }))).into_response())
}
