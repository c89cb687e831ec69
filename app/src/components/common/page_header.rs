//! The title block at the top of every page, which also sets the document title.

use leptos::prelude::*;
use leptos_meta::Title;

/// A page's heading and one line saying what the page is for.
#[component]
pub fn PageHeader(
    /// The page name, shown as the heading and in the browser tab.
    title: &'static str,
    /// One sentence on what the page shows.
    summary: &'static str,
) -> impl IntoView {
    view! {
        <Title text=title />
        <header class="mb-6">
            <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{summary}</p>
        </header>
    }
}
