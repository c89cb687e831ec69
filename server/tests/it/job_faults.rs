//! Faults between nixdeck and the deployer, and nixdeck's own stops: a cut connection, a
//! frozen host, a wrong host key, and jobs left running by a worker that went away.

use axum::http::Method;
use engine::{
    exec::{Executor, SshExecutor, SshTarget},
    jobs::{LogHub, Runner},
    store::now_millis,
};
use testkit::{deployer::Deployer, proxy::FaultyProxy};
use tokio_util::sync::CancellationToken;

use crate::{
    helpers::{ssh_runner_config, TestApp},
    job_helpers::{call, create_and_deploy, log_text, wait_for, wait_until_final},
};

/// A worker that reaches the deployer through `proxy`.
fn app_through(proxy: &FaultyProxy, deployer: &Deployer, store: engine::store::Store) -> TestApp {
    let mut config = ssh_runner_config(deployer);
    let mut target = SshTarget::parse(
        &format!("{}@127.0.0.1:{}", deployer.user, proxy.port),
        &deployer.key_path,
        &deployer.host_key,
    )
    .expect("target");
    target.keepalive_interval = std::time::Duration::from_secs(1);
    target.keepalive_max = 2;
    config.executor = Executor::Ssh(Box::new(SshExecutor::new(target)));
    TestApp::with_runner_config(store, config)
}

async fn running_pass_one(app: &TestApp, cookie: &str, id: &str) {
    wait_for(app, cookie, id, |job| job["steps"][5]["state"] == "running").await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
}

#[test]
fn a_connection_cut_mid_command_fails_the_job_and_says_why() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_SLEEP=30"]);
        let proxy = FaultyProxy::start(deployer.port).await;
        let db = testkit::TestDb::sqlite().await;
        let app = app_through(&proxy, &deployer, db.store.clone());
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        running_pass_one(&app, &cookie, &id).await;
        proxy.cut();
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "failed", "{job:#}");
        let error = job["error"].as_str().expect("error");
        assert!(error.starts_with("step \"deploy pass 1 (network, keys, DNS)\": the connection to the deployer was lost"), "{error}");
        assert_eq!(job["steps"][5]["state"], "failed");
        drop(db);
    })
}

#[test]
fn a_frozen_deployer_is_given_up_on_after_the_keepalives() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_SLEEP=30"]);
        let proxy = FaultyProxy::start(deployer.port).await;
        let db = testkit::TestDb::sqlite().await;
        let app = app_through(&proxy, &deployer, db.store.clone());
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        running_pass_one(&app, &cookie, &id).await;
        let frozen_at = now_millis();
        proxy.freeze();
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "failed", "{job:#}");
        assert!(
            job["error"]
                .as_str()
                .is_some_and(|e| e.contains("connection to the deployer was lost")),
            "{job:#}"
        );
        let waited = job["finished_at"].as_i64().unwrap_or(0) - frozen_at;
        // Keepalive every second, given up after two unanswered: well before the command's 30 s.
        assert!(waited < 15_000, "gave up after {waited} ms");
        drop(db);
    })
}

#[test]
fn a_deployer_showing_another_host_key_is_refused() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let db = testkit::TestDb::sqlite().await;
        let mut config = ssh_runner_config(&deployer);
        // Any other valid key: the client's own public key.
        let other = std::fs::read_to_string(deployer.key_path.with_extension("pub"))
            .or_else(|_| std::fs::read_to_string(format!("{}.pub", deployer.key_path.display())))
            .expect("the client's public key");
        let target = SshTarget::parse(&deployer.address(), &deployer.key_path, other.trim())
            .expect("target");
        config.executor = Executor::Ssh(Box::new(SshExecutor::new(target)));
        let app = TestApp::with_runner_config(db.store.clone(), config);
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "failed");
        assert_eq!(
            job["error"],
            "step \"prepare\": the deployer's host key does not match NIXDECK_DEPLOYER_HOST_KEY; refusing to connect"
        );
        assert!(deployer.calls().is_empty(), "nothing ran");
        drop(db);
    })
}

#[test]
fn a_job_left_running_is_marked_interrupted_at_the_next_start() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_SLEEP=30"]);
        let db = testkit::TestDb::sqlite().await;
        let worker = CancellationToken::new();
        let runner = Runner::new(
            db.store.clone(),
            LogHub::default(),
            ssh_runner_config(&deployer),
        );
        let handle = runner.spawn(worker.clone());
        let app = TestApp::with_runner(db.store.clone(), runner);
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        running_pass_one(&app, &cookie, &id).await;

        // nixdeck stops: the worker signals the command and marks the job interrupted.
        worker.cancel();
        handle.await.expect("the worker ends");
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "interrupted", "{job:#}");
        assert_eq!(job["error"], "nixdeck stopped while the job ran");
        let exits = deployer.exits();
        assert!(
            exits
                .iter()
                .any(|e| e["argv"][0] == "deploy" && e["reason"] == "signal:TERM"),
            "{exits:?}"
        );

        // A crash leaves a job marked running with nobody renewing its lease; the next
        // start finds it.
        testkit::execute(
            &app.store,
            &format!(
                "update jobs set state = 'running', finished_at = null, lease_owner = 'gone', \
                 lease_expires_at = {} where id = '{id}'",
                now_millis() - 60_000
            ),
        )
        .await;
        let next = Runner::new(
            db.store.clone(),
            LogHub::default(),
            ssh_runner_config(&deployer),
        );
        assert_eq!(next.recover(false).await.expect("recover"), 1);
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "interrupted");
        let log = log_text(&app, &cookie, &id).await;
        assert!(
            log.ends_with("nixdeck stopped while this job ran; marked interrupted\n"),
            "{log}"
        );
        let (_, events) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/audit?action=job.finished",
            None,
        )
        .await;
        assert!(events.to_string().contains("interrupted"), "{events}");
        drop(db);
    })
}
