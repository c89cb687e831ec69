//! Server functions, one per file, grouped by area. Each is thin: read the context, call
//! one engine function, map the error.

pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod clusters;
pub mod error;
pub mod jobs;
pub mod people;
pub mod system;
pub mod tokens;

pub use error::ApiError;
