//! `/api/v1/clusters/{name}/schedule`: a cluster's check and redeploy schedules (five-field
//! cron, UTC, or `null` for none), with when each runs next.

use app::state::AppState;
use axum::{
    extract::{Path, State},
    Json,
};
use engine::{commands::ScheduleInput, model::schedule::ScheduleView};
use serde::Deserialize;

use super::{body::quiet_body, caller::RequestCaller, error::ErrorBody, ApiError};

/// What `PUT` takes: both fields; one left out is `null` (no such schedule).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    /// When to check the cluster (`info`, and its machines and DNS where AWS is
    /// configured): five-field cron, UTC; `null`: never.
    check: Option<String>,
    /// When to redeploy it: five-field cron, UTC; `null`: never.
    redeploy: Option<String>,
}

#[utoipa::path(
    get,
    path = "/clusters/{name}/schedule",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    responses(
        (status = 200, description = "The cluster's schedules, with when each runs next", body = ScheduleView),
        (status = 404, description = "No such cluster", body = ErrorBody),
    ),
)]
pub async fn get_schedule(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(state.engine.schedule(&caller, &name).await?))
}

/// Sets both schedules (one left out is none); each counts from now.
#[utoipa::path(
    put,
    path = "/clusters/{name}/schedule",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    request_body = ScheduleBody,
    responses(
        (status = 200, description = "The cluster's schedules as they are now", body = ScheduleView),
        (status = 403, description = "Only admins manage clusters", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 422, description = "The body does not read, or a schedule is not a five-field cron expression; `field` names it", body = ErrorBody),
    ),
)]
pub async fn put_schedule(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    raw: String,
) -> Result<Json<ScheduleView>, ApiError> {
    let input = quiet_body::<ScheduleBody>(&raw).map(|body| ScheduleInput {
        check: body.check,
        redeploy: body.redeploy,
    });
    Ok(Json(
        state.engine.set_schedule(&caller, &name, input).await?,
    ))
}
