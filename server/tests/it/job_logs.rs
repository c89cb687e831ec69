//! Job logs: stored with sequence numbers and followed live over Server-Sent Events; a late
//! or reconnecting viewer gets the stored lines and then the live ones, with no gap and no
//! duplicate.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::Value;
use testkit::deployer::Deployer;

use engine::commands::Caller;

use crate::{
    helpers::TestApp,
    job_helpers::{create_and_deploy, log_text, wait_until_final},
};

/// One Server-Sent Event.
#[derive(Debug, Clone)]
struct SseEvent {
    id: Option<i64>,
    event: String,
    data: Value,
}

fn parse_events(text: &str) -> Vec<SseEvent> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .filter_map(|block| {
            let mut id = None;
            let mut event = "message".to_owned();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = value.trim().parse().ok();
                } else if let Some(value) = line.strip_prefix("event:") {
                    event = value.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim_start());
                }
            }
            // Keep-alive comments carry no data.
            (!data.is_empty()).then(|| SseEvent {
                id,
                event,
                data: serde_json::from_str(&data).expect("JSON data"),
            })
        })
        .collect()
}

/// Follows a job's log to its end, from `last_event_id` if given.
async fn follow(
    app: &TestApp,
    credential: &str,
    id: &str,
    last_event_id: Option<i64>,
) -> Vec<SseEvent> {
    // A session cookie (`nixdeck_session=...`) or an API token.
    let (name, value) = if credential.starts_with("ndk_") {
        (header::AUTHORIZATION, format!("Bearer {credential}"))
    } else {
        (header::COOKIE, credential.to_owned())
    };
    let mut request = Request::get(format!("/api/v1/jobs/{id}/log"))
        .header(name, value)
        .header(header::ACCEPT, "text/event-stream");
    if let Some(last) = last_event_id {
        request = request.header("last-event-id", last.to_string());
    }
    let (response, text) = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    parse_events(&text)
}

/// The line events' sequence numbers run from `first` without gap or repeat, and an end
/// event closes the stream.
fn assert_complete(events: &[SseEvent], first: i64) -> i64 {
    let (end, lines) = events.split_last().expect("events");
    assert_eq!(end.event, "end", "the stream ends with the job");
    let mut expected = first;
    for event in lines {
        assert_eq!(event.event, "line");
        assert_eq!(event.id, Some(expected), "no gap, no duplicate");
        assert_eq!(event.data["seq"], expected);
        expected += 1;
    }
    expected - 1
}

#[test]
fn viewers_early_late_and_many_get_every_line_exactly_once() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        deployer.control(&["NIXOPS_STANDIN_LINES=3000"]);
        let app = std::sync::Arc::new(TestApp::with_deployer(&deployer).await);
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;

        // Twenty viewers (each their own token: one person holds only a few live logs
        // at once), connected while the job is queued or running.
        let mut viewers = tokio::task::JoinSet::new();
        for n in 0..20 {
            let token = app
                .engine
                .create_token(&Caller::cli(), &format!("viewer-{n}"), "viewer")
                .await
                .expect("token")
                .expose()
                .to_owned();
            let (app, id) = (app.clone(), id.clone());
            viewers.spawn(async move { follow(&app, &token, &id, None).await });
        }
        let mut seen = Vec::new();
        while let Some(events) = viewers.join_next().await {
            seen.push(events.expect("viewer"));
        }
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "succeeded");
        let log = log_text(&app, &cookie, &id).await;
        let stored: Vec<&str> = log.lines().collect();
        assert!(
            stored.len() > 3 * 3000,
            "three passes of 3000 lines each: {}",
            stored.len()
        );
        for events in &seen {
            let last = assert_complete(events, 1);
            assert_eq!(last, i64::try_from(stored.len()).expect("count"));
            // The plain-text log shows a step's start as `▶ NAME`.
            let texts: Vec<String> = events[..events.len() - 1]
                .iter()
                .map(|e| {
                    let text = e.data["text"].as_str().expect("text");
                    if e.data["stream"] == "step" {
                        format!("▶ {text}")
                    } else {
                        text.to_owned()
                    }
                })
                .collect();
            assert_eq!(texts, stored);
            assert_eq!(events.last().expect("end").data["state"], "succeeded");
        }

        // A viewer that reconnects after line 100 continues with 101.
        let resumed = follow(&app, &cookie, &id, Some(100)).await;
        assert_complete(&resumed, 101);
        assert!(
            stored[2999..]
                .iter()
                .any(|l| l.contains("line 3000 of 3000"))
                || log.contains("line 3000 of 3000")
        );
    })
}

#[test]
fn a_log_line_records_its_stream() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        wait_until_final(&app, &cookie, &id).await;
        let events = follow(&app, &cookie, &id, None).await;
        let streams: std::collections::BTreeSet<&str> = events
            .iter()
            .filter_map(|e| e.data["stream"].as_str())
            .collect();
        // nixdeck's own lines, each step's start, nixops' progress on stderr, and its
        // stdout (create's UUID).
        assert_eq!(
            streams,
            ["step", "stderr", "stdout", "system"].into_iter().collect()
        );
        let uuid_line = events
            .iter()
            .find(|e| e.data["stream"] == "stdout")
            .expect("a stdout line");
        assert!(uuid_line.data["at"].as_i64().is_some_and(|at| at > 0));
    })
}

/// A live log request whose body is held open, as a browser's EventSource holds it.
async fn open_stream(
    app: &TestApp,
    cookie: &str,
    id: &str,
) -> axum::http::Response<axum::body::Body> {
    use tower::ServiceExt;
    let request = Request::get(format!("/api/v1/jobs/{id}/log"))
        .header(header::HOST, crate::helpers::HOST)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .expect("request");
    app.router.clone().oneshot(request).await.expect("answer")
}

/// Waits (5 s at most) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A queued job (the app's worker is not started): its log stays open and quiet.
async fn queued_job(app: &TestApp, cookie: &str) -> String {
    create_and_deploy(app, cookie).await
}

#[test]
fn viewers_of_one_job_share_one_poll_and_leaving_is_noticed_while_nothing_happens() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let id = queued_job(&app, &cookie).await;
        let mut streams = Vec::new();
        for _ in 0..5 {
            let response = open_stream(&app, &cookie, &id).await;
            assert_eq!(response.status(), StatusCode::OK);
            streams.push(response);
        }
        assert_eq!(
            app.engine.feeds().open_feeds(),
            1,
            "one poll for five viewers"
        );
        // The viewers go away while the job stays queued and nothing is sent to them.
        drop(streams);
        eventually("the poll stops when its last viewer has left", || {
            app.engine.feeds().open_feeds() == 0
        })
        .await;
    })
}

#[test]
fn one_person_holds_only_so_many_live_logs_and_a_closed_one_frees_its_place() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let id = queued_job(&app, &cookie).await;
        let mut streams = Vec::new();
        for _ in 0..8 {
            let response = open_stream(&app, &cookie, &id).await;
            assert_eq!(response.status(), StatusCode::OK);
            streams.push(response);
        }
        let refused = open_stream(&app, &cookie, &id).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        streams.pop();
        let again = open_stream(&app, &cookie, &id).await;
        assert_eq!(again.status(), StatusCode::OK);
    })
}

#[test]
fn stopping_nixdeck_ends_every_live_log_telling_viewers_to_reconnect() {
    testkit::block_on(async {
        use http_body_util::BodyExt;
        let mut app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let id = queued_job(&app, &cookie).await;
        let streams: Vec<_> = futures_bodies(&app, &cookie, &id, 3).await;
        app.stop().await;
        for body in streams {
            let collected = tokio::time::timeout(std::time::Duration::from_secs(5), body.collect())
                .await
                .expect("the stream ends within seconds")
                .expect("body");
            let text = String::from_utf8_lossy(&collected.to_bytes()).into_owned();
            assert!(text.ends_with("event: restart\ndata: {}\n\n"), "{text:?}");
        }
    })
}

async fn futures_bodies(app: &TestApp, cookie: &str, id: &str, count: usize) -> Vec<Body> {
    let mut bodies = Vec::new();
    for _ in 0..count {
        let response = open_stream(app, cookie, id).await;
        assert_eq!(response.status(), StatusCode::OK);
        bodies.push(response.into_body());
    }
    bodies
}
