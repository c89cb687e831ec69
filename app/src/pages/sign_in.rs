//! The sign-in page. In local mode it offers the single local admin; the sign-in providers
//! will appear here once they can be configured.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::session::use_session;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());

    view! {
        <Title text="Sign in" />
        <section class="mx-auto max-w-sm py-12">
            <h1 class="text-2xl font-semibold tracking-tight">"Sign in to nixdeck"</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let view = session.await.ok();
                    let signed_in = view.as_ref().and_then(|v| v.principal.clone());
                    let local_mode = view.is_some_and(|v| v.local_mode);
                    match (signed_in, local_mode) {
                        (Some(principal), _) => view! {
                            <p class="mt-4 text-sm">
                                {format!("You are signed in as {} ({}).", principal.name, principal.role.as_str())}
                            </p>
                        }.into_any(),
                        (None, true) => view! {
                            <form method="post" action="/auth/local" class="mt-6">
                                <input type="hidden" name="next" value=next />
                                <button
                                    type="submit"
                                    class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
                                >
                                    "Sign in as the local admin"
                                </button>
                            </form>
                        }.into_any(),
                        (None, false) => view! {
                            <p class="mt-4 text-sm">"No sign-in method is available."</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
