//! Server functions about nixdeck itself and the person using it.

mod get_health;
mod get_session;

pub use get_health::{get_health, GetHealth};
pub use get_session::{get_session, GetSession, SessionView};
