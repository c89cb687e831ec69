//! The REST API under `/api/v1`: JSON in and out, with a session or a bearer token, under
//! the same permissions as the pages.

mod audit_events;
mod clusters;
mod error;
mod event_stream;
mod jobs;
mod me;

pub use error::ApiError;

use app::state::{AppState, RequestPrincipal};
use axum::{
    http::StatusCode,
    routing::{get, post, put},
    Router,
};
use engine::model::access::{Action, Principal};

/// The API's routes, nested under `/api/v1` by the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::me))
        .route("/audit", get(audit_events::list_audit_events))
        .route("/audit/export", get(audit_events::export_audit_events))
        .route(
            "/clusters",
            get(clusters::list_clusters).post(clusters::create_cluster),
        )
        .route(
            "/clusters/{name}",
            get(clusters::get_cluster)
                .patch(clusters::update_cluster)
                .delete(clusters::delete_cluster),
        )
        .route("/clusters/{name}/versions", put(clusters::set_versions))
        .route("/clusters/{name}/deploys", post(clusters::start_deploy))
        .route("/clusters/{name}/jobs", post(clusters::start_operation))
        .route("/jobs", get(jobs::list_jobs))
        .route("/jobs/{id}", get(jobs::get_job))
        .route("/jobs/{id}/log", get(jobs::job_log))
        .route("/jobs/{id}/cancel", post(jobs::cancel_job))
        .route("/jobs/{id}/redeploy", post(jobs::redeploy_job))
}

/// The request's principal if it may perform `action`: 401 when nobody is signed in, 403
/// when the role does not allow it (the permission table decides).
pub fn authorize(principal: &RequestPrincipal, action: Action) -> Result<&Principal, ApiError> {
    match &principal.0 {
        None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "not signed in")),
        Some(principal) if principal.may(action) => Ok(principal),
        Some(_) => Err(ApiError::forbidden()),
    }
}
