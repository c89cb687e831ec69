//! Errors from the storage layer.

/// A storage failure. Callers map `Conflict` and `NotFound` to user-facing answers; the
/// rest become an opaque server error that is logged once with its cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
}

impl StoreError {
    /// Turns a unique-constraint violation into `Conflict(what)`; other errors pass through.
    pub fn conflict_on_unique(error: sqlx::Error, what: &str) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(what.to_owned())
            }
            _ => StoreError::Database(error),
        }
    }
}
