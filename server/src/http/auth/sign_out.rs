//! `POST /auth/logout`: ends the session (server-side, so the cookie is worthless even if
//! kept) and sends the person to the sign-in page.

use app::state::{AppState, SourceAddr};
use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use engine::access;

use super::cookie::{cleared_session_cookie, cookie_value, header_value, SESSION_COOKIE};
use crate::http::api::ApiError;

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(SourceAddr(source)): Extension<SourceAddr>,
    headers: HeaderMap,
) -> Response {
    if let Some(value) = cookie_value(&headers, SESSION_COOKIE) {
        if let Err(error) = access::sign_out(state.engine.store(), value, source).await {
            return ApiError::internal("cannot end a session", error);
        }
    }
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                header_value(&cleared_session_cookie(state.secure_cookies())),
            ),
            (header::LOCATION, header_value("/signin")),
        ],
    )
        .into_response()
}
