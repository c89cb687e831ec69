//! `/api/v1/clusters`: list, create, read, change and remove clusters, pin their
//! dependency versions, and start deploys and operations.

use std::collections::BTreeMap;

use app::state::AppState;
use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use engine::{
    commands::{ClusterRemoval, ClusterUpdate, Requested},
    model::{
        cluster::{ClusterCursor, ClusterInput},
        failure::Failure,
        job::{JobKind, JobView},
    },
};
use serde::Deserialize;

use super::{
    body::body,
    caller::RequestCaller,
    error::ErrorBody,
    resources::{ClusterResource, QueuedJob},
    ApiError,
};

/// What `POST` and `PATCH` accept. Every field is optional here so that a missing one is
/// reported by the model's rules, naming it, rather than as an unreadable body.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterBody {
    /// Its NixOps deployment's name (lowercase letters, digits, dashes).
    name: Option<String>,
    /// The AWS region (eu-central-1 by default).
    region: Option<String>,
    /// 1 to 25, unique per deployer: picks the cluster's subnets.
    cluster_index: Option<i64>,
    /// `staging` or `production`.
    env: Option<String>,
    /// Staging only: the domain its names are made under.
    domain: Option<String>,
    /// Staging only: the Route53 zone holding them.
    dns_zone: Option<String>,
    /// On create only: dependency name to git ref, overriding the pinned defaults.
    versions: Option<BTreeMap<String, String>>,
    /// On update only: whether GitHub deployment events may deploy it.
    github_deployments: Option<bool>,
}

/// Where a page of clusters starts: keyset paging on the name, as the dashboard's list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClustersQuery {
    /// The clusters named after this one: the next page (its `Link` header's `rel="next"`).
    after: Option<String>,
    /// The clusters named before this one: the previous page (`rel="prev"`).
    before: Option<String>,
}

#[utoipa::path(
    get,
    path = "/clusters",
    tag = "clusters",
    params(ClustersQuery),
    responses(
        (status = 200, description = "A page of clusters by name: every cluster a deployer can hold (one per cluster index, 25), so more than one page only for a larger restored set; the pages beside it in a `Link` header (`rel=\"next\"`, `rel=\"prev\"`)", body = Vec<ClusterResource>,
            headers(("Link" = String, description = "The next and previous pages' addresses, when there are any"))),
        (status = 422, description = "`after` or `before` is not a cluster name, or both are given", body = ErrorBody),
    ),
)]
pub async fn list_clusters(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Query(query): Query<ClustersQuery>,
) -> Result<Response, ApiError> {
    let cursor = ClusterCursor::parse(query.after.as_deref(), query.before.as_deref())
        .map_err(|error| ApiError(Failure::from(error)))?;
    let page = state.engine.clusters(&caller, &cursor).await?;
    let links: Vec<String> = [
        page.next_after
            .map(|name| format!("</api/v1/clusters?after={name}>; rel=\"next\"")),
        page.previous_before
            .map(|name| format!("</api/v1/clusters?before={name}>; rel=\"prev\"")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let body = Json(
        page.clusters
            .into_iter()
            .map(ClusterResource::from)
            .collect::<Vec<_>>(),
    );
    // Cluster names are lowercase letters, digits and dashes: safe in a URL and a header.
    let link = (!links.is_empty()).then(|| [(header::LINK, links.join(", "))]);
    Ok((link, body).into_response())
}

#[utoipa::path(
    post,
    path = "/clusters",
    tag = "clusters",
    request_body = ClusterBody,
    responses(
        (status = 201, description = "The cluster, recorded (its first deploy creates the NixOps deployment)", body = ClusterResource),
        (status = 403, description = "Only admins manage clusters", body = ErrorBody),
        (status = 409, description = "The name or the cluster index is taken", body = ErrorBody),
        (status = 422, description = "An argument breaks a rule; `field` names it", body = ErrorBody),
    ),
)]
pub async fn create_cluster(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    raw: String,
) -> Result<Response, ApiError> {
    let body: ClusterBody = body(&raw)?;
    if body.github_deployments.is_some() {
        return Err(ApiError(Failure::invalid(
            "github_deployments",
            "a new cluster never takes GitHub deployments: turn them on with PATCH once it exists",
        )));
    }
    let input = ClusterInput {
        name: body.name.unwrap_or_default(),
        region: body.region.unwrap_or_default(),
        cluster_index: body.cluster_index.unwrap_or(0),
        env: body.env.unwrap_or_default(),
        domain: body.domain.unwrap_or_default(),
        dns_zone: body.dns_zone.unwrap_or_default(),
    };
    let versions: Vec<(String, String)> = body.versions.unwrap_or_default().into_iter().collect();
    let view = state
        .engine
        .create_cluster(&caller, &input, &versions)
        .await?;
    Ok((StatusCode::CREATED, Json(ClusterResource::from(view))).into_response())
}

#[utoipa::path(
    get,
    path = "/clusters/{name}",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    responses(
        (status = 200, description = "The cluster", body = ClusterResource),
        (status = 404, description = "No such cluster", body = ErrorBody),
    ),
)]
pub async fn get_cluster(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
) -> Result<Json<ClusterResource>, ApiError> {
    Ok(Json(state.engine.cluster(&caller, &name).await?.into()))
}

/// Changes some arguments; the others keep their values. The name cannot change.
#[utoipa::path(
    patch,
    path = "/clusters/{name}",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    request_body(content = ClusterBody, description = "The arguments to change (not `name`, not `versions`)"),
    responses(
        (status = 200, description = "The cluster as it is now", body = ClusterResource),
        (status = 403, description = "Only admins manage clusters", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster has a job open, or the index is taken", body = ErrorBody),
        (status = 422, description = "An argument breaks a rule; `field` names it", body = ErrorBody),
    ),
)]
pub async fn update_cluster(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    raw: String,
) -> Result<Json<ClusterResource>, ApiError> {
    let body: ClusterBody = body(&raw)?;
    if body.name.as_ref().is_some_and(|new| *new != name) {
        return Err(ApiError(Failure::invalid(
            "name",
            "a cluster's name cannot change (it names its NixOps deployment)",
        )));
    }
    if body.versions.is_some() {
        return Err(ApiError(Failure::invalid(
            "versions",
            "set versions with PUT /api/v1/clusters/{name}/versions",
        )));
    }
    let update = ClusterUpdate {
        region: body.region,
        cluster_index: body.cluster_index,
        env: body.env,
        domain: body.domain,
        dns_zone: body.dns_zone,
        github_deployments: body.github_deployments,
    };
    Ok(Json(
        state
            .engine
            .update_cluster(&caller, &name, update)
            .await?
            .into(),
    ))
}

/// `PUT .../versions` with `{"disciplina": "v1.2", ...}`: the named dependencies get the
/// refs, the others keep theirs.
#[utoipa::path(
    put,
    path = "/clusters/{name}/versions",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    request_body(content = BTreeMap<String, String>, description = "Dependency name to git ref; the others keep theirs"),
    responses(
        (status = 200, description = "The cluster as it is now", body = ClusterResource),
        (status = 403, description = "Only admins manage clusters", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster has a job open", body = ErrorBody),
        (status = 422, description = "An unknown dependency or a malformed ref", body = ErrorBody),
    ),
)]
pub async fn set_versions(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    raw: String,
) -> Result<Json<ClusterResource>, ApiError> {
    let changes: BTreeMap<String, String> = body(&raw)?;
    let changes: Vec<(String, String)> = changes.into_iter().collect();
    Ok(Json(
        state
            .engine
            .set_versions(&caller, &name, &changes)
            .await?
            .into(),
    ))
}

/// Starts a destroy job (202 with it) for a cluster whose deployment exists on the
/// deployer; one that never got that far is forgotten at once (204).
#[utoipa::path(
    delete,
    path = "/clusters/{name}",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    responses(
        (status = 202, description = "Its deployment exists: the destroy job, queued", body = QueuedJob),
        (status = 204, description = "It never reached the deployer: forgotten at once"),
        (status = 403, description = "Only admins manage clusters (production destroys wait for a second admin)", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster has a job open", body = ErrorBody),
    ),
)]
pub async fn delete_cluster(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    Ok(match state.engine.remove_cluster(&caller, &name).await? {
        ClusterRemoval::Forgotten => StatusCode::NO_CONTENT.into_response(),
        ClusterRemoval::Destroying(job) => queued(Requested {
            job: *job,
            changes: Vec::new(),
        }),
    })
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationBody {
    /// `info`, `stop` or `start`.
    kind: Option<String>,
}

/// `POST .../jobs` with `{"kind": "info" | "stop" | "start"}`: 202 with the job.
#[utoipa::path(
    post,
    path = "/clusters/{name}/jobs",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    request_body = OperationBody,
    responses(
        (status = 202, description = "The job, queued", body = QueuedJob),
        (status = 403, description = "The caller's role may not run this operation in this environment", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster has a job open, or its deployment does not exist yet", body = ErrorBody),
        (status = 422, description = "`kind` is not info, stop or start", body = ErrorBody),
    ),
)]
pub async fn start_operation(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    raw: String,
) -> Result<Response, ApiError> {
    let body: OperationBody = body(&raw)?;
    let kind = JobKind::parse(body.kind.as_deref().unwrap_or_default()).map_err(|_| {
        ApiError(Failure::invalid(
            "kind",
            "use info, stop or start (deploys and previews: POST .../deploys; destroy: DELETE the cluster)",
        ))
    })?;
    Ok(queued(state.engine.operate(&caller, &name, kind).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployBody {
    /// A dry run of the last pass (`nixops deploy --dry-activate`) instead of a deploy.
    #[serde(default)]
    preview: bool,
}

/// `POST .../deploys`: 202 with the job (a create while the deployment does not exist).
#[utoipa::path(
    post,
    path = "/clusters/{name}/deploys",
    tag = "clusters",
    params(("name" = String, Path, description = "The cluster's name (its NixOps deployment)")),
    request_body(content = Option<DeployBody>, description = "Optional"),
    responses(
        (status = 202, description = "The job, queued (a create while the deployment does not exist; production waits for a second admin)", body = QueuedJob),
        (status = 403, description = "The caller's role may not deploy this environment", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster has a job open", body = ErrorBody),
    ),
)]
pub async fn start_deploy(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(name): Path<String>,
    raw: String,
) -> Result<Response, ApiError> {
    let body: DeployBody = body(&raw)?;
    Ok(queued(
        state.engine.deploy(&caller, &name, body.preview).await?,
    ))
}

/// 202 with the job just queued.
pub fn queued(requested: Requested) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(QueuedJob {
            job_id: requested.job.id,
            kind: requested.job.kind,
            changes: requested.changes,
        }),
    )
        .into_response()
}

/// 202 with a queued job that changes no cluster's arguments (maintenance).
pub fn queued_job(job: JobView) -> Response {
    queued(Requested {
        job,
        changes: Vec::new(),
    })
}
