//! `/api/v1/clusters/{name}/machines|dns|health`: the cluster as AWS sees it. Answers are
//! kept briefly; `?refresh=true` reads AWS again.

use app::state::AppState;
use axum::{
    extract::{Path, Query, State},
    Json,
};
use engine::model::cloud::{ClusterHealth, DnsView, MachinesView};
use serde::Deserialize;

use super::{caller::RequestCaller, ApiError};

#[derive(Debug, Default, Deserialize)]
pub struct Refresh {
    #[serde(default)]
    refresh: bool,
}

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

pub async fn dns(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    Query(query): Query<Refresh>,
) -> Result<Json<DnsView>, ApiError> {
    Ok(Json(state.engine.dns(&caller, &name, query.refresh).await?))
}

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
