//! The cluster indexes in use, for the new cluster form's suggestion.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn taken_cluster_indexes() -> Result<Vec<u8>, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.taken_cluster_indexes(&caller).await)
}
