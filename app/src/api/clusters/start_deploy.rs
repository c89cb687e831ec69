//! Deploys a cluster (a create the first time) or previews a deploy; returns the job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn start_deploy(name: String, preview: bool) -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let requested = crate::api::door::answer(engine.deploy(&caller, &name, preview).await)?;
    Ok(requested.job.id)
}
