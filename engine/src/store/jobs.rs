//! Jobs, their steps and their log lines, as stored; and the queue operations (claim with
//! a lease, renew, finish, find the orphans of a worker that went away).

use super::{on_conn, Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub cluster: String,
    pub state: String,
    /// JSON: `model::job::JobParams`.
    pub params: String,
    pub requested_by: String,
    pub redeploy_of: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<i64>,
    pub cancel_requested_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StepRow {
    pub job_id: String,
    pub position: i64,
    pub name: String,
    pub state: String,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogRow {
    pub seq: i64,
    pub stream: String,
    pub at: i64,
    pub text: String,
}

/// The deployment every other job must wait for, and that waits for every other job: all
/// NixOps deployments on a deployer share its state file.
pub const DEPLOYER: &str = "deployer";

const JOB_COLUMNS: &str = "id, kind, cluster, state, params, requested_by, redeploy_of, \
    created_at, started_at, finished_at, error, lease_owner, lease_expires_at, cancel_requested_at";

pub async fn insert(tx: &mut Tx, job: &JobRow, steps: &[String]) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into jobs (id, kind, cluster, state, params, requested_by, redeploy_of,
                                 created_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        )
        .bind(&job.id)
        .bind(&job.kind)
        .bind(&job.cluster)
        .bind(&job.state)
        .bind(&job.params)
        .bind(&job.requested_by)
        .bind(&job.redeploy_of)
        .bind(job.created_at)
        .execute(&mut *conn)
        .await?;
        for (position, name) in steps.iter().enumerate() {
            sqlx::query(
                r#"insert into job_steps (job_id, position, name, state) values ($1, $2, $3, 'pending')"#,
            )
            .bind(&job.id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(name)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

pub async fn find(store: &Store, id: &str) -> Result<Option<JobRow>, StoreError> {
    let query = format!("select {JOB_COLUMNS} from jobs where id = $1");
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// Jobs newest first, of one cluster or of all, at most `limit`.
pub async fn list(
    store: &Store,
    cluster: Option<&str>,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    let query = format!(
        "select {JOB_COLUMNS} from jobs where ($1 is null or cluster = $1) order by id desc limit $2"
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(cluster)
            .bind(limit)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

pub async fn steps(store: &Store, job_id: &str) -> Result<Vec<StepRow>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, StepRow>(
            r#"select job_id, position, name, state, started_at, finished_at
               from job_steps where job_id = $1 order by position"#,
        )
        .bind(job_id)
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}

/// Whether the cluster has a job queued or running.
pub async fn has_open_job(tx: &mut Tx, cluster: &str) -> Result<bool, StoreError> {
    let count: i64 = on_conn!(tx tx, conn => {
        sqlx::query_scalar(
            r#"select count(*) from jobs where cluster = $1 and state in ('queued', 'running')"#,
        )
        .bind(cluster)
        .fetch_one(conn)
        .await?
    });
    Ok(count > 0)
}

/// Claims the next job that may run now, for `owner`, leased until `lease_until`. A job
/// may run when no job of its deployment is running and none older is queued before it,
/// and the deployer rule holds: nothing runs beside a job on the deployer deployment.
/// The claim runs in one transaction that holds the queue's lock (SQLite's write lock; a
/// transaction-scoped advisory lock on PostgreSQL), so two workers never pick jobs that
/// may not run together.
pub async fn claim(
    store: &Store,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<JobRow>, StoreError> {
    let query = format!(
        r#"update jobs set state = 'running', lease_owner = $1, lease_expires_at = $2,
                          started_at = $3
           where id = (
               select j.id from jobs j
               where j.state = 'queued'
                 and not exists (
                     select 1 from jobs o
                     where o.cluster = j.cluster
                       and (o.state = 'running' or (o.state = 'queued' and o.id < j.id)))
                 and not exists (
                     select 1 from jobs d where d.state = 'running' and d.cluster = '{DEPLOYER}')
                 and (j.cluster <> '{DEPLOYER}'
                      or not exists (select 1 from jobs r where r.state = 'running'))
               order by j.id
               limit 1)
             and state = 'queued'
           returning {JOB_COLUMNS}"#
    );
    let mut tx = store.begin().await?;
    let row = on_conn!(tx &mut tx, conn => {
        if matches!(store, Store::Postgres(_)) {
            sqlx::query("select pg_advisory_xact_lock(7261)")
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .fetch_optional(&mut *conn)
            .await?
    });
    tx.commit().await?;
    Ok(row)
}

/// Extends the lease of a job `owner` is running. Returns `None` if the job is no longer
/// this worker's, else whether a cancel was asked for.
pub async fn renew(
    store: &Store,
    id: &str,
    owner: &str,
    lease_until: i64,
) -> Result<Option<bool>, StoreError> {
    let row: Option<(Option<i64>,)> = on_conn!(pool store, conn => {
        sqlx::query_as(
            r#"update jobs set lease_expires_at = $3
               where id = $1 and lease_owner = $2 and state = 'running'
               returning cancel_requested_at"#,
        )
        .bind(id)
        .bind(owner)
        .bind(lease_until)
        .fetch_optional(conn)
        .await?
    });
    Ok(row.map(|(cancel,)| cancel.is_some()))
}

pub async fn set_step(
    store: &Store,
    job_id: &str,
    position: i64,
    state: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"update job_steps
               set state = $3,
                   started_at = case when $3 = 'running' then $4 else started_at end,
                   finished_at = case when $3 in ('succeeded', 'failed', 'cancelled')
                                           and started_at is not null then $4
                                      else finished_at end
               where job_id = $1 and position = $2"#,
        )
        .bind(job_id)
        .bind(position)
        .bind(state)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Gives a job its final state; steps still pending or running become `cancelled`.
/// Returns false if the job was already final.
pub async fn finish(
    tx: &mut Tx,
    id: &str,
    state: &str,
    error: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = on_conn!(tx tx, conn => {
        let changed = sqlx::query(
            r#"update jobs set state = $2, error = $3, finished_at = $4, lease_owner = null,
                              lease_expires_at = null
               where id = $1 and state in ('queued', 'running')"#,
        )
        .bind(id)
        .bind(state)
        .bind(error)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        sqlx::query(
            r#"update job_steps
               set finished_at = case when state = 'running' then $2 else finished_at end,
                   state = 'cancelled'
               where job_id = $1 and state in ('pending', 'running')"#,
        )
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        changed
    });
    Ok(changed > 0)
}

/// Records that someone asked to cancel the job. Returns its state at that moment.
pub async fn request_cancel(tx: &mut Tx, id: &str, now: i64) -> Result<Option<String>, StoreError> {
    let state: Option<(String,)> = on_conn!(tx tx, conn => {
        sqlx::query_as(
            r#"update jobs set cancel_requested_at = coalesce(cancel_requested_at, $2)
               where id = $1
               returning state"#,
        )
        .bind(id)
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    Ok(state.map(|(state,)| state))
}

/// Running jobs whose worker is gone: all of them (`lapsed_before` = `None`, when this is
/// the only nixdeck on the database), or those whose lease lapsed before the given time.
pub async fn orphans(store: &Store, lapsed_before: Option<i64>) -> Result<Vec<JobRow>, StoreError> {
    let query = format!(
        "select {JOB_COLUMNS} from jobs where state = 'running' \
         and ($1 is null or lease_expires_at < $1) order by id"
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(lapsed_before)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Appends log lines in one transaction. Their `seq` values must continue the job's log.
pub async fn append_log(store: &Store, job_id: &str, lines: &[LogRow]) -> Result<(), StoreError> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    // Bounded batches keep each statement under both engines' parameter limits.
    for chunk in lines.chunks(500) {
        on_conn!(tx &mut tx, conn => {
            let mut insert = sqlx::QueryBuilder::new("insert into job_log (job_id, seq, stream, at, text) ");
            insert.push_values(chunk, |mut row, line| {
                row.push_bind(job_id)
                    .push_bind(line.seq)
                    .push_bind(&line.stream)
                    .push_bind(line.at)
                    .push_bind(&line.text);
            });
            insert.build().execute(&mut *conn).await?;
        });
    }
    tx.commit().await?;
    Ok(())
}

/// Log lines after `after_seq`, in order, at most `limit`.
pub async fn log_after(
    store: &Store,
    job_id: &str,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<LogRow>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, LogRow>(
            r#"select seq, stream, at, text from job_log
               where job_id = $1 and seq > $2 order by seq limit $3"#,
        )
        .bind(job_id)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}

/// The highest `seq` in the job's log (0 for none).
pub async fn last_seq(store: &Store, job_id: &str) -> Result<i64, StoreError> {
    let seq: Option<i64> = on_conn!(pool store, conn => {
        sqlx::query_scalar(r#"select max(seq) from job_log where job_id = $1"#)
            .bind(job_id)
            .fetch_one(conn)
            .await?
    });
    Ok(seq.unwrap_or(0))
}
