//! Who has signed in.

use engine::model::access::PersonView;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_people() -> Result<Vec<PersonView>, ApiError> {
    crate::api::auth::require(engine::model::access::Action::ManageSessions).await?;
    let state = expect_context::<crate::state::AppState>();
    engine::access::list_people(&state.store)
        .await
        .map_err(|error| ApiError::internal(&error))
}
