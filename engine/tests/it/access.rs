//! Sign-in, sessions and API tokens, on both engines.

use engine::{
    access::{self, AccessError, SignIn, Via},
    audit::{self, AuditFilter, ChainReport},
    model::access::Role,
    store::{Store, StoreError},
};
use testkit::on_both_databases;

fn alice(role: Role) -> SignIn {
    SignIn {
        provider: "github".to_owned(),
        subject: "1001".to_owned(),
        login: "alice".to_owned(),
        name: "Alice Liddell".to_owned(),
        role,
        source_addr: Some("127.0.0.1".to_owned()),
        provider_token: None,
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
    let ended = access::end_sessions_of(&store, &user_id, &principal, None)
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
    let token = access::create_token(&store, "ci-deployer", Role::Operator, "alice", None)
        .await
        .expect("create");
    assert!(token.expose().starts_with("ndk_"));
    let principal = access::resolve_token(&store, token.expose())
        .await
        .expect("resolve")
        .expect("live token");
    assert_eq!(principal.login, "token:ci-deployer");
    assert_eq!(principal.role, Role::Operator);
    assert_eq!(principal.via, Via::Token);

    let listed = access::list_tokens(&store).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert!(!format!("{listed:?}").contains(token.expose()));

    access::revoke_token(&store, "ci-deployer", "alice", None)
        .await
        .expect("revoke");
    assert!(access::resolve_token(&store, token.expose())
        .await
        .expect("resolve")
        .is_none());
    assert_eq!(actions(&store).await, vec!["token.create", "token.revoke"]);
    assert_eq!(
        audit::verify(&store).await.expect("verify"),
        ChainReport::Intact { events: 2 }
    );
}

async fn a_second_live_token_with_the_same_name_is_a_conflict(store: Store) {
    access::create_token(&store, "ci", Role::Viewer, "alice", None)
        .await
        .expect("first");
    let error = access::create_token(&store, "ci", Role::Viewer, "alice", None)
        .await
        .expect_err("duplicate");
    assert!(
        matches!(error, AccessError::Store(StoreError::Conflict(_))),
        "{error:?}"
    );
    assert_eq!(
        actions(&store).await,
        vec!["token.create"],
        "nothing recorded for the refusal"
    );
    access::revoke_token(&store, "ci", "alice", None)
        .await
        .expect("revoke");
    access::create_token(&store, "ci", Role::Viewer, "alice", None)
        .await
        .expect("a revoked token's name is free again");
}

async fn a_bad_token_name_is_refused_and_nothing_is_stored(store: Store) {
    let error = access::create_token(&store, "ci; rm -rf /", Role::Viewer, "alice", None)
        .await
        .expect_err("invalid name");
    assert!(
        error.to_string().contains("not a valid token name"),
        "{error}"
    );
    assert!(access::list_tokens(&store).await.expect("list").is_empty());
    assert!(actions(&store).await.is_empty());
}

async fn revoking_an_unknown_token_is_not_found(store: Store) {
    let error = access::revoke_token(&store, "nope", "alice", None)
        .await
        .expect_err("unknown");
    assert!(
        matches!(error, AccessError::Store(StoreError::NotFound)),
        "{error:?}"
    );
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
    a_bad_token_name_is_refused_and_nothing_is_stored,
    revoking_an_unknown_token_is_not_found,
);
