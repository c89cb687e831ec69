//! Setting some keys of a secret: one field per key of the schema (blank ones keep their
//! values), each checked as it is typed by the rule the server applies, and based on the
//! version shown, so a change made meanwhile by someone else is refused, not overwritten.

use std::collections::BTreeMap;

use engine::model::{
    access::Environment,
    secrets::{validate_value, SecretKind, SecretValue, ValueShape},
};
use leptos::prelude::*;

use crate::{
    api::secrets::EditSecret,
    components::common::{Button, FIELD},
};

#[component]
pub fn EditForm(
    env: Environment,
    kind: SecretKind,
    base_version: Option<String>,
    edit: ServerAction<EditSecret>,
) -> impl IntoView {
    view! {
        <ActionForm action=edit attr:class="mt-3 space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-800" attr:data-testid="secret-form">
            <input type="hidden" name="env" value=env.as_str() />
            <input type="hidden" name="kind" value=kind.as_str() />
            <input type="hidden" name="base_version" value=base_version.unwrap_or_default() />
            <p class="text-xs text-slate-500">"Blank fields keep their current values."</p>
            {kind.keys().iter().map(|spec| match spec.shape {
                ValueShape::Text => view! { <TextKey kind name=spec.name about=spec.about /> }.into_any(),
                ValueShape::PrivateKeys => view! { <PrivateKey kind name=spec.name about=spec.about /> }.into_any(),
            }).collect_view()}
            <Button small=true>"Save a new version"</Button>
        </ActionForm>
    }
}

#[component]
fn TextKey(kind: SecretKind, name: &'static str, about: &'static str) -> impl IntoView {
    let value = RwSignal::new(String::new());
    let problem = move || {
        let value = value.get();
        (!value.is_empty())
            .then(|| validate_value(kind, name, &SecretValue::Text(value)).err())
            .flatten()
            .map(|error| error.message)
    };
    view! {
        <label class="block text-sm">
            <span class="font-mono">{name}</span>
            <span class="ml-2 text-xs text-slate-500">{about}</span>
            <input
                type="password"
                autocomplete="off"
                name=format!("text[{name}]")
                aria-label=name
                class=FIELD
                on:input=move |event| value.set(event_target_value(&event))
            />
            <span class="block text-xs text-amber-700 dark:text-amber-400">{problem}</span>
        </label>
    }
}

#[component]
fn PrivateKey(kind: SecretKind, name: &'static str, about: &'static str) -> impl IntoView {
    let agent = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let problem = move || {
        let key = key.get();
        if key.trim().is_empty() {
            return None;
        }
        let agent = match agent.get().trim() {
            "" => "default".to_owned(),
            agent => agent.to_owned(),
        };
        validate_value(
            kind,
            name,
            &SecretValue::Keys(BTreeMap::from([(agent, key)])),
        )
        .err()
        .map(|error| error.message)
    };
    view! {
        <fieldset class="text-sm">
            <legend class="font-mono">{name}</legend>
            <span class="text-xs text-slate-500">{format!("{about}; replaces every agent's key")}</span>
            <input name="ssh_agent" placeholder="default" aria-label="Agent name" class=FIELD
                on:input=move |event| agent.set(event_target_value(&event)) />
            <textarea name="ssh_key" rows="3" aria-label="Private key" class=format!("{FIELD} font-mono")
                placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                on:input=move |event| key.set(event_target_value(&event))></textarea>
            <span class="block text-xs text-amber-700 dark:text-amber-400">{problem}</span>
        </fieldset>
    }
}
