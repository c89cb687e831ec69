//! The Audit page: every recorded action, newest first, filtered by actor, action, target
//! and dates, paged, and exportable as CSV or JSON. The filters are a plain GET form, so the
//! page works (and its addresses can be shared) without JavaScript.

use engine::model::{
    audit::{AuditEventView, AuditEventsPage, AuditQuery},
    time::format_utc,
    url_encoding::encode_query_value,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::audit::list_audit_events,
    api::fetcher::boxed,
    components::common::{Button, Loaded, PageHeader, Table, CELL, FIELD},
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let params = params.read();
        let text = |key: &str| params.get(key).unwrap_or_default();
        AuditQuery {
            actor: text("actor"),
            action: text("action"),
            target: text("target"),
            from: text("from"),
            until: text("until"),
            before: params.get("before").and_then(|value| value.parse().ok()),
        }
    });
    let page = Resource::new(move || query.get(), |query| boxed(list_audit_events(query)));

    view! {
        <PageHeader
            title="Audit"
            summary="Every action taken through nixdeck: who, what, on which target, when and from where."
        />
        <FilterForm query=query.get_untracked() />
        <Loaded resource=page view={move |page: AuditEventsPage| view! {
            <EventsTable page query=query.get_untracked() />
        }} />
    }
}

#[component]
fn FilterForm(query: AuditQuery) -> impl IntoView {
    let field = |name: &'static str, label: &'static str, value: String, kind: &'static str| {
        view! {
            <label class="block text-xs font-medium text-slate-600 dark:text-slate-400">
                {label}
                <input type=kind name=name value=value class=FIELD />
            </label>
        }
    };
    view! {
        <form method="get" action="/audit" role="search" aria-label="Filter events"
            class="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6 dark:border-slate-800 dark:bg-slate-900">
            {field("actor", "Actor", query.actor, "text")}
            {field("action", "Action", query.action, "text")}
            {field("target", "Target", query.target, "text")}
            {field("from", "From (UTC)", query.from, "date")}
            {field("until", "Until (UTC)", query.until, "date")}
            <div class="flex items-end">
                <Button>"Filter"</Button>
            </div>
        </form>
    }
}

#[component]
fn EventsTable(page: AuditEventsPage, query: AuditQuery) -> impl IntoView {
    let export = |format: &str| export_link(format, &query);
    let older = page.older_than.map(|id| older_link(&query, id));
    let rows = page.events;
    let empty = rows.is_empty();
    view! {
        <div class="mb-2 flex justify-end gap-3 text-sm">
            <a class="text-indigo-700 hover:underline dark:text-indigo-300" href=export("csv") download>"Export CSV"</a>
            <a class="text-indigo-700 hover:underline dark:text-indigo-300" href=export("json") download>"Export JSON"</a>
        </div>
        {empty.then(|| view! {
            <p class="rounded-lg border border-dashed border-slate-300 p-8 text-center text-sm dark:border-slate-700">
                "No events match these filters."
            </p>
        })}
        {(!empty).then(|| view! {
            <Table label="Events" headers=vec!["Time", "Actor", "Action", "Target", "Details", "From"]>
                {rows.into_iter().map(|event| view! { <EventRow event /> }).collect_view()}
            </Table>
        })}
        {older.map(|href| view! {
            <p class="mt-4 text-right text-sm">
                <a class="text-indigo-700 hover:underline dark:text-indigo-300" href=href>"Older events →"</a>
            </p>
        })}
    }
}

#[component]
fn EventRow(event: AuditEventView) -> impl IntoView {
    let details = event.details;
    let full_details = details.clone();
    view! {
        <tr>
            <td class=format!("{CELL} whitespace-nowrap font-mono text-xs")>{format_utc(event.time_millis)}</td>
            <td class=CELL>{event.actor}</td>
            <td class=format!("{CELL} font-mono text-xs")>{event.action}</td>
            <td class=CELL>{event.target}</td>
            <td class=format!("{CELL} max-w-xs truncate font-mono text-xs") title=full_details>{details}</td>
            <td class=format!("{CELL} text-xs")>{event.source.unwrap_or_default()}</td>
        </tr>
    }
}

/// `key=value` pairs of the current filters, URL-encoded.
fn filter_pairs(query: &AuditQuery) -> Vec<(&'static str, String)> {
    [
        ("actor", query.actor.clone()),
        ("action", query.action.clone()),
        ("target", query.target.clone()),
        ("from", query.from.clone()),
        ("until", query.until.clone()),
    ]
    .into_iter()
    .filter(|(_, value)| !value.trim().is_empty())
    .collect()
}

fn older_link(query: &AuditQuery, before: i64) -> String {
    let mut pairs = filter_pairs(query);
    pairs.push(("before", before.to_string()));
    format!("/audit?{}", encode_pairs(&pairs))
}

/// The export address carries the same filters, with dates as the API's milliseconds.
fn export_link(format: &str, query: &AuditQuery) -> String {
    let range = query.range().unwrap_or_default();
    let mut pairs: Vec<(&'static str, String)> = filter_pairs(query)
        .into_iter()
        .filter(|(key, _)| !matches!(*key, "from" | "until"))
        .collect();
    if let Some(from) = range.from_millis {
        pairs.push(("from", from.to_string()));
    }
    if let Some(until) = range.until_millis {
        pairs.push(("until", until.to_string()));
    }
    pairs.push(("format", format.to_owned()));
    format!("/api/v1/audit/export?{}", encode_pairs(&pairs))
}

fn encode_pairs(pairs: &[(&'static str, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", encode_query_value(value, false)))
        .collect::<Vec<_>>()
        .join("&")
}
