//! The Deployer page: the host that runs NixOps, how nixdeck reaches it and what is known
//! to keep commands from running there (with how to fix it); what NixOps there knows, with
//! the deployments nixdeck does not manage yet ready to adopt; and the deployer's own
//! deploy, for admins, with its history.

use engine::model::{
    access::Action,
    deployer::{DeployerView, KnownDeployment},
    host::HostView,
    time::format_utc,
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::host_jobs::HostJobs;
use crate::{
    api::fetcher::boxed,
    api::hosts::{get_deployer, AdoptDeployment, DeployDeployer, DeployerPage},
    components::common::{
        format_age, format_bytes, Badge, Button, ButtonTone, ErrorNotice, Facts, Loaded,
        PageHeader, Table, Tone, CELL, PANEL,
    },
};

#[component]
pub fn DeployerPage() -> impl IntoView {
    let adopt = ServerAction::<AdoptDeployment>::new();
    let deploy = ServerAction::<DeployDeployer>::new();
    let page = Resource::new(|| (), |_| boxed(get_deployer()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(cluster)) = adopt.value().get() {
            navigate(&format!("/clusters/{cluster}"), Default::default());
        } else if let Some(Ok(job)) = deploy.value().get() {
            navigate(&format!("/jobs/{job}"), Default::default());
        }
    });
    let failure = move || {
        adopt
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| deploy.value().get().and_then(Result::err))
    };
    view! {
        <PageHeader
            title="Deployer"
            summary="The NixOS host that holds the NixOps state and runs every deploy."
        />
        <div data-testid="deployer-action-error">
            {move || failure().map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        </div>
        <Loaded resource=page view={move |page: DeployerPage| view! { <DeployerBody page adopt deploy /> }} />
    }
}

#[component]
fn DeployerBody(
    page: DeployerPage,
    adopt: ServerAction<AdoptDeployment>,
    deploy: ServerAction<DeployDeployer>,
) -> impl IntoView {
    let may_adopt = page.principal.may(Action::ManageClusters);
    let may_deploy = page.principal.may(Action::MaintainHosts);
    view! {
        <HostCard host=page.host />
        <NixOps deployer=page.deployer.clone() now=page.now />
        <Deployments deployments=page.deployer.deployments may_adopt adopt />
        {may_deploy.then(|| view! {
            <section class=format!("{PANEL} mt-4") aria-label="Deploy the deployer">
                <h2 class="mb-1 text-sm font-semibold">"Deploy the deployer"</h2>
                <p class="mb-2 text-sm text-slate-600 dark:text-slate-400">
                    "Runs nixops deploy -d deployer in the deployer's own checkout. It waits for the cluster jobs running now, and no other job starts while it runs."
                </p>
                <ActionForm action=deploy>
                    <Button>"Deploy the deployer"</Button>
                </ActionForm>
            </section>
        })}
        <HostJobs jobs=page.jobs empty="The deployer has not been deployed from nixdeck yet." />
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

/// NixOps' version, the state's volume and last commit, and the agent.
#[component]
fn NixOps(deployer: DeployerView, now: i64) -> impl IntoView {
    let unknown = || "unknown".to_owned();
    let agent = deployer.agent.clone().map_or_else(unknown, |agent| {
        let state = if agent.running {
            "running"
        } else {
            "not running"
        };
        match agent.version {
            Some(version) => format!("{state} · {version}"),
            None => state.to_owned(),
        }
    });
    let rows = vec![
        (
            "NixOps",
            deployer.nixops_version.clone().unwrap_or_else(unknown),
        ),
        (
            "state free",
            deployer.state_free_bytes.map_or_else(unknown, format_bytes),
        ),
        (
            "state committed",
            deployer.state_committed_at.map_or_else(
                || "never (or unknown)".to_owned(),
                |at| format!("{} ({})", format_age(at, now), format_utc(at)),
            ),
        ),
        ("Buildkite agent", agent),
    ];
    view! {
        <section class=format!("{PANEL} mt-4") aria-label="NixOps" data-testid="deployer-facts">
            <h2 class="mb-2 text-sm font-semibold">"NixOps"</h2>
            {deployer.error.clone().map(|error| view! {
                <p class="mb-2 text-sm text-red-700 dark:text-red-400" role="alert" data-testid="deployer-error">
                    {format!("The deployer could not be read: {error}")}
                </p>
            })}
            <Facts rows />
        </section>
    }
}

/// The deployments NixOps knows; those nixdeck does not manage can be adopted.
#[component]
fn Deployments(
    deployments: Vec<KnownDeployment>,
    may_adopt: bool,
    adopt: ServerAction<AdoptDeployment>,
) -> impl IntoView {
    view! {
        <section class="mt-4" aria-label="Deployments">
            <h2 class="mb-1 text-sm font-semibold">"Deployments NixOps knows"</h2>
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                "Adopting a deployment reads its arguments and dependency versions from nixops export and records it as a cluster, running nothing."
            </p>
            {deployments.is_empty().then(|| view! {
                <p class="text-sm text-slate-600 dark:text-slate-400">"None known."</p>
            })}
            <Table label="Deployments" headers=vec!["Deployment", "In nixdeck", ""]>
                {deployments.into_iter().map(|deployment| {
                    let name = deployment.name.clone();
                    let (row_name, shown) = (name.clone(), name.clone());
                    view! {
                        <tr data-testid="deployment-row" data-name=row_name>
                            <td class=format!("{CELL} font-mono")>{shown}</td>
                            <td class=CELL>
                                {if deployment.managed {
                                    view! { <Badge tone=Tone::Good text="managed" testid="deployment-managed" /> }.into_any()
                                } else {
                                    view! { <Badge tone=Tone::Plain text="not managed" testid="deployment-managed" /> }.into_any()
                                }}
                            </td>
                            <td class=format!("{CELL} text-right")>
                                {(may_adopt && !deployment.managed).then(|| view! {
                                    <ActionForm action=adopt>
                                        <input type="hidden" name="deployment" value=name />
                                        <Button tone=ButtonTone::Quiet small=true>"Adopt"</Button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </Table>
        </section>
    }
}
