//! What the log retention rule reads and writes: the jobs whose log may go, their lines
//! removed a small batch at a time (so the worker's writes are never held up for long), and
//! the record of what was removed.

use super::{conditions, on_conn, Store, StoreError, Tx};

/// Jobs whose log may go, oldest first, at most `limit`: finished before `finished_before`,
/// not among the `keep` newest jobs of their cluster (or host), and with lines left (a job
/// whose removal was recorded but cut short is found again). The jobs are ranked once per
/// call, so a sweep asks once, not once per group.
pub async fn prunable_jobs(
    store: &Store,
    finished_before: i64,
    keep: i64,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let query = format!(
        "select id from (
             select id, finished_at,
                    row_number() over (partition by cluster
                                       order by created_at desc, id desc) as newest
             from jobs
         ) ranked
         where newest > $1
           and finished_at is not null
           and finished_at < $2
           and exists (select 1 from job_log l where l.job_id = ranked.id)
         order by finished_at
         {}",
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(query))
            .bind(keep)
            .bind(finished_before)
            .fetch_all(conn)
            .await?
    });
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Removes up to `batch` of the job's oldest log lines; returns how many went.
pub async fn delete_oldest_lines(
    store: &Store,
    job_id: &str,
    batch: i64,
) -> Result<u64, StoreError> {
    let query = format!(
        "delete from job_log where job_id = $1 and seq in \
         (select seq from job_log where job_id = $1 order by seq {})",
        conditions::limit(batch)
    );
    let done = on_conn!(pool store, conn => {
        sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(job_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(done)
}

/// How many log lines the job has.
pub async fn lines_of(tx: &mut Tx, job_id: &str) -> Result<i64, StoreError> {
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, (i64,)>("select count(*) from job_log where job_id = $1")
            .bind(job_id)
            .fetch_one(conn)
            .await?
    });
    Ok(row.0)
}

/// Records that the job's log is removed, with how many lines it had; `false` when it was
/// recorded already (by a sweep cut short, or another replica's at the same time).
pub async fn record_removal(
    tx: &mut Tx,
    job_id: &str,
    removed_at: i64,
    lines: i64,
) -> Result<bool, StoreError> {
    let inserted = on_conn!(tx tx, conn => {
        sqlx::query(
            "insert into job_log_removals (job_id, removed_at, lines) values ($1, $2, $3) \
             on conflict (job_id) do nothing",
        )
        .bind(job_id)
        .bind(removed_at)
        .bind(lines)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(inserted == 1)
}

/// When the job's log was removed and how many lines went, if it was.
pub async fn removal_of(store: &Store, job_id: &str) -> Result<Option<(i64, i64)>, StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (i64, i64)>(
            "select removed_at, lines from job_log_removals where job_id = $1",
        )
        .bind(job_id)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}
