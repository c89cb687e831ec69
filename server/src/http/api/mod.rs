//! The REST API under `/api/v1`: JSON in and out, with a session or a bearer token. Each
//! handler is an adapter: parse, call one engine command, map its failure; each is
//! documented by its `#[utoipa::path]`, from which its route is registered too.

mod audit_events;
mod body;
mod builder;
mod caller;
mod cluster_cloud;
mod clusters;
mod deployer;
mod error;
mod event_stream;
mod jobs;
mod me;
mod notifications;
mod openapi;
mod resources;
mod schedules;
mod secrets;

pub use error::ApiError;

use std::sync::Arc;

use app::state::AppState;
use axum::{Extension, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The API's routes, nested under `/api/v1` by the main router, each registered from its
/// documented operation, and its OpenAPI document (served at `/openapi.json`).
pub fn routes() -> Router<AppState> {
    let (router, document) = documented().split_for_parts();
    router.layer(Extension(Arc::new(document)))
}

/// The API's OpenAPI document (what `/api/v1/openapi.json` answers).
pub fn document() -> utoipa::openapi::OpenApi {
    documented().into_openapi()
}

/// Every operation, grouped by path (one `routes!` per path).
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(openapi::document))
        .routes(routes!(me::me))
        .routes(routes!(me::create_slack_link))
        .routes(routes!(audit_events::list_audit_events))
        .routes(routes!(audit_events::export_audit_events))
        .routes(routes!(clusters::list_clusters, clusters::create_cluster))
        .routes(routes!(
            clusters::get_cluster,
            clusters::update_cluster,
            clusters::delete_cluster
        ))
        .routes(routes!(clusters::set_versions))
        .routes(routes!(clusters::start_deploy))
        .routes(routes!(clusters::start_operation))
        .routes(routes!(schedules::get_schedule, schedules::put_schedule))
        .routes(routes!(cluster_cloud::machines))
        .routes(routes!(cluster_cloud::dns))
        .routes(routes!(cluster_cloud::health))
        .routes(routes!(secrets::list_secrets))
        .routes(routes!(secrets::get_secret, secrets::edit_secret))
        .routes(routes!(secrets::reveal_secret))
        .routes(routes!(secrets::generate_secret))
        .routes(routes!(secrets::roll_back_secret))
        .routes(routes!(builder::get_builder))
        .routes(routes!(builder::probe_builder))
        .routes(routes!(builder::start_builder_job))
        .routes(routes!(deployer::get_deployer))
        .routes(routes!(deployer::adopt))
        .routes(routes!(deployer::deploy_deployer))
        .routes(routes!(
            notifications::list_channels,
            notifications::create_channel
        ))
        .routes(routes!(
            notifications::get_channel,
            notifications::update_channel,
            notifications::delete_channel
        ))
        .routes(routes!(notifications::list_deliveries))
        .routes(routes!(notifications::test_channel))
        .routes(routes!(jobs::list_jobs))
        .routes(routes!(jobs::get_job))
        .routes(routes!(jobs::job_log))
        .routes(routes!(jobs::cancel_job))
        .routes(routes!(jobs::redeploy_job))
        .routes(routes!(jobs::approve_job))
        .routes(routes!(jobs::reject_job))
}
