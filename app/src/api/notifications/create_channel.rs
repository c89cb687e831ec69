//! Adds a channel from the page's form: events and clusters as lists separated by commas or
//! spaces (no cluster: every cluster), a blank secret none.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn create_channel(
    name: String,
    kind: String,
    url: String,
    secret: String,
    events: String,
    clusters: String,
) -> Result<(), ApiError> {
    use engine::model::notifications::ChannelInput;

    let (engine, caller) = crate::api::door::caller().await?;
    let words = |text: &str| -> Vec<String> {
        text.split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let clusters = words(&clusters);
    let input = ChannelInput {
        name,
        kind,
        url,
        secret: Some(secret).filter(|s| !s.trim().is_empty()),
        events: words(&events),
        clusters: (!clusters.is_empty()).then_some(clusters),
    };
    crate::api::door::answer(engine.create_channel(&caller, Ok(input)).await).map(drop)
}
