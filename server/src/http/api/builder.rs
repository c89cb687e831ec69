//! `/api/v1/builder`: the macOS builder as the probes found it, a probe now, and its
//! maintenance as jobs.

use app::state::AppState;
use axum::{extract::State, response::Response, Json};
use engine::{commands::BuilderJobRequest, model::builder::BuilderView};
use serde::Deserialize;
use serde_json::Value;

use super::{
    body::quiet_body, caller::RequestCaller, clusters::queued_job, error::ErrorBody,
    resources::QueuedJob, ApiError,
};

/// The builder as the last probes found it.
#[utoipa::path(
    get,
    path = "/builder",
    tag = "hosts",
    responses(
        (status = 200, description = "The builder as the last probes found it (`configured: false` when there is none)", body = BuilderView),
    ),
)]
pub async fn get_builder(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<BuilderView>, ApiError> {
    Ok(Json(state.engine.builder(&caller).await?))
}

/// Runs the read-only probe now and answers what it found.
#[utoipa::path(
    post,
    path = "/builder/probe",
    tag = "hosts",
    responses(
        (status = 200, description = "The builder as the probe just found it (an unreachable builder is `reachable: false`, with why)", body = BuilderView),
    ),
)]
pub async fn probe_builder(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<BuilderView>, ApiError> {
    Ok(Json(state.engine.probe_builder(&caller).await?))
}

/// `{"kind": "update-channels" | "rebuild" | "restart-agent" | "collect-garbage", "days"?}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuilderJobBody {
    /// `update-channels`, `rebuild`, `restart-agent` or `collect-garbage`.
    kind: Option<String>,
    /// `collect-garbage` only: it deletes what is older than this many days (1 to 3650).
    /// Any JSON, so that a value of the wrong type is refused by the model's rule, naming
    /// the field, rather than as an unreadable body.
    days: Option<Value>,
}

/// Queues builder maintenance: 202 with the job's id.
#[utoipa::path(
    post,
    path = "/builder/jobs",
    tag = "hosts",
    request_body = BuilderJobBody,
    responses(
        (status = 202, description = "The job, queued", body = QueuedJob),
        (status = 403, description = "Only admins maintain the builder", body = ErrorBody),
        (status = 409, description = "No builder is configured", body = ErrorBody),
        (status = 422, description = "The body does not read, `kind` is not a builder job, or `days` is missing, out of range, or given to another kind", body = ErrorBody),
    ),
)]
pub async fn start_builder_job(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    raw: String,
) -> Result<Response, ApiError> {
    let request = quiet_body::<BuilderJobBody>(&raw).map(|body| BuilderJobRequest {
        kind: body.kind.unwrap_or_default(),
        days: body.days.and_then(|days| match days {
            Value::Null => None,
            Value::String(text) => Some(text),
            Value::Number(number) => Some(number.to_string()),
            other => Some(other.to_string()),
        }),
    });
    Ok(queued_job(
        state.engine.start_builder_job(&caller, request).await?,
    ))
}
