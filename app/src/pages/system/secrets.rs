//! The Secrets page: the secrets machines read at boot.

use leptos::prelude::*;

use crate::components::common::{EmptyState, PageHeader};

#[component]
pub fn SecretsPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Secrets"
            summary="The AWS Secrets Manager entries the clusters and the deployer read."
        />
        <EmptyState
            title="Nothing here yet"
            body="The staging and production secrets of the clusters and of the Buildkite agent will be listed here, by name only; values are never shown in a list."
        />
    }
}
