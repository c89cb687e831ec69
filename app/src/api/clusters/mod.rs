//! Server functions for the Clusters pages.

mod create_cluster;
mod get_cluster;
mod get_cluster_aws;
mod list_cluster_healths;
mod list_clusters;
mod remove_cluster;
mod set_github_deployments;
mod set_schedule;
mod set_versions;
mod start_deploy;
mod start_operation;
mod taken_cluster_indexes;
mod update_cluster;

pub use create_cluster::{create_cluster, CreateCluster};
pub use get_cluster::{get_cluster, ClusterPage, GetCluster};
pub use get_cluster_aws::{get_on_aws, GetOnAws};
pub use list_cluster_healths::{list_cluster_healths, ListClusterHealths};
pub use list_clusters::{list_clusters, ClustersPage, ListClusters};
pub use remove_cluster::{remove_cluster, RemoveCluster};
pub use set_github_deployments::{set_github_deployments, SetGithubDeployments};
pub use set_schedule::{set_schedule, SetSchedule};
pub use set_versions::{set_versions, SetVersions};
pub use start_deploy::{start_deploy, StartDeploy};
pub use start_operation::{start_operation, StartOperation};
pub use taken_cluster_indexes::{taken_cluster_indexes, TakenClusterIndexes};
pub use update_cluster::{update_cluster, UpdateCluster};
