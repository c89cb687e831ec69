//! One key's value, on request, for an admin; audited, and never kept by a cache.

use engine::model::secrets::SecretValue;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn reveal_secret(
    env: String,
    kind: String,
    key: String,
) -> Result<SecretValue, ApiError> {
    use crate::api::door::answer;

    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    let (engine, caller) = crate::api::door::caller().await?;
    answer(engine.reveal_secret(&caller, &env, &kind, Ok(key)).await)
}
