//! Sends a channel a test notification.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn test_channel(id: String) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.test_channel(&caller, &id).await).map(drop)
}
