//! The nixdeck backend core. `model` holds the domain types and their rules and compiles
//! to WebAssembly, so the browser and the server validate with the same code. Everything
//! that does IO sits behind the `server` feature: the engine and its commands (the one
//! door every way in acts through), storage, the audit log, access, jobs and the hosts
//! they run commands on.

pub mod model;

#[cfg(feature = "server")]
pub mod access;
#[cfg(feature = "server")]
pub mod audit;
#[cfg(feature = "server")]
pub mod cloud;
#[cfg(feature = "server")]
pub mod clusters;
#[cfg(feature = "server")]
pub mod commands;
#[cfg(feature = "server")]
pub mod delivery;
#[cfg(feature = "server")]
mod engine;
#[cfg(feature = "server")]
pub mod exec;
#[cfg(feature = "server")]
pub mod health;
#[cfg(feature = "server")]
pub mod jobs;
#[cfg(feature = "server")]
pub mod maintenance;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "server")]
pub mod nixops;
#[cfg(feature = "server")]
pub mod probes;
#[cfg(feature = "server")]
pub mod store;

#[cfg(feature = "server")]
pub use engine::{Engine, EngineConfig};
