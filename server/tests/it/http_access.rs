//! Who may use nixdeck: the sign-in gate, sessions, tokens, cross-origin protection and
//! security headers.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use engine::audit::{self, AuditFilter};
use serde_json::Value;

use crate::helpers::TestApp;

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let mut rows = audit::list(&app.store, &AuditFilter::default(), 100)
        .await
        .expect("audit");
    rows.reverse();
    rows.into_iter().map(|row| row.action).collect()
}

fn post(path: &str, cookie: &str, extra: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::post(path).header(header::COOKIE, cookie);
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).expect("request")
}

#[test]
fn pages_send_a_signed_out_person_to_the_sign_in_page() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let (response, _) = app.get("/clusters?tab=all").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "/signin?next=/clusters%3Ftab%3Dall"
        );
        let (response, html) = app.get("/signin").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(html.contains("Sign in as the local admin"), "{html}");
        let (response, _) = app.get("/healthz").await;
        assert_eq!(response.status(), StatusCode::OK, "health stays public");
    })
}

#[test]
fn local_sign_in_opens_a_server_side_session_with_a_safe_cookie() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let (response, _) = app
            .send(
                Request::post("/auth/local")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("next=%2Faudit"))
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/audit");
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ASCII");
        assert!(cookie.starts_with("nixdeck_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(
            !cookie.contains("Secure"),
            "plain http public URL: {cookie}"
        );
        assert_eq!(audit_actions(&app).await, vec!["auth.sign_in"]);
    })
}

#[test]
fn the_me_endpoint_names_the_session_or_the_token() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let (response, _) = app.get("/api/v1/me").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        let cookie = app.sign_in().await;
        let (response, body) = app.get_with_cookie("/api/v1/me", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK);
        let me: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(me["login"], "admin");
        assert_eq!(me["actor"], "local:admin");
        assert_eq!(me["role"], "admin");
        assert_eq!(me["via"], "session");

        let token = app
            .engine
            .create_token(&engine::commands::Caller::cli(), "ci", "operator")
            .await
            .expect("token");
        let (response, body) = app.get_with_token("/api/v1/me", token.expose()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let me: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(me["login"], "ci");
        assert_eq!(me["actor"], "token:ci");
        assert_eq!(me["role"], "operator");
        assert_eq!(me["via"], "token");
    })
}

#[test]
fn a_revoked_token_is_refused_audited_and_opens_nothing() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let token = app
            .engine
            .create_token(&engine::commands::Caller::cli(), "old", "admin")
            .await
            .expect("token");
        app.engine
            .revoke_token(&engine::commands::Caller::cli(), "old")
            .await
            .expect("revoke");
        let (response, body) = app.get_with_token("/api/v1/me", token.expose()).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(body.contains("not valid or has been revoked"), "{body}");
        assert!(response.headers().get(header::SET_COOKIE).is_none());
        let (response, _) = app.get_with_token("/clusters", "ndk_forged").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        // The same refusal from the same address within a minute is recorded once, then
        // counted.
        assert_eq!(
            audit_actions(&app).await,
            vec!["token.create", "token.revoke", "auth.token_refused"]
        );
        let refusals = audit::list(&app.store, &AuditFilter::default(), 1)
            .await
            .expect("audit");
        assert!(
            !refusals[0].details.contains("ndk_"),
            "the presented value is never recorded"
        );
    })
}

#[test]
fn signing_out_ends_the_session_everywhere() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (response, _) = app.send(post("/auth/logout", &cookie, &[])).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ASCII")
            .contains("Max-Age=0"));
        let (response, _) = app.get_with_cookie("/api/v1/me", &cookie).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "the old cookie is worthless"
        );
        assert_eq!(
            audit_actions(&app).await,
            vec!["auth.sign_in", "auth.sign_out", "auth.session_refused"],
            "the kept cookie's use is recorded"
        );
    })
}

#[test]
fn a_tampered_or_ended_session_cookie_is_refused_audited_and_cleared() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let last = cookie.chars().last().expect("cookie");
        let tampered = format!(
            "{}{}",
            &cookie[..cookie.len() - 1],
            if last == '0' { '1' } else { '0' }
        );
        let (response, _) = app.get_with_cookie("/api/v1/me", &tampered).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let cleared = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ASCII");
        assert!(
            cleared.starts_with("nixdeck_session=;") && cleared.contains("Max-Age=0"),
            "{cleared}"
        );

        app.send(post(
            "/auth/logout",
            &cookie,
            &[("sec-fetch-site", "same-origin")],
        ))
        .await;
        let (response, _) = app.get_with_cookie("/audit", &cookie).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "/signin?next=/audit&refused=session_ended"
        );
        let (_, html) = app.get("/signin?next=/audit&refused=session_ended").await;
        assert!(html.contains("Your session has ended"), "{html}");

        let events = audit::list(&app.store, &AuditFilter::default(), 10)
            .await
            .expect("audit");
        let refusals: Vec<String> = events
            .iter()
            .rev()
            .filter(|e| e.action == "auth.session_refused")
            .map(|e| e.details.clone())
            .collect();
        assert_eq!(refusals.len(), 2, "{refusals:?}");
        assert!(refusals[0].contains("unknown or tampered session cookie"));
        assert!(refusals[1].contains("session ended"));
        assert!(
            refusals.iter().all(|d| !d.contains(&cookie[16..])),
            "never the value"
        );
    })
}

#[test]
fn a_cross_site_request_with_the_session_cookie_is_refused() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        for headers in [
            vec![("sec-fetch-site", "cross-site")],
            vec![("origin", "https://evil.example")],
        ] {
            let (response, _) = app.send(post("/auth/logout", &cookie, &headers)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        }
        let (response, _) = app.get_with_cookie("/api/v1/me", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "the session survived");
        let (response, _) = app
            .send(post(
                "/auth/logout",
                &cookie,
                &[
                    ("sec-fetch-site", "same-origin"),
                    ("origin", "http://127.0.0.1:3000"),
                ],
            ))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "same-origin passes"
        );
    })
}

#[test]
fn every_response_carries_the_security_headers() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (page, html) = app.get_with_cookie("/", &cookie).await;
        let policy = page.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ASCII");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("the policy carries a nonce");
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "the page's scripts carry it"
        );

        let (json, _) = app.get("/healthz").await;
        for response in [&page, &json] {
            assert_eq!(
                response.headers()[header::X_CONTENT_TYPE_OPTIONS],
                "nosniff"
            );
            assert_eq!(
                response.headers()[header::REFERRER_POLICY],
                "strict-origin-when-cross-origin"
            );
            assert!(response.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("ASCII")
                .contains("frame-ancestors 'none'"));
        }
    })
}

#[test]
fn the_audit_api_lists_events_newest_first_with_filters() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        app.engine
            .create_token(&engine::commands::Caller::cli(), "ci", "viewer")
            .await
            .expect("token");
        let (response, body) = app.get_with_cookie("/api/v1/audit", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK);
        let events: Value = serde_json::from_str(&body).expect("JSON");
        let actions: Vec<&str> = events["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|event| event["action"].as_str().expect("action"))
            .collect();
        assert_eq!(actions, vec!["token.create", "auth.sign_in"]);

        let (_, body) = app
            .get_with_cookie("/api/v1/audit?action=auth.sign_in", &cookie)
            .await;
        let events: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(events["events"].as_array().expect("events").len(), 1);

        let (response, body) = app.get_with_cookie("/api/v1/audit?limit=0", &cookie).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("\"field\":\"limit\""), "{body}");
    })
}

#[test]
fn the_audit_page_lists_events_with_filters_and_export_links() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        app.engine
            .create_token(&engine::commands::Caller::cli(), "nightly", "viewer")
            .await
            .expect("token");
        let (response, html) = app.get_with_cookie("/audit", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(html.contains("token.create"), "{html}");
        assert!(html.contains("auth.sign_in"), "{html}");
        assert!(html.contains("/api/v1/audit/export?format=csv"), "{html}");

        let (_, html) = app
            .get_with_cookie("/audit?action=token.create", &cookie)
            .await;
        assert!(html.contains("token:nightly"), "{html}");
        assert!(!html.contains(">auth.sign_in<"), "{html}");

        let (_, html) = app.get_with_cookie("/audit?from=someday", &cookie).await;
        assert!(html.contains("is not a date like"), "{html}");
    })
}

#[test]
fn the_audit_log_exports_as_csv_and_json() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (response, csv) = app
            .get_with_cookie("/api/v1/audit/export?format=csv", &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ASCII")
            .contains("nixdeck-audit.csv"));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "id,time,actor,action,target,details,source,hash");
        assert!(lines[1].starts_with("1,"), "{csv}");
        assert!(lines[1].contains("auth.sign_in"), "{csv}");

        let (_, json) = app
            .get_with_cookie(
                "/api/v1/audit/export?format=json&action=auth.sign_in",
                &cookie,
            )
            .await;
        let parsed: Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(parsed["events"].as_array().expect("events").len(), 1);

        let (response, _) = app
            .get_with_cookie("/api/v1/audit/export?format=xml", &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
}
