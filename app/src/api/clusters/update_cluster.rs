//! Changes a cluster's arguments (not its name).

use engine::model::cluster::ClusterInput;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn update_cluster(input: ClusterInput) -> Result<(), ApiError> {
    use engine::model::access::Action;

    use super::{actor, cluster_error};

    let principal = crate::api::auth::require(Action::ManageClusters).await?;
    let state = expect_context::<crate::state::AppState>();
    engine::clusters::update(&state.store, &actor(&principal).await, &input.name, &input)
        .await
        .map_err(cluster_error)?;
    Ok(())
}
