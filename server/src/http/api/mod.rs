//! The REST API under `/api/v1`: JSON in and out, with a session or a bearer token, under
//! the same permissions as the pages.

mod audit_events;
mod error;
mod me;

pub use error::ApiError;

use app::state::AppState;
use axum::{routing::get, Router};

/// The API's routes, nested under `/api/v1` by the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::me))
        .route("/audit", get(audit_events::list_audit_events))
        .route("/audit/export", get(audit_events::export_audit_events))
}
