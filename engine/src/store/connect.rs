//! Opening a store from a database URL.

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::{Db, Store, StoreError};

/// How long a request waits for a free connection before it fails; keeps the health check
/// and pages from hanging on a database that has gone away.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits for another writer to finish before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The two supported engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseEngine {
    Sqlite,
    Postgres,
}

impl DatabaseEngine {
    /// Picks the engine from a URL's scheme, or `None` for an unsupported one.
    pub fn from_url(url: &str) -> Option<DatabaseEngine> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(DatabaseEngine::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(DatabaseEngine::Sqlite)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseEngine::Sqlite => "sqlite",
            DatabaseEngine::Postgres => "postgres",
        }
    }
}

impl Store {
    /// Connects to the database named by `url` (`sqlite:` or `postgres://`). A SQLite file
    /// is created if missing, in WAL mode so readers never wait for the writer.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        match DatabaseEngine::from_url(url) {
            Some(DatabaseEngine::Sqlite) => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::InvalidUrl(e.to_string()))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await?;
                Ok(Store::new(Db::Sqlite(pool)))
            }
            Some(DatabaseEngine::Postgres) => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect(url)
                    .await?;
                Ok(Store::new(Db::Postgres(pool)))
            }
            None => Err(StoreError::InvalidUrl(
                "the scheme must be sqlite: or postgres://".to_owned(),
            )),
        }
    }
}
