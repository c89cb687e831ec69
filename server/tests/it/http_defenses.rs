//! What keeps strangers from using or filling nixdeck: only its own host names are
//! answered (DNS rebinding), only a valid bearer token skips the cross-origin check,
//! sign-in starts are limited per address and carry only a short `next`, repeated
//! refusals are counted rather than each written down, and https brings HSTS.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use engine::audit::{self, AuditFilter};
use serde_json::Value;

use crate::{helpers::TestApp, provider_helpers::GitHub};

fn local_sign_in(host: &str) -> Request<Body> {
    Request::post("/auth/local")
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("next=%2F"))
        .expect("request")
}

#[test]
fn a_page_on_another_host_name_cannot_sign_in_through_dns_rebinding() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        // The attacker's page, same-origin with itself once its name resolves to
        // 127.0.0.1, posts to the local sign-in: its Host names the attacker's domain.
        for host in [
            "rebind.attacker.example:3000",
            "rebind.attacker.example",
            "127.0.0.1:4000",
        ] {
            let (response, _) = app.send(local_sign_in(host)).await;
            assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
            assert!(response.headers().get(header::SET_COOKIE).is_none());
        }
        let sessions = testkit::query_strings(&app.store, "select id_hash from sessions").await;
        assert!(sessions.is_empty(), "no session was opened");
        // The public URL's host, and localhost in local mode, are nixdeck's own.
        for host in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST:3000"] {
            let (response, _) = app.send(local_sign_in(host)).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{host}");
        }
        // Monitoring may probe by any name.
        let (response, _) = app
            .send(
                Request::get("/healthz")
                    .header(header::HOST, "10.1.2.3:3000")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    })
}

#[test]
fn the_names_a_proxy_uses_are_allowed_by_configuration() {
    testkit::block_on(async {
        let db = testkit::TestDb::sqlite().await;
        let app = TestApp::owning(
            db,
            &[(
                "NIXDECK_ALLOWED_HOSTS",
                "deck.internal, 10.0.0.5:8080".to_owned(),
            )],
        )
        .await;
        for (host, status) in [
            ("deck.internal", StatusCode::SEE_OTHER),
            ("10.0.0.5:8080", StatusCode::SEE_OTHER),
            ("10.0.0.5:9090", StatusCode::MISDIRECTED_REQUEST),
            ("other.internal", StatusCode::MISDIRECTED_REQUEST),
        ] {
            let (response, _) = app.send(local_sign_in(host)).await;
            assert_eq!(response.status(), status, "{host}");
        }
    })
}

#[test]
fn only_a_valid_bearer_token_skips_the_cross_origin_check() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        // Another scheme in Authorization changes nothing: the cookie still identifies the
        // request, so it is still a cross-site request with the person's cookie.
        let (response, _) = app
            .send(
                Request::post("/api/v1/clusters")
                    .header(header::COOKIE, &cookie)
                    .header(header::AUTHORIZATION, "Basic Zm9vOmJhcg==")
                    .header("sec-fetch-site", "cross-site")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(crate::job_helpers::alpha(2).to_string()))
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let clusters = testkit::query_strings(&app.store, "select name from clusters").await;
        assert!(clusters.is_empty(), "nothing was created");
        // A valid token carries no ambient credential: no check is needed.
        let token = app
            .engine
            .create_token(&engine::commands::Caller::cli(), "ci", "admin")
            .await
            .expect("token");
        let (response, body) = app
            .send(
                Request::post("/api/v1/clusters")
                    .header(header::AUTHORIZATION, format!("Bearer {}", token.expose()))
                    .header("sec-fetch-site", "cross-site")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(crate::job_helpers::alpha(2).to_string()))
                    .expect("request"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    })
}

#[test]
fn three_hundred_bad_tokens_write_two_audit_events() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        for n in 0..300 {
            let (response, _) = app
                .get_with_token("/api/v1/me", &format!("ndk_guess{n}"))
                .await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        let refused = |rows: Vec<engine::audit::AuditRow>| {
            rows.into_iter()
                .filter(|row| row.action == "auth.token_refused")
                .map(|row| serde_json::from_str::<Value>(&row.details).expect("JSON"))
                .collect::<Vec<_>>()
        };
        let listed = audit::list(&app.store, &AuditFilter::default(), 500)
            .await
            .expect("audit");
        assert_eq!(refused(listed).len(), 1, "the first, at once");
        // When the minute is over (here: nixdeck stopping), the rest as one count.
        app.application.refusals.flush(true).await;
        let listed = audit::list(&app.store, &AuditFilter::default(), 500)
            .await
            .expect("audit");
        let events = refused(listed);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0]["repeated"], 299);
    })
}

#[test]
fn sign_in_starts_are_limited_per_address_and_keep_only_a_short_next() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        let start = |next: String| {
            Request::get(format!("/auth/github?next={next}"))
                .body(Body::empty())
                .expect("request")
        };
        let long = format!("/{}", "a".repeat(16 * 1024));
        let (response, _) = app.send(start(long)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let kept =
            testkit::query_strings(&app.store, "select next_path from sign_in_attempts").await;
        assert_eq!(kept, ["/"], "a long next is not kept");
        for _ in 1..20 {
            let (response, _) = app.send(start("/audit".to_owned())).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        let (response, _) = app.send(start("/audit".to_owned())).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let stored = testkit::query_strings(
            &app.store,
            "select cast(count(*) as text) from sign_in_attempts",
        )
        .await;
        assert_eq!(stored, ["20"]);
    })
}

#[test]
fn https_brings_strict_transport_security() {
    testkit::block_on(async {
        let db = testkit::TestDb::sqlite().await;
        let env = [("NIXDECK_PUBLIC_URL", "https://deck.example.com".to_owned())];
        let app = TestApp::owning(db, &env).await;
        let (response, _) = app
            .send(
                Request::get("/healthz")
                    .header(header::HOST, "deck.example.com")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(
            response.headers()[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000"
        );
        let plain = TestApp::on_sqlite().await;
        let (response, _) = plain.get("/healthz").await;
        assert!(response
            .headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none());
    })
}
