//! `/api/v1/clusters`: list, create, read, change and destroy clusters, pin their
//! dependency versions, and start deploys.

use std::collections::BTreeMap;

use app::state::{AppState, RequestPrincipal, SourceAddr};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Extension, Json,
};
use engine::{
    clusters::{self, Actor, ClusterError},
    jobs::{self, JobError},
    model::{
        access::Action,
        cluster::{ClusterInput, ClusterState, ClusterView},
        job::JobKind,
    },
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{authorize, ApiError};

/// A cluster as the API shows it: its arguments flat, plus versions, subnets and state.
pub fn cluster_json(view: &ClusterView) -> Value {
    let dns = view.args.dns.as_ref();
    json!({
        "name": view.args.name,
        "region": view.args.region,
        "cluster_index": view.args.cluster_index,
        "env": view.args.env,
        "domain": dns.map(|d| d.domain.clone()),
        "dns_zone": dns.map(|d| d.zone.clone()),
        "subnets": view.subnets(),
        "versions": view.versions,
        "state": view.state.as_str(),
        "created_by": view.created_by,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
    })
}

/// What `POST` and `PATCH` accept. Every field is optional here so that a missing one is
/// reported by the model's rules, naming it, rather than as an unreadable body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterBody {
    name: Option<String>,
    region: Option<String>,
    cluster_index: Option<i64>,
    env: Option<String>,
    domain: Option<String>,
    dns_zone: Option<String>,
    versions: Option<BTreeMap<String, String>>,
}

pub(super) fn actor(principal: &engine::model::access::Principal, source: &SourceAddr) -> Actor {
    Actor {
        login: principal.login.clone(),
        source_addr: source.0.clone(),
    }
}

pub(super) fn cluster_error(error: ClusterError) -> ApiError {
    match error {
        ClusterError::Invalid(field) => ApiError::invalid(field.field, field.message),
        ClusterError::Conflict { field, message } => ApiError::conflict(Some(field), message),
        ClusterError::NotFound(name) => {
            ApiError::not_found(format!("there is no cluster named {name:?}"))
        }
        ClusterError::Busy(message) => ApiError::conflict(None, message),
        ClusterError::Store(error) => ApiError::internal(&error),
    }
}

pub(super) fn job_error(error: JobError) -> ApiError {
    match error {
        JobError::Cluster(error) => cluster_error(error),
        JobError::NotFound(id) => ApiError::not_found(format!("there is no job {id:?}")),
        JobError::Conflict(message) => ApiError::conflict(None, message),
        JobError::Store(error) => ApiError::internal(&error),
    }
}

/// The JSON body, or a 422 that says what is wrong with it.
pub(super) fn body<T: for<'de> Deserialize<'de> + Default>(raw: &str) -> Result<T, ApiError> {
    if raw.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(raw).map_err(|e| {
        ApiError::invalid(
            "body",
            format!("the body is not valid JSON for this request: {e}"),
        )
    })
}

pub async fn list_clusters(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
) -> Result<Json<Value>, ApiError> {
    authorize(&principal, Action::Read)?;
    let clusters = clusters::list(&state.store).await.map_err(cluster_error)?;
    Ok(Json(Value::Array(
        clusters.iter().map(cluster_json).collect(),
    )))
}

pub async fn create_cluster(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    raw: String,
) -> Result<Response, ApiError> {
    let principal = authorize(&principal, Action::ManageClusters)?;
    let body: ClusterBody = body(&raw)?;
    let input = ClusterInput {
        name: body.name.unwrap_or_default(),
        region: body.region.unwrap_or_default(),
        cluster_index: body.cluster_index.unwrap_or(0),
        env: body.env.unwrap_or_default(),
        domain: body.domain.unwrap_or_default(),
        dns_zone: body.dns_zone.unwrap_or_default(),
    };
    let versions: Vec<(String, String)> = body.versions.unwrap_or_default().into_iter().collect();
    let view = clusters::create(&state.store, &actor(principal, &source), &input, &versions)
        .await
        .map_err(cluster_error)?;
    Ok((StatusCode::CREATED, Json(cluster_json(&view))).into_response())
}

pub async fn get_cluster(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authorize(&principal, Action::Read)?;
    let view = clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    Ok(Json(cluster_json(&view)))
}

/// Changes some arguments; the others keep their values. The name cannot change.
pub async fn update_cluster(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(name): Path<String>,
    raw: String,
) -> Result<Json<Value>, ApiError> {
    let principal = authorize(&principal, Action::ManageClusters)?;
    let body: ClusterBody = body(&raw)?;
    if body.name.as_ref().is_some_and(|new| *new != name) {
        return Err(ApiError::invalid(
            "name",
            "a cluster's name cannot change (it names its NixOps deployment)",
        ));
    }
    if body.versions.is_some() {
        return Err(ApiError::invalid(
            "versions",
            "set versions with PUT /api/v1/clusters/{name}/versions",
        ));
    }
    let current = clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    let current = current.args.to_input();
    let input = ClusterInput {
        name: name.clone(),
        region: body.region.unwrap_or(current.region),
        cluster_index: body.cluster_index.unwrap_or(current.cluster_index),
        env: body.env.unwrap_or(current.env),
        domain: body.domain.unwrap_or(current.domain),
        dns_zone: body.dns_zone.unwrap_or(current.dns_zone),
    };
    let view = clusters::update(&state.store, &actor(principal, &source), &name, &input)
        .await
        .map_err(cluster_error)?;
    Ok(Json(cluster_json(&view)))
}

/// `PUT .../versions` with `{"disciplina": "v1.2", ...}`: the named dependencies get the
/// refs, the others keep theirs.
pub async fn set_versions(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(name): Path<String>,
    raw: String,
) -> Result<Json<Value>, ApiError> {
    let principal = authorize(&principal, Action::ManageClusters)?;
    let changes: BTreeMap<String, String> = body(&raw)?;
    let changes: Vec<(String, String)> = changes.into_iter().collect();
    let view = clusters::set_versions(&state.store, &actor(principal, &source), &name, &changes)
        .await
        .map_err(cluster_error)?;
    Ok(Json(cluster_json(&view)))
}

/// Starts a destroy job (202 with it); a cluster never deployed has nothing to destroy and
/// is forgotten at once (204).
pub async fn delete_cluster(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let principal = authorize(&principal, Action::ManageClusters)?;
    let actor = actor(principal, &source);
    let view = clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    if view.state == ClusterState::New {
        clusters::forget(&state.store, &actor, &name)
            .await
            .map_err(cluster_error)?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let job = jobs::request(&state.store, &actor, &name, JobKind::Destroy)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok((StatusCode::ACCEPTED, Json(json!({ "job_id": job.id }))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationBody {
    kind: Option<String>,
}

/// `POST .../jobs` with `{"kind": "info" | "stop" | "start"}`: 202 with the job.
pub async fn start_operation(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(name): Path<String>,
    raw: String,
) -> Result<Response, ApiError> {
    let body: OperationBody = body(&raw)?;
    let kind = body
        .kind
        .as_deref()
        .and_then(JobKind::parse)
        .filter(|kind| matches!(kind, JobKind::Info | JobKind::Stop | JobKind::Start))
        .ok_or_else(|| {
            ApiError::invalid(
                "kind",
                "use info, stop or start (deploys and previews: POST .../deploys; destroy: DELETE the cluster)",
            )
        })?;
    authorize(&principal, Action::Read)?;
    let view = clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    let principal = authorize(&principal, kind.action(view.args.env))?;
    let job = jobs::request(&state.store, &actor(principal, &source), &name, kind)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "job_id": job.id, "kind": job.kind })),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployBody {
    #[serde(default)]
    preview: bool,
}

/// `POST .../deploys`: 202 with the job (a create for a cluster never deployed).
pub async fn start_deploy(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Extension(source): Extension<SourceAddr>,
    Path(name): Path<String>,
    raw: String,
) -> Result<Response, ApiError> {
    let body: DeployBody = body(&raw)?;
    // The environment decides who may deploy, so the cluster is read first (a viewer gets
    // 403 either way; a missing cluster is 404 only for those who may read).
    authorize(&principal, Action::Read)?;
    let view = clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    let action = if body.preview {
        Action::Preview(view.args.env)
    } else {
        Action::Deploy(view.args.env)
    };
    let principal = authorize(&principal, action)?;
    let job = jobs::request_deploy(
        &state.store,
        &actor(principal, &source),
        &name,
        body.preview,
    )
    .await
    .map_err(job_error)?;
    state.jobs.wake();
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "job_id": job.id, "kind": job.kind })),
    )
        .into_response())
}
