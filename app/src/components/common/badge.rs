//! Small coloured labels for states.

use engine::model::{cloud::HealthState, cluster::ClusterState, job::JobState};
use leptos::prelude::*;

/// What a badge's colour says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Busy,
    /// Waiting on a person.
    Waiting,
    Plain,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Good => "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
            Tone::Bad => "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
            Tone::Busy => "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
            Tone::Waiting => "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
            Tone::Plain => "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        }
    }
}

/// A label in a tone; `testid` names it for the end-to-end tests.
#[component]
pub fn Badge(tone: Tone, text: &'static str, testid: &'static str) -> impl IntoView {
    view! { <span class=tone.class() data-testid=testid>{text}</span> }
}

#[component]
pub fn JobStateBadge(state: JobState) -> impl IntoView {
    let tone = match state {
        JobState::Succeeded => Tone::Good,
        JobState::Failed | JobState::Interrupted => Tone::Bad,
        JobState::Running | JobState::Queued => Tone::Busy,
        JobState::AwaitingApproval => Tone::Waiting,
        JobState::Cancelled | JobState::Rejected | JobState::Expired => Tone::Plain,
    };
    view! { <Badge tone text=state.as_str() testid="job-state" /> }
}

#[component]
pub fn ClusterStateBadge(state: ClusterState) -> impl IntoView {
    let tone = match state {
        ClusterState::Deployed => Tone::Good,
        ClusterState::Failed => Tone::Bad,
        ClusterState::New | ClusterState::Stopped => Tone::Plain,
    };
    view! { <Badge tone text=state.as_str() testid="cluster-state" /> }
}

#[component]
pub fn HealthBadge(state: HealthState) -> impl IntoView {
    let tone = match state {
        HealthState::Healthy => Tone::Good,
        HealthState::Degraded => Tone::Bad,
        HealthState::Unknown => Tone::Plain,
    };
    view! { <Badge tone text=state.as_str() testid="cluster-health" /> }
}
