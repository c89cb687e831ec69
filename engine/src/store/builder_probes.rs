//! Every probe of the builder, kept with the time it was taken: the newest says how the
//! builder is, the newest that reached it says what it was like then, and the last day's
//! give its reachability strip. Old probes are pruned as new ones are stored (but the
//! newest that reached the builder).

use super::{on_conn, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProbeRow {
    pub id: String,
    pub checked_at: i64,
    pub reachable: bool,
    /// `model::builder::ProbeFailure`, when it did not reach the builder.
    pub reason: Option<String>,
    pub error: Option<String>,
    /// JSON: `model::builder::BuilderFacts`, when it did.
    pub facts: Option<String>,
}

const COLUMNS: &str = "id, checked_at, reachable, reason, error, facts";

/// Stores a probe, and forgets the ones taken before `keep_after` but the newest that
/// reached the builder.
pub async fn insert(store: &Store, row: &ProbeRow, keep_after: i64) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    on_conn!(tx &mut tx, conn => {
        sqlx::query(
            r#"insert into builder_probes (id, checked_at, reachable, reason, error, facts)
               values ($1, $2, $3, $4, $5, $6)"#,
        )
        .bind(&row.id)
        .bind(row.checked_at)
        .bind(row.reachable)
        .bind(&row.reason)
        .bind(&row.error)
        .bind(&row.facts)
        .execute(&mut *conn)
        .await?;
        // The newest probe that reached the builder stays, however old: it is the last
        // known state of a builder that has been unreachable since.
        sqlx::query(
            "delete from builder_probes where checked_at < $1 and id <> coalesce(
                 (select id from builder_probes where reachable = $2
                  order by checked_at desc, id desc limit 1), '')",
        )
        .bind(keep_after)
        .bind(true)
        .execute(&mut *conn)
        .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// The newest probe, and the newest that reached the builder.
pub async fn latest(store: &Store) -> Result<(Option<ProbeRow>, Option<ProbeRow>), StoreError> {
    let newest =
        format!("select {COLUMNS} from builder_probes order by checked_at desc, id desc limit 1");
    let reached = format!(
        "select {COLUMNS} from builder_probes where reachable = $1 \
         order by checked_at desc, id desc limit 1"
    );
    let newest = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ProbeRow>(sqlx::AssertSqlSafe(newest))
            .fetch_optional(conn)
            .await?
    });
    let reached = on_conn!(pool store, conn => {
        sqlx::query_as::<_, ProbeRow>(sqlx::AssertSqlSafe(reached))
            .bind(true)
            .fetch_optional(conn)
            .await?
    });
    Ok((newest, reached))
}

/// (time, reached) of every probe taken since `since`, oldest first.
pub async fn since(store: &Store, since: i64) -> Result<Vec<(i64, bool)>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (i64, bool)>(
            "select checked_at, reachable from builder_probes where checked_at >= $1 \
             order by checked_at",
        )
        .bind(since)
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}
