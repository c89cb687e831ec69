//! Signing in and out, and turning a session cookie back into a person.

use serde_json::json;

use crate::{
    audit::{self, NewAuditEvent},
    commands::Caller,
    model::access::Role,
    store::{
        now_millis,
        sessions::{self, SessionRow},
        users::{self, UserRow},
        Store,
    },
};

use super::{
    credential::hash_credential, AccessError, Credential, Principal, Via, TOUCH_INTERVAL_MS,
};

/// A session unused for this long ends.
pub const SESSION_IDLE_MS: i64 = 8 * 60 * 60 * 1000;
/// A session ends this long after sign-in, however much it is used.
pub const SESSION_ABSOLUTE_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A person the provider vouched for, with the role their membership gives them.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub provider: String,
    pub subject: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub source_addr: Option<String>,
    /// The provider's access token, sealed, when membership is re-checked during the
    /// session (GitHub).
    pub provider_token: Option<String>,
    /// When the provider's word stops counting (an OIDC ID token's expiry): the session
    /// ends then at the latest, and the person signs in again.
    pub vouched_until: Option<i64>,
}

/// A re-checked session whose membership was last confirmed longer ago than this is no
/// longer trusted (the re-check runs every few minutes and is due hourly; this leaves room
/// for a provider outage of a quarter of an hour).
pub const MEMBERSHIP_STALE_MS: i64 = 75 * 60 * 1000;

/// Records the person, opens a new session (a new id at every sign-in) and audits it, all
/// in one transaction. Returns the session's cookie value.
pub async fn sign_in(
    store: &Store,
    sign_in: SignIn,
) -> Result<(Credential, Principal), AccessError> {
    let credential = Credential::generate("")
        .map_err(|e| AccessError::Invalid(format!("no randomness available: {e}")))?;
    let now = now_millis();
    let mut tx = store.begin().await?;
    let user = users::upsert(
        &mut tx,
        &UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            provider: sign_in.provider.clone(),
            subject: sign_in.subject.clone(),
            login: sign_in.login.clone(),
            name: sign_in.name.clone(),
            role: sign_in.role,
            created_at: now,
            last_seen_at: now,
        },
    )
    .await?;
    sessions::insert(
        &mut tx,
        &SessionRow {
            id_hash: credential.hash(),
            user_id: user.id.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at: sign_in
                .vouched_until
                .map_or(now + SESSION_ABSOLUTE_MS, |until| {
                    until.min(now + SESSION_ABSOLUTE_MS)
                }),
            ended_at: None,
            source_addr: sign_in.source_addr.clone(),
            checked_at: sign_in.provider_token.as_ref().map(|_| now),
            provider_token: sign_in.provider_token.clone(),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        NewAuditEvent {
            actor: actor_of(&user),
            action: "auth.sign_in".to_owned(),
            target: format!("user:{}", actor_of(&user)),
            details: json!({ "provider": sign_in.provider, "role": sign_in.role }),
            source_addr: sign_in.source_addr,
        },
    )
    .await?;
    tx.commit().await?;
    let principal = principal_of(&user, sign_in.role);
    Ok((credential, principal))
}

/// Why a presented session cookie found no live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProblem {
    /// No session has this id: tampered with, or from another nixdeck.
    Unknown,
    /// Signed out, or ended by an admin or a membership re-check.
    Ended,
    /// Past its absolute expiry, or idle too long.
    Expired,
    /// Its membership could not be re-checked for too long.
    Unconfirmed,
}

impl SessionProblem {
    pub fn describe(self) -> &'static str {
        match self {
            SessionProblem::Unknown => "unknown or tampered session cookie",
            SessionProblem::Ended => "session ended",
            SessionProblem::Expired => "session expired",
            SessionProblem::Unconfirmed => "membership not re-confirmed in time",
        }
    }
}

/// The person behind a session cookie, if the session is live: not ended, not past its
/// absolute expiry, not idle too long.
pub async fn resolve_session(
    store: &Store,
    cookie_value: &str,
) -> Result<Option<Principal>, AccessError> {
    Ok(check_session(store, cookie_value).await?.ok())
}

/// Like `resolve_session`, but says why there is no live session.
pub async fn check_session(
    store: &Store,
    cookie_value: &str,
) -> Result<Result<Principal, SessionProblem>, AccessError> {
    let id_hash = hash_credential(cookie_value);
    let Some((session, user)) = sessions::find_with_user(store, &id_hash).await? else {
        return Ok(Err(SessionProblem::Unknown));
    };
    let now = now_millis();
    if session.ended_at.is_some() {
        return Ok(Err(SessionProblem::Ended));
    }
    if now >= session.expires_at || now >= session.last_seen_at + SESSION_IDLE_MS {
        return Ok(Err(SessionProblem::Expired));
    }
    let membership_current = session.provider_token.is_none()
        || session
            .checked_at
            .is_some_and(|checked| now < checked + MEMBERSHIP_STALE_MS);
    if !membership_current {
        return Ok(Err(SessionProblem::Unconfirmed));
    }
    if now - session.last_seen_at > TOUCH_INTERVAL_MS {
        sessions::touch(store, &id_hash, now).await?;
    }
    Ok(Ok(principal_of(&user, user.role)))
}

/// Ends the session behind a cookie and audits it. Ending an unknown or already ended
/// session is not an error (signing out twice is harmless) and records nothing.
pub async fn sign_out(
    store: &Store,
    cookie_value: &str,
    source_addr: Option<String>,
) -> Result<(), AccessError> {
    let id_hash = hash_credential(cookie_value);
    let Some((_, user)) = sessions::find_with_user(store, &id_hash).await? else {
        return Ok(());
    };
    let mut tx = store.begin().await?;
    if sessions::end(&mut tx, &id_hash, now_millis()).await? {
        audit::record(
            &mut tx,
            NewAuditEvent {
                actor: actor_of(&user),
                action: "auth.sign_out".to_owned(),
                target: format!("user:{}", actor_of(&user)),
                details: json!({}),
                source_addr,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends every live session of a person, audited with `caller` as actor. Returns how many
/// sessions ended.
pub(crate) async fn end_sessions_of(
    store: &Store,
    caller: &Caller,
    user_id: &str,
) -> Result<u64, AccessError> {
    let target = actor_of(&users::find(store, user_id).await?);
    let mut tx = store.begin().await?;
    let ended = sessions::end_all_for_user(&mut tx, user_id, now_millis()).await?;
    audit::record(
        &mut tx,
        caller.event(
            "auth.end_sessions",
            format!("user:{target}"),
            json!({ "sessions_ended": ended }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// What the audit log calls a person: their provider and login (`github:alice`), so no
/// login of one provider can pass for another's, or for nixdeck's own actors.
pub fn actor_of(user: &UserRow) -> String {
    format!("{}:{}", user.provider, user.login)
}

fn principal_of(user: &UserRow, role: Role) -> Principal {
    Principal {
        user_id: Some(user.id.clone()),
        actor: actor_of(user),
        login: user.login.clone(),
        name: user.name.clone(),
        role,
        via: Via::Session,
    }
}
