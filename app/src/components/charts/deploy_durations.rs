//! A cluster's recent creates and deploys as bars: how long each ran, coloured by how it
//! ended, the newest on the right; each bar is a link to its job, named by its title.

use engine::model::{
    job::{JobKind, JobState},
    time::{format_duration, format_utc},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{fill_of, Legend, BOTTOM, HEIGHT, LEFT, TOP, WIDTH};

/// Bars drawn at most.
pub const BARS: usize = 30;

/// One finished create or deploy: all the chart needs of it, so the page carries no more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployBar {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub millis: i64,
    pub finished_at: i64,
}

/// The bars for `jobs` (newest first, as the history lists them): finished creates and
/// deploys that ran, the newest `BARS`, oldest first.
#[cfg(any(feature = "ssr", test))]
pub fn deploy_bars(jobs: &[engine::model::job::JobView]) -> Vec<DeployBar> {
    let mut bars: Vec<DeployBar> = jobs
        .iter()
        .filter(|job| matches!(job.kind, JobKind::Create | JobKind::Deploy))
        .filter_map(|job| {
            let (started, finished) = (job.started_at?, job.finished_at?);
            Some(DeployBar {
                id: job.id.clone(),
                kind: job.kind,
                state: job.state,
                millis: (finished - started).max(0),
                finished_at: finished,
            })
        })
        .take(BARS)
        .collect();
    bars.reverse();
    bars
}

/// The chart of `bars` (from [`deploy_bars`]); nothing when there are none.
#[component]
pub fn DeployDurations(bars: Vec<DeployBar>) -> impl IntoView {
    if bars.is_empty() {
        return ().into_any();
    }
    let longest = bars
        .iter()
        .map(|bar| bar.millis)
        .max()
        .unwrap_or(0)
        .max(1000);
    let slot = (WIDTH - LEFT) / BARS as f64;
    let plot = HEIGHT - TOP - BOTTOM;
    let failed = bars
        .iter()
        .filter(|bar| bar.state == JobState::Failed)
        .count();
    let label = format!(
        "Durations of the last {} creates and deploys, {} failed, the longest {}",
        bars.len(),
        failed,
        format_duration(longest)
    );
    // The newest bar at the right edge, the older ones before it.
    let offset = BARS - bars.len();
    let marks = bars
        .into_iter()
        .enumerate()
        .map(|(index, bar)| {
            let height = (bar.millis as f64 / longest as f64 * plot).max(2.0);
            let x = LEFT + (offset + index) as f64 * slot + slot * 0.15;
            let title = format!(
                "{} {} in {}, finished {}",
                bar.kind.as_str(),
                bar.state.as_str(),
                format_duration(bar.millis),
                format_utc(bar.finished_at)
            );
            let name = title.clone();
            // Inside <g>, so the link is made as an SVG element in the browser too.
            view! {
                <g>
                    <a href=format!("/jobs/{}", bar.id) aria-label=name>
                        <title>{title}</title>
                        <rect
                            x=format!("{x:.1}")
                            y=format!("{:.1}", TOP + plot - height)
                            width=format!("{:.1}", slot * 0.7)
                            height=format!("{height:.1}")
                            rx="2"
                            class=fill_of(bar.state)
                        />
                    </a>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="mt-6" data-testid="deploy-durations">
            <figcaption class="mb-2 text-sm font-semibold">"Recent deploys"</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="h-40 w-full" role="group" aria-label=label>
                <line x1=LEFT y1=TOP + plot x2=WIDTH y2=TOP + plot class="stroke-slate-300 dark:stroke-slate-700" />
                <text x=LEFT - 6.0 y=TOP + 10.0 text-anchor="end" class="fill-slate-600 text-[11px] dark:fill-slate-400">{format_duration(longest)}</text>
                <text x=LEFT - 6.0 y=TOP + plot text-anchor="end" class="fill-slate-600 text-[11px] dark:fill-slate-400">"0"</text>
                <text x=LEFT y=HEIGHT - 4.0 class="fill-slate-600 text-[11px] dark:fill-slate-400">"older"</text>
                <text x=WIDTH y=HEIGHT - 4.0 text-anchor="end" class="fill-slate-600 text-[11px] dark:fill-slate-400">"newest"</text>
                {marks}
            </svg>
            <Legend />
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use engine::model::{
        access::Door,
        job::{JobView, Trigger},
    };

    use super::*;

    fn job(id: &str, kind: JobKind, state: JobState, times: Option<(i64, i64)>) -> JobView {
        JobView {
            id: id.to_owned(),
            kind,
            target: "alpha".to_owned(),
            host: "deployer".to_owned(),
            cluster: Some("alpha".to_owned()),
            state,
            steps: Vec::new(),
            requested_by: "github:alice".to_owned(),
            requested_via: Door::Session,
            trigger: Trigger::Ui,
            trigger_ref: None,
            created_at: 0,
            started_at: times.map(|(start, _)| start),
            finished_at: times.map(|(_, end)| end),
            error: None,
            redeploy_of: None,
            params: None,
            maintenance: None,
            approval: None,
        }
    }

    #[test]
    fn bars_are_finished_creates_and_deploys_oldest_first() {
        // Newest first, as the history lists them.
        let jobs = vec![
            job("5", JobKind::Deploy, JobState::Running, None),
            job("4", JobKind::Deploy, JobState::Failed, Some((4_000, 9_000))),
            job(
                "3",
                JobKind::Info,
                JobState::Succeeded,
                Some((3_000, 3_500)),
            ),
            job("2", JobKind::Deploy, JobState::Cancelled, None),
            job(
                "1",
                JobKind::Create,
                JobState::Succeeded,
                Some((1_000, 61_000)),
            ),
        ];
        let bars = deploy_bars(&jobs);
        let ids: Vec<&str> = bars.iter().map(|bar| bar.id.as_str()).collect();
        assert_eq!(ids, ["1", "4"]);
        assert_eq!(bars[0].millis, 60_000);
        assert_eq!(bars[1].state, JobState::Failed);
    }

    #[test]
    fn only_the_newest_thirty_are_drawn() {
        let jobs: Vec<JobView> = (0..40)
            .rev()
            .map(|i| {
                job(
                    &i.to_string(),
                    JobKind::Deploy,
                    JobState::Succeeded,
                    Some((i * 10, i * 10 + 5)),
                )
            })
            .collect();
        let bars = deploy_bars(&jobs);
        assert_eq!(bars.len(), BARS);
        assert_eq!(bars.first().map(|bar| bar.id.as_str()), Some("10"));
        assert_eq!(bars.last().map(|bar| bar.id.as_str()), Some("39"));
    }
}
