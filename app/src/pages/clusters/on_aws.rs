//! A cluster as AWS sees it: its health and why, its machines (and the expected ones it
//! lacks), and its DNS records (staging). It loads after the page, so a slow or unreachable
//! AWS holds nothing else back, and a part AWS could not give shows why in its place.

use engine::model::{
    cloud::{ClusterHealth, DnsView, MachinesView, OnAws as OnAwsView, RecordStatus},
    failure::Failure,
    time::format_utc,
};
use leptos::prelude::*;

use crate::{
    api::clusters::get_on_aws,
    api::fetcher::boxed,
    components::common::{button_class, ButtonTone, ErrorNotice, HealthBadge, Loaded, PANEL},
};

#[component]
pub fn OnAws(name: String) -> impl IntoView {
    // Bumped by "Refresh": every part reads AWS again instead of its short memory.
    let refreshes = RwSignal::new(0u32);
    let key = {
        let name = name.clone();
        move || (name.clone(), refreshes.get())
    };
    let on_aws = Resource::new(key, |(name, n)| boxed(get_on_aws(name, n > 0)));
    view! {
        <section class=format!("{PANEL} mt-4") aria-label="On AWS" data-testid="on-aws">
            <header class="mb-3 flex items-center gap-3">
                <h2 class="text-sm font-semibold">"On AWS"</h2>
                <button type="button" class=button_class(ButtonTone::Quiet, true) on:click=move |_| refreshes.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </header>
            <Loaded resource=on_aws view=|on: OnAwsView| view! {
                <Health health=on.health />
                <h3 class="mb-2 mt-4 text-sm font-semibold">"Machines"</h3>
                {part(on.machines, |view| view! { <Machines view /> })}
                <h3 class="mb-2 mt-4 text-sm font-semibold">"DNS"</h3>
                {part(on.dns, |view| view! { <Dns view /> })}
            } />
        </section>
    }
}

/// A part as read, or why AWS could not give it.
fn part<T, V: IntoView + 'static>(read: Result<T, Failure>, show: impl FnOnce(T) -> V) -> AnyView {
    match read {
        Ok(data) => show(data).into_any(),
        Err(failure) => view! { <ErrorNotice message=failure.to_string() /> }.into_any(),
    }
}

#[component]
fn Health(health: ClusterHealth) -> impl IntoView {
    view! {
        <div class="flex flex-wrap items-center gap-2 text-sm">
            <HealthBadge state=health.status />
            <span class="text-xs text-slate-500">
                {health.checked_at.map(|at| format!("checked {}", format_utc(at)))}
            </span>
        </div>
        <ul class="mt-1 list-disc pl-5 text-sm text-slate-600 dark:text-slate-400" data-testid="health-reasons">
            {health.reasons.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}
        </ul>
    }
}

/// The heading row of a compact table.
#[component]
fn Headings(names: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead class="text-xs uppercase text-slate-500">
            <tr>
                {names.iter().map(|name| view! { <th scope="col" class="py-1 pr-3">{*name}</th> }).collect_view()}
            </tr>
        </thead>
    }
}

#[component]
fn Machines(view: MachinesView) -> impl IntoView {
    let missing = view.missing.clone();
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm" aria-label="Machines">
                <Headings names=&["Machine", "Instance", "State", "Type", "Zone", "Private IP", "Public IP", "Launched"] />
                <tbody class="divide-y divide-slate-100 font-mono text-xs dark:divide-slate-800">
                    {view.machines.into_iter().map(|m| view! {
                        <tr data-testid=format!("machine-{}", &m.name)>
                            <td class="py-1 pr-3">{m.name.clone()}</td>
                            <td class="py-1 pr-3">{m.instance_id}</td>
                            <td class="py-1 pr-3">{m.state}</td>
                            <td class="py-1 pr-3">{m.instance_type}</td>
                            <td class="py-1 pr-3">{m.availability_zone}</td>
                            <td class="py-1 pr-3">{m.private_ip}</td>
                            <td class="py-1 pr-3">{m.public_ip}</td>
                            <td class="py-1 pr-3">{m.launched_at.map(format_utc)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!missing.is_empty()).then(|| view! {
            <p class="mt-2 text-sm text-amber-700 dark:text-amber-400" data-testid="missing-machines">
                {format!("Missing: {}", missing.join(", "))}
            </p>
        })}
    }
}

#[component]
fn Dns(view: DnsView) -> impl IntoView {
    if !view.enabled {
        return view! {
            <p class="text-sm text-slate-500" data-testid="dns-off">
                "Production clusters have no DNS: no Route53 records and no per-machine host names."
            </p>
        }
        .into_any();
    }
    view! {
        <p class="mb-1 text-xs text-slate-500">{format!("Zone {}", view.zone.unwrap_or_default())}</p>
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm" aria-label="DNS records">
                <Headings names=&["Name", "Type", "Expected", "Actual", "Status"] />
                <tbody class="divide-y divide-slate-100 font-mono text-xs dark:divide-slate-800">
                    {view.records.into_iter().map(|r| {
                        let tone = match r.status {
                            RecordStatus::Ok => "text-emerald-700 dark:text-emerald-400",
                            RecordStatus::Missing | RecordStatus::Stale => "text-red-700 dark:text-red-400",
                        };
                        view! {
                            <tr data-testid=format!("dns-{}", &r.name)>
                                <td class="py-1 pr-3">{r.name.clone()}</td>
                                <td class="py-1 pr-3">{r.record_type.as_str()}</td>
                                <td class="py-1 pr-3">{r.expected}</td>
                                <td class="py-1 pr-3">{r.actual}</td>
                                <td class=format!("py-1 pr-3 {tone}") data-testid="dns-status">{r.status.as_str()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
