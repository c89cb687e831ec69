//! The form for a new cluster. It suggests the lowest free index; on success it opens the
//! new cluster's page.

use engine::model::cluster::{lowest_free_index, ClusterInput};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::form::ClusterFields;
use crate::{
    api::clusters::{taken_cluster_indexes, CreateCluster},
    api::fetcher::boxed,
    components::common::{Button, ErrorNotice, Loaded, PageHeader, PANEL},
};

#[component]
pub fn NewClusterPage() -> impl IntoView {
    let taken = Resource::new(|| (), |()| boxed(taken_cluster_indexes()));
    let create = ServerAction::<CreateCluster>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(name)) = create.value().get() {
            navigate(&format!("/clusters/{name}"), Default::default());
        }
    });
    view! {
        <PageHeader
            title="New cluster"
            summary="A NixOps deployment of deployments/cluster.nix, created on the deployer by its first deploy."
        />
        <Loaded resource=taken view={move |taken: Vec<u8>| {
            let suggested = lowest_free_index(&taken).unwrap_or(1);
            let initial = ClusterInput {
                cluster_index: i64::from(suggested),
                ..ClusterInput::default()
            };
            view! {
                <ActionForm action=create attr:class=PANEL>
                    <ClusterFields initial editing=false />
                    <p class="mt-1 text-xs text-slate-500">
                        {format!("Index {suggested} is the lowest one free on this deployer.")}
                    </p>
                    <div class="mt-4"><Button>"Create cluster"</Button></div>
                </ActionForm>
            }
        }} />
        {move || create.value().get().and_then(Result::err).map(|error| view! {
            <div class="mt-4"><ErrorNotice message=error.to_string() /></div>
        })}
    }
}
