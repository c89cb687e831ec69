//! A cluster's dependency versions: shown to everyone, editable by admins (one git ref per
//! dependency, checked by the model's rule as it is typed).

use std::collections::BTreeMap;

use engine::model::dependencies::{validate_git_ref, DEPENDENCIES};
use leptos::prelude::*;

use crate::{
    api::clusters::SetVersions,
    components::common::{Button, ButtonTone, ErrorNotice, PANEL},
};

#[component]
pub fn Versions(
    name: String,
    versions: BTreeMap<String, String>,
    may_edit: bool,
    set: ServerAction<SetVersions>,
) -> impl IntoView {
    let rows = DEPENDENCIES
        .iter()
        .map(|(dep, default)| {
            let current = versions
                .get(*dep)
                .cloned()
                .unwrap_or_else(|| (*default).to_owned());
            (*dep, current)
        })
        .collect::<Vec<_>>();
    view! {
        <section class=PANEL aria-label="Dependency versions">
            <h2 class="mb-3 text-sm font-semibold">"Dependency versions"</h2>
            <ActionForm action=set>
                <input type="hidden" name="name" value=name />
                <table class="w-full text-sm">
                    <tbody>
                        {rows.into_iter().map(|(dep, current)| {
                            let value = RwSignal::new(current.clone());
                            let problem = move || validate_git_ref(value.get().trim()).err();
                            view! {
                                <tr>
                                    <th scope="row" class="py-1 pr-4 text-left font-mono font-normal">{dep}</th>
                                    <td class="py-1">
                                        {if may_edit {
                                            view! {
                                                <input
                                                    name=format!("versions[{dep}]")
                                                    aria-label=format!("{dep} ref")
                                                    class="w-full rounded-md border border-slate-300 bg-white px-2 py-0.5 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
                                                    prop:value=move || value.get()
                                                    on:input=move |event| value.set(event_target_value(&event))
                                                />
                                                <span class="block text-xs text-amber-700 dark:text-amber-400">{problem}</span>
                                            }.into_any()
                                        } else {
                                            view! { <code class="font-mono">{current}</code> }.into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {may_edit.then(|| view! {
                    <div class="mt-3"><Button tone=ButtonTone::Quiet>"Save versions"</Button></div>
                })}
            </ActionForm>
            {move || set.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        </section>
    }
}
