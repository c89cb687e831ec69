//! The Deployer page: the host that runs NixOps, how nixdeck reaches it, and what is known
//! to keep commands from running there (with how to fix it).

use engine::model::host::HostView;
use leptos::prelude::*;

use crate::{
    api::system::get_host,
    components::common::{Loaded, PageHeader},
};

#[component]
pub fn DeployerPage() -> impl IntoView {
    let host = Resource::new(|| (), |_| get_host("deployer".to_owned()));
    view! {
        <PageHeader
            title="Deployer"
            summary="The NixOS host that holds the NixOps state and runs every deploy."
        />
        <Loaded resource=host view={|host: HostView| view! { <HostCard host /> }} />
    }
}

#[component]
fn HostCard(host: HostView) -> impl IntoView {
    let rows = [
        ("reached as", host.address.clone()),
        ("NixOps root", host.work_dir.clone()),
    ];
    let problems = host.problems.clone();
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Connection">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                {rows.into_iter().map(|(key, value)| view! {
                    <dt class="text-slate-500">{key}</dt>
                    <dd class="font-mono">{value}</dd>
                }).collect_view()}
            </dl>
            {if problems.is_empty() {
                view! {
                    <p class="mt-3 text-sm text-emerald-700 dark:text-emerald-400" data-testid="deployer-ready">
                        "Nothing is known to keep deploys from running."
                    </p>
                }.into_any()
            } else {
                view! {
                    <div class="mt-3" role="alert" data-testid="deployer-problems">
                        <p class="text-sm font-medium text-red-700 dark:text-red-400">"Deploys cannot run here yet:"</p>
                        <ul class="ml-5 list-disc text-sm text-red-700 dark:text-red-400">
                            {problems.into_iter().map(|problem| view! { <li>{problem}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
