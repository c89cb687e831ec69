//! One page of the clusters list: light rows, each with its cluster's newest job.

use engine::model::{access::Principal, cluster::ClusterListing};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClustersPage {
    pub listing: ClusterListing,
    pub principal: Principal,
}

/// The page that starts after the cluster named `after`, or ends before the one named
/// `before` (the first page when neither is given).
#[server]
pub async fn list_clusters(
    after: Option<String>,
    before: Option<String>,
) -> Result<ClustersPage, ApiError> {
    use engine::model::{cluster::ClusterCursor, failure::Failure};

    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    let cursor =
        answer(ClusterCursor::parse(after.as_deref(), before.as_deref()).map_err(Failure::from))?;
    Ok(ClustersPage {
        listing: answer(engine.cluster_list(&caller, &cursor).await)?,
        principal: caller.principal,
    })
}
