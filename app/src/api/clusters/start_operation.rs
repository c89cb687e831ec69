//! Runs `info`/`check`, `stop` or `start` on a cluster; returns the job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn start_operation(name: String, kind: String) -> Result<String, ApiError> {
    use engine::model::{access::Action, job::JobKind};

    use super::{actor, cluster_error, job_error};

    crate::api::auth::require(Action::Read).await?;
    let kind = JobKind::parse(&kind)
        .filter(|kind| matches!(kind, JobKind::Info | JobKind::Stop | JobKind::Start))
        .ok_or_else(|| ApiError::Invalid {
            field: "kind".to_owned(),
            message: "use info, stop or start".to_owned(),
        })?;
    let state = expect_context::<crate::state::AppState>();
    let cluster = engine::clusters::find(&state.store, &name)
        .await
        .map_err(cluster_error)?;
    let principal = crate::api::auth::require(kind.action(cluster.args.env)).await?;
    let job = engine::jobs::request(&state.store, &actor(&principal).await, &name, kind)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok(job.id)
}
