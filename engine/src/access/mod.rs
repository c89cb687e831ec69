//! Who is asking: sign-in, server-side sessions and API tokens, each change audited in the
//! same transaction. The permission table itself is `crate::model::access`.

mod credential;
mod sessions;
mod tokens;

pub use credential::Credential;
pub use sessions::{
    end_sessions_of, resolve_session, sign_in, sign_out, SignIn, SESSION_ABSOLUTE_MS,
    SESSION_IDLE_MS,
};
pub use tokens::{create_token, list_tokens, resolve_token, revoke_token, TokenInfo};

use serde::{Deserialize, Serialize};

use crate::model::access::Role;

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Session,
    Token,
}

/// The person or token behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The person's id; `None` for a token.
    pub user_id: Option<String>,
    /// What the audit log records as the actor: a login, or `token:NAME`.
    pub login: String,
    pub name: String,
    pub role: Role,
    pub via: Via,
}

/// Why a sign-in, session or token operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}
