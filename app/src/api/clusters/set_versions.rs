//! Pins a cluster's dependencies to new refs.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn set_versions(
    name: String,
    versions: BTreeMap<String, String>,
) -> Result<(), ApiError> {
    use engine::model::access::Action;

    use super::{actor, cluster_error};

    let principal = crate::api::auth::require(Action::ManageClusters).await?;
    let state = expect_context::<crate::state::AppState>();
    let changes: Vec<(String, String)> = versions
        .into_iter()
        .map(|(dep, git_ref)| (dep, git_ref.trim().to_owned()))
        .collect();
    engine::clusters::set_versions(&state.store, &actor(&principal).await, &name, &changes)
        .await
        .map_err(cluster_error)?;
    Ok(())
}
