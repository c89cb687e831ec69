//! Every cluster's health, for the clusters list (loaded after the list itself, so a slow
//! AWS never holds the list back).

use std::collections::BTreeMap;

use engine::model::cloud::ClusterHealth;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_cluster_healths() -> Result<BTreeMap<String, ClusterHealth>, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.cluster_healths(&caller).await)
}
