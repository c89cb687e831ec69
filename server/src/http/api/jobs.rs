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
    body::quiet_body, caller::RequestCaller, clusters::queued, event_stream::EventFrames,
    resources::JobResource, ApiError,
};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    cluster: Option<String>,
    /// `builder` or `deployer`: the jobs whose commands run there.
    host: Option<String>,
    limit: Option<i64>,
}

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

pub async fn get_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Json<JobResource>, ApiError> {
    let details = state.engine.job(&caller, &id).await?;
    Ok(Json(JobResource {
        job: details.job,
        changes: details.changes,
    }))
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    /// Only lines after this sequence number.
    after: Option<i64>,
}

/// The log as text, streamed in batches (however long, memory stays flat); or, with
/// `Accept: text/event-stream`, the stored lines and then the live ones as Server-Sent
/// Events (`id` is the line's sequence number, so a reconnect with `Last-Event-ID`
/// continues where it stopped), ending with an `end` event, or a `restart` event when
/// nixdeck stops (reconnect).
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
pub async fn cancel_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    Ok(Json(state.engine.cancel(&caller, &id).await?))
}

/// Repeats a past deploy with its versions and the cluster's current arguments: 202 with
/// the new job and what it will change.
pub async fn redeploy_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(queued(state.engine.redeploy(&caller, &id).await?))
}

/// The optional body of an approval or a rejection.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    comment: Option<String>,
}

/// Approves a job waiting for a second admin (`{"comment"}` optional): the job as it is
/// now, queued. Its requester, a token, or anyone but an admin is refused (403, saying why).
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
pub async fn reject_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
    raw: String,
) -> Result<Json<JobView>, ApiError> {
    let comment = quiet_body::<DecisionBody>(&raw).map(|body| body.comment);
    Ok(Json(state.engine.reject(&caller, &id, comment).await?))
}
