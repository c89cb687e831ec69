//! Answers only requests for nixdeck's own names. A web page on any domain can make that
//! domain resolve to 127.0.0.1 (DNS rebinding) and then talk to a local nixdeck as if it
//! were its own site, cross-origin checks and all; the `Host` it sends still names the
//! attacker's domain, so such requests get 421 and change nothing. `/healthz` answers
//! whatever the host (monitoring may probe by address; it reveals nothing).

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::config::AllowedHosts;

pub async fn require_known_host(
    State(allowed): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let known = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .is_some_and(|host| allowed.allows(host));
    if known {
        next.run(request).await
    } else {
        (
            StatusCode::MISDIRECTED_REQUEST,
            "this nixdeck does not answer for that host name; use its public URL (names a \
             reverse proxy uses go in NIXDECK_ALLOWED_HOSTS)",
        )
            .into_response()
    }
}
