//! API tokens for automation, found by the hash of their value.

use super::{on_conn, rows::from_row, Store, StoreError, Tx};
use crate::model::access::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

from_row!(TokenRow, "api_tokens", "name", {
    id, name, token_hash, role, created_by, created_at, last_used_at, revoked_at,
});

/// Stores a new token; a live token with the same name is a `Conflict`.
pub async fn insert(tx: &mut Tx, token: &TokenRow) -> Result<(), StoreError> {
    let inserted = on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into api_tokens (id, name, token_hash, role, created_by, created_at, last_used_at, revoked_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        )
        .bind(&token.id)
        .bind(&token.name)
        .bind(&token.token_hash)
        .bind(token.role)
        .bind(&token.created_by)
        .bind(token.created_at)
        .bind(token.last_used_at)
        .bind(token.revoked_at)
        .execute(conn)
        .await
        .map(drop)
    });
    inserted
        .map_err(|e| StoreError::conflict_on_unique(e, &format!("a token named {:?}", token.name)))
}

/// The live (not revoked) token with this hash.
pub async fn find_live_by_hash(store: &Store, hash: &str) -> Result<Option<TokenRow>, StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, TokenRow>(
            r#"select id, name, token_hash, role, created_by, created_at, last_used_at, revoked_at
               from api_tokens where token_hash = $1 and revoked_at is null"#,
        )
        .bind(hash)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}

/// Every token, live and revoked, newest first.
pub async fn list(store: &Store) -> Result<Vec<TokenRow>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, TokenRow>(
            r#"select id, name, token_hash, role, created_by, created_at, last_used_at, revoked_at
               from api_tokens order by created_at desc, name"#,
        )
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}

/// Revokes the live token with this name; returns it, or `None` if there is none.
pub async fn revoke_by_name(
    tx: &mut Tx,
    name: &str,
    now: i64,
) -> Result<Option<TokenRow>, StoreError> {
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, TokenRow>(
            r#"update api_tokens set revoked_at = $2 where name = $1 and revoked_at is null
               returning id, name, token_hash, role, created_by, created_at, last_used_at, revoked_at"#,
        )
        .bind(name)
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}

pub async fn touch(store: &Store, id: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(r#"update api_tokens set last_used_at = $2 where id = $1"#)
            .bind(id)
            .bind(now)
            .execute(conn)
            .await?;
    });
    Ok(())
}
