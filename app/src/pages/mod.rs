//! The pages, one folder per area, one page per file.

mod access;
mod audit;
mod clusters;
mod jobs;
mod lazy;
mod notifications;
mod secrets;
mod system;

pub use access::{AccountPage, PeoplePage, SignInPage, TokensPage};
pub use audit::AuditPage;
pub use clusters::{ClusterDetailPage, ClustersPage, NewClusterPage};
pub use jobs::JobDetailPage;
pub use lazy::{
    AccountRoute, AuditRoute, BuilderRoute, ClusterDetailRoute, ClustersRoute, DeployerRoute,
    HomeRoute, JobDetailRoute, NewClusterRoute, NotificationsRoute, PeopleRoute, SecretsRoute,
    SignInRoute, TokensRoute,
};
pub use notifications::NotificationsPage;
pub use secrets::SecretsPage;
pub use system::{BuilderPage, DeployerPage, HomePage, NotFoundPage};
