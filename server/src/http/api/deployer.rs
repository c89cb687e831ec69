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
    body::quiet_body,
    caller::RequestCaller,
    clusters::queued_job,
    error::ErrorBody,
    resources::{ClusterResource, QueuedJob},
    ApiError,
};

/// What NixOps on the deployer knows now, read live (changing nothing).
#[utoipa::path(
    get,
    path = "/deployer",
    tag = "hosts",
    responses(
        (status = 200, description = "The deployer; one that cannot be read answers why in `error`, the rest unknown", body = DeployerView),
        (status = 503, description = "No deployer is configured", body = ErrorBody),
    ),
)]
pub async fn get_deployer(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<DeployerView>, ApiError> {
    Ok(Json(state.engine.deployer(&caller).await?))
}

/// `{"deployment": NAME}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptBody {
    /// The NixOps deployment to adopt, as `nixops list` names it.
    deployment: Option<String>,
}

/// Adopts a deployment NixOps knows as a cluster, running nothing: 201 with the cluster.
#[utoipa::path(
    post,
    path = "/deployer/adopt",
    tag = "hosts",
    request_body = AdoptBody,
    responses(
        (status = 201, description = "The cluster, recorded as deployed, its arguments and versions read from `nixops export`", body = ClusterResource),
        (status = 403, description = "Only admins manage clusters", body = ErrorBody),
        (status = 409, description = "nixdeck manages it already, its disciplina-nixops clone is missing on the deployer, or its name or cluster index is taken", body = ErrorBody),
        (status = 422, description = "The body does not read, the name is not a cluster name, NixOps knows no such deployment, or its export breaks a cluster's rules; `field` names what", body = ErrorBody),
        (status = 502, description = "The deployer could not be reached, or `nixops export` failed there", body = ErrorBody),
        (status = 503, description = "No deployer is configured", body = ErrorBody),
        (status = 504, description = "The deployer did not answer in time", body = ErrorBody),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/deployer/deploys",
    tag = "hosts",
    responses(
        (status = 202, description = "The job, queued (it waits for the cluster jobs running on the deployer)", body = QueuedJob),
        (status = 403, description = "Only admins maintain the hosts", body = ErrorBody),
    ),
)]
pub async fn deploy_deployer(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Response, ApiError> {
    Ok(queued_job(state.engine.deploy_deployer(&caller).await?))
}
