//! Secrets through the REST API against moto: create, partial edit, versions, concurrent
//! edits, generate, reveal, roll back, and every bad input refused with nothing written.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    aws_helpers::{get, Aws},
    helpers::TestApp,
    job_helpers::call,
};

const CLUSTER: &str = "/api/v1/secrets/staging/cluster";
const CLUSTER_ID: &str = "staging/disciplina/cluster";
const OPENSSH: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n";

async fn edit(app: &TestApp, cookie: &str, path: &str, body: Value) -> (StatusCode, Value) {
    call(app, cookie, Method::PATCH, path, Some(body)).await
}

/// Creates the staging cluster secret with `body`; returns its first version.
async fn created(app: &TestApp, cookie: &str, body: Value) -> String {
    let (status, answer) = edit(app, cookie, CLUSTER, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["version_id"].as_str().expect("version").to_owned()
}

async fn reveal(app: &TestApp, cookie: &str, key: &str) -> String {
    let (status, body) = call(
        app,
        cookie,
        Method::POST,
        &format!("{CLUSTER}/reveal"),
        Some(json!({ "key": key })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["key"], key);
    body["value"].as_str().expect("a string value").to_owned()
}

#[test]
fn a_secret_is_created_then_edited_in_part_keeping_the_other_keys() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;

        let (status, before) = get(&app, &cookie, CLUSTER).await;
        assert_eq!(status, StatusCode::OK, "{before}");
        assert_eq!(before["exists"], false);
        assert_eq!(before["id"], CLUSTER_ID);

        let (status, first) = edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"CommitteeSecret": "committee-one"}, "base_version": null}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let first = first["version_id"].as_str().expect("version").to_owned();

        let (_, view) = get(&app, &cookie, CLUSTER).await;
        assert_eq!(view["exists"], true);
        assert_eq!(view["current_version"], first.as_str());
        assert_eq!(
            view["keys"],
            json!([
                {"name": "CommitteeSecret", "set": true, "known": true},
                {"name": "FaucetKey", "set": false, "known": true},
            ])
        );
        assert_eq!(view["changed_by"], "local:admin");
        assert!(view.to_string().find("committee-one").is_none(), "{view}");

        let (status, second) = edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"FaucetKey": "faucet-one"}, "base_version": first}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{second}");
        let second = second["version_id"].as_str().expect("version").to_owned();
        assert_ne!(first, second);
        assert_eq!(
            aws.current(CLUSTER_ID).await,
            json!({"CommitteeSecret": "committee-one", "FaucetKey": "faucet-one"})
        );

        let (_, view) = get(&app, &cookie, CLUSTER).await;
        assert_eq!(view["current_version"], second.as_str());
        let versions = view["versions"].as_array().expect("versions");
        assert_eq!(versions.len(), 2, "{view}");
        assert!(versions.iter().any(|v| v["id"] == second.as_str()
            && v["stages"]
                .as_array()
                .is_some_and(|s| s.contains(&json!("AWSCURRENT")))));
        assert!(versions.iter().any(|v| v["id"] == first.as_str()
            && v["stages"]
                .as_array()
                .is_some_and(|s| s.contains(&json!("AWSPREVIOUS")))));

        // A key written outside nixdeck is shown as unknown to the schema, and kept.
        aws.secrets()
            .put_secret_value()
            .secret_id(CLUSTER_ID)
            .secret_string(
                json!({"CommitteeSecret": "committee-one", "FaucetKey": "faucet-one", "Legacy": "x"})
                    .to_string(),
            )
            .send()
            .await
            .expect("put outside nixdeck");
        let (_, view) = get(&app, &cookie, CLUSTER).await;
        assert_eq!(
            view["keys"][2],
            json!({"name": "Legacy", "set": true, "known": false})
        );

        let (_, list) = get(&app, &cookie, "/api/v1/secrets").await;
        let ids: Vec<&str> = list
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["id"].as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "staging/disciplina/cluster",
                "staging/disciplina/buildkite",
                "production/disciplina/cluster",
                "production/disciplina/buildkite"
            ]
        );
        assert!(!list.to_string().contains("faucet-one"));
    })
}

#[test]
fn an_edit_based_on_a_version_no_longer_current_is_refused_and_writes_nothing() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        let first = created(
            &app,
            &cookie,
            json!({"values": {"FaucetKey": "one"}, "base_version": null}),
        )
        .await;
        let (_, second) = edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"FaucetKey": "two"}, "base_version": first}),
        )
        .await;
        assert!(second["version_id"].is_string(), "{second}");

        // Someone else's change based on the first version, made after the second.
        let (status, refused) = edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"FaucetKey": "three"}, "base_version": first}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert_eq!(refused["field"], "base_version");
        // And a "create" of a secret that exists.
        let (status, _) = edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"FaucetKey": "four"}, "base_version": null}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(aws.versions(CLUSTER_ID).await.len(), 2);
        assert_eq!(aws.current(CLUSTER_ID).await["FaucetKey"], "two");

        // Two edits at once from the same base: exactly one wins.
        let current = second["version_id"].as_str().expect("version").to_owned();
        let (a, b) = tokio::join!(
            edit(
                &app,
                &cookie,
                CLUSTER,
                json!({"values": {"FaucetKey": "a"}, "base_version": current})
            ),
            edit(
                &app,
                &cookie,
                CLUSTER,
                json!({"values": {"FaucetKey": "b"}, "base_version": current})
            ),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{a:?} {b:?}"
        );
        assert_eq!(aws.versions(CLUSTER_ID).await.len(), 3);
    })
}

#[test]
fn bad_input_is_refused_naming_the_field_and_nothing_reaches_aws() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        let buildkite = "/api/v1/secrets/staging/buildkite";
        let cases = [
            (
                CLUSTER,
                json!({"values": {"AgentToken": "x"}, "base_version": null}),
                "AgentToken",
            ),
            (
                CLUSTER,
                json!({"values": {"FaucetKey": ""}, "base_version": null}),
                "FaucetKey",
            ),
            (
                CLUSTER,
                json!({"values": {"FaucetKey": 7}, "base_version": null}),
                "FaucetKey",
            ),
            (
                CLUSTER,
                json!({"values": {}, "base_version": null}),
                "values",
            ),
            (
                buildkite,
                json!({"values": {"BuildkiteSSHKeys": {"default": "hunter2-not-a-key"}}, "base_version": null}),
                "BuildkiteSSHKeys",
            ),
            (
                buildkite,
                json!({"values": {"BuildkiteSSHKeys": OPENSSH}, "base_version": null}),
                "BuildkiteSSHKeys",
            ),
            (
                buildkite,
                json!({"values": {"AgentToken": "fine", "BuildkiteSSHKeys": {"bad name": OPENSSH}}, "base_version": null}),
                "BuildkiteSSHKeys",
            ),
        ];
        for (path, body, field) in cases {
            let (status, answer) = edit(&app, &cookie, path, body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(answer["field"], field, "{body}: {answer}");
            assert!(!answer.to_string().contains("hunter2"), "{answer}");
        }
        for path in ["/api/v1/secrets/qa/cluster", "/api/v1/secrets/staging/aws"] {
            let (status, answer) = edit(
                &app,
                &cookie,
                path,
                json!({"values": {"FaucetKey": "x"}, "base_version": null}),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
            let (status, _) = get(&app, &cookie, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        assert!(aws.versions(CLUSTER_ID).await.is_empty());
        assert!(aws
            .versions("staging/disciplina/buildkite")
            .await
            .is_empty());

        // A valid Buildkite secret, for contrast.
        let (status, answer) = edit(
            &app,
            &cookie,
            buildkite,
            json!({"values": {"AgentToken": "t", "BuildkiteSSHKeys": {"default": OPENSSH}}, "base_version": null}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let version = answer["version_id"].as_str().expect("version").to_owned();
        let (status, answer) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("{buildkite}/rollback"),
            Some(json!({"version_id": "00000000-0000-4000-8000-000000000000"})),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
        assert_eq!(
            aws.versions("staging/disciplina/buildkite").await,
            [version]
        );
        let (status, answer) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("{buildkite}/reveal"),
            Some(json!({"key": "NoSuchKey"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["field"], "key");
        let (status, answer) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("{buildkite}/generate"),
            Some(json!({"key": "AgentToken"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(aws.versions("staging/disciplina/buildkite").await.len(), 1);
    })
}

#[test]
fn generate_reveal_and_roll_back_are_audited_by_key_name_only() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        let first = created(&app, &cookie, json!({"values": {"CommitteeSecret": "committee-before", "FaucetKey": "faucet-kept"}, "base_version": null})).await;

        let (status, generated) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("{CLUSTER}/generate"),
            Some(json!({"key": "CommitteeSecret"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{generated}");
        assert!(!generated.to_string().contains("committee"), "{generated}");
        let committee = reveal(&app, &cookie, "CommitteeSecret").await;
        assert_eq!(committee.len(), 44, "32 bytes in base64");
        assert_ne!(committee, "committee-before");
        assert_eq!(reveal(&app, &cookie, "FaucetKey").await, "faucet-kept");

        let (status, rolled) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("{CLUSTER}/rollback"),
            Some(json!({"version_id": first})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{rolled}");
        assert_eq!(rolled["version_id"], first.as_str());
        assert_eq!(
            reveal(&app, &cookie, "CommitteeSecret").await,
            "committee-before"
        );
        let (_, view) = get(&app, &cookie, CLUSTER).await;
        assert_eq!(view["current_version"], first.as_str());

        let (_, audit) = get(
            &app,
            &cookie,
            "/api/v1/audit?target=secret:staging/disciplina/cluster",
        )
        .await;
        let events = audit["events"].as_array().expect("events");
        let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(
            actions,
            [
                "secret.revealed",
                "secret.rolled_back",
                "secret.revealed",
                "secret.revealed",
                "secret.generated",
                "secret.created"
            ]
        );
        assert_eq!(events[0]["details"]["key"], "CommitteeSecret");
        assert_eq!(
            events[5]["details"]["keys"],
            json!(["CommitteeSecret", "FaucetKey"])
        );
        let text = audit.to_string();
        for value in ["committee-before", "faucet-kept", committee.as_str()] {
            assert!(!text.contains(value), "the audit log holds a value: {text}");
        }
        let (_, export) = app
            .get_with_cookie("/api/v1/audit/export?format=csv", &cookie)
            .await;
        for value in ["committee-before", "faucet-kept", committee.as_str()] {
            assert!(!export.contains(value), "the audit export holds a value");
        }
    })
}

#[test]
fn a_revealed_value_is_never_cached_nor_part_of_a_page() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"FaucetKey": "faucet-on-no-page"}, "base_version": null}),
        )
        .await;
        let request = axum::http::Request::post(format!("{CLUSTER}/reveal"))
            .header(axum::http::header::COOKIE, &cookie)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("sec-fetch-site", "same-origin")
            .body(axum::body::Body::from(r#"{"key":"FaucetKey"}"#))
            .expect("request");
        let (response, body) = app.send(request).await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        for page in ["/secrets", "/"] {
            let (response, html) = app.get_with_cookie(page, &cookie).await;
            assert_eq!(response.status(), StatusCode::OK, "{page}");
            assert!(!html.contains("faucet-on-no-page"), "{page} shows a value");
        }
    })
}

#[test]
fn a_viewer_is_refused_before_the_request_is_read_and_a_body_never_echoes_a_value() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let token = app
            .engine
            .create_token(&engine::commands::Caller::cli(), "looker", "viewer")
            .await
            .expect("token");
        for (path, body) in [
            (CLUSTER.to_owned(), r#"{"values": "not json"#),
            ("/api/v1/secrets/qa/aws".to_owned(), r#"{"values": {}}"#),
            (format!("{CLUSTER}/reveal"), "]["),
        ] {
            let method = if path == format!("{CLUSTER}/reveal") {
                "POST"
            } else {
                "PATCH"
            };
            let request = axum::http::Request::builder()
                .method(method)
                .uri(&path)
                .header("authorization", format!("Bearer {}", token.expose()))
                .body(axum::body::Body::from(body))
                .expect("request");
            let (response, answer) = app.send(request).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}: {answer}");
        }
        let cookie = app.sign_in().await;
        let (status, answer) =
            edit(&app, &cookie, CLUSTER, json!({"values": "hunter2-in-body"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["field"], "body");
        assert!(!answer.to_string().contains("hunter2"), "{answer}");
    })
}

#[test]
fn a_change_left_behind_by_a_crash_is_recorded_late_by_the_next_one() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        // A nixdeck that died after AWS made its version and before it recorded the event:
        // its claim is still there, expired.
        let token = "4b0d6c1e-1a7e-4c55-9f0e-2f8a6e3d1c01";
        aws.secrets()
            .create_secret()
            .name(CLUSTER_ID)
            .secret_string(json!({"FaucetKey": "before-the-crash"}).to_string())
            .client_request_token(token)
            .send()
            .await
            .expect("create");
        let event = json!({
            "actor": "github:alice",
            "action": "secret.created",
            "target": format!("secret:{CLUSTER_ID}"),
            "details": {"secret": CLUSTER_ID, "keys": ["FaucetKey"], "via": "session"},
            "source_addr": null,
        });
        testkit::execute(
            &app.store,
            &format!(
                "insert into secret_writes (secret_id, version_id, event, started_at, expires_at) \
                 values ('{CLUSTER_ID}', '{token}', '{event}', 1000, 2000)"
            ),
        )
        .await;

        let (status, answer) = edit(
            &app,
            &cookie,
            CLUSTER,
            json!({"values": {"CommitteeSecret": "after"}, "base_version": token}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (_, audit) = get(
            &app,
            &cookie,
            &format!("/api/v1/audit?target=secret:{CLUSTER_ID}"),
        )
        .await;
        let events = audit["events"].as_array().expect("events");
        assert_eq!(events.len(), 2, "{audit}");
        assert_eq!(events[0]["action"], "secret.changed");
        assert_eq!(events[1]["action"], "secret.created");
        assert_eq!(events[1]["actor"], "github:alice");
        assert_eq!(events[1]["details"]["recorded_late"], true);
        assert_eq!(events[1]["details"]["version"], token);
        assert_eq!(
            aws.current(CLUSTER_ID).await,
            json!({"FaucetKey": "before-the-crash", "CommitteeSecret": "after"})
        );
    })
}
