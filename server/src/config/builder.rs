//! The macOS builder: reached over SSH only (it is never the machine nixdeck runs on), with
//! its own key and pinned host key, probed every `NIXDECK_BUILDER_PROBE_INTERVAL` seconds.
//! Unset, there is no builder and its page says how to configure one.

use std::{path::PathBuf, time::Duration};

use engine::exec::SshTarget;

use super::{
    parse::{Layers, Report},
    settings, ConfigError, Origin,
};

const DEFAULT_PROBE_INTERVAL: u64 = 60;

#[derive(Debug, Clone)]
pub struct BuilderSettings {
    pub target: SshTarget,
    /// Where its maintenance commands run (its login user's home by default).
    pub work_dir: String,
    pub probe_interval: Duration,
    /// The launchd label of its Buildkite agent.
    pub agent_label: String,
}

impl Layers<'_> {
    pub fn builder(&self, report: &mut Report) -> Result<Option<BuilderSettings>, ConfigError> {
        let interval = match self.given(&settings::BUILDER_PROBE_INTERVAL) {
            Some(raw) => {
                let seconds = raw
                    .text()
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (5..=86_400).contains(s))
                    .ok_or_else(|| {
                        raw.invalid("must be a number of seconds from 5 to 86400".to_owned())
                    })?;
                report.show_raw(&raw);
                seconds
            }
            None => {
                report.show(
                    &settings::BUILDER_PROBE_INTERVAL,
                    &DEFAULT_PROBE_INTERVAL.to_string(),
                    Origin::Default,
                );
                DEFAULT_PROBE_INTERVAL
            }
        };
        let Some(address) = self.given(&settings::BUILDER_SSH) else {
            report.show(
                &settings::BUILDER_SSH,
                "(none: no builder)",
                Origin::Default,
            );
            return Ok(None);
        };
        let required = |setting: &'static settings::Setting, what: &str| ConfigError::Invalid {
            setting: setting.variable.to_owned(),
            problem: format!("is required when NIXDECK_BUILDER_SSH names a host ({what})"),
        };
        let key = self
            .given(&settings::BUILDER_SSH_KEY)
            .ok_or_else(|| required(&settings::BUILDER_SSH_KEY, "the private key file"))?;
        let host_key = self.given(&settings::BUILDER_HOST_KEY).ok_or_else(|| {
            required(
                &settings::BUILDER_HOST_KEY,
                "the builder's public host key; nixdeck never accepts an unknown key",
            )
        })?;
        let target = SshTarget::parse(
            &address.text(),
            &PathBuf::from(key.text()),
            &host_key.text(),
        )
        .map_err(|(which, problem)| match which {
            0 => address.invalid(problem),
            1 => key.invalid(problem),
            _ => host_key.invalid(problem),
        })?;
        let work_dir = match self.given(&settings::BUILDER_WORK_DIR) {
            Some(raw) => {
                let path = raw.absolute_path()?;
                report.show_raw(&raw);
                path
            }
            None => {
                let home = format!("/Users/{}", target.user);
                report.show(&settings::BUILDER_WORK_DIR, &home, Origin::Default);
                home
            }
        };
        let agent_label = match self.given(&settings::BUILDER_AGENT) {
            Some(raw) => {
                let label = raw.text();
                // It reaches launchctl as part of one argument: a plain reverse-DNS name.
                let plausible = !label.is_empty()
                    && label.len() <= 200
                    && label
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
                if !plausible {
                    return Err(raw.invalid(format!(
                        "{label:?} is not a launchd label (letters, digits, '.', '-', '_')"
                    )));
                }
                report.show_raw(&raw);
                label
            }
            None => {
                report.show(
                    &settings::BUILDER_AGENT,
                    engine::model::builder::AGENT_LABEL,
                    Origin::Default,
                );
                engine::model::builder::AGENT_LABEL.to_owned()
            }
        };
        report.show_raw(&address);
        report.show_raw(&key);
        report.show(
            &settings::BUILDER_HOST_KEY,
            "(pinned)",
            host_key.origin.clone(),
        );
        Ok(Some(BuilderSettings {
            target,
            work_dir,
            probe_interval: Duration::from_secs(interval),
            agent_label,
        }))
    }
}
