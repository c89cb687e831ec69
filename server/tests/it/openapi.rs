//! The REST API's OpenAPI document: served, OpenAPI 3.1, and exactly the API. Every
//! documented operation is routed (the router answers it, not its 404 or 405), no path
//! answers a method it does not document, and the API's routes are registered only through
//! the document.

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::Value;

use crate::helpers::TestApp;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The path with every `{parameter}` filled in with a value that names nothing.
fn concrete(path: &str) -> String {
    let filled = path
        .replace("{name}", "no-such-cluster")
        .replace("{id}", "no-such-id")
        .replace("{env}", "staging")
        .replace("{kind}", "nothing");
    assert!(!filled.contains('{'), "an unknown parameter in {path}");
    format!("/api/v1{filled}")
}

/// Sends `method path` as the signed-in local admin; the status and whether the answer
/// came from a handler (JSON, or the success of a stream) rather than the site's 404 page.
async fn answer(app: &TestApp, cookie: &str, method: &str, path: &str) -> (StatusCode, String) {
    let request = Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"))
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .expect("request");
    let (response, body) = app.send(request).await;
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), format!("{content_type} {body}"))
}

#[test]
fn the_document_is_served_and_matches_the_routes() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (status, served) = answer(&app, &cookie, "get", "/api/v1/openapi.json").await;
        assert_eq!(status, StatusCode::OK, "{served}");
        let served: Value = serde_json::from_str(
            served
                .strip_prefix("application/json ")
                .expect("a JSON document"),
        )
        .expect("JSON");
        let built =
            serde_json::to_value(nixdeck_server::http::openapi_document()).expect("serialize");
        assert_eq!(served, built);
        assert_eq!(served["openapi"], "3.1.0");
        assert_eq!(served["servers"][0]["url"], "/api/v1");
        assert!(served["components"]["securitySchemes"]["token"].is_object());

        let paths = served["paths"].as_object().expect("paths");
        assert!(paths.len() >= 30, "{} paths", paths.len());
        let mut operations = 0;
        for (path, item) in paths {
            let url = concrete(path);
            for method in METHODS {
                let documented = item.get(method);
                let (status, body) = answer(&app, &cookie, method, &url).await;
                match documented {
                    Some(operation) => {
                        operations += 1;
                        assert!(
                            operation["responses"].is_object() && operation["tags"].is_array(),
                            "{method} {path}: {operation}"
                        );
                        // Routed: whatever the handler says (often that the cluster or job
                        // does not exist), it is not the router's 405 or the site's 404 page.
                        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                        assert!(
                            status != StatusCode::NOT_FOUND || body.starts_with("application/json"),
                            "{method} {path} is documented but not routed: {status} {body}"
                        );
                    }
                    None => assert_eq!(
                        status,
                        StatusCode::METHOD_NOT_ALLOWED,
                        "{method} {path} answers without being documented: {body}"
                    ),
                }
            }
        }
        assert!(operations >= 40, "{operations} operations");

        // A path the document does not name is not the API's.
        let (status, body) = answer(&app, &cookie, "get", "/api/v1/clusters/a/b/c").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.starts_with("application/json"), "{body}");
    })
}

#[test]
fn routes_are_registered_only_through_the_document() {
    // A route added beside the document (axum's `route`, `nest`, `merge`, or the
    // OpenAPI router's undocumented `route`) would escape the check above.
    let routes = include_str!("../../src/http/api/mod.rs");
    for escape in [
        ".route(",
        ".nest(",
        ".merge(",
        ".route_service(",
        ".fallback(",
    ] {
        assert!(
            !routes.contains(escape),
            "server/src/http/api/mod.rs registers a route outside the document: {escape}"
        );
    }
}
