//! The Builder page: the macOS (nix-darwin) build machine as the probes found it (the last
//! known state and its age when it cannot be reached, and its reachability over the last
//! day), its maintenance as jobs for admins, and their history.

use engine::model::{
    access::Action,
    builder::{BuilderView, Reachability},
    time::format_utc,
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::host_jobs::HostJobs;
use crate::{
    api::fetcher::boxed,
    api::hosts::{get_builder, BuilderPage, ProbeBuilder, StartBuilderJob},
    components::common::{
        format_age, format_bytes, Badge, Button, ButtonTone, EmptyState, ErrorNotice, Facts,
        Loaded, PageHeader, Tone, FIELD_INLINE, PANEL,
    },
};

#[component]
pub fn BuilderPage() -> impl IntoView {
    let probe = ServerAction::<ProbeBuilder>::new();
    let start = ServerAction::<StartBuilderJob>::new();
    let page = Resource::new(move || probe.version().get(), |_| boxed(get_builder()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(job)) = start.value().get() {
            navigate(&format!("/jobs/{job}"), Default::default());
        }
    });
    let failure = move || {
        start
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| probe.value().get().and_then(Result::err))
    };
    view! {
        <PageHeader
            title="Builder"
            summary="The macOS builder that builds for x86_64-darwin: whether it answers, its Nix settings, channels and Buildkite agent, and its maintenance."
        />
        {move || failure().map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=page view={move |page: BuilderPage| view! { <BuilderBody page probe start /> }} />
    }
}

#[component]
fn BuilderBody(
    page: BuilderPage,
    probe: ServerAction<ProbeBuilder>,
    start: ServerAction<StartBuilderJob>,
) -> impl IntoView {
    if !page.builder.configured {
        return view! {
            <EmptyState
                title="No builder is configured"
                body="Set NIXDECK_BUILDER_SSH (usually administrator@host), NIXDECK_BUILDER_SSH_KEY (the private key nixdeck signs in with) and NIXDECK_BUILDER_HOST_KEY (the builder's public host key, which nixdeck pins), then restart nixdeck."
            />
        }
        .into_any();
    }
    let may_maintain = page.principal.may(Action::MaintainHosts);
    let builder = page.builder.clone();
    view! {
        <Status builder=builder.clone() now=page.now probe />
        <div class="mt-4 grid gap-4 lg:grid-cols-2">
            <NixFacts builder=builder.clone() now=page.now />
            <AgentAndChannels builder=builder.clone() />
        </div>
        {may_maintain.then(|| view! { <Maintenance start /> })}
        <HostJobs jobs=page.jobs empty="No maintenance has run on the builder yet." />
    }
    .into_any()
}

/// Reachable or not, and why; when it was last checked; the strip of the last day.
#[component]
fn Status(builder: BuilderView, now: i64, probe: ServerAction<ProbeBuilder>) -> impl IntoView {
    let checked = builder.checked_at.map_or_else(
        || "not probed yet".to_owned(),
        |at| format!("checked {} ({})", format_age(at, now), format_utc(at)),
    );
    let (tone, text) = match (builder.checked_at, builder.reachable) {
        (None, _) => (Tone::Plain, "not probed yet"),
        (Some(_), true) => (Tone::Good, "reachable"),
        (Some(_), false) => (Tone::Bad, "unreachable"),
    };
    let stale = (!builder.reachable).then_some(builder.facts_at).flatten();
    view! {
        <section class=PANEL aria-label="Status">
            <div class="flex flex-wrap items-center gap-3">
                <Badge tone text testid="builder-status" />
                <span class="font-mono text-sm">{builder.address.clone().unwrap_or_default()}</span>
                <span class="text-sm text-slate-600 dark:text-slate-400" data-testid="builder-checked">{checked}</span>
                <ActionForm action=probe attr:class="ml-auto">
                    <Button tone=ButtonTone::Quiet small=true>"Probe now"</Button>
                </ActionForm>
            </div>
            {builder.error.clone().map(|error| {
                let reason = builder.reason.map_or("unknown", |reason| reason.as_str());
                view! {
                    <p class="mt-3 text-sm text-red-700 dark:text-red-400" role="alert" data-testid="builder-error">
                        {format!("Why ({reason}): {error}")}
                    </p>
                }
            })}
            {stale.map(|at| view! {
                <p class="mt-1 text-sm text-amber-700 dark:text-amber-400" data-testid="builder-stale">
                    {format!("Below is the last known state, from {} ({}).", format_age(at, now), format_utc(at))}
                </p>
            })}
            <Strip builder />
        </section>
    }
}

/// One box per half hour of the last day: green reached, red not, amber both, grey none.
#[component]
fn Strip(builder: BuilderView) -> impl IntoView {
    view! {
        <div class="mt-3">
            <p class="mb-1 text-xs text-slate-500">"Reachability, last 24 hours"</p>
            <ol class="flex gap-px" aria-label="Reachability over the last 24 hours" data-testid="reachability">
                {builder.history.into_iter().map(|slot| {
                    let colour = match slot.state {
                        Reachability::Reachable => "bg-emerald-500",
                        Reachability::Partial => "bg-amber-400",
                        Reachability::Unreachable => "bg-red-500",
                        Reachability::Unknown => "bg-slate-200 dark:bg-slate-700",
                    };
                    let title = format!("{} to {}: {}", format_utc(slot.from), format_utc(slot.to), slot.state.as_str());
                    view! { <li class=format!("h-4 flex-1 rounded-sm {colour}") title=title data-state=slot.state.as_str()></li> }
                }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn NixFacts(builder: BuilderView, now: i64) -> impl IntoView {
    let facts = builder.facts;
    let unknown = || "unknown".to_owned();
    let generation = facts
        .generation
        .as_ref()
        .map_or_else(unknown, |generation| match generation.built_at {
            Some(at) => format!("{} (built {})", generation.number, format_age(at, now)),
            None => generation.number.to_string(),
        });
    let rows = vec![
        ("macOS", facts.macos_version.clone().unwrap_or_else(unknown)),
        ("Nix", facts.nix_version.clone().unwrap_or_else(unknown)),
        ("generation", generation),
        ("cores", facts.cores.map_or_else(unknown, |n| n.to_string())),
        (
            "max-jobs",
            facts.max_jobs.map_or_else(unknown, |n| n.to_string()),
        ),
        (
            "store free",
            facts.store_free_bytes.map_or_else(unknown, format_bytes),
        ),
        (
            "load",
            facts.load.map_or_else(unknown, |[one, five, fifteen]| {
                format!("{one:.2} {five:.2} {fifteen:.2}")
            }),
        ),
        (
            "uptime",
            facts.uptime_seconds.map_or_else(unknown, |seconds| {
                format!("{}d {}h", seconds / 86_400, seconds % 86_400 / 3600)
            }),
        ),
    ];
    view! {
        <section class=PANEL aria-label="Nix" data-testid="builder-facts">
            <h2 class="mb-2 text-sm font-semibold">"Nix and macOS"</h2>
            <Facts rows />
        </section>
    }
}

#[component]
fn AgentAndChannels(builder: BuilderView) -> impl IntoView {
    let facts = builder.facts;
    let agent = facts.agent.clone().map_or_else(
        || "unknown".to_owned(),
        |agent| {
            let state = if agent.running {
                "running"
            } else {
                "not running"
            };
            let version = agent
                .version
                .unwrap_or_else(|| "version unknown".to_owned());
            let tags = if agent.tags.is_empty() {
                "no tags".to_owned()
            } else {
                agent.tags.join(", ")
            };
            format!("{state} · {version} · {tags}")
        },
    );
    view! {
        <section class=PANEL aria-label="Agent and channels">
            <h2 class="mb-2 text-sm font-semibold">"Buildkite agent"</h2>
            <p class="font-mono text-sm" data-testid="builder-agent">{agent}</p>
            <h2 class="mb-2 mt-4 text-sm font-semibold">"Channels"</h2>
            {if facts.channels.is_empty() {
                view! { <p class="text-sm text-slate-600 dark:text-slate-400">"unknown"</p> }.into_any()
            } else {
                view! {
                    <ul class="text-sm" data-testid="builder-channels">
                        {facts.channels.into_iter().map(|channel| view! {
                            <li><span class="font-mono font-medium">{channel.name}</span>" "<span class="break-all font-mono text-xs text-slate-600 dark:text-slate-400">{channel.url}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The four maintenance jobs; each opens its job page with the live log.
#[component]
fn Maintenance(start: ServerAction<StartBuilderJob>) -> impl IntoView {
    let simple = [
        ("update-channels", "Update channels"),
        ("rebuild", "Rebuild (darwin-rebuild switch)"),
        ("restart-agent", "Restart the agent"),
    ];
    view! {
        <section class=format!("{PANEL} mt-4") aria-label="Maintenance">
            <h2 class="mb-2 text-sm font-semibold">"Maintenance"</h2>
            <div class="flex flex-wrap items-end gap-2">
                {simple.into_iter().map(|(kind, label)| view! {
                    <ActionForm action=start>
                        <input type="hidden" name="kind" value=kind />
                        <input type="hidden" name="days" value="" />
                        <Button tone=ButtonTone::Quiet>{label}</Button>
                    </ActionForm>
                }).collect_view()}
                <ActionForm action=start attr:class="flex items-end gap-2">
                    <input type="hidden" name="kind" value="collect-garbage" />
                    <label class="text-sm">
                        "Delete generations older than (days)"
                        <input name="days" type="number" min="1" max="3650" value="30" class=FIELD_INLINE required />
                    </label>
                    <Button tone=ButtonTone::Danger>"Collect garbage"</Button>
                </ActionForm>
            </div>
        </section>
    }
}
