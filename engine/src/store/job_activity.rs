//! How many jobs ended on each day, by final state: one aggregate over the index on
//! `finished_at`, however many jobs there are.

use super::{on_conn, Store, StoreError};
use crate::model::job::JobState;

/// The length of a day in milliseconds.
pub const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// (day number since the epoch, state, count) of the jobs that ended at or after `since`.
pub async fn ended_per_day(
    store: &Store,
    since: i64,
) -> Result<Vec<(i64, JobState, i64)>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (i64, JobState, i64)>(
            "select finished_at / $1 as day, state, count(*) from jobs \
             where finished_at >= $2 group by finished_at / $1, state",
        )
        .bind(DAY_MILLIS)
        .bind(since)
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}
