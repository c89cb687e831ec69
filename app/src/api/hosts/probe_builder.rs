//! Probes the builder now (reading only).

use engine::model::builder::BuilderView;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn probe_builder() -> Result<BuilderView, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.probe_builder(&caller).await)
}
