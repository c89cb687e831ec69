//! Makes a previous version of a secret current again.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn roll_back_secret(
    env: String,
    kind: String,
    version_id: String,
) -> Result<String, ApiError> {
    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    answer(
        engine
            .roll_back_secret(&caller, &env, &kind, Ok(version_id))
            .await,
    )
}
