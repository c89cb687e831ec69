//! Every cluster with its arguments, state, health and latest job. Health comes from AWS,
//! so it loads after the list and never holds it back.

use std::collections::BTreeMap;

use engine::model::{access::Action, cloud::ClusterHealth, time::format_utc};
use leptos::prelude::*;

use crate::{
    api::{
        clusters::{list_cluster_healths, list_clusters, ClusterRow, ClustersPage as Page},
        ApiError,
    },
    components::common::{
        button_class, ButtonTone, ClusterStateBadge, EmptyState, HealthBadge, JobStateBadge,
        Loaded, PageHeader, Table, CELL,
    },
};

type Healths = Resource<Result<BTreeMap<String, ClusterHealth>, ApiError>>;

#[component]
pub fn ClustersPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| list_clusters());
    let healths: Healths = Resource::new(|| (), |()| list_cluster_healths());
    view! {
        <PageHeader
            title="Clusters"
            summary="The NixOps deployments run from the deployer: their arguments, versions and deploys."
        />
        <Loaded resource=page view={move |page: Page| view! {
            {page.principal.may(Action::ManageClusters).then(|| view! {
                <p class="mb-4">
                    <a href="/clusters/new" class=button_class(ButtonTone::Primary, false)>"New cluster"</a>
                </p>
            })}
            {if page.clusters.is_empty() {
                view! {
                    <EmptyState
                        title="No clusters yet"
                        body="Clusters you create appear here with their region, index, environment and the state of their last deploy."
                    />
                }.into_any()
            } else {
                view! { <ClusterTable rows=page.clusters healths /> }.into_any()
            }}
        }} />
    }
}

#[component]
fn ClusterTable(rows: Vec<ClusterRow>, healths: Healths) -> impl IntoView {
    view! {
        <Table label="Clusters" headers=vec!["Name", "Environment", "Region", "Index", "State", "Health", "Latest job"]>
            {rows.into_iter().map(|row| {
                let cluster = row.cluster;
                let name = cluster.args.name.clone();
                view! {
                    <tr>
                        <td class=format!("{CELL} font-mono font-medium")>
                            <a href=format!("/clusters/{name}") class="text-indigo-700 hover:underline dark:text-indigo-300">{name.clone()}</a>
                        </td>
                        <td class=CELL>{cluster.args.env.as_str()}</td>
                        <td class=CELL>{cluster.args.region.clone()}</td>
                        <td class=CELL>{cluster.args.cluster_index}</td>
                        <td class=CELL><ClusterStateBadge state=cluster.state /></td>
                        <td class=CELL><HealthCell name=name.clone() healths /></td>
                        <td class=CELL>
                            {row.latest_job.map(|job| view! {
                                <a href=format!("/jobs/{}", job.id) class="mr-2 hover:underline">{job.kind.as_str()}</a>
                                <JobStateBadge state=job.state />
                                <span class="ml-2 text-xs text-slate-500">{format_utc(job.created_at)}</span>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

/// One cluster's health once every cluster's has been read; why AWS could not be read if
/// it could not.
#[component]
fn HealthCell(name: String, healths: Healths) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <span class="text-xs text-slate-500">"…"</span> }>
            {move || {
                let name = name.clone();
                Suspend::new(async move {
                    match healths.await {
                        Ok(healths) => healths.get(&name).map(|health| {
                            let why = health.reasons.join("; ");
                            view! { <span title=why><HealthBadge state=health.status /></span> }
                        }).into_any(),
                        Err(error) => view! {
                            <span class="text-xs text-slate-500" title=error.to_string()>"unknown"</span>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
