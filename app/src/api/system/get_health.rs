//! The health of nixdeck's own dependencies, for the overview page.

use engine::model::health::HealthReport;
use leptos::prelude::*;

use crate::api::ApiError;

/// Probes the database the same way `GET /healthz` does.
#[server]
pub async fn get_health() -> Result<HealthReport, ApiError> {
    crate::api::auth::require(engine::model::access::Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    Ok(engine::health::check(&state.store).await)
}
