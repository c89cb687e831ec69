//! A cluster's jobs, newest first, each with who asked, when, how long it took and how it
//! ended; a finished create or deploy can be repeated.

use engine::model::job::{JobKind, JobView};
use leptos::prelude::*;

use crate::{
    api::jobs::RedeployJob,
    components::common::{Button, ButtonTone, Table, CELL},
    pages::jobs::JobCells,
};

#[component]
pub fn History(
    jobs: Vec<JobView>,
    may_redeploy: bool,
    redeploy: ServerAction<RedeployJob>,
) -> impl IntoView {
    view! {
        <section class="mt-6" aria-label="History">
            <h2 class="mb-3 text-sm font-semibold">"History"</h2>
            {if jobs.is_empty() {
                view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No jobs have run for this cluster in nixdeck yet."</p> }.into_any()
            } else {
                view! {
                    <Table label="Jobs" headers=vec!["Job", "Result", "Who", "When", "Duration", ""]>
                        {jobs.into_iter().map(|job| view! { <JobRow job may_redeploy redeploy /> }).collect_view()}
                    </Table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn JobRow(job: JobView, may_redeploy: bool, redeploy: ServerAction<RedeployJob>) -> impl IntoView {
    let repeatable = may_redeploy
        && matches!(job.kind, JobKind::Create | JobKind::Deploy)
        && job.state.is_final();
    let id = job.id.clone();
    view! {
        <tr data-testid="history-row">
            <JobCells job />
            <td class=format!("{CELL} text-right")>
                {repeatable.then(|| view! {
                    <ActionForm action=redeploy>
                        <input type="hidden" name="id" value=id />
                        <Button tone=ButtonTone::Quiet small=true>"Redeploy"</Button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
