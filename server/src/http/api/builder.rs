//! `/api/v1/builder`: the macOS builder as the probes found it, a probe now, and its
//! maintenance as jobs.

use app::state::AppState;
use axum::{extract::State, response::Response, Json};
use engine::{commands::BuilderJobRequest, model::builder::BuilderView};
use serde::Deserialize;
use serde_json::Value;

use super::{body::quiet_body, caller::RequestCaller, clusters::queued_job, ApiError};

pub async fn get_builder(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<BuilderView>, ApiError> {
    Ok(Json(state.engine.builder(&caller).await?))
}

/// Runs the read-only probe now and answers what it found.
pub async fn probe_builder(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<BuilderView>, ApiError> {
    Ok(Json(state.engine.probe_builder(&caller).await?))
}

/// `{"kind": "update-channels" | "rebuild" | "restart-agent" | "collect-garbage", "days"?}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuilderJobBody {
    kind: Option<String>,
    /// Any JSON, so that a value of the wrong type is refused by the model's rule, naming
    /// the field, rather than as an unreadable body.
    days: Option<Value>,
}

/// Queues builder maintenance: 202 with the job's id.
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
