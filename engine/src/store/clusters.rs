//! Clusters as stored.

use super::{on_conn, Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClusterRow {
    pub name: String,
    pub region: String,
    pub cluster_index: i64,
    pub env: String,
    pub domain: Option<String>,
    pub dns_zone: Option<String>,
    /// JSON object: dependency name to git ref.
    pub versions: String,
    pub state: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "name, region, cluster_index, env, domain, dns_zone, versions, state, \
                       created_by, created_at, updated_at";

/// Stores a new cluster; a taken name or index is a `Conflict`.
pub async fn insert(tx: &mut Tx, row: &ClusterRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into clusters (name, region, cluster_index, env, domain, dns_zone, versions,
                                     state, created_by, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
        )
        .bind(&row.name)
        .bind(&row.region)
        .bind(row.cluster_index)
        .bind(&row.env)
        .bind(&row.domain)
        .bind(&row.dns_zone)
        .bind(&row.versions)
        .bind(&row.state)
        .bind(&row.created_by)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "a cluster with this name or index exists"))?;
    });
    Ok(())
}

/// Replaces a cluster's arguments and versions (the name stays).
pub async fn update(tx: &mut Tx, row: &ClusterRow) -> Result<(), StoreError> {
    let changed = on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update clusters set region = $2, cluster_index = $3, env = $4, domain = $5,
                                   dns_zone = $6, versions = $7, updated_at = $8
               where name = $1"#,
        )
        .bind(&row.name)
        .bind(&row.region)
        .bind(row.cluster_index)
        .bind(&row.env)
        .bind(&row.domain)
        .bind(&row.dns_zone)
        .bind(&row.versions)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "another cluster has this index"))?
        .rows_affected()
    });
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn set_state(tx: &mut Tx, name: &str, state: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(r#"update clusters set state = $2, updated_at = $3 where name = $1"#)
            .bind(name)
            .bind(state)
            .bind(now)
            .execute(conn)
            .await?;
    });
    Ok(())
}

pub async fn delete(tx: &mut Tx, name: &str) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(r#"delete from clusters where name = $1"#)
            .bind(name)
            .execute(conn)
            .await?;
    });
    Ok(())
}

pub async fn find(store: &Store, name: &str) -> Result<Option<ClusterRow>, StoreError> {
    let query = format!("select {COLUMNS} from clusters where name = $1");
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ClusterRow>(sqlx::AssertSqlSafe(query))
            .bind(name)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// The same, inside a transaction (to check before changing).
pub async fn find_in(tx: &mut Tx, name: &str) -> Result<Option<ClusterRow>, StoreError> {
    let query = format!("select {COLUMNS} from clusters where name = $1");
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, ClusterRow>(sqlx::AssertSqlSafe(query))
            .bind(name)
            .fetch_optional(conn)
            .await?
    });
    Ok(row)
}

/// Every cluster, by name.
pub async fn list(store: &Store) -> Result<Vec<ClusterRow>, StoreError> {
    let query = format!("select {COLUMNS} from clusters order by name");
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ClusterRow>(sqlx::AssertSqlSafe(query))
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}
