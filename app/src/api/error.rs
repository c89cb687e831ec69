//! The error every server function returns, sent to the browser as JSON: the engine's
//! `Failure` (the response carries its kind's HTTP status), or a request that failed on
//! its way.

use engine::model::failure::Failure;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// The server refused or failed the action; the message is for the person.
    #[error("{0}")]
    Refused(Failure),
    /// The request itself failed (network, encoding); the text says how.
    #[error("the request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}
