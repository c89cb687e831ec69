//! Jobs run on a real OpenSSH deployer with the recording `nixops` stand-in: the commands
//! are exactly the runbook's, deploys of one cluster queue behind each other, cancelling
//! signals the remote command, and a lost or frozen connection fails the job clearly.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use testkit::deployer::Deployer;

use crate::{
    helpers::TestApp,
    job_helpers::{
        argv_lines, call, create_and_deploy, deploy, job, log_text, wait_for, wait_until_final,
    },
};

const DEPS: &str = "-Idisciplina=https://github.com/DisciplinaOU/disciplina/archive/master.tar.gz \
-Idisciplina-explorer-frontend=https://github.com/DisciplinaOU/disciplina-explorer-frontend/archive/master.tar.gz \
-Idisciplina-faucet-frontend=https://github.com/DisciplinaOU/disciplina-faucet-frontend/archive/master.tar.gz \
-Idisciplina-nixops=https://github.com/DisciplinaOU/disciplina-nixops/archive/master.tar.gz \
-Idisciplina-validatorcv=https://github.com/DisciplinaOU/disciplina-validatorcv/archive/master.tar.gz \
-Idisciplina-educator-spa=https://github.com/DisciplinaOU/disciplina-educator-spa/archive/develop.tar.gz";

const LATER: &str = "balancer educator multi-educator witness0 witness1 witness2 witness3";

/// Steps 3 to 6 of the runbook for cluster alpha (index 2, staging).
fn deploy_lines(vpc: &str) -> Vec<String> {
    vec![
        "set-args -d alpha --argstr region eu-central-1 --argstr clusterIndex 2 --argstr env staging \
         --argstr domain alpha.disciplina.io --argstr dnsZone disciplina.io."
            .to_owned(),
        format!("modify -d alpha deployments/cluster.nix {DEPS}"),
        "export -d deployer".to_owned(),
        format!("set-args -d alpha {vpc}"),
        format!("deploy -d alpha --show-trace --exclude {LATER} a-assoc b-assoc c-assoc"),
        format!("deploy -d alpha --show-trace --exclude {LATER}"),
        "deploy -d alpha --show-trace".to_owned(),
    ]
}

/// The `--argstr vpcId ... vpcCidr ... routeTableId ...` part the job read from the
/// deployer's export.
fn network_args(calls: &[Value]) -> String {
    let lines = argv_lines(calls);
    let join = lines
        .iter()
        .find(|line| line.contains("--argstr vpcId"))
        .expect("the network was joined");
    join.trim_start_matches("set-args -d alpha ").to_owned()
}

#[test]
fn a_first_deploy_creates_the_cluster_with_exactly_the_runbooks_commands() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(
            job["state"],
            "succeeded",
            "{job:#}\n{}\n{}",
            log_text(&app, &cookie, &id).await,
            deployer.sshd_log()
        );
        assert_eq!(job["kind"], "create");
        let states: Vec<&str> = job["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| s["state"].as_str().unwrap_or(""))
            .collect();
        assert!(states.iter().all(|s| *s == "succeeded"), "{states:?}");

        let calls = deployer.calls();
        let vpc = network_args(&calls);
        assert!(vpc.starts_with("--argstr vpcId vpc-"), "{vpc}");
        let mut expected = vec![
            "info -d alpha".to_owned(),
            "create deployments/cluster.nix -d alpha".to_owned(),
        ];
        expected.extend(deploy_lines(&vpc));
        assert_eq!(argv_lines(&calls), expected);
        let root = &deployer.nixops_root;
        for call in &calls {
            assert_eq!(
                call["cwd"],
                format!("{root}/alpha/disciplina-nixops"),
                "{call}"
            );
            let deployment = if call["argv"][0] == "export" {
                "deployer"
            } else {
                "alpha"
            };
            assert_eq!(call["nixops_deployment"], deployment, "{call}");
        }

        let log = log_text(&app, &cookie, &id).await;
        assert!(log.contains("▶ deploy pass 3 (machines)"), "{log}");
        assert!(log.contains("the deployment does not exist yet"), "{log}");
        // The export is the deployer's whole state, secrets included: never in the log.
        assert!(!log.contains("\"resources\""), "{log}");
        assert!(!log.to_lowercase().contains("privatekey"), "{log}");
        let (_, cluster) = call(&app, &cookie, Method::GET, "/api/v1/clusters/alpha", None).await;
        assert_eq!(cluster["state"], "deployed");
    })
}

#[test]
fn a_redeploy_repeats_the_past_arguments_and_shows_what_changed() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let first = create_and_deploy(&app, &cookie).await;
        assert_eq!(
            wait_until_final(&app, &cookie, &first).await["state"],
            "succeeded"
        );

        let (status, body) = call(
            &app,
            &cookie,
            Method::PUT,
            "/api/v1/clusters/alpha/versions",
            Some(serde_json::json!({"disciplina": "v1.2"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let second = deploy(&app, &cookie, "alpha").await;
        let job = wait_until_final(&app, &cookie, &second).await;
        assert_eq!(job["state"], "succeeded");
        assert_eq!(job["kind"], "deploy");
        assert_eq!(
            job["changes"],
            serde_json::json!(["disciplina: master → v1.2"])
        );

        let before = deployer.calls().len();
        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("/api/v1/jobs/{first}/redeploy"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let again = body["job_id"].as_str().expect("job id").to_owned();
        let job = wait_until_final(&app, &cookie, &again).await;
        assert_eq!(job["state"], "succeeded");
        assert_eq!(job["redeploy_of"], first.as_str());
        let calls = deployer.calls();
        let repeated = argv_lines(&calls[before..]);
        // The first deploy's versions (master), not the cluster's current ones (v1.2).
        assert!(
            repeated[1].contains("disciplina/archive/master.tar.gz"),
            "{}",
            repeated[1]
        );
        assert_eq!(repeated, deploy_lines(&network_args(&calls)));
    })
}

#[test]
fn two_deploys_of_one_cluster_run_one_after_the_other() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_SLEEP=1"]);
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let first = create_and_deploy(&app, &cookie).await;
        let second = deploy(&app, &cookie, "alpha").await;
        let queued = job(&app, &cookie, &second).await;
        assert_eq!(queued["state"], "queued", "waits behind the first");
        let first = wait_until_final(&app, &cookie, &first).await;
        let second = wait_until_final(&app, &cookie, &second).await;
        assert_eq!(first["state"], "succeeded");
        assert_eq!(second["state"], "succeeded");
        assert!(
            second["started_at"].as_i64() >= first["finished_at"].as_i64(),
            "{first:#}\n{second:#}"
        );
        // The second create found the deployment and did not create it again.
        assert_eq!(second["steps"][1]["state"], "skipped");
        let creates = argv_lines(&deployer.calls())
            .iter()
            .filter(|line| line.starts_with("create "))
            .count();
        assert_eq!(creates, 1);
    })
}

#[test]
fn cancelling_signals_the_remote_command_and_ends_the_job_cancelled() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_SLEEP=60", "NIXOPS_STANDIN_FAIL_ARGS_RE=^$"]);
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        wait_for(&app, &cookie, &id, |job| {
            job["steps"].as_array().is_some_and(|steps| {
                steps.iter().any(|s| {
                    s["name"]
                        .as_str()
                        .is_some_and(|n| n.starts_with("deploy pass 1"))
                        && s["state"] == "running"
                })
            })
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let (status, body) = crate::job_helpers::cancel(&app, &cookie, &id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "cancelled", "{job:#}");
        let pass = job["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("deploy pass 1"))
            })
            .expect("pass 1");
        assert_eq!(pass["state"], "cancelled");
        assert!(
            job["steps"][7]["state"] == "cancelled",
            "later steps never ran: {job:#}"
        );
        // The deploy got SIGTERM and ended: nothing keeps running on the deployer.
        let exits = deployer.exits();
        let deploy_exit = exits
            .iter()
            .find(|e| e["argv"][0] == "deploy")
            .expect("the deploy ended");
        assert_eq!(deploy_exit["reason"], "signal:TERM", "{deploy_exit}");
        let (status, _) = crate::job_helpers::cancel(&app, &cookie, &id).await;
        assert_eq!(status, StatusCode::CONFLICT, "cancelling an ended job");
    })
}

#[test]
fn a_failing_command_fails_its_step_and_the_job() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&[
            "NIXOPS_STANDIN_FAIL=deploy",
            "NIXOPS_STANDIN_FAIL_ARGS_RE=witness3$",
        ]);
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "failed");
        assert_eq!(
            job["error"],
            "step \"deploy pass 2 (route table associations)\": the command failed (exit status 1)"
        );
        let states: Vec<&str> = job["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| s["state"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(&states[5..], ["succeeded", "failed", "cancelled"]);
        let log = log_text(&app, &cookie, &id).await;
        assert!(log.contains("job failed"), "{log}");
        // The create failed after `nixops create` succeeded: the deployment exists on the
        // deployer, so the cluster shows as failed (with why), and removing it destroys it.
        let (_, cluster) = call(&app, &cookie, Method::GET, "/api/v1/clusters/alpha", None).await;
        assert_eq!(cluster["state"], "failed", "{cluster}");
        assert_eq!(cluster["on_deployer"], true);
        assert_eq!(cluster["last_error"], job["error"]);
        deployer.control(&[]);
        let (status, body) = call(
            &app,
            &cookie,
            Method::DELETE,
            "/api/v1/clusters/alpha",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let destroy = body["job_id"].as_str().expect("destroy job").to_owned();
        let destroyed = wait_until_final(&app, &cookie, &destroy).await;
        assert_eq!(destroyed["state"], "succeeded", "{destroyed:#}");
        let lines = argv_lines(&deployer.calls());
        assert!(
            lines.contains(&"destroy -d alpha --confirm".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"delete -d alpha".to_owned()), "{lines:?}");
        let (status, _) = call(&app, &cookie, Method::GET, "/api/v1/clusters/alpha", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "gone once destroyed");
    })
}

#[test]
fn info_stop_and_start_run_the_runbooks_commands() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        crate::job_helpers::create_alpha(&app, &cookie).await;
        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters/alpha/jobs",
            Some(serde_json::json!({"kind": "info"})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "never deployed: {body}");
        let id = deploy(&app, &cookie, "alpha").await;
        assert_eq!(
            wait_until_final(&app, &cookie, &id).await["state"],
            "succeeded"
        );

        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters/alpha/jobs",
            Some(serde_json::json!({"kind": "deploy"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "kind");

        for (kind, state, lines) in [
            ("info", "deployed", vec!["info -d alpha", "check -d alpha"]),
            ("stop", "stopped", vec!["stop -d alpha --confirm"]),
            ("start", "deployed", vec!["start -d alpha --confirm"]),
        ] {
            let before = deployer.calls().len();
            let (status, body) = call(
                &app,
                &cookie,
                Method::POST,
                "/api/v1/clusters/alpha/jobs",
                Some(serde_json::json!({"kind": kind})),
            )
            .await;
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
            let id = body["job_id"].as_str().expect("job id").to_owned();
            let job = wait_until_final(&app, &cookie, &id).await;
            assert_eq!(job["state"], "succeeded", "{kind}: {job:#}");
            assert_eq!(argv_lines(&deployer.calls()[before..]), lines, "{kind}");
            let (_, cluster) =
                call(&app, &cookie, Method::GET, "/api/v1/clusters/alpha", None).await;
            assert_eq!(cluster["state"], state, "after {kind}");
        }
    })
}
