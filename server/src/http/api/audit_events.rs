//! `GET /api/v1/audit`: audit events as JSON, newest first, filtered by `actor`, `action`,
//! `target`, `from` and `until` (milliseconds since the epoch), paged with `before` and
//! `limit` (at most 500).

use app::state::{AppState, RequestPrincipal};
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
    Extension, Json,
};
use engine::{
    audit::{self, AuditFilter},
    model::access::Action,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::ApiError;

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
}

pub async fn list_audit_events(
    State(state): State<AppState>,
    Extension(RequestPrincipal(principal)): Extension<RequestPrincipal>,
    Query(query): Query<AuditQuery>,
) -> Response {
    if !principal.is_some_and(|p| p.may(Action::Read)) {
        return ApiError::forbidden().into_response();
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return ApiError::invalid("limit", format!("limit must be between 1 and {MAX_LIMIT}"))
            .into_response();
    }
    let filter = AuditFilter {
        actor: query.actor.filter(|value| !value.is_empty()),
        action: query.action.filter(|value| !value.is_empty()),
        target: query.target.filter(|value| !value.is_empty()),
        from_millis: query.from,
        until_millis: query.until,
        before_id: query.before,
    };
    match audit::list(&state.store, &filter, limit).await {
        Ok(rows) => {
            let events: Vec<Value> = rows
                .into_iter()
                .map(|row| {
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
                })
                .collect();
            Json(json!({ "events": events })).into_response()
        }
        Err(error) => ApiError::internal(&error).into_response(),
    }
}
