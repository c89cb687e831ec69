//! The REST API under `/api/v1`: JSON in and out, with a session or a bearer token. Each
//! handler is an adapter: parse, call one engine command, map its failure.

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
mod resources;
mod schedules;
mod secrets;

pub use error::ApiError;

use app::state::AppState;
use axum::{
    routing::{get, post, put},
    Router,
};

/// The API's routes, nested under `/api/v1` by the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::me))
        .route("/me/slack-link", post(me::create_slack_link))
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
        .route(
            "/clusters/{name}/schedule",
            get(schedules::get_schedule).put(schedules::put_schedule),
        )
        .route("/clusters/{name}/machines", get(cluster_cloud::machines))
        .route("/clusters/{name}/dns", get(cluster_cloud::dns))
        .route("/clusters/{name}/health", get(cluster_cloud::health))
        .route("/secrets", get(secrets::list_secrets))
        .route(
            "/secrets/{env}/{kind}",
            get(secrets::get_secret).patch(secrets::edit_secret),
        )
        .route("/secrets/{env}/{kind}/reveal", post(secrets::reveal_secret))
        .route(
            "/secrets/{env}/{kind}/generate",
            post(secrets::generate_secret),
        )
        .route(
            "/secrets/{env}/{kind}/rollback",
            post(secrets::roll_back_secret),
        )
        .route("/builder", get(builder::get_builder))
        .route("/builder/probe", post(builder::probe_builder))
        .route("/builder/jobs", post(builder::start_builder_job))
        .route("/deployer", get(deployer::get_deployer))
        .route("/deployer/adopt", post(deployer::adopt))
        .route("/deployer/deploys", post(deployer::deploy_deployer))
        .route(
            "/notifications/channels",
            get(notifications::list_channels).post(notifications::create_channel),
        )
        .route(
            "/notifications/channels/{id}",
            get(notifications::get_channel)
                .patch(notifications::update_channel)
                .delete(notifications::delete_channel),
        )
        .route(
            "/notifications/channels/{id}/deliveries",
            get(notifications::list_deliveries),
        )
        .route(
            "/notifications/channels/{id}/test",
            post(notifications::test_channel),
        )
        .route("/jobs", get(jobs::list_jobs))
        .route("/jobs/{id}", get(jobs::get_job))
        .route("/jobs/{id}/log", get(jobs::job_log))
        .route("/jobs/{id}/cancel", post(jobs::cancel_job))
        .route("/jobs/{id}/redeploy", post(jobs::redeploy_job))
        .route("/jobs/{id}/approve", post(jobs::approve_job))
        .route("/jobs/{id}/reject", post(jobs::reject_job))
}
