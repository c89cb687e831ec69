//! Repeats a past deploy with its exact arguments and versions; returns the new job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn redeploy_job(id: String) -> Result<String, ApiError> {
    use engine::model::access::Action;

    use crate::api::clusters::{actor, job_error};

    crate::api::auth::require(Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    let past = engine::jobs::view(&state.store, &id)
        .await
        .map_err(job_error)?;
    let principal = crate::api::auth::require(Action::Deploy(past.params.args.env)).await?;
    let job = engine::jobs::redeploy(&state.store, &actor(&principal).await, &id)
        .await
        .map_err(job_error)?;
    state.jobs.wake();
    Ok(job.id)
}
