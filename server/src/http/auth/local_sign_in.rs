//! `POST /auth/local`: local mode's single sign-in. Only offered when no sign-in provider
//! is configured, and then nixdeck listens on a loopback address only, so whoever can reach
//! it is already on the machine.

use app::state::{AppState, SourceAddr};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension, Form,
};
use engine::{
    access::{self, SignIn},
    model::access::Role,
};
use serde::Deserialize;

use super::cookie::{header_value, session_cookie};
use crate::http::{api::ApiError, local_path};

/// The local admin's login; the audit log records it as `local:admin`.
pub const LOCAL_ADMIN: &str = "admin";

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    next: Option<String>,
}

pub async fn sign_in_locally(
    State(state): State<AppState>,
    Extension(SourceAddr(source)): Extension<SourceAddr>,
    Form(form): Form<SignInForm>,
) -> Response {
    if !state.local_mode() {
        return (
            StatusCode::NOT_FOUND,
            "local sign-in is only available when no sign-in provider is configured",
        )
            .into_response();
    }
    let sign_in = SignIn {
        provider: "local".to_owned(),
        subject: LOCAL_ADMIN.to_owned(),
        login: LOCAL_ADMIN.to_owned(),
        name: "Local admin".to_owned(),
        role: Role::Admin,
        source_addr: source,
        provider_token: None,
        vouched_until: None,
    };
    match access::sign_in(state.engine.store(), sign_in).await {
        Ok((credential, _)) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    header_value(&session_cookie(credential.expose(), state.secure_cookies())),
                ),
                (
                    header::LOCATION,
                    header_value(local_path(form.next.as_deref())),
                ),
            ],
        )
            .into_response(),
        Err(error) => ApiError::internal("cannot open the local admin's session", error),
    }
}
