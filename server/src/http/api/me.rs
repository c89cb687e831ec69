//! `GET /api/v1/me`: who the credentials belong to.

use axum::Json;

use super::{caller::RequestCaller, resources::Me};

/// A one-time code linking a Slack user to the caller (a person signed in as themselves):
/// `/deploy link <code>` within ten minutes.
#[utoipa::path(
    post,
    path = "/me/slack-link",
    tag = "me",
    responses(
        (status = 200, description = "`{\"code\"}`: the one-time code", body = SlackLink),
        (status = 403, description = "Only a person signed in as themselves links Slack (not a token)", body = super::error::ErrorBody),
    ),
)]
pub async fn create_slack_link(
    axum::extract::State(state): axum::extract::State<app::state::AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<SlackLink>, super::ApiError> {
    let code = state.engine.create_slack_link(&caller).await?;
    Ok(Json(SlackLink { code }))
}

/// A code that links a Slack user to the person who asked for it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SlackLink {
    /// Said to Slack as `/deploy link <code>` within ten minutes.
    pub code: String,
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "me",
    responses((status = 200, description = "Who the credentials belong to", body = Me)),
)]
pub async fn me(RequestCaller(caller): RequestCaller) -> Json<Me> {
    let principal = caller.principal;
    Json(Me {
        login: principal.login,
        actor: principal.actor,
        role: principal.role,
        via: principal.via,
    })
}
