//! The clusters list, a page at a time in name order: each cluster's arguments that tell it
//! apart, its state, its health and its latest job. Health comes from AWS, so it loads after
//! the list and never holds it back.

use std::collections::BTreeMap;

use engine::model::{
    access::Action,
    cloud::ClusterHealth,
    cluster::{ClusterListing, ClusterSummary},
    time::format_utc,
    url_encoding::encode_query_value,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::fetcher::boxed,
    api::{
        clusters::{list_cluster_healths, list_clusters, ClustersPage as Page},
        ApiError,
    },
    components::common::{
        button_class, ButtonTone, ClusterStateBadge, EmptyState, HealthBadge, JobStateBadge,
        Loaded, PageHeader, Table, CELL,
    },
};

type Healths = Resource<Result<BTreeMap<String, ClusterHealth>, ApiError>>;

const LINK: &str = "text-indigo-700 hover:underline dark:text-indigo-300";

#[component]
pub fn ClustersPage() -> impl IntoView {
    let params = use_query_map();
    // The page's address names where it starts (`?after=` or `?before=`).
    let cursor = Memo::new(move |_| {
        let params = params.read();
        (params.get("after"), params.get("before"))
    });
    let page = Resource::new(
        move || cursor.get(),
        |(after, before)| boxed(list_clusters(after, before)),
    );
    let healths: Healths = Resource::new(
        move || cursor.get(),
        |(after, before)| boxed(list_cluster_healths(after, before)),
    );
    let paged = move || {
        let (after, before) = cursor.get_untracked();
        after.is_some() || before.is_some()
    };
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
            {match (page.listing.clusters.is_empty(), paged()) {
                (true, false) => view! {
                    <EmptyState
                        title="No clusters yet"
                        body="Clusters you create appear here with their region, index, environment and the state of their last deploy."
                    />
                }.into_any(),
                (true, true) => view! {
                    <p class="rounded-lg border border-dashed border-slate-300 p-8 text-center text-sm dark:border-slate-700">
                        "No clusters on this page. "
                        <a href="/clusters" class=LINK>"First page"</a>
                    </p>
                }.into_any(),
                (false, _) => view! { <ClusterList listing=page.listing healths /> }.into_any(),
            }}
        }} />
    }
}

#[component]
fn ClusterList(listing: ClusterListing, healths: Healths) -> impl IntoView {
    let previous = listing
        .previous_before
        .map(|name| format!("/clusters?before={}", encode_query_value(&name, false)));
    let next = listing
        .next_after
        .map(|name| format!("/clusters?after={}", encode_query_value(&name, false)));
    let pager = (previous.is_some() || next.is_some()).then(|| view! {
        <nav aria-label="Pages of clusters" class="mt-4 flex justify-between text-sm">
            <span>{previous.map(|href| view! { <a href=href class=LINK>"← Previous clusters"</a> })}</span>
            <span>{next.map(|href| view! { <a href=href class=LINK>"Next clusters →"</a> })}</span>
        </nav>
    });
    let clusters = listing.clusters;
    let waiting = clusters.clone();
    // One boundary for the whole page's health: the rows show at once with their health
    // pending, and are drawn again, whole, once AWS has answered. (A boundary per row cost
    // the server a reactive owner and a suspense per row on every load.)
    view! {
        <Table label="Clusters" headers=vec!["Name", "Environment", "Region", "Index", "State", "Health", "Latest job"]>
            <Suspense fallback=move || cluster_rows(&waiting, &Health::Pending)>
                {move || {
                    let clusters = clusters.clone();
                    Suspend::new(async move {
                        let health = match healths.await {
                            Ok(healths) => Health::Read(healths),
                            Err(error) => Health::Unknown(error.to_string()),
                        };
                        cluster_rows(&clusters, &health)
                    })
                }}
            </Suspense>
        </Table>
        {pager}
    }
}

/// What is known of the page's health.
enum Health {
    Pending,
    Read(BTreeMap<String, ClusterHealth>),
    /// AWS could not be read, and why.
    Unknown(String),
}

fn cluster_rows(clusters: &[ClusterSummary], health: &Health) -> impl IntoView {
    clusters
        .iter()
        .map(|cluster| cluster_row(cluster, health))
        .collect_view()
}

fn cluster_row(cluster: &ClusterSummary, health: &Health) -> impl IntoView {
    let name = &cluster.name;
    let latest_job = cluster.latest_job.clone().map(|job| {
        view! {
            <a href=format!("/jobs/{}", job.id) class="mr-2 hover:underline">{job.kind.as_str()}</a>
            <JobStateBadge state=job.state />
            <span class="ml-2 text-xs text-slate-500">{format_utc(job.created_at)}</span>
        }
    });
    view! {
        <tr>
            <td class=format!("{CELL} font-mono font-medium")>
                <a href=format!("/clusters/{name}") class=LINK>{name.clone()}</a>
            </td>
            <td class=CELL>{cluster.env.as_str()}</td>
            <td class=CELL>{cluster.region.clone()}</td>
            <td class=CELL>{cluster.cluster_index}</td>
            <td class=CELL><ClusterStateBadge state=cluster.state /></td>
            <td class=CELL>{health_cell(name, health)}</td>
            <td class=CELL>{latest_job}</td>
        </tr>
    }
}

/// One cluster's health; why AWS could not be read if it could not.
fn health_cell(name: &str, health: &Health) -> AnyView {
    match health {
        Health::Pending => view! { <span class="text-xs text-slate-500">"…"</span> }.into_any(),
        Health::Read(healths) => healths
            .get(name)
            .map(|health| {
                let why = health.reasons.join("; ");
                view! { <span title=why><HealthBadge state=health.status /></span> }
            })
            .into_any(),
        Health::Unknown(why) => view! {
            <span class="text-xs text-slate-500" title=why.clone()>"unknown"</span>
        }
        .into_any(),
    }
}
