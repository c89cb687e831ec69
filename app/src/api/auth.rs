//! Permission checks for server functions, against the one permission table in
//! `engine::model::access`.

use engine::model::access::{Action, Principal};

use super::ApiError;
use crate::state::{RequestPrincipal, SourceAddr};

/// Who sent the request being handled, if anyone is signed in.
pub async fn current_principal() -> Option<Principal> {
    leptos_axum::extract::<axum::Extension<RequestPrincipal>>()
        .await
        .ok()
        .and_then(|axum::Extension(RequestPrincipal(principal))| principal)
}

/// Where the request being handled came from, for the audit log.
pub async fn source_addr() -> Option<String> {
    leptos_axum::extract::<axum::Extension<SourceAddr>>()
        .await
        .ok()
        .and_then(|axum::Extension(SourceAddr(source))| source)
}

/// The principal, if it may perform `action`.
pub async fn require(action: Action) -> Result<Principal, ApiError> {
    match current_principal().await {
        None => Err(ApiError::Unauthorized),
        Some(principal) if principal.may(action) => Ok(principal),
        Some(_) => Err(ApiError::Forbidden),
    }
}
