//! One cluster, its job history, and what the viewer may do with it.

use engine::model::{cluster::ClusterView, job::JobView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPage {
    pub cluster: ClusterView,
    /// Newest first.
    pub jobs: Vec<JobView>,
    pub may_manage: bool,
    pub may_deploy: bool,
    pub may_preview: bool,
    /// May run `info`/`check` (like a preview), `stop` and `start` (like a deploy).
    pub may_operate: bool,
}

#[server]
pub async fn get_cluster(name: String) -> Result<ClusterPage, ApiError> {
    use engine::model::access::Action;

    use super::{cluster_error, job_error};

    let principal = crate::api::auth::require(Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    let cluster = engine::clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    let jobs = engine::jobs::list(&state.store, Some(&name), 50)
        .await
        .map_err(job_error)?;
    let env = cluster.args.env;
    Ok(ClusterPage {
        may_manage: principal.may(Action::ManageClusters),
        may_deploy: principal.may(Action::Deploy(env)),
        may_preview: principal.may(Action::Preview(env)),
        may_operate: principal.may(Action::Deploy(env)),
        cluster,
        jobs,
    })
}
