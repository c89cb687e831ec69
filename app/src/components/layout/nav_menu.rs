//! The main navigation. A sidebar on wide screens; a row that scrolls sideways on phones.
//! Admin sections are listed only to those whose role allows them (the server refuses
//! everyone else anyway).

use engine::model::access::Action;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::session::use_session;

/// The sections everyone sees, in order.
const SECTIONS: [(&str, &str); 6] = [
    ("/", "Overview"),
    ("/clusters", "Clusters"),
    ("/builder", "Builder"),
    ("/deployer", "Deployer"),
    ("/secrets", "Secrets"),
    ("/audit", "Audit"),
];

/// Sections shown only to roles that may use them.
const ADMIN_SECTIONS: [(&str, &str, Action); 3] = [
    ("/people", "People", Action::ManageSessions),
    ("/tokens", "API tokens", Action::ManageTokens),
    (
        "/notifications",
        "Notifications",
        Action::ManageNotifications,
    ),
];

const LINK: &str = "block rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-300";

#[component]
pub fn NavMenu() -> impl IntoView {
    let session = use_session();
    view! {
        <nav
            aria-label="Main"
            class="border-b border-slate-200 md:w-52 md:shrink-0 md:border-b-0 md:border-r md:py-6 dark:border-slate-800"
        >
            <ul class="flex gap-1 overflow-x-auto px-4 py-2 md:flex-col md:px-3 md:py-0">
                {SECTIONS
                    .into_iter()
                    .map(|(href, label)| view! { <NavItem href label /> })
                    .collect_view()}
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let principal = session.await.ok().and_then(|view| view.principal);
                        ADMIN_SECTIONS
                            .into_iter()
                            .filter(|(_, _, action)| principal.as_ref().is_some_and(|p| p.may(*action)))
                            .map(|(href, label, _)| view! { <NavItem href label /> })
                            .collect_view()
                    })}
                </Transition>
            </ul>
        </nav>
    }
}

#[component]
fn NavItem(href: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <li class="shrink-0">
            <A href=href attr:class=LINK>
                {label}
            </A>
        </li>
    }
}
