//! Sets some keys of a secret as a new version, based on the version the person saw.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::ApiError;

/// `text` holds the string keys to set (empty ones are left alone); a non-empty `ssh_key`
/// sets `BuildkiteSSHKeys` to that one key for agent `ssh_agent` (`default` when blank).
/// Returns the new version's id.
#[server]
pub async fn edit_secret(
    env: String,
    kind: String,
    #[server(default)] text: BTreeMap<String, String>,
    #[server(default)] ssh_agent: String,
    #[server(default)] ssh_key: String,
    base_version: Option<String>,
) -> Result<String, ApiError> {
    use engine::model::secrets::{SecretEdit, SecretValue};

    use crate::api::door::answer;

    let (engine, caller) = crate::api::door::caller().await?;
    let mut values: BTreeMap<String, SecretValue> = text
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| (key, SecretValue::Text(value)))
        .collect();
    if !ssh_key.trim().is_empty() {
        let agent = match ssh_agent.trim() {
            "" => "default".to_owned(),
            agent => agent.to_owned(),
        };
        values.insert(
            "BuildkiteSSHKeys".to_owned(),
            SecretValue::Keys(BTreeMap::from([(agent, ssh_key)])),
        );
    }
    let edit = SecretEdit {
        values,
        base_version: base_version.filter(|v| !v.is_empty()),
    };
    answer(engine.edit_secret(&caller, &env, &kind, Ok(edit)).await)
}
