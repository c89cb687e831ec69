//! Sign-in through GitHub or OIDC. `GET /auth/{provider}` remembers a new attempt (state,
//! PKCE verifier, nonce, where to go afterwards), binds it to the browser with a short-lived
//! cookie and redirects to the provider. `GET /auth/{provider}/callback` takes the attempt
//! named by `state` (once only), lets the provider vouch for the person, and opens a session.
//! Every refusal is audited and shown on the sign-in page by its code.

use std::sync::Arc;

use app::state::{AppState, SourceAddr};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use engine::{
    access::{self, Attempt, Credential, SignIn, ATTEMPT_LIFETIME_MS},
    model::{failure::Failure, sign_in::Refusal},
};
use oauth2::PkceCodeChallenge;
use serde::Deserialize;
use serde_json::json;

use super::{
    cookie::{
        cleared_sign_in_cookie, cookie_value, header_value, session_cookie, sign_in_cookie,
        SIGN_IN_COOKIE,
    },
    rate_limit::SignInLimiter,
    refusals::RefusalLog,
};
use crate::{
    http::{api::ApiError, local_path},
    login::{Identity, LoginFailure, ProviderKind, Providers},
};

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/{provider}`. Each start stores an attempt, so one address may start only so
/// many per minute.
pub async fn start_sign_in(
    State(state): State<AppState>,
    Extension(providers): Extension<Arc<Providers>>,
    Extension(limiter): Extension<SignInLimiter>,
    Extension(SourceAddr(source)): Extension<SourceAddr>,
    Path(provider): Path<String>,
    Query(query): Query<StartQuery>,
) -> Response {
    let Some(kind) = ProviderKind::parse(&provider) else {
        return unknown_provider();
    };
    if !limiter.allow(source.as_deref()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            "too many sign-ins started from this address; try again in a minute",
        )
            .into_response();
    }
    start(kind, &state, &providers, query).await
}

/// `GET /auth/{provider}/callback`.
pub async fn finish_sign_in(
    State(state): State<AppState>,
    Extension(providers): Extension<Arc<Providers>>,
    Extension(refusals): Extension<RefusalLog>,
    Extension(SourceAddr(source)): Extension<SourceAddr>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    match ProviderKind::parse(&provider) {
        Some(kind) => callback(kind, &state, &providers, &refusals, source, &headers, query).await,
        None => unknown_provider(),
    }
}

fn unknown_provider() -> Response {
    (StatusCode::NOT_FOUND, "no such sign-in provider").into_response()
}

fn configured(kind: ProviderKind, providers: &Providers) -> bool {
    match kind {
        ProviderKind::GitHub => providers.github.is_some(),
        ProviderKind::Oidc => providers.oidc.is_some(),
    }
}

fn not_configured(kind: ProviderKind) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("{} sign-in is not configured", kind.as_str()),
    )
        .into_response()
}

async fn start(
    kind: ProviderKind,
    state: &AppState,
    providers: &Providers,
    query: StartQuery,
) -> Response {
    if !configured(kind, providers) {
        return not_configured(kind);
    }
    let secrets = (
        Credential::generate(""),
        Credential::generate(""),
        Credential::generate(""),
    );
    let (Ok(state_value), Ok(binding), Ok(nonce)) = secrets else {
        tracing::error!("no randomness available for a sign-in");
        return ApiError(Failure::internal()).into_response();
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let authorize_url = match kind {
        ProviderKind::GitHub => providers
            .github
            .as_ref()
            .map(|github| Ok(github.authorize_url(state_value.expose(), challenge))),
        ProviderKind::Oidc => match providers.oidc.as_ref() {
            Some(oidc) => Some(
                oidc.authorize_url(state_value.expose(), challenge, nonce.expose())
                    .await,
            ),
            None => None,
        },
    };
    let authorize_url = match authorize_url {
        Some(Ok(url)) => url,
        Some(Err(failure)) => {
            tracing::warn!(provider = kind.as_str(), detail = %failure.detail, "cannot start sign-in");
            return to_sign_in_page(failure.refusal, state.secure_cookies());
        }
        None => return not_configured(kind),
    };
    let attempt = Attempt {
        provider: kind.as_str().to_owned(),
        pkce_verifier: verifier.secret().to_owned(),
        nonce: nonce.expose().to_owned(),
        next_path: local_path(query.next.as_deref()).to_owned(),
    };
    if let Err(error) = access::begin_attempt(
        state.engine.store(),
        state_value.expose(),
        binding.expose(),
        &attempt,
    )
    .await
    {
        return ApiError::internal("cannot store a sign-in attempt", error);
    }
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                header_value(&sign_in_cookie(
                    binding.expose(),
                    ATTEMPT_LIFETIME_MS / 1000,
                    state.secure_cookies(),
                )),
            ),
            (header::LOCATION, header_value(authorize_url.as_str())),
        ],
    )
        .into_response()
}

async fn callback(
    kind: ProviderKind,
    state: &AppState,
    providers: &Providers,
    refusals: &RefusalLog,
    source: Option<String>,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Response {
    if !configured(kind, providers) {
        return not_configured(kind);
    }
    let outcome = vouch(kind, state, providers, headers, query).await;
    let (identity, next_path) = match outcome {
        Ok(found) => found,
        Err(failure) => return refuse(kind, state, refusals, source, failure).await,
    };
    let sign_in = SignIn {
        provider: kind.as_str().to_owned(),
        subject: identity.subject,
        login: identity.login,
        name: identity.name,
        role: identity.role,
        source_addr: source,
        provider_token: identity.sealed_token,
        vouched_until: identity.vouched_until,
    };
    match access::sign_in(state.engine.store(), sign_in).await {
        Ok((credential, _)) => {
            let secure = state.secure_cookies();
            let mut response = (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, header_value(&next_path))],
            )
                .into_response();
            let cookies = response.headers_mut();
            cookies.append(
                header::SET_COOKIE,
                header_value(&session_cookie(credential.expose(), secure)),
            );
            cookies.append(
                header::SET_COOKIE,
                header_value(&cleared_sign_in_cookie(secure)),
            );
            response
        }
        Err(error) => ApiError::internal("cannot open a session", error),
    }
}

/// Checks the callback against its attempt and asks the provider who the person is.
async fn vouch(
    kind: ProviderKind,
    state: &AppState,
    providers: &Providers,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<(Identity, String), LoginFailure> {
    let Some(state_value) = query.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(LoginFailure::new(
            Refusal::InvalidState,
            "callback without state",
        ));
    };
    let binding = cookie_value(headers, SIGN_IN_COOKIE);
    let attempt = access::take_attempt(state.engine.store(), kind.as_str(), state_value, binding)
        .await
        .map_err(|e| LoginFailure::new(Refusal::ProviderUnavailable, format!("storage: {e}")))?
        .map_err(|problem| LoginFailure::new(Refusal::InvalidState, problem.describe()))?;
    if let Some(error) = query.error.as_deref() {
        let refusal = if error == "access_denied" {
            Refusal::Denied
        } else {
            Refusal::CodeRejected
        };
        return Err(LoginFailure::new(
            refusal,
            format!("the provider answered error {:?}", printable(error)),
        ));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(LoginFailure::new(
            Refusal::CodeRejected,
            "callback without code",
        ));
    };
    let identity = match kind {
        ProviderKind::GitHub => match providers.github.as_ref() {
            Some(github) => github.finish(code, &attempt.pkce_verifier).await?,
            None => {
                return Err(LoginFailure::new(
                    Refusal::ProviderUnavailable,
                    "not configured",
                ))
            }
        },
        ProviderKind::Oidc => match providers.oidc.as_ref() {
            Some(oidc) => {
                oidc.finish(code, &attempt.pkce_verifier, &attempt.nonce)
                    .await?
            }
            None => {
                return Err(LoginFailure::new(
                    Refusal::ProviderUnavailable,
                    "not configured",
                ))
            }
        },
    };
    Ok((identity, attempt.next_path))
}

/// Audits the refusal and sends the person to the sign-in page, which explains it.
async fn refuse(
    kind: ProviderKind,
    state: &AppState,
    refusals: &RefusalLog,
    source: Option<String>,
    failure: LoginFailure,
) -> Response {
    let actor = failure.login.as_deref().map_or_else(
        || "anonymous".to_owned(),
        |login| format!("{}:{login}", kind.as_str()),
    );
    let details = json!({
        "provider": kind.as_str(),
        "reason": failure.refusal.code(),
        "detail": failure.detail,
    });
    if let Err(error) = refusals
        .record(&actor, "auth.refused", details, source)
        .await
    {
        return ApiError::internal("cannot record a refused sign-in", error);
    }
    to_sign_in_page(failure.refusal, state.secure_cookies())
}

fn to_sign_in_page(refusal: Refusal, secure: bool) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::LOCATION,
                header_value(&format!("/signin?refused={}", refusal.code())),
            ),
            (
                header::SET_COOKIE,
                header_value(&cleared_sign_in_cookie(secure)),
            ),
        ],
    )
        .into_response()
}

/// A provider's error code as it may be recorded: short, and only harmless characters
/// (it arrives in a URL anyone can craft).
fn printable(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(64)
        .collect()
}
