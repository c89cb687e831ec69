//! `POST /hooks/slack/commands`: Slack's `/deploy`. `X-Slack-Signature` must be `v0=` and
//! the hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` under
//! `NIXDECK_SLACK_SIGNING_SECRET`, and the timestamp within five minutes of now; anything
//! else is 401, audited, and nothing is done. The answer is an ephemeral message, at once;
//! how a deploy goes is posted to the command's `response_url` later.

use std::{collections::HashMap, sync::Arc};

use app::state::AppState;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use engine::{
    commands::SlackRequest, delivery::signature::verify_hex, model::failure::Failure,
    store::now_millis,
};
use secrecy::ExposeSecret;
use serde_json::json;

use super::{delivered, refuse_unsigned, Delivered, HookSecrets};
use crate::http::{api::ApiError, RefusalLog};

/// How far a request's timestamp may be from now (Slack's advice against replays).
const MAX_SKEW_SECONDS: u64 = 5 * 60;

pub async fn receive(
    State(state): State<AppState>,
    Extension(secrets): Extension<Arc<HookSecrets>>,
    Extension(refusals): Extension<RefusalLog>,
    request: Request,
) -> Response {
    let Some(secret) = &secrets.slack else {
        return ApiError(Failure::not_found(
            "Slack commands are off: set NIXDECK_SLACK_SIGNING_SECRET",
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
    if let Err(reason) = verify(&parts.headers, &body, secret.expose_secret().as_bytes()) {
        return refuse_unsigned(
            &refusals,
            "slack",
            reason,
            source,
            "X-Slack-Signature must sign the request with the signing secret",
        )
        .await;
    }
    let fields: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let response_url = field("response_url");
    if !plausible_response_url(&response_url) {
        return ApiError(Failure::invalid(
            "response_url",
            "a command needs Slack's response_url (https)",
        ))
        .into_response();
    }
    let request = SlackRequest {
        team_id: field("team_id"),
        user_id: field("user_id"),
        user_name: field("user_name"),
        text: field("text"),
        response_url,
        source_addr: source,
    };
    if !plausible_id(&request.team_id) || !plausible_id(&request.user_id) {
        return ApiError(Failure::invalid(
            "user_id",
            "a command needs Slack's team_id and user_id",
        ))
        .into_response();
    }
    match state.engine.slack_command(request).await {
        Ok(text) => (
            StatusCode::OK,
            Json(json!({ "response_type": "ephemeral", "text": text })),
        )
            .into_response(),
        Err(failure) => ApiError(failure).into_response(),
    }
}

/// Checks the signature and the timestamp; the error says which failed.
fn verify(headers: &HeaderMap, body: &[u8], secret: &[u8]) -> Result<(), &'static str> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let (Some(timestamp), Some(signature)) = (
        header("x-slack-request-timestamp"),
        header("x-slack-signature"),
    ) else {
        return Err("no signature");
    };
    let Ok(seconds) = timestamp.parse::<i64>() else {
        return Err("a malformed timestamp");
    };
    if (now_millis() / 1000).abs_diff(seconds) > MAX_SKEW_SECONDS {
        return Err("a stale timestamp");
    }
    let Some(hex) = signature.strip_prefix("v0=") else {
        return Err("wrong signature");
    };
    let mut message = format!("v0:{timestamp}:").into_bytes();
    message.extend_from_slice(body);
    if verify_hex(secret, &message, hex) {
        Ok(())
    } else {
        Err("wrong signature")
    }
}

/// Slack's ids: capital letters and digits.
fn plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// An https URL (http only on this machine, where tests put their Slack).
fn plausible_response_url(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(parsed) => match parsed.scheme() {
            "https" => parsed.host().is_some(),
            "http" => matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
            _ => false,
        },
        Err(_) => false,
    }
}
