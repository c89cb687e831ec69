//! Revokes a live API token by name.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn revoke_api_token(name: String) -> Result<(), ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.revoke_token(&caller, &name).await)
}
