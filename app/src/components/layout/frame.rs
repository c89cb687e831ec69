//! The page frame: a top bar, the navigation beside the content on wide screens and above
//! it on narrow ones.

use leptos::prelude::*;

use super::{local_mode_banner::LocalModeBanner, nav_menu::NavMenu, top_bar::TopBar};

/// Wraps a page in the shared frame.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <div class="flex min-h-screen flex-col">
            <a
                href="#main"
                class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
            >
                "Skip to content"
            </a>
            <LocalModeBanner />
            <TopBar />
            <div class="mx-auto flex w-full max-w-7xl flex-1 flex-col md:flex-row">
                <NavMenu />
                <main id="main" class="min-w-0 flex-1 px-4 py-6 md:px-8">
                    {children()}
                </main>
            </div>
        </div>
    }
}
