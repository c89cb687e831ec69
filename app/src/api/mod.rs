//! Server functions, one per file, grouped by area. Each is an adapter: find the caller,
//! call one engine command, map its failure (`door`).

pub mod access;
pub mod audit;
pub mod clusters;
#[cfg(feature = "ssr")]
pub mod door;
pub mod error;
pub mod fetcher;
pub mod hosts;
pub mod jobs;
pub mod notifications;
pub mod secrets;
pub mod system;

pub use error::ApiError;
