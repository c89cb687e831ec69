//! `POST /hooks/github`: GitHub's webhook. `X-Hub-Signature-256` must be `sha256=` and the
//! hex HMAC-SHA256 of the raw body under `NIXDECK_GITHUB_WEBHOOK_SECRET`; a missing or
//! wrong one is 401, audited, and nothing is done. `ping` is answered 200; a `deployment`
//! becomes a deploy (202 with the job), or, delivered again, nothing new (200); other
//! events are ignored (200).

use std::sync::Arc;

use app::state::AppState;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use engine::{commands::GithubOutcome, delivery::signature::verify_hex, model::failure::Failure};
use secrecy::ExposeSecret;
use serde_json::json;

use super::{delivered, refuse_unsigned, Delivered, HookSecrets};
use crate::http::{api::ApiError, RefusalLog};

pub async fn receive(
    State(state): State<AppState>,
    Extension(secrets): Extension<Arc<HookSecrets>>,
    Extension(refusals): Extension<RefusalLog>,
    request: Request,
) -> Response {
    let Some(secret) = &secrets.github else {
        return ApiError(Failure::not_found(
            "GitHub webhooks are off: set NIXDECK_GITHUB_WEBHOOK_SECRET",
        ))
        .into_response();
    };
    let Delivered {
        parts,
        body,
        source,
    } = match delivered(request).await {
        Ok(delivered) => delivered,
        Err(refused) => return refused,
    };
    let headers = &parts.headers;
    let signature = header(headers, "x-hub-signature-256");
    let verified = signature
        .and_then(|value| value.strip_prefix("sha256="))
        .is_some_and(|hex| verify_hex(secret.expose_secret().as_bytes(), &body, hex));
    if !verified {
        let reason = if signature.is_some() {
            "wrong signature"
        } else {
            "no signature"
        };
        return refuse_unsigned(
            &refusals,
            "github",
            reason,
            source,
            "X-Hub-Signature-256 must be the body's HMAC-SHA256 under the webhook's secret",
        )
        .await;
    }
    match header(headers, "x-github-event") {
        Some("ping") => (StatusCode::OK, Json(json!({ "ok": true }))).into_response(),
        Some("deployment") => {
            let Some(delivery) = header(headers, "x-github-delivery").filter(|d| plausible(d))
            else {
                return ApiError(Failure::invalid(
                    "X-GitHub-Delivery",
                    "a deployment event needs its delivery id (X-GitHub-Delivery)",
                ))
                .into_response();
            };
            match state
                .engine
                .github_deployment(delivery, source, &body)
                .await
            {
                Ok(GithubOutcome::Queued(job)) => (
                    StatusCode::ACCEPTED,
                    Json(json!({ "job_id": job.id, "state": job.state })),
                )
                    .into_response(),
                Ok(GithubOutcome::AlreadyHandled { job_id }) => (
                    StatusCode::OK,
                    Json(json!({ "job_id": job_id, "already_handled": true })),
                )
                    .into_response(),
                Err(failure) => ApiError(failure).into_response(),
            }
        }
        other => (
            StatusCode::OK,
            Json(json!({ "ignored": other.unwrap_or("(no event)") })),
        )
            .into_response(),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// A delivery id as GitHub sends them (a GUID); anything else is refused before it is
/// stored.
fn plausible(delivery: &str) -> bool {
    !delivery.is_empty()
        && delivery.len() <= 100
        && delivery
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
}
