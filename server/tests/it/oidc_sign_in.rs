//! Signing in with an OpenID Connect provider (a real one, on 127.0.0.1): discovery, the
//! groups claim deciding the role, and ID tokens refused for each way they can be wrong.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::{
    helpers::TestApp,
    provider_helpers::{app_path, audit_log, location, me, session_count, start, Browser, Oidc},
};

/// One sign-in through the provider; returns the browser and where the app sent it.
async fn sign_in(oidc: &Oidc, app: &TestApp) -> (Browser, String) {
    let mut browser = Browser::default();
    let authorize = start(&mut browser, app, "oidc", "/people").await;
    let callback = oidc.authorize(&authorize).await;
    let (response, _) = browser.get(app, &app_path(&callback)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (browser, location(&response))
}

#[test]
fn the_groups_claim_decides_the_role() {
    testkit::block_on(async {
        let oidc = Oidc::start().await;
        let app = oidc.app().await;
        for (groups, role) in [
            (json!(["staff", "nixdeck-admins"]), "admin"),
            (json!("nixdeck-operators"), "operator"),
            (json!(["staff"]), "viewer"),
        ] {
            oidc.next(
                json!({
                    "sub": format!("id-{role}"),
                    "preferred_username": format!("{role}-person"),
                    "name": format!("The {role}"),
                    "groups": groups,
                }),
                None,
            )
            .await;
            let (mut browser, went_to) = sign_in(&oidc, &app).await;
            assert_eq!(went_to, "/people");
            let me = me(&mut browser, &app).await.expect("signed in");
            assert_eq!(me["login"], format!("{role}-person"));
            assert_eq!(me["role"], role);
        }
        let people = app
            .engine
            .people(&engine::commands::Caller::cli())
            .await
            .expect("people");
        assert_eq!(people.len(), 3);
        assert!(people.iter().all(|p| p.provider == "oidc"));
        assert!(people.iter().any(|p| p.name == "The admin"));
    })
}

#[test]
fn the_authorize_request_carries_pkce_and_a_nonce() {
    testkit::block_on(async {
        let oidc = Oidc::start().await;
        let app = oidc.app().await;
        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "oidc", "/").await;
        let url = url::Url::parse(&authorize).expect("URL");
        assert!(authorize.starts_with(&format!("{}/authorize", oidc.server.url)));
        let query: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(query["response_type"], "code");
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["nonce"].len(), 64);
        assert_eq!(query["scope"], "openid profile email");
        assert_eq!(query["client_id"], crate::provider_helpers::OIDC_CLIENT_ID);
    })
}

#[test]
fn id_tokens_that_fail_verification_are_refused_and_audited() {
    testkit::block_on(async {
        let oidc = Oidc::start().await;
        let app = oidc.app().await;
        let cases = [
            ("issuer", "ID token has the wrong issuer"),
            ("audience", "ID token is for another audience"),
            ("expired", "ID token has expired"),
            ("nonce", "ID token nonce does not match this sign-in"),
            ("signature", "ID token signature does not verify"),
        ];
        for (tamper, _) in cases {
            oidc.next(
                json!({"sub": "eve", "preferred_username": "eve"}),
                Some(tamper),
            )
            .await;
            let (mut browser, went_to) = sign_in(&oidc, &app).await;
            assert_eq!(went_to, "/signin?refused=invalid_id_token", "{tamper}");
            assert!(me(&mut browser, &app).await.is_none(), "{tamper}");
        }
        assert_eq!(session_count(&app).await, 0);
        let details: Vec<String> = audit_log(&app)
            .await
            .into_iter()
            .map(|row| {
                assert_eq!(row.action, "auth.refused");
                let details: Value = serde_json::from_str(&row.details).expect("JSON");
                details["detail"].as_str().unwrap_or_default().to_owned()
            })
            .collect();
        let expected: Vec<String> = cases.iter().map(|(_, d)| (*d).to_owned()).collect();
        assert_eq!(details, expected);

        // The provider is fine again: the next sign-in works.
        oidc.next(json!({"sub": "eve", "preferred_username": "eve"}), None)
            .await;
        let (mut browser, _) = sign_in(&oidc, &app).await;
        assert_eq!(
            me(&mut browser, &app).await.expect("signed in")["role"],
            "viewer"
        );
    })
}

#[test]
fn a_wrong_pkce_verifier_is_refused() {
    testkit::block_on(async {
        let oidc = Oidc::start().await;
        let app = oidc.app().await;
        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "oidc", "/").await;
        testkit::execute(
            &app.store,
            "update sign_in_attempts set pkce_verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'",
        )
        .await;
        let callback = oidc.authorize(&authorize).await;
        let (response, _) = browser.get(&app, &app_path(&callback)).await;
        assert_eq!(location(&response), "/signin?refused=code_rejected");
        assert_eq!(session_count(&app).await, 0);
        let log = audit_log(&app).await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].action, "auth.refused");
    })
}

#[test]
fn an_unreachable_provider_is_explained_not_crashed_on() {
    testkit::block_on(async {
        let oidc = Oidc::start().await;
        let env = oidc.env();
        drop(oidc);
        let db = testkit::TestDb::sqlite().await;
        let app = TestApp::owning(db, &env).await;
        let mut browser = Browser::default();
        let (response, _) = browser.get(&app, "/auth/oidc?next=/").await;
        assert_eq!(location(&response), "/signin?refused=provider_unavailable");
    })
}

#[test]
fn only_a_verified_email_names_a_person_and_the_session_lasts_as_long_as_the_id_token() {
    testkit::block_on(async {
        let oidc = Oidc::start().await;
        let app = oidc.app().await;
        oidc.next(
            json!({"sub": "subject-1", "email": "boss@corp.example", "email_verified": false}),
            None,
        )
        .await;
        let (mut browser, _) = sign_in(&oidc, &app).await;
        let who = me(&mut browser, &app).await.expect("signed in");
        assert_eq!(
            who["login"], "subject-1",
            "an unverified address names nobody"
        );
        assert_eq!(who["actor"], "oidc:subject-1");

        oidc.next(
            json!({"sub": "subject-2", "email": "ops@corp.example", "email_verified": true}),
            None,
        )
        .await;
        let (mut browser, _) = sign_in(&oidc, &app).await;
        let who = me(&mut browser, &app).await.expect("signed in");
        assert_eq!(who["login"], "ops@corp.example");

        // The provider vouched for the person (and their groups) until the ID token
        // expires, an hour from now: the session ends then, not in seven days.
        let expiries = testkit::query_strings(
            &app.store,
            "select cast(expires_at - created_at as text) from sessions",
        )
        .await;
        for lifetime in expiries {
            let lifetime: i64 = lifetime.parse().expect("milliseconds");
            assert!(
                (50 * 60 * 1000..=70 * 60 * 1000).contains(&lifetime),
                "the session lasts {lifetime} ms"
            );
        }
    })
}
