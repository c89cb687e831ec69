//! What other systems hear of a job as it moves: a job that came from a GitHub deployment
//! reports each step of its life to that deployment as a status (queued, in progress,
//! success, failure, error); one asked from Slack tells the command when it starts and how
//! it ends. Both go through the outbox, in the transaction that moved the job: sending
//! never holds up or fails the job.

use serde::{Deserialize, Serialize};

use crate::{
    engine::Engine,
    model::{
        failure::Failure,
        github::{status_description, StatusState},
        job::{JobState, Trigger},
    },
    store::{jobs::JobRow, now_millis, outbox, Tx},
};

/// The outbox kind of a GitHub deployment status.
pub const GITHUB_STATUS: &str = "github-status";

/// A deployment status as the outbox holds it until it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GithubStatus {
    /// `owner/name`.
    pub repository: String,
    pub deployment_id: u64,
    /// `queued`, `in_progress`, `success`, `failure` or `error`.
    pub state: String,
    pub description: String,
    pub log_url: String,
    pub environment_url: Option<String>,
}

/// Where nixdeck is reached (for links), and whether GitHub is told how its deployments go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliverySettings {
    /// `NIXDECK_PUBLIC_URL`, without a trailing slash.
    pub public_url: String,
    /// Whether a token to post deployment statuses is configured.
    pub github_statuses: bool,
}

/// The outbox stream of one deployment's statuses.
pub fn github_stream(repository: &str, deployment_id: u64) -> String {
    format!("github:{repository}#{deployment_id}")
}

impl Engine {
    /// Records what `job` reaching `state` means for the systems that follow it, in `tx`.
    pub(crate) async fn job_reached(
        &self,
        tx: &mut Tx,
        job: &JobRow,
        state: JobState,
        error: Option<&str>,
    ) -> Result<(), Failure> {
        self.notify_job(tx, job, state, error).await?;
        match job.trigger_kind {
            Trigger::Slack => return self.report_to_slack(tx, job, state, error).await,
            Trigger::Github if self.delivery().github_statuses => {}
            _ => return Ok(()),
        }
        let Some((repository, deployment_id)) = job
            .trigger_ref
            .as_deref()
            .and_then(|reference| reference.rsplit_once('#'))
            .and_then(|(repo, id)| Some((repo.to_owned(), id.parse::<u64>().ok()?)))
        else {
            return Ok(());
        };
        let what = format!("{} of {}", job.kind, job.cluster);
        let description = match (state, error) {
            (JobState::AwaitingApproval, _) => {
                format!("{what}: waiting for a second admin's approval")
            }
            (JobState::Queued, _) => format!("{what}: queued"),
            (JobState::Running, _) => format!("{what}: running"),
            (JobState::Succeeded, _) => format!("{what} succeeded"),
            (_, Some(error)) => format!("{what} {state}: {error}"),
            (_, None) => format!("{what} {state}"),
        };
        let public = &self.delivery().public_url;
        let status = GithubStatus {
            repository: repository.clone(),
            deployment_id,
            state: StatusState::of_job(state).as_str().to_owned(),
            description: status_description(&description),
            log_url: format!("{public}/jobs/{}", job.id),
            environment_url: Some(format!("{public}/clusters/{}", job.cluster)),
        };
        self.post_github_status(tx, status).await
    }

    /// Puts one status in the outbox, in order after the deployment's earlier ones.
    pub(crate) async fn post_github_status(
        &self,
        tx: &mut Tx,
        status: GithubStatus,
    ) -> Result<(), Failure> {
        if !self.delivery().github_statuses {
            return Ok(());
        }
        let payload = serde_json::to_string(&status)
            .map_err(|e| crate::commands::unreadable("a deployment status", &e))?;
        let message = outbox::message(
            github_stream(&status.repository, status.deployment_id),
            GITHUB_STATUS,
            payload,
            now_millis(),
        );
        outbox::insert(tx, &message).await?;
        Ok(())
    }
}
