//! The one door. Every action is a command here that takes the caller (who, how they came
//! in, from where) and does everything that makes the action what it is: load what it acts
//! on, decide the permission from the one table against its current state, validate, write
//! the change and its audit event in one transaction, queue work and wake the worker. Every
//! way in (server functions, the REST API, the command line, webhooks, the scheduler) is a
//! thin adapter that parses, calls one command and maps its `Failure`.

mod activity;
mod approvals;
mod audit;
mod builder;
mod caller;
mod cloud;
mod clusters;
mod deployer;
mod github;
mod jobs;
mod logs;
mod notifications;
mod people;
mod schedules;
mod secrets;
mod slack;
mod system;
mod tokens;

pub use builder::BuilderJobRequest;
pub use caller::{Caller, SYSTEM_ACTOR};
pub use clusters::{ClusterRemoval, ClusterUpdate};
pub use github::GithubOutcome;
pub(crate) use jobs::job_target;
pub use jobs::{JobDetails, Requested};
pub use logs::{LogStream, LOG_PAGE};
pub use notifications::ChannelPatch;
pub use schedules::{ScheduleInput, SCHEDULE_ACTOR};
pub use secrets::SecretRef;
pub use slack::{SlackRequest, SLACK_RESPONSE};
pub use system::DEPLOYER_PROGRAMS;

use crate::{
    model::{access::Action, failure::Failure},
    store::StoreError,
};

/// Refuses a caller whose role does not allow `action`.
pub(crate) fn require(caller: &Caller, action: Action) -> Result<(), Failure> {
    if caller.may(action) {
        Ok(())
    } else {
        Err(Failure::forbidden())
    }
}

impl From<StoreError> for Failure {
    /// Storage failures are logged once here, with their cause, and shown as internal.
    fn from(error: StoreError) -> Failure {
        match error {
            StoreError::NotFound => Failure::not_found("not found"),
            StoreError::Conflict(what) => Failure::conflict(format!("{what} already")),
            other => {
                tracing::error!(error = %other, source = ?std::error::Error::source(&other), "storage failed");
                Failure::internal()
            }
        }
    }
}

/// A stored JSON document that no longer reads: an internal failure naming what it is.
pub(crate) fn unreadable(what: &str, error: &serde_json::Error) -> Failure {
    tracing::error!(%error, what, "stored JSON is unreadable");
    Failure::internal()
}
