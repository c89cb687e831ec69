//! The Clusters pages: the list, the form for a new cluster, and one cluster.

mod detail;
mod form;
mod history;
mod list;
mod new;
mod on_aws;
mod schedule;
mod versions;

pub use detail::ClusterDetailPage;
pub use list::ClustersPage;
pub use new::NewClusterPage;
