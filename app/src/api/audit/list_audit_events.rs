//! One page of the audit log for the Audit page.

use engine::model::audit::{AuditEventsPage, AuditQuery};
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn list_audit_events(query: AuditQuery) -> Result<AuditEventsPage, ApiError> {
    use engine::{
        audit::{self, AuditFilter},
        model::{access::Action, audit::AuditEventView},
    };

    /// Events per page on the Audit page.
    const PAGE_SIZE: i64 = 50;

    crate::api::auth::require(Action::Read).await?;
    let range = query
        .range()
        .map_err(|(field, message)| ApiError::Invalid {
            field: field.to_owned(),
            message,
        })?;
    let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    let filter = AuditFilter {
        actor: text(&query.actor),
        action: text(&query.action),
        target: text(&query.target),
        from_millis: range.from_millis,
        until_millis: range.until_millis,
        before_id: query.before,
    };
    let state = expect_context::<crate::state::AppState>();
    // One more than a page tells whether an older page exists.
    let mut rows = audit::list(&state.store, &filter, PAGE_SIZE + 1)
        .await
        .map_err(|error| ApiError::internal(&error))?;
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
