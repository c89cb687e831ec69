//! GitHub deployments as a trigger, against the GitHub stand-in (which records the
//! deployment statuses it is sent) and the deployer fixture over SSH: signatures right,
//! wrong, over another body and missing; a redelivered event; a deployment of an unknown,
//! a disallowed cluster or with a bad ref (an `error` status, no job); and the statuses of a
//! job that ran, in order, one of them retried after GitHub failed it.

use std::time::Duration;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode},
};
use engine::delivery::signature::sign_hex;
use serde_json::{json, Value};
use testkit::deployer::Deployer;

use crate::{
    helpers::{deployer_env, TestApp},
    job_helpers::{alpha, call},
    provider_helpers::{GitHub, GITHUB_DEPLOY_TOKEN},
};

const SECRET: &str = "a webhook secret for the tests";

fn event(id: u64, environment: &str, sha: &str) -> Value {
    json!({
        "action": "created",
        "deployment": {
            "id": id, "sha": sha, "ref": "master", "task": "deploy",
            "environment": environment, "creator": { "login": "alice" }
        },
        "repository": { "name": "disciplina", "full_name": "DisciplinaOU/disciplina" },
        "sender": { "login": "alice" }
    })
}

/// Posts a webhook as GitHub does; `signature` overrides the right one (`Some("")`: none).
async fn deliver(
    app: &TestApp,
    kind: &str,
    delivery: &str,
    body: &[u8],
    signature: Option<&str>,
) -> (StatusCode, Value) {
    let right = format!("sha256={}", sign_hex(SECRET.as_bytes(), body));
    let mut request = Request::post("/hooks/github")
        .header("content-type", "application/json")
        .header("x-github-event", kind)
        .header("x-github-delivery", delivery)
        .header("user-agent", "GitHub-Hookshot/abc");
    match signature {
        Some("") => {}
        Some(other) => request = request.header("x-hub-signature-256", other),
        None => request = request.header("x-hub-signature-256", right),
    }
    let (response, text) = app
        .send(request.body(Body::from(body.to_vec())).expect("request"))
        .await;
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (response.status(), value)
}

async fn statuses(github: &GitHub) -> Vec<Value> {
    reqwest::get(format!("{}/_standin/statuses", github.server.url))
        .await
        .expect("statuses")
        .json()
        .await
        .expect("JSON")
}

/// The statuses of one deployment, once it has at least `count` of them.
async fn statuses_of(github: &GitHub, id: u64, count: usize) -> Vec<Value> {
    for _ in 0..600 {
        let of: Vec<Value> = statuses(github)
            .await
            .into_iter()
            .filter(|s| s["deployment_id"] == id)
            .collect();
        if of.len() >= count {
            return of;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("deployment {id} never got {count} statuses");
}

async fn job_count(app: &TestApp, cookie: &str) -> usize {
    let (_, jobs) = call(app, cookie, Method::GET, "/api/v1/jobs", None).await;
    jobs.as_array().map_or(0, Vec::len)
}

async fn audit_count(app: &TestApp, cookie: &str, action: &str) -> usize {
    let (_, events) = call(
        app,
        cookie,
        Method::GET,
        &format!("/api/v1/audit?action={action}"),
        None,
    )
    .await;
    events["events"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_github_deployment_deploys_its_cluster_once_and_reports_back() {
    testkit::block_on(async {
        let github = GitHub::start().await;
        let deployer = Deployer::start().await;
        let mut env = deployer_env(&deployer, None);
        env.extend([
            ("NIXDECK_GITHUB_WEBHOOK_SECRET", SECRET.to_owned()),
            (
                "NIXDECK_GITHUB_DEPLOY_TOKEN",
                GITHUB_DEPLOY_TOKEN.to_owned(),
            ),
            (
                "NIXDECK_GITHUB_API_URL",
                format!("{}/api/v3", github.server.url),
            ),
        ]);
        let mut app = TestApp::owning(testkit::TestDb::sqlite().await, &env).await;
        app.start();
        let cookie = app.sign_in().await;
        let (status, _) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(2)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let mut beta = alpha(3);
        beta["name"] = json!("beta");
        beta["domain"] = json!("beta.disciplina.io");
        call(&app, &cookie, Method::POST, "/api/v1/clusters", Some(beta)).await;
        let (status, edited) = call(
            &app,
            &cookie,
            Method::PATCH,
            "/api/v1/clusters/alpha",
            Some(json!({"github_deployments": true})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!(edited["github_deployments"], true);

        // Refused before anything is read: no signature, a wrong one, one over another body.
        let body = event(1001, "alpha", "3f2a9c1").to_string();
        let other = event(1001, "alpha", "0000000").to_string();
        let over_other = format!("sha256={}", sign_hex(SECRET.as_bytes(), other.as_bytes()));
        for signature in ["", "sha256=00", "sha1=abc", over_other.as_str()] {
            let (status, answer) =
                deliver(&app, "deployment", "d-0", body.as_bytes(), Some(signature)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{signature}: {answer}");
        }
        assert_eq!(job_count(&app, &cookie).await, 0);
        assert!(audit_count(&app, &cookie, "webhook.refused").await >= 1);
        let huge = vec![b' '; 1024 * 1024 + 1];
        let (status, _) = deliver(&app, "deployment", "d-big", &huge, None).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        let (status, _) = deliver(
            &app,
            "ping",
            "d-ping",
            br#"{"zen":"Keep it simple."}"#,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // The deployment becomes a deploy of alpha with disciplina at its commit.
        let (status, queued) = deliver(&app, "deployment", "d-1", body.as_bytes(), None).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
        let id = queued["job_id"].as_str().expect("job id").to_owned();
        let (_, job) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            None,
        )
        .await;
        assert_eq!(job["trigger"], "github");
        assert_eq!(job["trigger_ref"], "DisciplinaOU/disciplina#1001");
        assert_eq!(job["requested_by"], "github:alice");
        assert_eq!(job["requested_via"], "webhook");
        assert_eq!(job["params"]["versions"]["disciplina"], "3f2a9c1");
        assert_eq!(job["params"]["versions"]["disciplina-nixops"], "master");
        let (_, cluster) = call(&app, &cookie, Method::GET, "/api/v1/clusters/alpha", None).await;
        assert_eq!(
            cluster["versions"]["disciplina"], "master",
            "the cluster keeps its refs"
        );

        // Delivered again, or the same deployment in another delivery: nothing new.
        let (status, again) = deliver(&app, "deployment", "d-1", body.as_bytes(), None).await;
        assert_eq!(
            (status, &again["already_handled"]),
            (StatusCode::OK, &json!(true))
        );
        let (status, again) = deliver(&app, "deployment", "d-2", body.as_bytes(), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again["job_id"], id.as_str());
        assert_eq!(job_count(&app, &cookie).await, 1);

        // What cannot become a job gets an error status, and is audited once.
        let cases = [
            (event(1002, "nope", "abc"), StatusCode::NOT_FOUND),
            (event(1003, "beta", "abc"), StatusCode::FORBIDDEN),
            (
                event(1004, "alpha", "abc;reboot"),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ];
        for (n, (refused, expected)) in cases.into_iter().enumerate() {
            let delivery = format!("d-refused-{n}");
            let (status, answer) = deliver(
                &app,
                "deployment",
                &delivery,
                refused.to_string().as_bytes(),
                None,
            )
            .await;
            assert_eq!(status, expected, "{answer}");
            assert!(answer["error"].is_string(), "{answer}");
        }
        let (status, answer) =
            deliver(&app, "deployment", "d-junk", b"{\"deployment\": 5", None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(job_count(&app, &cookie).await, 1);
        assert_eq!(
            audit_count(&app, &cookie, "github.deployment_refused").await,
            4
        );
        for id in [1002, 1003, 1004] {
            let refused = statuses_of(&github, id, 1).await;
            assert_eq!(refused[0]["state"], "error", "{refused:?}");
            assert!(
                refused[0]["description"].as_str().unwrap_or_default().len() <= 140,
                "{refused:?}"
            );
        }

        // The job runs; GitHub hears queued, in progress, success, in that order.
        let ran = statuses_of(&github, 1001, 3).await;
        let states: Vec<&str> = ran.iter().filter_map(|s| s["state"].as_str()).collect();
        assert_eq!(states, ["queued", "in_progress", "success"]);
        for status in &ran {
            assert_eq!(status["repository"], "DisciplinaOU/disciplina");
            assert_eq!(status["accept"], "application/vnd.github+json");
            assert_eq!(status["api_version"], "2022-11-28");
            assert!(
                status["log_url"]
                    .as_str()
                    .unwrap_or_default()
                    .ends_with(&format!("/jobs/{id}")),
                "{status}"
            );
            assert!(
                status["environment_url"]
                    .as_str()
                    .unwrap_or_default()
                    .ends_with("/clusters/alpha"),
                "{status}"
            );
        }

        // GitHub failing a status delays it, in order, and never the job.
        reqwest::Client::new()
            .put(format!("{}/_standin/failures", github.server.url))
            .body(r#"{"statuses": 1}"#)
            .send()
            .await
            .expect("fail the next status");
        let (status, _) = deliver(
            &app,
            "deployment",
            "d-3",
            event(1005, "alpha", "v1.2").to_string().as_bytes(),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let retried = statuses_of(&github, 1005, 3).await;
        let states: Vec<&str> = retried.iter().filter_map(|s| s["state"].as_str()).collect();
        assert_eq!(states, ["queued", "in_progress", "success"]);
        app.stop().await;
    })
}
