//! Clusters: created, edited and given new dependency versions by people, every change
//! checked against `model::cluster` and audited in the same transaction. Deploying and
//! destroying are jobs (`crate::jobs`).

use std::collections::BTreeMap;

use serde_json::json;

use crate::{
    audit::{self, NewAuditEvent},
    model::{
        access::Environment,
        cluster::{ClusterArgs, ClusterDns, ClusterInput, ClusterState, ClusterView, FieldError},
        dependencies::pin_dependencies,
    },
    store::{
        clusters::{self, ClusterRow},
        jobs, now_millis, Store, StoreError, Tx,
    },
};

/// Why a cluster change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// A value broke a rule (HTTP 422).
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// The name or index is taken (HTTP 409).
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("there is no cluster named {0:?}")]
    NotFound(String),
    /// The change must wait for the cluster's running job (HTTP 409).
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who changes something, and from where, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub login: String,
    pub source_addr: Option<String>,
}

/// Creates a cluster in nixdeck (its first deploy creates the NixOps deployment).
pub async fn create(
    store: &Store,
    actor: &Actor,
    input: &ClusterInput,
    version_overrides: &[(String, String)],
) -> Result<ClusterView, ClusterError> {
    let args = input.validate().map_err(ClusterError::Invalid)?;
    let versions = pin(version_overrides)?;
    let now = now_millis();
    let row = row_of(&args, &versions, ClusterState::New, &actor.login, now, now)?;
    let mut tx = store.begin().await?;
    let taken = clusters::find_in(&mut tx, &args.name).await?.is_some();
    if taken {
        return Err(ClusterError::Conflict {
            field: "name".to_owned(),
            message: format!("a cluster named {:?} exists already", args.name),
        });
    }
    clusters::insert(&mut tx, &row)
        .await
        .map_err(index_conflict)?;
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.login.clone(),
            action: "cluster.created".to_owned(),
            target: format!("cluster:{}", args.name),
            details: json!({ "args": &args, "versions": &versions }),
            source_addr: actor.source_addr.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    view_of(row)
}

/// Changes a cluster's arguments (not its name).
pub async fn update(
    store: &Store,
    actor: &Actor,
    name: &str,
    input: &ClusterInput,
) -> Result<ClusterView, ClusterError> {
    let mut input = input.clone();
    input.name = name.to_owned();
    let args = input.validate().map_err(ClusterError::Invalid)?;
    let mut tx = store.begin().await?;
    let (current, before) = current(&mut tx, name).await?;
    let row = row_of(
        &args,
        &before.versions,
        before.state,
        &current.created_by,
        current.created_at,
        now_millis(),
    )?;
    clusters::update(&mut tx, &row)
        .await
        .map_err(index_conflict)?;
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.login.clone(),
            action: "cluster.updated".to_owned(),
            target: format!("cluster:{name}"),
            details: json!({ "from": &before.args, "to": &args }),
            source_addr: actor.source_addr.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    view_of(row)
}

/// Pins the cluster's dependencies: the refs given replace those named, the rest stay.
pub async fn set_versions(
    store: &Store,
    actor: &Actor,
    name: &str,
    changes: &[(String, String)],
) -> Result<ClusterView, ClusterError> {
    let mut tx = store.begin().await?;
    let (current, before) = current(&mut tx, name).await?;
    let mut overrides: Vec<(String, String)> = before.versions.clone().into_iter().collect();
    overrides.extend(changes.iter().cloned());
    let versions = pin(&overrides)?;
    let row = row_of(
        &before.args,
        &versions,
        before.state,
        &current.created_by,
        current.created_at,
        now_millis(),
    )?;
    clusters::update(&mut tx, &row).await?;
    let changed: BTreeMap<&String, String> = versions
        .iter()
        .filter(|(dep, git_ref)| before.versions.get(*dep) != Some(git_ref))
        .map(|(dep, git_ref)| {
            let old = before.versions.get(dep).cloned().unwrap_or_default();
            (dep, format!("{old} → {git_ref}"))
        })
        .collect();
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.login.clone(),
            action: "cluster.versions_changed".to_owned(),
            target: format!("cluster:{name}"),
            details: json!({ "changed": changed }),
            source_addr: actor.source_addr.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    view_of(row)
}

/// Removes a cluster that was never deployed (there is nothing on the deployer to
/// destroy). Refused while a job of it is queued or running.
pub async fn forget(store: &Store, actor: &Actor, name: &str) -> Result<(), ClusterError> {
    let mut tx = store.begin().await?;
    let current = clusters::find_in(&mut tx, name)
        .await?
        .ok_or_else(|| ClusterError::NotFound(name.to_owned()))?;
    if current.state != ClusterState::New.as_str() {
        return Err(ClusterError::Busy(format!(
            "cluster {name:?} has been deployed: destroy it instead"
        )));
    }
    if jobs::has_open_job(&mut tx, name).await? {
        return Err(ClusterError::Busy(format!(
            "cluster {name:?} has a job queued or running; cancel it first"
        )));
    }
    clusters::delete(&mut tx, name).await?;
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.login.clone(),
            action: "cluster.removed".to_owned(),
            target: format!("cluster:{name}"),
            details: json!({ "state": current.state }),
            source_addr: actor.source_addr.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The cluster as stored and as shown, read inside the transaction that changes it.
async fn current(tx: &mut Tx, name: &str) -> Result<(ClusterRow, ClusterView), ClusterError> {
    let row = clusters::find_in(tx, name)
        .await?
        .ok_or_else(|| ClusterError::NotFound(name.to_owned()))?;
    let view = view_of(row.clone())?;
    Ok((row, view))
}

pub async fn find(store: &Store, name: &str) -> Result<ClusterView, ClusterError> {
    let row = clusters::find(store, name)
        .await?
        .ok_or_else(|| ClusterError::NotFound(name.to_owned()))?;
    view_of(row)
}

pub async fn list(store: &Store) -> Result<Vec<ClusterView>, ClusterError> {
    clusters::list(store)
        .await?
        .into_iter()
        .map(view_of)
        .collect()
}

fn pin(overrides: &[(String, String)]) -> Result<BTreeMap<String, String>, ClusterError> {
    Ok(pin_dependencies(overrides)
        .map_err(ClusterError::Invalid)?
        .into_iter()
        .map(|dep| (dep.name, dep.git_ref))
        .collect())
}

fn index_conflict(error: StoreError) -> ClusterError {
    match error {
        StoreError::Conflict(_) => ClusterError::Conflict {
            field: "cluster_index".to_owned(),
            message: "another cluster on this deployer has this index".to_owned(),
        },
        other => ClusterError::Store(other),
    }
}

pub(crate) fn row_of(
    args: &ClusterArgs,
    versions: &BTreeMap<String, String>,
    state: ClusterState,
    created_by: &str,
    created_at: i64,
    updated_at: i64,
) -> Result<ClusterRow, ClusterError> {
    Ok(ClusterRow {
        name: args.name.clone(),
        region: args.region.clone(),
        cluster_index: i64::from(args.cluster_index),
        env: args.env.as_str().to_owned(),
        domain: args.dns.as_ref().map(|dns| dns.domain.clone()),
        dns_zone: args.dns.as_ref().map(|dns| dns.zone.clone()),
        versions: serde_json::to_string(versions).map_err(|e| corrupt(&args.name, &e))?,
        state: state.as_str().to_owned(),
        created_by: created_by.to_owned(),
        created_at,
        updated_at,
    })
}

pub(crate) fn view_of(row: ClusterRow) -> Result<ClusterView, ClusterError> {
    let env = match row.env.as_str() {
        "production" => Environment::Production,
        _ => Environment::Staging,
    };
    let dns = match (env, row.domain, row.dns_zone) {
        (Environment::Staging, Some(domain), Some(zone)) => Some(ClusterDns { domain, zone }),
        _ => None,
    };
    let versions = serde_json::from_str(&row.versions).map_err(|e| corrupt(&row.name, &e))?;
    Ok(ClusterView {
        args: ClusterArgs {
            name: row.name.clone(),
            region: row.region,
            cluster_index: u8::try_from(row.cluster_index).unwrap_or(0),
            env,
            dns,
        },
        versions,
        state: ClusterState::parse(&row.state).unwrap_or(ClusterState::New),
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn corrupt(name: &str, error: &serde_json::Error) -> ClusterError {
    ClusterError::Store(StoreError::Database(sqlx::Error::Protocol(format!(
        "cluster {name}: stored versions unreadable: {error}"
    ))))
}
