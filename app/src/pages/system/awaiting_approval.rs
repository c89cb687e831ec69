//! The home page's list of production jobs waiting for a second admin, each linking to the
//! job's page, where it is approved or rejected; or, when the rule is off, a note saying
//! production jobs run without one.

use engine::model::time::format_utc;
use leptos::prelude::*;

use crate::{
    api::fetcher::boxed,
    api::jobs::{list_awaiting_approval, AwaitingApproval},
    components::common::{ErrorNotice, CELL},
};

#[component]
pub fn AwaitingApprovalSection() -> impl IntoView {
    let waiting = Resource::new(|| (), |_| boxed(list_awaiting_approval()));
    view! {
        <section aria-labelledby="approvals-heading" class="mb-8">
            <h2 id="approvals-heading" class="mb-3 text-lg font-semibold">"Waiting for approval"</h2>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match waiting.await {
                        Ok(waiting) => view! { <WaitingJobs waiting /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice message=format!("The jobs waiting for approval could not be read: {error}") />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn WaitingJobs(waiting: AwaitingApproval) -> impl IntoView {
    if !waiting.rule_on {
        return view! {
            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="approvals-off">
                "The two-person rule is off (NIXDECK_PRODUCTION_APPROVALS=off): production deploys, stops and destroys run without a second admin."
            </p>
        }
        .into_any();
    }
    if waiting.jobs.is_empty() {
        return view! {
            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="approvals-none">
                "Nothing waits. A production deploy, stop or destroy waits here until another admin approves it."
            </p>
        }
        .into_any();
    }
    let me = waiting.principal.actor.clone();
    view! {
        <table class="w-full rounded-lg border border-slate-200 bg-white text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="approvals">
            <thead class="text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                    <th class=CELL>"Job"</th>
                    <th class=CELL>"Cluster"</th>
                    <th class=CELL>"Asked by"</th>
                    <th class=CELL>"Expires"</th>
                </tr>
            </thead>
            <tbody>
                {waiting.jobs.into_iter().map(|job| {
                    let mine = job.requested_by == me;
                    view! {
                        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="approval-row">
                            <td class=CELL>
                                <a href=format!("/jobs/{}", job.id) class="text-indigo-700 hover:underline dark:text-indigo-300">{job.kind.as_str()}</a>
                            </td>
                            <td class=CELL>{job.cluster.clone().unwrap_or_default()}</td>
                            <td class=CELL>
                                {job.requested_by.clone()}
                                <span class="ml-1 text-xs text-slate-500">{format!("via {}", job.trigger.as_str())}</span>
                                {mine.then(|| view! { <span class="ml-1 text-xs text-amber-700 dark:text-amber-300">"(you)"</span> })}
                            </td>
                            <td class=CELL>{job.approval.map(|approval| format_utc(approval.expires_at)).unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
