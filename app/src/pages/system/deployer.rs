//! The Deployer page: the host that runs NixOps, how nixdeck reaches it, and what is known
//! to keep commands from running there (with how to fix it).

use engine::model::host::HostView;
use leptos::prelude::*;

use crate::{
    api::system::get_host,
    components::common::{Facts, Loaded, PageHeader, PANEL},
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
    let rows = vec![
        ("reached as", host.address.clone()),
        ("NixOps root", host.work_dir.clone()),
    ];
    let problems = host.problems.clone();
    view! {
        <section class=PANEL aria-label="Connection">
            <Facts rows />
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
