//! The Notifications page: the channels (a Slack incoming webhook, or any URL that takes
//! signed JSON), each with the events and clusters it hears of and its latest deliveries,
//! and a form for a new one. A channel's URL and secret are never shown once saved.

use engine::model::notifications::EVENTS;
use leptos::prelude::*;

use super::channel_card::ChannelCard;
use crate::{
    api::fetcher::boxed,
    api::notifications::{
        list_channels, ChannelWithDeliveries, CreateChannel, DeleteChannel, TestChannel,
    },
    components::common::{Button, ErrorNotice, ItemList, Loaded, PageHeader, FIELD_INLINE},
};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let create = ServerAction::<CreateChannel>::new();
    let remove = ServerAction::<DeleteChannel>::new();
    let test = ServerAction::<TestChannel>::new();
    let channels = Resource::new(
        move || {
            (
                create.version().get(),
                remove.version().get(),
                test.version().get(),
            )
        },
        |_| boxed(list_channels()),
    );
    let label = "text-xs font-medium text-slate-600 dark:text-slate-400";
    view! {
        <PageHeader
            title="Notifications"
            summary="Channels hear of jobs, health changes and secret changes as they happen, in order, retried for a day when the receiver is down."
        />
        <ActionForm action=create attr:class="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-900">
            <label class=label>"Name" <input name="name" required class=FIELD_INLINE /></label>
            <label class=label>
                "Kind"
                <select name="kind" class=FIELD_INLINE>
                    <option value="slack">"Slack incoming webhook"</option>
                    <option value="webhook">"Webhook (signed JSON)"</option>
                </select>
            </label>
            <label class=label>"URL" <input name="url" type="url" required class=FIELD_INLINE autocomplete="off" /></label>
            <label class=label>"Secret (webhooks; signs X-Nixdeck-Signature)" <input name="secret" type="password" class=FIELD_INLINE autocomplete="new-password" /></label>
            <label class=label>
                "Events (comma-separated)"
                <input name="events" class=FIELD_INLINE value="job.awaiting_approval, job.failed, job.succeeded" />
                <span class="mt-1 block font-normal">{format!("Any of: {}", EVENTS.join(", "))}</span>
            </label>
            <label class=label>"Clusters (comma-separated; blank: every cluster)" <input name="clusters" class=FIELD_INLINE /></label>
            <div><Button>"Add channel"</Button></div>
        </ActionForm>
        {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        {move || remove.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        {move || test.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=channels view={move |channels: Vec<ChannelWithDeliveries>| if channels.is_empty() {
            view! { <p class="text-sm text-slate-600 dark:text-slate-400">"No channels yet."</p> }.into_any()
        } else {
            view! {
                <ItemList>
                    {channels.into_iter().map(|listed| view! { <ChannelCard listed remove test /> }).collect_view()}
                </ItemList>
            }.into_any()
        }} />
    }
}
