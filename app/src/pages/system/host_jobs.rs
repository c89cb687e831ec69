//! The jobs of the builder or the deployer, newest first: what ran, how it ended, who
//! asked, when and for how long. Each links to its page and live log.

use engine::model::job::JobView;
use leptos::prelude::*;

use crate::{components::common::Table, pages::jobs::JobCells};

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
    view! {
        <tr data-testid="history-row">
            <JobCells job />
        </tr>
    }
}
