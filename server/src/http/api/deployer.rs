//! `/api/v1/deployer`: what NixOps on the deployer knows, adopting one of its deployments
//! as a cluster, and the deployer deploying itself.

use app::state::AppState;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use engine::model::deployer::DeployerView;
use serde::Deserialize;

use super::{
    body::quiet_body, caller::RequestCaller, clusters::queued_job, resources::ClusterResource,
    ApiError,
};

pub async fn get_deployer(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<DeployerView>, ApiError> {
    Ok(Json(state.engine.deployer(&caller).await?))
}

/// `{"deployment": NAME}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptBody {
    deployment: Option<String>,
}

/// Adopts a deployment NixOps knows as a cluster, running nothing: 201 with the cluster.
pub async fn adopt(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    raw: String,
) -> Result<Response, ApiError> {
    let deployment = quiet_body::<AdoptBody>(&raw).map(|body| body.deployment.unwrap_or_default());
    let cluster = state.engine.adopt(&caller, deployment).await?;
    Ok((StatusCode::CREATED, Json(ClusterResource::from(cluster))).into_response())
}

/// Queues `nixops deploy -d deployer`: 202 with the job's id.
pub async fn deploy_deployer(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Response, ApiError> {
    Ok(queued_job(state.engine.deploy_deployer(&caller).await?))
}
