//! Revokes a live API token by name.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn revoke_api_token(name: String) -> Result<(), ApiError> {
    use engine::{access::AccessError, model::access::Action, store::StoreError};

    let actor = crate::api::auth::require(Action::ManageTokens).await?;
    let state = expect_context::<crate::state::AppState>();
    let source = crate::api::auth::source_addr().await;
    engine::access::revoke_token(&state.store, &name, &actor.login, source)
        .await
        .map_err(|error| match error {
            AccessError::Store(StoreError::NotFound) => ApiError::Invalid {
                field: "name".to_owned(),
                message: format!("there is no live token named {name:?}"),
            },
            other => ApiError::internal(&other),
        })
}
