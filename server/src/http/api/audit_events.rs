//! `GET /api/v1/audit`: audit events as JSON, newest first, filtered by `actor`, `action`,
//! `target`, `from` and `until` (milliseconds since the epoch), paged with `before` and
//! `limit` (at most 500). `GET /api/v1/audit/export?format=csv|json` with the same filters:
//! every matching event, as a download.

use app::state::AppState;
use axum::{
    body::Body,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use bytes::Bytes;
use engine::{
    audit::{AuditFilter, AuditRow},
    model::{failure::Failure, time::format_utc},
};
use serde::Deserialize;
use tokio_stream::{wrappers::ReceiverStream, StreamExt};

use super::{
    caller::RequestCaller,
    error::ErrorBody,
    resources::{AuditEvent, AuditEvents},
    ApiError,
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this actor's events (`github:alice`, `token:ci`).
    actor: Option<String>,
    /// Only this action (`cluster.created`).
    action: Option<String>,
    /// Only events on this target (`cluster:alpha`).
    target: Option<String>,
    /// From this time on, in milliseconds since the epoch.
    from: Option<i64>,
    /// Before this time, in milliseconds since the epoch.
    until: Option<i64>,
    /// Only events before this position (the next page: the last event's `id`).
    before: Option<i64>,
    /// At most this many (1 to 500, 100 by default); not for the export.
    limit: Option<i64>,
    /// The export's format: `json` (default) or `csv`.
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

#[utoipa::path(
    get,
    path = "/audit",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Matching events, newest first", body = AuditEvents),
        (status = 422, description = "A bad filter", body = ErrorBody),
    ),
)]
pub async fn list_audit_events(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditEvents>, ApiError> {
    let rows = state
        .engine
        .audit_events(&caller, &query.filter(), query.limit.unwrap_or(100))
        .await?;
    Ok(Json(AuditEvents {
        events: rows.into_iter().map(AuditEvent::from).collect(),
    }))
}

/// Every matching event as a download, streamed batch by batch.
#[utoipa::path(
    get,
    path = "/audit/export",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Every matching event, newest first, as an attachment: `{\"events\": [...]}` or CSV", content((AuditEvents = "application/json"), (String = "text/csv"))),
        (status = 422, description = "A bad filter or format", body = ErrorBody),
    ),
)]
pub async fn export_audit_events(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let format = query.format.as_deref().unwrap_or("json");
    let csv = match format {
        "csv" => true,
        "json" => false,
        _ => {
            return Err(ApiError(Failure::invalid(
                "format",
                "format must be csv or json",
            )))
        }
    };
    let batches = state.engine.audit_export(&caller, query.filter()).await?;
    let mut first = true;
    let body = ReceiverStream::new(batches).map(move |batch| {
        let rows = batch.map_err(|failure| std::io::Error::other(failure.message))?;
        let text = if csv {
            audit_csv(&rows, std::mem::take(&mut first))
        } else {
            audit_json(rows, std::mem::take(&mut first))
        };
        Ok::<_, std::io::Error>(Bytes::from(text))
    });
    let tail = tokio_stream::once(Ok(Bytes::from_static(if csv { b"" } else { b"]}" })));
    let content_type = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"nixdeck-audit.{format}\""),
            ),
        ],
        Body::from_stream(body.chain(tail)),
    )
        .into_response())
}

/// A batch of events as part of `{"events": [...]}`, opened by the first batch.
fn audit_json(rows: Vec<AuditRow>, first: bool) -> String {
    let mut out = String::from(if first { "{\"events\":[" } else { "" });
    for (index, row) in rows.into_iter().enumerate() {
        if !(first && index == 0) {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&AuditEvent::from(row)).unwrap_or_default());
    }
    out
}

/// RFC 4180 CSV. A cell that a spreadsheet would run as a formula gets a leading quote
/// mark, so an exported log cannot attack whoever opens it.
fn audit_csv(rows: &[AuditRow], first: bool) -> String {
    let mut out = if first {
        String::from("id,time,actor,action,target,details,source,hash\r\n")
    } else {
        String::new()
    };
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
