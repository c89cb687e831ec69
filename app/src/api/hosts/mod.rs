//! Server functions about the builder and the deployer: what they are like, and their
//! maintenance.

mod adopt_deployment;
mod deploy_deployer;
mod get_builder;
mod get_deployer;
mod probe_builder;
mod start_builder_job;

pub use adopt_deployment::{adopt_deployment, AdoptDeployment};
pub use deploy_deployer::{deploy_deployer, DeployDeployer};
pub use get_builder::{get_builder, BuilderPage, GetBuilder};
pub use get_deployer::{get_deployer, DeployerPage, GetDeployer};
pub use probe_builder::{probe_builder, ProbeBuilder};
pub use start_builder_job::{start_builder_job, StartBuilderJob};
