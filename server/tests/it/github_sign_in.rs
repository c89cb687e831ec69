//! Signing in with GitHub, against the GitHub stand-in: organisation and team gating, PKCE
//! and state, every refusal audited without a session, and the membership re-check.

use axum::http::StatusCode;
use engine::store::now_millis;
use nixdeck_server::login::membership_recheck::{recheck_due, Sweep};
use serde_json::{json, Value};

use crate::provider_helpers::{
    app_path, audit_log, location, me, session_count, start, Browser, GitHub,
};

/// Signs `login` in through GitHub from a fresh browser; returns the browser and where the
/// app finally sent it.
async fn sign_in_as(
    github: &GitHub,
    app: &crate::helpers::TestApp,
    login: &str,
) -> (Browser, String) {
    let mut browser = Browser::default();
    let authorize = start(&mut browser, app, "github", "/audit").await;
    let callback = github.authorize(&authorize, Some(login)).await;
    let (response, _) = browser.get(app, &app_path(&callback)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (browser, location(&response))
}

fn refused_with(location: &str, code: &str) {
    assert_eq!(location, format!("/signin?refused={code}"));
}

#[test]
fn teams_decide_the_role_of_organisation_members() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        for (login, role, name) in [
            ("alice", "admin", "Alice Admin"),
            ("olga", "operator", "Olga Operator"),
            // A pending team invitation is not membership: vic is a viewer, named by login.
            ("vic", "viewer", "vic"),
        ] {
            let (mut browser, went_to) = sign_in_as(&github, &app, login).await;
            assert_eq!(went_to, "/audit", "back where the person was going");
            assert!(
                browser.cookie("nixdeck_sign_in").is_none(),
                "binding cookie cleared"
            );
            let me = me(&mut browser, &app).await.expect("signed in");
            assert_eq!(me["login"], login);
            assert_eq!(me["role"], role);
            assert_eq!(me["via"], "session");
            let people = app
                .engine
                .people(&engine::commands::Caller::cli())
                .await
                .expect("people");
            let person = people.iter().find(|p| p.login == login).expect("listed");
            assert_eq!(person.name, name);
            assert_eq!(person.provider, "github");
        }
        let sign_ins: Vec<(String, String)> = audit_log(&app)
            .await
            .into_iter()
            .map(|row| (row.actor, row.action))
            .collect();
        assert_eq!(
            sign_ins,
            [
                ("github:alice".to_owned(), "auth.sign_in".to_owned()),
                ("github:olga".to_owned(), "auth.sign_in".to_owned()),
                ("github:vic".to_owned(), "auth.sign_in".to_owned()),
            ]
        );
    })
}

#[test]
fn github_is_asked_with_pkce_and_the_documented_shapes() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "github", "/").await;
        let url = url::Url::parse(&authorize).expect("URL");
        let query: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(
            query["client_id"],
            crate::provider_helpers::GITHUB_CLIENT_ID
        );
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["scope"], "read:org");
        assert_eq!(query["state"].len(), 64, "256 random bits");
        assert_eq!(
            query["redirect_uri"],
            "http://127.0.0.1:3000/auth/github/callback"
        );
        let callback = github.authorize(&authorize, Some("alice")).await;
        browser.get(&app, &app_path(&callback)).await;
        assert!(me(&mut browser, &app).await.is_some());

        let requests: Vec<Value> = reqwest::get(format!("{}/_standin/requests", github.server.url))
            .await
            .expect("requests")
            .json()
            .await
            .expect("JSON");
        let token_request = requests
            .iter()
            .find(|r| r["path"] == "/login/oauth/access_token")
            .expect("token exchange");
        assert_eq!(token_request["headers"]["accept"], "application/json");
        assert!(token_request["body"]["code_verifier"]
            .as_str()
            .is_some_and(|v| v.len() >= 43));
        let api_paths: Vec<&str> = requests
            .iter()
            .filter_map(|r| r["path"].as_str())
            .filter(|p| p.starts_with("/api/v3/"))
            .collect();
        assert_eq!(
            api_paths,
            [
                "/api/v3/user",
                "/api/v3/orgs/acme/members/alice",
                "/api/v3/orgs/acme/teams/platform-admins/memberships/alice",
            ]
        );
        for request in requests.iter().filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/api/v3/"))
        }) {
            assert!(request["headers"]["user-agent"]
                .as_str()
                .is_some_and(|ua| ua.starts_with("nixdeck/")));
            assert!(request["headers"]["authorization"]
                .as_str()
                .is_some_and(|a| a.starts_with("Bearer gho_")));
        }
    })
}

#[test]
fn a_non_member_is_refused_and_the_refusal_audited() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        let (mut browser, went_to) = sign_in_as(&github, &app, "mallory").await;
        refused_with(&went_to, "not_member");
        assert!(me(&mut browser, &app).await.is_none());
        assert_eq!(session_count(&app).await, 0);
        assert!(app
            .engine
            .people(&engine::commands::Caller::cli())
            .await
            .expect("people")
            .is_empty());
        let log = audit_log(&app).await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].actor, "github:mallory");
        assert_eq!(log[0].action, "auth.refused");
        let details: Value = serde_json::from_str(&log[0].details).expect("JSON");
        assert_eq!(details["reason"], "not_member");
        assert_eq!(details["provider"], "github");

        let (response, html) = browser.get(&app, &went_to).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(html.contains("Sign-in refused"), "{html}");
        assert!(html.contains("not a member of the organisation"), "{html}");
        assert!(html.contains("Sign in with GitHub"), "{html}");
    })
}

#[test]
fn forged_replayed_and_foreign_states_are_refused() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;

        // A state nixdeck never issued.
        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "github", "/").await;
        let callback = github.authorize(&authorize, Some("alice")).await;
        let code = callback
            .query_pairs()
            .find(|(k, _)| k == "code")
            .expect("code")
            .1
            .into_owned();
        let (response, _) = browser
            .get(
                &app,
                &format!("/auth/github/callback?code={code}&state=forged"),
            )
            .await;
        refused_with(&location(&response), "invalid_state");

        // The real callback opened in another browser (login CSRF): no binding cookie.
        let mut stranger = Browser::default();
        let (response, _) = stranger.get(&app, &app_path(&callback)).await;
        refused_with(&location(&response), "invalid_state");
        // ...and that consumed the state, so the right browser cannot use it any more.
        let (response, _) = browser.get(&app, &app_path(&callback)).await;
        refused_with(&location(&response), "invalid_state");

        // A replay of a callback that worked.
        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "github", "/").await;
        let callback = github.authorize(&authorize, Some("alice")).await;
        let (response, _) = browser.get(&app, &app_path(&callback)).await;
        assert_eq!(location(&response), "/");
        let mut replayer = Browser::default();
        let (response, _) = replayer.get(&app, &app_path(&callback)).await;
        refused_with(&location(&response), "invalid_state");
        assert!(me(&mut replayer, &app).await.is_none());

        let refusals: Vec<String> = audit_log(&app)
            .await
            .into_iter()
            .filter(|row| row.action == "auth.refused")
            .map(|row| {
                let details: Value = serde_json::from_str(&row.details).expect("JSON");
                format!(
                    "{}: {}",
                    details["reason"].as_str().unwrap_or(""),
                    details["detail"].as_str().unwrap_or("")
                )
            })
            .collect();
        // Refusals repeated from one address within a minute are recorded once at first,
        // then once more with their count when the minute is over (here: at shutdown).
        assert_eq!(
            refusals,
            [
                "invalid_state: state unknown or already used",
                "invalid_state: state bound to another browser",
            ]
        );
        app.application.refusals.flush(true).await;
        let repeated: Vec<i64> = audit_log(&app)
            .await
            .into_iter()
            .filter(|row| row.action == "auth.refused")
            .filter_map(|row| {
                let details: Value = serde_json::from_str(&row.details).expect("JSON");
                details["repeated"].as_i64()
            })
            .collect();
        assert_eq!(repeated, [2], "the two repeats, counted");
        assert_eq!(session_count(&app).await, 1, "only the one real sign-in");
    })
}

#[test]
fn a_wrong_pkce_verifier_or_a_cancelled_authorisation_is_refused() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;

        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "github", "/").await;
        // Swap the stored verifier for another valid-looking one: GitHub must refuse it.
        testkit::execute(
            &app.store,
            "update sign_in_attempts set pkce_verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'",
        )
        .await;
        let callback = github.authorize(&authorize, Some("alice")).await;
        let (response, _) = browser.get(&app, &app_path(&callback)).await;
        refused_with(&location(&response), "code_rejected");

        let mut browser = Browser::default();
        let authorize = start(&mut browser, &app, "github", "/").await;
        let callback = github.authorize(&authorize, None).await;
        let (response, _) = browser.get(&app, &app_path(&callback)).await;
        refused_with(&location(&response), "denied");

        let details: Vec<String> = audit_log(&app)
            .await
            .into_iter()
            .map(|row| row.details)
            .collect();
        assert_eq!(details.len(), 2);
        assert!(details[0].contains("bad_verification_code"), "{details:?}");
        assert!(details[1].contains("access_denied"), "{details:?}");
        assert_eq!(session_count(&app).await, 0);
        // The token exchange never leaks into the log.
        assert!(details.iter().all(|d| !d.contains("gho_")));
    })
}

#[test]
fn membership_is_rechecked_for_live_sessions() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        let login = github.login();
        let (mut alice, _) = sign_in_as(&github, &app, "alice").await;
        let (mut olga, _) = sign_in_as(&github, &app, "olga").await;

        // Nothing is due within the hour.
        let sweep = recheck_due(&app.store, &login, 60 * 60 * 1000)
            .await
            .expect("sweep");
        assert_eq!(sweep, Sweep::default());

        // alice moves to the operators; olga leaves the organisation.
        github
            .set_people(json!([
                {"login": "alice", "id": 1001, "name": "Alice Admin", "orgs": {"acme": {"teams": ["deployers"]}}},
                {"login": "olga", "id": 1002, "name": "Olga Operator", "orgs": {}}
            ]))
            .await;
        let sweep = recheck_due(&app.store, &login, 0).await.expect("sweep");
        assert_eq!(
            sweep,
            Sweep {
                confirmed: 1,
                ended: 1,
                deferred: 0
            }
        );
        assert_eq!(
            me(&mut alice, &app).await.expect("still in")["role"],
            "operator"
        );
        assert!(me(&mut olga, &app).await.is_none(), "olga's session ended");

        // alice revokes nixdeck's access at GitHub: her token stops working.
        github.revoke_tokens().await;
        let sweep = recheck_due(&app.store, &login, 0).await.expect("sweep");
        assert_eq!(
            sweep,
            Sweep {
                confirmed: 0,
                ended: 1,
                deferred: 0
            }
        );
        assert!(me(&mut alice, &app).await.is_none());

        let events: Vec<(String, String, String)> = audit_log(&app)
            .await
            .into_iter()
            .filter(|row| row.actor == "nixdeck")
            .map(|row| (row.actor, row.action, row.target))
            .collect();
        assert_eq!(
            events,
            [
                (
                    "nixdeck".to_owned(),
                    "user.role_changed".to_owned(),
                    "user:github:alice".to_owned()
                ),
                (
                    "nixdeck".to_owned(),
                    "auth.membership_lost".to_owned(),
                    "user:github:olga".to_owned()
                ),
                (
                    "nixdeck".to_owned(),
                    "auth.membership_lost".to_owned(),
                    "user:github:alice".to_owned()
                ),
            ]
        );
    })
}

#[test]
fn a_session_whose_membership_could_not_be_rechecked_lapses() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        let (mut alice, _) = sign_in_as(&github, &app, "alice").await;
        assert!(me(&mut alice, &app).await.is_some());
        let two_hours_ago = now_millis() - 2 * 60 * 60 * 1000;
        testkit::execute(
            &app.store,
            &format!("update sessions set checked_at = {two_hours_ago}"),
        )
        .await;
        assert!(me(&mut alice, &app).await.is_none());
        assert!(
            alice.cookie("nixdeck_session").is_none(),
            "the lapsed cookie is cleared"
        );
        let log = audit_log(&app).await;
        let last = log.last().expect("audited");
        assert_eq!(last.action, "auth.session_refused");
        assert!(
            last.details.contains("membership not re-confirmed in time"),
            "{}",
            last.details
        );
    })
}

#[test]
fn the_stored_github_token_is_sealed() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let app = github.app().await;
        sign_in_as(&github, &app, "alice").await;
        let stored =
            testkit::query_strings(&app.store, "select provider_token from sessions").await;
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].contains("gho_"), "{stored:?}");
        assert!(github.login().open_token(&stored[0]).is_some());
    })
}
