//! Webhook deliveries already handled, by their sender's id, so a redelivery does nothing.

use super::{on_conn, StoreError, Tx};

/// How long a delivery id is remembered: GitHub redelivers for three days at most.
pub const REMEMBERED_MS: i64 = 7 * 24 * 3600 * 1000;

/// Records a delivery; `false` if it was recorded before (a redelivery).
pub async fn record(
    tx: &mut Tx,
    source: &str,
    delivery_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let inserted = on_conn!(tx tx, conn => {
        let inserted = sqlx::query(
            r#"insert into webhook_deliveries (source, delivery_id, received_at)
               values ($1, $2, $3) on conflict do nothing"#,
        )
        .bind(source)
        .bind(delivery_id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        sqlx::query(r#"delete from webhook_deliveries where received_at < $1"#)
            .bind(now - REMEMBERED_MS)
            .execute(&mut *conn)
            .await?;
        inserted
    });
    Ok(inserted > 0)
}
