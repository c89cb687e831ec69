//! Server functions about nixdeck itself, its hosts, and the person using it.

mod get_health;
mod get_host;
mod get_session;

pub use get_health::{get_health, GetHealth};
pub use get_host::{get_host, GetHost};
pub use get_session::{get_session, GetSession, SessionView};
