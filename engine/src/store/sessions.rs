//! Server-side sessions, found by the hash of their cookie value.

use super::{on_conn, rows::from_row, users::UserRow, Store, StoreError, Tx};
use crate::model::access::Role;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
    pub source_addr: Option<String>,
    /// The provider's access token, sealed by the server; only for providers whose
    /// membership is re-checked while the session lives.
    pub provider_token: Option<String>,
    /// When the provider last confirmed the person's membership.
    pub checked_at: Option<i64>,
}

pub async fn insert(tx: &mut Tx, session: &SessionRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ended_at,
                                    source_addr, provider_token, checked_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        )
        .bind(&session.id_hash)
        .bind(&session.user_id)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .bind(session.ended_at)
        .bind(&session.source_addr)
        .bind(&session.provider_token)
        .bind(session.checked_at)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The session and its person, whatever the session's state; the caller decides whether
/// it is still valid.
pub async fn find_with_user(
    store: &Store,
    id_hash: &str,
) -> Result<Option<(SessionRow, UserRow)>, StoreError> {
    let row: Option<SessionWithUser> = on_conn!(pool store, conn => {
        sqlx::query_as::<_, SessionWithUser>(
            r#"select s.id_hash, s.user_id, s.created_at as session_created_at,
                      s.last_seen_at as session_last_seen_at, s.expires_at, s.ended_at,
                      s.source_addr, s.provider_token, s.checked_at, u.provider, u.subject, u.login, u.name, u.role,
                      u.created_at as user_created_at, u.last_seen_at as user_last_seen_at
               from sessions s join users u on u.id = s.user_id
               where s.id_hash = $1"#,
        )
        .bind(id_hash)
        .fetch_optional(conn)
        .await?
    });
    Ok(row.map(SessionWithUser::split))
}

/// Marks the session as used now (for the idle limit and the People page).
pub async fn touch(store: &Store, id_hash: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"update sessions set last_seen_at = $2 where id_hash = $1"#,
        )
        .bind(id_hash)
        .bind(now)
        .execute(conn)
        .await?;
        sqlx::query(
            r#"update users set last_seen_at = $2
               where id = (select user_id from sessions where id_hash = $1)"#,
        )
        .bind(id_hash)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Ends one session; returns whether it was live.
pub async fn end(tx: &mut Tx, id_hash: &str, now: i64) -> Result<bool, StoreError> {
    let result = on_conn!(tx tx, conn => {
        sqlx::query(r#"update sessions set ended_at = $2 where id_hash = $1 and ended_at is null"#)
            .bind(id_hash)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(result > 0)
}

/// Ends every live session of a person; returns how many there were.
pub async fn end_all_for_user(tx: &mut Tx, user_id: &str, now: i64) -> Result<u64, StoreError> {
    let result = on_conn!(tx tx, conn => {
        sqlx::query(r#"update sessions set ended_at = $2 where user_id = $1 and ended_at is null"#)
            .bind(user_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(result)
}

/// Live sessions of a provider whose membership was last confirmed before `checked_before`,
/// with their people: the ones a membership re-check is due for.
pub async fn due_for_check(
    store: &Store,
    provider: &str,
    checked_before: i64,
    now: i64,
) -> Result<Vec<(SessionRow, UserRow)>, StoreError> {
    let rows: Vec<SessionWithUser> = on_conn!(pool store, conn => {
        sqlx::query_as::<_, SessionWithUser>(
            r#"select s.id_hash, s.user_id, s.created_at as session_created_at,
                      s.last_seen_at as session_last_seen_at, s.expires_at, s.ended_at,
                      s.source_addr, s.provider_token, s.checked_at, u.provider, u.subject,
                      u.login, u.name, u.role, u.created_at as user_created_at,
                      u.last_seen_at as user_last_seen_at
               from sessions s join users u on u.id = s.user_id
               where u.provider = $1 and s.ended_at is null and s.expires_at > $3
                 and s.provider_token is not null and s.checked_at < $2
               order by s.checked_at"#,
        )
        .bind(provider)
        .bind(checked_before)
        .bind(now)
        .fetch_all(conn)
        .await?
    });
    Ok(rows.into_iter().map(SessionWithUser::split).collect())
}

/// Records that the provider confirmed the session's person just now.
pub async fn mark_checked(tx: &mut Tx, id_hash: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(r#"update sessions set checked_at = $2 where id_hash = $1"#)
            .bind(id_hash)
            .bind(now)
            .execute(conn)
            .await?;
    });
    Ok(())
}

struct SessionWithUser {
    id_hash: String,
    user_id: String,
    session_created_at: i64,
    session_last_seen_at: i64,
    expires_at: i64,
    ended_at: Option<i64>,
    source_addr: Option<String>,
    provider_token: Option<String>,
    checked_at: Option<i64>,
    provider: String,
    subject: String,
    login: String,
    name: String,
    role: Role,
    user_created_at: i64,
    user_last_seen_at: i64,
}

from_row!(SessionWithUser, "sessions", "id_hash", {
    id_hash, user_id, session_created_at, session_last_seen_at, expires_at, ended_at,
    source_addr, provider_token, checked_at, provider, subject, login, name, role,
    user_created_at, user_last_seen_at,
});

impl SessionWithUser {
    fn split(self) -> (SessionRow, UserRow) {
        let user = UserRow {
            id: self.user_id.clone(),
            provider: self.provider,
            subject: self.subject,
            login: self.login,
            name: self.name,
            role: self.role,
            created_at: self.user_created_at,
            last_seen_at: self.user_last_seen_at,
        };
        let session = SessionRow {
            id_hash: self.id_hash,
            user_id: self.user_id,
            created_at: self.session_created_at,
            last_seen_at: self.session_last_seen_at,
            expires_at: self.expires_at,
            ended_at: self.ended_at,
            source_addr: self.source_addr,
            provider_token: self.provider_token,
            checked_at: self.checked_at,
        };
        (session, user)
    }
}
