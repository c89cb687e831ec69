//! Notification channels against real receivers on 127.0.0.1 (the Slack stand-in, as an
//! incoming webhook and as a generic receiver that fails its first deliveries): channels
//! are checked and their URL and secret never shown again; a job's events reach the
//! channels that asked for them and for its cluster, signed, in order, once each, retried
//! after failures; the deliveries list and the test button.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use engine::delivery::signature::sign_hex;
use serde_json::{json, Value};
use testkit::{counterpart::Counterpart, deployer::Deployer};

use crate::{
    helpers::{deployer_env, TestApp},
    job_helpers::{alpha, call},
};

const SECRET: &str = "receiver secret, long enough";

async fn posts(receiver: &Counterpart) -> Vec<Value> {
    reqwest::get(format!("{}/_standin/posts", receiver.url))
        .await
        .expect("posts")
        .json()
        .await
        .expect("JSON")
}

async fn posts_at_least(receiver: &Counterpart, count: usize) -> Vec<Value> {
    for _ in 0..600 {
        let seen = posts(receiver).await;
        if seen.len() >= count {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the receiver never got {count} posts");
}

#[test]
fn channels_hear_what_they_asked_for_in_order_once_each() {
    testkit::block_on(async {
        let slack = Counterpart::node("slack-standin.mjs", &[]).await;
        let receiver = Counterpart::node("slack-standin.mjs", &[]).await;
        let deployer = Deployer::start().await;
        let mut app = TestApp::owning(
            testkit::TestDb::sqlite().await,
            &deployer_env(&deployer, None),
        )
        .await;
        app.start();
        let cookie = app.sign_in().await;
        call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(2)),
        )
        .await;
        let channels = "/api/v1/notifications/channels";

        // Bad channels are refused naming the field, quoting neither URL nor secret.
        for (body, field) in [
            (
                json!({"name": "x", "kind": "pager", "url": "https://example.com/a", "events": ["job.failed"]}),
                "kind",
            ),
            (
                json!({"name": "x", "kind": "webhook", "url": "http://example.com/s3cr3t", "events": ["job.failed"]}),
                "url",
            ),
            (
                json!({"name": "x", "kind": "webhook", "url": "https://example.com/a", "events": ["job.exploded"]}),
                "events",
            ),
            (
                json!({"name": "x", "kind": "webhook", "url": "https://example.com/a", "secret": "s3cr3t", "events": ["job.failed"]}),
                "secret",
            ),
            (
                json!({"name": "x", "kind": "webhook", "url": "https://example.com/a", "events": ["job.failed"], "clusters": ["Alpha!"]}),
                "clusters",
            ),
        ] {
            let (status, refused) = call(&app, &cookie, Method::POST, channels, Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
            assert_eq!(refused["field"], field, "{refused}");
            assert!(!refused.to_string().contains("s3cr3t"), "{refused}");
        }

        let hook_url = format!("{}/hooks/ops/T0KEN", receiver.url);
        let (status, made) = call(
            &app,
            &cookie,
            Method::POST,
            channels,
            Some(json!({
                "name": "ops", "kind": "webhook", "url": hook_url, "secret": SECRET,
                "events": ["job.started", "job.succeeded", "job.failed"], "clusters": ["alpha"],
            })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let ops = made["id"].as_str().expect("id").to_owned();
        call(
            &app,
            &cookie,
            Method::POST,
            channels,
            Some(json!({
                "name": "elsewhere", "kind": "webhook", "url": format!("{}/other", receiver.url),
                "events": ["job.started"], "clusters": ["beta"],
            })),
        )
        .await;
        let (status, chat) = call(
            &app,
            &cookie,
            Method::POST,
            channels,
            Some(json!({
                "name": "chat", "kind": "slack", "url": format!("{}/services/T0/B0/XXXX", slack.url),
                "events": ["job.succeeded"], "clusters": null,
            })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{chat}");
        let (_, listed) = call(&app, &cookie, Method::GET, channels, None).await;
        let text = listed.to_string();
        assert!(
            !text.contains("T0KEN") && !text.contains(SECRET) && !text.contains("XXXX"),
            "{text}"
        );
        assert_eq!(listed[2]["secret_set"], true, "{listed}");
        let (_, events) = call(&app, &cookie, Method::GET, "/api/v1/audit", None).await;
        assert!(!events.to_string().contains("T0KEN") && !events.to_string().contains(SECRET));

        // The receiver fails the first two deliveries; they are retried, in order.
        reqwest::Client::new()
            .put(format!("{}/_standin/failures", receiver.url))
            .body(r#"{"posts": 2}"#)
            .send()
            .await
            .expect("fail the first posts");
        let (status, _) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters/alpha/deploys",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let seen = posts_at_least(&receiver, 2).await;
        let got: Vec<&str> = seen
            .iter()
            .filter_map(|p| p["body"]["event"].as_str())
            .collect();
        assert_eq!(got, ["job.started", "job.succeeded"], "{seen:?}");
        for post in &seen {
            assert_eq!(post["path"], "/hooks/ops/T0KEN");
            let raw = post["raw"].as_str().expect("raw body");
            let expected = format!("sha256={}", sign_hex(SECRET.as_bytes(), raw.as_bytes()));
            assert_eq!(post["signature"], expected.as_str());
            assert_eq!(post["body"]["job"]["cluster"], "alpha");
            assert_eq!(post["body"]["job"]["trigger"], "api");
            assert!(post["body"]["job"]["url"]
                .as_str()
                .unwrap_or_default()
                .contains("/jobs/"));
        }
        let chat_posts = posts_at_least(&slack, 1).await;
        assert!(chat_posts[0]["body"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("job.succeeded"));

        // Its deliveries: the first took three attempts; nothing was sent twice.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            posts(&receiver).await.len(),
            2,
            "no delivery twice, none to 'elsewhere'"
        );
        let (_, deliveries) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("{channels}/{ops}/deliveries"),
            None,
        )
        .await;
        let deliveries = deliveries.as_array().expect("deliveries").clone();
        assert_eq!(deliveries.len(), 2);
        assert_eq!(deliveries[1]["event"], "job.started");
        assert_eq!(deliveries[1]["attempts"], 3);
        assert_eq!(deliveries[1]["status"], 200);
        assert_eq!(deliveries[0]["state"], "sent");

        // A test goes after them.
        let (status, tested) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("{channels}/{ops}/test"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{tested}");
        let seen = posts_at_least(&receiver, 3).await;
        assert_eq!(seen[2]["body"]["event"], "notification.test");

        // Changed and removed.
        let (status, changed) = call(
            &app,
            &cookie,
            Method::PATCH,
            &format!("{channels}/{ops}"),
            Some(json!({"events": ["job.failed"], "secret": null})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["secret_set"], false);
        assert_eq!(changed["url"], format!("{}/…", receiver.url));
        let (status, _) = call(
            &app,
            &cookie,
            Method::DELETE,
            &format!("{channels}/{ops}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("{channels}/{ops}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.stop().await;
    })
}
