//! The People page (admins): who has signed in, their role and when they were last seen,
//! and a button to end all of a person's sessions.

use engine::model::{access::PersonView, time::format_utc};
use leptos::prelude::*;

use crate::{
    api::access::{list_people, EndSessions},
    api::fetcher::boxed,
    components::common::{Button, ButtonTone, ErrorNotice, ItemList, Loaded, PageHeader},
};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let end_sessions = ServerAction::<EndSessions>::new();
    let people = Resource::new(
        move || end_sessions.version().get(),
        |_| boxed(list_people()),
    );

    view! {
        <PageHeader
            title="People"
            summary="Everyone who has signed in, their role and when they were last seen."
        />
        {move || end_sessions.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=people view={move |people: Vec<PersonView>| view! {
            <ItemList>
                {people.into_iter().map(|person| view! { <PersonRow person end_sessions /> }).collect_view()}
            </ItemList>
        }} />
    }
}

#[component]
fn PersonRow(person: PersonView, end_sessions: ServerAction<EndSessions>) -> impl IntoView {
    let sessions = match person.live_sessions {
        0 => "no live session".to_owned(),
        1 => "1 live session".to_owned(),
        n => format!("{n} live sessions"),
    };
    let has_sessions = person.live_sessions > 0;
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 p-4">
            <div>
                <p class="font-medium">{person.name} <span class="text-sm text-slate-500">{format!(" @{} via {}", person.login, person.provider)}</span></p>
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    {format!("{} · last seen {} · {sessions}", person.role.as_str(), format_utc(person.last_seen_at))}
                </p>
            </div>
            {has_sessions.then(|| view! {
                <ActionForm action=end_sessions>
                    <input type="hidden" name="user_id" value=person.id />
                    <Button tone=ButtonTone::Danger>"End sessions"</Button>
                </ActionForm>
            })}
        </li>
    }
}
