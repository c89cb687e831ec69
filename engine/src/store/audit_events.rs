//! Rows of the audit log and the head of its hash chain. The chain's rules live in
//! `crate::audit`; this module only reads and writes rows.

use super::{
    conditions::{self, bind_conditions, Conditions},
    on_conn, Store, StoreError, Tx,
};

/// One stored audit event, exactly as it sits in the table.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub created_at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub source_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Which events to list. Empty fields match everything; `before_id` pages backwards
/// through the newest-first listing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub from_millis: Option<i64>,
    pub until_millis: Option<i64>,
    pub before_id: Option<i64>,
}

/// Moves the chain head one position on and returns the new position with the hash of the
/// event before it. Being an update, it takes the row lock first, so concurrent writers
/// queue here and each gets a distinct position.
pub async fn advance_chain_head(tx: &mut Tx) -> Result<(i64, String), StoreError> {
    let row: (i64, String) = on_conn!(tx tx, conn => {
        sqlx::query_as(
            r#"update audit_chain_head set last_id = last_id + 1 where id = 1
               returning last_id, last_hash"#,
        )
        .fetch_one(conn)
        .await?
    });
    Ok(row)
}

/// Records the hash of the event just written at the head of the chain.
pub async fn set_chain_head_hash(tx: &mut Tx, hash: &str) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(r#"update audit_chain_head set last_hash = $1 where id = 1"#)
            .bind(hash)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// The chain head as stored: the position and hash of the newest event.
pub async fn chain_head(store: &Store) -> Result<(i64, String), StoreError> {
    let row: (i64, String) = on_conn!(pool store, conn => {
        sqlx::query_as(r#"select last_id, last_hash from audit_chain_head where id = 1"#)
            .fetch_one(conn)
            .await?
    });
    Ok(row)
}

pub async fn insert(tx: &mut Tx, row: &AuditRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into audit_events
                 (id, created_at, actor, action, target, details, source_addr, prev_hash, hash)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        )
        .bind(row.id)
        .bind(row.created_at)
        .bind(&row.actor)
        .bind(&row.action)
        .bind(&row.target)
        .bind(&row.details)
        .bind(&row.source_addr)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Events matching `filter`, newest first, at most `limit`. Only the filters given become
/// conditions (see `conditions`), so a rare actor's events are found through the actor's
/// index without reading the rest of the history.
pub async fn list(
    store: &Store,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut conditions = Conditions::default();
    conditions.text("actor =", filter.actor.as_deref());
    conditions.text("action =", filter.action.as_deref());
    conditions.text("target =", filter.target.as_deref());
    conditions.number("created_at >=", filter.from_millis);
    conditions.number("created_at <", filter.until_millis);
    conditions.number("id <", filter.before_id);
    let query = format!(
        "select id, created_at, actor, action, target, details, source_addr, prev_hash, hash \
         from audit_events {} order by id desc {}",
        conditions.clause(),
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        bind_conditions!(sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(query)), conditions)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Events in chain order after position `after_id`, at most `limit`; verification walks
/// the whole log in such batches so memory stays flat however long the log is.
pub async fn list_in_chain_order(
    store: &Store,
    after_id: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let query = format!(
        "select id, created_at, actor, action, target, details, source_addr, prev_hash, hash \
         from audit_events where id > $1 order by id {}",
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(query))
            .bind(after_id)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// The newest event on `target` that changed it: any action in its `prefix.` family except
/// those in `except` (reads such as `secret.revealed`).
pub async fn last_change_of(
    store: &Store,
    target: &str,
    prefix: &str,
    except: &str,
) -> Result<Option<AuditRow>, StoreError> {
    let pattern = format!("{prefix}.%");
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, AuditRow>(
            r#"select id, created_at, actor, action, target, details, source_addr, prev_hash, hash
               from audit_events
               where target = $1 and action like $2 and action <> $3
               order by id desc
               limit 1"#,
        )
        .bind(target)
        .bind(&pattern)
        .bind(except)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}
