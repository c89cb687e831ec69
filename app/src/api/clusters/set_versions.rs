//! Pins a cluster's dependencies to new refs.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn set_versions(
    name: String,
    versions: BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let changes: Vec<(String, String)> = versions.into_iter().collect();
    crate::api::door::answer(engine.set_versions(&caller, &name, &changes).await).map(drop)
}
