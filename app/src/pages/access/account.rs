//! Your account: who nixdeck knows you as, and a one-time code that links your Slack user,
//! so `/deploy` in Slack acts as you (with your role).

use engine::model::slack::LINK_CODE_TTL_MS;
use leptos::prelude::*;

use crate::{
    api::access::CreateSlackLink,
    components::common::{Button, ErrorNotice, PageHeader, PANEL},
    session::use_session,
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let link = ServerAction::<CreateSlackLink>::new();
    let minutes = LINK_CODE_TTL_MS / 60_000;
    view! {
        <PageHeader title="Your account" summary="Who nixdeck knows you as, and Slack." />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.ok().and_then(|view| view.principal).map(|principal| view! {
                    <p class="mb-4 text-sm" data-testid="account-actor">
                        {format!("{} · {} · {}", principal.name, principal.actor, principal.role.as_str())}
                    </p>
                })
            })}
        </Transition>
        <section class=PANEL aria-labelledby="slack-heading">
            <h2 id="slack-heading" class="mb-2 text-sm font-semibold">"Slack"</h2>
            <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                {format!("Make a code, then send /deploy link <code> in Slack within {minutes} minutes: /deploy then acts as you.")}
            </p>
            <ActionForm action=link>
                <Button>"Make a link code"</Button>
            </ActionForm>
            {move || link.value().get().map(|result| match result {
                Ok(code) => view! {
                    <p role="status" class="mt-3 text-sm">
                        "Send in Slack: "
                        <code class="font-mono" data-testid="slack-code">{format!("/deploy link {code}")}</code>
                    </p>
                }.into_any(),
                Err(error) => view! { <ErrorNotice message=error.to_string() /> }.into_any(),
            })}
        </section>
    }
}
