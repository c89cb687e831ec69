//! Lets GitHub deployment events deploy a cluster, or stops them.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn set_github_deployments(name: String, enabled: bool) -> Result<(), ApiError> {
    use engine::commands::ClusterUpdate;

    let (engine, caller) = crate::api::door::caller().await?;
    let update = ClusterUpdate {
        github_deployments: Some(enabled),
        ..ClusterUpdate::default()
    };
    crate::api::door::answer(engine.update_cluster(&caller, &name, update).await).map(drop)
}
