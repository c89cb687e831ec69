//! Queues `nixops deploy -d deployer`; returns the job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn deploy_deployer() -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let job = crate::api::door::answer(engine.deploy_deployer(&caller).await)?;
    Ok(job.id)
}
