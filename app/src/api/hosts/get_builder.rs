//! The builder as the probes found it, its recent jobs, and who is looking (the page asks
//! the permission table what they may start).

use engine::model::{access::Principal, builder::BuilderView, job::JobView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuilderPage {
    pub builder: BuilderView,
    /// Newest first.
    pub jobs: Vec<JobView>,
    pub principal: Principal,
    /// The server's clock when the page was read, for the facts' age.
    pub now: i64,
}

#[server]
pub async fn get_builder() -> Result<BuilderPage, ApiError> {
    use crate::api::door::answer;
    use engine::model::job::BUILDER_HOST;

    let (engine, caller) = crate::api::door::caller().await?;
    let builder = answer(engine.builder(&caller).await)?;
    let jobs = answer(engine.jobs(&caller, None, Some(BUILDER_HOST), 20).await)?;
    Ok(BuilderPage {
        builder,
        jobs,
        principal: caller.principal,
        now: engine::store::now_millis(),
    })
}
