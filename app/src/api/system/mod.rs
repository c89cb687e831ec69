//! Server functions about nixdeck itself.

mod get_health;

pub use get_health::get_health;
