//! Removes a channel; what it had waiting is not sent.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn delete_channel(id: String) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.delete_channel(&caller, &id).await)
}
