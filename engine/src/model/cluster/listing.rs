//! The clusters list: one light row per cluster (what the list shows, nothing more), a page
//! at a time, in name order.

use serde::{Deserialize, Serialize};

use super::{
    validate_cluster_name,
    view::{ClusterState, ClusterView},
    FieldError, MAX_CLUSTER_INDEX,
};
use crate::model::{
    access::Environment,
    job::{JobKind, JobState},
};

/// Clusters on one page of the list. A deployer holds at most one cluster per cluster
/// index, so its clusters always fit on one page; paging keeps a larger set (restored or
/// imported data) from making the page grow with it.
pub const CLUSTERS_PER_PAGE: usize = MAX_CLUSTER_INDEX as usize;

/// One cluster as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub name: String,
    pub env: Environment,
    pub region: String,
    pub cluster_index: u8,
    pub state: ClusterState,
    pub latest_job: Option<LatestJob>,
}

/// A cluster's newest job, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestJob {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub created_at: i64,
}

/// Where a page of the list starts (keyset paging on the name, never an offset, so a
/// cluster created or removed meanwhile shifts nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterCursor {
    #[default]
    First,
    /// The clusters named after this one: the next page.
    After(String),
    /// The clusters named before this one: the previous page.
    Before(String),
}

impl ClusterCursor {
    /// The cursor a page's address names (`?after=` or `?before=`, not both); a value that
    /// is not a cluster name is refused, naming its parameter.
    pub fn parse(after: Option<&str>, before: Option<&str>) -> Result<ClusterCursor, FieldError> {
        let checked = |field: &str, name: &str| {
            validate_cluster_name(name)
                .map(|()| name.to_owned())
                .map_err(|_| FieldError::new(field, format!("{name:?} is not a cluster name")))
        };
        match (after, before) {
            (Some(_), Some(_)) => Err(FieldError::new("before", "give after or before, not both")),
            (Some(after), None) => checked("after", after).map(ClusterCursor::After),
            (None, Some(before)) => checked("before", before).map(ClusterCursor::Before),
            (None, None) => Ok(ClusterCursor::First),
        }
    }
}

/// One page of the list, and where the pages beside it start: light rows for the
/// dashboard's list, or the clusters in full for the API ([`ClusterViews`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterListing<C = ClusterSummary> {
    pub clusters: Vec<C>,
    /// Set when clusters come before this page: the previous page is `Before(this)`.
    pub previous_before: Option<String>,
    /// Set when clusters come after this page: the next page is `After(this)`.
    pub next_after: Option<String>,
}

/// One page of the clusters in full (what the API answers).
pub type ClusterViews = ClusterListing<ClusterView>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_is_one_cluster_name() {
        assert_eq!(ClusterCursor::parse(None, None), Ok(ClusterCursor::First));
        assert_eq!(
            ClusterCursor::parse(Some("alpha"), None),
            Ok(ClusterCursor::After("alpha".into()))
        );
        assert_eq!(
            ClusterCursor::parse(None, Some("beta-2")),
            Ok(ClusterCursor::Before("beta-2".into()))
        );
        let refused = ClusterCursor::parse(Some("a'; drop"), None).unwrap_err();
        assert_eq!(refused.field, "after");
        assert!(refused.message.contains("not a cluster name"));
        assert_eq!(
            ClusterCursor::parse(Some("a"), Some("b"))
                .unwrap_err()
                .field,
            "before"
        );
    }
}
