//! Pictures drawn on the server as SVG: readable without JavaScript, coloured by classes
//! that follow the theme, each described by its label and each mark titled (what a hover
//! shows).

mod deploy_durations;
mod jobs_per_day;

// The bars are made on the server, where the cluster page's data is read.
#[cfg(feature = "ssr")]
pub use deploy_durations::{deploy_bars, BARS};
pub use deploy_durations::{DeployBar, DeployDurations};
pub use jobs_per_day::{JobsPerDay, DAYS_SHOWN};

use engine::model::job::JobState;

/// The drawing area, in the SVG's own units (the picture scales to its box).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;
/// Room on the left for the scale's label, and at the bottom for the time axis.
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 8.0;

/// The fill of a mark for a job that ended in `state`, in both themes.
fn fill_of(state: JobState) -> &'static str {
    match state {
        JobState::Succeeded => "fill-emerald-500 dark:fill-emerald-400",
        JobState::Failed => "fill-rose-500 dark:fill-rose-400",
        _ => "fill-slate-400 dark:fill-slate-500",
    }
}

/// The legend under a chart: what each colour means.
#[leptos::component]
fn Legend() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let item = |state: JobState, text: &'static str| {
        view! {
            <li class="flex items-center gap-1">
                <svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" rx="2" class=fill_of(state) /></svg>
                {text}
            </li>
        }
    };
    view! {
        <ul class="mt-1 flex gap-4 text-xs text-slate-600 dark:text-slate-400">
            {item(JobState::Succeeded, "succeeded")}
            {item(JobState::Failed, "failed")}
            {item(JobState::Cancelled, "cancelled, interrupted, rejected or expired")}
        </ul>
    }
}
