//! The Builder page's data over SSH against a second sshd that plays the macOS builder:
//! what the probe reads, and what the builder's state is when it cannot be reached (its
//! reason, and the last known facts with their age).

use axum::http::{Method, StatusCode};
use serde_json::Value;
use testkit::{
    deployer::{Deployer, Role},
    proxy::FaultyProxy,
};

use crate::{helpers::TestApp, job_helpers::call};

/// The settings of the builder fixture, as an operator would write them; `port` replaces
/// the fixture's (a proxy in front of it).
pub fn builder_env(builder: &Deployer, port: Option<u16>) -> Vec<(&'static str, String)> {
    vec![
        (
            "NIXDECK_BUILDER_SSH",
            format!(
                "{}@127.0.0.1:{}",
                builder.user,
                port.unwrap_or(builder.port)
            ),
        ),
        (
            "NIXDECK_BUILDER_SSH_KEY",
            builder.key_path.display().to_string(),
        ),
        ("NIXDECK_BUILDER_HOST_KEY", builder.host_key.clone()),
        ("NIXDECK_BUILDER_WORK_DIR", builder.home()),
    ]
}

/// The programs the probe may run: every one only reads.
const READERS: [&str; 9] = [
    "sw_vers",
    "nix",
    "readlink",
    "stat",
    "nix-channel",
    "launchctl",
    "buildkite-agent",
    "df",
    "sysctl",
];

async fn probe(app: &TestApp, cookie: &str) -> Value {
    let (status, body) = call(app, cookie, Method::POST, "/api/v1/builder/probe", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn accepted_logins(builder: &Deployer) -> usize {
    builder.sshd_log().matches("Accepted publickey").count()
}

#[test]
fn the_probe_reads_every_fact_over_one_connection_and_changes_nothing() {
    testkit::block_on(async {
        let builder = Deployer::start_as(Role::Builder).await;
        let app = TestApp::owning(
            testkit::TestDb::sqlite().await,
            &builder_env(&builder, None),
        )
        .await;
        let cookie = app.sign_in().await;
        let logins = accepted_logins(&builder);
        let view = probe(&app, &cookie).await;
        assert_eq!(
            accepted_logins(&builder),
            logins + 1,
            "{}",
            builder.sshd_log()
        );
        assert_eq!(view["configured"], true);
        assert_eq!(view["reachable"], true, "{view:#}");
        assert!(view["checked_at"].as_i64().is_some());
        assert_eq!(view["error"], Value::Null);
        assert_eq!(view["macos_version"], "14.5");
        assert_eq!(view["nix_version"], "2.18.1");
        assert_eq!(view["generation"]["number"], 42);
        assert!(
            view["generation"]["built_at"].as_i64().is_some(),
            "{view:#}"
        );
        assert_eq!(
            (view["cores"].clone(), view["max_jobs"].clone()),
            (4.into(), 4.into())
        );
        let channels: Vec<&str> = view["channels"]
            .as_array()
            .expect("channels")
            .iter()
            .map(|channel| channel["name"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(channels, ["darwin", "disciplina-nixops", "nixpkgs"]);
        assert_eq!(view["agent"]["running"], true);
        assert_eq!(view["agent"]["version"], "3.59.0");
        assert_eq!(
            view["agent"]["tags"],
            serde_json::json!(["system=x86_64-darwin"])
        );
        assert_eq!(view["store_free_bytes"], 234_567_890_u64 * 1024);
        assert_eq!(view["load"], serde_json::json!([1.52, 1.61, 1.70]));
        assert!(
            view["uptime_seconds"].as_u64().is_some_and(|s| s > 86_400),
            "{view:#}"
        );

        // The probe only read: no program that changes anything was asked anything.
        for call in builder.host_calls() {
            let program = call["program"].as_str().unwrap_or("");
            assert!(READERS.contains(&program), "the probe ran {call}");
            assert_eq!(call["sudo"], false, "{call}");
            let argv = call["argv"].to_string();
            for change in ["--update", "switch", "kickstart", "--delete-older-than"] {
                assert!(!argv.contains(change), "the probe ran {call}");
            }
        }
        let (status, again) = call(&app, &cookie, Method::GET, "/api/v1/builder", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again["checked_at"], view["checked_at"]);
    })
}

#[test]
fn an_unreachable_builder_shows_why_and_its_last_known_state() {
    testkit::block_on(async {
        let builder = Deployer::start_as(Role::Builder).await;
        let proxy = FaultyProxy::start(builder.port).await;
        let app = TestApp::owning(
            testkit::TestDb::sqlite().await,
            &builder_env(&builder, Some(proxy.port)),
        )
        .await;
        let cookie = app.sign_in().await;
        let first = probe(&app, &cookie).await;
        assert_eq!(first["reachable"], true, "{first:#}");

        proxy.cut();
        let view = probe(&app, &cookie).await;
        assert_eq!(view["reachable"], false, "{view:#}");
        assert_eq!(view["reason"], "refused", "{view:#}");
        assert!(
            view["error"]
                .as_str()
                .is_some_and(|e| e.contains("builder")),
            "{view:#}"
        );
        // The last known facts, with the time they were taken.
        assert_eq!(view["macos_version"], "14.5");
        assert_eq!(view["facts_at"], first["checked_at"]);
        assert!(view["checked_at"].as_i64() > first["checked_at"].as_i64());
        let states: Vec<&str> = view["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|slot| slot["state"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(states.len(), 48);
        assert_eq!(states[47], "partial", "{states:?}");

        let (response, page) = app.get_with_cookie("/builder", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(page.contains("unreachable"), "{page}");
        assert!(page.contains("last known state"), "{page}");
        assert!(page.contains("14.5"), "{page}");

        // Frozen: the connection opens, nothing answers.
        proxy.restore();
        proxy.freeze();
        let view = probe(&app, &cookie).await;
        assert_eq!(view["reachable"], false, "{view:#}");
        assert_eq!(view["reason"], "timeout", "{view:#}");
        assert_eq!(view["macos_version"], "14.5");
    })
}

#[test]
fn a_builder_with_another_host_key_or_no_listener_is_refused_with_its_reason() {
    testkit::block_on(async {
        let builder = Deployer::start_as(Role::Builder).await;
        let other = Deployer::start_as(Role::Builder).await;
        let mut env = builder_env(&builder, None);
        env.retain(|(key, _)| *key != "NIXDECK_BUILDER_HOST_KEY");
        env.push(("NIXDECK_BUILDER_HOST_KEY", other.host_key.clone()));
        let app = TestApp::owning(testkit::TestDb::sqlite().await, &env).await;
        let cookie = app.sign_in().await;
        let view = probe(&app, &cookie).await;
        assert_eq!(view["reachable"], false, "{view:#}");
        assert_eq!(view["reason"], "host-key", "{view:#}");
        assert_eq!(view["macos_version"], Value::Null);
        assert!(
            builder.host_calls().is_empty(),
            "nothing ran on an unverified host"
        );

        // Nothing listens on the port any more.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("address").port()
        };
        let app = TestApp::owning(
            testkit::TestDb::sqlite().await,
            &builder_env(&builder, Some(closed)),
        )
        .await;
        let cookie = app.sign_in().await;
        let view = probe(&app, &cookie).await;
        assert_eq!(view["reason"], "refused", "{view:#}");
    })
}

#[test]
fn without_a_builder_the_page_says_how_to_configure_one() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (status, view) = call(&app, &cookie, Method::GET, "/api/v1/builder", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(view["configured"], false);
        assert_eq!(view["reachable"], false);
        let (_, page) = app.get_with_cookie("/builder", &cookie).await;
        assert!(page.contains("NIXDECK_BUILDER_SSH"), "{page}");
        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/builder/jobs",
            Some(serde_json::json!({"kind": "rebuild"})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    })
}
