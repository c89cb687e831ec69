//! AWS down or frozen: every AWS-backed answer comes within the configured timeout, as a
//! clear error (502 unreachable, 504 silent), and nothing else of nixdeck depends on AWS.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;
use testkit::proxy::FaultyProxy;

use crate::{aws_helpers::Aws, helpers::TestApp, job_helpers::call};

/// Longer than any answer may take with a 2 s AWS timeout: a hang fails the test here
/// instead of blocking it.
const PATIENCE: Duration = Duration::from_secs(60);

async fn app_with_aws_at(url: &str) -> TestApp {
    TestApp::with_aws(url, &[("NIXDECK_AWS_TIMEOUT", "2".to_owned())]).await
}

async fn answered(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, serde_json::Value) {
    tokio::time::timeout(PATIENCE, call(app, cookie, Method::GET, path, None))
        .await
        .unwrap_or_else(|_| panic!("{path} hung"))
}

#[test]
fn aws_unreachable_is_a_clear_502_and_healthz_does_not_care() {
    testkit::block_on(async {
        // A port nothing listens on.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", closed.local_addr().expect("address"));
        drop(closed);
        let app = app_with_aws_at(&url).await;
        let cookie = app.sign_in().await;
        let (status, body) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": "alpha", "cluster_index": 1, "env": "staging", "domain": "alpha.example.org", "dns_zone": "example.org."})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let row = engine::store::clusters::find(&app.store, "alpha")
            .await
            .expect("find")
            .expect("cluster");
        engine::store::clusters::mark_on_deployer(&app.store, &row.id, engine::store::now_millis())
            .await
            .expect("mark");

        for path in [
            "/api/v1/secrets",
            "/api/v1/secrets/staging/cluster",
            "/api/v1/clusters/alpha/machines",
            "/api/v1/clusters/alpha/dns",
        ] {
            let (status, body) = answered(&app, &cookie, path).await;
            assert_eq!(status, StatusCode::BAD_GATEWAY, "{path}: {body}");
            let error = body["error"].as_str().expect("error");
            assert!(error.starts_with("AWS did not answer ("), "{path}: {error}");
        }
        let (status, health) = answered(&app, &cookie, "/api/v1/clusters/alpha/health").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(health["status"], "unknown", "{health}");
        assert!(
            health["reasons"][0]
                .as_str()
                .expect("reason")
                .contains("AWS did not answer"),
            "{health}"
        );

        let (response, _) = app.get("/healthz").await;
        assert_eq!(response.status(), StatusCode::OK);
    })
}

#[test]
fn aws_frozen_is_a_504_within_the_timeout() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let port: u16 = aws
            .moto
            .url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        let proxy = FaultyProxy::start(port).await;
        let app = app_with_aws_at(&format!("http://127.0.0.1:{}", proxy.port)).await;
        let cookie = app.sign_in().await;
        let (status, body) = answered(&app, &cookie, "/api/v1/secrets/staging/cluster").await;
        assert_eq!(status, StatusCode::OK, "through the proxy: {body}");

        proxy.freeze();
        let (status, body) = answered(&app, &cookie, "/api/v1/secrets/staging/cluster").await;
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{body}");
        let error = body["error"].as_str().expect("error");
        assert!(
            error.starts_with("AWS did not answer (Secrets Manager"),
            "{error}"
        );
        assert!(error.contains("within 2 s"), "{error}");
        // An edit while AWS is frozen fails the same way and leaves nothing behind once
        // AWS is back.
        let (status, _) = tokio::time::timeout(
            PATIENCE,
            call(
                &app,
                &cookie,
                Method::PATCH,
                "/api/v1/secrets/staging/cluster",
                Some(json!({"values": {"FaucetKey": "x"}, "base_version": null})),
            ),
        )
        .await
        .expect("the edit hung");
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);

        proxy.restore();
        let (status, body) = answered(&app, &cookie, "/api/v1/secrets/staging/cluster").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["exists"], false, "{body}");
    })
}
