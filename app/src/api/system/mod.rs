//! Server functions about nixdeck itself and the person using it.

mod get_health;
mod get_session;

pub use get_health::get_health;
pub use get_session::{get_session, SessionView};
