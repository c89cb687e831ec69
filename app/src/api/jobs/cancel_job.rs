//! Cancels a queued or running job.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn cancel_job(id: String) -> Result<(), ApiError> {
    use engine::model::access::Action;

    use crate::api::clusters::{actor, job_error};

    crate::api::auth::require(Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    let job = engine::jobs::view(&state.store, &id)
        .await
        .map_err(job_error)?;
    let principal = crate::api::auth::require(Action::CancelJob(job.params.args.env)).await?;
    engine::jobs::cancel(&state.store, &actor(&principal).await, &id)
        .await
        .map_err(job_error)?;
    Ok(())
}
