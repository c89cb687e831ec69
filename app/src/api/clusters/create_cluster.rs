//! Creates a cluster from the form; returns its name.

use engine::model::cluster::ClusterInput;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn create_cluster(input: ClusterInput) -> Result<String, ApiError> {
    use engine::model::access::Action;

    use super::{actor, cluster_error};

    let principal = crate::api::auth::require(Action::ManageClusters).await?;
    let state = expect_context::<crate::state::AppState>();
    let view = engine::clusters::create(&state.store, &actor(&principal).await, &input, &[])
        .await
        .map_err(cluster_error)?;
    Ok(view.args.name)
}
