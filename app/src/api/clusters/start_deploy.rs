//! Deploys a cluster (a create the first time) or previews a deploy; returns the job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn start_deploy(name: String, preview: bool) -> Result<String, ApiError> {
    use engine::model::access::Action;

    use super::{actor, cluster_error, job_error};

    crate::api::auth::require(Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    let cluster = engine::clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    let env = cluster.args.env;
    let action = if preview {
        Action::Preview(env)
    } else {
        Action::Deploy(env)
    };
    let principal = crate::api::auth::require(action).await?;
    let job = engine::jobs::request_deploy(&state.store, &actor(&principal).await, &name, preview)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok(job.id)
}
