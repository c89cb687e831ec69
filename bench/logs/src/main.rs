//! The job log benchmark. Starts a deployer (a real sshd on 127.0.0.1 with the nixops
//! stand-in) and nixdeck on a real port, then measures, each against plain `ssh` in the
//! same run:
//! - latency: from a line being written on the deployer to its arrival at a viewer of the
//!   job's Server-Sent Events, against its arrival through `ssh host command`;
//! - throughput: 50 viewers of one job printing 10,000 lines a second, each checked to get
//!   every line once and in order, against one `ssh` reading the same output.
//!
//! Prints Markdown tables; docs/benchmarks.md says how to read them.

use std::{
    collections::HashMap,
    net::SocketAddr,
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use engine::commands::Caller;
use nixdeck_server::{application::Application, config::Config};
use serde_json::{json, Value};
use testkit::deployer::Deployer;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

const VIEWERS: usize = 50;
const RATE: u32 = 10_000;
const THROUGHPUT_LINES: u32 = 50_000;
const LATENCY_LINES: u32 = 300;
const LATENCY_RATE: u32 = 50;

struct Nixdeck {
    base: String,
    token: String,
    /// One token per throughput viewer.
    viewer_tokens: Vec<String>,
    http: reqwest::Client,
}

impl Nixdeck {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        response.json().await.unwrap_or(Value::Null)
    }

    async fn run_to_end(&self, path: &str, body: Option<Value>) -> String {
        let started = self.call(reqwest::Method::POST, path, body).await;
        let id = started["job_id"].as_str().expect("job id").to_owned();
        loop {
            let job = self
                .call(reqwest::Method::GET, &format!("/api/v1/jobs/{id}"), None)
                .await;
            if !matches!(job["state"].as_str(), Some("queued" | "running")) {
                assert_eq!(job["state"], "succeeded", "{job:#}");
                return id;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn start(&self, path: &str, body: Option<Value>) -> String {
        let started = self.call(reqwest::Method::POST, path, body).await;
        started["job_id"].as_str().expect("job id").to_owned()
    }
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i128::try_from(d.as_nanos()).unwrap_or(0))
        .unwrap_or(0)
}

/// The ` at=NS` stamp of a stand-in line.
fn stamp(text: &str) -> Option<i128> {
    text.rsplit_once(" at=")
        .and_then(|(_, ns)| ns.trim().parse().ok())
}

/// Follows a job's SSE stream to its end: returns (arrival time, line JSON) per line.
async fn follow(nixdeck: &Nixdeck, id: &str) -> Vec<(i128, Value)> {
    let mut response = nixdeck
        .http
        .get(format!("{}/api/v1/jobs/{id}/log", nixdeck.base))
        .bearer_auth(&nixdeck.token)
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("stream");
    let mut pending = String::new();
    let mut lines = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        let arrived = now_ns();
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find("\n\n") {
            let event: String = pending.drain(..end + 2).collect();
            if event.contains("event: end") || event.contains("event:end") {
                return lines;
            }
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:")) {
                if let Ok(value) = serde_json::from_str::<Value>(data.trim()) {
                    lines.push((arrived, value));
                }
            }
        }
    }
    lines
}

/// Follows a job's SSE stream to its end reading only each event's `id` (the sequence
/// number): the least work a viewer can do, so the measurement is of nixdeck, not of the
/// viewers' JSON parsing (they share the machine). Returns the ids in arrival order.
async fn follow_ids(nixdeck: &Nixdeck, token: &str, id: &str) -> Vec<u64> {
    let mut response = nixdeck
        .http
        .get(format!("{}/api/v1/jobs/{id}/log", nixdeck.base))
        .bearer_auth(token)
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("stream");
    let mut pending: Vec<u8> = Vec::new();
    let mut ids = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        pending.extend_from_slice(&chunk);
        let mut consumed = 0;
        while let Some(offset) = pending[consumed..].iter().position(|b| *b == b'\n') {
            let line = &pending[consumed..consumed + offset];
            consumed += offset + 1;
            if let Some(value) = line.strip_prefix(b"id: ") {
                if let Some(seq) = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                    ids.push(seq);
                }
            } else if line == b"event: end" {
                return ids;
            }
        }
        pending.drain(..consumed);
    }
    ids
}

/// Runs the stand-in's deploy over the OpenSSH client; returns (arrival time, text) per line.
async fn plain_ssh(deployer: &Deployer, controls: &str) -> (Vec<(i128, String)>, Duration) {
    let command = format!(
        "cd {}/alpha/disciplina-nixops && exec env NIXOPS_DEPLOYMENT=alpha {controls} nixops deploy -d alpha --show-trace --dry-run",
        deployer.nixops_root
    );
    let started = Instant::now();
    let mut child = tokio::process::Command::new("ssh")
        .args(["-i", &deployer.key_path.display().to_string()])
        .args(["-p", &deployer.port.to_string()])
        .args([
            "-o",
            &format!("UserKnownHostsFile={}", deployer.known_hosts.display()),
        ])
        .args(["-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"])
        .arg(format!("{}@127.0.0.1", deployer.user))
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh");
    let mut reader = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut lines = Vec::new();
    while let Ok(Some(line)) = reader.next_line().await {
        lines.push((now_ns(), line));
    }
    child.wait().await.expect("ssh ends");
    (lines, started.elapsed())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn latencies_ms(samples: impl Iterator<Item = (i128, Option<i128>)>) -> Vec<f64> {
    let mut values: Vec<f64> = samples
        .filter_map(|(arrived, written)| written.map(|w| (arrived - w) as f64 / 1e6))
        .collect();
    values.sort_by(f64::total_cmp);
    values
}

#[tokio::main]
async fn main() {
    let deployer = Deployer::start().await;
    let db = testkit::TestDb::sqlite().await;
    // nixdeck as `serve` assembles it, configured as an operator would for this deployer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let data = tempfile::tempdir().expect("data directory");
    let variables: HashMap<String, String> = [
        ("NIXDECK_LISTEN", address.to_string()),
        ("NIXDECK_DATA_DIR", data.path().display().to_string()),
        ("NIXDECK_DEPLOYER_SSH", deployer.address()),
        (
            "NIXDECK_DEPLOYER_SSH_KEY",
            deployer.key_path.display().to_string(),
        ),
        ("NIXDECK_DEPLOYER_HOST_KEY", deployer.host_key.clone()),
        ("NIXDECK_NIXOPS_ROOT", deployer.nixops_root.clone()),
        ("NIXDECK_NIXOPS_REPO_URL", deployer.repo_url.clone()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    let config = Config::from_sources(None, &variables).expect("configuration");
    let stopping = CancellationToken::new();
    let application = Application::assemble(&config, db.store.clone(), stopping.clone())
        .await
        .expect("assemble");
    let _background = application.start();
    let router = application.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    let token = application
        .engine
        .create_token(&Caller::cli(), "bench", "admin")
        .await
        .expect("token");
    // One person may hold only a few live logs at once: each viewer is a token of its own.
    let mut viewer_tokens = Vec::new();
    for n in 0..VIEWERS {
        let viewer = application
            .engine
            .create_token(&Caller::cli(), &format!("viewer-{n}"), "viewer")
            .await
            .expect("token");
        viewer_tokens.push(viewer.expose().to_owned());
    }
    let nixdeck = Arc::new(Nixdeck {
        base: format!("http://{address}"),
        token: token.expose().to_owned(),
        viewer_tokens,
        http: reqwest::Client::new(),
    });

    nixdeck
        .call(
            reqwest::Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": "alpha", "cluster_index": 2, "env": "production"})),
        )
        .await;
    nixdeck
        .run_to_end("/api/v1/clusters/alpha/deploys", None)
        .await;

    // Latency: lines written 20 ms apart, each stamped with the time it was written.
    let controls = format!(
        "NIXOPS_STANDIN_LINES={LATENCY_LINES} NIXOPS_STANDIN_RATE={LATENCY_RATE} NIXOPS_STANDIN_TIMESTAMPS=1"
    );
    deployer.control(&controls.split(' ').collect::<Vec<_>>());
    let id = nixdeck
        .start(
            "/api/v1/clusters/alpha/deploys",
            Some(json!({"preview": true})),
        )
        .await;
    let events = follow(&nixdeck, &id).await;
    let via_nixdeck = latencies_ms(
        events
            .iter()
            .map(|(arrived, line)| (*arrived, line["text"].as_str().and_then(stamp))),
    );
    deployer.control(&[]);
    let (ssh_lines, _) = plain_ssh(&deployer, &controls).await;
    let via_ssh = latencies_ms(
        ssh_lines
            .iter()
            .map(|(arrived, text)| (*arrived, stamp(text))),
    );

    println!("### Latency: written on the deployer → seen by a viewer ({LATENCY_LINES} lines, {LATENCY_RATE}/s)\n");
    println!("| path | lines | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for (name, values) in [
        ("plain ssh (baseline)", &via_ssh),
        ("nixdeck SSE", &via_nixdeck),
    ] {
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            values.len(),
            percentile(values, 50.0),
            percentile(values, 95.0),
            percentile(values, 99.0),
            values.last().copied().unwrap_or(f64::NAN)
        );
    }
    println!(
        "\nRatio of p50 (nixdeck / ssh): {:.2}; extra p50 latency: {:.2} ms\n",
        percentile(&via_nixdeck, 50.0) / percentile(&via_ssh, 50.0),
        percentile(&via_nixdeck, 50.0) - percentile(&via_ssh, 50.0)
    );

    // Throughput: one job printing 10,000 lines a second, 50 viewers from its start.
    let controls = format!("NIXOPS_STANDIN_LINES={THROUGHPUT_LINES} NIXOPS_STANDIN_RATE={RATE}");
    deployer.control(&controls.split(' ').collect::<Vec<_>>());
    let id = nixdeck
        .start(
            "/api/v1/clusters/alpha/deploys",
            Some(json!({"preview": true})),
        )
        .await;
    let started = Instant::now();
    let mut viewers = tokio::task::JoinSet::new();
    for viewer in 0..VIEWERS {
        let (nixdeck, id) = (nixdeck.clone(), id.clone());
        viewers.spawn(async move {
            let token = nixdeck.viewer_tokens[viewer].clone();
            let ids = follow_ids(&nixdeck, &token, &id).await;
            (ids, started.elapsed())
        });
    }
    let stored = nixdeck
        .http
        .get(format!("{}/api/v1/jobs/{id}/log", nixdeck.base))
        .bearer_auth(&nixdeck.token);
    let mut slowest = Duration::ZERO;
    let mut complete = 0;
    let mut results = Vec::new();
    while let Some(result) = viewers.join_next().await {
        results.push(result.expect("viewer"));
    }
    let stored_text = stored
        .send()
        .await
        .expect("log")
        .text()
        .await
        .expect("text");
    let stored_lines = stored_text.lines().count();
    for (ids, took) in &results {
        slowest = slowest.max(*took);
        let in_order = ids.iter().enumerate().all(|(i, seq)| *seq == i as u64 + 1);
        if in_order && ids.len() == stored_lines {
            complete += 1;
        }
    }
    deployer.control(&[]);
    let (ssh_lines, ssh_took) = plain_ssh(&deployer, &controls).await;
    println!("### Throughput: one job printing {RATE} lines/s ({THROUGHPUT_LINES} lines), {VIEWERS} viewers\n");
    println!("| path | viewers | lines each | complete and in order | time to last line s |");
    println!("|---|---|---|---|---|");
    println!(
        "| plain ssh (baseline) | 1 | {} | - | {:.2} |",
        ssh_lines.len(),
        ssh_took.as_secs_f64()
    );
    println!(
        "| nixdeck SSE | {VIEWERS} | {stored_lines} | {complete} of {VIEWERS} | {:.2} |",
        slowest.as_secs_f64()
    );
    println!(
        "\nRatio of times (nixdeck, slowest of {VIEWERS} viewers / ssh): {:.2}",
        slowest.as_secs_f64() / ssh_took.as_secs_f64()
    );
    stopping.cancel();
}
