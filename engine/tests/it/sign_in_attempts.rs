//! Provider sign-in attempts and membership re-checks, on both engines.

use engine::{
    access::{self, membership, Attempt, AttemptProblem, SignIn},
    audit::{self, AuditFilter},
    model::access::Role,
    store::Store,
};
use testkit::on_both_databases;

fn attempt(provider: &str) -> Attempt {
    Attempt {
        provider: provider.to_owned(),
        pkce_verifier: "verifier".to_owned(),
        nonce: "nonce".to_owned(),
        next_path: "/audit".to_owned(),
    }
}

async fn an_attempt_is_taken_once_and_only_by_its_browser(store: Store) {
    access::begin_attempt(&store, "state-1", "browser-1", &attempt("github"))
        .await
        .expect("begin");
    let taken = access::take_attempt(&store, "github", "state-1", Some("browser-1"))
        .await
        .expect("take");
    assert_eq!(taken, Ok(attempt("github")));
    let again = access::take_attempt(&store, "github", "state-1", Some("browser-1"))
        .await
        .expect("take");
    assert_eq!(again, Err(AttemptProblem::Unknown), "a state is good once");

    access::begin_attempt(&store, "state-2", "browser-2", &attempt("github"))
        .await
        .expect("begin");
    let foreign = access::take_attempt(&store, "github", "state-2", Some("browser-9"))
        .await
        .expect("take");
    assert_eq!(foreign, Err(AttemptProblem::OtherBrowser));
    let after = access::take_attempt(&store, "github", "state-2", Some("browser-2"))
        .await
        .expect("take");
    assert_eq!(
        after,
        Err(AttemptProblem::Unknown),
        "a failed try uses the state up"
    );

    access::begin_attempt(&store, "state-3", "browser-3", &attempt("oidc"))
        .await
        .expect("begin");
    let wrong_provider = access::take_attempt(&store, "github", "state-3", Some("browser-3"))
        .await
        .expect("take");
    assert_eq!(wrong_provider, Err(AttemptProblem::OtherProvider));
}

async fn an_expired_attempt_is_refused_and_cleared_away(store: Store) {
    access::begin_attempt(&store, "old", "browser", &attempt("github"))
        .await
        .expect("begin");
    testkit::execute(&store, "update sign_in_attempts set expires_at = 1").await;
    let taken = access::take_attempt(&store, "github", "old", Some("browser"))
        .await
        .expect("take");
    assert_eq!(taken, Err(AttemptProblem::Expired));

    access::begin_attempt(&store, "stale", "browser", &attempt("github"))
        .await
        .expect("begin");
    testkit::execute(&store, "update sign_in_attempts set expires_at = 1").await;
    access::begin_attempt(&store, "fresh", "browser", &attempt("github"))
        .await
        .expect("begin");
    let left = testkit::query_strings(&store, "select next_path from sign_in_attempts").await;
    assert_eq!(
        left.len(),
        1,
        "expired attempts are deleted when a new one begins"
    );
}

async fn the_stored_values_are_hashes_where_they_can_be(store: Store) {
    access::begin_attempt(&store, "the-state", "the-binding", &attempt("github"))
        .await
        .expect("begin");
    let stored = testkit::query_strings(
        &store,
        "select state_hash || ' ' || browser_hash from sign_in_attempts",
    )
    .await;
    assert!(!stored[0].contains("the-state") && !stored[0].contains("the-binding"));
}

async fn membership_checks_confirm_change_roles_and_end_sessions(store: Store) {
    let person = SignIn {
        provider: "github".to_owned(),
        subject: "1001".to_owned(),
        login: "alice".to_owned(),
        name: "Alice".to_owned(),
        role: Role::Admin,
        source_addr: None,
        provider_token: Some("sealed-token".to_owned()),
        vouched_until: None,
    };
    let (cookie, _) = access::sign_in(&store, person).await.expect("sign in");
    let due = membership::sessions_due(&store, "github", 60 * 60 * 1000)
        .await
        .expect("due");
    assert!(due.is_empty(), "just checked at sign-in");
    let due = membership::sessions_due(&store, "github", -1)
        .await
        .expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(
        due[0].session.provider_token.as_deref(),
        Some("sealed-token")
    );

    membership::confirm(&store, &due[0], Role::Admin)
        .await
        .expect("confirm");
    membership::confirm(&store, &due[0], Role::Viewer)
        .await
        .expect("confirm");
    let principal = access::resolve_session(&store, cookie.expose())
        .await
        .expect("resolve")
        .expect("live");
    assert_eq!(principal.role, Role::Viewer);

    membership::revoke(&store, &due[0], "left the organisation")
        .await
        .expect("revoke");
    membership::revoke(&store, &due[0], "left the organisation")
        .await
        .expect("twice is harmless");
    assert!(access::resolve_session(&store, cookie.expose())
        .await
        .expect("resolve")
        .is_none());
    let mut events = audit::list(&store, &AuditFilter::default(), 10)
        .await
        .expect("audit");
    events.reverse();
    let summary: Vec<(String, String)> = events.into_iter().map(|e| (e.actor, e.action)).collect();
    assert_eq!(
        summary,
        [
            ("github:alice".to_owned(), "auth.sign_in".to_owned()),
            ("nixdeck".to_owned(), "user.role_changed".to_owned()),
            ("nixdeck".to_owned(), "auth.membership_lost".to_owned()),
        ]
    );
}

on_both_databases!(
    an_attempt_is_taken_once_and_only_by_its_browser,
    an_expired_attempt_is_refused_and_cleared_away,
    the_stored_values_are_hashes_where_they_can_be,
    membership_checks_confirm_change_roles_and_end_sessions,
);
