//! A job, what changed since its cluster's previous deploy, and who is looking.

use engine::model::{
    access::{Environment, Principal},
    job::{JobView, LogRemoval},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPage {
    pub job: JobView,
    pub changes: Vec<String>,
    /// The environment of the job's cluster as it is now (it decides who may cancel or
    /// redeploy); `None` once the cluster is gone.
    pub cluster_env: Option<Environment>,
    /// Set once the retention rule removed the job's log.
    pub log_removed: Option<LogRemoval>,
    pub principal: Principal,
}

#[server]
pub async fn get_job(id: String) -> Result<JobPage, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let details = crate::api::door::answer(engine.job(&caller, &id).await)?;
    Ok(JobPage {
        job: details.job,
        changes: details.changes,
        cluster_env: details.cluster_env,
        log_removed: details.log_removed,
        principal: caller.principal,
    })
}
