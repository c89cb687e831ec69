//! The health of every cluster on one page of the clusters list (loaded after the list
//! itself, so a slow AWS never holds the list back).

use std::collections::BTreeMap;

use engine::model::cloud::ClusterHealth;
use leptos::prelude::*;

use crate::api::ApiError;

/// The same page as `list_clusters` with the same `after` and `before`.
#[server]
pub async fn list_cluster_healths(
    after: Option<String>,
    before: Option<String>,
) -> Result<BTreeMap<String, ClusterHealth>, ApiError> {
    use engine::model::{cluster::ClusterCursor, failure::Failure};

    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    let cursor =
        answer(ClusterCursor::parse(after.as_deref(), before.as_deref()).map_err(Failure::from))?;
    answer(engine.cluster_healths(&caller, &cursor).await)
}
