//! Removes a cluster: a destroy job for one whose deployment exists on the deployer (its
//! id is returned), or at once for one that never got that far (`None`).

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn remove_cluster(name: String) -> Result<Option<String>, ApiError> {
    use engine::commands::ClusterRemoval;

    let (engine, caller) = crate::api::door::caller().await?;
    Ok(
        match crate::api::door::answer(engine.remove_cluster(&caller, &name).await)? {
            ClusterRemoval::Forgotten => None,
            ClusterRemoval::Destroying(job) => Some(job.id),
        },
    )
}
