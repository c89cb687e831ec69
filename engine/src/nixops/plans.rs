//! Which runbook plan each kind of job runs.

use crate::model::{
    dependencies::{pin_dependencies, PinnedDependency},
    job::{JobKind, JobParams},
};

use super::{
    create_plan, deploy_plan, destroy_plan, info_plan, preview_plan, start_plan, stop_plan, Plan,
};

/// The plan a job of `kind` runs with `params`, in `root` (the NixOps root), cloning
/// `repo_url`.
pub fn plan_for(kind: JobKind, params: &JobParams, root: &str, repo_url: &str) -> Plan {
    let name = params.args.name.as_str();
    // In the runbook's order of the six (`pin_dependencies` keeps it); stored refs passed
    // the rules when they were set, so this only falls back on a damaged row.
    let pinned: Vec<(String, String)> = params.versions.clone().into_iter().collect();
    let dependencies: Vec<PinnedDependency> = pin_dependencies(&pinned).unwrap_or_else(|_| {
        pinned
            .into_iter()
            .map(|(name, git_ref)| PinnedDependency { name, git_ref })
            .collect()
    });
    match kind {
        JobKind::Create => create_plan(root, repo_url, &params.args, &dependencies),
        JobKind::Deploy => deploy_plan(root, &params.args, &dependencies),
        JobKind::Preview => preview_plan(root, name),
        JobKind::Info => info_plan(root, name),
        JobKind::Stop => stop_plan(root, name),
        JobKind::Start => start_plan(root, name),
        JobKind::Destroy => destroy_plan(root, name),
        // Not a cluster's: their plans are `maintenance::maintenance_plan`'s.
        JobKind::UpdateChannels
        | JobKind::Rebuild
        | JobKind::RestartAgent
        | JobKind::CollectGarbage
        | JobKind::DeployDeployer => Plan { steps: Vec::new() },
    }
}
