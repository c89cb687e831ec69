//! Runs `info`/`check`, `stop` or `start` on a cluster; returns the job's id.

use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn start_operation(name: String, kind: String) -> Result<String, ApiError> {
    use engine::model::{failure::Failure, job::JobKind};

    let (engine, caller) = crate::api::door::caller().await?;
    let kind = JobKind::parse(&kind)
        .map_err(|message| crate::api::door::refused(Failure::invalid("kind", message)))?;
    let requested = crate::api::door::answer(engine.operate(&caller, &name, kind).await)?;
    Ok(requested.job.id)
}
