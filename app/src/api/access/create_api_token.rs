//! Creates an API token and returns its value, which is shown this once.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn create_api_token(name: String, role: String) -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let token = crate::api::door::answer(engine.create_token(&caller, &name, &role).await)?;
    Ok(token.expose().to_owned())
}
