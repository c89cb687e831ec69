//! Every API token, never its value.

use engine::model::access::TokenInfo;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.tokens(&caller).await)
}
