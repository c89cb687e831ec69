//! The two-person rule on a job's page: while the job waits, who may approve or reject it
//! (another admin, with an optional comment) and until when; once decided, who decided and
//! what they said.

use engine::model::{
    access::{Action as Permission, Principal},
    approval::MAX_COMMENT,
    job::{JobState, JobView},
    time::format_utc,
};
use leptos::prelude::*;

use crate::{
    api::jobs::{ApproveJob, RejectJob},
    components::common::{Button, ButtonTone},
};

const PANEL: &str = "mb-4 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950";

#[component]
pub fn ApprovalPanel(
    job: JobView,
    principal: Principal,
    approve: ServerAction<ApproveJob>,
    reject: ServerAction<RejectJob>,
) -> impl IntoView {
    let Some(approval) = job.approval.clone() else {
        return ().into_any();
    };
    if job.state != JobState::AwaitingApproval {
        let decision = match (&approval.decided_by, approval.decided_at) {
            (Some(by), Some(at)) => {
                let verb = if job.state == JobState::Rejected {
                    "Rejected"
                } else {
                    "Approved"
                };
                format!("{verb} by {by} on {}", format_utc(at))
            }
            _ => "It needed a second admin's approval, and got none.".to_owned(),
        };
        return view! {
            <p class="mb-2 text-sm text-slate-600 dark:text-slate-400" data-testid="approval-decision">
                {decision}
                {approval.comment.map(|comment| view! { <span>": “" {comment} "”"</span> })}
            </p>
        }
        .into_any();
    }
    let asked_by_viewer = principal.actor == job.requested_by;
    let may_decide = principal.may(Permission::ApproveJobs) && !asked_by_viewer;
    let expires = format_utc(approval.expires_at);
    let id = job.id.clone();
    view! {
        <section class=PANEL aria-labelledby="approval-heading" data-testid="approval-panel">
            <h2 id="approval-heading" class="font-medium">"Waiting for a second admin"</h2>
            <p class="mt-1">
                {format!("A {} of a production cluster runs only once another admin approves it. It expires on {expires} if nobody decides.", job.kind.as_str())}
            </p>
            {if may_decide {
                let reject_id = id.clone();
                view! {
                    <div class="mt-3 flex flex-wrap items-end gap-3">
                        <ActionForm action=approve attr:class="flex flex-wrap items-end gap-2">
                            <input type="hidden" name="id" value=id />
                            <label class="flex flex-col gap-1">
                                <span class="text-xs text-slate-600 dark:text-slate-400">"Comment (optional)"</span>
                                <input
                                    type="text"
                                    name="comment"
                                    maxlength=MAX_COMMENT
                                    class="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
                                />
                            </label>
                            <Button tone=ButtonTone::Primary>"Approve"</Button>
                        </ActionForm>
                        <ActionForm action=reject attr:class="flex flex-wrap items-end gap-2">
                            <input type="hidden" name="id" value=reject_id />
                            <label class="flex flex-col gap-1">
                                <span class="text-xs text-slate-600 dark:text-slate-400">"Reason (optional)"</span>
                                <input
                                    type="text"
                                    name="comment"
                                    maxlength=MAX_COMMENT
                                    class="rounded-md border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
                                />
                            </label>
                            <Button tone=ButtonTone::Danger>"Reject"</Button>
                        </ActionForm>
                    </div>
                }
                .into_any()
            } else if asked_by_viewer {
                view! {
                    <p class="mt-2 text-slate-700 dark:text-slate-300" data-testid="approval-own">
                        "You asked for this job: another admin must approve it. Cancel it if it is no longer wanted."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p class="mt-2 text-slate-700 dark:text-slate-300">"An admin other than the person who asked can approve it."</p>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}
