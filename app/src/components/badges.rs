//! Small coloured labels for states.

use engine::model::{cluster::ClusterState, job::JobState};
use leptos::prelude::*;

const BASE: &str = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium";

fn tone(kind: &str) -> String {
    let colours = match kind {
        "good" => "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
        "bad" => "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
        "busy" => "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
        _ => "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
    };
    format!("{BASE} {colours}")
}

#[component]
pub fn JobStateBadge(state: JobState) -> impl IntoView {
    let kind = match state {
        JobState::Succeeded => "good",
        JobState::Failed | JobState::Interrupted => "bad",
        JobState::Running | JobState::Queued => "busy",
        JobState::Cancelled => "plain",
    };
    view! { <span class=tone(kind) data-testid="job-state">{state.as_str()}</span> }
}

#[component]
pub fn ClusterStateBadge(state: ClusterState) -> impl IntoView {
    let kind = match state {
        ClusterState::Deployed => "good",
        ClusterState::Failed => "bad",
        ClusterState::New | ClusterState::Stopped => "plain",
    };
    view! { <span class=tone(kind) data-testid="cluster-state">{state.as_str()}</span> }
}
