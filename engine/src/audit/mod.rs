//! The audit log: who did what to which target, when and from where. Every event is
//! written in the same transaction as the change it describes, and the events form a hash
//! chain, so that `verify` can prove that none was altered or removed afterwards.

mod anchor;
mod chain;
mod verify;

pub use anchor::{read_highest as read_anchor, AuditAnchor};
pub use chain::{event_hash, GENESIS_HASH};
pub use verify::{verify, ChainReport};

use serde_json::Value;

use crate::store::{audit_events, now_millis, StoreError, Tx};

pub use crate::store::audit_events::{AuditFilter, AuditRow};

/// An event about to be recorded. `details` must never carry a secret value: callers pass
/// names and sizes of secrets, never their contents.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NewAuditEvent {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: Value,
    pub source_addr: Option<String>,
}

/// Appends `event` to the chain inside `tx`; it becomes visible only if `tx` commits, and
/// then together with the change it describes.
pub async fn record(tx: &mut Tx, event: NewAuditEvent) -> Result<AuditRow, StoreError> {
    let (id, prev_hash) = audit_events::advance_chain_head(tx).await?;
    // Hashed exactly as stored: verification reads the same text back.
    let details = event.details.to_string();
    let mut row = AuditRow {
        id,
        created_at: now_millis(),
        actor: event.actor,
        action: event.action,
        target: event.target,
        details,
        source_addr: event.source_addr,
        prev_hash,
        hash: String::new(),
    };
    row.hash = event_hash(&row);
    audit_events::insert(tx, &row).await?;
    audit_events::set_chain_head_hash(tx, &row.hash).await?;
    tx.note_audit_head(row.id, &row.hash);
    Ok(row)
}

/// Events matching `filter`, newest first.
pub async fn list(
    store: &crate::store::Store,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    audit_events::list(store, filter, limit).await
}
