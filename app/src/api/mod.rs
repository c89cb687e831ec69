//! Server functions, one per file, grouped by area. Each is thin: read the context, call
//! one engine function, map the error.

pub mod error;
pub mod system;

pub use error::ApiError;
