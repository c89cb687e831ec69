//! The two-person rule through the REST API: a production deploy asked over the API waits
//! (and says it came from the API), its requester and tokens may not approve it (403 saying
//! why), a malformed body is refused clearly, and a waiting job is cancelled like any other.

use axum::http::{Method, StatusCode};
use engine::commands::Caller;
use serde_json::json;

use crate::{helpers::TestApp, job_helpers::call};

#[test]
fn a_production_deploy_waits_and_its_requester_cannot_approve_it() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (status, _) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": "prod", "cluster_index": 2, "env": "production"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, started) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters/prod/deploys",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{started}");
        let id = started["job_id"].as_str().expect("job id").to_owned();
        let (_, job) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            None,
        )
        .await;
        assert_eq!(job["state"], "awaiting_approval", "{job}");
        assert_eq!(job["trigger"], "api");
        assert_eq!(job["trigger_ref"], serde_json::Value::Null);
        assert!(job["approval"]["expires_at"].as_i64().is_some(), "{job}");
        assert_eq!(job["approval"]["decided_by"], serde_json::Value::Null);

        let approve = format!("/api/v1/jobs/{id}/approve");
        let (status, refused) = call(&app, &cookie, Method::POST, &approve, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        let message = refused["error"].as_str().unwrap_or_default();
        assert!(message.contains("another admin"), "{message}");
        let (status, refused) = call(
            &app,
            &cookie,
            Method::POST,
            &approve,
            Some(json!({"comment": 5})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["field"], "body");

        let token = app
            .engine
            .create_token(&Caller::cli(), "ci", "admin")
            .await
            .expect("token");
        let request = axum::http::Request::post(&approve)
            .header("authorization", format!("Bearer {}", token.expose()))
            .body(axum::body::Body::empty())
            .expect("request");
        let (response, body) = app.send(request).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("a person's act"), "{body}");

        let (_, job) = call(
            &app,
            &cookie,
            Method::GET,
            &format!("/api/v1/jobs/{id}"),
            None,
        )
        .await;
        assert_eq!(job["state"], "awaiting_approval", "nothing changed: {job}");
        let (status, cancelled) = call(
            &app,
            &cookie,
            Method::POST,
            &format!("/api/v1/jobs/{id}/cancel"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!(cancelled["state"], "cancelled");

        let (_, events) = call(&app, &cookie, Method::GET, "/api/v1/audit", None).await;
        let actions: Vec<&str> = events["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(actions.contains(&"job.approval_requested"), "{actions:?}");
        assert!(!actions.contains(&"job.approved"), "{actions:?}");
    })
}
