//! Adopts a deployment NixOps knows as a cluster (running nothing); returns its name.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn adopt_deployment(deployment: String) -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let cluster = crate::api::door::answer(engine.adopt(&caller, Ok(deployment)).await)?;
    Ok(cluster.args.name)
}
