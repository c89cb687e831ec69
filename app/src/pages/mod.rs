//! The pages, one folder per area, one page per file.

mod access;
mod audit;
mod clusters;
mod jobs;
mod notifications;
mod secrets;
mod system;

pub use access::{AccountPage, PeoplePage, SignInPage, TokensPage};
pub use audit::AuditPage;
pub use clusters::{ClusterDetailPage, ClustersPage, NewClusterPage};
pub use jobs::JobDetailPage;
pub use notifications::NotificationsPage;
pub use secrets::SecretsPage;
pub use system::{BuilderPage, DeployerPage, HomePage, NotFoundPage};
