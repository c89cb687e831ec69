//! One cluster, its job history, and who is looking (the page asks the same permission
//! table what they may do).

use engine::model::{
    access::Principal, cluster::ClusterView, job::JobView, schedule::ScheduleView,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{api::ApiError, components::charts::DeployBar};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPage {
    pub cluster: ClusterView,
    /// Newest first.
    pub jobs: Vec<JobView>,
    /// The deploy chart's bars, oldest first: read apart from `jobs`, so that checks and
    /// other jobs never push the deploys out of it.
    pub deploys: Vec<DeployBar>,
    pub schedule: ScheduleView,
    pub principal: Principal,
}

#[server]
pub async fn get_cluster(name: String) -> Result<ClusterPage, ApiError> {
    use crate::{
        api::door::answer,
        components::charts::{deploy_bars, BARS},
    };

    let (engine, caller) = crate::api::door::caller().await?;
    let cluster = answer(engine.cluster(&caller, &name).await)?;
    let jobs = answer(engine.jobs(&caller, Some(&name), None, 50).await)?;
    let deploys = answer(engine.finished_deploys(&caller, &name, BARS as i64).await)?;
    let schedule = answer(engine.schedule(&caller, &name).await)?;
    Ok(ClusterPage {
        cluster,
        jobs,
        deploys: deploy_bars(&deploys),
        schedule,
        principal: caller.principal,
    })
}
