//! Approves or rejects a production job waiting for a second admin.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn approve_job(id: String, comment: Option<String>) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.approve(&caller, &id, Ok(comment)).await).map(drop)
}

#[server]
pub async fn reject_job(id: String, comment: Option<String>) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.reject(&caller, &id, Ok(comment)).await).map(drop)
}
