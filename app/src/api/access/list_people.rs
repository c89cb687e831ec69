//! Who has signed in.

use engine::model::access::PersonView;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_people() -> Result<Vec<PersonView>, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.people(&caller).await)
}
