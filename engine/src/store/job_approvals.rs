//! The two-person rule as stored: jobs waiting for a second admin, the decision on one,
//! and those whose wait is over. A waiting job is an ordinary `jobs` row in state
//! `awaiting_approval`; the queue never looks at it, so it holds no lock.

use super::{jobs::JOB_COLUMNS, on_conn, Store, StoreError, Tx};
use crate::store::jobs::JobRow;

/// Jobs waiting for approval, oldest first.
pub async fn awaiting(store: &Store) -> Result<Vec<JobRow>, StoreError> {
    let query = format!(
        "select {JOB_COLUMNS} from jobs where state = 'awaiting_approval' order by id limit 200"
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// The jobs of one cluster that wait for approval; on PostgreSQL they stay locked until the
/// transaction ends.
pub async fn awaiting_on_cluster(tx: &mut Tx, cluster_id: &str) -> Result<Vec<JobRow>, StoreError> {
    let query = format!(
        "select {JOB_COLUMNS} from jobs where cluster_id = $1 and state = 'awaiting_approval' \
         order by id{}",
        tx.for_update()
    );
    let rows = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(cluster_id)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Waiting jobs whose time ran out by `now`. On PostgreSQL the rows are locked, and rows
/// another replica holds are skipped (it is expiring them).
pub async fn overdue(tx: &mut Tx, now: i64) -> Result<Vec<JobRow>, StoreError> {
    let lock = if tx.is_postgres() {
        " for update skip locked"
    } else {
        ""
    };
    let query = format!(
        "select {JOB_COLUMNS} from jobs where state = 'awaiting_approval' \
         and approval_expires_at <= $1 order by id limit 100{lock}"
    );
    let rows = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(now)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// The cluster a job belongs to, read without locking the job.
pub async fn cluster_id_of(tx: &mut Tx, job_id: &str) -> Result<Option<String>, StoreError> {
    let cluster = on_conn!(tx tx, conn => {
        sqlx::query_scalar("select cluster_id from jobs where id = $1")
            .bind(job_id)
            .fetch_optional(conn)
            .await?
    });
    Ok(cluster)
}

/// Approves a waiting job: it joins the queue. Returns whether it was waiting.
pub async fn approve(
    tx: &mut Tx,
    id: &str,
    by: &str,
    comment: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update jobs set state = 'queued', decided_by = $2, decided_at = $3,
                              decision_comment = $4
               where id = $1 and state = 'awaiting_approval'"#,
        )
        .bind(id)
        .bind(by)
        .bind(now)
        .bind(comment)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(changed > 0)
}

/// Records who decided on a job (a rejection, once the job has ended with `finish`).
pub async fn record_decision(
    tx: &mut Tx,
    id: &str,
    by: &str,
    comment: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update jobs set decided_by = $2, decided_at = $3, decision_comment = $4
               where id = $1"#,
        )
        .bind(id)
        .bind(by)
        .bind(now)
        .bind(comment)
        .execute(conn)
        .await?;
    });
    Ok(())
}
