//! Every API token, never its value.

use engine::model::access::TokenInfo;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, ApiError> {
    crate::api::auth::require(engine::model::access::Action::ManageTokens).await?;
    let state = expect_context::<crate::state::AppState>();
    engine::access::list_tokens(&state.store)
        .await
        .map_err(|error| ApiError::internal(&error))
}
