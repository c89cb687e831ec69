//! A page of a job's log: its newest lines, or those before a given line (the job page's
//! "earlier lines"), so a long log opens quickly.

use engine::model::job::LogPage;
use leptos::prelude::*;

use crate::api::ApiError;

#[server]
pub async fn get_job_log(id: String, before: Option<i64>) -> Result<LogPage, ApiError> {
    use engine::commands::LOG_PAGE;

    let (engine, caller) = crate::api::door::caller().await?;
    crate::api::door::answer(engine.log_page(&caller, &id, before, LOG_PAGE).await)
}
