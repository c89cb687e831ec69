//! Membership re-checks for live sessions: the provider confirms the person still belongs
//! (perhaps with another role), or the session ends. Each outcome that changes something is
//! audited in the same transaction, with nixdeck itself as the actor.

use serde_json::json;

use crate::{
    audit::{self, NewAuditEvent},
    model::access::Role,
    store::{
        now_millis,
        sessions::{self, SessionRow},
        users::{self, UserRow},
        Store,
    },
};

use super::AccessError;

use crate::commands::SYSTEM_ACTOR;

/// A session whose membership is due to be re-checked.
#[derive(Debug, Clone)]
pub struct DueSession {
    pub session: SessionRow,
    pub user: UserRow,
}

/// Live sessions of `provider` last confirmed more than `interval_ms` ago.
pub async fn sessions_due(
    store: &Store,
    provider: &str,
    interval_ms: i64,
) -> Result<Vec<DueSession>, AccessError> {
    let now = now_millis();
    let rows = sessions::due_for_check(store, provider, now - interval_ms, now).await?;
    Ok(rows
        .into_iter()
        .map(|(session, user)| DueSession { session, user })
        .collect())
}

/// The provider confirmed the person with `role`: the session stays, and the person's role
/// follows their membership.
pub async fn confirm(store: &Store, due: &DueSession, role: Role) -> Result<(), AccessError> {
    let mut tx = store.begin().await?;
    sessions::mark_checked(&mut tx, &due.session.id_hash, now_millis()).await?;
    if due.user.role != role {
        users::set_role(&mut tx, &due.user.id, role).await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                actor: SYSTEM_ACTOR.to_owned(),
                action: "user.role_changed".to_owned(),
                target: format!("user:{}", super::sessions::actor_of(&due.user)),
                details: json!({ "from": due.user.role, "to": role, "why": "membership re-check" }),
                source_addr: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The provider no longer vouches for the person (`why` says how): the session ends.
pub async fn revoke(store: &Store, due: &DueSession, why: &str) -> Result<(), AccessError> {
    let mut tx = store.begin().await?;
    if sessions::end(&mut tx, &due.session.id_hash, now_millis()).await? {
        audit::record(
            &mut tx,
            NewAuditEvent {
                actor: SYSTEM_ACTOR.to_owned(),
                action: "auth.membership_lost".to_owned(),
                target: format!("user:{}", super::sessions::actor_of(&due.user)),
                details: json!({ "provider": due.user.provider, "why": why }),
                source_addr: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
