//! What a list shows when it has nothing in it yet.

use leptos::prelude::*;

/// A bordered box saying that nothing is here yet, and what will appear here.
#[component]
pub fn EmptyState(
    /// A short headline, such as "No clusters yet".
    title: &'static str,
    /// What will appear here, and how it gets here.
    body: &'static str,
) -> impl IntoView {
    view! {
        <section
            class="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center dark:border-slate-700 dark:bg-slate-900"
            aria-label=title
        >
            <p class="font-medium">{title}</p>
            <p class="mx-auto mt-2 max-w-prose text-sm text-slate-600 dark:text-slate-400">
                {body}
            </p>
        </section>
    }
}
