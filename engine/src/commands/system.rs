//! nixdeck itself: the health of what it depends on, and the hosts it runs commands on.

use super::{require, Caller};
use crate::{
    engine::Engine,
    model::{access::Action, failure::Failure, health::HealthReport, host::HostView},
};

/// What the deployer needs on its PATH to run the runbook.
pub const DEPLOYER_PROGRAMS: [&str; 4] = ["nixops", "git", "setsid", "tail"];

impl Engine {
    pub async fn health(&self, caller: &Caller) -> Result<HealthReport, Failure> {
        require(caller, Action::Read)?;
        Ok(crate::health::check(self.store()).await)
    }

    /// The host named `name` (`deployer`), with what is known to be wrong with it.
    pub fn host_view(&self, caller: &Caller, name: &str) -> Result<HostView, Failure> {
        require(caller, Action::Read)?;
        let host = self
            .host(name)
            .ok_or_else(|| Failure::not_found(format!("no host named {name:?} is configured")))?;
        Ok(HostView {
            name: host.name.clone(),
            address: host.address(),
            work_dir: host.work_dir.clone(),
            problems: host.local_problems(&DEPLOYER_PROGRAMS),
        })
    }
}
