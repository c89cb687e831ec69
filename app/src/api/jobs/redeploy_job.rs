//! Repeats a past deploy (its versions, the cluster's current arguments); returns the new
//! job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn redeploy_job(id: String) -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let requested = crate::api::door::answer(engine.redeploy(&caller, &id).await)?;
    Ok(requested.job.id)
}
