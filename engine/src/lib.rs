//! The nixdeck backend core. `model` holds the domain types and their rules and compiles
//! to WebAssembly, so the browser and the server validate with the same code. Everything
//! that does IO (storage, audit) sits behind the `server` feature.

pub mod model;

#[cfg(feature = "server")]
pub mod access;
#[cfg(feature = "server")]
pub mod audit;
#[cfg(feature = "server")]
pub mod clusters;
#[cfg(feature = "server")]
pub mod exec;
#[cfg(feature = "server")]
pub mod health;
#[cfg(feature = "server")]
pub mod jobs;
#[cfg(feature = "server")]
pub mod nixops;
#[cfg(feature = "server")]
pub mod store;
