//! Creates an API token and returns its value, which is shown this once.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn create_api_token(name: String, role: String) -> Result<String, ApiError> {
    use engine::{
        access::AccessError,
        model::access::{Action, Role},
        store::StoreError,
    };

    let actor = crate::api::auth::require(Action::ManageTokens).await?;
    let invalid = |field: &str, message: String| ApiError::Invalid {
        field: field.to_owned(),
        message,
    };
    let role = Role::parse(&role).map_err(|message| invalid("role", message))?;
    let state = expect_context::<crate::state::AppState>();
    let source = crate::api::auth::source_addr().await;
    let token = engine::access::create_token(&state.store, name.trim(), role, &actor.login, source)
        .await
        .map_err(|error| match error {
            AccessError::Invalid(message) => invalid("name", message),
            AccessError::Store(StoreError::Conflict(what)) => {
                invalid("name", format!("{what} already exists"))
            }
            other => ApiError::internal(&other),
        })?;
    Ok(token.expose().to_owned())
}
