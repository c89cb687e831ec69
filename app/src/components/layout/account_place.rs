//! The signed-in person's name and role, and the sign-out button (a plain form, so it
//! works without JavaScript).

use engine::model::access::Principal;
use leptos::prelude::*;

use crate::session::use_session;

#[component]
pub fn AccountPlace() -> impl IntoView {
    let session = use_session();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match session.await.ok().and_then(|view| view.principal) {
                    Some(principal) => view! { <SignedIn principal /> }.into_any(),
                    None => view! {
                        <a href="/signin" class="rounded-md border border-slate-200 px-3 py-1 text-sm dark:border-slate-700">
                            "Sign in"
                        </a>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SignedIn(principal: Principal) -> impl IntoView {
    view! {
        <div class="flex items-center gap-2 text-sm" data-testid="account">
            <a href="/account" class="hidden hover:underline sm:inline" title="Your account">{principal.name}</a>
            <span class="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium uppercase tracking-wide text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                {principal.role.as_str()}
            </span>
            <form method="post" action="/auth/logout">
                <button
                    type="submit"
                    class="rounded-md border border-slate-200 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                >
                    "Sign out"
                </button>
            </form>
        </div>
    }
}
