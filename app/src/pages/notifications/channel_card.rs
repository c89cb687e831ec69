//! One channel: what it hears of, its URL masked, its latest deliveries, and its buttons.

use engine::model::{notifications::DeliveryView, time::format_utc};
use leptos::prelude::*;

use crate::{
    api::notifications::{ChannelWithDeliveries, DeleteChannel, TestChannel},
    components::common::{Button, ButtonTone, CELL},
};

#[component]
pub fn ChannelCard(
    listed: ChannelWithDeliveries,
    remove: ServerAction<DeleteChannel>,
    test: ServerAction<TestChannel>,
) -> impl IntoView {
    let channel = listed.channel;
    let clusters = channel
        .clusters
        .clone()
        .map_or_else(|| "every cluster".to_owned(), |c| c.join(", "));
    let secret = if channel.secret_set { " · signed" } else { "" };
    let (test_id, remove_id) = (channel.id.clone(), channel.id.clone());
    view! {
        <li class="p-4" data-testid="channel">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <p class="text-sm font-medium">{channel.name.clone()}</p>
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        {format!("{} · {}{secret} · {clusters}", channel.kind.as_str(), channel.url)}
                    </p>
                    <p class="font-mono text-xs text-slate-500">{channel.events.join(", ")}</p>
                </div>
                <div class="flex gap-2">
                    <ActionForm action=test>
                        <input type="hidden" name="id" value=test_id />
                        <Button tone=ButtonTone::Quiet small=true>"Send a test"</Button>
                    </ActionForm>
                    <ActionForm action=remove>
                        <input type="hidden" name="id" value=remove_id />
                        <Button tone=ButtonTone::Danger small=true>"Remove"</Button>
                    </ActionForm>
                </div>
            </div>
            <Deliveries deliveries=listed.deliveries />
        </li>
    }
}

#[component]
fn Deliveries(deliveries: Vec<DeliveryView>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="mt-2 text-xs text-slate-500">"Nothing sent yet."</p> }.into_any();
    }
    view! {
        <table class="mt-3 w-full text-xs" aria-label="Deliveries">
            <thead class="text-left uppercase tracking-wide text-slate-500">
                <tr>
                    <th class=CELL>"Time"</th>
                    <th class=CELL>"Event"</th>
                    <th class=CELL>"State"</th>
                    <th class=CELL>"HTTP"</th>
                    <th class=CELL>"Attempts"</th>
                </tr>
            </thead>
            <tbody>
                {deliveries.into_iter().map(|delivery| view! {
                    <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="delivery">
                        <td class=CELL>{format_utc(delivery.created_at)}</td>
                        <td class=CELL>{delivery.event}</td>
                        <td class=CELL title=delivery.error.clone().unwrap_or_default()>{delivery.state}</td>
                        <td class=CELL>{delivery.status.map(|s| s.to_string()).unwrap_or_default()}</td>
                        <td class=CELL>{delivery.attempts}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
