//! Changes a cluster's arguments (not its name).

use engine::model::cluster::ClusterInput;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn update_cluster(input: ClusterInput) -> Result<(), ApiError> {
    use engine::commands::ClusterUpdate;

    let (engine, caller) = crate::api::door::caller().await?;
    let name = input.name.clone();
    let update = ClusterUpdate::from_input(input);
    crate::api::door::answer(engine.update_cluster(&caller, &name, update).await).map(drop)
}
