//! The error every server function returns, sent to the browser as JSON.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What a server function can answer instead of its result. Messages are written for the
/// person using the dashboard; internal causes are logged on the server, never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// Nobody is signed in.
    #[error("sign in first")]
    Unauthorized,
    /// The person's role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// One input is invalid; nothing was changed.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The request conflicts with what exists (a taken name or index, a job in the way).
    #[error("{0}")]
    Conflict(String),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request itself failed (network, encoding); the text says how.
    #[error("the request failed: {0}")]
    Transport(String),
    /// Something went wrong on the server; details are in its log.
    #[error("something went wrong on the server; the details are in its log")]
    Internal,
}

impl ApiError {
    /// Logs an unexpected failure once, with its cause, and hides it from the browser.
    pub fn internal(error: &dyn std::error::Error) -> ApiError {
        leptos::logging::error!("server function failed: {error}");
        ApiError::Internal
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}
