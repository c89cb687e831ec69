//! `/api/v1/clusters/{name}/machines|dns|health`: the cluster as AWS sees it. Answers are
//! kept briefly; `?refresh=true` reads AWS again.

use app::state::AppState;
use axum::{
    extract::{Path, Query, State},
    Json,
};
use engine::model::cloud::{ClusterHealth, DnsView, MachinesView};
use serde::Deserialize;

use super::{caller::RequestCaller, error::ErrorBody, ApiError};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Refresh {
    /// Read AWS again rather than answer what was read a moment ago.
    #[serde(default)]
    refresh: bool,
}

/// The cluster's EC2 instances, and the expected machines it lacks.
#[utoipa::path(
    get,
    path = "/clusters/{name}/machines",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)"), Refresh),
    responses(
        (status = 200, description = "The cluster's instances in the runbook's order, and the machines missing", body = MachinesView),
        (status = 400, description = "The query string does not read (`refresh` is not true or false)"),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn machines(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    Query(query): Query<Refresh>,
) -> Result<Json<MachinesView>, ApiError> {
    Ok(Json(
        state.engine.machines(&caller, &name, query.refresh).await?,
    ))
}

/// The cluster's DNS records compared with what the runbook expects; off for production.
#[utoipa::path(
    get,
    path = "/clusters/{name}/dns",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)"), Refresh),
    responses(
        (status = 200, description = "Each expected name and what the zone holds (`enabled: false` for a cluster without DNS)", body = DnsView),
        (status = 400, description = "The query string does not read (`refresh` is not true or false)"),
        (status = 404, description = "No such cluster, or Route53 has no hosted zone of its `dns_zone`", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn dns(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    Query(query): Query<Refresh>,
) -> Result<Json<DnsView>, ApiError> {
    Ok(Json(state.engine.dns(&caller, &name, query.refresh).await?))
}

/// The cluster's one health, from its machines, its DNS and its last `info` job.
#[utoipa::path(
    get,
    path = "/clusters/{name}/health",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)"), Refresh),
    responses(
        (status = 200, description = "The cluster's health and why (a part AWS could not give is named among the reasons)", body = ClusterHealth),
        (status = 400, description = "The query string does not read (`refresh` is not true or false)"),
        (status = 404, description = "No such cluster", body = ErrorBody),
    ),
)]
pub async fn health(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    Query(query): Query<Refresh>,
) -> Result<Json<ClusterHealth>, ApiError> {
    Ok(Json(
        state
            .engine
            .cluster_health(&caller, &name, query.refresh)
            .await?,
    ))
}
