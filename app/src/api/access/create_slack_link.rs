//! A one-time code that links a Slack user to the person asking (`/deploy link <code>`).

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn create_slack_link() -> Result<String, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.create_slack_link(&caller).await)
}
