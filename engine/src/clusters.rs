//! Clusters as the engine reads and writes them: turning rows into views and back. What
//! may be done to a cluster, and how, is decided by the commands (`crate::commands`).

use std::collections::BTreeMap;

use crate::{
    model::{
        access::Environment,
        cluster::{ClusterArgs, ClusterDns, ClusterState, ClusterView},
        dependencies::pin_dependencies,
        failure::Failure,
    },
    store::{clusters::ClusterRow, Store, Tx},
};

/// A cluster's row from its arguments and versions.
pub(crate) fn row_of(
    id: &str,
    args: &ClusterArgs,
    versions: &BTreeMap<String, String>,
    state: ClusterState,
    created_by: &str,
    created_at: i64,
    updated_at: i64,
) -> Result<ClusterRow, Failure> {
    Ok(ClusterRow {
        id: id.to_owned(),
        name: args.name.clone(),
        region: args.region.clone(),
        cluster_index: i64::from(args.cluster_index),
        env: args.env,
        domain: args.dns.as_ref().map(|dns| dns.domain.clone()),
        dns_zone: args.dns.as_ref().map(|dns| dns.zone.clone()),
        versions: serde_json::to_string(versions)
            .map_err(|e| crate::commands::unreadable("cluster versions", &e))?,
        state,
        on_deployer: false,
        last_error: None,
        created_by: created_by.to_owned(),
        created_at,
        updated_at,
    })
}

/// The cluster as shown; a row that does not read back is an internal failure naming it.
pub(crate) fn view_of(row: ClusterRow) -> Result<ClusterView, Failure> {
    let dns = match (row.env, row.domain, row.dns_zone) {
        (Environment::Staging, Some(domain), Some(zone)) => Some(ClusterDns { domain, zone }),
        _ => None,
    };
    let versions = serde_json::from_str(&row.versions).map_err(|e| {
        crate::commands::unreadable(&format!("versions of cluster {}", row.name), &e)
    })?;
    let cluster_index = u8::try_from(row.cluster_index).map_err(|_| {
        tracing::error!(cluster = %row.name, index = row.cluster_index, "stored cluster index out of range");
        Failure::internal()
    })?;
    Ok(ClusterView {
        id: row.id,
        args: ClusterArgs {
            name: row.name,
            region: row.region,
            cluster_index,
            env: row.env,
            dns,
        },
        versions,
        state: row.state,
        on_deployer: row.on_deployer,
        last_error: row.last_error,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// All six dependencies with `overrides` applied over the defaults.
pub(crate) fn pinned(overrides: &[(String, String)]) -> Result<BTreeMap<String, String>, Failure> {
    Ok(pin_dependencies(overrides)?
        .into_iter()
        .map(|dep| (dep.name, dep.git_ref))
        .collect())
}

/// The cluster named `name`, read inside `tx` (locked on PostgreSQL until it ends).
pub(crate) async fn current(tx: &mut Tx, name: &str) -> Result<(ClusterRow, ClusterView), Failure> {
    let row = crate::store::clusters::find_in(tx, name)
        .await?
        .ok_or_else(|| no_cluster(name))?;
    let view = view_of(row.clone())?;
    Ok((row, view))
}

pub(crate) async fn find(store: &Store, name: &str) -> Result<ClusterView, Failure> {
    let row = crate::store::clusters::find(store, name)
        .await?
        .ok_or_else(|| no_cluster(name))?;
    view_of(row)
}

pub(crate) fn no_cluster(name: &str) -> Failure {
    Failure::not_found(format!("there is no cluster named {name:?}"))
}
