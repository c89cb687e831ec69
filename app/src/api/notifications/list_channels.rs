//! Every channel (its URL masked), each with its latest deliveries.

use engine::model::notifications::{ChannelView, DeliveryView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelWithDeliveries {
    pub channel: ChannelView,
    /// Newest first.
    pub deliveries: Vec<DeliveryView>,
}

#[server]
pub async fn list_channels() -> Result<Vec<ChannelWithDeliveries>, ApiError> {
    use crate::api::door::answer;

    /// How many deliveries the page shows per channel.
    const SHOWN: i64 = 10;

    let (engine, caller) = crate::api::door::caller().await?;
    let mut listed = Vec::new();
    for channel in answer(engine.channels(&caller).await)? {
        let deliveries = answer(engine.deliveries(&caller, &channel.id, SHOWN).await)?;
        listed.push(ChannelWithDeliveries {
            channel,
            deliveries,
        });
    }
    Ok(listed)
}
