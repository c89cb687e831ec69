//! Notification channels as stored, and each cluster's last known health (so a change of
//! it is told once).

use std::collections::HashMap;

use super::{on_conn, rows::from_row, Store, StoreError, Tx};
use crate::model::notifications::ChannelKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRow {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    /// A secret: never shown whole, never logged.
    pub url: String,
    pub secret: Option<String>,
    /// JSON array of event names.
    pub events: String,
    /// JSON array of cluster names, or `None` for every cluster.
    pub clusters: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

from_row!(ChannelRow, "notification_channels", "id", {
    id, name, kind, url, secret, events, clusters, created_by, created_at, updated_at,
});

const COLUMNS: &str =
    "id, name, kind, url, secret, events, clusters, created_by, created_at, updated_at";

pub async fn insert(tx: &mut Tx, row: &ChannelRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into notification_channels (id, name, kind, url, secret, events, clusters,
                                                  created_by, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(row.kind)
        .bind(&row.url)
        .bind(&row.secret)
        .bind(&row.events)
        .bind(&row.clusters)
        .bind(&row.created_by)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "a channel with this name exists"))?;
    });
    Ok(())
}

pub async fn update(tx: &mut Tx, row: &ChannelRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update notification_channels set name = $2, kind = $3, url = $4, secret = $5,
                      events = $6, clusters = $7, updated_at = $8
               where id = $1"#,
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(row.kind)
        .bind(&row.url)
        .bind(&row.secret)
        .bind(&row.events)
        .bind(&row.clusters)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "a channel with this name exists"))?;
    });
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: &str) -> Result<bool, StoreError> {
    let deleted = on_conn!(tx tx, conn => {
        sqlx::query("delete from notification_channels where id = $1")
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(deleted > 0)
}

pub async fn find(store: &Store, id: &str) -> Result<Option<ChannelRow>, StoreError> {
    let query = format!("select {COLUMNS} from notification_channels where id = $1");
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(query))
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

pub async fn find_in(tx: &mut Tx, id: &str) -> Result<Option<ChannelRow>, StoreError> {
    let query = format!(
        "select {COLUMNS} from notification_channels where id = $1{}",
        tx.for_update()
    );
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(query))
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

pub async fn list(store: &Store) -> Result<Vec<ChannelRow>, StoreError> {
    let query = format!("select {COLUMNS} from notification_channels order by name");
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(query))
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Every channel, read in `tx` (to pick those an event goes to).
pub async fn list_in(tx: &mut Tx) -> Result<Vec<ChannelRow>, StoreError> {
    let query = format!("select {COLUMNS} from notification_channels order by name");
    let rows = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(query))
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Every cluster's recorded health, by cluster id, in one query.
pub async fn healths(store: &Store) -> Result<HashMap<String, String>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (String, String)>("select cluster_id, status from cluster_healths")
            .fetch_all(conn)
            .await?
    });
    Ok(rows.into_iter().collect())
}

/// One cluster's recorded health, if any.
pub async fn health_of(store: &Store, cluster_id: &str) -> Result<Option<String>, StoreError> {
    let status = on_conn!(pool store, conn => {
        sqlx::query_scalar::<_, String>("select status from cluster_healths where cluster_id = $1")
            .bind(cluster_id)
            .fetch_optional(conn)
            .await?
    });
    Ok(status)
}

/// Records a cluster's health. Returns the health it had before when this call changed it
/// (`None` when it is the first known, or unchanged, or another caller changed it first:
/// the conditional upsert waits for that caller and then finds nothing to change).
pub async fn swap_health(
    tx: &mut Tx,
    cluster_id: &str,
    status: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    // Locked on PostgreSQL, so a concurrent change is seen as the "before" it is.
    let read = format!(
        "select status from cluster_healths where cluster_id = $1{}",
        tx.for_update()
    );
    let before = on_conn!(tx tx, conn => {
        let before: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(read))
            .bind(cluster_id)
            .fetch_optional(&mut *conn)
            .await?;
        let changed = sqlx::query(
            r#"insert into cluster_healths (cluster_id, status, changed_at) values ($1, $2, $3)
               on conflict (cluster_id) do update set status = excluded.status,
                   changed_at = excluded.changed_at
               where cluster_healths.status <> excluded.status"#,
        )
        .bind(cluster_id)
        .bind(status)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        before.filter(|before| changed > 0 && before != status)
    });
    Ok(before)
}
