//! Cluster schedules as stored, and the compare-and-set that makes each run happen once
//! however many replicas look at it.

use super::{on_conn, Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRow {
    pub cluster_id: String,
    pub check_cron: Option<String>,
    pub redeploy_cron: Option<String>,
    pub check_last_at: i64,
    pub redeploy_last_at: i64,
    /// When each last ran, if it has.
    pub check_ran_at: Option<i64>,
    pub redeploy_ran_at: Option<i64>,
    pub updated_by: String,
    pub updated_at: i64,
}

const COLUMNS: &str = "cluster_id, check_cron, redeploy_cron, check_last_at, redeploy_last_at, \
    check_ran_at, redeploy_ran_at, updated_by, updated_at";

/// Which of a cluster's schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Check,
    Redeploy,
}

impl Which {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Which::Check => ("check_last_at", "check_ran_at"),
            Which::Redeploy => ("redeploy_last_at", "redeploy_ran_at"),
        }
    }
}

pub async fn find(store: &Store, cluster_id: &str) -> Result<Option<ScheduleRow>, StoreError> {
    let query = format!("select {COLUMNS} from cluster_schedules where cluster_id = $1");
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ScheduleRow>(sqlx::AssertSqlSafe(query))
            .bind(cluster_id)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

pub async fn all(store: &Store) -> Result<Vec<ScheduleRow>, StoreError> {
    let query = format!("select {COLUMNS} from cluster_schedules");
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ScheduleRow>(sqlx::AssertSqlSafe(query))
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Stores a cluster's schedules, replacing what it had.
pub async fn put(tx: &mut Tx, row: &ScheduleRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into cluster_schedules (cluster_id, check_cron, redeploy_cron,
                                              check_last_at, redeploy_last_at, updated_by,
                                              updated_at)
               values ($1, $2, $3, $4, $5, $6, $7)
               on conflict (cluster_id) do update set
                   check_cron = excluded.check_cron, redeploy_cron = excluded.redeploy_cron,
                   check_last_at = excluded.check_last_at,
                   redeploy_last_at = excluded.redeploy_last_at,
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at"#,
        )
        .bind(&row.cluster_id)
        .bind(&row.check_cron)
        .bind(&row.redeploy_cron)
        .bind(row.check_last_at)
        .bind(row.redeploy_last_at)
        .bind(&row.updated_by)
        .bind(row.updated_at)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Stores the default schedules of a cluster that has none yet (another replica may have
/// just done it: then nothing changes).
pub async fn put_default(store: &Store, row: &ScheduleRow) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"insert into cluster_schedules (cluster_id, check_cron, redeploy_cron,
                                              check_last_at, redeploy_last_at, updated_by,
                                              updated_at)
               values ($1, $2, $3, $4, $5, $6, $7) on conflict (cluster_id) do nothing"#,
        )
        .bind(&row.cluster_id)
        .bind(&row.check_cron)
        .bind(&row.redeploy_cron)
        .bind(row.check_last_at)
        .bind(row.redeploy_last_at)
        .bind(&row.updated_by)
        .bind(row.updated_at)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Takes a run: moves the schedule's last run from `seen` to `now` (and records it ran).
/// Only one caller can move it from `seen`; `false` for the others.
pub async fn claim(
    tx: &mut Tx,
    cluster_id: &str,
    which: Which,
    seen: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let (last, ran) = which.columns();
    let query = format!(
        "update cluster_schedules set {last} = $3, {ran} = $3 \
         where cluster_id = $1 and {last} = $2"
    );
    let moved = on_conn!(tx tx, conn => {
        sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(cluster_id)
            .bind(seen)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(moved > 0)
}

/// Forgets the schedules of a cluster that is gone.
pub async fn delete(tx: &mut Tx, cluster_id: &str) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query("delete from cluster_schedules where cluster_id = $1")
            .bind(cluster_id)
            .execute(conn)
            .await?;
    });
    Ok(())
}
