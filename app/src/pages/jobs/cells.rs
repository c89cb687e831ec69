//! A job as a row of a history table: what ran (linking to its page and live log), how it
//! ended, who asked and from where, when, and how long it took. The tables add their own
//! last cells.

use engine::model::{job::JobView, time::format_utc};
use leptos::prelude::*;

use crate::components::common::{job_duration, JobStateBadge, CELL};

#[component]
pub fn JobCells(job: JobView) -> impl IntoView {
    view! {
        <td class=CELL><a href=format!("/jobs/{}", job.id) class="text-indigo-700 hover:underline dark:text-indigo-300">{job.kind.as_str()}</a></td>
        <td class=CELL><JobStateBadge state=job.state /></td>
        <td class=CELL>
            {job.requested_by.clone()}
            <span class="ml-1 text-xs text-slate-500" data-testid="job-trigger">{format!("via {}", job.trigger.as_str())}</span>
        </td>
        <td class=CELL>{format_utc(job.created_at)}</td>
        <td class=CELL>{job_duration(&job)}</td>
    }
}
