//! Creates a cluster from the form; returns its name.

use engine::model::cluster::ClusterInput;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn create_cluster(input: ClusterInput) -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let view = crate::api::door::answer(engine.create_cluster(&caller, &input, &[]).await)?;
    Ok(view.args.name)
}
