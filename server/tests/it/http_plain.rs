//! The plain HTTP endpoints: health and the theme preference.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use engine::{model::health::HealthReport, store::Store};
use testkit::on_both_databases;

use crate::helpers::TestApp;

async fn the_health_check_reports_a_reachable_database(store: Store) {
    let app = TestApp::new(store).await;
    let (response, body) = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let report: HealthReport = serde_json::from_str(&body).expect("JSON health report");
    assert!(report.database.reachable);
    assert_eq!(report.database.engine, app.store.engine().as_str());
}

async fn the_health_check_answers_503_when_the_database_is_gone(store: Store) {
    let app = TestApp::new(store).await;
    app.store.close().await;
    let (response, body) = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let report: HealthReport = serde_json::from_str(&body).expect("JSON health report");
    assert!(!report.database.reachable);
    assert!(body.contains("\"status\":\"unavailable\""), "{body}");
}

on_both_databases!(
    the_health_check_reports_a_reachable_database,
    the_health_check_answers_503_when_the_database_is_gone,
);

fn theme_form(body: &str) -> Request<Body> {
    Request::post("/preferences/theme")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

#[test]
fn choosing_a_theme_without_javascript_sets_the_cookie_and_returns_to_the_page() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let (response, _) = app
            .send(theme_form("theme=dark&return_to=%2Fclusters"))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/clusters");
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ASCII");
        assert!(cookie.starts_with("nixdeck_theme=dark;"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    })
}

#[test]
fn the_theme_form_never_redirects_off_site() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let (response, _) = app
            .send(theme_form("theme=light&return_to=%2F%2Fevil.example%2F"))
            .await;
        assert_eq!(response.headers()[header::LOCATION], "/");
    })
}
