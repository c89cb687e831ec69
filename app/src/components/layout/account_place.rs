//! Where the signed-in person's name and role appear. Until sign-in exists it says so
//! plainly rather than pretending someone is signed in.

use leptos::prelude::*;

#[component]
pub fn AccountPlace() -> impl IntoView {
    view! {
        <div
            class="rounded-md border border-slate-200 px-3 py-1 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300"
            data-testid="account"
        >
            "Not signed in"
        </div>
    }
}
