//! The health of nixdeck's own dependencies, for the overview page.

use engine::model::health::HealthReport;
use leptos::prelude::*;

use crate::api::ApiError;

/// Probes the database the same way `GET /healthz` does.
#[server]
pub async fn get_health() -> Result<HealthReport, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.health(&caller).await)
}
