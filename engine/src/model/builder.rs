//! The macOS builder as its page and the REST API show it: what its last probe found, why
//! it could not be reached if it could not, and its reachability over the last day. The
//! probe's report (one section per fact, see `probes::builder`) is read here, leniently: a
//! fact the builder did not give is unknown, never an error.

use serde::{Deserialize, Serialize};

use super::{
    cluster::FieldError,
    job::{JobKind, MaintenanceParams},
    report::Sections,
    text_enum::text_enum,
};

/// The launchd service of the builder's Buildkite agent (nix-darwin's module).
pub const AGENT_LABEL: &str = "org.nixos.buildkite-agent";

/// The builder's state as the probe found it. Stored as JSON with each probe: a fact an
/// older nixdeck did not store reads as unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BuilderFacts {
    pub macos_version: Option<String>,
    pub nix_version: Option<String>,
    pub generation: Option<Generation>,
    /// `nix.buildCores` as Nix reports it (`cores`).
    pub cores: Option<u32>,
    /// `nix.maxJobs` as Nix reports it (`max-jobs`).
    pub max_jobs: Option<u32>,
    pub channels: Vec<Channel>,
    pub agent: Option<Agent>,
    /// Free space on the Nix store's volume.
    pub store_free_bytes: Option<u64>,
    /// The 1, 5 and 15 minute load averages.
    pub load: Option<[f64; 3]>,
    pub uptime_seconds: Option<u64>,
}

/// nix-darwin's current generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Generation {
    pub number: u32,
    /// When it was built (milliseconds since the epoch), if the builder said.
    pub built_at: Option<i64>,
}

/// A Nix channel the builder follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    pub name: String,
    pub url: String,
}

/// A Buildkite agent, on the builder or the deployer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    pub running: bool,
    pub version: Option<String>,
    /// `key=value` tags, as the agent is started with them.
    pub tags: Vec<String>,
}

text_enum! {
    /// Why the builder could not be probed.
    pub enum ProbeFailure("a probe failure") {
        /// Nothing answered at its address (connection refused, unknown name).
        Refused = "refused",
        /// It refused nixdeck's key.
        Authentication = "authentication",
        /// It showed another host key than the pinned one.
        HostKey = "host-key",
        /// It did not answer in time (a frozen machine or network).
        Timeout = "timeout",
        /// It answered, but the probe could not be read to its end.
        Failed = "failed",
    }
}

/// The builder as `GET /api/v1/builder` answers it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuilderView {
    /// Whether a builder is configured (`NIXDECK_BUILDER_SSH`).
    pub configured: bool,
    /// How nixdeck reaches it (`user@host:port`), when configured.
    pub address: Option<String>,
    /// Whether the last probe reached it.
    pub reachable: bool,
    /// When the last probe was taken.
    pub checked_at: Option<i64>,
    /// Why the last probe failed, in words.
    pub error: Option<String>,
    /// Why the last probe failed, as a kind.
    pub reason: Option<ProbeFailure>,
    /// When the facts below were taken: the last probe that reached the builder, which is
    /// older than `checked_at` while it is unreachable.
    pub facts_at: Option<i64>,
    #[serde(flatten)]
    pub facts: BuilderFacts,
    /// Reachability over the last day, oldest first.
    pub history: Vec<ReachabilitySlot>,
}

text_enum! {
    /// What the probes in one slot of the reachability strip found.
    pub enum Reachability("a reachability") {
        Reachable = "reachable",
        /// Some probes reached it, some did not.
        Partial = "partial",
        Unreachable = "unreachable",
        /// No probe was taken.
        Unknown = "unknown",
    }
}

/// One slot of the strip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReachabilitySlot {
    pub from: i64,
    pub to: i64,
    pub state: Reachability,
}

/// The builder's maintenance, as `POST /api/v1/builder/jobs` names it.
pub const BUILDER_JOB_KINDS: [JobKind; 4] = [
    JobKind::UpdateChannels,
    JobKind::Rebuild,
    JobKind::RestartAgent,
    JobKind::CollectGarbage,
];

/// The longest garbage-collection age accepted, in days (ten years).
pub const MAX_GC_DAYS: u32 = 3650;

/// Checks a request for builder maintenance: its kind, and the age garbage collection
/// keeps (`days`, as text: a positive whole number), which no other kind takes.
pub fn builder_job(
    kind: &str,
    days: Option<&str>,
) -> Result<(JobKind, MaintenanceParams), FieldError> {
    let field = |name: &str, message: String| FieldError {
        field: name.to_owned(),
        message,
    };
    let kind = JobKind::parse(kind)
        .ok()
        .filter(|kind| BUILDER_JOB_KINDS.contains(kind))
        .ok_or_else(|| {
            field(
                "kind",
                format!(
                    "{kind:?} is not a builder job: use update-channels, rebuild, restart-agent \
                     or collect-garbage"
                ),
            )
        })?;
    let days = match (kind, days.map(str::trim)) {
        (JobKind::CollectGarbage, Some(text)) => {
            let days = Some(text)
                .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|text| text.parse::<u32>().ok())
                .filter(|days| (1..=MAX_GC_DAYS).contains(days))
                .ok_or_else(|| {
                    field(
                        "days",
                        format!(
                            "{text:?} is not a number of days: use a whole number from 1 to \
                             {MAX_GC_DAYS}"
                        ),
                    )
                })?;
            Some(days)
        }
        (JobKind::CollectGarbage, None) => {
            return Err(field(
                "days",
                "garbage collection needs the age of what it deletes, in days".to_owned(),
            ))
        }
        (_, Some(_)) => {
            return Err(field(
                "days",
                format!("only collect-garbage takes days, not {kind}"),
            ))
        }
        (_, None) => None,
    };
    Ok((kind, MaintenanceParams { days }))
}

/// The strip covers this long, in this many slots.
pub const HISTORY_MILLIS: i64 = 24 * 3600 * 1000;
pub const HISTORY_SLOTS: i64 = 48;

/// The strip over the day ending at `now`, from probes as (time, reached) pairs.
pub fn reachability_strip(now: i64, probes: &[(i64, bool)]) -> Vec<ReachabilitySlot> {
    let width = HISTORY_MILLIS / HISTORY_SLOTS;
    let start = now - HISTORY_MILLIS;
    (0..HISTORY_SLOTS)
        .map(|slot| {
            let from = start + slot * width;
            let to = from + width;
            let inside = probes.iter().filter(|(at, _)| *at >= from && *at < to);
            let (mut reached, mut missed) = (0, 0);
            for (_, ok) in inside {
                if *ok {
                    reached += 1;
                } else {
                    missed += 1;
                }
            }
            let state = match (reached, missed) {
                (0, 0) => Reachability::Unknown,
                (_, 0) => Reachability::Reachable,
                (0, _) => Reachability::Unreachable,
                _ => Reachability::Partial,
            };
            ReachabilitySlot { from, to, state }
        })
        .collect()
}

/// Reads the builder probe's report.
pub fn parse_builder_report(report: &str) -> BuilderFacts {
    let sections = Sections::parse(report);
    let config = |key: &str| {
        sections.lines("config").find_map(|line| {
            let (name, value) = line.split_once('=')?;
            (name.trim() == key).then(|| value.trim().parse::<u32>().ok())?
        })
    };
    let now = sections
        .first("now")
        .and_then(|line| line.parse::<i64>().ok());
    let boot = sections.first("boot").and_then(boot_seconds);
    BuilderFacts {
        macos_version: sections.first("macos").map(str::to_owned),
        nix_version: sections.first("nix").map(|line| {
            line.strip_prefix("nix (Nix) ")
                .unwrap_or(line)
                .trim()
                .to_owned()
        }),
        generation: sections.first("generation").and_then(current_generation),
        cores: config("cores"),
        max_jobs: config("max-jobs"),
        channels: sections
            .lines("channels")
            .filter_map(|line| {
                let (name, url) = line.split_once(char::is_whitespace)?;
                Some(Channel {
                    name: name.to_owned(),
                    url: url.trim().to_owned(),
                })
            })
            .collect(),
        agent: builder_agent(&sections),
        store_free_bytes: sections.first("store").and_then(free_bytes),
        load: sections.first("load").and_then(load_averages),
        uptime_seconds: match (now, boot) {
            (Some(now), Some(boot)) if now >= boot => u64::try_from(now - boot).ok(),
            _ => None,
        },
    }
}

/// The agent from `launchctl print` (its `state`; `not loaded` when launchd does not know
/// it), its tags (given as `--tags` arguments, or in the start script nix-darwin writes) and
/// its version (`buildkite-agent --version`, or the store path the start script runs).
fn builder_agent(sections: &Sections) -> Option<Agent> {
    let service: Vec<&str> = sections.lines("agent").collect();
    if service.is_empty() {
        return None;
    }
    let running = service.iter().any(|line| line.trim() == "state = running");
    let arguments: Vec<&str> = sections.lines("agent-arguments").map(str::trim).collect();
    let mut tags = tags_from_arguments(&arguments);
    if tags.is_empty() {
        tags = sections
            .lines("agent-script")
            .find_map(config_tags)
            .unwrap_or_default();
    }
    let version = sections
        .first("agent-version")
        .and_then(agent_version)
        .or_else(|| sections.lines("agent-script").find_map(store_path_version));
    Some(Agent {
        running,
        version,
        tags,
    })
}

/// `exec /nix/store/...-buildkite-agent-3.59.0/bin/buildkite-agent start` → `3.59.0`.
fn store_path_version(line: &str) -> Option<String> {
    let (before, _) = line.split_once("/bin/buildkite-agent")?;
    let (_, version) = before.rsplit_once("-buildkite-agent-")?;
    let plausible = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    plausible.then(|| version.to_owned())
}

/// `--tags a=b,c=d` or `--tags=a=b,c=d` among an agent's arguments.
fn tags_from_arguments(arguments: &[&str]) -> Vec<String> {
    let value = arguments.iter().enumerate().find_map(|(i, argument)| {
        if let Some(value) = argument.strip_prefix("--tags=") {
            Some(value.to_owned())
        } else if *argument == "--tags" {
            arguments.get(i + 1).map(|value| (*value).to_owned())
        } else {
            None
        }
    });
    value.map(|value| split_tags(&value)).unwrap_or_default()
}

/// A `tags="a=b,c=d"` line of `buildkite-agent.cfg` (`meta-data=` in older agents, as
/// nix-darwin's single-agent module writes it).
pub fn config_tags(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    let value = line
        .strip_prefix("tags=")
        .or_else(|| line.strip_prefix("meta-data="))?;
    Some(split_tags(value.trim().trim_matches('"')))
}

fn split_tags(value: &str) -> Vec<String> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `buildkite-agent version 3.59.0, build 8195` → `3.59.0`.
pub fn agent_version(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("buildkite-agent version ")?;
    Some(rest.split(',').next().unwrap_or(rest).trim().to_owned())
}

/// nix-darwin's current generation from its profile link and the link's time:
/// `system-42-link 1795939201` (`readlink`, then `stat -f %m`, read without the profile's
/// lock, which `darwin-rebuild --list-generations` would take).
fn current_generation(line: &str) -> Option<Generation> {
    let mut words = line.split_whitespace();
    let number = words
        .next()?
        .strip_prefix("system-")?
        .strip_suffix("-link")?
        .parse::<u32>()
        .ok()?;
    let built_at = words
        .next()
        .and_then(|seconds| seconds.parse::<i64>().ok())
        .map(|seconds| seconds * 1000);
    Some(Generation { number, built_at })
}

/// The last line of `df -Pk PATH`: the fourth column is the free space in KiB.
pub fn free_bytes(line: &str) -> Option<u64> {
    let available = line.split_whitespace().nth(3)?.parse::<u64>().ok()?;
    available.checked_mul(1024)
}

/// `{ 1.52 1.61 1.70 }` (`sysctl -n vm.loadavg`).
fn load_averages(line: &str) -> Option<[f64; 3]> {
    let numbers: Vec<f64> = line
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers.as_slice() {
        [one, five, fifteen] => Some([*one, *five, *fifteen]),
        _ => None,
    }
}

/// `{ sec = 1732900000, usec = 123456 } Fri Nov 29 ...` (`sysctl -n kern.boottime`).
fn boot_seconds(line: &str) -> Option<i64> {
    let after = line.split_once("sec =")?.1;
    after.split(',').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "@@ macos
14.5
@@ nix
nix (Nix) 2.18.1
@@ config
cores = 4
max-jobs = 4
@@ generation
system-42-link 1795939201
@@ channels
darwin https://github.com/LnL7/nix-darwin/archive/master.tar.gz
nixpkgs https://nixos.org/channels/nixpkgs-23.11-darwin
@@ agent
\tstate = running
\tpid = 512
@@ agent-arguments
\t\t/bin/sh
\t\t-c
\t\t/bin/wait4path /nix/store && exec /nix/store/abc-buildkite-agent-start
@@ agent-script
tags=\"system=x86_64-darwin,queue=darwin\"
exec /nix/store/def-buildkite-agent-3.59.0/bin/buildkite-agent start --config \"$HOME/cfg\"
@@ agent-version
@@ store
/dev/disk3s7   488245288 253677398 234567890    52%    /nix
@@ load
{ 1.52 1.61 1.70 }
@@ boot
{ sec = 1764000000, usec = 123456 } Mon Nov 24 16:00:00 2025
@@ now
1764086400
";

    #[test]
    fn every_fact_is_read_from_the_report() {
        let facts = parse_builder_report(REPORT);
        assert_eq!(facts.macos_version.as_deref(), Some("14.5"));
        assert_eq!(facts.nix_version.as_deref(), Some("2.18.1"));
        assert_eq!(
            facts.generation,
            Some(Generation {
                number: 42,
                built_at: Some(1_795_939_201_000),
            })
        );
        assert_eq!((facts.cores, facts.max_jobs), (Some(4), Some(4)));
        assert_eq!(facts.channels.len(), 2);
        assert_eq!(facts.channels[0].name, "darwin");
        assert_eq!(
            facts.agent,
            Some(Agent {
                running: true,
                version: Some("3.59.0".to_owned()),
                tags: vec!["system=x86_64-darwin".to_owned(), "queue=darwin".to_owned()],
            })
        );
        assert_eq!(facts.store_free_bytes, Some(234_567_890 * 1024));
        assert_eq!(facts.load, Some([1.52, 1.61, 1.70]));
        assert_eq!(facts.uptime_seconds, Some(86_400));
    }

    #[test]
    fn missing_facts_are_unknown_not_errors() {
        let facts =
            parse_builder_report("@@ macos\n@@ nix\ngarbage\n@@ agent\n\tstate = not running\n");
        assert_eq!(facts.macos_version, None);
        assert_eq!(facts.nix_version.as_deref(), Some("garbage"));
        assert_eq!(facts.agent.map(|agent| agent.running), Some(false));
        assert_eq!(facts.generation, None);
        assert_eq!(parse_builder_report(""), BuilderFacts::default());
    }

    #[test]
    fn tags_given_on_the_command_line_win() {
        assert_eq!(
            tags_from_arguments(&["buildkite-agent", "start", "--tags", "a=b,c=d"]),
            vec!["a=b", "c=d"]
        );
        assert_eq!(tags_from_arguments(&["--tags=a=b"]), vec!["a=b"]);
        assert_eq!(
            config_tags(r#"meta-data="system=x86_64-darwin""#),
            Some(vec!["system=x86_64-darwin".to_owned()])
        );
    }

    #[test]
    fn the_strip_has_a_slot_per_half_hour() {
        let now = HISTORY_MILLIS * 10;
        let slot = HISTORY_MILLIS / HISTORY_SLOTS;
        let probes = [(now - 1, true), (now - 2, false), (now - slot - 1, true)];
        let strip = reachability_strip(now, &probes);
        assert_eq!(strip.len(), 48);
        assert_eq!(strip[47].state, Reachability::Partial);
        assert_eq!(strip[46].state, Reachability::Reachable);
        assert_eq!(strip[0].state, Reachability::Unknown);
    }

    #[test]
    fn builder_jobs_are_checked() {
        assert_eq!(
            builder_job("collect-garbage", Some("30")),
            Ok((
                JobKind::CollectGarbage,
                MaintenanceParams { days: Some(30) }
            ))
        );
        assert_eq!(
            builder_job("rebuild", None),
            Ok((JobKind::Rebuild, MaintenanceParams { days: None }))
        );
        for days in ["0", "-3", "1.5", "", "x", "3651"] {
            let error = builder_job("collect-garbage", Some(days)).expect_err(days);
            assert_eq!(error.field, "days", "{days}");
        }
        assert_eq!(
            builder_job("collect-garbage", None).map_err(|e| e.field),
            Err("days".into())
        );
        assert_eq!(
            builder_job("rebuild", Some("3")).map_err(|e| e.field),
            Err("days".into())
        );
        for kind in ["deploy", "reboot", ""] {
            assert_eq!(
                builder_job(kind, None).map_err(|e| e.field),
                Err("kind".into())
            );
        }
    }

    #[test]
    fn an_agent_launchd_does_not_know_is_not_running() {
        let facts = parse_builder_report("@@ agent\nstate = not loaded\n@@ agent-version\nbuildkite-agent version 3.60.1, build 1\n");
        let agent = facts.agent.expect("an agent");
        assert!(!agent.running);
        assert_eq!(agent.version.as_deref(), Some("3.60.1"));
        assert_eq!(
            store_path_version("exec /nix/store/x-buildkite-agent-/bin/buildkite-agent"),
            None
        );
    }
}
