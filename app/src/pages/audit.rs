//! The Audit page: the tamper-evident record of every action.

use leptos::prelude::*;

use crate::components::common::{EmptyState, PageHeader};

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Audit"
            summary="Every action taken through nixdeck: who, what, on which target, when and from where."
        />
        <EmptyState
            title="No events yet"
            body="Sign-ins, changes and deploys are recorded here as they happen, each linked to the one before so that nothing can be altered or removed unnoticed."
        />
    }
}
