//! One cluster: its arguments and subnets, its dependency versions, deploy / preview /
//! destroy, and its job history with redeploys.

use engine::model::{
    cluster::ClusterView,
    job::{JobKind, JobView},
    time::{format_duration, format_utc},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{form::ClusterFields, versions::Versions};
use crate::{
    api::{
        clusters::{
            get_cluster, ClusterPage, RemoveCluster, SetVersions, StartDeploy, StartOperation,
            UpdateCluster,
        },
        jobs::RedeployJob,
    },
    components::{
        badges::{ClusterStateBadge, JobStateBadge},
        common::ErrorNotice,
    },
};

const BUTTON: &str =
    "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500";
const QUIET: &str = "rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800";

#[component]
pub fn ClusterDetailPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let deploy = ServerAction::<StartDeploy>::new();
    let operate = ServerAction::<StartOperation>::new();
    let redeploy = ServerAction::<RedeployJob>::new();
    let remove = ServerAction::<RemoveCluster>::new();
    let update = ServerAction::<UpdateCluster>::new();
    let set_versions = ServerAction::<SetVersions>::new();
    let page = Resource::new(
        move || (name(), update.version().get(), set_versions.version().get()),
        |(name, _, _)| get_cluster(name),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        let started = deploy
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| redeploy.value().get().and_then(Result::ok))
            .or_else(|| operate.value().get().and_then(Result::ok))
            .or_else(|| remove.value().get().and_then(Result::ok).flatten());
        if let Some(job) = started {
            navigate(&format!("/jobs/{job}"), Default::default());
        } else if let Some(Ok(None)) = remove.value().get() {
            navigate("/clusters", Default::default());
        }
    });
    let failure = move || {
        [
            deploy.value().get().and_then(Result::err),
            redeploy.value().get().and_then(Result::err),
            operate.value().get().and_then(Result::err),
            remove.value().get().and_then(Result::err),
            update.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };

    view! {
        <Title text=move || format!("Cluster {}", name()) />
        {move || failure().map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <ClusterBody page deploy operate redeploy remove update set_versions />
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClusterBody(
    page: ClusterPage,
    deploy: ServerAction<StartDeploy>,
    operate: ServerAction<StartOperation>,
    redeploy: ServerAction<RedeployJob>,
    remove: ServerAction<RemoveCluster>,
    update: ServerAction<UpdateCluster>,
    set_versions: ServerAction<SetVersions>,
) -> impl IntoView {
    let cluster = page.cluster.clone();
    let name = cluster.args.name.clone();
    let editing = RwSignal::new(false);
    let (deploy_name, preview_name, remove_name) = (name.clone(), name.clone(), name.clone());
    let deployed = cluster.state != engine::model::cluster::ClusterState::New;
    // info/check reads the deployment's state, like a preview; stop and start act like a deploy.
    let operations: Vec<(&'static str, &'static str)> = [
        (page.may_preview, "info", "Check (info)"),
        (page.may_operate, "stop", "Stop"),
        (page.may_operate, "start", "Start"),
    ]
    .into_iter()
    .filter(|(allowed, _, _)| *allowed && deployed)
    .map(|(_, kind, label)| (kind, label))
    .collect();
    let operation_name = name.clone();
    let edited = cluster.clone();
    let deploy_label = if deployed {
        "Deploy"
    } else {
        "Create and deploy"
    };
    view! {
        <header class="mb-6 flex flex-wrap items-center gap-3">
            <h1 class="font-mono text-2xl font-semibold tracking-tight">{name.clone()}</h1>
            <ClusterStateBadge state=cluster.state />
        </header>
        <div class="mb-6 flex flex-wrap gap-2">
            {page.may_deploy.then(move || view! {
                <ActionForm action=deploy>
                    <input type="hidden" name="name" value=deploy_name />
                    <input type="hidden" name="preview" value="false" />
                    <button type="submit" class=BUTTON>{deploy_label}</button>
                </ActionForm>
            })}
            {page.may_preview.then(move || view! {
                <ActionForm action=deploy>
                    <input type="hidden" name="name" value=preview_name />
                    <input type="hidden" name="preview" value="true" />
                    <button type="submit" class=QUIET>"Preview (dry run)"</button>
                </ActionForm>
            })}
            {operations.into_iter().map(|(kind, label)| {
                let name = operation_name.clone();
                view! {
                    <ActionForm action=operate>
                        <input type="hidden" name="name" value=name />
                        <input type="hidden" name="kind" value=kind />
                        <button type="submit" class=QUIET>{label}</button>
                    </ActionForm>
                }
            }).collect_view()}
            {page.may_manage.then(move || view! {
                <button type="button" class=QUIET on:click=move |_| editing.update(|e| *e = !*e)>"Edit arguments"</button>
                <ActionForm action=remove>
                    <input type="hidden" name="name" value=remove_name />
                    <button type="submit" class="rounded-md border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950">
                        "Destroy"
                    </button>
                </ActionForm>
            })}
        </div>
        <Show when=move || editing.get()>
            <EditArguments cluster=edited.clone() update />
        </Show>
        <div class="grid gap-4 lg:grid-cols-2">
            <Arguments cluster=cluster.clone() />
            <Versions name=name.clone() versions=cluster.versions.clone() may_edit=page.may_manage set=set_versions />
        </div>
        <History jobs=page.jobs may_redeploy=page.may_deploy redeploy />
    }
}

#[component]
fn EditArguments(cluster: ClusterView, update: ServerAction<UpdateCluster>) -> impl IntoView {
    let initial = cluster.args.to_input();
    view! {
        <ActionForm action=update attr:class="mb-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <ClusterFields initial editing=true />
            <button type="submit" class=format!("mt-4 {BUTTON}")>"Save arguments"</button>
        </ActionForm>
    }
}

#[component]
fn Arguments(cluster: ClusterView) -> impl IntoView {
    let args = cluster.args.clone();
    let (domain, zone) = match &args.dns {
        Some(dns) => (dns.domain.clone(), dns.zone.clone()),
        None => ("— (production: DNS off)".to_owned(), "—".to_owned()),
    };
    let rows = [
        ("region", args.region.clone()),
        ("clusterIndex", args.cluster_index.to_string()),
        ("subnets", cluster.subnets().join(", ")),
        ("env", args.env.as_str().to_owned()),
        ("domain", domain),
        ("dnsZone", zone),
        (
            "created",
            format!(
                "{} by {}",
                format_utc(cluster.created_at),
                cluster.created_by
            ),
        ),
    ];
    view! {
        <section class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Arguments">
            <h2 class="mb-3 text-sm font-semibold">"Arguments"</h2>
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                {rows.into_iter().map(|(key, value)| view! {
                    <dt class="font-mono text-slate-500">{key}</dt>
                    <dd class="font-mono">{value}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}

#[component]
fn History(
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
                    <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
                        <table class="min-w-full text-left text-sm">
                            <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
                                <tr>
                                    <th scope="col" class="px-4 py-2">"Job"</th>
                                    <th scope="col" class="px-4 py-2">"Result"</th>
                                    <th scope="col" class="px-4 py-2">"Who"</th>
                                    <th scope="col" class="px-4 py-2">"When"</th>
                                    <th scope="col" class="px-4 py-2">"Duration"</th>
                                    <th scope="col" class="px-4 py-2"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                                {jobs.into_iter().map(|job| {
                                    let repeatable = may_redeploy && matches!(job.kind, JobKind::Create | JobKind::Deploy) && job.state.is_final();
                                    let duration = match (job.started_at, job.finished_at) {
                                        (Some(start), Some(end)) => format_duration(end - start),
                                        (Some(_), None) => "running".to_owned(),
                                        _ => "—".to_owned(),
                                    };
                                    let id = job.id.clone();
                                    view! {
                                        <tr data-testid="history-row">
                                            <td class="px-4 py-2"><a href=format!("/jobs/{}", job.id) class="text-indigo-700 hover:underline dark:text-indigo-300">{job.kind.as_str()}</a></td>
                                            <td class="px-4 py-2"><JobStateBadge state=job.state /></td>
                                            <td class="px-4 py-2">{job.requested_by.clone()}</td>
                                            <td class="px-4 py-2">{format_utc(job.created_at)}</td>
                                            <td class="px-4 py-2">{duration}</td>
                                            <td class="px-4 py-2 text-right">
                                                {repeatable.then(|| view! {
                                                    <ActionForm action=redeploy>
                                                        <input type="hidden" name="id" value=id />
                                                        <button type="submit" class="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800">"Redeploy"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
