//! Storage on SQLite (the embedded default) or PostgreSQL (to scale out), as two concrete
//! sqlx pools behind one small interface. Queries are written once in the portable subset
//! of SQL (`$1` placeholders, `returning`, integer epoch times) and run on either pool
//! through the `on_conn!` macro, which type-checks the same code against both drivers.

mod conditions;
mod connect;
mod error;
mod rows;

pub mod api_tokens;
pub mod audit_events;
pub mod builder_probes;
pub mod clusters;
pub mod github_deployments;
pub mod job_activity;
pub mod job_approvals;
pub mod jobs;
pub mod log_retention;
pub mod notification_channels;
pub mod outbox;
pub mod schedules;
pub mod scrape;
pub mod secret_writes;
pub mod sessions;
pub mod sign_in_attempts;
pub mod slack;
pub mod users;
pub mod webhook_deliveries;

pub use connect::DatabaseEngine;
pub use error::StoreError;

use std::sync::Arc;

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::audit::AuditAnchor;

/// A handle to the database; cheap to clone (the pools are reference-counted). When an
/// audit anchor is set, every transaction that records audit events hands the new chain
/// head to it after committing.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    anchor: Option<Arc<AuditAnchor>>,
}

/// The pool of either engine.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either database. Every state change and its audit event are
/// written through one of these, so they commit or roll back together.
#[derive(Debug)]
pub struct Tx {
    inner: TxInner,
    anchor: Option<Arc<AuditAnchor>>,
    /// The audit chain's head after the events recorded in this transaction.
    head: Option<(i64, String)>,
}

#[derive(Debug)]
pub enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs one expression against whichever connection or pool `$source` holds, binding it
/// to `$conn`. The expression is compiled once per driver, so a query that does not work
/// on both fails to build rather than at run time.
macro_rules! on_conn {
    (tx $source:expr, $conn:ident => $body:expr) => {
        match &mut $source.inner {
            $crate::store::TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
    (pool $source:expr, $conn:ident => $body:expr) => {
        match $source.db() {
            $crate::store::Db::Sqlite(pool) => {
                let $conn = pool;
                $body
            }
            $crate::store::Db::Postgres(pool) => {
                let $conn = pool;
                $body
            }
        }
    };
}
pub(crate) use on_conn;

impl Store {
    pub fn new(db: Db) -> Store {
        Store { db, anchor: None }
    }

    /// The same store, handing each committed audit chain head to `anchor`.
    pub fn with_anchor(mut self, anchor: Arc<AuditAnchor>) -> Store {
        self.anchor = Some(anchor);
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn anchor(&self) -> Option<&AuditAnchor> {
        self.anchor.as_deref()
    }

    /// Which engine this store runs on.
    pub fn engine(&self) -> DatabaseEngine {
        match self.db {
            Db::Sqlite(_) => DatabaseEngine::Sqlite,
            Db::Postgres(_) => DatabaseEngine::Postgres,
        }
    }

    /// Applies every migration not yet applied. Safe to run at each start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.db {
            Db::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
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
        let inner = match &self.db {
            Db::Sqlite(pool) => TxInner::Sqlite(pool.begin_with("begin immediate").await?),
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            anchor: self.anchor.clone(),
            head: None,
        })
    }

    /// Closes every connection; later queries fail. Used at shutdown.
    pub async fn close(&self) {
        on_conn!(pool self, conn => conn.close().await)
    }
}

impl Tx {
    /// Whether this transaction runs on PostgreSQL (for the few statements that differ).
    pub fn is_postgres(&self) -> bool {
        matches!(self.inner, TxInner::Postgres(_))
    }

    /// What a `select` ends with to lock the rows it reads until this transaction ends:
    /// ` for update` on PostgreSQL; nothing on SQLite, whose write transactions are
    /// serialised already.
    pub fn for_update(&self) -> &'static str {
        if self.is_postgres() {
            " for update"
        } else {
            ""
        }
    }

    /// Notes the audit chain's head after an event recorded in this transaction.
    pub(crate) fn note_audit_head(&mut self, id: i64, hash: &str) {
        self.head = Some((id, hash.to_owned()));
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        if let (Some(anchor), Some((id, hash))) = (self.anchor, self.head) {
            anchor.record(id, &hash);
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
