//! The jobs of the builder or the deployer, newest first: what ran, how it ended, who
//! asked, when and for how long. Each links to its page and live log.

use engine::model::{
    job::JobView,
    time::{format_duration, format_utc},
};
use leptos::prelude::*;

use crate::components::common::{JobStateBadge, Table, CELL};

#[component]
pub fn HostJobs(jobs: Vec<JobView>, empty: &'static str) -> impl IntoView {
    view! {
        <section class="mt-6" aria-label="History">
            <h2 class="mb-3 text-sm font-semibold">"History"</h2>
            {if jobs.is_empty() {
                view! { <p class="text-sm text-slate-600 dark:text-slate-400">{empty}</p> }.into_any()
            } else {
                view! {
                    <Table label="Jobs" headers=vec!["Job", "Result", "Who", "When", "Duration"]>
                        {jobs.into_iter().map(|job| view! { <JobRow job /> }).collect_view()}
                    </Table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn JobRow(job: JobView) -> impl IntoView {
    let duration = match (job.started_at, job.finished_at) {
        (Some(start), Some(end)) => format_duration(end - start),
        (Some(_), None) => "running".to_owned(),
        _ => "—".to_owned(),
    };
    view! {
        <tr data-testid="history-row">
            <td class=CELL><a href=format!("/jobs/{}", job.id) class="text-indigo-700 hover:underline dark:text-indigo-300">{job.kind.as_str()}</a></td>
            <td class=CELL><JobStateBadge state=job.state /></td>
            <td class=CELL>{job.requested_by.clone()}</td>
            <td class=CELL>{format_utc(job.created_at)}</td>
            <td class=CELL>{duration}</td>
        </tr>
    }
}
