//! A new random value for a key nixdeck generates (`CommitteeSecret`).

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn generate_secret(env: String, kind: String, key: String) -> Result<String, ApiError> {
    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    answer(engine.generate_secret(&caller, &env, &kind, Ok(key)).await)
}
