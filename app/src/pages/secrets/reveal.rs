//! Revealing one key: asked for on click, received by this browser only (never in the
//! page's HTML or hydration data), shown until hidden again.

use engine::model::secrets::SecretValue;
use leptos::prelude::*;

use crate::{
    api::secrets::RevealSecret,
    components::common::{button_class, ButtonTone},
};

#[component]
pub fn RevealButton(env: &'static str, kind: &'static str, key: String) -> impl IntoView {
    let reveal = ServerAction::<RevealSecret>::new();
    let shown = RwSignal::new(false);
    let asked = key.clone();
    let value = move || {
        if !shown.get() {
            return None;
        }
        reveal.value().get().map(|answer| match answer {
            Ok(SecretValue::Text(text)) => text,
            Ok(SecretValue::Keys(keys)) => keys
                .into_iter()
                .map(|(agent, key)| format!("# {agent}\n{key}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(error) => error.to_string(),
        })
    };
    view! {
        <button
            type="button"
            class=button_class(ButtonTone::Quiet, true)
            on:click=move |_| {
                if shown.get_untracked() {
                    shown.set(false);
                } else {
                    shown.set(true);
                    reveal.dispatch(RevealSecret {
                        env: env.to_owned(),
                        kind: kind.to_owned(),
                        key: asked.clone(),
                    });
                }
            }
        >
            {move || if shown.get() { "Hide" } else { "Reveal" }}
        </button>
        {move || value().map(|text| view! {
            <pre class="mt-1 max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-left font-mono text-xs dark:bg-slate-800" data-testid="revealed">{text}</pre>
        })}
    }
}
