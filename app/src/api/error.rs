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
    /// The request itself failed (network, encoding); the text says how.
    #[error("the request failed: {0}")]
    Transport(String),
    /// Something went wrong on the server; details are in its log.
    #[error("something went wrong on the server; the details are in its log")]
    Internal,
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}
