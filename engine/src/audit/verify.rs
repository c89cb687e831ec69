//! Walking the chain to prove the log is whole.

use crate::store::{audit_events, Store, StoreError};

use super::{event_hash, GENESIS_HASH};

/// How many events are read per query while verifying.
const BATCH: i64 = 1000;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    /// Every event is present, unaltered and in order.
    Intact { events: i64 },
    /// The first problem found, naming the event.
    Broken { event_id: i64, problem: String },
}

/// Checks that events are numbered 1, 2, 3... without gaps, that each one's hash matches
/// its contents, that each links to its predecessor, and that the newest one is the one
/// the chain head recorded (so cutting off the tail is noticed too).
pub async fn verify(store: &Store) -> Result<ChainReport, StoreError> {
    let mut expected_id = 1;
    let mut prev_hash = GENESIS_HASH.to_owned();
    loop {
        let batch = audit_events::list_in_chain_order(store, expected_id - 1, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            if row.id != expected_id {
                return Ok(broken(expected_id, "is missing"));
            }
            if row.prev_hash != prev_hash {
                return Ok(broken(row.id, "does not link to the event before it"));
            }
            if event_hash(&row) != row.hash {
                return Ok(broken(row.id, "was altered"));
            }
            prev_hash = row.hash;
            expected_id += 1;
        }
    }
    let (head_id, head_hash) = audit_events::chain_head(store).await?;
    if head_id >= expected_id {
        return Ok(broken(expected_id, "is missing"));
    }
    if head_id != expected_id - 1 || head_hash != prev_hash {
        return Ok(broken(
            expected_id - 1,
            "is not the newest event the chain head recorded",
        ));
    }
    Ok(ChainReport::Intact {
        events: expected_id - 1,
    })
}

fn broken(event_id: i64, problem: &str) -> ChainReport {
    ChainReport::Broken {
        event_id,
        problem: format!("event {event_id} {problem}"),
    }
}
