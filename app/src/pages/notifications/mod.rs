//! The Notifications page (admins): where nixdeck tells people what happened.

mod channel_card;
mod page;

pub use page::NotificationsPage;
