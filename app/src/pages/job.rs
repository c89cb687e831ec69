//! One job: its steps with their state and duration, a progress indicator, what changed
//! since the cluster's previous deploy, its log (live while it runs) and a cancel button.

use engine::model::{
    job::{JobState, JobView, LogLine, StepState, StepView},
    time::{format_duration, format_utc},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::jobs::{get_job, CancelJob, JobPage},
    components::{badges::JobStateBadge, common::ErrorNotice, log_view::LogView},
    live_log,
};

#[component]
pub fn JobDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let cancel = ServerAction::<CancelJob>::new();
    // Refetched when the job ends or a step starts, so the steps stay current.
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(
        move || (id(), cancel.version().get(), refresh.get()),
        |(id, _, _)| get_job(id),
    );
    view! {
        <Title text="Job" />
        {move || cancel.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <JobBody page cancel refresh /> }.into_any(),
                    Err(error) => view! { <ErrorNotice message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn JobBody(
    page: JobPage,
    cancel: ServerAction<CancelJob>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let job = page.job.clone();
    let (lines, set_lines) = signal(page.log.clone());
    if !job.state.is_final() {
        let after = page.log.last().map_or(0, |line| line.seq);
        live_log::follow(
            &job.id,
            after,
            move |line: LogLine| {
                let step_started = line.text.starts_with('▶');
                set_lines.update(|lines| {
                    if lines.last().is_none_or(|last| line.seq > last.seq) {
                        lines.push(line);
                    }
                });
                if step_started {
                    refresh.update(|n| *n += 1);
                }
            },
            move |_state: JobState| refresh.update(|n| *n += 1),
        );
    }
    let done = job
        .steps
        .iter()
        .filter(|s| matches!(s.state, StepState::Succeeded | StepState::Skipped))
        .count();
    let total = job.steps.len();
    let cluster = job.cluster.clone();
    let may_cancel = page.may_cancel && !job.state.is_final();
    let id = job.id.clone();
    view! {
        <header class="mb-4 flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-semibold tracking-tight">
                {format!("{} of ", job.kind.as_str())}
                <a href=format!("/clusters/{cluster}") class="font-mono text-indigo-700 hover:underline dark:text-indigo-300">{cluster.clone()}</a>
            </h1>
            <JobStateBadge state=job.state />
            {may_cancel.then(|| view! {
                <ActionForm action=cancel>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="rounded-md border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950">
                        "Cancel"
                    </button>
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
        <LogView lines />
    }
}

#[component]
fn Summary(job: JobView, changes: Vec<String>) -> impl IntoView {
    let timing = match (job.started_at, job.finished_at) {
        (Some(start), Some(end)) => format!("ran {}", format_duration(end - start)),
        (Some(start), None) => format!("running since {}", format_utc(start)),
        _ => "waiting for the deployment's previous job".to_owned(),
    };
    view! {
        <p class="mb-2 text-sm text-slate-600 dark:text-slate-400">
            {format!("Requested by {} on {} · {timing}", job.requested_by, format_utc(job.created_at))}
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
