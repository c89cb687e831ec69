//! The bar across the top: product name, theme toggle and the signed-in person's place.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{account_place::AccountPlace, theme_toggle::ThemeToggle};

#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
            <div class="mx-auto flex h-14 max-w-7xl items-center justify-between gap-4 px-4 md:px-8">
                <A href="/" attr:class="flex items-center gap-2 font-semibold tracking-tight">
                    <span
                        aria-hidden="true"
                        class="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm text-white"
                    >
                        "n"
                    </span>
                    <span>"nixdeck"</span>
                </A>
                <div class="flex items-center gap-3">
                    <ThemeToggle />
                    <AccountPlace />
                </div>
            </div>
        </header>
    }
}
