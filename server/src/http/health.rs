//! `GET /healthz`: 200 when nixdeck can do its work, 503 when a dependency is down. For
//! load balancers and monitoring; it needs no login and reveals no configuration.

use app::state::AppState;
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    Json,
};
use engine::model::health::HealthStatus;

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let report = engine::health::check(state.engine.store()).await;
    let status = match report.status {
        HealthStatus::Ok => StatusCode::OK,
        HealthStatus::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(report))
}
