//! Every cluster with its arguments, state and latest job.

use engine::model::{access::Action, time::format_utc};
use leptos::prelude::*;

use crate::{
    api::clusters::{list_clusters, ClusterRow, ClustersPage as Page},
    components::common::{
        button_class, ButtonTone, ClusterStateBadge, EmptyState, JobStateBadge, Loaded, PageHeader,
        Table, CELL,
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
        <Loaded resource=page view={|page: Page| view! {
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
                view! { <ClusterTable rows=page.clusters /> }.into_any()
            }}
        }} />
    }
}

#[component]
fn ClusterTable(rows: Vec<ClusterRow>) -> impl IntoView {
    view! {
        <Table label="Clusters" headers=vec!["Name", "Environment", "Region", "Index", "State", "Latest job"]>
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
