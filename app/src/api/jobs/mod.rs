//! Server functions for the job page and a cluster's history.

mod cancel_job;
mod decide_job;
mod get_job;
mod get_job_activity;
mod get_job_log;
mod list_awaiting_approval;
mod redeploy_job;

pub use cancel_job::{cancel_job, CancelJob};
pub use decide_job::{approve_job, reject_job, ApproveJob, RejectJob};
pub use get_job::{get_job, GetJob, JobPage};
pub use get_job_activity::{get_job_activity, GetJobActivity};
pub use get_job_log::{get_job_log, GetJobLog};
pub use list_awaiting_approval::{list_awaiting_approval, AwaitingApproval, ListAwaitingApproval};
pub use redeploy_job::{redeploy_job, RedeployJob};
