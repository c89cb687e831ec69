//! The builder's probe: one read-only script over one SSH connection, run every
//! `NIXDECK_BUILDER_PROBE_INTERVAL` and on demand, each result stored with the time it was
//! taken (a failure with its reason), so the Builder page shows the last known state and
//! its age while the builder cannot be reached. With several replicas, a replica skips its
//! turn when another probed recently.

use std::time::Duration;

use crate::{
    engine::Engine,
    exec::{HostError, HostErrorKind},
    model::{
        builder::{parse_builder_report, ProbeFailure, HISTORY_MILLIS},
        failure::Failure,
        job::BUILDER_HOST,
    },
    store::{
        builder_probes::{self, ProbeRow},
        now_millis,
    },
};

use super::run_script;

/// What the probe runs: every command reads, none writes (nor takes a lock: the current
/// generation is read from the profile's link, not with `--list-generations`). `$1` is the
/// agent's launchd label. A command that fails leaves its section empty. nix-darwin starts
/// the agent from a script in the store, which holds its tags and its store path; the
/// token is read when it starts, never written there, and only those lines are read.
const SCRIPT: &str = r#"section() { printf '\n@@ %s\n' "$1"; }
section macos; sw_vers -productVersion 2>/dev/null
section nix; nix --version 2>/dev/null
section config
{ nix --extra-experimental-features nix-command config show 2>/dev/null ||
  nix --extra-experimental-features nix-command show-config 2>/dev/null ||
  nix show-config 2>/dev/null; } |
  grep -E '^(cores|max-jobs) = '
section generation
link=$(readlink /nix/var/nix/profiles/system 2>/dev/null) &&
  printf '%s %s\n' "$link" "$(/usr/bin/stat -f %m "/nix/var/nix/profiles/$link" 2>/dev/null ||
    stat -f %m "/nix/var/nix/profiles/$link" 2>/dev/null)"
section channels; nix-channel --list 2>/dev/null
agent=$(launchctl print "system/$1" 2>/dev/null) || agent='state = not loaded'
section agent; printf '%s\n' "$agent" | grep -E '^[[:space:]]*(state|pid) = '
arguments=$(printf '%s\n' "$agent" | sed -n '/^[[:space:]]*arguments = {/,/^[[:space:]]*}/p' | sed '1d;$d')
section agent-arguments; printf '%s\n' "$arguments"
section agent-script
set -f
for word in $arguments; do
  [ -f "$word" ] && grep -I -h -E 'tags=|meta-data=|/bin/buildkite-agent' "$word" 2>/dev/null
done
set +f
section agent-version; buildkite-agent --version 2>/dev/null
section store; df -Pk /nix 2>/dev/null | tail -n 1
section load; sysctl -n vm.loadavg 2>/dev/null
section boot; sysctl -n kern.boottime 2>/dev/null
section now; date +%s
exit 0
"#;

/// How the builder is probed and maintained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderOptions {
    /// Between two probes.
    pub probe_interval: Duration,
    /// The launchd label of its Buildkite agent.
    pub agent_label: String,
}

impl Default for BuilderOptions {
    fn default() -> BuilderOptions {
        BuilderOptions {
            probe_interval: Duration::from_secs(60),
            agent_label: crate::model::builder::AGENT_LABEL.to_owned(),
        }
    }
}

/// Probes are kept this long (the strip shows the last day); the newest that reached the
/// builder is kept however old it is.
const KEEP_MILLIS: i64 = 2 * HISTORY_MILLIS;

impl Engine {
    /// Probes the builder now and stores the result (nothing when no builder is
    /// configured). Probes never overlap: one asked for while another runs waits for it,
    /// and takes its result.
    pub async fn probe_builder_now(&self) -> Result<(), Failure> {
        let Some(host) = self.host(BUILDER_HOST) else {
            return Ok(());
        };
        let asked = now_millis();
        let _one_at_a_time = self.probe_lock().lock().await;
        // A probe that started after this one was asked for answers for it: requests that
        // come together (several people asking at once) make one probe, not a queue of them.
        if let (Some(newest), _) = builder_probes::latest(self.store()).await? {
            if newest.checked_at > asked {
                return Ok(());
            }
        }
        // A probe is as old as its start: what it read was read after that.
        let checked_at = now_millis();
        let report = run_script(host, SCRIPT, &[&self.builder_options().agent_label]).await;
        let row = match report {
            Ok(report) => ProbeRow {
                id: uuid::Uuid::now_v7().to_string(),
                checked_at,
                reachable: true,
                reason: None,
                error: None,
                facts: Some(
                    serde_json::to_string(&parse_builder_report(&report))
                        .map_err(|e| crate::commands::unreadable("the builder's facts", &e))?,
                ),
            },
            Err(error) => ProbeRow {
                id: uuid::Uuid::now_v7().to_string(),
                checked_at,
                reachable: false,
                reason: Some(failure_of(&error).as_str().to_owned()),
                error: Some(error.to_string()),
                facts: None,
            },
        };
        builder_probes::insert(self.store(), &row, checked_at - KEEP_MILLIS).await?;
        Ok(())
    }

    /// Asks the prober for a probe as soon as it can (after a builder job ended).
    pub fn probe_builder_soon(&self) {
        self.probe_nudge().notify_one();
    }

    /// Probes the builder at once, then every interval until nixdeck stops, and when
    /// nudged. Skips a turn when a probe newer than most of an interval is stored (another
    /// replica took it).
    pub fn spawn_builder_prober(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move {
            if engine.host(BUILDER_HOST).is_none() {
                return;
            }
            let interval = engine.builder_options().probe_interval;
            // The first probe at once, so a fresh start shows the builder's state.
            let mut wait = Duration::ZERO;
            loop {
                let nudged = tokio::select! {
                    () = engine.stopping().cancelled() => return,
                    () = engine.probe_nudge().notified() => true,
                    () = tokio::time::sleep(wait) => false,
                };
                wait = jittered(interval);
                if !nudged && engine.probed_within(interval * 3 / 4).await {
                    continue;
                }
                if let Err(failure) = engine.probe_builder_now().await {
                    tracing::warn!(message = %failure.message, "cannot store the builder's probe");
                }
            }
        })
    }

    async fn probed_within(&self, span: Duration) -> bool {
        let since = now_millis() - i64::try_from(span.as_millis()).unwrap_or(i64::MAX);
        matches!(
            builder_probes::latest(self.store()).await,
            Ok((Some(newest), _)) if newest.checked_at >= since
        )
    }
}

/// The interval, give or take a tenth, so replicas started together drift apart.
fn jittered(interval: Duration) -> Duration {
    let tenth = interval / 10;
    let nanos = u64::try_from(tenth.as_nanos()).unwrap_or(u64::MAX).max(1);
    let draw = uuid::Uuid::new_v4().as_u128() % u128::from(nanos);
    let offset = Duration::from_nanos(u64::try_from(draw).unwrap_or(0));
    interval - tenth + offset * 2
}

/// Why a probe failed, as its kind.
pub fn failure_of(error: &HostError) -> ProbeFailure {
    match error.kind {
        HostErrorKind::Unreachable(_) => ProbeFailure::Refused,
        HostErrorKind::TimedOut(_) => ProbeFailure::Timeout,
        HostErrorKind::HostKey => ProbeFailure::HostKey,
        HostErrorKind::Auth(_) => ProbeFailure::Authentication,
        HostErrorKind::Lost(_)
        | HostErrorKind::Spawn(_)
        | HostErrorKind::NoWorkDir(_)
        | HostErrorKind::Protocol(_) => ProbeFailure::Failed,
    }
}
