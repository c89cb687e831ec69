//! Destroys a cluster: a destroy job for a deployed one (its id is returned), or at once
//! for one never deployed (`None`).

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn remove_cluster(name: String) -> Result<Option<String>, ApiError> {
    use engine::model::{access::Action, cluster::ClusterState, job::JobKind};

    use super::{actor, cluster_error, job_error};

    let principal = crate::api::auth::require(Action::ManageClusters).await?;
    let state = expect_context::<crate::state::AppState>();
    let actor = actor(&principal).await;
    let cluster = engine::clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    if cluster.state == ClusterState::New {
        engine::clusters::forget(&state.store, &actor, &name)
            .await
            .map_err(cluster_error)?;
        return Ok(None);
    }
    let job = engine::jobs::request(&state.store, &actor, &name, JobKind::Destroy)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok(Some(job.id))
}
