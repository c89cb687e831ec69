//! Panels: the bordered cards pages group things in, and the key/value facts they often
//! hold (a cluster's arguments, how a host is reached).

use leptos::prelude::*;

/// The classes of a panel.
pub const PANEL: &str =
    "rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900";

/// Facts as a key/value list; `mono_keys` for keys that are names in code (arguments).
#[component]
pub fn Facts(
    rows: Vec<(&'static str, String)>,
    #[prop(optional)] mono_keys: bool,
) -> impl IntoView {
    let key_class = if mono_keys {
        "font-mono text-slate-500"
    } else {
        "text-slate-500"
    };
    view! {
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            {rows.into_iter().map(|(key, value)| view! {
                <dt class=key_class>{key}</dt>
                <dd class="font-mono">{value}</dd>
            }).collect_view()}
        </dl>
    }
}
