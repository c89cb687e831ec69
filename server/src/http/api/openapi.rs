//! The REST API's OpenAPI 3.1 document, served at `GET /api/v1/openapi.json`. Its paths
//! come from the handlers' own `#[utoipa::path]` attributes and its schemas from the
//! types they read and answer: every route is registered through the document
//! (`api::routes`), so none can exist undocumented.

use std::sync::Arc;

use axum::{Extension, Json};
use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        OpenApi as Document,
    },
    Modify, OpenApi,
};

/// The document's fixed parts; `api::routes` adds every operation.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "nixdeck",
        description = "Deploy and operate NixOS clusters run with NixOps: clusters, jobs and their logs, secrets, the builder and the deployer, notification channels, the audit log. Errors answer `{\"error\", \"field\"}` with the status of their kind.",
    ),
    servers((url = "/api/v1")),
    modifiers(&Credentials),
    security(("token" = []), ("session" = [])),
    tags(
        (name = "clusters", description = "Clusters, their arguments, versions, deploys and operations"),
        (name = "jobs", description = "Jobs, their logs, approvals and cancels"),
        (name = "secrets", description = "The secrets the machines read, in AWS Secrets Manager"),
        (name = "hosts", description = "The macOS builder and the deployer"),
        (name = "notifications", description = "Notification channels and what they were sent"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "me", description = "The caller"),
    )
)]
pub struct ApiDoc;

/// How callers prove who they are: an API token (`nixdeck token create`), or a signed-in
/// browser's session cookie.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("nixdeck_session"))),
        );
    }
}

/// `GET /api/v1/openapi.json`: this document, as built once at start.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "me",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")),
)]
pub async fn document(Extension(document): Extension<Arc<Document>>) -> Json<Document> {
    Json(document.as_ref().clone())
}
