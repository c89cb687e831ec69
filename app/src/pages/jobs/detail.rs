//! One job: its steps with their state and duration, a progress indicator, what changed
//! since the cluster's previous deploy, its log (the newest lines first, earlier ones on
//! demand, live while it runs) and a cancel button for those the permission table allows
//! on the cluster as it is now.

use engine::model::{
    access::Action as Permission,
    job::{JobState, JobView, LogLine, LogPage, StepState, StepView, Stream},
    time::{format_duration, format_utc},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{approval::ApprovalPanel, live_log, log_view::LogView};
use crate::{
    api::fetcher::boxed,
    api::jobs::{get_job, get_job_log, ApproveJob, CancelJob, JobPage, RejectJob},
    components::common::{Button, ButtonTone, ErrorNotice, JobStateBadge, Loaded},
};

#[component]
pub fn JobDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let cancel = ServerAction::<CancelJob>::new();
    let approve = ServerAction::<ApproveJob>::new();
    let reject = ServerAction::<RejectJob>::new();
    // Bumped when a step starts or the job ends, so the steps and state stay current; the
    // log is not reloaded for that (it grows by itself).
    let refresh = RwSignal::new(0u32);
    let decided = move || (approve.version().get(), reject.version().get());
    let page = Resource::new(
        move || (id(), cancel.version().get(), refresh.get(), decided()),
        |(id, _, _, _)| boxed(get_job(id)),
    );
    let log = Resource::new(id, |id| boxed(get_job_log(id, None)));
    let page_final = Signal::derive(move || {
        page.get()
            .and_then(Result::ok)
            .is_some_and(|page| page.job.state.is_final())
    });
    view! {
        <Title text="Job" />
        {move || cancel.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        {move || approve.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        {move || reject.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=page view={move |page: JobPage| view! {
            <JobSummary page=page.clone() cancel />
            <ApprovalPanel job=page.job principal=page.principal approve reject />
        }} />
        <Loaded resource=log view={move |first: LogPage| view! { <JobLog id=id() first refresh page_final /> }} />
    }
}

#[component]
fn JobSummary(page: JobPage, cancel: ServerAction<CancelJob>) -> impl IntoView {
    let job = page.job.clone();
    // A cluster's job is cancelled by who may change that cluster now; the builder's and
    // the deployer's own jobs by who may maintain them.
    let cancel_needs = if job.cluster.is_some() {
        Permission::cancel_job(page.cluster_env)
    } else {
        Permission::MaintainHosts
    };
    let may_cancel = !job.state.is_final() && page.principal.may(cancel_needs);
    let done = job
        .steps
        .iter()
        .filter(|s| matches!(s.state, StepState::Succeeded | StepState::Skipped))
        .count();
    let total = job.steps.len();
    let target = job.target.clone();
    let target_page = match &job.cluster {
        Some(cluster) => format!("/clusters/{cluster}"),
        None => format!("/{}", job.target),
    };
    let id = job.id.clone();
    view! {
        <header class="mb-4 flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-semibold tracking-tight">
                {format!("{} of ", job.kind.as_str())}
                <a href=target_page class="font-mono text-indigo-700 hover:underline dark:text-indigo-300">{target}</a>
            </h1>
            <JobStateBadge state=job.state />
            {may_cancel.then(|| view! {
                <ActionForm action=cancel>
                    <input type="hidden" name="id" value=id />
                    <Button tone=ButtonTone::Danger small=true>"Cancel"</Button>
                </ActionForm>
            })}
        </header>
        <Summary job=job.clone() changes=page.changes.clone() />
        <div class="mb-2 flex items-center gap-3 text-sm">
            <progress class="h-2 w-48" max=total value=done aria-label="Steps done"></progress>
            <span data-testid="progress">{format!("{done} of {total} steps")}</span>
        </div>
        <ol class="mb-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" aria-label="Steps">
            {job.steps.iter().cloned().map(|step| view! { <StepRow step /> }).collect_view()}
        </ol>
        {page.log_removed.map(|removed| view! {
            <p class="mb-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300" data-testid="log-removed">
                {format!(
                    "This job's log ({} lines) was removed on {}: it was older than the log retention allows.",
                    removed.lines,
                    format_utc(removed.removed_at),
                )}
            </p>
        })}
    }
}

/// The log: the page's first lines, earlier ones on demand, live ones as they come while
/// the job runs. A step's start (a typed event in the stream) refreshes the steps above.
#[component]
fn JobLog(
    id: String,
    first: LogPage,
    refresh: RwSignal<u32>,
    /// Whether the job above is shown as ended.
    page_final: Signal<bool>,
) -> impl IntoView {
    let lines = RwSignal::new(first.lines.clone());
    let earlier = RwSignal::new(first.earlier);
    let after = first.lines.last().map_or(0, |line| line.seq);
    if first.ended {
        // Nothing more will come. The job above was read apart from its log: should it
        // still show as running, it ended in between.
        Effect::new(move |_| {
            if !page_final.get_untracked() {
                refresh.update(|n| *n += 1);
            }
        });
    } else {
        live_log::follow(
            &id,
            after,
            move |line: LogLine| {
                let step_started = line.stream == Stream::Step;
                lines.update(|lines| {
                    if lines.last().is_none_or(|last| line.seq > last.seq) {
                        lines.push(line);
                    }
                });
                if step_started {
                    refresh.update(|n| *n += 1);
                }
            },
            move |_| refresh.update(|n| *n += 1),
        );
    }
    let text_log = format!("/api/v1/jobs/{id}/log");
    let job_id = id.clone();
    let load_earlier = Action::new(move |before: &i64| get_job_log(job_id.clone(), Some(*before)));
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_earlier.value().get() {
            earlier.set(page.earlier);
            lines.update(|lines| {
                let first = lines.first().map_or(i64::MAX, |line| line.seq);
                let mut older: Vec<LogLine> = page
                    .lines
                    .into_iter()
                    .filter(|line| line.seq < first)
                    .collect();
                older.append(lines);
                *lines = older;
            });
        }
    });
    // Without JavaScript the button cannot load anything; the text log always can.
    view! {
        <p class="mb-2 flex gap-3 text-sm">
            {move || earlier.get().then(|| view! {
                <button
                    type="button"
                    class="text-indigo-700 hover:underline dark:text-indigo-300"
                    on:click=move |_| {
                        let first = lines.with_untracked(|lines| lines.first().map_or(0, |line| line.seq));
                        load_earlier.dispatch(first);
                    }
                >
                    "Show earlier lines"
                </button>
            })}
            <a href=text_log class="text-slate-600 hover:underline dark:text-slate-400">"Whole log as text"</a>
        </p>
        {move || load_earlier.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <LogView lines=lines.read_only() />
    }
}

#[component]
fn Summary(job: JobView, changes: Vec<String>) -> impl IntoView {
    let timing = match (job.started_at, job.finished_at) {
        (Some(start), Some(end)) => format!("ran {}", format_duration(end - start)),
        (Some(start), None) => format!("running since {}", format_utc(start)),
        _ if job.state == JobState::AwaitingApproval => "waiting for approval".to_owned(),
        _ if job.state.is_final() => "never ran".to_owned(),
        _ if job.cluster.is_some() => "waiting for the deployment's previous job".to_owned(),
        _ => format!("waiting for the {}'s previous job", job.host),
    };
    view! {
        <p class="mb-2 text-sm text-slate-600 dark:text-slate-400">
            {format!("Requested by {} from {} on {} · {timing}", job.requested_by, trigger_text(&job), format_utc(job.created_at))}
            {job.redeploy_of.clone().map(|of| view! {
                " · repeats "
                <a href=format!("/jobs/{of}") class="hover:underline">"an earlier deploy"</a>
            })}
        </p>
        {job.error.clone().map(|error| view! {
            <p class="mb-2 text-sm text-red-700 dark:text-red-400" data-testid="job-error">{error}</p>
        })}
        {(!changes.is_empty()).then(|| view! {
            <div class="mb-4 text-sm">
                <p class="font-medium">"Changed since the previous deploy:"</p>
                <ul class="ml-5 list-disc font-mono text-xs">
                    {changes.into_iter().map(|change| view! { <li>{change}</li> }).collect_view()}
                </ul>
            </div>
        })}
    }
}

/// Where the job came from, as the summary line says it: the trigger, and what it names.
fn trigger_text(job: &JobView) -> String {
    match &job.trigger_ref {
        Some(reference) => format!("{} ({reference})", job.trigger.as_str()),
        None => job.trigger.as_str().to_owned(),
    }
}

#[component]
fn StepRow(step: StepView) -> impl IntoView {
    let (mark, colour) = match step.state {
        StepState::Pending => ("○", "text-slate-400"),
        StepState::Running => ("◐", "text-sky-600 dark:text-sky-400"),
        StepState::Succeeded => ("●", "text-emerald-600 dark:text-emerald-400"),
        StepState::Failed => ("✕", "text-red-600 dark:text-red-400"),
        StepState::Skipped => ("–", "text-slate-400"),
        StepState::Cancelled => ("⊘", "text-slate-400"),
    };
    let duration = match (step.started_at, step.finished_at) {
        (Some(start), Some(end)) => format_duration(end - start),
        _ => String::new(),
    };
    view! {
        <li class="flex items-center justify-between gap-3 px-4 py-2" data-testid="step" data-state=step.state.as_str()>
            <span>
                <span class=format!("mr-2 {colour}") aria-hidden="true">{mark}</span>
                {step.name.clone()}
            </span>
            <span class="text-xs text-slate-500">{format!("{} {duration}", step.state.as_str())}</span>
        </li>
    }
}
