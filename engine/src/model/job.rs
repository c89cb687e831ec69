//! Jobs: every operation on a cluster (create, deploy, preview, ...) runs as a job with a
//! plan of named steps, a state, and a log. These are the shapes pages and the REST API show.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::approval::ApprovalView;
use super::{
    access::{Action, Door, Environment},
    builder::BUILDER_JOB_KINDS,
    cluster::ClusterArgs,
    text_enum::text_enum,
};

text_enum! {
    /// What a job does.
    pub enum JobKind("a job kind") {
        /// Runbook steps 1 to 6 for a new cluster.
        Create = "create",
        /// Steps 3 to 6: the one-click (re)deploy.
        Deploy = "deploy",
        /// The final deploy pass as a dry run.
        Preview = "preview",
        /// `nixops info` and `check`.
        Info = "info",
        Stop = "stop",
        Start = "start",
        /// Destroy the resources, delete the deployment, remove the directory.
        Destroy = "destroy",
        /// The builder's `nix-channel --update`.
        UpdateChannels = "update-channels",
        /// The builder's `darwin-rebuild switch`.
        Rebuild = "rebuild",
        /// A restart of the builder's Buildkite agent.
        RestartAgent = "restart-agent",
        /// The builder's `nix-collect-garbage --delete-older-than <days>d`.
        CollectGarbage = "collect-garbage",
        /// `nixops deploy -d deployer`: the deployer deploys itself.
        DeployDeployer = "deploy-deployer",
    }
}

/// The host the builder's jobs run on (and the target they show).
pub const BUILDER_HOST: &str = "builder";
/// The host every NixOps command runs on.
pub const DEPLOYER_HOST: &str = "deployer";

impl JobKind {
    /// What a person needs to start a job of this kind on a cluster of `env`: a create is
    /// a cluster's first deploy; reading the deployment's state is like a preview,
    /// stopping and starting machines like a deploy; destroying is managing clusters.
    /// The builder's and the deployer's own jobs are maintenance of nixdeck's hosts,
    /// whatever the environment.
    pub fn action(self, env: Environment) -> Action {
        match self {
            JobKind::Create | JobKind::Deploy => Action::Deploy(env),
            JobKind::Preview | JobKind::Info => Action::Preview(env),
            JobKind::Stop | JobKind::Start => Action::Deploy(env),
            JobKind::Destroy => Action::ManageClusters,
            JobKind::UpdateChannels
            | JobKind::Rebuild
            | JobKind::RestartAgent
            | JobKind::CollectGarbage
            | JobKind::DeployDeployer => Action::MaintainHosts,
        }
    }

    /// Whether the job acts on a cluster (rather than on the builder or the deployer).
    pub fn is_cluster_job(self) -> bool {
        matches!(
            self,
            JobKind::Create
                | JobKind::Deploy
                | JobKind::Preview
                | JobKind::Info
                | JobKind::Stop
                | JobKind::Start
                | JobKind::Destroy
        )
    }

    /// The host the job's commands run on: the builder's maintenance there, every NixOps
    /// command (the deployer's own deploy included) on the deployer.
    pub fn host(self) -> &'static str {
        if BUILDER_JOB_KINDS.contains(&self) {
            BUILDER_HOST
        } else {
            DEPLOYER_HOST
        }
    }
}

text_enum! {
    /// Where a job is in its life. All but the first three are final.
    pub enum JobState("a job state") {
        /// A production deploy, stop or destroy that another admin must approve before it
        /// is queued (the two-person rule). It holds no lock while it waits.
        AwaitingApproval = "awaiting_approval",
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        Cancelled = "cancelled",
        /// The job could not be continued after nixdeck stopped.
        Interrupted = "interrupted",
        /// Another admin refused it.
        Rejected = "rejected",
        /// Nobody approved it in time, or what it was asked on changed while it waited.
        Expired = "expired",
    }
}

impl JobState {
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            JobState::AwaitingApproval | JobState::Queued | JobState::Running
        )
    }

    /// Whether a job in this state may move to `next`: a waiting job is approved (queued),
    /// rejected, expires or is cancelled; queued jobs start or are cancelled; running ones
    /// end; an ended job never changes again.
    pub fn may_become(self, next: JobState) -> bool {
        use JobState::*;
        matches!(
            (self, next),
            (AwaitingApproval, Queued | Rejected | Expired | Cancelled)
                | (Queued, Running | Cancelled)
                | (Running, Succeeded | Failed | Cancelled | Interrupted)
        )
    }
}

text_enum! {
    /// Where a job came from: the door its request used, or, for a repeat of an earlier
    /// deploy, `redeploy`.
    pub enum Trigger("a trigger") {
        /// A person's click in the dashboard.
        Ui = "ui",
        /// The REST API (a token, or a session's script).
        Api = "api",
        /// A GitHub deployment event.
        Github = "github",
        /// Slack's `/deploy`.
        Slack = "slack",
        /// nixdeck's own schedule.
        Schedule = "schedule",
        /// A repeat of an earlier deploy.
        Redeploy = "redeploy",
        /// The command line on the server.
        Cli = "cli",
    }
}

text_enum! {
    /// A step's state.
    pub enum StepState("a step state") {
        Pending = "pending",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        /// Not needed this time (the deployment already existed).
        Skipped = "skipped",
        /// Never ran, or was stopped, because the job was cancelled or interrupted.
        Cancelled = "cancelled",
    }
}

impl StepState {
    /// Whether the step is over (it will not run, or run again).
    pub fn is_final(self) -> bool {
        !matches!(self, StepState::Pending | StepState::Running)
    }
}

text_enum! {
    /// How a command that a job ran on a host ended.
    pub enum CommandEnding("a command ending") {
        /// It exited with a status.
        Exited = "exited",
        /// Its processes were gone without an exit status (killed outright).
        Vanished = "vanished",
        /// It was never started (the job was cancelled first).
        NotStarted = "not_started",
    }
}

/// Exactly what a job runs with: the cluster's arguments and dependency refs at the time
/// it was requested. A redeploy repeats these; a deploy's diff compares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    pub name: String,
    pub state: StepState,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// What a maintenance job of the builder runs with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenanceParams {
    /// Garbage collection deletes generations older than this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

/// A job as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: String,
    pub kind: JobKind,
    /// What the job acts on: its cluster, or the host it maintains (`builder`, `deployer`).
    pub target: String,
    /// The host its commands run on.
    pub host: String,
    /// Its cluster; `None` for the builder's and the deployer's own jobs.
    pub cluster: Option<String>,
    pub state: JobState,
    pub steps: Vec<StepView>,
    pub requested_by: String,
    /// How it was asked for (a person's session, a token, a webhook, ...).
    pub requested_via: Door,
    /// Where it came from (the dashboard, the API, GitHub, Slack, a schedule, a redeploy).
    pub trigger: Trigger,
    /// What the trigger names: the GitHub deployment (`owner/repo#id`) or the Slack user.
    pub trigger_ref: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// Why it failed, in one line, if it did.
    pub error: Option<String>,
    /// The job whose arguments a redeploy repeated.
    pub redeploy_of: Option<String>,
    /// The arguments and versions a cluster job runs with.
    pub params: Option<JobParams>,
    /// What a maintenance job runs with.
    pub maintenance: Option<MaintenanceParams>,
    /// The approval it needed (the two-person rule), if it needed one.
    pub approval: Option<ApprovalView>,
}

/// A finished job's log removed by the retention rule: when, and how many lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogRemoval {
    pub removed_at: i64,
    pub lines: i64,
}

/// The jobs that ended on one day (UTC), by how they ended: the home page's activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsOnDay {
    /// The day's first millisecond.
    pub day: i64,
    pub succeeded: i64,
    pub failed: i64,
    /// Cancelled, interrupted, rejected or expired.
    pub other: i64,
}

text_enum! {
    /// What a log line is. `System` lines are nixdeck's own (what was skipped, a reconnect,
    /// why the job ended); a `Step` line marks the start of a step, its text the step's
    /// name, so pages follow the steps without reading the log's words.
    pub enum Stream("a log stream") {
        Stdout = "stdout",
        Stderr = "stderr",
        System = "system",
        Step = "step",
    }
}

/// A page of a job's log: `lines` in order, whether earlier lines exist, and whether the
/// job had ended when they were read (then no line will follow them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    pub lines: Vec<LogLine>,
    /// Lines before the first one here exist (ask for them with its `seq`).
    pub earlier: bool,
    pub ended: bool,
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
    fn names_round_trip_and_unknown_ones_are_refused() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Ok(*kind));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Ok(*state));
        }
        for state in StepState::ALL {
            assert_eq!(StepState::parse(state.as_str()), Ok(*state));
        }
        let error = JobState::parse("done").expect_err("unknown");
        assert!(error.contains("queued, running"), "{error}");
        assert!(JobState::Interrupted.is_final() && !JobState::Running.is_final());
        assert!(!JobState::AwaitingApproval.is_final() && JobState::Expired.is_final());
        for trigger in Trigger::ALL {
            assert_eq!(Trigger::parse(trigger.as_str()), Ok(*trigger));
        }
    }

    #[test]
    fn job_states_move_only_forward() {
        use JobState::*;
        let allowed = [
            (AwaitingApproval, Queued),
            (AwaitingApproval, Rejected),
            (AwaitingApproval, Expired),
            (AwaitingApproval, Cancelled),
            (Queued, Running),
            (Queued, Cancelled),
            (Running, Succeeded),
            (Running, Failed),
            (Running, Cancelled),
            (Running, Interrupted),
        ];
        for from in JobState::ALL {
            for to in JobState::ALL {
                assert_eq!(
                    from.may_become(*to),
                    allowed.contains(&(*from, *to)),
                    "{from} -> {to}"
                );
            }
        }
    }
}
