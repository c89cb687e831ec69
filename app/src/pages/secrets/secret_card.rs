//! One secret: its keys (values masked), versions, readers and last change, with an
//! admin's reveal, edit, generate and roll back.

use engine::model::{
    access::{Action, Principal},
    secrets::{readers_note, SecretView, CURRENT_STAGE},
    time::format_utc,
};
use leptos::prelude::*;

use super::{edit_form::EditForm, reveal::RevealButton};
use crate::{
    api::{
        secrets::{EditSecret, GenerateSecret, RollBackSecret},
        ApiError,
    },
    components::common::{Button, ButtonTone, Facts, PANEL},
};

/// The page's write actions: any of them changing something reloads the page.
#[derive(Clone, Copy)]
pub struct SecretActions {
    pub edit: ServerAction<EditSecret>,
    pub generate: ServerAction<GenerateSecret>,
    pub roll_back: ServerAction<RollBackSecret>,
}

impl SecretActions {
    pub fn new() -> SecretActions {
        SecretActions {
            edit: ServerAction::new(),
            generate: ServerAction::new(),
            roll_back: ServerAction::new(),
        }
    }

    /// Changes whenever one of them finished.
    pub fn changes(&self) -> (usize, usize, usize) {
        (
            self.edit.version().get(),
            self.generate.version().get(),
            self.roll_back.version().get(),
        )
    }

    /// The last refusal, if the last action of any kind failed.
    pub fn failure(&self) -> Option<ApiError> {
        [
            self.edit.value().get().and_then(Result::err),
            self.generate.value().get().and_then(Result::err),
            self.roll_back.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

const MASK: &str = "••••••••";

#[component]
pub fn SecretCard(
    secret: SecretView,
    principal: Principal,
    actions: SecretActions,
) -> impl IntoView {
    let may_reveal = principal.may(Action::ReadSecretValues);
    let may_write = principal.may(Action::WriteSecrets);
    let (env, kind) = (secret.env.as_str(), secret.kind.as_str());
    let testid = format!("secret-{env}-{kind}");
    let editing = RwSignal::new(false);
    let changed = match (&secret.changed_by, secret.changed_at) {
        (Some(by), Some(at)) => format!("{} by {by}", format_utc(at)),
        _ => "not through nixdeck".to_owned(),
    };
    let readers = if secret.clusters.is_empty() {
        "—".to_owned()
    } else {
        secret.clusters.join(", ")
    };
    let facts = vec![
        (
            "current version",
            secret
                .current_version
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
        ),
        ("last changed", changed),
        ("clusters", readers),
    ];
    let generated = secret.kind.generated_keys();
    let current = secret.current_version.clone();
    view! {
        <section class=PANEL aria-label=secret.id.clone() data-testid=testid>
            <header class="mb-3 flex flex-wrap items-center gap-2">
                <h2 class="font-mono text-sm font-semibold">{secret.id.clone()}</h2>
                {if secret.exists {
                    view! { <span class="rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">"exists"</span> }.into_any()
                } else {
                    view! { <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200">"does not exist"</span> }.into_any()
                }}
            </header>
            <Facts rows=facts />
            {secret.problem.clone().map(|problem| view! {
                <p class="mt-2 text-sm text-red-700 dark:text-red-400">{problem}</p>
            })}
            <p class="mt-2 text-xs text-slate-500">{readers_note(secret.env, secret.kind)}</p>
            <table class="mt-3 w-full text-sm" aria-label="Keys">
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {secret.keys.iter().map(|key| {
                        let status = match (key.set, key.known) {
                            (true, true) => MASK,
                            (false, _) => "missing",
                            (true, false) => "set (unknown to the schema)",
                        };
                        let name = key.name.clone();
                        let revealable = key.set && may_reveal;
                        view! {
                            <tr data-testid=format!("key-{name}")>
                                <th scope="row" class="py-1 pr-4 text-left font-mono font-normal">{name.clone()}</th>
                                <td class="py-1 font-mono text-slate-500" data-testid="key-status">{status}</td>
                                <td class="py-1 text-right">
                                    {revealable.then(|| view! { <RevealButton env kind key=name.clone() /> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {may_write.then(|| {
                let generated = generated.clone();
                view! {
                    <div class="mt-3 flex flex-wrap gap-2">
                        <button
                            type="button"
                            class=crate::components::common::button_class(ButtonTone::Quiet, true)
                            on:click=move |_| editing.update(|e| *e = !*e)
                        >
                            {if secret.exists { "Edit keys" } else { "Create" }}
                        </button>
                        {generated.into_iter().map(|key| view! {
                            <ActionForm action=actions.generate>
                                <input type="hidden" name="env" value=env />
                                <input type="hidden" name="kind" value=kind />
                                <input type="hidden" name="key" value=key />
                                <Button tone=ButtonTone::Quiet small=true>{format!("Generate {key}")}</Button>
                            </ActionForm>
                        }).collect_view()}
                    </div>
                }
            })}
            <Show when=move || editing.get()>
                <EditForm env=secret.env kind=secret.kind base_version=current.clone() edit=actions.edit />
            </Show>
            <details class="mt-3 text-sm">
                <summary class="cursor-pointer text-slate-600 dark:text-slate-400">
                    {format!("Versions ({})", secret.versions.len())}
                </summary>
                <ul class="mt-2 space-y-1" aria-label="Versions">
                    {secret.versions.iter().map(|version| {
                        let is_current = version.stages.iter().any(|s| s == CURRENT_STAGE);
                        let id = version.id.clone();
                        view! {
                            <li class="flex flex-wrap items-center gap-2">
                                <code class="font-mono text-xs">{id.clone()}</code>
                                <span class="text-xs text-slate-500">{version.stages.join(", ")}</span>
                                <span class="text-xs text-slate-500">{version.created_at.map(format_utc)}</span>
                                {(may_write && !is_current).then(|| view! {
                                    <ActionForm action=actions.roll_back>
                                        <input type="hidden" name="env" value=env />
                                        <input type="hidden" name="kind" value=kind />
                                        <input type="hidden" name="version_id" value=id.clone() />
                                        <Button tone=ButtonTone::Quiet small=true>"Make current"</Button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}
