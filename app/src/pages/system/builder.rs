//! The Builder page: the macOS (nix-darwin) build machine.

use leptos::prelude::*;

use crate::components::common::{EmptyState, PageHeader};

#[component]
pub fn BuilderPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Builder"
            summary="The macOS builder that builds for x86_64-darwin: its host, Nix settings and agent."
        />
        <EmptyState
            title="Nothing here yet"
            body="Once the builder's address is configured, its reachability, Nix settings and Buildkite agent show here."
        />
    }
}
