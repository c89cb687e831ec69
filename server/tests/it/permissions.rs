//! Walks every server function and REST endpoint with every role, and with no credentials,
//! and checks each answer against the one permission table (`engine::model::access`). A
//! server function missing from the walk fails the test, so none can be added unchecked.

use std::collections::BTreeSet;

use app::api::{
    audit::ListAuditEvents,
    people::{EndSessions, ListPeople},
    system::{GetHealth, GetSession},
    tokens::{CreateApiToken, ListApiTokens, RevokeApiToken},
};
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use engine::{
    access,
    model::access::{is_allowed, Action, Role},
};
use leptos::server_fn::ServerFn;

use crate::helpers::TestApp;

/// What a call needs: a role allowed by an action, or any signed-in principal.
#[derive(Debug, Clone, Copy)]
enum Needs {
    Anyone,
    SignedIn,
    Permission(Action),
}

struct Endpoint {
    method: Method,
    path: &'static str,
    body: &'static str,
    needs: Needs,
}

fn server_fn(path: &'static str, body: &'static str, needs: Needs) -> Endpoint {
    Endpoint {
        method: Method::POST,
        path,
        body,
        needs,
    }
}

fn rest(path: &'static str, needs: Needs) -> Endpoint {
    Endpoint {
        method: Method::GET,
        path,
        body: "",
        needs,
    }
}

fn endpoints() -> Vec<Endpoint> {
    vec![
        server_fn(<GetSession as ServerFn>::PATH, "", Needs::Anyone),
        server_fn(
            <GetHealth as ServerFn>::PATH,
            "",
            Needs::Permission(Action::Read),
        ),
        server_fn(
            <ListAuditEvents as ServerFn>::PATH,
            "query[actor]=&query[action]=&query[target]=&query[from]=&query[until]=",
            Needs::Permission(Action::Read),
        ),
        server_fn(
            <ListPeople as ServerFn>::PATH,
            "",
            Needs::Permission(Action::ManageSessions),
        ),
        server_fn(
            <EndSessions as ServerFn>::PATH,
            "user_id=nobody",
            Needs::Permission(Action::ManageSessions),
        ),
        server_fn(
            <ListApiTokens as ServerFn>::PATH,
            "",
            Needs::Permission(Action::ManageTokens),
        ),
        server_fn(
            <CreateApiToken as ServerFn>::PATH,
            "name=walked&role=viewer",
            Needs::Permission(Action::ManageTokens),
        ),
        server_fn(
            <RevokeApiToken as ServerFn>::PATH,
            "name=nobody",
            Needs::Permission(Action::ManageTokens),
        ),
        rest("/api/v1/me", Needs::SignedIn),
        rest("/api/v1/audit", Needs::Permission(Action::Read)),
        rest(
            "/api/v1/audit/export?format=csv",
            Needs::Permission(Action::Read),
        ),
    ]
}

fn expected_allowed(needs: Needs, role: Option<Role>) -> bool {
    match (needs, role) {
        (Needs::Anyone, _) => true,
        (_, None) => false,
        (Needs::SignedIn, Some(_)) => true,
        (Needs::Permission(action), Some(role)) => is_allowed(role, action),
    }
}

/// Whether the answer was a refusal: 401/403 from the gate or the REST API, or the server
/// function's own `Unauthorized` / `Forbidden` error.
fn refused(status: StatusCode, body: &str) -> bool {
    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        || body == "\"Unauthorized\""
        || body == "\"Forbidden\""
}

#[test]
fn every_endpoint_answers_each_role_as_the_permission_table_says() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let mut tokens = Vec::new();
        for role in Role::ALL {
            let name = format!("walk-{}", role.as_str());
            let token = access::create_token(&app.store, &name, role, "test", None)
                .await
                .expect("token");
            tokens.push((Some(role), Some(token.expose().to_owned())));
        }
        tokens.push((None, None));

        for endpoint in endpoints() {
            for (role, token) in &tokens {
                // Each admin call that creates a token needs a fresh name.
                access::revoke_token(&app.store, "walked", "test", None)
                    .await
                    .ok();
                let mut request = Request::builder()
                    .method(endpoint.method.clone())
                    .uri(endpoint.path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                if let Some(token) = token {
                    request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                let request = request.body(Body::from(endpoint.body)).expect("request");
                let (response, body) = app.send(request).await;
                let allowed = !refused(response.status(), &body);
                assert_eq!(
                    allowed,
                    expected_allowed(endpoint.needs, *role),
                    "{} {} as {role:?}: {} {body}",
                    endpoint.method,
                    endpoint.path,
                    response.status(),
                );
            }
        }
    })
}

#[test]
fn the_walk_covers_every_registered_server_function() {
    let walked: BTreeSet<&str> = endpoints()
        .iter()
        .filter(|endpoint| endpoint.method == Method::POST)
        .map(|endpoint| endpoint.path)
        .collect();
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(walked, registered);
}
