//! How an event's hash is computed. Changing this breaks every stored chain, so the
//! encoding is fixed and spelled out: each field is length-prefixed, so no two different
//! events can encode to the same bytes.

use sha2::{Digest, Sha256};

use crate::store::audit_events::AuditRow;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The sha256, in lowercase hex, of the event's fields and its predecessor's hash.
pub fn event_hash(row: &AuditRow) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"nixdeck-audit-v1");
    hasher.update(row.id.to_be_bytes());
    hasher.update(row.created_at.to_be_bytes());
    for field in [
        row.actor.as_str(),
        row.action.as_str(),
        row.target.as_str(),
        row.details.as_str(),
        row.source_addr.as_deref().unwrap_or(""),
        row.prev_hash.as_str(),
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    // An absent source address and an empty one are different facts.
    hasher.update([u8::from(row.source_addr.is_some())]);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AuditRow {
        AuditRow {
            id: 1,
            created_at: 1_700_000_000_000,
            actor: "alice".into(),
            action: "cluster.create".into(),
            target: "cluster:alpha".into(),
            details: "{}".into(),
            source_addr: Some("127.0.0.1".into()),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_hash_is_stable_for_the_same_event() {
        assert_eq!(event_hash(&sample()), event_hash(&sample()));
        assert_eq!(event_hash(&sample()).len(), 64);
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut shifted = sample();
        shifted.actor = "alicecluster.create".into();
        shifted.action = String::new();
        assert_ne!(event_hash(&sample()), event_hash(&shifted));
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = event_hash(&sample());
        let edits: [fn(&mut AuditRow); 8] = [
            |r| r.id = 2,
            |r| r.created_at += 1,
            |r| r.actor.push('x'),
            |r| r.action.push('x'),
            |r| r.target.push('x'),
            |r| r.details = "{\"a\":1}".into(),
            |r| r.source_addr = None,
            |r| r.prev_hash = "1".repeat(64),
        ];
        for edit in edits {
            let mut row = sample();
            edit(&mut row);
            assert_ne!(event_hash(&row), base);
        }
    }
}
