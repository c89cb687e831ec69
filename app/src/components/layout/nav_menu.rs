//! The main navigation. A sidebar on wide screens; a row that scrolls sideways on phones.

use leptos::prelude::*;
use leptos_router::components::A;

/// The sections of the dashboard, in the order they are listed.
const SECTIONS: [(&str, &str); 6] = [
    ("/", "Overview"),
    ("/clusters", "Clusters"),
    ("/builder", "Builder"),
    ("/deployer", "Deployer"),
    ("/secrets", "Secrets"),
    ("/audit", "Audit"),
];

#[component]
pub fn NavMenu() -> impl IntoView {
    view! {
        <nav
            aria-label="Main"
            class="border-b border-slate-200 md:w-52 md:shrink-0 md:border-b-0 md:border-r md:py-6 dark:border-slate-800"
        >
            <ul class="flex gap-1 overflow-x-auto px-4 py-2 md:flex-col md:px-3 md:py-0">
                {SECTIONS
                    .into_iter()
                    .map(|(href, label)| {
                        view! {
                            <li class="shrink-0">
                                <A
                                    href=href
                                    attr:class="block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300"
                                >
                                    {label}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
