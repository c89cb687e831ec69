//! Faults between nixdeck and the deployer, and nixdeck's own stops. A command runs
//! detached on the deployer, so a cut connection, a frozen host or a stop of nixdeck leaves
//! it running: nixdeck reconnects or comes back, re-attaches, and the job goes on. In
//! every case the deployment's `nixops` calls never overlap and no line is lost or stored
//! twice; a cancel stops the command's whole process group, with KILL if TERM is ignored.

use std::time::Duration;

use testkit::{deployer::Deployer, proxy::FaultyProxy};

use crate::{
    helpers::{deployer_env, TestApp},
    job_checks::{
        assert_calls_never_overlap, assert_calls_never_overlap_given, assert_every_line_once,
    },
    job_helpers::{create_and_deploy, log_text, wait_for, wait_until_final},
};

/// Lines each deploy pass prints, and how fast: a pass takes about four seconds.
const LINES: usize = 120;
const CONTROLS: [&str; 2] = ["NIXOPS_STANDIN_LINES=120", "NIXOPS_STANDIN_RATE=30"];

/// An app whose worker reaches the deployer through `proxy`.
async fn app_through(
    proxy: &FaultyProxy,
    deployer: &Deployer,
    store: engine::store::Store,
) -> TestApp {
    let mut app = TestApp::with_env(store, &deployer_env(deployer, Some(proxy.port))).await;
    app.start();
    app
}

/// Waits until deploy pass 1 (step 6 of a create) has run for a moment.
async fn running_pass_one(app: &TestApp, cookie: &str, id: &str) {
    wait_for(app, cookie, id, |job| job["steps"][5]["state"] == "running").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

/// The job succeeded, its deployment's calls never overlapped, and each pass's lines are
/// in the log once.
async fn assert_whole(app: &TestApp, cookie: &str, id: &str, deployer: &Deployer) {
    let job = wait_until_final(app, cookie, id).await;
    let log = log_text(app, cookie, id).await;
    assert_eq!(job["state"], "succeeded", "{job:#}\n{log}");
    assert_calls_never_overlap(deployer, "alpha");
    assert_every_line_once(&log, LINES, 3);
}

#[test]
fn a_connection_cut_mid_command_is_followed_by_a_reattach_and_the_job_goes_on() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&CONTROLS);
        let proxy = FaultyProxy::start(deployer.port).await;
        let db = testkit::TestDb::sqlite().await;
        let app = app_through(&proxy, &deployer, db.store.clone()).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        running_pass_one(&app, &cookie, &id).await;
        proxy.cut();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let job = crate::job_helpers::job(&app, &cookie, &id).await;
        assert_eq!(
            job["state"], "running",
            "a lost connection ends nothing: {job:#}"
        );
        proxy.restore();
        assert_whole(&app, &cookie, &id, &deployer).await;
        let log = log_text(&app, &cookie, &id).await;
        assert!(log.contains("the connection to deployer"), "{log}");
        assert!(
            log.contains("answers again: following the command"),
            "{log}"
        );
    })
}

#[test]
fn a_frozen_deployer_keeps_the_deployment_locked_until_it_answers_again() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&CONTROLS);
        let proxy = FaultyProxy::start(deployer.port).await;
        let db = testkit::TestDb::sqlite().await;
        let app = app_through(&proxy, &deployer, db.store.clone()).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        running_pass_one(&app, &cookie, &id).await;
        proxy.freeze();
        // A second deploy waits: the first one's command may still be running.
        let second = crate::job_helpers::deploy(&app, &cookie, "alpha").await;
        tokio::time::sleep(Duration::from_secs(7)).await;
        let job = crate::job_helpers::job(&app, &cookie, &id).await;
        assert_eq!(job["state"], "running", "{job:#}");
        let waiting = crate::job_helpers::job(&app, &cookie, &second).await;
        assert_eq!(waiting["state"], "queued", "{waiting:#}");
        proxy.restore();
        assert_whole(&app, &cookie, &id, &deployer).await;
        let second = wait_until_final(&app, &cookie, &second).await;
        assert_eq!(second["state"], "succeeded", "{second:#}");
        assert_calls_never_overlap(&deployer, "alpha");
    })
}

#[test]
fn a_job_left_running_when_nixdeck_stops_is_continued_by_the_next_start() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&CONTROLS);
        let db = testkit::TestDb::sqlite().await;
        let mut first = TestApp::with_deployer_on(db.store.clone(), &deployer).await;
        let cookie = first.sign_in().await;
        let id = create_and_deploy(&first, &cookie).await;
        running_pass_one(&first, &cookie, &id).await;
        // nixdeck stops (SIGTERM): it lets go of the job, the command runs on.
        first.stop().await;
        let job = crate::job_helpers::job(&first, &cookie, &id).await;
        assert_eq!(job["state"], "running", "{job:#}");
        let exits = deployer.exits();
        assert!(
            !exits.iter().any(|exit| exit["reason"] != "exit"),
            "nothing was signalled: {exits:?}"
        );

        let mut next = TestApp::with_env(db.store.clone(), &deployer_env(&deployer, None)).await;
        assert_eq!(
            next.application
                .engine
                .take_back_running_jobs()
                .await
                .expect("resume"),
            1
        );
        next.start();
        assert_whole(&next, &cookie, &id, &deployer).await;
        drop(first);
    })
}

#[test]
fn a_quiet_command_is_followed_to_its_end() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        // Twelve seconds without a byte of output, over a connection whose keepalives
        // come every second.
        deployer.control(&["NIXOPS_STANDIN_SLEEP=12", "NIXOPS_STANDIN_QUIET=1"]);
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        crate::job_helpers::create_alpha(&app, &cookie).await;
        let id = crate::job_helpers::deploy(&app, &cookie, "alpha").await;
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "succeeded", "{job:#}");
        let log = log_text(&app, &cookie, &id).await;
        assert!(!log.contains("connection to deployer was lost"), "{log}");
        assert_calls_never_overlap(&deployer, "alpha");
    })
}

#[test]
fn a_cancel_kills_a_command_that_ignores_term_and_waits_for_it_to_be_gone() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&[
            "NIXOPS_STANDIN_SLEEP=120",
            "NIXOPS_STANDIN_ON_SIGNAL=ignore",
        ]);
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        running_pass_one(&app, &cookie, &id).await;
        let pid = deployer
            .calls()
            .iter()
            .rev()
            .find(|call| call["argv"][0] == "deploy")
            .and_then(|call| call["pid"].as_i64())
            .expect("the pass's pid");
        let (status, body) = crate::job_helpers::cancel(&app, &cookie, &id).await;
        assert_eq!(status, axum::http::StatusCode::OK, "{body}");
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "cancelled", "{job:#}");
        let seen_gone = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs_f64();
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|stat| stat.contains(") Z ")),
            "nixops {pid} still runs after the job ended"
        );
        let log = log_text(&app, &cookie, &id).await;
        assert!(log.contains("sent TERM"), "{log}");
        assert!(log.contains("sent KILL"), "{log}");
        // The next job may start only now, and does.
        deployer.control(&[]);
        let next = crate::job_helpers::deploy(&app, &cookie, "alpha").await;
        assert_eq!(
            wait_until_final(&app, &cookie, &next).await["state"],
            "succeeded"
        );
        assert_calls_never_overlap_given(&deployer, "alpha", &[(pid, seen_gone)]);
    })
}

#[test]
fn a_deployer_showing_another_host_key_is_refused() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let db = testkit::TestDb::sqlite().await;
        // Any other valid key: the client's own public key.
        let other = std::fs::read_to_string(format!("{}.pub", deployer.key_path.display()))
            .expect("the client's public key");
        let mut env = deployer_env(&deployer, None);
        for (key, value) in &mut env {
            if *key == "NIXDECK_DEPLOYER_HOST_KEY" {
                *value = other.trim().to_owned();
            }
        }
        let mut app = TestApp::owning(db, &env).await;
        app.start();
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "failed");
        let error = job["error"].as_str().expect("error");
        assert!(
            error.starts_with("step \"prepare\": the host key of deployer (")
                && error.ends_with("does not match its pinned key; refusing to connect"),
            "{error}"
        );
        assert!(deployer.calls().is_empty(), "nothing ran");
    })
}
