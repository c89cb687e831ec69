//! The builder's maintenance as jobs over SSH: each runs exactly its command, one runs at
//! a time, they are listed with the builder as their target, and bad requests run nothing.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::deployer::{Deployer, Role};

use crate::{
    builder_probe::builder_env,
    helpers::TestApp,
    job_helpers::{call, log_text, wait_for, wait_until_final},
};

/// The builder's calls to the programs maintenance runs (the probes' reads left out).
fn actions(builder: &Deployer) -> Vec<Value> {
    builder
        .host_calls()
        .into_iter()
        .filter(|call| {
            let argv = call["argv"].to_string();
            ["--update", "switch", "kickstart", "--delete-older-than"]
                .iter()
                .any(|action| argv.contains(action))
        })
        .collect()
}

/// An app whose worker runs the builder's jobs (and whose prober probes it).
async fn builder_app(builder: &Deployer) -> TestApp {
    let mut app =
        TestApp::owning(testkit::TestDb::sqlite().await, &builder_env(builder, None)).await;
    app.start();
    app
}

/// `GET /api/v1/jobs?host=builder`.
async fn builder_jobs(app: &TestApp, cookie: &str) -> Value {
    let (status, jobs) = call(app, cookie, Method::GET, "/api/v1/jobs?host=builder", None).await;
    assert_eq!(status, StatusCode::OK, "{jobs}");
    jobs
}

async fn start(app: &TestApp, cookie: &str, body: Value) -> (StatusCode, Value) {
    call(
        app,
        cookie,
        Method::POST,
        "/api/v1/builder/jobs",
        Some(body),
    )
    .await
}

async fn started(app: &TestApp, cookie: &str, body: Value) -> String {
    let (status, answer) = start(app, cookie, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    answer["job_id"].as_str().expect("job id").to_owned()
}

#[test]
fn each_action_runs_exactly_its_command_on_the_builder() {
    testkit::block_on(async {
        let builder = Deployer::start_as(Role::Builder).await;
        let mut app = builder_app(&builder).await;
        let cookie = app.sign_in().await;
        let home = builder.home();
        let expected: [(Value, Value, bool); 4] = [
            (
                json!({"kind": "update-channels"}),
                json!(["--update"]),
                false,
            ),
            (json!({"kind": "rebuild"}), json!(["switch"]), false),
            (
                json!({"kind": "restart-agent"}),
                json!(["kickstart", "-k", "system/org.nixos.buildkite-agent"]),
                true,
            ),
            (
                json!({"kind": "collect-garbage", "days": 14}),
                json!(["--delete-older-than", "14d"]),
                false,
            ),
        ];
        for (body, argv, as_root) in expected {
            let before = actions(&builder).len();
            let id = started(&app, &cookie, body.clone()).await;
            let job = wait_until_final(&app, &cookie, &id).await;
            let log = log_text(&app, &cookie, &id).await;
            assert_eq!(job["state"], "succeeded", "{job:#}\n{log}");
            assert_eq!(job["target"], "builder");
            assert_eq!(job["host"], "builder");
            assert_eq!(job["cluster"], Value::Null);
            assert_eq!(job["kind"], body["kind"]);
            let new: Vec<Value> = actions(&builder).into_iter().skip(before).collect();
            // restart-agent goes through sudo, which the stand-in records too.
            let last = new.last().expect("the action ran");
            assert_eq!(last["argv"], argv, "{new:?}");
            assert_eq!(last["sudo"], as_root, "{last}");
            assert_eq!(last["cwd"], home, "{last}");
            assert!(log.contains("▶ "), "{log}");
        }
        let jobs = builder_jobs(&app, &cookie).await;
        assert_eq!(jobs.as_array().map(Vec::len), Some(4), "{jobs:#}");
        let (_, all) = call(&app, &cookie, Method::GET, "/api/v1/jobs", None).await;
        assert_eq!(all.as_array().map(Vec::len), Some(4));
        let (_, deployer_jobs) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/jobs?host=deployer",
            None,
        )
        .await;
        assert_eq!(deployer_jobs, json!([]));
        app.stop().await;
    })
}

#[test]
fn builder_jobs_run_one_at_a_time_and_cancel_like_cluster_jobs() {
    testkit::block_on(async {
        let builder = Deployer::start_as(Role::Builder).await;
        builder.host_control(&["HOST_STANDIN_SLEEP=3"]);
        let mut app = builder_app(&builder).await;
        let cookie = app.sign_in().await;
        let first = started(&app, &cookie, json!({"kind": "rebuild"})).await;
        let second = started(&app, &cookie, json!({"kind": "update-channels"})).await;
        let third = started(&app, &cookie, json!({"kind": "rebuild"})).await;
        wait_for(&app, &cookie, &first, |job| job["state"] == "running").await;
        let (_, waiting) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("/api/v1/jobs/{second}"),
            None,
        )
        .await;
        assert_eq!(waiting["state"], "queued", "{waiting:#}");
        let (status, cancelled) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("/api/v1/jobs/{third}/cancel"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!(cancelled["state"], "cancelled");

        let first = wait_until_final(&app, &cookie, &first).await;
        let second = wait_until_final(&app, &cookie, &second).await;
        assert_eq!(first["state"], "succeeded", "{first:#}");
        assert_eq!(second["state"], "succeeded", "{second:#}");
        assert!(
            second["started_at"].as_i64() >= first["finished_at"].as_i64(),
            "{first:#}\n{second:#}"
        );
        // The cancelled job never ran: two rebuilds would be two `switch` calls.
        let switches = actions(&builder)
            .iter()
            .filter(|call| call["argv"] == json!(["switch"]))
            .count();
        assert_eq!(switches, 1);
        app.stop().await;
    })
}

#[test]
fn bad_builder_requests_are_refused_naming_the_field_and_run_nothing() {
    testkit::block_on(async {
        let builder = Deployer::start_as(Role::Builder).await;
        let mut app = builder_app(&builder).await;
        let cookie = app.sign_in().await;
        for (body, field) in [
            (json!({"kind": "reboot"}), "kind"),
            (json!({}), "kind"),
            (json!({"kind": "collect-garbage"}), "days"),
            (json!({"kind": "collect-garbage", "days": 0}), "days"),
            (json!({"kind": "collect-garbage", "days": -3}), "days"),
            (json!({"kind": "collect-garbage", "days": 1.5}), "days"),
            (json!({"kind": "collect-garbage", "days": "a week"}), "days"),
            (json!({"kind": "rebuild", "days": 3}), "days"),
        ] {
            let (status, answer) = start(&app, &cookie, body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(answer["field"], field, "{body}: {answer}");
        }
        let jobs = builder_jobs(&app, &cookie).await;
        assert_eq!(jobs, json!([]));
        assert!(actions(&builder).is_empty());
        app.stop().await;
    })
}
