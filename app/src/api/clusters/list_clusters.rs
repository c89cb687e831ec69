//! Every cluster with its latest job, and what a new cluster's form needs.

use engine::model::{access::Principal, cluster::ClusterView, job::JobView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub cluster: ClusterView,
    pub latest_job: Option<JobView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClustersPage {
    pub clusters: Vec<ClusterRow>,
    /// Indexes in use on this deployer (the form suggests the lowest free one).
    pub taken_indexes: Vec<u8>,
    pub principal: Principal,
}

#[server]
pub async fn list_clusters() -> Result<ClustersPage, ApiError> {
    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    let clusters = answer(engine.clusters(&caller).await)?;
    // Every cluster's newest job at once: no query per cluster.
    let mut newest = answer(engine.newest_jobs(&caller).await)?;
    let rows: Vec<ClusterRow> = clusters
        .into_iter()
        .map(|cluster| ClusterRow {
            latest_job: newest.remove(cluster.name()),
            cluster,
        })
        .collect();
    Ok(ClustersPage {
        taken_indexes: rows
            .iter()
            .map(|row| row.cluster.args.cluster_index)
            .collect(),
        clusters: rows,
        principal: caller.principal,
    })
}
