//! A new random value for a key nixdeck generates (`CommitteeSecret`).

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn generate_secret(env: String, kind: String, key: String) -> Result<String, ApiError> {
    use engine::commands::SecretRef;

    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    let secret = answer(SecretRef::parse(&env, &kind))?;
    answer(engine.generate_secret(&caller, secret, &key).await)
}
