//! The REST API's error: the engine's `Failure` with its kind's status, as
//! `{"error": "...", "field": "..."}`.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use engine::model::failure::Failure;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError(pub Failure);

/// The body of every error answer: what went wrong, and the field it concerns, if one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    /// Something failed on the server: logged here with its cause, answered with the
    /// opaque internal error (the cause may name what callers must not see).
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Response {
        tracing::error!(%error, "{context}");
        ApiError(Failure::internal()).into_response()
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> ApiError {
        ApiError(failure)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: &self.0.message,
            field: self.0.field.as_deref(),
        };
        (status, Json(body)).into_response()
    }
}
