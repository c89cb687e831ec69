//! Jobs, their steps, the commands they ran on hosts and their log lines, as stored; and the
//! queue's operations (claim with a lease, take over a lapsed lease, renew, finish). The
//! queue knows nothing of what a job does: a job may run when no other job with its
//! concurrency key runs or waits before it, and nothing runs beside an exclusive job on its
//! host.

use std::collections::HashMap;

use super::{
    conditions::{self, bind_conditions, placeholders, Conditions},
    on_conn,
    rows::from_row,
    Store, StoreError, Tx,
};
use crate::model::{
    access::Door,
    job::{CommandEnding, JobKind, JobState, StepState, Stream, Trigger},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: String,
    pub kind: JobKind,
    pub cluster: String,
    /// The identity of the cluster the job belongs to (see `clusters.id`).
    pub cluster_id: String,
    pub state: JobState,
    /// JSON: `model::job::JobParams` for a cluster's job, `MaintenanceParams` for the
    /// builder's and the deployer's own.
    pub params: String,
    pub requested_by: String,
    pub requested_via: Door,
    pub redeploy_of: Option<String>,
    /// The host the job's commands run on.
    pub host: String,
    /// Jobs with the same key run one at a time, in order (a NixOps deployment).
    pub concurrency_key: String,
    /// Nothing else runs on the host beside this job.
    pub exclusive: bool,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<i64>,
    pub cancel_requested_at: Option<i64>,
    /// Where the job came from, and what that names (a GitHub deployment, a Slack user).
    pub trigger_kind: Trigger,
    pub trigger_ref: Option<String>,
    /// Set when the job waits (or waited) for a second admin: when the wait ends.
    pub approval_expires_at: Option<i64>,
    /// JSON: the cluster's `JobParams` when the job was asked for; should the cluster
    /// change while the job waits, it can no longer be approved.
    pub approval_basis: Option<String>,
    /// Who approved or rejected it, when, and what they said.
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_comment: Option<String>,
}

from_row!(JobRow, "jobs", "id", {
    id, kind, cluster, cluster_id, state, params, requested_by, requested_via, redeploy_of,
    host, concurrency_key, exclusive, created_at, started_at, finished_at, error, lease_owner,
    lease_expires_at, cancel_requested_at, trigger_kind, trigger_ref, approval_expires_at,
    approval_basis, decided_by, decided_at, decision_comment,
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub job_id: String,
    pub position: i64,
    pub name: String,
    pub state: StepState,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

from_row!(StepRow, "job_steps", "job_id", {
    job_id, position, name, state, started_at, finished_at,
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub seq: i64,
    pub stream: Stream,
    pub at: i64,
    pub text: String,
}

from_row!(LogRow, "job_log", "seq", { seq, stream, at, text });

/// A command a job step ran (or is running) on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRow {
    pub job_id: String,
    pub step: i64,
    pub ordinal: i64,
    pub host: String,
    pub run_dir: String,
    /// How far its standard output and error are stored in the log, in bytes.
    pub stdout_offset: i64,
    pub stderr_offset: i64,
    pub ending: Option<CommandEnding>,
    pub exit_status: Option<i64>,
    pub started_at: i64,
    pub finished_at: Option<i64>,
}

from_row!(CommandRow, "job_commands", "job_id", {
    job_id, step, ordinal, host, run_dir, stdout_offset, stderr_offset, ending, exit_status,
    started_at, finished_at,
});

/// A line to append; its sequence number is given when it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogLine {
    pub stream: Stream,
    pub at: i64,
    pub text: String,
}

/// How far a command's output is stored, written with the lines that take it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetUpdate {
    pub step: i64,
    pub ordinal: i64,
    pub stream: Stream,
    pub offset: i64,
}

/// What a worker learns when it renews a job's lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// Still this worker's.
    Held,
    /// Still this worker's, and someone asked to cancel the job.
    CancelRequested,
    /// Another worker has the job now, or it has ended.
    Lost,
}

pub(super) const JOB_COLUMNS: &str = "id, kind, cluster, cluster_id, state, params, requested_by, \
    requested_via, redeploy_of, host, concurrency_key, exclusive, created_at, started_at, \
    finished_at, error, lease_owner, lease_expires_at, cancel_requested_at, trigger_kind, \
    trigger_ref, approval_expires_at, approval_basis, decided_by, decided_at, decision_comment";

const COMMAND_COLUMNS: &str = "job_id, step, ordinal, host, run_dir, stdout_offset, \
    stderr_offset, ending, exit_status, started_at, finished_at";

pub async fn insert(tx: &mut Tx, job: &JobRow, steps: &[String]) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into jobs (id, kind, cluster, cluster_id, state, params, requested_by,
                                 requested_via, redeploy_of, host, concurrency_key, exclusive,
                                 created_at, trigger_kind, trigger_ref, approval_expires_at,
                                 approval_basis)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                       $17)"#,
        )
        .bind(&job.id)
        .bind(job.kind)
        .bind(&job.cluster)
        .bind(&job.cluster_id)
        .bind(job.state)
        .bind(&job.params)
        .bind(&job.requested_by)
        .bind(job.requested_via)
        .bind(&job.redeploy_of)
        .bind(&job.host)
        .bind(&job.concurrency_key)
        .bind(job.exclusive)
        .bind(job.created_at)
        .bind(job.trigger_kind)
        .bind(&job.trigger_ref)
        .bind(job.approval_expires_at)
        .bind(&job.approval_basis)
        .execute(&mut *conn)
        .await?;
        for (position, name) in steps.iter().enumerate() {
            sqlx::query(
                r#"insert into job_steps (job_id, position, name, state) values ($1, $2, $3, $4)"#,
            )
            .bind(&job.id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(name)
            .bind(StepState::Pending)
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

/// The same inside a transaction; on PostgreSQL the row stays locked until it ends.
pub async fn find_in(tx: &mut Tx, id: &str) -> Result<Option<JobRow>, StoreError> {
    let query = format!(
        "select {JOB_COLUMNS} from jobs where id = $1{}",
        tx.for_update()
    );
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// Jobs newest first, of one cluster or of all, on one host or on all, at most `limit`.
pub async fn list(
    store: &Store,
    cluster: Option<&str>,
    host: Option<&str>,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    // Only the filters given, so a cluster's jobs are read through its index (see
    // `conditions`), not found by reading every job newest first.
    let mut conditions = Conditions::default();
    conditions.text("cluster =", cluster);
    conditions.text("host =", host);
    let query = format!(
        "select {JOB_COLUMNS} from jobs {} order by id desc {}",
        conditions.clause(),
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        bind_conditions!(sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query)), conditions)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// The newest finished creates and deploys of `cluster`, newest first, at most `limit`:
/// each kind read on its own through the `(cluster, kind, id)` index, so the checks and
/// other jobs run since cost nothing, however many there are.
pub async fn finished_deploys(
    store: &Store,
    cluster: &str,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    // Each placeholder used once, numbered in order, the same on both databases.
    let query = format!(
        "select * from (select {JOB_COLUMNS} from jobs
                        where cluster = $1 and kind = $2 and finished_at is not null
                        order by id desc limit $3) as creates
         union all
         select * from (select {JOB_COLUMNS} from jobs
                        where cluster = $4 and kind = $5 and finished_at is not null
                        order by id desc limit $6) as deploys
         order by id desc limit $7"
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(cluster)
            .bind(JobKind::Create)
            .bind(limit)
            .bind(cluster)
            .bind(JobKind::Deploy)
            .bind(limit)
            .bind(limit)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// The newest job of each cluster in `cluster_ids`, in one query: each is found through
/// the `(cluster, id)` index, however many jobs there are.
pub async fn newest_of_clusters(
    store: &Store,
    cluster_ids: &[String],
) -> Result<Vec<JobRow>, StoreError> {
    if cluster_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = placeholders(1, cluster_ids.len());
    let query = format!(
        "select {JOB_COLUMNS} from jobs where id in (
             select (select j.id from jobs j where j.cluster = c.name and j.cluster_id = c.id
                     order by j.id desc limit 1)
             from clusters c where c.id in ({placeholders}))"
    );
    let rows = on_conn!(pool store, conn => {
        let mut select = sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query));
        for id in cluster_ids {
            select = select.bind(id);
        }
        select.fetch_all(conn).await?
    });
    Ok(rows)
}

/// The cluster's newest job of `kind` that has ended.
pub async fn last_ended(
    store: &Store,
    cluster_id: &str,
    cluster: &str,
    kind: JobKind,
) -> Result<Option<JobRow>, StoreError> {
    let query = format!(
        "select {JOB_COLUMNS} from jobs
         where cluster = $1 and cluster_id = $2 and kind = $3 and finished_at is not null
         order by id desc limit 1"
    );
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(cluster)
            .bind(cluster_id)
            .bind(kind)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// How the newest finished job of `kind` of each cluster in `cluster_ids` ended, by cluster
/// id, in one query: each found through the `(cluster, id)` index, however many jobs there
/// are.
pub async fn last_ended_states(
    store: &Store,
    cluster_ids: &[String],
    kind: JobKind,
) -> Result<HashMap<String, JobState>, StoreError> {
    if cluster_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // `$1` is the kind; the clusters' ids follow.
    let placeholders = placeholders(2, cluster_ids.len());
    let query = format!(
        "select c.id, (select j.state from jobs j
                       where j.cluster = c.name and j.cluster_id = c.id and j.kind = $1
                         and j.finished_at is not null
                       order by j.id desc limit 1)
         from clusters c where c.id in ({placeholders})"
    );
    let rows = on_conn!(pool store, conn => {
        let mut select = sqlx::query_as::<_, (String, Option<JobState>)>(sqlx::AssertSqlSafe(query))
            .bind(kind);
        for id in cluster_ids {
            select = select.bind(id);
        }
        select.fetch_all(conn).await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(cluster, state)| Some((cluster, state?)))
        .collect())
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

/// The steps of every job in `job_ids`, in one query (lists of jobs never ask once per
/// job), ordered by job and position.
pub async fn steps_of(store: &Store, job_ids: &[String]) -> Result<Vec<StepRow>, StoreError> {
    if job_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = placeholders(1, job_ids.len());
    let query = format!(
        "select job_id, position, name, state, started_at, finished_at from job_steps \
         where job_id in ({placeholders}) order by job_id, position"
    );
    let rows = on_conn!(pool store, conn => {
        let mut select = sqlx::query_as::<_, StepRow>(sqlx::AssertSqlSafe(query));
        for id in job_ids {
            select = select.bind(id);
        }
        select.fetch_all(conn).await?
    });
    Ok(rows)
}

/// Whether the cluster has a job waiting for approval, queued or running.
pub async fn has_open_job(tx: &mut Tx, cluster: &str) -> Result<bool, StoreError> {
    let count: i64 = on_conn!(tx tx, conn => {
        sqlx::query_scalar(
            r#"select count(*) from jobs where cluster = $1 and state in ($2, $3, $4)"#,
        )
        .bind(cluster)
        .bind(JobState::AwaitingApproval)
        .bind(JobState::Queued)
        .bind(JobState::Running)
        .fetch_one(conn)
        .await?
    });
    Ok(count > 0)
}

/// Claims the oldest queued job that may run now, for `owner`, leased until `lease_until`.
/// A job may run when no job with its concurrency key is running or queued before it; when
/// no exclusive job runs on its host, or waits there before it; and, if it is exclusive
/// itself, when nothing runs on its host. The claim runs in one transaction that holds the
/// queue's lock (SQLite's write lock; a transaction-scoped advisory lock on PostgreSQL), so
/// two workers never pick jobs that may not run together.
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
                     where o.concurrency_key = j.concurrency_key
                       and (o.state = 'running' or (o.state = 'queued' and o.id < j.id)))
                 and not exists (
                     select 1 from jobs x
                     where x.host = j.host and x.exclusive
                       and (x.state = 'running' or (x.state = 'queued' and x.id < j.id)))
                 and (not j.exclusive
                      or not exists (
                          select 1 from jobs r where r.host = j.host and r.state = 'running'))
               order by j.id
               limit 1)
             and state = 'queued'
           returning {JOB_COLUMNS}"#
    );
    let mut tx = store.begin().await?;
    let postgres = tx.is_postgres();
    let row = on_conn!(tx &mut tx, conn => {
        if postgres {
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

/// Takes over the oldest running job whose lease lapsed before `now` (its worker is gone:
/// stopped, crashed, or cut off), for `owner`, to continue it.
pub async fn take_over(
    store: &Store,
    owner: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<JobRow>, StoreError> {
    let query = format!(
        r#"update jobs set lease_owner = $1, lease_expires_at = $2
           where id = (
               select id from jobs
               where state = 'running' and (lease_expires_at is null or lease_expires_at < $3)
               order by id
               limit 1)
             and state = 'running' and (lease_expires_at is null or lease_expires_at < $3)
           returning {JOB_COLUMNS}"#
    );
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(query))
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// Lets the leases of running jobs lapse at once, so they are taken over without waiting:
/// those of `owner` (a worker stopping), or all of them (`None`: the only nixdeck on this
/// database is starting, so no running job has a live worker).
pub async fn release_leases(store: &Store, owner: Option<&str>) -> Result<u64, StoreError> {
    let released = on_conn!(pool store, conn => {
        sqlx::query(
            r#"update jobs set lease_expires_at = 0
               where state = 'running' and ($1 is null or lease_owner = $1)"#,
        )
        .bind(owner)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(released)
}

/// Extends the lease of a job `owner` is running, and says whether a cancel was asked for.
pub async fn renew(
    store: &Store,
    id: &str,
    owner: &str,
    lease_until: i64,
) -> Result<Lease, StoreError> {
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
    Ok(match row {
        None => Lease::Lost,
        Some((None,)) => Lease::Held,
        Some((Some(_),)) => Lease::CancelRequested,
    })
}

pub async fn set_step(
    store: &Store,
    job_id: &str,
    position: i64,
    state: StepState,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"update job_steps
               set state = $3,
                   started_at = case when $4 then coalesce(started_at, $5) else started_at end,
                   finished_at = case when $6 and started_at is not null then $5
                                      else finished_at end
               where job_id = $1 and position = $2"#,
        )
        .bind(job_id)
        .bind(position)
        .bind(state)
        .bind(state == StepState::Running)
        .bind(now)
        .bind(matches!(state, StepState::Succeeded | StepState::Failed | StepState::Cancelled))
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Gives a job its final state (if it has not one yet, and, with `owner`, only while that
/// worker holds it); steps still pending or running become `cancelled`. Returns whether it
/// was this call that ended the job. A job waiting for approval ends here when cancelled,
/// rejected or expired.
pub async fn finish(
    tx: &mut Tx,
    id: &str,
    owner: Option<&str>,
    state: JobState,
    error: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = on_conn!(tx tx, conn => {
        let changed = sqlx::query(
            r#"update jobs set state = $2, error = $3, finished_at = $4, lease_owner = null,
                              lease_expires_at = null
               where id = $1 and state in ('awaiting_approval', 'queued', 'running')
                 and ($5 is null or lease_owner = $5)"#,
        )
        .bind(id)
        .bind(state)
        .bind(error)
        .bind(now)
        .bind(owner)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if changed > 0 {
            sqlx::query(
                r#"update job_steps
                   set finished_at = case when state = 'running' then $2 else finished_at end,
                       state = $3
                   where job_id = $1 and state in ('pending', 'running')"#,
            )
            .bind(id)
            .bind(now)
            .bind(StepState::Cancelled)
            .execute(&mut *conn)
            .await?;
        }
        changed
    });
    Ok(changed > 0)
}

/// Records that someone asked to cancel the job.
pub async fn request_cancel(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update jobs set cancel_requested_at = coalesce(cancel_requested_at, $2)
               where id = $1"#,
        )
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Appends lines after the job's last one and moves the offsets of the commands they came
/// from, in one transaction, while `owner` holds the job's lease. Sequence numbers are
/// given here, inside the transaction, so two writers can never take the same one.
/// Returns the first line's sequence number, or `None` if the lease is gone.
pub async fn append_log(
    store: &Store,
    job_id: &str,
    owner: &str,
    lines: &[NewLogLine],
    offsets: &[OffsetUpdate],
) -> Result<Option<i64>, StoreError> {
    let mut tx = store.begin().await?;
    // The job's row stays locked (on PostgreSQL) until the lines are in. The last line is
    // read only once the lock is held: a query that waited for it would still see the
    // lines as they were when it began.
    let lease_query = format!(
        "select lease_owner from jobs where id = $1{}",
        tx.for_update()
    );
    let first = on_conn!(tx &mut tx, conn => {
        let holder: Option<(Option<String>,)> =
            sqlx::query_as(sqlx::AssertSqlSafe(lease_query))
                .bind(job_id)
                .fetch_optional(&mut *conn)
                .await?;
        match holder {
            Some((Some(holder),)) if holder == owner => {
                let last: Option<i64> =
                    sqlx::query_scalar(r#"select max(seq) from job_log where job_id = $1"#)
                        .bind(job_id)
                        .fetch_one(&mut *conn)
                        .await?;
                let first = last.unwrap_or(0) + 1;
                let mut seq = first;
                // Bounded batches keep each statement under both engines' parameter limits.
                for chunk in lines.chunks(500) {
                    let mut insert = sqlx::QueryBuilder::new(
                        "insert into job_log (job_id, seq, stream, at, text) ",
                    );
                    insert.push_values(chunk, |mut row, line| {
                        row.push_bind(job_id)
                            .push_bind(seq)
                            .push_bind(line.stream)
                            .push_bind(line.at)
                            .push_bind(&line.text);
                        seq += 1;
                    });
                    insert.build().execute(&mut *conn).await?;
                }
                for update in offsets {
                    let query = if update.stream == Stream::Stdout {
                        r#"update job_commands set stdout_offset = $4
                           where job_id = $1 and step = $2 and ordinal = $3 and stdout_offset < $4"#
                    } else {
                        r#"update job_commands set stderr_offset = $4
                           where job_id = $1 and step = $2 and ordinal = $3 and stderr_offset < $4"#
                    };
                    sqlx::query(query)
                        .bind(job_id)
                        .bind(update.step)
                        .bind(update.ordinal)
                        .bind(update.offset)
                        .execute(&mut *conn)
                        .await?;
                }
                Some(first)
            }
            _ => None,
        }
    });
    if first.is_some() {
        tx.commit().await?;
    }
    Ok(first)
}

/// Log lines after `after_seq`, in order, at most `limit`.
pub async fn log_after(
    store: &Store,
    job_id: &str,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<LogRow>, StoreError> {
    let query = format!(
        "select seq, stream, at, text from job_log where job_id = $1 and seq > $2 order by seq {}",
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(query))
            .bind(job_id)
            .bind(after_seq)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Reads a job's log forward from a point, a page at a time, so however long the log,
/// memory stays bounded.
#[derive(Debug, Clone)]
pub struct LogPages {
    job_id: String,
    last: i64,
    finished: bool,
}

impl LogPages {
    const PAGE: i64 = 2000;

    /// The lines after `seq`.
    pub fn after(job_id: &str, seq: i64) -> LogPages {
        LogPages {
            job_id: job_id.to_owned(),
            last: seq,
            finished: false,
        }
    }

    /// The next page, or `None` once the lines stored when it was asked are read.
    pub async fn next(&mut self, store: &Store) -> Result<Option<Vec<LogRow>>, StoreError> {
        if self.finished {
            return Ok(None);
        }
        let rows = log_after(store, &self.job_id, self.last, Self::PAGE).await?;
        self.finished = (rows.len() as i64) < Self::PAGE;
        match rows.last() {
            Some(row) => self.last = row.seq,
            None => return Ok(None),
        }
        Ok(Some(rows))
    }
}

/// The `limit` lines before `before_seq` (all lines when `None`), newest last.
pub async fn log_before(
    store: &Store,
    job_id: &str,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<LogRow>, StoreError> {
    let query = format!(
        "select seq, stream, at, text from job_log \
         where job_id = $1 and ($2 is null or seq < $2) order by seq desc {}",
        conditions::limit(limit)
    );
    let mut rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, LogRow>(sqlx::AssertSqlSafe(query))
            .bind(job_id)
            .bind(before_seq)
            .fetch_all(conn)
            .await?
    });
    rows.reverse();
    Ok(rows)
}

/// A command the job's step ran, if it was ever begun.
pub async fn command(
    store: &Store,
    job_id: &str,
    step: i64,
    ordinal: i64,
) -> Result<Option<CommandRow>, StoreError> {
    let query = format!(
        "select {COMMAND_COLUMNS} from job_commands where job_id = $1 and step = $2 and ordinal = $3"
    );
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, CommandRow>(sqlx::AssertSqlSafe(query))
            .bind(job_id)
            .bind(step)
            .bind(ordinal)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// Records a command before it is started: from then on, it may be running on its host.
pub async fn begin_command(store: &Store, row: &CommandRow) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"insert into job_commands (job_id, step, ordinal, host, run_dir, started_at)
               values ($1, $2, $3, $4, $5, $6)
               on conflict (job_id, step, ordinal) do nothing"#,
        )
        .bind(&row.job_id)
        .bind(row.step)
        .bind(row.ordinal)
        .bind(&row.host)
        .bind(&row.run_dir)
        .bind(row.started_at)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Records how a command ended (its output is stored by then).
pub async fn end_command(
    store: &Store,
    job_id: &str,
    step: i64,
    ordinal: i64,
    ending: CommandEnding,
    exit_status: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"update job_commands set ending = $4, exit_status = $5, finished_at = $6
               where job_id = $1 and step = $2 and ordinal = $3"#,
        )
        .bind(job_id)
        .bind(step)
        .bind(ordinal)
        .bind(ending)
        .bind(exit_status)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}
