//! The jobs that ended on each of the last days, for the home page's chart.

use engine::model::job::JobsOnDay;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn get_job_activity() -> Result<Vec<JobsOnDay>, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(
        engine
            .job_activity(
                &caller,
                crate::components::charts::DAYS_SHOWN,
                engine::store::now_millis(),
            )
            .await,
    )
}
