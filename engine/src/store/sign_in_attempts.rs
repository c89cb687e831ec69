//! Sign-in attempts in flight with a provider, keyed by the hash of their `state`.

use super::{on_conn, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttemptRow {
    pub state_hash: String,
    pub provider: String,
    pub browser_hash: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub next_path: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Stores a new attempt, and drops attempts that expired before `now` (nobody can finish
/// them any more).
pub async fn insert(store: &Store, attempt: &AttemptRow, now: i64) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(r#"delete from sign_in_attempts where expires_at < $1"#)
            .bind(now)
            .execute(conn)
            .await?;
        sqlx::query(
            r#"insert into sign_in_attempts
                 (state_hash, provider, browser_hash, pkce_verifier, nonce, next_path, created_at, expires_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        )
        .bind(&attempt.state_hash)
        .bind(&attempt.provider)
        .bind(&attempt.browser_hash)
        .bind(&attempt.pkce_verifier)
        .bind(&attempt.nonce)
        .bind(&attempt.next_path)
        .bind(attempt.created_at)
        .bind(attempt.expires_at)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Removes and returns the attempt with this state hash. Deleting is what makes a state
/// single-use: of two callbacks racing with one state, only one gets the row.
pub async fn take(store: &Store, state_hash: &str) -> Result<Option<AttemptRow>, StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, AttemptRow>(
            r#"delete from sign_in_attempts where state_hash = $1
               returning state_hash, provider, browser_hash, pkce_verifier, nonce, next_path,
                         created_at, expires_at"#,
        )
        .bind(state_hash)
        .fetch_optional(conn)
        .await?
    });
    Ok(row)
}
