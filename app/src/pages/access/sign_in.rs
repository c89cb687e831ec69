//! The sign-in page: a button per configured provider (GitHub, OIDC), or the single local
//! admin in local mode; and, after a refused sign-in, why it was refused.

use engine::model::{
    sign_in::{Refusal, SignInMethod},
    url_encoding::encode_query_value,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::session::use_session;

const BUTTON: &str = "block w-full rounded-md bg-indigo-600 px-4 py-2 text-center text-sm font-medium text-white hover:bg-indigo-500";

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let refusal = move || {
        query
            .read()
            .get("refused")
            .and_then(|code| Refusal::from_code(&code))
    };

    view! {
        <Title text="Sign in" />
        <section class="mx-auto max-w-sm py-12">
            <h1 class="text-2xl font-semibold tracking-tight">"Sign in to nixdeck"</h1>
            {move || refusal().map(|refusal| view! {
                <div
                    role="alert"
                    class="mt-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
                >
                    <p class="font-medium">{refusal.title()}</p>
                    <p class="mt-1">{refusal.message()}</p>
                </div>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let view = session.await.ok();
                    let signed_in = view.as_ref().and_then(|v| v.principal.clone());
                    let methods = view.map(|v| v.sign_in_methods).unwrap_or_default();
                    match signed_in {
                        Some(principal) => view! {
                            <p class="mt-4 text-sm">
                                {format!("You are signed in as {} ({}).", principal.name, principal.role.as_str())}
                            </p>
                        }.into_any(),
                        None if methods.is_empty() => view! {
                            <p class="mt-4 text-sm">"No sign-in method is available."</p>
                        }.into_any(),
                        None => view! {
                            <ul class="mt-6 space-y-3">
                                {methods.into_iter().map(|method| view! {
                                    <li><SignInMethodButton method=method next=next() /></li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SignInMethodButton(method: SignInMethod, next: String) -> impl IntoView {
    let start =
        |provider: &str| format!("/auth/{provider}?next={}", encode_query_value(&next, true));
    match method {
        SignInMethod::Local => view! {
            <form method="post" action="/auth/local">
                <input type="hidden" name="next" value=next.clone() />
                <button type="submit" class=BUTTON>"Sign in as the local admin"</button>
            </form>
        }
        .into_any(),
        SignInMethod::GitHub { org } => view! {
            <a href=start("github") class=BUTTON rel="external">"Sign in with GitHub"</a>
            <p class="mt-1 text-xs text-gray-600 dark:text-gray-400">
                {format!("For members of the {org} organisation.")}
            </p>
        }
        .into_any(),
        SignInMethod::Oidc { issuer_host } => view! {
            <a href=start("oidc") class=BUTTON rel="external">
                {format!("Sign in with {issuer_host}")}
            </a>
        }
        .into_any(),
    }
}
