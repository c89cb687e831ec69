//! The Deployer page's data over SSH: what NixOps there knows, adopting its deployments as
//! clusters (running nothing), and the deployer deploying itself, alone on the deployer.

use std::process::Command;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::deployer::Deployer;

use crate::{
    helpers::TestApp,
    job_helpers::{alpha, call, create_alpha, deploy, wait_for, wait_until_final},
};

/// A deployer whose NixOps knows its own deployment, `legacy` (index 7), `broken` (index
/// 26, which no cluster may have) and `orphan` (index 9, whose clone is missing).
async fn deployer_with_deployments() -> Deployer {
    let deployer = Deployer::start().await;
    deployer.control(&["NIXOPS_STANDIN_DEPLOYMENTS=deployer,legacy:7,broken:26,orphan:9"]);
    for name in ["legacy", "broken"] {
        let clone = format!("{}/{name}/disciplina-nixops", deployer.nixops_root);
        std::fs::create_dir_all(clone).expect("a clone");
    }
    deployer
}

/// Commits the state directory as the `nixops` wrapper does (leaving it to the SSH user,
/// whose NixOps writes there); answers the commit's time.
fn commit_state(root: &str, owner: &str) -> i64 {
    let state = format!("{root}/.nixops");
    std::fs::create_dir_all(&state).expect("state directory");
    // Beside the stand-in's own state file, which it makes at its first call.
    std::fs::write(format!("{state}/.gitattributes"), "* -diff\n").expect("a file to commit");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-C", &state])
            .args(args)
            .env("GIT_AUTHOR_NAME", "nixops")
            .env("GIT_AUTHOR_EMAIL", "nixops@deployer")
            .env("GIT_COMMITTER_NAME", "nixops")
            .env("GIT_COMMITTER_EMAIL", "nixops@deployer")
            .env("GIT_COMMITTER_DATE", "1764000000 +0000")
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "nixops deploy -d legacy"]);
    let status = Command::new("chown")
        .args(["-R", owner, &state])
        .status()
        .expect("chown");
    assert!(status.success());
    1_764_000_000_000
}

fn nixops_argv(deployer: &Deployer) -> Vec<String> {
    deployer
        .calls()
        .iter()
        .map(|call| {
            call["argv"]
                .as_array()
                .map(|argv| {
                    argv.iter()
                        .map(|word| word.as_str().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn the_deployer_shows_what_nixops_knows() {
    testkit::block_on(async {
        let deployer = deployer_with_deployments().await;
        let committed = commit_state(&deployer.nixops_root, &deployer.user);
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        create_alpha(&app, &cookie).await;
        let (status, view) = call(&app, &cookie, Method::GET, "/api/v1/deployer", None).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(view["host"], deployer.address());
        assert_eq!(view["error"], Value::Null, "{view:#}");
        assert_eq!(view["nixops_version"], "1.7");
        assert_eq!(
            view["deployments"],
            json!([
                {"name": "broken", "managed": false},
                {"name": "deployer", "managed": true},
                {"name": "legacy", "managed": false},
                {"name": "orphan", "managed": false},
            ])
        );
        assert!(
            view["state_free_bytes"].as_u64().is_some_and(|b| b > 0),
            "{view:#}"
        );
        assert_eq!(view["agent"]["running"], true, "{view:#}");
        assert_eq!(view["agent"]["version"], "3.59.0");
        assert_eq!(view["state_committed_at"], committed);
        // Reading changed nothing: only `--version`, `list`.
        for argv in nixops_argv(&deployer) {
            assert!(argv == "--version" || argv == "list", "{argv}");
        }
        let (_, page) = app.get_with_cookie("/deployer", &cookie).await;
        assert!(page.contains("legacy"), "{page}");
        assert!(page.contains("Adopt"), "{page}");
    })
}

#[test]
fn a_deployment_is_adopted_as_a_cluster_without_running_anything() {
    testkit::block_on(async {
        let deployer = deployer_with_deployments().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let adopt = |deployment: &str| {
            let body = json!({ "deployment": deployment });
            let (app, cookie) = (&app, &cookie);
            async move {
                call(
                    app,
                    cookie,
                    Method::POST,
                    "/api/v1/deployer/adopt",
                    Some(body),
                )
                .await
            }
        };
        let (status, cluster) = adopt("legacy").await;
        assert_eq!(status, StatusCode::CREATED, "{cluster}");
        assert_eq!(cluster["name"], "legacy");
        assert_eq!(cluster["cluster_index"], 7);
        assert_eq!(cluster["region"], "eu-central-1");
        assert_eq!(cluster["domain"], "legacy.disciplina.io");
        assert_eq!(cluster["state"], "deployed");
        assert_eq!(cluster["on_deployer"], true);
        assert_eq!(cluster["versions"]["disciplina-educator-spa"], "develop");
        // Only reads reached NixOps; the export itself never reaches a log or the audit.
        for argv in nixops_argv(&deployer) {
            assert!(argv == "list" || argv == "export -d legacy", "{argv}");
        }
        let (_, events) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/audit?action=cluster.adopted",
            None,
        )
        .await;
        let events = events.to_string();
        assert!(events.contains("cluster:legacy"), "{events}");
        assert!(!events.contains("resources"), "{events}");
        // What its deployment left unset (its -I paths), as nixdeck's defaults fill it in.
        assert!(events.contains("disciplina-educator-spa"), "{events}");

        let (status, again) = adopt("legacy").await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
        let (status, unknown) = adopt("ghost").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");
        assert_eq!(unknown["field"], "deployment");
        // An unknown deployment is never exported.
        assert!(!nixops_argv(&deployer)
            .iter()
            .any(|argv| argv.contains("ghost")));
        let (status, own) = adopt("deployer").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{own}");
        let (status, broken) = adopt("broken").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{broken}");
        assert_eq!(broken["field"], "cluster_index");
        let (status, orphan) = adopt("orphan").await;
        assert_eq!(status, StatusCode::CONFLICT, "{orphan}");
        assert_eq!(orphan["field"], "deployment");
        assert!(orphan["error"]
            .as_str()
            .is_some_and(|e| e.contains("orphan/disciplina-nixops")));
        let (_, clusters) = call(&app, &cookie, Method::GET, "/api/v1/clusters", None).await;
        assert_eq!(clusters.as_array().map(Vec::len), Some(1), "{clusters:#}");
    })
}

#[test]
fn a_deployment_whose_index_is_taken_is_not_adopted() {
    testkit::block_on(async {
        let deployer = deployer_with_deployments().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(7)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, refused) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/deployer/adopt",
            Some(json!({"deployment": "legacy"})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert_eq!(refused["field"], "cluster_index");
        let (status, _) = call(&app, &cookie, Method::GET, "/api/v1/clusters/legacy", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
}

#[test]
fn the_deployer_deploys_itself_alone() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&[
            "NIXOPS_STANDIN_SLEEP@alpha=3",
            "NIXOPS_STANDIN_SLEEP@deployer=2",
        ]);
        let checkout = format!("{}/deployer/disciplina-nixops", deployer.nixops_root);
        std::fs::create_dir_all(&checkout).expect("the deployer's checkout");
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        create_alpha(&app, &cookie).await;
        let cluster_job = deploy(&app, &cookie, "alpha").await;
        wait_for(&app, &cookie, &cluster_job, |job| job["state"] == "running").await;

        let (status, queued) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/deployer/deploys",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
        let own = queued["job_id"].as_str().expect("job id").to_owned();
        let (_, waiting) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("/api/v1/jobs/{own}"),
            None,
        )
        .await;
        assert_eq!(
            waiting["state"], "queued",
            "it waits for the running cluster job"
        );
        assert_eq!(waiting["target"], "deployer");

        let own_job = wait_for(&app, &cookie, &own, |job| job["state"] == "running").await;
        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": "beta", "cluster_index": 5, "domain": "beta.disciplina.io"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let held = deploy(&app, &cookie, "beta").await;
        let (_, held_view) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("/api/v1/jobs/{held}"),
            None,
        )
        .await;
        assert_eq!(
            held_view["state"], "queued",
            "nothing starts beside the deployer's deploy"
        );

        let cluster_job = wait_until_final(&app, &cookie, &cluster_job).await;
        let own_job_done = wait_until_final(&app, &cookie, &own).await;
        let held = wait_until_final(&app, &cookie, &held).await;
        assert_eq!(own_job_done["state"], "succeeded", "{own_job_done:#}");
        assert!(own_job["started_at"].as_i64() >= cluster_job["finished_at"].as_i64());
        assert!(held["started_at"].as_i64() >= own_job_done["finished_at"].as_i64());
        let own_call = deployer
            .calls()
            .into_iter()
            .find(|call| call["nixops_deployment"] == "deployer" && call["argv"][0] == "deploy")
            .expect("the deployer's deploy ran");
        assert_eq!(own_call["argv"], json!(["deploy", "-d", "deployer"]));
        assert_eq!(own_call["cwd"], checkout);
    })
}
