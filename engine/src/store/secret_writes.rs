//! Changes to secrets that have been started in AWS and not yet recorded: one row per
//! secret, which is also the lock that keeps two changes to one secret apart.

use super::{on_conn, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SecretWriteRow {
    pub secret_id: String,
    pub version_id: String,
    /// The audit event to record once AWS holds the change (JSON).
    pub event: String,
    pub started_at: i64,
    pub expires_at: i64,
}

/// The change in progress on `secret_id`, if any.
pub async fn find(tx: &mut Tx, secret_id: &str) -> Result<Option<SecretWriteRow>, StoreError> {
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, SecretWriteRow>(
            r#"select secret_id, version_id, event, started_at, expires_at
               from secret_writes where secret_id = $1"#,
        )
        .bind(secret_id)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}

/// Claims `secret_id` for a change; `Conflict` when another change holds it.
pub async fn insert(tx: &mut Tx, row: &SecretWriteRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into secret_writes (secret_id, version_id, event, started_at, expires_at)
               values ($1, $2, $3, $4, $5)"#,
        )
        .bind(&row.secret_id)
        .bind(&row.version_id)
        .bind(&row.event)
        .bind(row.started_at)
        .bind(row.expires_at)
        .execute(conn)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "a change to this secret is in progress"))?;
    });
    Ok(())
}

/// Lets go of the claim made with `version_id` (a newer claim on the secret is kept).
pub async fn delete(tx: &mut Tx, secret_id: &str, version_id: &str) -> Result<bool, StoreError> {
    let deleted = on_conn!(tx tx, conn => {
        sqlx::query(r#"delete from secret_writes where secret_id = $1 and version_id = $2"#)
            .bind(secret_id)
            .bind(version_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(deleted > 0)
}
