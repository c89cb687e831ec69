//! Clusters as stored.

use super::{conditions, on_conn, rows::from_row, Store, StoreError, Tx};
use crate::model::{
    access::Environment,
    cluster::{ClusterCursor, ClusterState},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterRow {
    pub id: String,
    pub name: String,
    pub region: String,
    pub cluster_index: i64,
    pub env: Environment,
    pub domain: Option<String>,
    pub dns_zone: Option<String>,
    /// JSON object: dependency name to git ref.
    pub versions: String,
    pub state: ClusterState,
    pub on_deployer: bool,
    /// Whether GitHub deployment events may deploy it.
    pub github_deployments: bool,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

from_row!(ClusterRow, "clusters", "name", {
    id, name, region, cluster_index, env, domain, dns_zone, versions, state, on_deployer,
    github_deployments, last_error, created_by, created_at, updated_at,
});

const COLUMNS: &str = "id, name, region, cluster_index, env, domain, dns_zone, versions, state, \
                       on_deployer, github_deployments, last_error, created_by, created_at, \
                       updated_at";

/// Stores a new cluster; a taken name or index is a `Conflict` saying which.
pub async fn insert(tx: &mut Tx, row: &ClusterRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into clusters (id, name, region, cluster_index, env, domain, dns_zone,
                                     versions, state, on_deployer, last_error, created_by,
                                     created_at, updated_at, github_deployments)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"#,
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.region)
        .bind(row.cluster_index)
        .bind(row.env)
        .bind(&row.domain)
        .bind(&row.dns_zone)
        .bind(&row.versions)
        .bind(row.state)
        .bind(row.on_deployer)
        .bind(&row.last_error)
        .bind(&row.created_by)
        .bind(row.created_at)
        .bind(row.updated_at)
        .bind(row.github_deployments)
        .execute(conn)
        .await
        .map_err(|e| {
            let what = if names_index(&e) { INDEX_TAKEN } else { NAME_TAKEN };
            StoreError::conflict_on_unique(e, what)
        })?;
    });
    Ok(())
}

/// What `insert`'s `Conflict` says: which of the two unique columns was taken.
pub const INDEX_TAKEN: &str = "a cluster with this index exists";
pub const NAME_TAKEN: &str = "a cluster with this name exists";

/// Whether a unique violation is the index's (PostgreSQL names the constraint, SQLite the
/// column, in the message).
fn names_index(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.constraint()
                .is_some_and(|name| name.contains("cluster_index"))
                || db.message().contains("cluster_index")
        }
        _ => false,
    }
}

/// Replaces a cluster's arguments and versions (the name and identity stay).
pub async fn update(tx: &mut Tx, row: &ClusterRow) -> Result<(), StoreError> {
    let changed = on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update clusters set region = $2, cluster_index = $3, env = $4, domain = $5,
                                   dns_zone = $6, versions = $7, updated_at = $8,
                                   github_deployments = $9
               where id = $1"#,
        )
        .bind(&row.id)
        .bind(&row.region)
        .bind(row.cluster_index)
        .bind(row.env)
        .bind(&row.domain)
        .bind(&row.dns_zone)
        .bind(&row.versions)
        .bind(row.updated_at)
        .bind(row.github_deployments)
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

/// The cluster's state after a job, and what failed if it did.
pub async fn set_state(
    tx: &mut Tx,
    id: &str,
    state: ClusterState,
    last_error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"update clusters set state = $2, last_error = $3, updated_at = $4 where id = $1"#,
        )
        .bind(id)
        .bind(state)
        .bind(last_error)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Records that the cluster's NixOps deployment exists on the deployer.
pub async fn mark_on_deployer(store: &Store, id: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"update clusters set on_deployer = $2, updated_at = $3
               where id = $1 and on_deployer = $4"#,
        )
        .bind(id)
        .bind(true)
        .bind(now)
        .bind(false)
        .execute(conn)
        .await?;
    });
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(r#"delete from clusters where id = $1"#)
            .bind(id)
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

/// The same, inside a transaction (to decide and change on what was read). On PostgreSQL
/// the row is locked until the transaction ends.
pub async fn find_in(tx: &mut Tx, name: &str) -> Result<Option<ClusterRow>, StoreError> {
    find_locked(tx, "name", name).await
}

/// The cluster with this id (a job's own cluster, if it still exists: one removed and
/// created again under the same name has another id), locked like `find_in`.
pub async fn find_by_id_in(tx: &mut Tx, id: &str) -> Result<Option<ClusterRow>, StoreError> {
    find_locked(tx, "id", id).await
}

async fn find_locked(
    tx: &mut Tx,
    column: &'static str,
    value: &str,
) -> Result<Option<ClusterRow>, StoreError> {
    let query = format!(
        "select {COLUMNS} from clusters where {column} = $1{}",
        tx.for_update()
    );
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, ClusterRow>(sqlx::AssertSqlSafe(query))
            .bind(value)
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

/// One page of clusters in name order, starting at `cursor`, at most `limit`: each page is
/// read through the name's index, however many clusters there are.
pub async fn page(
    store: &Store,
    cursor: &ClusterCursor,
    limit: i64,
) -> Result<Vec<ClusterRow>, StoreError> {
    // The previous page is read backwards from its end, then put in name order.
    let (condition, order, from) = match cursor {
        ClusterCursor::First => ("", "", None),
        ClusterCursor::After(name) => ("where name > $1", "", Some(name)),
        ClusterCursor::Before(name) => ("where name < $1", " desc", Some(name)),
    };
    let query = format!(
        "select {COLUMNS} from clusters {condition} order by name{order} {}",
        conditions::limit(limit)
    );
    let mut rows = on_conn!(pool store, conn => {
        let select = sqlx::query_as::<_, ClusterRow>(sqlx::AssertSqlSafe(query));
        match from {
            Some(name) => select.bind(name.clone()),
            None => select,
        }
        .fetch_all(conn)
        .await?
    });
    if matches!(cursor, ClusterCursor::Before(_)) {
        rows.reverse();
    }
    Ok(rows)
}

/// Whether any cluster is named before `first`, and whether any is named after `last`.
pub async fn any_beside(
    store: &Store,
    first: &str,
    last: &str,
) -> Result<(bool, bool), StoreError> {
    let beside = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (bool, bool)>(
            "select exists (select 1 from clusters where name < $1), \
                    exists (select 1 from clusters where name > $2)",
        )
        .bind(first)
        .bind(last)
        .fetch_one(conn)
        .await?
    });
    Ok(beside)
}

/// Every cluster index in use on this deployer.
pub async fn taken_indexes(store: &Store) -> Result<Vec<i64>, StoreError> {
    let indexes = on_conn!(pool store, conn => {
        sqlx::query_scalar::<_, i64>("select cluster_index from clusters order by cluster_index")
            .fetch_all(conn)
            .await?
    });
    Ok(indexes)
}
