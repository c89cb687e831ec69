//! `/metrics`: after real work (a cluster created and deployed over SSH, AWS asked), a
//! scrape shows the jobs, their durations, the log lines, the requests by route and the AWS
//! calls, and names no person, no cluster and no secret.

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use http_body_util::BodyExt;
use serde_json::json;
use testkit::deployer::Deployer;
use tower::ServiceExt;

use crate::{
    aws_helpers::Aws,
    helpers::TestApp,
    job_helpers::{call, create_and_deploy, wait_until_final},
};

/// Scrapes the app's metrics router; returns the content type and the text.
async fn scrape(app: &TestApp) -> (String, String) {
    let response = nixdeck_server::metrics::router(app.application.scrape.clone())
        .oneshot(
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("the metrics router answers");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (content_type, String::from_utf8_lossy(&bytes).into_owned())
}

/// The value of the sample named exactly `sample` (name and labels), if present.
fn value_of(text: &str, sample: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(sample)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

async fn jobs_requests_and_log_lines_are_counted(db: testkit::TestDb) {
    let deployer = Deployer::start().await;
    let mut app = TestApp::with_deployer_on(db.store.clone(), &deployer).await;
    app.start();
    let cookie = app.sign_in().await;

    let (_, before) = scrape(&app).await;
    assert_eq!(
        value_of(&before, "nixdeck_queue_depth"),
        Some(0.0),
        "{before}"
    );

    let id = create_and_deploy(&app, &cookie).await;
    let job = wait_until_final(&app, &cookie, &id).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let person = job["requested_by"].as_str().expect("requester").to_owned();
    let (status, _) = call(&app, &cookie, Method::GET, "/api/v1/clusters/alpha", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&app, &cookie, Method::GET, "/api/v1/clusters/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (content_type, text) = scrape(&app).await;
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert!(text.contains("nixdeck_build_info{version=\""), "{text}");
    // The deploy asked for while the cluster's creation waited is that same job.
    for sample in [
        "nixdeck_jobs{kind=\"create\",state=\"succeeded\"}",
        "nixdeck_job_duration_seconds_count{kind=\"create\",state=\"succeeded\"}",
    ] {
        assert_eq!(value_of(&text, sample), Some(1.0), "{sample} in\n{text}");
    }
    // The runbook's steps, the three deploy passes among them.
    let steps = value_of(
        &text,
        "nixdeck_job_step_duration_seconds_count{kind=\"create\",state=\"succeeded\"}",
    )
    .expect("steps timed");
    assert!(steps >= 3.0, "{text}");
    let lines = value_of(&text, "nixdeck_job_log_lines_total").expect("log lines");
    assert!(lines > 0.0, "{text}");
    assert_eq!(value_of(&text, "nixdeck_queue_depth"), Some(0.0));
    assert_eq!(
        value_of(&text, "nixdeck_queue_oldest_age_seconds"),
        Some(0.0)
    );
    assert_eq!(value_of(&text, "nixdeck_log_viewers"), Some(0.0));
    let events = engine::store::audit_events::list(
        &app.store,
        &engine::store::audit_events::AuditFilter::default(),
        1_000,
    )
    .await
    .expect("audit");
    assert_eq!(
        value_of(&text, "nixdeck_audit_events_total"),
        Some(events.len() as f64),
        "{text}"
    );
    // Requests by the route that matched, never by the name asked for.
    let by_route = |status: &str| {
        value_of(
            &text,
            &format!(
                "nixdeck_http_requests_total{{method=\"GET\",route=\"/api/v1/clusters/{{name}}\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(by_route("200"), Some(1.0), "{text}");
    assert_eq!(by_route("404"), Some(1.0), "{text}");
    assert_eq!(
        value_of(
            &text,
            "nixdeck_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/clusters\"}"
        ),
        Some(1.0),
        "{text}"
    );
    for private in [
        person.as_str(),
        "alpha",
        "nope",
        "eu-central-1",
        "disciplina",
    ] {
        assert!(!text.contains(private), "{private:?} in\n{text}");
    }
    app.stop().await;
    drop(db);
}

#[test]
fn jobs_requests_and_log_lines_are_counted_on_sqlite() {
    testkit::block_on(async {
        jobs_requests_and_log_lines_are_counted(testkit::TestDb::sqlite().await).await;
    })
}

#[test]
fn jobs_requests_and_log_lines_are_counted_on_postgres() {
    testkit::block_on(async {
        jobs_requests_and_log_lines_are_counted(testkit::TestDb::postgres().await).await;
    })
}

#[test]
fn aws_calls_are_timed_and_failures_counted_without_what_they_carried() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        let (status, body) = call(
            &app,
            &cookie,
            Method::PATCH,
            "/api/v1/secrets/staging/cluster",
            Some(json!({"values": {"CommitteeSecret": "hush-hush-4711"}, "base_version": null})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, text) = scrape(&app).await;
        let calls = value_of(
            &text,
            "nixdeck_aws_call_duration_seconds_count{service=\"secretsmanager\",operation=\"CreateSecret\"}",
        );
        assert_eq!(calls, Some(1.0), "{text}");
        assert!(!text.contains("hush-hush"), "{text}");
        assert!(!text.contains("staging/"), "{text}");

        // AWS gone: the failure is counted by kind.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", closed.local_addr().expect("address"));
        drop(closed);
        let app = TestApp::with_aws(&url, &[("NIXDECK_AWS_TIMEOUT", "2".to_owned())]).await;
        let cookie = app.sign_in().await;
        let (status, _) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/secrets/staging/cluster",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        let (_, text) = scrape(&app).await;
        // The secret's versions and its value are asked for at once: whichever fails first
        // is the one counted.
        let failures: f64 = text
            .lines()
            .filter(|line| {
                line.starts_with("nixdeck_aws_call_errors_total{service=\"secretsmanager\",")
                    && line.contains("error=\"unreachable\"}")
            })
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        assert!(failures >= 1.0, "{text}");
    })
}
