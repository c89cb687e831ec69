//! The runbook's operations on clusters: each a plan of named steps, each step one command
//! with its working directory and environment exactly as the runbook writes it, built from
//! validated cluster arguments (`plan`); and the job handler that runs those plans on the
//! deployer (`handler`).

mod adopt;
mod export;
mod handler;
mod plan;
mod plans;

pub use adopt::{adoption_from_export, Adoption};
pub use export::parse_deployer_export;
pub use handler::ClusterJobs;
pub use plan::{
    create_plan, deploy_plan, destroy_plan, exists_probe, info_plan, join_network_args,
    preview_plan, start_plan, stop_plan, NetworkIds, Plan, Step, StepKind, DEPLOY_PASSES,
};
pub use plans::plan_for;

pub use crate::model::job::DEPLOYER_HOST;

/// Where NixOps keeps each cluster's clone on the deployer, and what is cloned.
#[derive(Clone, PartialEq, Eq)]
pub struct DeploySettings {
    /// Each cluster's clone lives in `NIXOPS_ROOT/CLUSTER/disciplina-nixops`.
    pub nixops_root: String,
    /// The disciplina-nixops repository.
    pub repo_url: String,
    /// The deployer's own checkout, where `nixops deploy -d deployer` runs.
    pub deployer_checkout: String,
}

/// The repository URL may carry credentials: shown redacted.
impl std::fmt::Debug for DeploySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeploySettings")
            .field("nixops_root", &self.nixops_root)
            .field(
                "repo_url",
                &crate::exec::redact_url_credentials(&self.repo_url),
            )
            .field("deployer_checkout", &self.deployer_checkout)
            .finish()
    }
}
