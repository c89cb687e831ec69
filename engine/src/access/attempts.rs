//! Sign-in attempts with a provider: begun when nixdeck redirects a browser to the provider,
//! taken exactly once when the provider redirects it back. The `state` and the browser's
//! binding cookie are stored only as hashes; the PKCE verifier and nonce must be stored as
//! they are (they are sent later), but live ten minutes and are deleted on use.

use crate::store::{
    now_millis,
    sign_in_attempts::{self, AttemptRow},
    Store,
};

use super::{credential::hash_credential, AccessError};

/// How long a person has to finish signing in at the provider.
pub const ATTEMPT_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// What the callback needs to finish an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub provider: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub next_path: String,
}

/// Why a callback's `state` was not accepted; each is recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptProblem {
    /// No attempt has this state: forged, or already used (replayed).
    Unknown,
    /// The attempt was for the other provider.
    OtherProvider,
    /// The callback came to a browser other than the one that started the attempt.
    OtherBrowser,
    /// The attempt is older than ten minutes.
    Expired,
}

impl AttemptProblem {
    pub fn describe(self) -> &'static str {
        match self {
            AttemptProblem::Unknown => "state unknown or already used",
            AttemptProblem::OtherProvider => "state issued for another provider",
            AttemptProblem::OtherBrowser => "state bound to another browser",
            AttemptProblem::Expired => "state expired",
        }
    }
}

/// Remembers a new attempt. `state` and `browser_binding` are the random values sent to the
/// provider and set as the browser's cookie.
pub async fn begin_attempt(
    store: &Store,
    state: &str,
    browser_binding: &str,
    attempt: &Attempt,
) -> Result<(), AccessError> {
    let now = now_millis();
    let row = AttemptRow {
        state_hash: hash_credential(state),
        provider: attempt.provider.clone(),
        browser_hash: hash_credential(browser_binding),
        pkce_verifier: attempt.pkce_verifier.clone(),
        nonce: attempt.nonce.clone(),
        next_path: attempt.next_path.clone(),
        created_at: now,
        expires_at: now + ATTEMPT_LIFETIME_MS,
    };
    sign_in_attempts::insert(store, &row, now).await?;
    Ok(())
}

/// Takes the attempt a callback's `state` names. The attempt is consumed whatever the
/// outcome, so a state can never be tried twice.
pub async fn take_attempt(
    store: &Store,
    provider: &str,
    state: &str,
    browser_binding: Option<&str>,
) -> Result<Result<Attempt, AttemptProblem>, AccessError> {
    let Some(row) = sign_in_attempts::take(store, &hash_credential(state)).await? else {
        return Ok(Err(AttemptProblem::Unknown));
    };
    if row.provider != provider {
        return Ok(Err(AttemptProblem::OtherProvider));
    }
    if browser_binding.map(hash_credential).as_deref() != Some(row.browser_hash.as_str()) {
        return Ok(Err(AttemptProblem::OtherBrowser));
    }
    if now_millis() >= row.expires_at {
        return Ok(Err(AttemptProblem::Expired));
    }
    Ok(Ok(Attempt {
        provider: row.provider,
        pkce_verifier: row.pkce_verifier,
        nonce: row.nonce,
        next_path: row.next_path,
    }))
}
