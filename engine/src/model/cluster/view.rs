//! A cluster as pages and the REST API show it, and how its state follows its jobs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{subnets, ClusterArgs};
use crate::model::{
    job::{JobKind, JobParams, JobState},
    text_enum::text_enum,
};

text_enum! {
    /// Where a cluster stands, as of its last finished job.
    pub enum ClusterState("a cluster state") {
        /// Defined in nixdeck, never deployed: its first deploy creates the deployment.
        New = "new",
        Deployed = "deployed",
        /// The last create or deploy did not finish (`ClusterView::last_error` says why).
        Failed = "failed",
        Stopped = "stopped",
    }
}

/// What a finished job does to its cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterChange {
    Keep,
    Become(ClusterState),
    /// The destroy succeeded: nothing of the cluster is left.
    Remove,
}

/// The cluster's state after a job of `kind` ended in `state`. `ran` says whether the job
/// ran at all (a job cancelled while queued changed nothing); `on_deployer` whether the
/// deployment exists on the deployer (a create that failed before `nixops create`
/// succeeded leaves nothing behind, and the cluster stays new).
pub fn cluster_after(
    kind: JobKind,
    state: JobState,
    ran: bool,
    on_deployer: bool,
) -> ClusterChange {
    use ClusterChange::{Become, Keep, Remove};
    let succeeded = state == JobState::Succeeded;
    match kind {
        _ if !ran => Keep,
        JobKind::Create | JobKind::Deploy | JobKind::Start if succeeded => {
            Become(ClusterState::Deployed)
        }
        JobKind::Create if !on_deployer => Become(ClusterState::New),
        JobKind::Create | JobKind::Deploy => Become(ClusterState::Failed),
        JobKind::Stop if succeeded => Become(ClusterState::Stopped),
        JobKind::Destroy if succeeded => Remove,
        JobKind::Preview | JobKind::Info | JobKind::Stop | JobKind::Start | JobKind::Destroy => {
            Keep
        }
        // Maintenance of the builder or the deployer belongs to no cluster.
        JobKind::UpdateChannels
        | JobKind::Rebuild
        | JobKind::RestartAgent
        | JobKind::CollectGarbage
        | JobKind::DeployDeployer => Keep,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterView {
    /// Which cluster of this name this is: a cluster removed and created again under the
    /// same name is another cluster, and the old one's jobs are not its own.
    pub id: String,
    pub args: ClusterArgs,
    /// Dependency name to git ref, all six.
    pub versions: BTreeMap<String, String>,
    pub state: ClusterState,
    /// Whether its NixOps deployment exists on the deployer (`nixops create` succeeded):
    /// then removing it takes a destroy job.
    pub on_deployer: bool,
    /// Whether GitHub deployment events may deploy it (off until an admin turns it on).
    #[serde(default)]
    pub github_deployments: bool,
    /// What the last create or deploy that failed said.
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ClusterView {
    /// The parameters a job of this cluster as it is now runs with.
    pub fn params(&self) -> JobParams {
        JobParams {
            args: self.args.clone(),
            versions: self.versions.clone(),
        }
    }

    pub fn name(&self) -> &str {
        &self.args.name
    }

    /// The three subnets the cluster's index gives it.
    pub fn subnets(&self) -> [String; 3] {
        subnets(self.args.cluster_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClusterChange::{Become, Keep, Remove};
    use ClusterState::{Deployed, New, Stopped};
    use JobKind::*;
    use JobState::{Cancelled, Failed, Interrupted, Succeeded};
    const BROKEN: ClusterState = ClusterState::Failed;

    #[test]
    fn a_cluster_follows_its_jobs() {
        // (kind, outcome, ran, on the deployer) -> change
        let table = [
            (Create, Succeeded, true, true, Become(Deployed)),
            (Create, Failed, true, false, Become(New)),
            (Create, Failed, true, true, Become(BROKEN)),
            (Create, Cancelled, true, true, Become(BROKEN)),
            (Create, Cancelled, false, false, Keep),
            (Deploy, Succeeded, true, true, Become(Deployed)),
            (Deploy, Failed, true, true, Become(BROKEN)),
            (Deploy, Interrupted, true, true, Become(BROKEN)),
            (Deploy, Cancelled, false, true, Keep),
            (Preview, Failed, true, true, Keep),
            (Info, Succeeded, true, true, Keep),
            (Stop, Succeeded, true, true, Become(Stopped)),
            (Stop, Failed, true, true, Keep),
            (Start, Succeeded, true, true, Become(Deployed)),
            (Destroy, Succeeded, true, true, Remove),
            (Destroy, Failed, true, true, Keep),
        ];
        for (kind, state, ran, on_deployer, change) in table {
            assert_eq!(
                cluster_after(kind, state, ran, on_deployer),
                change,
                "{kind} {state} ran={ran} on_deployer={on_deployer}"
            );
        }
    }
}
