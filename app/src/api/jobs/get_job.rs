//! A job, what changed since its cluster's previous deploy, and its log so far.

use engine::model::job::{JobView, LogLine};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPage {
    pub job: JobView,
    pub changes: Vec<String>,
    /// The stored lines; a live viewer continues after the last one.
    pub log: Vec<LogLine>,
    pub may_cancel: bool,
    pub may_redeploy: bool,
}

#[server]
pub async fn get_job(id: String) -> Result<JobPage, ApiError> {
    use engine::model::access::Action;

    use crate::api::clusters::job_error;

    let principal = crate::api::auth::require(Action::Read).await?;
    let state = expect_context::<crate::state::AppState>();
    let job = engine::jobs::view(&state.store, &id)
        .await
        .map_err(job_error)?;
    let changes = engine::jobs::changes_since_previous(&state.store, &job)
        .await
        .map_err(job_error)?;
    let log = engine::jobs::log(&state.store, &id)
        .await
        .map_err(job_error)?;
    let env = job.params.args.env;
    Ok(JobPage {
        may_cancel: principal.may(Action::CancelJob(env)),
        may_redeploy: principal.may(Action::Deploy(env)),
        job,
        changes,
        log,
    })
}
