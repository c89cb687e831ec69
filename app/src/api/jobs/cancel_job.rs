//! Cancels a queued or running job.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn cancel_job(id: String) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.cancel(&caller, &id).await).map(drop)
}
