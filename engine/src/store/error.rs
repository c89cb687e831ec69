//! Errors from the storage layer, and which of them a retry can cure.

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

    /// Whether the write that failed with this error may succeed when tried again.
    /// Connection, pool and lock errors are transient, and so are PostgreSQL's
    /// serialization, resource and shutdown classes; anything else the database said (a
    /// constraint, a value it cannot hold, a trigger) refuses the same write again.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Database(
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed,
            ) => true,
            StoreError::Database(sqlx::Error::Database(db)) => {
                db.code().is_some_and(|code| is_transient_code(&code))
            }
            _ => false,
        }
    }
}

/// SQLite's BUSY and LOCKED (primary codes 5 and 6, any extended code) and PostgreSQL's
/// connection (08), serialization (40001, 40P01), resource (53), shutdown (57P0x) and lock
/// (55P03) errors. A PostgreSQL SQLSTATE always has five characters; SQLite's result codes
/// are numbers of at most four digits.
fn is_transient_code(code: &str) -> bool {
    if code.len() < 5 {
        return code
            .parse::<i64>()
            .is_ok_and(|number| matches!(number & 0xff, 5 | 6));
    }
    code.starts_with("08")
        || code.starts_with("53")
        || matches!(
            code,
            "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03"
        )
}

#[cfg(test)]
mod tests {
    use super::is_transient_code;

    #[test]
    fn busy_and_connection_codes_are_transient_and_refusals_are_not() {
        for code in ["5", "517", "6", "08006", "40001", "57P01", "53300"] {
            assert!(is_transient_code(code), "{code}");
        }
        for code in ["19", "1811", "1555", "22021", "23505", "P0001", "42601"] {
            assert!(!is_transient_code(code), "{code}");
        }
    }
}
