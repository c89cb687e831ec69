//! Every cluster with its arguments, state and latest job.

use engine::model::time::format_utc;
use leptos::prelude::*;

use crate::{
    api::clusters::{list_clusters, ClusterRow},
    components::{
        badges::{ClusterStateBadge, JobStateBadge},
        common::{EmptyState, ErrorNotice, PageHeader},
    },
};

#[component]
pub fn ClustersPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| list_clusters());
    view! {
        <PageHeader
            title="Clusters"
            summary="The NixOps deployments run from the deployer: their arguments, versions and deploys."
        />
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let may_manage = page.may_manage;
                        view! {
                            {may_manage.then(|| view! {
                                <p class="mb-4">
                                    <a href="/clusters/new" class="inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
                                        "New cluster"
                                    </a>
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
                                view! { <ClusterTable rows=page.clusters /> }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClusterTable(rows: Vec<ClusterRow>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
                    <tr>
                        <th scope="col" class="px-4 py-2">"Name"</th>
                        <th scope="col" class="px-4 py-2">"Environment"</th>
                        <th scope="col" class="px-4 py-2">"Region"</th>
                        <th scope="col" class="px-4 py-2">"Index"</th>
                        <th scope="col" class="px-4 py-2">"State"</th>
                        <th scope="col" class="px-4 py-2">"Latest job"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">
                    {rows.into_iter().map(|row| {
                        let cluster = row.cluster;
                        let name = cluster.args.name.clone();
                        let env = cluster.args.env.as_str();
                        view! {
                            <tr>
                                <td class="px-4 py-2 font-mono font-medium">
                                    <a href=format!("/clusters/{name}") class="text-indigo-700 hover:underline dark:text-indigo-300">{name.clone()}</a>
                                </td>
                                <td class="px-4 py-2">{env}</td>
                                <td class="px-4 py-2">{cluster.args.region.clone()}</td>
                                <td class="px-4 py-2">{cluster.args.cluster_index}</td>
                                <td class="px-4 py-2"><ClusterStateBadge state=cluster.state /></td>
                                <td class="px-4 py-2">
                                    {row.latest_job.map(|job| view! {
                                        <a href=format!("/jobs/{}", job.id) class="mr-2 hover:underline">{job.kind.as_str()}</a>
                                        <JobStateBadge state=job.state />
                                        <span class="ml-2 text-xs text-slate-500">{format_utc(job.created_at)}</span>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
