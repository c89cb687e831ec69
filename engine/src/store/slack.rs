//! Slack as stored: one-time link codes (their hashes), the Slack users linked to people,
//! and where each job asked from Slack reports its outcome (its `response_url`).

use super::{on_conn, Store, StoreError, Tx};

/// Stores a link code's hash for `user_id` until `expires_at`, clearing expired ones.
pub async fn insert_code(
    tx: &mut Tx,
    code_hash: &str,
    user_id: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query("delete from slack_link_codes where expires_at < $1")
            .bind(now)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "insert into slack_link_codes (code_hash, user_id, expires_at) values ($1, $2, $3)",
        )
        .bind(code_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Uses a link code: the person it links to, if it is known and in time; it is gone
/// afterwards either way.
pub async fn take_code(
    tx: &mut Tx,
    code_hash: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let user = on_conn!(tx tx, conn => {
        let user: Option<(String, i64)> = sqlx::query_as(
            "select user_id, expires_at from slack_link_codes where code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&mut *conn)
        .await?;
        sqlx::query("delete from slack_link_codes where code_hash = $1")
            .bind(code_hash)
            .execute(&mut *conn)
            .await?;
        user
    });
    Ok(user
        .filter(|(_, expires_at)| *expires_at >= now)
        .map(|(user, _)| user))
}

/// Links a Slack user to a person (replacing an earlier link of that Slack user).
pub async fn link(
    tx: &mut Tx,
    team_id: &str,
    slack_user_id: &str,
    user_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into slack_identities (team_id, slack_user_id, user_id, linked_at)
               values ($1, $2, $3, $4)
               on conflict (team_id, slack_user_id) do update set
                   user_id = excluded.user_id, linked_at = excluded.linked_at"#,
        )
        .bind(team_id)
        .bind(slack_user_id)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The person a Slack user is linked to, if any.
pub async fn person_of(
    store: &Store,
    team_id: &str,
    slack_user_id: &str,
) -> Result<Option<String>, StoreError> {
    let user = on_conn!(pool store, conn => {
        sqlx::query_scalar(
            "select user_id from slack_identities where team_id = $1 and slack_user_id = $2",
        )
        .bind(team_id)
        .bind(slack_user_id)
        .fetch_optional(conn)
        .await?
    });
    Ok(user)
}

/// Remembers where a job asked from Slack reports.
pub async fn set_response_url(
    tx: &mut Tx,
    job_id: &str,
    response_url: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            "insert into slack_responses (job_id, response_url, created_at) values ($1, $2, $3)",
        )
        .bind(job_id)
        .bind(response_url)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Where a job reports, if it was asked from Slack.
pub async fn response_url_of(tx: &mut Tx, job_id: &str) -> Result<Option<String>, StoreError> {
    let url = on_conn!(tx tx, conn => {
        sqlx::query_scalar("select response_url from slack_responses where job_id = $1")
            .bind(job_id)
            .fetch_optional(conn)
            .await?
    });
    Ok(url)
}

/// How many messages went into the outbox for a stream since `since` (Slack takes at most
/// five posts to one `response_url` in thirty minutes).
pub async fn posts_since(tx: &mut Tx, stream: &str, since: i64) -> Result<i64, StoreError> {
    let count = on_conn!(tx tx, conn => {
        sqlx::query_scalar("select count(*) from outbox where stream = $1 and created_at >= $2")
            .bind(stream)
            .bind(since)
            .fetch_one(conn)
            .await?
    });
    Ok(count)
}
