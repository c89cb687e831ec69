//! Only the team may use nixdeck: every page and API call needs a signed-in person or a
//! token, except the few addresses needed to sign in and to serve the site's files.

use app::state::RequestPrincipal;
use axum::{
    extract::Request,
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use engine::model::{sign_in::Refusal, url_encoding::encode_query_value};
use serde_json::json;

use super::identify::StaleSession;
use crate::http::is_site_asset;

/// Addresses open to everyone. `get_session` answers "nobody" to the sign-in page.
fn is_public(path: &str) -> bool {
    use leptos::server_fn::ServerFn;
    matches!(path, "/healthz" | "/signin" | "/preferences/theme")
        || path == <app::api::system::GetSession as ServerFn>::PATH
        || path.starts_with("/auth/")
        || is_site_asset(path)
}

pub async fn require_sign_in(request: Request, next: Next) -> Response {
    let signed_in = request
        .extensions()
        .get::<RequestPrincipal>()
        .is_some_and(|principal| principal.0.is_some());
    let path = request.uri().path();
    if signed_in || is_public(path) {
        return next.run(request).await;
    }
    if path.starts_with("/api/") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "sign in or send an API token (Authorization: Bearer TOKEN)" })),
        )
            .into_response();
    }
    if request.method() == Method::GET || request.method() == Method::HEAD {
        let target = request
            .uri()
            .path_and_query()
            .map_or("/", |value| value.as_str());
        let mut location = format!("/signin?next={}", encode_query_value(target, true));
        if request.extensions().get::<StaleSession>().is_some() {
            location.push_str("&refused=");
            location.push_str(Refusal::SessionEnded.code());
        }
        return (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    }
    (StatusCode::UNAUTHORIZED, "sign in first").into_response()
}
