//! A cluster's jobs, newest first, each with who asked, when, how long it took and how it
//! ended; a finished create or deploy can be repeated.

use engine::model::{
    job::{JobKind, JobView},
    time::{format_duration, format_utc},
};
use leptos::prelude::*;

use crate::{
    api::jobs::RedeployJob,
    components::common::{Button, ButtonTone, JobStateBadge, Table, CELL},
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
                view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No jobs yet: deploy to create the cluster on the deployer."</p> }.into_any()
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
    let duration = match (job.started_at, job.finished_at) {
        (Some(start), Some(end)) => format_duration(end - start),
        (Some(_), None) => "running".to_owned(),
        _ => "—".to_owned(),
    };
    let id = job.id.clone();
    view! {
        <tr data-testid="history-row">
            <td class=CELL><a href=format!("/jobs/{}", job.id) class="text-indigo-700 hover:underline dark:text-indigo-300">{job.kind.as_str()}</a></td>
            <td class=CELL><JobStateBadge state=job.state /></td>
            <td class=CELL>{job.requested_by.clone()}</td>
            <td class=CELL>{format_utc(job.created_at)}</td>
            <td class=CELL>{duration}</td>
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
