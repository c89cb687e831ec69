//! One page of the audit log for the Audit page.

use engine::model::audit::{AuditEventsPage, AuditQuery};
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_audit_events(query: AuditQuery) -> Result<AuditEventsPage, ApiError> {
    use engine::{
        audit::AuditFilter,
        model::{audit::AuditEventView, failure::Failure},
    };

    /// Events per page on the Audit page.
    const PAGE_SIZE: i64 = 50;

    let (engine, caller) = crate::api::door::caller().await?;
    let range = query
        .range()
        .map_err(|(field, message)| crate::api::door::refused(Failure::invalid(field, message)))?;
    let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    let filter = AuditFilter {
        actor: text(&query.actor),
        action: text(&query.action),
        target: text(&query.target),
        from_millis: range.from_millis,
        until_millis: range.until_millis,
        before_id: query.before,
    };
    // One more than a page tells whether an older page exists.
    let mut rows =
        crate::api::door::answer(engine.audit_events(&caller, &filter, PAGE_SIZE + 1).await)?;
    let has_older = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let older_than = has_older.then(|| rows.last().map(|row| row.id)).flatten();
    Ok(AuditEventsPage {
        events: rows
            .into_iter()
            .map(|row| AuditEventView {
                id: row.id,
                time_millis: row.created_at,
                actor: row.actor,
                action: row.action,
                target: row.target,
                details: row.details,
                source: row.source_addr,
            })
            .collect(),
        older_than,
    })
}
