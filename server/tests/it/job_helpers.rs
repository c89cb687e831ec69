//! Driving clusters and jobs through the REST API, as automation would.

use std::time::Duration;

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// A JSON request with the session cookie; returns the status and the parsed body.
pub async fn call(
    app: &TestApp,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let (response, text) = app.send(request).await;
    let value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (response.status(), value)
}

pub fn alpha(index: u8) -> Value {
    json!({
        "name": "alpha",
        "region": "eu-central-1",
        "cluster_index": index,
        "env": "staging",
        "domain": "alpha.disciplina.io",
        "dns_zone": "disciplina.io.",
    })
}

/// Creates cluster `alpha` (index 2) through the API.
pub async fn create_alpha(app: &TestApp, cookie: &str) {
    let (status, body) = call(
        app,
        cookie,
        Method::POST,
        "/api/v1/clusters",
        Some(alpha(2)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Creates cluster `alpha` and asks for its first deploy; returns the job id.
pub async fn create_and_deploy(app: &TestApp, cookie: &str) -> String {
    create_alpha(app, cookie).await;
    deploy(app, cookie, "alpha").await
}

pub async fn deploy(app: &TestApp, cookie: &str, cluster: &str) -> String {
    let (status, body) = call(
        app,
        cookie,
        Method::POST,
        &format!("/api/v1/clusters/{cluster}/deploys"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body["job_id"].as_str().expect("job id").to_owned()
}

/// Asks to cancel the job; returns the answer's status and body.
pub async fn cancel(app: &TestApp, cookie: &str, id: &str) -> (StatusCode, Value) {
    call(
        app,
        cookie,
        Method::POST,
        &format!("/api/v1/jobs/{id}/cancel"),
        None,
    )
    .await
}

pub async fn job(app: &TestApp, cookie: &str, id: &str) -> Value {
    let (status, body) = call(
        app,
        cookie,
        Method::GET,
        &format!("/api/v1/jobs/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Waits until the job satisfies `done` (60 s at most) and returns it.
pub async fn wait_for(
    app: &TestApp,
    cookie: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let job = job(app, cookie, id).await;
        if done(&job) {
            return job;
        }
        if tokio::time::Instant::now() >= deadline {
            let log = log_text(app, cookie, id).await;
            panic!("job never got there: {job:#}\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn wait_until_final(app: &TestApp, cookie: &str, id: &str) -> Value {
    wait_for(app, cookie, id, |job| {
        !matches!(job["state"].as_str(), Some("queued" | "running"))
    })
    .await
}

/// The job's log as text.
pub async fn log_text(app: &TestApp, cookie: &str, id: &str) -> String {
    let (response, text) = app
        .get_with_cookie(&format!("/api/v1/jobs/{id}/log"), cookie)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    text
}

/// Each recorded `nixops` call as its arguments joined by spaces.
pub fn argv_lines(calls: &[Value]) -> Vec<String> {
    calls
        .iter()
        .map(|call| {
            call["argv"]
                .as_array()
                .expect("argv")
                .iter()
                .map(|a| a.as_str().expect("string argument"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}
