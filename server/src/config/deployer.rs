//! Where the runbook's commands run: on the deployer over SSH, or as local processes when
//! nixdeck is installed on the deployer itself (the default); and where NixOps keeps each
//! cluster's clone.

use std::{path::PathBuf, time::Duration};

use engine::{exec::SshTarget, nixops::DeploySettings};

use super::{
    parse::{Layers, Report},
    settings, ConfigError, Origin,
};

const DEFAULT_NIXOPS_ROOT: &str = "/var/lib/nixops";
const DEFAULT_REPO_URL: &str = "https://github.com/DisciplinaOU/disciplina-nixops.git";
/// Seconds between keepalives; a host that misses three in a row is given up on (and
/// reconnected to).
const DEFAULT_KEEPALIVE: u64 = 15;

/// How to reach the deployer.
#[derive(Debug, Clone)]
pub enum DeployerTarget {
    /// Local processes (`NIXDECK_DEPLOYER_SSH=local`).
    Local,
    Ssh(Box<SshTarget>),
}

#[derive(Clone)]
pub struct DeployerSettings {
    pub target: DeployerTarget,
    pub nixops_root: String,
    pub repo_url: String,
    /// The deployer's own checkout (`nixops deploy -d deployer` runs there).
    pub deployer_checkout: String,
}

impl DeployerSettings {
    /// Where the jobs find the NixOps root and the repository they clone.
    pub fn deploy_settings(&self) -> DeploySettings {
        DeploySettings {
            nixops_root: self.nixops_root.clone(),
            repo_url: self.repo_url.clone(),
            deployer_checkout: self.deployer_checkout.clone(),
        }
    }
}

/// The repository URL may carry credentials: shown redacted.
impl std::fmt::Debug for DeployerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeployerSettings")
            .field("target", &self.target)
            .field("nixops_root", &self.nixops_root)
            .field("repo_url", &super::database_url::redact(&self.repo_url))
            .field("deployer_checkout", &self.deployer_checkout)
            .finish()
    }
}

impl Layers<'_> {
    pub fn deployer(&self, report: &mut Report) -> Result<DeployerSettings, ConfigError> {
        let ssh = self.given(&settings::DEPLOYER_SSH);
        let key = self.given(&settings::DEPLOYER_SSH_KEY);
        let host_key = self.given(&settings::DEPLOYER_HOST_KEY);
        let keepalive = self.given(&settings::DEPLOYER_KEEPALIVE);
        let root = self.given(&settings::NIXOPS_ROOT);
        let repo = self.given(&settings::NIXOPS_REPO_URL);

        let nixops_root = match &root {
            Some(raw) => {
                let path = raw.absolute_path()?;
                report.show_raw(raw);
                path
            }
            None => {
                report.show(&settings::NIXOPS_ROOT, DEFAULT_NIXOPS_ROOT, Origin::Default);
                DEFAULT_NIXOPS_ROOT.to_owned()
            }
        };
        let repo_url = match &repo {
            Some(raw) => {
                let url = raw.text();
                // It reaches `git clone` as an argument: one starting with '-' would be an option.
                let plausible = !url.starts_with('-')
                    && !url.chars().any(|c| c.is_whitespace() || c.is_control())
                    && (url.contains("://") || url.contains(':') || url.starts_with('/'));
                if !plausible {
                    return Err(raw.invalid(format!(
                        "{:?} is not a git URL (https://..., ssh://..., git@host:path or a path)",
                        super::database_url::redact(&url)
                    )));
                }
                report.show_raw(raw);
                url
            }
            None => {
                report.show(
                    &settings::NIXOPS_REPO_URL,
                    DEFAULT_REPO_URL,
                    Origin::Default,
                );
                DEFAULT_REPO_URL.to_owned()
            }
        };
        let deployer_checkout = match self.given(&settings::DEPLOYER_CHECKOUT) {
            Some(raw) => {
                let path = raw.absolute_path()?;
                report.show_raw(&raw);
                path
            }
            None => {
                let path = format!("{nixops_root}/deployer/disciplina-nixops");
                report.show(&settings::DEPLOYER_CHECKOUT, &path, Origin::Default);
                path
            }
        };
        let keepalive = match &keepalive {
            Some(raw) => {
                let seconds = raw
                    .text()
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .ok_or_else(|| {
                        raw.invalid("must be a number of seconds from 1 to 3600".to_owned())
                    })?;
                report.show_raw(raw);
                seconds
            }
            None => {
                report.show(
                    &settings::DEPLOYER_KEEPALIVE,
                    &DEFAULT_KEEPALIVE.to_string(),
                    Origin::Default,
                );
                DEFAULT_KEEPALIVE
            }
        };
        let target = match &ssh {
            None => {
                report.show(&settings::DEPLOYER_SSH, "local", Origin::Default);
                DeployerTarget::Local
            }
            Some(raw) if raw.text() == "local" => {
                report.show_raw(raw);
                DeployerTarget::Local
            }
            Some(raw) => {
                let Some(key) = key else {
                    return Err(ConfigError::Invalid {
                        setting: settings::DEPLOYER_SSH_KEY.variable.to_owned(),
                        problem: "is required when NIXDECK_DEPLOYER_SSH names a host".to_owned(),
                    });
                };
                let Some(host_key) = host_key else {
                    return Err(ConfigError::Invalid {
                        setting: settings::DEPLOYER_HOST_KEY.variable.to_owned(),
                        problem:
                            "is required when NIXDECK_DEPLOYER_SSH names a host (the deployer's \
                              public host key; nixdeck never accepts an unknown key)"
                                .to_owned(),
                    });
                };
                let mut target =
                    SshTarget::parse(&raw.text(), &PathBuf::from(key.text()), &host_key.text())
                        .map_err(|(which, problem)| match which {
                            0 => raw.invalid(problem),
                            1 => key.invalid(problem),
                            _ => host_key.invalid(problem),
                        })?;
                target.keepalive_interval = Duration::from_secs(keepalive);
                report.show_raw(raw);
                report.show_raw(&key);
                report.show(
                    &settings::DEPLOYER_HOST_KEY,
                    "(pinned)",
                    host_key.origin.clone(),
                );
                DeployerTarget::Ssh(Box::new(target))
            }
        };
        Ok(DeployerSettings {
            target,
            nixops_root,
            repo_url,
            deployer_checkout,
        })
    }
}
