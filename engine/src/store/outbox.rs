//! The outbox: messages to other systems (GitHub's deployment statuses), written in the
//! transaction of what they report, sent by a worker. Within a stream (one deployment's
//! statuses) only the oldest unsent message is ever due, so they arrive in order; a sent
//! message is never sent again; a worker leases a message while it sends it, so two
//! replicas never send one at the same time.

use super::{conditions, on_conn, rows::from_row, Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// A UUIDv7: ids order messages in their stream.
    pub id: String,
    pub stream: String,
    /// What the payload is (`github-status`).
    pub kind: String,
    /// JSON, as the kind's sender reads it.
    pub payload: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub sent_at: Option<i64>,
    pub given_up_at: Option<i64>,
    /// The HTTP status of the last attempt, if it got one.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

from_row!(OutboxRow, "outbox", "id", {
    id, stream, kind, payload, created_at, attempts, next_attempt_at, lease_until, sent_at,
    given_up_at, last_status, last_error,
});

const COLUMNS: &str = "id, stream, kind, payload, created_at, attempts, next_attempt_at, \
    lease_until, sent_at, given_up_at, last_status, last_error";

/// A new message of `kind` on `stream`, due at once.
pub fn message(stream: String, kind: &str, payload: String, now: i64) -> OutboxRow {
    OutboxRow {
        id: uuid::Uuid::now_v7().to_string(),
        stream,
        kind: kind.to_owned(),
        payload,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        lease_until: None,
        sent_at: None,
        given_up_at: None,
        last_status: None,
        last_error: None,
    }
}

pub async fn insert(tx: &mut Tx, row: &OutboxRow) -> Result<(), StoreError> {
    on_conn!(tx tx, conn => {
        sqlx::query(
            r#"insert into outbox (id, stream, kind, payload, created_at, attempts,
                                   next_attempt_at)
               values ($1, $2, $3, $4, $5, $6, $7)"#,
        )
        .bind(&row.id)
        .bind(&row.stream)
        .bind(&row.kind)
        .bind(&row.payload)
        .bind(row.created_at)
        .bind(row.attempts)
        .bind(row.next_attempt_at)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// How old a message must be before it is sent. Ids are given before their transaction
/// commits, so a message may become visible after a later one of its stream; waiting this
/// long (far longer than the transactions that write them) keeps a stream in order.
pub const SETTLE_MS: i64 = 1_000;

/// The messages that may be sent now: the oldest unsent of each stream, if it is due,
/// settled, and nobody holds it.
pub async fn due(store: &Store, now: i64, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
    let query = format!(
        "select {COLUMNS} from outbox o
         where o.sent_at is null and o.given_up_at is null and o.next_attempt_at <= $1
           and o.created_at <= $1 - {SETTLE_MS}
           and (o.lease_until is null or o.lease_until < $1)
           and not exists (select 1 from outbox p
                           where p.stream = o.stream and p.sent_at is null
                             and p.given_up_at is null and p.id < o.id)
         order by o.id {}",
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(query))
            .bind(now)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}

/// Takes a message to send until `until`; `false` if another worker has it, or it was sent.
pub async fn lease(store: &Store, id: &str, now: i64, until: i64) -> Result<bool, StoreError> {
    let taken = on_conn!(pool store, conn => {
        sqlx::query(
            r#"update outbox set lease_until = $3
               where id = $1 and sent_at is null and given_up_at is null
                 and (lease_until is null or lease_until < $2)"#,
        )
        .bind(id)
        .bind(now)
        .bind(until)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(taken > 0)
}

/// How one attempt to send a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptRecord<'a> {
    /// The receiver took it: it is never sent again.
    pub sent: bool,
    /// The HTTP status, if there was an answer.
    pub status: Option<i64>,
    pub error: Option<&'a str>,
    /// When to try again; `None` for a message not sent is one given up on.
    pub retry_at: Option<i64>,
}

/// Records an attempt made under the lease that ends at `leased_until`. Nothing changes if
/// that lease was lost meanwhile (another sender has the message now), or if it was sent.
pub async fn record_attempt(
    store: &Store,
    id: &str,
    leased_until: i64,
    attempt: AttemptRecord<'_>,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(pool store, conn => {
        sqlx::query(
            r#"update outbox set attempts = attempts + 1, last_status = $3, last_error = $4,
                                 lease_until = null,
                                 sent_at = case when $2 then $6 else null end,
                                 next_attempt_at = coalesce($5, next_attempt_at),
                                 given_up_at = case when $2 or $5 is not null then null else $6 end
               where id = $1 and sent_at is null and lease_until = $7"#,
        )
        .bind(id)
        .bind(attempt.sent)
        .bind(attempt.status)
        .bind(attempt.error)
        .bind(attempt.retry_at)
        .bind(now)
        .bind(leased_until)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The messages of one stream, newest first.
pub async fn of_stream(
    store: &Store,
    stream: &str,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    let query = format!(
        "select {COLUMNS} from outbox where stream = $1 order by id desc {}",
        conditions::limit(limit)
    );
    let rows = on_conn!(pool store, conn => {
        sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(query))
            .bind(stream)
            .fetch_all(conn)
            .await?
    });
    Ok(rows)
}
