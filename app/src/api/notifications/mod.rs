//! Server functions for the Notifications page (admins): channels with their latest
//! deliveries, a new channel, a test, a removal.

mod create_channel;
mod delete_channel;
mod list_channels;
mod test_channel;

pub use create_channel::{create_channel, CreateChannel};
pub use delete_channel::{delete_channel, DeleteChannel};
pub use list_channels::{list_channels, ChannelWithDeliveries, ListChannels};
pub use test_channel::{test_channel, TestChannel};
