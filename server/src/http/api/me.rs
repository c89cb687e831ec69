//! `GET /api/v1/me`: who the credentials belong to.

use axum::Json;

use super::{caller::RequestCaller, resources::Me};

/// A one-time code linking a Slack user to the caller (a person signed in as themselves):
/// `/deploy link <code>` within ten minutes.
pub async fn create_slack_link(
    axum::extract::State(state): axum::extract::State<app::state::AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<serde_json::Value>, super::ApiError> {
    let code = state.engine.create_slack_link(&caller).await?;
    Ok(Json(serde_json::json!({ "code": code })))
}

pub async fn me(RequestCaller(caller): RequestCaller) -> Json<Me> {
    let principal = caller.principal;
    Json(Me {
        login: principal.login,
        actor: principal.actor,
        role: principal.role,
        via: principal.via,
    })
}
