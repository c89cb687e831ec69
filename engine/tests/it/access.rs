//! Sign-in, sessions and API tokens, on both engines.

use engine::{
    access::{self, SignIn, Via},
    audit::{self, AuditFilter, ChainReport},
    commands::Caller,
    model::{access::Role, failure::FailureKind},
    store::Store,
};
use testkit::on_both_databases;

use crate::helpers::{admin, engine};

fn alice(role: Role) -> SignIn {
    SignIn {
        provider: "github".to_owned(),
        subject: "1001".to_owned(),
        login: "alice".to_owned(),
        name: "Alice Liddell".to_owned(),
        role,
        source_addr: Some("127.0.0.1".to_owned()),
        provider_token: None,
        vouched_until: None,
    }
}

async fn actions(store: &Store) -> Vec<String> {
    let mut rows = audit::list(store, &AuditFilter::default(), 100)
        .await
        .expect("list audit");
    rows.reverse();
    rows.into_iter().map(|row| row.action).collect()
}

async fn a_signed_in_person_is_found_by_their_session_cookie(store: Store) {
    let (cookie, principal) = access::sign_in(&store, alice(Role::Operator))
        .await
        .expect("sign in");
    assert_eq!(principal.role, Role::Operator);
    let found = access::resolve_session(&store, cookie.expose())
        .await
        .expect("resolve")
        .expect("live session");
    assert_eq!(found.login, "alice");
    assert_eq!(found.actor, "github:alice");
    assert_eq!(found.via, Via::Session);
    assert_eq!(actions(&store).await, vec!["auth.sign_in"]);
}

async fn each_sign_in_gets_a_new_session_id_and_roles_follow_the_latest(store: Store) {
    let (first, _) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("first");
    let (second, _) = access::sign_in(&store, alice(Role::Admin))
        .await
        .expect("second");
    assert_ne!(first.expose(), second.expose());
    let found = access::resolve_session(&store, second.expose())
        .await
        .expect("resolve")
        .expect("live");
    assert_eq!(found.role, Role::Admin);
}

async fn signing_out_ends_the_session_and_is_audited(store: Store) {
    let (cookie, _) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("sign in");
    access::sign_out(&store, cookie.expose(), None)
        .await
        .expect("sign out");
    access::sign_out(&store, cookie.expose(), None)
        .await
        .expect("twice is harmless");
    assert!(access::resolve_session(&store, cookie.expose())
        .await
        .expect("resolve")
        .is_none());
    assert_eq!(actions(&store).await, vec!["auth.sign_in", "auth.sign_out"]);
}

async fn a_tampered_cookie_finds_no_session(store: Store) {
    let (cookie, _) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("sign in");
    let mut tampered = cookie.expose().to_owned();
    tampered.replace_range(0..1, if tampered.starts_with('0') { "1" } else { "0" });
    assert!(access::resolve_session(&store, &tampered)
        .await
        .expect("resolve")
        .is_none());
}

async fn idle_and_expired_sessions_are_refused(store: Store) {
    let (idle, _) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("sign in");
    testkit::execute(
        &store,
        "update sessions set last_seen_at = last_seen_at - 30000000",
    )
    .await;
    assert!(access::resolve_session(&store, idle.expose())
        .await
        .expect("resolve")
        .is_none());

    let (expired, _) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("sign in");
    testkit::execute(&store, "update sessions set expires_at = 0").await;
    assert!(access::resolve_session(&store, expired.expose())
        .await
        .expect("resolve")
        .is_none());
}

async fn an_admin_can_end_all_of_a_persons_sessions(store: Store) {
    let (one, principal) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("one");
    let (two, _) = access::sign_in(&store, alice(Role::Viewer))
        .await
        .expect("two");
    let user_id = principal.user_id.clone().expect("a person");
    let ended = engine(&store)
        .end_sessions(&admin(), &user_id)
        .await
        .expect("end sessions");
    assert_eq!(ended, 2);
    for cookie in [one, two] {
        assert!(access::resolve_session(&store, cookie.expose())
            .await
            .expect("resolve")
            .is_none());
    }
}

async fn a_token_is_shown_once_stored_as_a_hash_and_revocable(store: Store) {
    let engine = engine(&store);
    let token = engine
        .create_token(&admin(), "ci-deployer", "operator")
        .await
        .expect("create");
    assert!(token.expose().starts_with("ndk_"));
    let principal = access::resolve_token(&store, token.expose())
        .await
        .expect("resolve")
        .expect("live token");
    assert_eq!(principal.actor, "token:ci-deployer");
    assert_eq!(principal.role, Role::Operator);
    assert_eq!(principal.via, Via::Token);

    let listed = engine.tokens(&admin()).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert!(!format!("{listed:?}").contains(token.expose()));

    engine
        .revoke_token(&admin(), "ci-deployer")
        .await
        .expect("revoke");
    assert!(access::resolve_token(&store, token.expose())
        .await
        .expect("resolve")
        .is_none());
    assert_eq!(actions(&store).await, vec!["token.create", "token.revoke"]);
    assert_eq!(
        audit::verify(&store, None).await.expect("verify"),
        ChainReport::Intact { events: 2 }
    );
}

async fn a_second_live_token_with_the_same_name_is_a_conflict(store: Store) {
    let engine = engine(&store);
    engine
        .create_token(&admin(), "ci", "viewer")
        .await
        .expect("first");
    let failure = engine
        .create_token(&admin(), "ci", "viewer")
        .await
        .expect_err("duplicate");
    assert_eq!(failure.kind, FailureKind::Conflict, "{failure:?}");
    assert_eq!(failure.field.as_deref(), Some("name"));
    assert_eq!(
        actions(&store).await,
        vec!["token.create"],
        "nothing recorded for the refusal"
    );
    engine.revoke_token(&admin(), "ci").await.expect("revoke");
    engine
        .create_token(&admin(), "ci", "viewer")
        .await
        .expect("a revoked token's name is free again");
}

async fn a_bad_token_name_or_role_is_refused_and_nothing_is_stored(store: Store) {
    let engine = engine(&store);
    let failure = engine
        .create_token(&admin(), "ci; rm -rf /", "viewer")
        .await
        .expect_err("invalid name");
    assert_eq!(failure.field.as_deref(), Some("name"));
    assert!(
        failure.message.contains("not a valid token name"),
        "{failure}"
    );
    let failure = engine
        .create_token(&admin(), "ci", "root")
        .await
        .expect_err("invalid role");
    assert_eq!(failure.field.as_deref(), Some("role"));
    assert!(engine.tokens(&admin()).await.expect("list").is_empty());
    assert!(actions(&store).await.is_empty());
}

async fn revoking_an_unknown_token_is_not_found(store: Store) {
    let failure = engine(&store)
        .revoke_token(&admin(), "nope")
        .await
        .expect_err("unknown");
    assert_eq!(failure.kind, FailureKind::NotFound);
}

async fn only_admins_manage_tokens(store: Store) {
    let engine = engine(&store);
    let operator = crate::helpers::caller("github:olga", Role::Operator);
    let failure = engine
        .create_token(&operator, "ci", "admin")
        .await
        .expect_err("not an admin");
    assert_eq!(failure.kind, FailureKind::Forbidden);
    assert!(engine
        .tokens(&Caller::cli())
        .await
        .expect("list")
        .is_empty());
}

on_both_databases!(
    a_signed_in_person_is_found_by_their_session_cookie,
    each_sign_in_gets_a_new_session_id_and_roles_follow_the_latest,
    signing_out_ends_the_session_and_is_audited,
    a_tampered_cookie_finds_no_session,
    idle_and_expired_sessions_are_refused,
    an_admin_can_end_all_of_a_persons_sessions,
    a_token_is_shown_once_stored_as_a_hash_and_revocable,
    a_second_live_token_with_the_same_name_is_a_conflict,
    a_bad_token_name_or_role_is_refused_and_nothing_is_stored,
    revoking_an_unknown_token_is_not_found,
    only_admins_manage_tokens,
);
