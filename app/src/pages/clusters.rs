//! The Clusters page: every NixOps cluster deployed from the deployer.

use leptos::prelude::*;

use crate::components::common::{EmptyState, PageHeader};

#[component]
pub fn ClustersPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Clusters"
            summary="The NixOps deployments run from the deployer: their arguments, versions and deploys."
        />
        <EmptyState
            title="No clusters yet"
            body="Clusters you create appear here with their region, index, environment and the state of their last deploy."
        />
    }
}
