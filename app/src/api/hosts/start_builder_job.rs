//! Starts builder maintenance (`kind`, and `days` for garbage collection); returns the
//! job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn start_builder_job(kind: String, days: Option<String>) -> Result<String, ApiError> {
    use engine::commands::BuilderJobRequest;

    let (engine, caller) = crate::api::door::caller().await?;
    let request = BuilderJobRequest {
        kind,
        // The form always sends the field; it only counts for garbage collection.
        days: days.filter(|days| !days.trim().is_empty()),
    };
    let job = crate::api::door::answer(engine.start_builder_job(&caller, Ok(request)).await)?;
    Ok(job.id)
}
