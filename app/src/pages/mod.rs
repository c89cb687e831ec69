//! One page per route, each in its own file.

mod audit;
mod builder;
mod clusters;
mod deployer;
mod home;
mod job;
mod not_found;
mod people;
mod secrets;
mod sign_in;
mod tokens;

pub use audit::AuditPage;
pub use builder::BuilderPage;
pub use clusters::{ClusterDetailPage, ClustersPage, NewClusterPage};
pub use deployer::DeployerPage;
pub use home::HomePage;
pub use job::JobDetailPage;
pub use not_found::NotFoundPage;
pub use people::PeoplePage;
pub use secrets::SecretsPage;
pub use sign_in::SignInPage;
pub use tokens::TokensPage;
