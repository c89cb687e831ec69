//! Where the runbook's commands run: on the deployer over SSH, or as local processes when
//! nixdeck is installed on the deployer itself (the default); and where NixOps keeps each
//! cluster's clone.

use std::path::PathBuf;

use engine::exec::SshTarget;

use super::{parse::Layers, ConfigError, Origin};

const DEFAULT_NIXOPS_ROOT: &str = "/var/lib/nixops";
const DEFAULT_REPO_URL: &str = "https://github.com/DisciplinaOU/disciplina-nixops.git";

/// How to reach the deployer.
#[derive(Debug, Clone)]
pub enum DeployerTarget {
    /// Local processes (`NIXDECK_DEPLOYER_SSH=local`).
    Local,
    Ssh(Box<SshTarget>),
}

#[derive(Debug, Clone)]
pub struct DeployerSettings {
    pub target: DeployerTarget,
    /// The address as configured (`local` or `user@host[:port]`), for `check-config`.
    pub address: String,
    pub nixops_root: String,
    pub repo_url: String,
}

impl Layers<'_> {
    pub fn deployer(
        &self,
        origins: &mut Vec<(&'static str, Origin)>,
    ) -> Result<DeployerSettings, ConfigError> {
        let f = self.file;
        let mut value = |variable: &'static str, key: &'static str, file: Option<&String>| {
            self.raw(variable, file)
                .filter(|raw| !raw.value.trim().is_empty())
                .map(|raw| {
                    origins.push((variable, raw.origin.clone()));
                    (raw.value.trim().to_owned(), raw, variable, key)
                })
        };
        let ssh = value(
            "NIXDECK_DEPLOYER_SSH",
            "deployer_ssh",
            f.deployer_ssh.as_ref(),
        );
        let key = value(
            "NIXDECK_DEPLOYER_SSH_KEY",
            "deployer_ssh_key",
            f.deployer_ssh_key.as_ref(),
        );
        let host_key = value(
            "NIXDECK_DEPLOYER_HOST_KEY",
            "deployer_host_key",
            f.deployer_host_key.as_ref(),
        );
        let root = value("NIXDECK_NIXOPS_ROOT", "nixops_root", f.nixops_root.as_ref());
        let repo = value(
            "NIXDECK_NIXOPS_REPO_URL",
            "nixops_repo_url",
            f.nixops_repo_url.as_ref(),
        );

        let nixops_root = match &root {
            Some((path, raw, variable, key)) => {
                if !path.starts_with('/') || path.chars().any(char::is_control) {
                    return Err(raw.invalid(
                        variable,
                        key,
                        format!("{path:?} must be an absolute path"),
                    ));
                }
                path.trim_end_matches('/').to_owned()
            }
            None => DEFAULT_NIXOPS_ROOT.to_owned(),
        };
        let repo_url = match &repo {
            Some((url, raw, variable, key)) => {
                // It reaches `git clone` as an argument: one starting with '-' would be an option.
                let plausible = !url.starts_with('-')
                    && !url.chars().any(|c| c.is_whitespace() || c.is_control())
                    && (url.contains("://") || url.contains(':') || url.starts_with('/'));
                if !plausible {
                    return Err(raw.invalid(
                        variable,
                        key,
                        format!("{url:?} is not a git URL (https://..., ssh://..., git@host:path or a path)"),
                    ));
                }
                url.clone()
            }
            None => DEFAULT_REPO_URL.to_owned(),
        };
        let (target, address) = match ssh {
            None => (DeployerTarget::Local, "local".to_owned()),
            Some((address, _, _, _)) if address == "local" => {
                (DeployerTarget::Local, "local".to_owned())
            }
            Some((address, raw, variable, key_name)) => {
                let Some((key_path, key_raw, key_variable, key_key)) = key else {
                    return Err(ConfigError::Invalid {
                        setting: "NIXDECK_DEPLOYER_SSH_KEY".to_owned(),
                        problem: "is required when NIXDECK_DEPLOYER_SSH names a host".to_owned(),
                    });
                };
                let Some((host_key_line, host_raw, host_variable, host_key_name)) = host_key else {
                    return Err(ConfigError::Invalid {
                        setting: "NIXDECK_DEPLOYER_HOST_KEY".to_owned(),
                        problem:
                            "is required when NIXDECK_DEPLOYER_SSH names a host (the deployer's \
                                  public host key; nixdeck never accepts an unknown key)"
                                .to_owned(),
                    });
                };
                let target = SshTarget::parse(&address, &PathBuf::from(&key_path), &host_key_line)
                    .map_err(|(which, problem)| match which {
                        0 => raw.invalid(variable, key_name, problem),
                        1 => key_raw.invalid(key_variable, key_key, problem),
                        _ => host_raw.invalid(host_variable, host_key_name, problem),
                    })?;
                (DeployerTarget::Ssh(Box::new(target)), address)
            }
        };
        Ok(DeployerSettings {
            target,
            address,
            nixops_root,
            repo_url,
        })
    }
}
