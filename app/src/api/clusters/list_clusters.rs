//! Every cluster with its latest job, and what a new cluster's form needs.

use engine::model::{cluster::ClusterView, job::JobView};
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
    pub may_manage: bool,
}

#[server]
pub async fn list_clusters() -> Result<ClustersPage, ApiError> {
    use engine::model::access::Action;

    use super::{cluster_error, job_error};

    let principal = crate::api::auth::require(Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    let clusters = engine::clusters::list(&state.store)
        .await
        .map_err(cluster_error)?;
    let mut rows = Vec::new();
    for cluster in clusters {
        let latest_job = engine::jobs::list(&state.store, Some(cluster.name()), 1)
            .await
            .map_err(job_error)?
            .into_iter()
            .next();
        rows.push(ClusterRow {
            cluster,
            latest_job,
        });
    }
    Ok(ClustersPage {
        taken_indexes: rows
            .iter()
            .map(|row| row.cluster.args.cluster_index)
            .collect(),
        clusters: rows,
        may_manage: principal.may(Action::ManageClusters),
    })
}
