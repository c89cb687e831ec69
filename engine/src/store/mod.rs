//! Storage on SQLite (the embedded default) or PostgreSQL (to scale out), as two concrete
//! sqlx pools behind one small interface. Queries are written once in the portable subset
//! of SQL (`$1` placeholders, `returning`, integer epoch times) and run on either pool
//! through the `on_conn!` macro, which type-checks the same code against both drivers.

mod connect;
mod error;

pub mod api_tokens;
pub mod audit_events;
pub mod clusters;
pub mod jobs;
pub mod sessions;
pub mod sign_in_attempts;
pub mod users;

pub use connect::DatabaseEngine;
pub use error::StoreError;

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// A handle to the database; cheap to clone (the pools are reference-counted).
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either database. Every state change and its audit event are
/// written through one of these, so they commit or roll back together.
#[derive(Debug)]
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs one expression against whichever connection or pool `$source` holds, binding it
/// to `$conn`. The expression is compiled once per driver, so a query that does not work
/// on both fails to build rather than at run time.
macro_rules! on_conn {
    (tx $source:expr, $conn:ident => $body:expr) => {
        match $source {
            $crate::store::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
    (pool $source:expr, $conn:ident => $body:expr) => {
        match $source {
            $crate::store::Store::Sqlite(pool) => {
                let $conn = pool;
                $body
            }
            $crate::store::Store::Postgres(pool) => {
                let $conn = pool;
                $body
            }
        }
    };
}
pub(crate) use on_conn;

impl Store {
    /// Which engine this store runs on.
    pub fn engine(&self) -> DatabaseEngine {
        match self {
            Store::Sqlite(_) => DatabaseEngine::Sqlite,
            Store::Postgres(_) => DatabaseEngine::Postgres,
        }
    }

    /// Applies every migration not yet applied. Safe to run at each start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Store::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// A trivial round trip, used by the health check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_conn!(pool self, conn => {
            sqlx::query("select 1").execute(conn).await?;
        });
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`begin immediate`): a transaction that reads first and writes later could otherwise
    /// fail with "database is locked" instead of waiting its turn.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Store::Sqlite(pool) => Tx::Sqlite(pool.begin_with("begin immediate").await?),
            Store::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes every connection; later queries fail. Used at shutdown.
    pub async fn close(&self) {
        on_conn!(pool self, conn => conn.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// Milliseconds since the Unix epoch: the one time format stored, on both engines.
pub fn now_millis() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}
