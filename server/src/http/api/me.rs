//! `GET /api/v1/me`: who the credentials belong to.

use app::state::RequestPrincipal;
use axum::{http::StatusCode, response::IntoResponse, Extension, Json};
use serde_json::json;

use super::ApiError;

pub async fn me(
    Extension(RequestPrincipal(principal)): Extension<RequestPrincipal>,
) -> impl IntoResponse {
    match principal {
        Some(principal) => Json(json!({
            "login": principal.login,
            "role": principal.role,
            "via": principal.via,
        }))
        .into_response(),
        None => ApiError::new(StatusCode::UNAUTHORIZED, "not signed in").into_response(),
    }
}
