//! What a metrics scrape reads from the database: state every replica shares, so each
//! reports the same numbers and none of them drifts after a restart. Each is one aggregate
//! query; the queue's and the audit chain's are answered from an index.

use super::{on_conn, Store, StoreError};
use crate::model::job::{JobKind, JobState};

/// How many jobs there are of each kind in each state: (kind, state, count).
pub async fn job_counts(store: &Store) -> Result<Vec<(JobKind, JobState, i64)>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (JobKind, JobState, i64)>(
            "select kind, state, count(*) from jobs group by kind, state",
        )
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}

/// The queue: how many jobs wait for a worker, and when the oldest of them was queued.
pub async fn queue(store: &Store) -> Result<(i64, Option<i64>), StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (i64, Option<i64>)>(
            "select count(*), min(created_at) from jobs where state = $1",
        )
        .bind("queued")
        .fetch_one(conn)
        .await?
    });
    Ok(row)
}

/// How many audit events have been written: the chain's newest position (positions start
/// at 1 and have no gaps).
pub async fn audit_events_written(store: &Store) -> Result<i64, StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (Option<i64>,)>("select max(id) from audit_events")
            .fetch_one(conn)
            .await?
    });
    Ok(row.0.unwrap_or(0))
}
