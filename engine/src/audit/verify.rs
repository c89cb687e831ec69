//! Walking the chain to prove the log is whole.

use crate::store::{audit_events, Store, StoreError};

use super::{event_hash, GENESIS_HASH};

/// How many events are read per query while verifying.
const BATCH: i64 = 1000;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    /// Every event up to the head read at the start is present, unaltered and in order,
    /// and agrees with the anchor (if one was given).
    Intact { events: i64 },
    /// The first problem found, naming the event.
    Broken { event_id: i64, problem: String },
}

/// Checks that events are numbered 1, 2, 3... without gaps, that each one's hash matches
/// its contents, that each links to its predecessor, and that the chain ends at the head
/// the database recorded and reaches the head recorded outside it (`anchor`, the highest
/// entry of the anchor file), so cutting off the newest events is noticed too. The head is
/// read before the walk, and events committed meanwhile are left for the next run.
pub async fn verify(
    store: &Store,
    anchor: Option<(i64, String)>,
) -> Result<ChainReport, StoreError> {
    let (head_id, head_hash) = audit_events::chain_head(store).await?;
    if let Some((anchored_id, _)) = &anchor {
        if *anchored_id > head_id {
            return Ok(broken(
                head_id + 1,
                &format!(
                    "is missing: the chain ends at event {head_id}, but event {anchored_id} was \
                     recorded outside the database"
                ),
            ));
        }
    }
    let mut expected_id = 1;
    let mut prev_hash = GENESIS_HASH.to_owned();
    while expected_id <= head_id {
        let limit = BATCH.min(head_id - expected_id + 1);
        let batch = audit_events::list_in_chain_order(store, expected_id - 1, limit).await?;
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
            if let Some((anchored_id, anchored_hash)) = &anchor {
                if row.id == *anchored_id && row.hash != *anchored_hash {
                    return Ok(broken(
                        row.id,
                        "is not the event recorded outside the database",
                    ));
                }
            }
            prev_hash = row.hash;
            expected_id += 1;
        }
    }
    if expected_id <= head_id {
        return Ok(broken(expected_id, "is missing"));
    }
    if head_hash != prev_hash {
        return Ok(broken(
            head_id,
            "is not the newest event the chain head recorded",
        ));
    }
    Ok(ChainReport::Intact { events: head_id })
}

fn broken(event_id: i64, problem: &str) -> ChainReport {
    ChainReport::Broken {
        event_id,
        problem: format!("event {event_id} {problem}"),
    }
}
