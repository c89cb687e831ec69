//! The Deployer page: the host that runs NixOps.

use leptos::prelude::*;

use crate::components::common::{EmptyState, PageHeader};

#[component]
pub fn DeployerPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Deployer"
            summary="The NixOS host that holds the NixOps state and runs every deploy."
        />
        <EmptyState
            title="Nothing here yet"
            body="Once the deployer is configured, its connection, its shared network and the NixOps state it holds show here."
        />
    }
}
