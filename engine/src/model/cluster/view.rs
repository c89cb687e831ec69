//! A cluster as pages and the REST API show it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{subnets, ClusterArgs};

/// Where a cluster stands, as of its last finished job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterState {
    /// Defined in nixdeck, never deployed: its first deploy creates the deployment.
    New,
    Deployed,
    /// The last create or deploy failed.
    Failed,
    Stopped,
}

impl ClusterState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterState::New => "new",
            ClusterState::Deployed => "deployed",
            ClusterState::Failed => "failed",
            ClusterState::Stopped => "stopped",
        }
    }

    pub fn parse(value: &str) -> Option<ClusterState> {
        [
            ClusterState::New,
            ClusterState::Deployed,
            ClusterState::Failed,
            ClusterState::Stopped,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterView {
    pub args: ClusterArgs,
    /// Dependency name to git ref, all six.
    pub versions: BTreeMap<String, String>,
    pub state: ClusterState,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ClusterView {
    pub fn name(&self) -> &str {
        &self.args.name
    }

    /// The three subnets the cluster's index gives it.
    pub fn subnets(&self) -> [String; 3] {
        subnets(self.args.cluster_index)
    }
}
