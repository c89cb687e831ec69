//! The deployer: how nixdeck reaches it and what keeps commands from running there, what
//! NixOps there knows, its own deploys, and who is looking.

use engine::model::{access::Principal, deployer::DeployerView, host::HostView, job::JobView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployerPage {
    pub host: HostView,
    pub deployer: DeployerView,
    /// The deployer's own deploys, newest first.
    pub jobs: Vec<JobView>,
    pub principal: Principal,
    /// The server's clock when the page was read, for the last commit's age.
    pub now: i64,
}

#[server]
pub async fn get_deployer() -> Result<DeployerPage, ApiError> {
    use crate::api::door::answer;
    use engine::model::{cluster::DEPLOYER_DEPLOYMENT, job::DEPLOYER_HOST};

    let (engine, caller) = crate::api::door::caller().await?;
    let host = answer(engine.host_view(&caller, DEPLOYER_HOST))?;
    let deployer = answer(engine.deployer(&caller).await)?;
    let jobs = answer(
        engine
            .jobs(&caller, Some(DEPLOYER_DEPLOYMENT), None, 10)
            .await,
    )?;
    Ok(DeployerPage {
        host,
        deployer,
        jobs,
        principal: caller.principal,
        now: engine::store::now_millis(),
    })
}
