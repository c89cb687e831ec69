//! Ends every session of one person (they must sign in again), audited.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn end_sessions(user_id: String) -> Result<u64, ApiError> {
    use engine::{access::AccessError, model::access::Action, store::StoreError};

    let actor = crate::api::auth::require(Action::ManageSessions).await?;
    let state = expect_context::<crate::state::AppState>();
    let source = crate::api::auth::source_addr().await;
    engine::access::end_sessions_of(&state.store, &user_id, &actor, source)
        .await
        .map_err(|error| match error {
            AccessError::Store(StoreError::NotFound) => ApiError::Invalid {
                field: "user_id".to_owned(),
                message: "no such person".to_owned(),
            },
            other => ApiError::internal(&other),
        })
}
