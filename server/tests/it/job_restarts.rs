//! The `nixdeck` binary killed with SIGKILL mid-command and started again: the command ran
//! on detached on the deployer, the new process takes the job over, re-attaches from the
//! last line stored, and the job ends as it would have; no `nixops` call of the deployment
//! overlapped another, and no line is missing or doubled.

use std::{process::Stdio, time::Duration};

use serde_json::{json, Value};
use testkit::deployer::Deployer;
use tokio::process::{Child, Command};

use crate::{
    helpers::deployer_env,
    job_checks::{assert_calls_never_overlap, assert_every_line_once},
};

const LINES: usize = 120;

struct Binary {
    env: Vec<(&'static str, String)>,
    dir: tempfile::TempDir,
    port: u16,
}

impl Binary {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_nixdeck"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("NIXDECK_")) {
            command.env_remove(key);
        }
        command.envs(self.env.iter().map(|(k, v)| (*k, v.as_str())));
        command
    }

    async fn serve(&self) -> Child {
        let child = self.command(&["serve"]).spawn().expect("start nixdeck");
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let answer = client.get(self.url("/healthz")).send().await;
            if answer.is_ok_and(|answer| answer.status().is_success()) {
                return child;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "nixdeck did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

async fn job(client: &reqwest::Client, binary: &Binary, token: &str, id: &str) -> Value {
    client
        .get(binary.url(&format!("/api/v1/jobs/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("get job")
        .json()
        .await
        .expect("job JSON")
}

async fn wait_for(
    client: &reqwest::Client,
    binary: &Binary,
    token: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let job = job(client, binary, token, id).await;
        if done(&job) {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job never got there: {job:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn a_job_survives_nixdeck_being_killed_and_is_continued_by_the_next_start() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_LINES=120", "NIXOPS_STANDIN_RATE=30"]);
        let dir = tempfile::tempdir().expect("data directory");
        let port = free_port();
        let mut env = deployer_env(&deployer, None);
        env.push(("NIXDECK_LISTEN", format!("127.0.0.1:{port}")));
        env.push((
            "NIXDECK_DATA_DIR",
            dir.path().join("data").display().to_string(),
        ));
        let binary = Binary { env, dir, port };
        let created = binary
            .command(&["token", "create", "--name", "ci", "--role", "admin"])
            .stdout(Stdio::piped())
            .output()
            .await
            .expect("token create");
        assert!(created.status.success(), "{created:?}");
        let token = String::from_utf8_lossy(&created.stdout).trim().to_owned();

        let mut first = binary.serve().await;
        let client = reqwest::Client::new();
        let answer = client
            .post(binary.url("/api/v1/clusters"))
            .bearer_auth(&token)
            .json(&crate::job_helpers::alpha(2))
            .send()
            .await
            .expect("create cluster");
        assert_eq!(answer.status(), 201);
        let queued: Value = client
            .post(binary.url("/api/v1/clusters/alpha/deploys"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .expect("deploy")
            .json()
            .await
            .expect("JSON");
        let id = queued["job_id"].as_str().expect("job id").to_owned();
        wait_for(&client, &binary, &token, &id, |job| {
            job["steps"][5]["state"] == "running"
        })
        .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;

        first.kill().await.expect("SIGKILL nixdeck");
        let pass = deployer
            .calls()
            .iter()
            .rev()
            .find(|call| call["argv"][0] == "deploy")
            .and_then(|call| call["pid"].as_i64())
            .expect("pass 1's pid");
        assert!(
            std::path::Path::new(&format!("/proc/{pass}")).exists(),
            "the deploy pass runs on without nixdeck"
        );

        let _second = binary.serve().await;
        let done = wait_for(&client, &binary, &token, &id, |job| {
            !matches!(job["state"].as_str(), Some("queued" | "running"))
        })
        .await;
        let log = client
            .get(binary.url(&format!("/api/v1/jobs/{id}/log")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("log")
            .text()
            .await
            .expect("text");
        assert_eq!(done["state"], "succeeded", "{done:#}\n{log}");
        assert_calls_never_overlap(&deployer, "alpha");
        assert_every_line_once(&log, LINES, 3);
    })
}
