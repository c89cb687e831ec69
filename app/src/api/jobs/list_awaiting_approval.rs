//! The jobs waiting for a second admin, and whether the rule is on at all.

use engine::model::{access::Principal, job::JobView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingApproval {
    pub jobs: Vec<JobView>,
    /// `false` when production jobs run without a second admin (a team of one).
    pub rule_on: bool,
    pub principal: Principal,
}

#[server]
pub async fn list_awaiting_approval() -> Result<AwaitingApproval, ApiError> {
    let (engine, caller) = crate::api::door::caller().await?;
    let jobs = crate::api::door::answer(engine.awaiting_approval(&caller).await)?;
    Ok(AwaitingApproval {
        jobs,
        rule_on: engine.approvals().required,
        principal: caller.principal,
    })
}
