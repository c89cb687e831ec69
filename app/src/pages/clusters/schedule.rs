//! A cluster's schedules: its check and redeploy as cron expressions (UTC) with when each
//! runs next, checked as they are typed; admins change them.

use engine::model::{
    schedule::{Cron, ScheduleView},
    time::format_utc,
};
use leptos::prelude::*;

use crate::{
    api::clusters::SetSchedule,
    components::common::{Button, ButtonTone, ErrorNotice, PANEL},
};

#[component]
pub fn Schedules(
    name: String,
    schedule: ScheduleView,
    may_edit: bool,
    set: ServerAction<SetSchedule>,
) -> impl IntoView {
    let rows = [
        (
            "check",
            "Check (info, machines, DNS)",
            schedule.check.clone(),
            schedule.check_next_at,
        ),
        (
            "redeploy",
            "Redeploy",
            schedule.redeploy.clone(),
            schedule.redeploy_next_at,
        ),
    ];
    view! {
        <section class=PANEL aria-label="Schedules">
            <h2 class="mb-3 text-sm font-semibold">"Schedules (cron, UTC)"</h2>
            <ActionForm action=set>
                <input type="hidden" name="name" value=name />
                <table class="w-full text-sm">
                    <tbody>
                        {rows.into_iter().map(|(field, label, cron, next)| {
                            let value = RwSignal::new(cron.clone().unwrap_or_default());
                            let problem = move || {
                                let text = value.get();
                                (!text.trim().is_empty()).then(|| Cron::parse(&text).err()).flatten()
                            };
                            let next = match (&cron, next) {
                                (Some(_), Some(at)) => format!("next {}", format_utc(at)),
                                (Some(_), None) => "never runs".to_owned(),
                                (None, _) => "none".to_owned(),
                            };
                            view! {
                                <tr data-testid=format!("schedule-{field}")>
                                    <th scope="row" class="py-1 pr-4 text-left font-normal">{label}</th>
                                    <td class="py-1">
                                        {if may_edit {
                                            view! {
                                                <input
                                                    name=field
                                                    aria-label=format!("{label} schedule")
                                                    placeholder="none"
                                                    class="w-full rounded-md border border-slate-300 bg-white px-2 py-0.5 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
                                                    prop:value=move || value.get()
                                                    on:input=move |event| value.set(event_target_value(&event))
                                                />
                                                <span class="block text-xs text-amber-700 dark:text-amber-400">{problem}</span>
                                            }.into_any()
                                        } else {
                                            view! { <code class="font-mono">{cron.clone().unwrap_or_else(|| "—".to_owned())}</code> }.into_any()
                                        }}
                                        <span class="block text-xs text-slate-500">{next}</span>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {may_edit.then(|| view! {
                    <div class="mt-3"><Button tone=ButtonTone::Quiet>"Save schedules"</Button></div>
                })}
            </ActionForm>
            {move || set.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        </section>
    }
}
