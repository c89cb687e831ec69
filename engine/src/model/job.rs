//! Jobs: every operation on a cluster (create, deploy, preview, ...) runs as a job with a
//! plan of named steps, a state, and a log. These are the shapes pages and the REST API show.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    access::{Action, Environment},
    cluster::ClusterArgs,
};

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// Runbook steps 1 to 6 for a new cluster.
    Create,
    /// Steps 3 to 6: the one-click (re)deploy.
    Deploy,
    /// The final deploy pass as a dry run.
    Preview,
    /// `nixops info` and `check`.
    Info,
    Stop,
    Start,
    /// Destroy the resources, delete the deployment, remove the directory.
    Destroy,
}

impl JobKind {
    pub const ALL: [JobKind; 7] = [
        JobKind::Create,
        JobKind::Deploy,
        JobKind::Preview,
        JobKind::Info,
        JobKind::Stop,
        JobKind::Start,
        JobKind::Destroy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Create => "create",
            JobKind::Deploy => "deploy",
            JobKind::Preview => "preview",
            JobKind::Info => "info",
            JobKind::Stop => "stop",
            JobKind::Start => "start",
            JobKind::Destroy => "destroy",
        }
    }

    pub fn parse(value: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// What a person needs to start a job of this kind on a cluster of `env`: reading
    /// the deployment's state is like a preview, stopping and starting machines like a
    /// deploy, creating and destroying is managing clusters.
    pub fn action(self, env: Environment) -> Action {
        match self {
            JobKind::Deploy => Action::Deploy(env),
            JobKind::Preview | JobKind::Info => Action::Preview(env),
            JobKind::Stop | JobKind::Start => Action::Deploy(env),
            JobKind::Create | JobKind::Destroy => Action::ManageClusters,
        }
    }
}

/// Where a job is in its life. The last four are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// nixdeck stopped while the job ran; found and marked at the next start.
    Interrupted,
}

impl JobState {
    pub const ALL: [JobState; 6] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Failed,
        JobState::Cancelled,
        JobState::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Interrupted => "interrupted",
        }
    }

    pub fn parse(value: &str) -> Option<JobState> {
        JobState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
    }

    pub fn is_final(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }
}

/// A step's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepState {
    Pending,
    Running,
    Succeeded,
    Failed,
    /// Not needed this time (the deployment already existed).
    Skipped,
    /// Never ran, or was stopped, because the job was cancelled or interrupted.
    Cancelled,
}

impl StepState {
    pub const ALL: [StepState; 6] = [
        StepState::Pending,
        StepState::Running,
        StepState::Succeeded,
        StepState::Failed,
        StepState::Skipped,
        StepState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Running => "running",
            StepState::Succeeded => "succeeded",
            StepState::Failed => "failed",
            StepState::Skipped => "skipped",
            StepState::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<StepState> {
        StepState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
    }
}

/// Exactly what a job runs with: the cluster's arguments and dependency refs at the time
/// it was requested. A redeploy repeats these; a deploy's diff compares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobParams {
    pub args: ClusterArgs,
    /// Dependency name to git ref, all six.
    pub versions: BTreeMap<String, String>,
}

impl JobParams {
    /// What differs from `earlier`, as "what: before → after" lines, arguments first.
    pub fn changes_since(&self, earlier: &JobParams) -> Vec<String> {
        let mut changes = Vec::new();
        let args = |p: &JobParams| {
            vec![
                ("region", p.args.region.clone()),
                ("clusterIndex", p.args.cluster_index.to_string()),
                ("env", p.args.env.as_str().to_owned()),
                (
                    "domain",
                    p.args
                        .dns
                        .as_ref()
                        .map(|d| d.domain.clone())
                        .unwrap_or_default(),
                ),
                (
                    "dnsZone",
                    p.args
                        .dns
                        .as_ref()
                        .map(|d| d.zone.clone())
                        .unwrap_or_default(),
                ),
            ]
        };
        for ((name, before), (_, after)) in args(earlier).into_iter().zip(args(self)) {
            if before != after {
                changes.push(format!("{name}: {} → {}", shown(&before), shown(&after)));
            }
        }
        for (name, after) in &self.versions {
            let before = earlier.versions.get(name).cloned().unwrap_or_default();
            if &before != after {
                changes.push(format!("{name}: {} → {after}", shown(&before)));
            }
        }
        changes
    }
}

fn shown(value: &str) -> &str {
    if value.is_empty() {
        "(none)"
    } else {
        value
    }
}

/// One step as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub name: String,
    pub state: StepState,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// A job as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: String,
    pub kind: JobKind,
    pub cluster: String,
    pub state: JobState,
    pub steps: Vec<StepView>,
    pub requested_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// Why it failed, in one line, if it did.
    pub error: Option<String>,
    /// The job whose arguments a redeploy repeated.
    pub redeploy_of: Option<String>,
    pub params: JobParams,
}

/// Which stream a log line came from. `System` lines are nixdeck's own (a step starting,
/// what was skipped, why the job ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
    System,
}

impl Stream {
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
            Stream::System => "system",
        }
    }

    pub fn parse(value: &str) -> Option<Stream> {
        [Stream::Stdout, Stream::Stderr, Stream::System]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// One line of a job's log. `seq` counts from 1 within the job, without gaps, so a viewer
/// that has seen line n asks for what follows n.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub seq: i64,
    pub stream: Stream,
    pub at: i64,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cluster::ClusterDns;

    fn params(index: u8, disciplina: &str) -> JobParams {
        JobParams {
            args: ClusterArgs {
                name: "alpha".to_owned(),
                region: "eu-central-1".to_owned(),
                cluster_index: index,
                env: Environment::Staging,
                dns: Some(ClusterDns {
                    domain: "alpha.disciplina.io".to_owned(),
                    zone: "disciplina.io.".to_owned(),
                }),
            },
            versions: BTreeMap::from([
                ("disciplina".to_owned(), disciplina.to_owned()),
                ("disciplina-nixops".to_owned(), "master".to_owned()),
            ]),
        }
    }

    #[test]
    fn a_deploy_lists_what_changed_since_the_previous_one() {
        let before = params(2, "master");
        let after = params(3, "v1.2");
        assert_eq!(
            after.changes_since(&before),
            ["clusterIndex: 2 → 3", "disciplina: master → v1.2"]
        );
        assert!(after.changes_since(&after).is_empty());
    }

    #[test]
    fn reading_state_is_a_preview_and_stopping_or_starting_a_deploy() {
        use crate::model::access::{Action, Environment::Production};
        assert_eq!(
            JobKind::Info.action(Production),
            Action::Preview(Production)
        );
        assert_eq!(JobKind::Stop.action(Production), Action::Deploy(Production));
        assert_eq!(
            JobKind::Start.action(Production),
            Action::Deploy(Production)
        );
        assert_eq!(JobKind::Destroy.action(Production), Action::ManageClusters);
    }

    #[test]
    fn names_round_trip() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        for state in StepState::ALL {
            assert_eq!(StepState::parse(state.as_str()), Some(state));
        }
        assert!(JobState::Interrupted.is_final() && !JobState::Running.is_final());
    }
}
