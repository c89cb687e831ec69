//! The cluster form, for a new cluster and for editing one. The model's rules run in the
//! browser as the person types (the same code the server runs before storing anything),
//! the subnets of the chosen index are shown, and production's DNS rule is explained.

use engine::model::{
    access::Environment,
    cluster::{subnets, ClusterInput, DEFAULT_DNS_ZONE, DEFAULT_REGION, REGIONS},
};
use leptos::prelude::*;

use crate::components::common::FIELD;

const LABEL: &str = "block text-xs font-medium text-slate-600 dark:text-slate-400";

/// The fields, named `input[...]` as the server functions take them.
#[component]
pub fn ClusterFields(
    /// The starting values (a new cluster's defaults, or the cluster's current ones).
    initial: ClusterInput,
    /// Editing: the name is fixed.
    editing: bool,
) -> impl IntoView {
    let name = RwSignal::new(initial.name.clone());
    let region = RwSignal::new(if initial.region.is_empty() {
        DEFAULT_REGION.to_owned()
    } else {
        initial.region.clone()
    });
    let index = RwSignal::new(initial.cluster_index.to_string());
    let env = RwSignal::new(if initial.env.is_empty() {
        "staging".to_owned()
    } else {
        initial.env.clone()
    });
    let domain = RwSignal::new(initial.domain.clone());
    let zone = RwSignal::new(if initial.dns_zone.is_empty() {
        DEFAULT_DNS_ZONE.to_owned()
    } else {
        initial.dns_zone.clone()
    });
    let checked = Memo::new(move |_| {
        ClusterInput {
            name: name.get(),
            region: region.get(),
            cluster_index: index.get().trim().parse().unwrap_or(0),
            env: env.get(),
            domain: domain.get(),
            dns_zone: zone.get(),
        }
        .validate()
    });
    let production = move || env.get() == "production";
    let subnet_text = move || match checked.get() {
        Ok(args) => subnets(args.cluster_index).join(", "),
        Err(_) => index
            .get()
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|i| (1..=25).contains(i))
            .map(|i| subnets(i).join(", "))
            .unwrap_or_else(|| "—".to_owned()),
    };
    let bind = |signal: RwSignal<String>| move |event| signal.set(event_target_value(&event));
    view! {
        <div class="grid gap-4 sm:grid-cols-2">
            <label class=LABEL>
                "Name"
                <input
                    name="input[name]"
                    class=FIELD
                    required
                    readonly=editing
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=bind(name)
                />
                <span class="mt-1 block font-normal text-slate-500">"Lowercase letters, digits and dashes; it names the NixOps deployment."</span>
            </label>
            <label class=LABEL>
                "Region"
                <select name="input[region]" class=FIELD on:change=bind(region)>
                    {REGIONS.into_iter().map(|r| view! {
                        <option value=r selected=move || region.get() == r>{r}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class=LABEL>
                "Cluster index"
                <input
                    name="input[cluster_index]"
                    type="number"
                    min="1"
                    max="25"
                    class=FIELD
                    required
                    prop:value=move || index.get()
                    on:input=bind(index)
                />
                <span class="mt-1 block font-normal text-slate-500" data-testid="subnets">
                    "Subnets: " {subnet_text}
                </span>
            </label>
            <label class=LABEL>
                "Environment"
                <select name="input[env]" class=FIELD on:change=bind(env)>
                    <option value="staging" selected=move || env.get() == "staging">"staging"</option>
                    <option value="production" selected=move || env.get() == "production">"production"</option>
                </select>
            </label>
            <label class=LABEL>
                "Domain"
                <input
                    name="input[domain]"
                    class=FIELD
                    placeholder="alpha.disciplina.io"
                    disabled=production
                    prop:value=move || domain.get()
                    on:input=bind(domain)
                />
            </label>
            <label class=LABEL>
                "DNS zone"
                <input
                    name="input[dns_zone]"
                    class=FIELD
                    disabled=production
                    prop:value=move || zone.get()
                    on:input=bind(zone)
                />
            </label>
        </div>
        <p class="mt-3 text-xs text-slate-600 dark:text-slate-400">
            {move || if production() {
                "Production turns DNS off: no Route53 records and no host names, so the domain and zone are not used."
            } else {
                "Staging clusters get DNS names under the domain, which must lie inside the zone."
            }}
        </p>
        <p class="mt-2 text-sm" role="status" data-testid="form-check">
            {move || match checked.get() {
                Ok(args) => view! {
                    <span class="text-emerald-700 dark:text-emerald-400">
                        {format!("Ready: {} in {}, index {}{}.", args.name, args.region, args.cluster_index,
                            if args.env == Environment::Production { ", production" } else { "" })}
                    </span>
                }.into_any(),
                Err(error) => view! {
                    <span class="text-amber-700 dark:text-amber-400">{format!("{}: {}", error.field, error.message)}</span>
                }.into_any(),
            }}
        </p>
    }
}
