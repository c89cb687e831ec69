//! nixdeck's signed-in clusters list, written by hand: the same session lookup and the same
//! engine queries as nixdeck's page (the list, then the page's healths), and the same HTML
//! built with plain string formatting, without a framework and without hydration data.

use std::{collections::BTreeMap, fmt::Write, time::Duration};

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use engine::{
    access::check_session,
    commands::Caller,
    model::{
        access::Action,
        cloud::{ClusterHealth, HealthState},
        cluster::{ClusterCursor, ClusterListing, ClusterState},
        job::JobState,
        time::format_utc,
    },
    nixops::DeploySettings,
    store::Store,
    Engine, EngineConfig,
};
use tokio_util::sync::CancellationToken;

mod shell;

/// The cookie nixdeck keeps a person's session in.
const SESSION_COOKIE: &str = "nixdeck_session";
const CELL: &str = "px-4 py-2";
const LINK: &str = "text-indigo-700 hover:underline dark:text-indigo-300";

#[derive(Clone)]
struct Page {
    store: Store,
    engine: Engine,
}

/// `/clusters` over the database at `url` (nixdeck's, as nixdeck left it), with AWS reached
/// as nixdeck's defaults reach it (the standard chain, `AWS_ENDPOINT_URL` included).
pub async fn router(url: &str) -> Result<Router, Box<dyn std::error::Error>> {
    let store = Store::connect(url).await?;
    let cloud = aws::Settings {
        region: "eu-central-1".to_owned(),
        timeout: Duration::from_secs(10),
        endpoint: None,
        credentials: None,
    }
    .connect()
    .await;
    let engine = Engine::new(
        EngineConfig {
            store: store.clone(),
            hosts: Vec::new(),
            deploys: DeploySettings {
                nixops_root: "/var/lib/nixops".to_owned(),
                repo_url: "https://example.com/disciplina-nixops.git".to_owned(),
                deployer_checkout: "/var/lib/nixops/deployer/disciplina-nixops".to_owned(),
            },
            worker_id: "baseline".to_owned(),
            max_parallel: 1,
            streams_per_person: 1,
            cloud: Some(cloud),
            builder: Default::default(),
            approvals: Default::default(),
            delivery: Default::default(),
        },
        CancellationToken::new(),
    );
    Ok(Router::new()
        .route("/clusters", get(clusters))
        .with_state(Page { store, engine }))
}

async fn clusters(State(page): State<Page>, headers: HeaderMap) -> Response {
    let Some(cookie) = session_cookie(&headers) else {
        return Redirect::to("/signin?next=/clusters").into_response();
    };
    let principal = match check_session(&page.store, cookie).await {
        Ok(Ok(principal)) => principal,
        Ok(Err(_)) => return Redirect::to("/signin?next=/clusters").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let caller = Caller::from_request(principal, None);
    let cursor = ClusterCursor::First;
    // nixdeck loads the list and the healths side by side; so does this.
    let (listing, healths) = tokio::join!(
        page.engine.cluster_list(&caller, &cursor),
        page.engine.cluster_healths(&caller, &cursor),
    );
    let Ok(listing) = listing else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut main = String::with_capacity(16 * 1024);
    main.push_str(shell::HEADER);
    if caller.principal.may(Action::ManageClusters) {
        main.push_str(shell::NEW_CLUSTER);
    }
    write_table(&mut main, listing, healths.ok().as_ref());
    let body = shell::document(&caller.principal.name, &main);
    ([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
}

fn write_table(
    out: &mut String,
    listing: ClusterListing,
    healths: Option<&BTreeMap<String, ClusterHealth>>,
) {
    out.push_str(shell::TABLE_START);
    for cluster in listing.clusters {
        let name = escape(&cluster.name);
        let _ = write!(
            out,
            r#"<tr><td class="{CELL} font-mono font-medium"><a href="/clusters/{name}" class="{LINK}">{name}</a></td><td class="{CELL}">{env}</td><td class="{CELL}">{region}</td><td class="{CELL}">{index}</td><td class="{CELL}">{state}</td><td class="{CELL}">"#,
            env = cluster.env.as_str(),
            region = escape(&cluster.region),
            index = cluster.cluster_index,
            state = badge(
                cluster_tone(cluster.state),
                cluster.state.as_str(),
                "cluster-state"
            ),
        );
        match healths {
            Some(healths) => {
                if let Some(health) = healths.get(&cluster.name) {
                    let _ = write!(
                        out,
                        r#"<span title="{why}">{badge}</span>"#,
                        why = escape(&health.reasons.join("; ")),
                        badge = badge(
                            health_tone(health.status),
                            health.status.as_str(),
                            "cluster-health"
                        ),
                    );
                }
            }
            None => out.push_str(r#"<span class="text-xs text-slate-500">unknown</span>"#),
        }
        let _ = write!(out, r#"</td><td class="{CELL}">"#);
        if let Some(job) = cluster.latest_job {
            let _ = write!(
                out,
                r#"<a href="/jobs/{id}" class="mr-2 hover:underline">{kind}</a>{badge}<span class="ml-2 text-xs text-slate-500">{time}</span>"#,
                id = escape(&job.id),
                kind = job.kind.as_str(),
                badge = badge(job_tone(job.state), job.state.as_str(), "job-state"),
                time = format_utc(job.created_at),
            );
        }
        out.push_str("</td></tr>");
    }
    out.push_str(shell::TABLE_END);
    let previous = listing.previous_before.map(|name| {
        format!(r#"<a href="/clusters?before={name}" class="{LINK}">← Previous clusters</a>"#)
    });
    let next = listing.next_after.map(|name| {
        format!(r#"<a href="/clusters?after={name}" class="{LINK}">Next clusters →</a>"#)
    });
    if previous.is_some() || next.is_some() {
        let _ = write!(
            out,
            r#"<nav aria-label="Pages of clusters" class="mt-4 flex justify-between text-sm"><span>{}</span><span>{}</span></nav>"#,
            previous.unwrap_or_default(),
            next.unwrap_or_default(),
        );
    }
}

const GOOD: &str = "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200";
const BAD: &str = "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200";
const BUSY: &str = "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200";
const WAITING: &str = "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200";
const PLAIN: &str = "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300";

fn badge(tone: &str, text: &str, testid: &str) -> String {
    format!(
        r#"<span class="inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium {tone}" data-testid="{testid}">{text}</span>"#
    )
}

fn cluster_tone(state: ClusterState) -> &'static str {
    match state {
        ClusterState::Deployed => GOOD,
        ClusterState::Failed => BAD,
        ClusterState::New | ClusterState::Stopped => PLAIN,
    }
}

fn health_tone(state: HealthState) -> &'static str {
    match state {
        HealthState::Healthy => GOOD,
        HealthState::Degraded => BAD,
        HealthState::Unknown => PLAIN,
    }
}

fn job_tone(state: JobState) -> &'static str {
    match state {
        JobState::Succeeded => GOOD,
        JobState::Failed | JobState::Interrupted => BAD,
        JobState::Running | JobState::Queued => BUSY,
        JobState::AwaitingApproval => WAITING,
        JobState::Cancelled | JobState::Rejected | JobState::Expired => PLAIN,
    }
}

/// Text made safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
