//! `/api/v1/jobs`: list and read jobs, read or follow their logs, cancel and redeploy, and
//! approve or reject a production job waiting for a second admin.

use app::state::AppState;
use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    Json,
};
use bytes::Bytes;
use engine::model::job::{JobView, Stream};
use serde::Deserialize;
use tokio_stream::{wrappers::ReceiverStream, StreamExt};

use super::{
    body::quiet_body,
    caller::RequestCaller,
    clusters::queued,
    error::ErrorBody,
    event_stream::EventFrames,
    resources::{JobResource, QueuedJob},
    ApiError,
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this cluster's jobs.
    cluster: Option<String>,
    /// `builder` or `deployer`: the jobs whose commands run there.
    host: Option<String>,
    /// At most this many (1 to 500, 50 by default).
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/jobs",
    tag = "jobs",
    params(ListQuery),
    responses(
        (status = 200, description = "Jobs, newest first", body = Vec<JobView>),
        (status = 422, description = "A bad filter", body = ErrorBody),
    ),
)]
pub async fn list_jobs(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<JobView>>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    Ok(Json(
        state
            .engine
            .jobs(
                &caller,
                query.cluster.as_deref(),
                query.host.as_deref(),
                limit,
            )
            .await?,
    ))
}

#[utoipa::path(
    get,
    path = "/jobs/{id}",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job, what it changes, and whether its log was removed", body = JobResource),
        (status = 404, description = "No such job", body = ErrorBody),
    ),
)]
pub async fn get_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Json<JobResource>, ApiError> {
    let details = state.engine.job(&caller, &id).await?;
    Ok(Json(JobResource {
        job: details.job,
        changes: details.changes,
        log_removed: details.log_removed,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// Only lines after this sequence number.
    after: Option<i64>,
}

/// The log as text, streamed in batches (however long, memory stays flat); or, with
/// `Accept: text/event-stream`, the stored lines and then the live ones as Server-Sent
/// Events (`id` is the line's sequence number, so a reconnect with `Last-Event-ID`
/// continues where it stopped), ending with an `end` event, or a `restart` event when
/// nixdeck stops (reconnect).
#[utoipa::path(
    get,
    path = "/jobs/{id}/log",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id"), LogQuery),
    responses(
        (status = 200, description = "The log as plain text, streamed (a step's start reads `▶ NAME`); with `Accept: text/event-stream`, the stored lines then the live ones as Server-Sent Events (`id` is the line's number; `Last-Event-ID` resumes), ending with `end`, or `restart` when nixdeck stops", content((String = "text/plain"), (String = "text/event-stream"))),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 429, description = "The caller holds as many live logs open as allowed", body = ErrorBody),
    ),
)]
pub async fn job_log(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wants_stream = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"));
    let resume_from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let after = resume_from.or(query.after).unwrap_or(0).max(0);
    if wants_stream {
        let stream = state.engine.follow_log(&caller, &id, after).await?;
        return Ok((
            [
                (header::CONTENT_TYPE, "text/event-stream"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            Body::from_stream(EventFrames::new(stream)),
        )
            .into_response());
    }
    let batches = state.engine.log_batches(&caller, &id, after).await?;
    let text = ReceiverStream::new(batches).map(|batch| match batch {
        Ok(lines) => {
            let mut text = String::new();
            for line in lines {
                if line.stream == Stream::Step {
                    text.push_str("▶ ");
                }
                text.push_str(&line.text);
                text.push('\n');
            }
            Ok(Bytes::from(text))
        }
        Err(failure) => Err(std::io::Error::other(failure.message)),
    });
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from_stream(text),
    )
        .into_response())
}

/// Cancels a queued or running job; the cluster's current environment decides who may.
#[utoipa::path(
    post,
    path = "/jobs/{id}/cancel",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job as it is now (a running one stops shortly)", body = JobView),
        (status = 403, description = "The caller may not cancel jobs of this cluster's environment", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job has ended", body = ErrorBody),
    ),
)]
pub async fn cancel_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    Ok(Json(state.engine.cancel(&caller, &id).await?))
}

/// Repeats a past deploy with its versions and the cluster's current arguments: 202 with
/// the new job and what it will change.
#[utoipa::path(
    post,
    path = "/jobs/{id}/redeploy",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 202, description = "The new job, queued, and what it will change", body = QueuedJob),
        (status = 403, description = "The caller may not deploy this cluster's environment", body = ErrorBody),
        (status = 404, description = "No such job, or its cluster is gone", body = ErrorBody),
        (status = 409, description = "Not a finished create or deploy, or the cluster has a job open", body = ErrorBody),
    ),
)]
pub async fn redeploy_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(queued(state.engine.redeploy(&caller, &id).await?))
}

/// The optional body of an approval or a rejection.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// At most 1000 characters, one line.
    comment: Option<String>,
}

/// Approves a job waiting for a second admin (`{"comment"}` optional): the job as it is
/// now, queued. Its requester, a token, or anyone but an admin is refused (403, saying why).
#[utoipa::path(
    post,
    path = "/jobs/{id}/approve",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    request_body(content = Option<DecisionBody>, description = "Optional"),
    responses(
        (status = 200, description = "The job as it is now, queued", body = JobView),
        (status = 403, description = "Not an admin signed in as themselves, or the person who asked", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job does not wait for approval, or no longer may (expired)", body = ErrorBody),
        (status = 422, description = "The comment is too long or not one line", body = ErrorBody),
    ),
)]
pub async fn approve_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
    raw: String,
) -> Result<Json<JobView>, ApiError> {
    let comment = quiet_body::<DecisionBody>(&raw).map(|body| body.comment);
    Ok(Json(state.engine.approve(&caller, &id, comment).await?))
}

/// Rejects a job waiting for a second admin (`{"comment"}` optional): it ends, never run.
#[utoipa::path(
    post,
    path = "/jobs/{id}/reject",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    request_body(content = Option<DecisionBody>, description = "Optional"),
    responses(
        (status = 200, description = "The job as it is now, rejected", body = JobView),
        (status = 403, description = "Not an admin signed in as themselves, or the person who asked", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job does not wait for approval, or no longer may (expired)", body = ErrorBody),
        (status = 422, description = "The comment is too long or not one line", body = ErrorBody),
    ),
)]
pub async fn reject_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
    raw: String,
) -> Result<Json<JobView>, ApiError> {
    let comment = quiet_body::<DecisionBody>(&raw).map(|body| body.comment);
    Ok(Json(state.engine.reject(&caller, &id, comment).await?))
}
