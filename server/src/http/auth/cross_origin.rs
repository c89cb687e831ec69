//! Protection against cross-site request forgery for every state-changing request that
//! relies on the session cookie (forms, server functions, the REST API). Browsers say where
//! a request comes from (`Sec-Fetch-Site`, or at least `Origin`); a request from another
//! site is refused. Requests identified by a valid bearer token carry no ambient credential
//! and need no check (any other `Authorization` header changes nothing: such a request
//! still counts as the cookie's); requests with neither header come from non-browser
//! clients, which cannot be tricked into sending a person's cookie.

use app::state::{AppState, RequestPrincipal};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use engine::model::access::Via;

pub async fn cross_origin_protection(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let by_token = request
        .extensions()
        .get::<RequestPrincipal>()
        .and_then(|principal| principal.0.as_ref())
        .is_some_and(|principal| principal.via == Via::Token);
    if safe_method || by_token || is_same_origin(request.headers(), &state.public_url) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        "cross-site request refused: this action must be sent from nixdeck's own pages",
    )
        .into_response()
}

fn is_same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text("origin") else {
        return true;
    };
    let host_origin = text("host").map(|host| {
        let scheme = if public_url.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    });
    origin == origin_of(public_url) || Some(origin) == host_origin.as_deref()
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |index| index + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |index| after_scheme + index);
    &url[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    const PUBLIC: &str = "https://deck.example.com";

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            PUBLIC
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            PUBLIC
        ));
        assert!(!is_same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            PUBLIC
        ));
    }

    #[test]
    fn the_origin_must_be_the_public_url_or_the_host() {
        assert!(is_same_origin(
            &headers(&[("origin", "https://deck.example.com")]),
            PUBLIC
        ));
        assert!(is_same_origin(
            &headers(&[
                ("origin", "https://10.0.0.5:3000"),
                ("host", "10.0.0.5:3000")
            ]),
            PUBLIC
        ));
        assert!(!is_same_origin(
            &headers(&[("origin", "https://evil.example")]),
            PUBLIC
        ));
        assert!(!is_same_origin(&headers(&[("origin", "null")]), PUBLIC));
    }

    #[test]
    fn clients_that_are_not_browsers_pass() {
        assert!(is_same_origin(&headers(&[]), PUBLIC));
    }
}
