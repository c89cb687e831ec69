//! Jobs per day over the last weeks, as stacked bars: succeeded at the bottom, failed on
//! top of them, the rest above; each day's bar titled with its numbers.

use engine::model::{
    job::{JobState, JobsOnDay},
    time::format_utc,
};
use leptos::prelude::*;

use super::{fill_of, Legend, BOTTOM, HEIGHT, LEFT, TOP, WIDTH};

/// The days the home page shows.
pub const DAYS_SHOWN: u32 = 30;

/// The date part of a day's first millisecond: `2026-11-30`.
fn date_of(day: i64) -> String {
    format_utc(day).chars().take(10).collect()
}

#[component]
pub fn JobsPerDay(days: Vec<JobsOnDay>) -> impl IntoView {
    let total = |day: &JobsOnDay| day.succeeded + day.failed + day.other;
    let busiest = days.iter().map(total).max().unwrap_or(0);
    let all: i64 = days.iter().map(total).sum();
    let failed: i64 = days.iter().map(|day| day.failed).sum();
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let plot = HEIGHT - TOP - BOTTOM;
    let scale = plot / busiest.max(1) as f64;
    let (first, last) = match (days.first(), days.last()) {
        (Some(first), Some(last)) => (date_of(first.day), date_of(last.day)),
        _ => (String::new(), String::new()),
    };
    let label = format!(
        "Jobs per day from {first} to {last}: {all} ended, {failed} of them failed, at most {} a day",
        busiest
    );
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(index, day)| {
            let x = format!("{:.1}", LEFT + index as f64 * slot + slot * 0.15);
            let width = format!("{:.1}", slot * 0.7);
            let title = format!(
                "{}: {} succeeded, {} failed, {} other",
                date_of(day.day),
                day.succeeded,
                day.failed,
                day.other
            );
            // Bottom up: each part starts where the one below it ended.
            let mut base = TOP + plot;
            let parts = [
                (day.succeeded, JobState::Succeeded),
                (day.failed, JobState::Failed),
                (day.other, JobState::Cancelled),
            ]
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, state)| {
                let height = count as f64 * scale;
                base -= height;
                view! {
                    <rect x=x.clone() y=format!("{base:.1}") width=width.clone() height=format!("{height:.1}") class=fill_of(state) />
                }
            })
            .collect_view();
            view! {
                <g>
                    <title>{title}</title>
                    // The whole column catches the hover, even on an empty day.
                    <rect x=x.clone() y=TOP width=width.clone() height=plot fill="transparent" />
                    {parts}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure data-testid="jobs-per-day">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="h-40 w-full" role="img" aria-label=label>
                <line x1=LEFT y1=TOP + plot x2=WIDTH y2=TOP + plot class="stroke-slate-300 dark:stroke-slate-700" />
                <text x=LEFT - 6.0 y=TOP + 10.0 text-anchor="end" class="fill-slate-600 text-[11px] dark:fill-slate-400">{busiest.to_string()}</text>
                <text x=LEFT - 6.0 y=TOP + plot text-anchor="end" class="fill-slate-600 text-[11px] dark:fill-slate-400">"0"</text>
                <text x=LEFT y=HEIGHT - 4.0 class="fill-slate-600 text-[11px] dark:fill-slate-400">{first.clone()}</text>
                <text x=WIDTH y=HEIGHT - 4.0 text-anchor="end" class="fill-slate-600 text-[11px] dark:fill-slate-400">{last.clone()}</text>
                {bars}
            </svg>
            <Legend />
        </figure>
    }
}
