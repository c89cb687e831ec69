//! `GET /api/v1/audit`: audit events as JSON, newest first, filtered by `actor`, `action`,
//! `target`, `from` and `until` (milliseconds since the epoch), paged with `before` and
//! `limit` (at most 500). `GET /api/v1/audit/export?format=csv|json` with the same filters:
//! every matching event, as a download.

use app::state::{AppState, RequestPrincipal};
use axum::{
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    Extension, Json,
};
use engine::{
    audit::{self, AuditFilter, AuditRow},
    model::{access::Action, time::format_utc},
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{authorize, ApiError};

const MAX_LIMIT: i64 = 500;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    from: Option<i64>,
    until: Option<i64>,
    before: Option<i64>,
    limit: Option<i64>,
    format: Option<String>,
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter {
        let text = |value: &Option<String>| value.clone().filter(|value| !value.is_empty());
        AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            target: text(&self.target),
            from_millis: self.from,
            until_millis: self.until,
            before_id: self.before,
        }
    }
}

fn event_json(row: AuditRow) -> Value {
    json!({
        "id": row.id,
        "time": row.created_at,
        "actor": row.actor,
        "action": row.action,
        "target": row.target,
        "details": serde_json::from_str::<Value>(&row.details).unwrap_or(Value::Null),
        "source": row.source_addr,
        "hash": row.hash,
    })
}

pub async fn list_audit_events(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    authorize(&principal, Action::Read)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let rows = audit::list(&state.store, &query.filter(), limit)
        .await
        .map_err(|error| ApiError::internal(&error))?;
    let events: Vec<Value> = rows.into_iter().map(event_json).collect();
    Ok(Json(json!({ "events": events })).into_response())
}

/// Events are read in batches of this many while exporting.
const EXPORT_BATCH: i64 = 1000;

pub async fn export_audit_events(
    State(state): State<AppState>,
    Extension(principal): Extension<RequestPrincipal>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    authorize(&principal, Action::Read)?;
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "csv" | "json") {
        return Err(ApiError::invalid("format", "format must be csv or json"));
    }
    let mut filter = query.filter();
    let mut rows: Vec<AuditRow> = Vec::new();
    loop {
        let batch = audit::list(&state.store, &filter, EXPORT_BATCH)
            .await
            .map_err(|error| ApiError::internal(&error))?;
        let done = (batch.len() as i64) < EXPORT_BATCH;
        filter.before_id = batch.last().map(|row| row.id);
        rows.extend(batch);
        if done {
            break;
        }
    }
    let (content_type, body) = if format == "csv" {
        ("text/csv; charset=utf-8", audit_csv(&rows))
    } else {
        let events: Vec<Value> = rows.into_iter().map(event_json).collect();
        ("application/json", json!({ "events": events }).to_string())
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"nixdeck-audit.{format}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// RFC 4180 CSV. A cell that a spreadsheet would run as a formula gets a leading quote
/// mark, so an exported log cannot attack whoever opens it.
fn audit_csv(rows: &[AuditRow]) -> String {
    let mut out = String::from("id,time,actor,action,target,details,source,hash\r\n");
    for row in rows {
        let cells = [
            row.id.to_string(),
            format_utc(row.created_at),
            row.actor.clone(),
            row.action.clone(),
            row.target.clone(),
            row.details.clone(),
            row.source_addr.clone().unwrap_or_default(),
            row.hash.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=cmd()"), "'=cmd()");
    }
}
