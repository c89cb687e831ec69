//! A permanent warning while nixdeck runs without a sign-in provider.

use leptos::prelude::*;

use crate::session::use_session;

#[component]
pub fn LocalModeBanner() -> impl IntoView {
    let session = use_session();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.is_ok_and(|view| view.local_mode).then(|| view! {
                    <p role="status" class="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                        "Local mode: no sign-in provider is configured. Anyone who can reach this address signs in as the local admin; nixdeck only listens on the loopback interface."
                    </p>
                })
            })}
        </Transition>
    }
}
