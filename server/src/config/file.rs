//! The optional `nixdeck.toml`.

use std::path::Path;

use serde::Deserialize;

use super::ConfigError;

/// The file's keys, each the lowercase name of its variable without `NIXDECK_`. Unknown
/// keys are refused, so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub data_dir: Option<String>,
    pub database_url: Option<String>,
    pub github_client_id: Option<String>,
    pub github_client_secret: Option<String>,
    pub github_org: Option<String>,
    pub github_admin_team: Option<String>,
    pub github_operator_team: Option<String>,
    pub github_url: Option<String>,
    pub github_api_url: Option<String>,
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    pub oidc_admin_group: Option<String>,
    pub oidc_operator_group: Option<String>,
    pub oidc_groups_claim: Option<String>,
    pub deployer_ssh: Option<String>,
    pub deployer_ssh_key: Option<String>,
    pub deployer_host_key: Option<String>,
    pub nixops_root: Option<String>,
    pub nixops_repo_url: Option<String>,
}

impl FileConfig {
    pub fn read(path: &Path) -> Result<FileConfig, ConfigError> {
        let failure = |problem: String| ConfigError::File {
            path: path.display().to_string(),
            problem,
        };
        let text = std::fs::read_to_string(path).map_err(|e| failure(e.to_string()))?;
        // toml's messages span several lines with a source excerpt; keep the first line,
        // which says what is wrong, and never echo a value (it may be a secret).
        toml::from_str(&text).map_err(|e| {
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("not valid TOML")
                .to_owned();
            failure(message)
        })
    }
}
