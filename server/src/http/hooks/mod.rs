//! Webhooks: other systems' requests, outside the session and cross-origin machinery.
//! Each verifies its sender's signature over the raw body itself, refuses bodies over
//! 1 MiB (413), and answers at once: work is queued, never done in the request.

mod github;
mod slack;

use std::{net::SocketAddr, sync::Arc};

use app::state::AppState;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::ConnectInfo,
    http::{request::Parts, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use secrecy::SecretString;

/// The largest body a webhook may carry.
pub const MAX_BODY: usize = 1024 * 1024;

/// The secrets webhooks are verified with; a webhook without one is off (404).
#[derive(Debug, Clone, Default)]
pub struct HookSecrets {
    pub github: Option<SecretString>,
    pub slack: Option<SecretString>,
}

/// `/hooks/...`, with what they need beside the app's state.
pub fn routes(secrets: HookSecrets) -> Router<AppState> {
    Router::new()
        .route("/hooks/github", post(github::receive))
        .route("/hooks/slack/commands", post(slack::receive))
        .layer(axum::Extension(Arc::new(secrets)))
}

/// A webhook as delivered: its headers, its raw body (what signatures cover), and the
/// address it came from, for the audit log; a body over `MAX_BODY` is answered 413.
struct Delivered {
    parts: Parts,
    body: Bytes,
    source: Option<String>,
}

async fn delivered(request: Request<Body>) -> Result<Delivered, Response> {
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(serde_json::json!({
                "error": format!("a webhook's body is at most {MAX_BODY} bytes")
            })),
        )
            .into_response());
    };
    Ok(Delivered {
        parts,
        body,
        source,
    })
}

/// Refuses a webhook whose signature does not verify: 401 saying `why` and what `must`
/// hold, recorded through the refusal log (one event per source and reason a minute, so a
/// stranger cannot fill the audit log).
async fn refuse_unsigned(
    refusals: &crate::http::RefusalLog,
    hook: &str,
    why: &str,
    source: Option<String>,
    must: &str,
) -> Response {
    let recorded = refusals
        .record(
            &format!("webhook:{hook}"),
            "webhook.refused",
            serde_json::json!({ "hook": hook, "reason": why }),
            source,
        )
        .await;
    if let Err(error) = recorded {
        return crate::http::api::ApiError::internal("recording a refused webhook failed", error);
    }
    crate::http::api::ApiError(engine::model::failure::Failure::new(
        engine::model::failure::FailureKind::Unauthenticated,
        format!("{why}: {must}"),
    ))
    .into_response()
}
