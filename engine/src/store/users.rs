//! People who have signed in.

use super::{on_conn, rows::from_row, Store, StoreError, Tx};
use crate::model::access::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: String,
    pub provider: String,
    pub subject: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub created_at: i64,
    pub last_seen_at: i64,
}

from_row!(UserRow, "users", "id", {
    id, provider, subject, login, name, role, created_at, last_seen_at,
});

/// Records a sign-in: creates the person on first sight, otherwise refreshes their login,
/// name and role (roles are re-derived from the provider at every sign-in).
pub async fn upsert(tx: &mut Tx, user: &UserRow) -> Result<UserRow, StoreError> {
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, UserRow>(
            r#"insert into users (id, provider, subject, login, name, role, created_at, last_seen_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8)
               on conflict (provider, subject) do update
                 set login = excluded.login, name = excluded.name, role = excluded.role,
                     last_seen_at = excluded.last_seen_at
               returning id, provider, subject, login, name, role, created_at, last_seen_at"#,
        )
        .bind(&user.id)
        .bind(&user.provider)
        .bind(&user.subject)
        .bind(&user.login)
        .bind(&user.name)
        .bind(user.role)
        .bind(user.created_at)
        .bind(user.last_seen_at)
        .fetch_one(conn)
        .await?
    });
    Ok(row)
}

/// Everyone who has signed in, most recently seen first.
pub async fn list(store: &Store) -> Result<Vec<UserRow>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, UserRow>(
            r#"select id, provider, subject, login, name, role, created_at, last_seen_at
               from users order by last_seen_at desc"#,
        )
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}

const USER_BY_ID: &str = "select id, provider, subject, login, name, role, created_at, \
    last_seen_at from users where id = $1";

/// One person, by id.
pub async fn find(store: &Store, id: &str) -> Result<UserRow, StoreError> {
    let row = on_conn!(pool store, conn => {
        sqlx::query_as::<_, UserRow>(USER_BY_ID)
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    row.ok_or(StoreError::NotFound)
}

/// The same inside a transaction.
pub async fn find_in(tx: &mut Tx, id: &str) -> Result<UserRow, StoreError> {
    let row = on_conn!(tx tx, conn => {
        sqlx::query_as::<_, UserRow>(USER_BY_ID)
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    row.ok_or(StoreError::NotFound)
}

/// Whether the person has a live (not ended, not expired) session.
pub async fn has_live_session(store: &Store, id: &str, now: i64) -> Result<bool, StoreError> {
    let count: i64 = on_conn!(pool store, conn => {
        sqlx::query_scalar(
            r#"select count(*) from sessions
               where user_id = $1 and ended_at is null and expires_at > $2"#,
        )
        .bind(id)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(count > 0)
}

/// How many live (not ended, not expired) sessions each person has, by user id.
pub async fn live_session_counts(
    store: &Store,
    now: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, (String, i64)>(
            r#"select user_id, count(*) from sessions
               where ended_at is null and expires_at > $1
               group by user_id"#,
        )
        .bind(now)
        .fetch_all(conn)
        .await?
    });
    Ok(rows)
}

/// Changes a person's role (a membership re-check found it changed).
pub async fn set_role(tx: &mut Tx, id: &str, role: Role) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(r#"update users set role = $2 where id = $1"#)
            .bind(id)
            .bind(role)
            .execute(conn)
            .await?;
    });
    Ok(())
}
