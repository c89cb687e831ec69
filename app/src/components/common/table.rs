//! Tables: a bordered box with a header row; rows are the page's own.

use leptos::prelude::*;

/// The classes of a table cell.
pub const CELL: &str = "px-4 py-2";

/// A table with these column headings (an empty heading is read out as `Actions`).
#[component]
pub fn Table(
    headers: Vec<&'static str>,
    /// What screen readers call the table.
    label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm" aria-label=label>
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
                    <tr>
                        {headers.into_iter().map(|header| if header.is_empty() {
                            view! { <th scope="col" class=CELL><span class="sr-only">"Actions"</span></th> }.into_any()
                        } else {
                            view! { <th scope="col" class=CELL>{header}</th> }.into_any()
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-200 dark:divide-slate-800">{children()}</tbody>
            </table>
        </div>
    }
}

/// A list of items in a bordered box.
#[component]
pub fn ItemList(children: Children) -> impl IntoView {
    view! {
        <ul class="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
            {children()}
        </ul>
    }
}
