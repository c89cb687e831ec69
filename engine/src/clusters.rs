//! Clusters as the engine reads and writes them: turning rows into views and back. What
//! may be done to a cluster, and how, is decided by the commands (`crate::commands`).

use std::collections::BTreeMap;

use crate::{
    model::{
        access::Environment,
        cluster::{ClusterArgs, ClusterDns, ClusterSummary, ClusterView, LatestJob},
        dependencies::pin_dependencies,
        failure::Failure,
    },
    store::{clusters::ClusterRow, Store, Tx},
};

/// The row that stores a cluster.
pub(crate) fn row_of(view: &ClusterView) -> Result<ClusterRow, Failure> {
    let args = &view.args;
    Ok(ClusterRow {
        id: view.id.clone(),
        name: args.name.clone(),
        region: args.region.clone(),
        cluster_index: i64::from(args.cluster_index),
        env: args.env,
        domain: args.dns.as_ref().map(|dns| dns.domain.clone()),
        dns_zone: args.dns.as_ref().map(|dns| dns.zone.clone()),
        versions: serde_json::to_string(&view.versions)
            .map_err(|e| crate::commands::unreadable("cluster versions", &e))?,
        state: view.state,
        on_deployer: view.on_deployer,
        github_deployments: view.github_deployments,
        last_error: view.last_error.clone(),
        created_by: view.created_by.clone(),
        created_at: view.created_at,
        updated_at: view.updated_at,
    })
}

/// The cluster as shown; a row that does not read back is an internal failure naming it.
pub(crate) fn view_of(row: ClusterRow) -> Result<ClusterView, Failure> {
    let cluster_index = stored_index(&row)?;
    let dns = match (row.env, row.domain, row.dns_zone) {
        (Environment::Staging, Some(domain), Some(zone)) => Some(ClusterDns { domain, zone }),
        _ => None,
    };
    let versions = serde_json::from_str(&row.versions).map_err(|e| {
        crate::commands::unreadable(&format!("versions of cluster {}", row.name), &e)
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
        github_deployments: row.github_deployments,
        last_error: row.last_error,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The cluster as the list shows it, with its newest job if it has one.
pub(crate) fn summary_of(
    row: ClusterRow,
    latest_job: Option<LatestJob>,
) -> Result<ClusterSummary, Failure> {
    Ok(ClusterSummary {
        cluster_index: stored_index(&row)?,
        name: row.name,
        env: row.env,
        region: row.region,
        state: row.state,
        latest_job,
    })
}

/// The row's cluster index, which every stored cluster has within 1 to 25.
fn stored_index(row: &ClusterRow) -> Result<u8, Failure> {
    u8::try_from(row.cluster_index).map_err(|_| {
        tracing::error!(cluster = %row.name, index = row.cluster_index, "stored cluster index out of range");
        Failure::internal()
    })
}

/// All six dependencies with `overrides` (refs without surrounding blanks) applied over
/// the defaults.
pub(crate) fn pinned(overrides: &[(String, String)]) -> Result<BTreeMap<String, String>, Failure> {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(dep, git_ref)| (dep.clone(), git_ref.trim().to_owned()))
        .collect();
    Ok(pin_dependencies(&overrides)?
        .into_iter()
        .map(|dep| (dep.name, dep.git_ref))
        .collect())
}

/// The cluster named `name`, read inside `tx` (locked on PostgreSQL until it ends).
pub(crate) async fn current(tx: &mut Tx, name: &str) -> Result<ClusterView, Failure> {
    let row = crate::store::clusters::find_in(tx, name)
        .await?
        .ok_or_else(|| no_cluster(name))?;
    view_of(row)
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
