//! Job logs: stored with sequence numbers and followed live over Server-Sent Events; a late
//! or reconnecting viewer gets the stored lines and then the live ones, with no gap and no
//! duplicate.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use serde_json::Value;
use testkit::deployer::Deployer;

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
    cookie: &str,
    id: &str,
    last_event_id: Option<i64>,
) -> Vec<SseEvent> {
    let mut request = Request::get(format!("/api/v1/jobs/{id}/log"))
        .header(header::COOKIE, cookie)
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

        // Twenty viewers, connected while the job is queued or running.
        let mut viewers = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (app, cookie, id) = (app.clone(), cookie.clone(), id.clone());
            viewers.spawn(async move { follow(&app, &cookie, &id, None).await });
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
            let texts: Vec<&str> = events[..events.len() - 1]
                .iter()
                .map(|e| e.data["text"].as_str().expect("text"))
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
        // nixdeck's own lines, nixops' progress on stderr, and its stdout (create's UUID).
        assert_eq!(
            streams,
            ["stderr", "stdout", "system"].into_iter().collect()
        );
        let uuid_line = events
            .iter()
            .find(|e| e.data["stream"] == "stdout")
            .expect("a stdout line");
        assert!(uuid_line.data["at"].as_i64().is_some_and(|at| at > 0));
    })
}
