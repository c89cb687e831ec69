//! Ends every session of one person (they must sign in again), audited.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn end_sessions(user_id: String) -> Result<u64, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.end_sessions(&caller, &user_id).await)
}
