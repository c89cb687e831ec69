//! Server functions for the Tokens page.

mod create_api_token;
mod list_api_tokens;
mod revoke_api_token;

pub use create_api_token::{create_api_token, CreateApiToken};
pub use list_api_tokens::{list_api_tokens, ListApiTokens};
pub use revoke_api_token::{revoke_api_token, RevokeApiToken};
