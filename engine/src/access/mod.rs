//! Who is asking: sign-in, server-side sessions and API tokens, each change audited in the
//! same transaction. The permission table itself is `crate::model::access`.

mod attempts;
mod credential;
pub mod membership;
mod sessions;
mod tokens;

pub use attempts::{begin_attempt, take_attempt, Attempt, AttemptProblem, ATTEMPT_LIFETIME_MS};

pub(crate) use credential::hash_credential;
pub use credential::Credential;
pub(crate) use sessions::end_sessions_of;
pub use sessions::{
    actor_of, check_session, resolve_session, sign_in, sign_out, SessionProblem, SignIn,
    MEMBERSHIP_STALE_MS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS,
};
pub use tokens::resolve_token;
pub(crate) use tokens::{create_token, list_tokens, revoke_token};

pub use crate::model::access::TokenInfo;

use serde_json::Value;

use crate::{
    audit::{self, NewAuditEvent},
    store::Store,
};

/// Records a refused attempt (a bad token, a forged login) on its own, since there is no
/// change for it to share a transaction with.
pub async fn record_refusal(
    store: &Store,
    actor: &str,
    action: &str,
    details: Value,
    source_addr: Option<String>,
) -> Result<(), AccessError> {
    let mut tx = store.begin().await?;
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: "nixdeck".to_owned(),
            details,
            source_addr,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub use crate::model::access::{Principal, Via};

/// Session and token use is written down at most this often, so that reading pages or
/// calling the API does not write to the database on every request.
const TOUCH_INTERVAL_MS: i64 = 60 * 1000;

/// Why a sign-in, session or token operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Everyone who has signed in, most recently seen first, with their live session counts.
pub(crate) async fn list_people(
    store: &Store,
) -> Result<Vec<crate::model::access::PersonView>, AccessError> {
    use crate::store::{now_millis, users};
    let counts: std::collections::HashMap<String, i64> =
        users::live_session_counts(store, now_millis())
            .await?
            .into_iter()
            .collect();
    Ok(users::list(store)
        .await?
        .into_iter()
        .map(|user| crate::model::access::PersonView {
            role: user.role,
            live_sessions: counts.get(&user.id).copied().unwrap_or(0),
            id: user.id,
            login: user.login,
            name: user.name,
            provider: user.provider,
            last_seen_at: user.last_seen_at,
        })
        .collect())
}
