//! The overview: where to go next, whether nixdeck itself is healthy, and what waits for
//! a second admin.

use engine::model::health::{HealthReport, HealthStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use super::awaiting_approval::AwaitingApprovalSection;
use crate::{
    api::fetcher::boxed,
    api::{jobs::get_job_activity, system::get_health},
    components::{
        charts::{JobsPerDay, DAYS_SHOWN},
        common::{ErrorNotice, PageHeader},
    },
};

/// The sections a person is most likely to want, with what each holds.
const SHORTCUTS: [(&str, &str, &str); 5] = [
    (
        "/clusters",
        "Clusters",
        "Create, configure and deploy NixOps clusters.",
    ),
    (
        "/deployer",
        "Deployer",
        "The host that holds the NixOps state and runs deploys.",
    ),
    (
        "/builder",
        "Builder",
        "The macOS build machine and its agent.",
    ),
    (
        "/secrets",
        "Secrets",
        "The secrets the machines read at boot.",
    ),
    ("/audit", "Audit", "Who did what, when, and from where."),
];

#[component]
pub fn HomePage() -> impl IntoView {
    let health = Resource::new(|| (), |_| boxed(get_health()));

    view! {
        <PageHeader
            title="Overview"
            summary="Deploy and operate the NixOS clusters run from your deployer."
        />
        <section aria-labelledby="status-heading" class="mb-8">
            <h2 id="status-heading" class="mb-3 text-lg font-semibold">"System status"</h2>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Checking…"</p> }>
                {move || Suspend::new(async move {
                    match health.await {
                        Ok(report) => view! { <HealthCard report /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice message=format!("The status could not be read: {error}") />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <AwaitingApprovalSection />
        <ActivitySection />
        <section aria-labelledby="sections-heading">
            <h2 id="sections-heading" class="mb-3 text-lg font-semibold">"Sections"</h2>
            <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {SHORTCUTS
                    .into_iter()
                    .map(|(href, name, text)| {
                        view! {
                            <li>
                                <A
                                    href=href
                                    attr:class="block h-full rounded-lg border border-slate-200 bg-white p-4 hover:border-indigo-400 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-indigo-500"
                                >
                                    <span class="font-medium">{name}</span>
                                    <span class="mt-1 block text-sm text-slate-600 dark:text-slate-400">
                                        {text}
                                    </span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The jobs that ended on each of the last `DAYS_SHOWN` days.
#[component]
fn ActivitySection() -> impl IntoView {
    let activity = Resource::new(|| (), |_| boxed(get_job_activity()));
    view! {
        <section aria-labelledby="activity-heading" class="mb-8">
            <h2 id="activity-heading" class="mb-3 text-lg font-semibold">{format!("Jobs in the last {DAYS_SHOWN} days")}</h2>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match activity.await {
                        Ok(days) => view! { <JobsPerDay days /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice message=format!("The activity could not be read: {error}") />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One line per dependency: the database now, the deployer and AWS later.
#[component]
fn HealthCard(report: HealthReport) -> impl IntoView {
    let healthy = report.status == HealthStatus::Ok;
    let database = report.database;
    let dot = if healthy {
        "h-2 w-2 rounded-full bg-emerald-500"
    } else {
        "h-2 w-2 rounded-full bg-red-500"
    };
    let summary = if database.reachable {
        format!("{} reachable ({} ms)", database.engine, database.latency_ms)
    } else {
        format!("{} unreachable", database.engine)
    };
    view! {
        <dl class="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 dark:border-slate-800 dark:bg-slate-900">
            <div>
                <dt class="text-xs uppercase tracking-wide text-slate-500">"Database"</dt>
                <dd class="mt-1 flex items-center gap-2 text-sm">
                    <span aria-hidden="true" class=dot></span>
                    {summary}
                </dd>
            </div>
            <div>
                <dt class="text-xs uppercase tracking-wide text-slate-500">"Version"</dt>
                <dd class="mt-1 text-sm">{report.version}</dd>
            </div>
        </dl>
    }
}
