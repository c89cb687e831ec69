//! `/api/v1/clusters/{name}/schedule`: a cluster's check and redeploy schedules (five-field
//! cron, UTC, or `null` for none), with when each runs next.

use app::state::AppState;
use axum::{
    extract::{Path, State},
    Json,
};
use engine::{commands::ScheduleInput, model::schedule::ScheduleView};
use serde::Deserialize;

use super::{body::quiet_body, caller::RequestCaller, ApiError};

/// What `PUT` takes: both fields; one left out is `null` (no such schedule).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleBody {
    check: Option<String>,
    redeploy: Option<String>,
}

pub async fn get_schedule(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(state.engine.schedule(&caller, &name).await?))
}

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
