//! Establishes who sent each request, before any handler runs: a bearer token (for
//! automation) or the session cookie (for people). A presented token that is not valid is
//! refused at once and audited; a stale or tampered session cookie is audited once, cleared from the browser, and the
//! request goes on as signed out (the sign-in page then says the session ended). The site's own
//! files (WebAssembly, JS, CSS) are public, so the cookie the browser sends with each of
//! them is not looked up: that would cost a database query per file on every page load.

use std::net::SocketAddr;

use app::state::{RequestPrincipal, SourceAddr};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use engine::{access, store::Store};
use serde_json::json;

use super::{
    cookie::{cleared_session_cookie, cookie_value, header_value, SESSION_COOKIE},
    refusals::RefusalLog,
};
use crate::http::{api::ApiError, is_site_asset};

/// What identifying a request needs, held by the middleware (cheap to clone per request).
#[derive(Debug, Clone)]
pub struct Identifier {
    pub store: Store,
    pub refusals: RefusalLog,
    /// Whether cookies are cleared with `Secure` (nixdeck is reached over https).
    pub secure_cookies: bool,
}

pub async fn identify(
    State(Identifier {
        store,
        refusals,
        secure_cookies,
    }): State<Identifier>,
    mut request: Request,
    next: Next,
) -> Response {
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    let mut stale = None;
    let principal = match bearer_token(&request) {
        _ if is_site_asset(request.uri().path()) => None,
        Some(token) => match access::resolve_token(&store, token).await {
            Ok(Some(principal)) => Some(principal),
            Ok(None) => return refuse_token(&refusals, source).await,
            Err(error) => return ApiError::internal("identifying a request failed", error),
        },
        None => match cookie_value(request.headers(), SESSION_COOKIE) {
            Some(value) => match access::check_session(&store, value).await {
                Ok(Ok(principal)) => Some(principal),
                Ok(Err(problem)) => {
                    stale = Some(problem);
                    None
                }
                Err(error) => return ApiError::internal("identifying a request failed", error),
            },
            None => None,
        },
    };
    if let Some(problem) = stale {
        // The value is never recorded: it may be someone's live cookie, mistyped.
        let details = json!({ "reason": problem.describe() });
        let recorded = refusals
            .record("anonymous", "auth.session_refused", details, source.clone())
            .await;
        if let Err(error) = recorded {
            return ApiError::internal("identifying a request failed", error);
        }
        request.extensions_mut().insert(StaleSession);
    }
    request.extensions_mut().insert(RequestPrincipal(principal));
    request.extensions_mut().insert(SourceAddr(source));
    let mut response = next.run(request).await;
    if stale.is_some() {
        // So the browser stops presenting it (and it is audited once, not on every request).
        response.headers_mut().append(
            header::SET_COOKIE,
            header_value(&cleared_session_cookie(secure_cookies)),
        );
    }
    response
}

/// Marks a request that presented a session cookie with no live session behind it.
#[derive(Debug, Clone, Copy)]
pub struct StaleSession;

/// The token of an `Authorization: Bearer TOKEN` header.
fn bearer_token(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn refuse_token(refusals: &RefusalLog, source: Option<String>) -> Response {
    // The presented value is never recorded: it may be a real token pasted by mistake.
    if let Err(error) = refusals
        .record(
            "anonymous",
            "auth.token_refused",
            json!({ "reason": "unknown or revoked API token" }),
            source,
        )
        .await
    {
        return ApiError::internal("identifying a request failed", error);
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        Json(json!({ "error": "the API token is not valid or has been revoked" })),
    )
        .into_response()
}
