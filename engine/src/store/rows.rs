//! Reading rows whose columns are typed (enums among them): a value that does not decode
//! is an error naming the table, the row and the column, never a silent default.

/// Implements `sqlx::FromRow` on both engines for a struct whose fields are read from the
/// columns of the same names. `$key` is the column that names the row in errors.
macro_rules! from_row {
    ($row:ident, $table:literal, $key:literal, { $($field:ident),+ $(,)? }) => {
        $crate::store::rows::from_row!(@on sqlx::sqlite::SqliteRow, $row, $table, $key, { $($field),+ });
        $crate::store::rows::from_row!(@on sqlx::postgres::PgRow, $row, $table, $key, { $($field),+ });
    };
    (@on $db_row:ty, $row:ident, $table:literal, $key:literal, { $($field:ident),+ }) => {
        impl<'r> sqlx::FromRow<'r, $db_row> for $row {
            fn from_row(row: &'r $db_row) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                // The row's key is read only to name a row that does not decode.
                let key = || {
                    row.try_get::<String, _>($key)
                        .or_else(|_| row.try_get::<i64, _>($key).map(|n| n.to_string()))
                        .unwrap_or_default()
                };
                Ok($row {
                    $($field: row
                        .try_get(stringify!($field))
                        .map_err(|e| $crate::store::rows::naming_row(e, $table, key))?,)+
                })
            }
        }
    };
}
pub(crate) use from_row;

/// A column that would not decode, as an error that says which row it is in.
pub(crate) fn naming_row(
    error: sqlx::Error,
    table: &str,
    key: impl FnOnce() -> String,
) -> sqlx::Error {
    match error {
        sqlx::Error::ColumnDecode { index, source } => {
            let key = key();
            sqlx::Error::Decode(format!("{table} row {key:?}, column {index}: {source}").into())
        }
        other => other,
    }
}
