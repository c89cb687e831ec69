//! nixdeck itself and the machines around it: the overview, the deployer, the builder,
//! and the page for an unknown address.

mod awaiting_approval;
mod builder;
mod deployer;
mod home;
mod host_jobs;
mod not_found;

pub use builder::BuilderPage;
pub use deployer::DeployerPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
