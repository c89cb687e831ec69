//! What every server function does around its one engine command: find the caller of the
//! request being handled, and answer a refusal with its kind's HTTP status (never a bare
//! 500), so the browser, scripts and proxies see the same status the REST API gives.
//! (Pages rendered on the server show a refusal in place and answer 200.)

use engine::{commands::Caller, model::failure::Failure, Engine};
use leptos::prelude::*;

use super::ApiError;
use crate::state::{caller_of, AppState};

/// The engine and the request's caller; a request nobody signed is refused.
pub async fn caller() -> Result<(Engine, Caller), ApiError> {
    let state = expect_context::<AppState>();
    match signed_caller().await {
        Some(caller) => Ok((state.engine, caller)),
        None => Err(refused(Failure::unauthenticated())),
    }
}

/// The request's caller, if anyone signed it.
pub async fn signed_caller() -> Option<Caller> {
    let extensions = leptos_axum::extract::<http::Extensions>().await.ok()?;
    caller_of(&extensions)
}

/// A command's answer as a server function's.
pub fn answer<T>(result: Result<T, Failure>) -> Result<T, ApiError> {
    result.map_err(refused)
}

/// The failure, with the response's status set to its kind's when the request is the
/// server function's own call. A page rendered on the server calls server functions too;
/// it answers 200 with the failure shown in place, whenever the failure arrives (before or
/// after the page's first bytes were sent), so its status never depends on timing.
pub fn refused(failure: Failure) -> ApiError {
    let own_call = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.method != http::Method::GET);
    if !own_call {
        return ApiError::Refused(failure);
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(failure.kind.http_status()) {
            response.set_status(status);
        }
    }
    ApiError::Refused(failure)
}
