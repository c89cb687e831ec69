//! Which runbook plan each kind of job runs.

use crate::{
    model::{
        dependencies::{pin_dependencies, PinnedDependency},
        job::{JobKind, JobParams},
    },
    nixops::{self, Plan},
};

/// The plan a job of `kind` runs with `params`, in `root` (NIXDECK_NIXOPS_ROOT), cloning
/// `repo_url` (NIXDECK_NIXOPS_REPO_URL).
pub fn plan_for(kind: JobKind, params: &JobParams, root: &str, repo_url: &str) -> Plan {
    let name = params.args.name.as_str();
    // In the runbook's order of the six (`pin_dependencies` keeps it); stored refs passed
    // the rules when they were set, so this only fails on a damaged row.
    let pinned: Vec<(String, String)> = params.versions.clone().into_iter().collect();
    let dependencies: Vec<PinnedDependency> = pin_dependencies(&pinned).unwrap_or_else(|_| {
        pinned
            .into_iter()
            .map(|(name, git_ref)| PinnedDependency { name, git_ref })
            .collect()
    });
    match kind {
        JobKind::Create => nixops::create_plan(root, repo_url, &params.args, &dependencies),
        JobKind::Deploy => nixops::deploy_plan(root, &params.args, &dependencies),
        JobKind::Preview => nixops::preview_plan(root, name),
        JobKind::Info => nixops::info_plan(root, name),
        JobKind::Stop => nixops::stop_plan(root, name),
        JobKind::Start => nixops::start_plan(root, name),
        JobKind::Destroy => nixops::destroy_plan(root, name),
    }
}
