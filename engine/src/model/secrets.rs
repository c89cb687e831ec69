//! The secrets machines read from AWS Secrets Manager, and the schema of their values: two
//! per environment (`<env>/disciplina/cluster` and `<env>/disciplina/buildkite`), each a
//! JSON object with known keys. Compiled into the browser too, so the edit form checks a
//! value as it is typed with the same rules the server enforces.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{access::Environment, cluster::FieldError, text_enum::text_enum};

text_enum! {
    /// The two secrets of an environment.
    pub enum SecretKind("a kind of secret") {
        /// Read by the witness nodes and the faucet of the environment's clusters.
        Cluster = "cluster",
        /// Read by the deployer's Buildkite agent.
        Buildkite = "buildkite",
    }
}

/// What a key's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// A non-empty string.
    Text,
    /// An object from agent name to an OpenSSH or PEM private key.
    PrivateKeys,
}

/// One key of a secret's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub name: &'static str,
    pub shape: ValueShape,
    /// What it is, for the form.
    pub about: &'static str,
    /// Whether nixdeck can make a new value itself.
    pub generated: bool,
}

const CLUSTER_KEYS: &[KeySpec] = &[
    KeySpec {
        name: "CommitteeSecret",
        shape: ValueShape::Text,
        about: "the witnesses' committee secret; new ones are 32 random bytes, base64",
        generated: true,
    },
    KeySpec {
        name: "FaucetKey",
        shape: ValueShape::Text,
        about: "the faucet's key",
        generated: false,
    },
];

const BUILDKITE_KEYS: &[KeySpec] = &[
    KeySpec {
        name: "AgentToken",
        shape: ValueShape::Text,
        about: "the Buildkite agent's registration token",
        generated: false,
    },
    KeySpec {
        name: "APIAccessToken",
        shape: ValueShape::Text,
        about: "a Buildkite API access token",
        generated: false,
    },
    KeySpec {
        name: "CachixSigningKey",
        shape: ValueShape::Text,
        about: "the Cachix cache's signing key",
        generated: false,
    },
    KeySpec {
        name: "BuildkiteSSHKeys",
        shape: ValueShape::PrivateKeys,
        about: "agent name (e.g. default) to an SSH private key (OpenSSH or PEM)",
        generated: false,
    },
];

impl SecretKind {
    /// The keys a secret of this kind holds, in the order forms show them.
    pub fn keys(self) -> &'static [KeySpec] {
        match self {
            SecretKind::Cluster => CLUSTER_KEYS,
            SecretKind::Buildkite => BUILDKITE_KEYS,
        }
    }

    /// The keys nixdeck makes values for itself.
    pub fn generated_keys(self) -> Vec<&'static str> {
        self.keys()
            .iter()
            .filter(|spec| spec.generated)
            .map(|spec| spec.name)
            .collect()
    }

    /// The schema's entry for `key`, if it has one.
    pub fn key(self, key: &str) -> Option<&'static KeySpec> {
        self.keys().iter().find(|spec| spec.name == key)
    }
}

/// A secret's id in Secrets Manager: `<env>/disciplina/<kind>`.
pub fn secret_id(env: Environment, kind: SecretKind) -> String {
    format!("{env}/disciplina/{kind}")
}

/// A key's value, as the API sends it: a string, or (for private keys) an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SecretValue {
    Text(String),
    Keys(BTreeMap<String, String>),
}

/// Checks one value against its key's schema. The error names the key (and the agent, for a
/// private key) and never repeats the value.
pub fn validate_value(kind: SecretKind, key: &str, value: &SecretValue) -> Result<(), FieldError> {
    let Some(spec) = kind.key(key) else {
        let known: Vec<&str> = kind.keys().iter().map(|spec| spec.name).collect();
        return Err(FieldError {
            field: key.to_owned(),
            message: format!(
                "{key:?} is not a key of the {kind} secret: use {}",
                known.join(", ")
            ),
        });
    };
    let invalid = |message: String| FieldError {
        field: key.to_owned(),
        message,
    };
    match (spec.shape, value) {
        (ValueShape::Text, SecretValue::Text(text)) => {
            if text.trim().is_empty() {
                Err(invalid(format!("{key} must not be empty")))
            } else if text.chars().any(|c| c.is_control() && c != '\n') {
                Err(invalid(format!("{key} must not hold control characters")))
            } else {
                Ok(())
            }
        }
        (ValueShape::Text, SecretValue::Keys(_)) => {
            Err(invalid(format!("{key} must be a string, not an object")))
        }
        (ValueShape::PrivateKeys, SecretValue::Text(_)) => Err(invalid(format!(
            "{key} must be an object from agent name to private key"
        ))),
        (ValueShape::PrivateKeys, SecretValue::Keys(keys)) => {
            if keys.is_empty() {
                return Err(invalid(format!("{key} must name at least one agent")));
            }
            for (agent, private_key) in keys {
                validate_agent_name(agent)
                    .map_err(|message| invalid(format!("{key}: {message}")))?;
                if !is_private_key(private_key) {
                    return Err(invalid(format!(
                        "{key}: the key of agent {agent:?} is not an OpenSSH or PEM private key \
                         (it must start with -----BEGIN ... PRIVATE KEY----- and end with the \
                         matching END line)"
                    )));
                }
            }
            Ok(())
        }
    }
}

fn validate_agent_name(agent: &str) -> Result<(), String> {
    let fine = !agent.is_empty()
        && agent.len() <= 64
        && agent
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if fine {
        Ok(())
    } else {
        Err(format!(
            "{agent:?} is not an agent name (letters, digits, '-', '_' or '.', at most 64)"
        ))
    }
}

/// Whether `text` is one PEM block of a private key: OpenSSH's own format or a PEM one
/// (PKCS#8, RSA, EC, DSA), with a body of base64 lines.
pub fn is_private_key(text: &str) -> bool {
    let lines: Vec<&str> = text.trim().lines().map(str::trim_end).collect();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return false;
    };
    let Some(label) = first
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.strip_suffix("-----"))
    else {
        return false;
    };
    let known = [
        "OPENSSH PRIVATE KEY",
        "PRIVATE KEY",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "DSA PRIVATE KEY",
    ];
    if !known.contains(&label) || *last != format!("-----END {label}-----") || lines.len() < 3 {
        return false;
    }
    lines[1..lines.len() - 1].iter().all(|line| {
        line.contains(':')
            || line.is_empty()
            || line
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')
    })
}

/// A request to change some keys; the keys not named keep their values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretEdit {
    pub values: BTreeMap<String, SecretValue>,
    /// The version the change was based on: the current one when the person started, or
    /// `None` when the secret did not exist yet. Anything else is a conflict.
    pub base_version: Option<String>,
}

/// Checks every value of an edit; the first broken rule is the error.
pub fn validate_edit(kind: SecretKind, edit: &SecretEdit) -> Result<(), FieldError> {
    if edit.values.is_empty() {
        return Err(FieldError {
            field: "values".to_owned(),
            message: "name at least one key to set".to_owned(),
        });
    }
    edit.values
        .iter()
        .try_for_each(|(key, value)| validate_value(kind, key, value))
}

/// One key of a stored secret, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretKeyState {
    pub name: String,
    /// Whether the current version holds a value for it.
    pub set: bool,
    /// Whether the schema knows it (a key only in the stored secret is not known).
    pub known: bool,
}

/// One version of a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretVersion {
    pub id: String,
    /// Staging labels: `AWSCURRENT`, `AWSPREVIOUS`, ...
    pub stages: Vec<String>,
    /// Epoch milliseconds, when known.
    pub created_at: Option<i64>,
}

/// The label of the version machines read.
pub const CURRENT_STAGE: &str = "AWSCURRENT";

/// Everything the Secrets page shows about one secret, and never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretView {
    pub id: String,
    pub env: Environment,
    pub kind: SecretKind,
    pub exists: bool,
    pub current_version: Option<String>,
    pub keys: Vec<SecretKeyState>,
    /// Why the keys could not be read (the current version is not a JSON object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Newest first.
    pub versions: Vec<SecretVersion>,
    /// Who last changed it through nixdeck, and when (epoch milliseconds).
    pub changed_by: Option<String>,
    pub changed_at: Option<i64>,
    /// The clusters whose machines read it.
    pub clusters: Vec<String>,
}

/// The keys of a secret: every key of the schema, set or not, then those the stored secret
/// holds that the schema does not know.
pub fn key_states<'a>(
    kind: SecretKind,
    stored: impl IntoIterator<Item = &'a str> + Clone,
) -> Vec<SecretKeyState> {
    let mut states: Vec<SecretKeyState> = kind
        .keys()
        .iter()
        .map(|spec| SecretKeyState {
            name: spec.name.to_owned(),
            set: stored.clone().into_iter().any(|key| key == spec.name),
            known: true,
        })
        .collect();
    states.extend(
        stored
            .into_iter()
            .filter(|key| kind.key(key).is_none())
            .map(|key| SecretKeyState {
                name: key.to_owned(),
                set: true,
                known: false,
            }),
    );
    states
}

/// Who reads a secret, and when a change reaches them.
pub fn readers_note(env: Environment, kind: SecretKind) -> String {
    match kind {
        SecretKind::Cluster => format!(
            "The witness nodes and the faucet of every {env} cluster read this secret at boot \
             and when their services restart: after a change, redeploy or restart them."
        ),
        SecretKind::Buildkite => match env {
            Environment::Production => "The deployer's Buildkite agent reads this secret when \
                 it starts: after a change, restart the agent or redeploy the deployer."
                .to_owned(),
            Environment::Staging => "Read by Buildkite agents configured for staging, when \
                 they start: after a change, restart them."
                .to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENSSH: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUFB==\n-----END OPENSSH PRIVATE KEY-----\n";

    fn text(value: &str) -> SecretValue {
        SecretValue::Text(value.to_owned())
    }

    #[test]
    fn ids_follow_the_runbook() {
        assert_eq!(
            secret_id(Environment::Staging, SecretKind::Cluster),
            "staging/disciplina/cluster"
        );
        assert_eq!(
            secret_id(Environment::Production, SecretKind::Buildkite),
            "production/disciplina/buildkite"
        );
    }

    #[test]
    fn text_keys_take_non_empty_strings() {
        assert!(validate_value(SecretKind::Cluster, "FaucetKey", &text("abc")).is_ok());
        let empty = validate_value(SecretKind::Cluster, "FaucetKey", &text("  ")).unwrap_err();
        assert_eq!(empty.field, "FaucetKey");
        let object = SecretValue::Keys(BTreeMap::new());
        assert!(validate_value(SecretKind::Cluster, "FaucetKey", &object).is_err());
    }

    #[test]
    fn unknown_keys_are_named_with_the_known_ones() {
        let error = validate_value(SecretKind::Cluster, "AgentToken", &text("x")).unwrap_err();
        assert_eq!(error.field, "AgentToken");
        assert!(
            error.message.contains("CommitteeSecret, FaucetKey"),
            "{error:?}"
        );
    }

    #[test]
    fn private_keys_are_checked_per_agent_without_repeating_them() {
        let good = SecretValue::Keys(BTreeMap::from([("default".to_owned(), OPENSSH.to_owned())]));
        assert!(validate_value(SecretKind::Buildkite, "BuildkiteSSHKeys", &good).is_ok());
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----";
        assert!(is_private_key(pem));
        let bad = SecretValue::Keys(BTreeMap::from([(
            "default".to_owned(),
            "not-a-key-hunter2".to_owned(),
        )]));
        let error = validate_value(SecretKind::Buildkite, "BuildkiteSSHKeys", &bad).unwrap_err();
        assert!(error.message.contains("\"default\""), "{error:?}");
        assert!(!error.message.contains("hunter2"), "{error:?}");
        let mismatched = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END EC PRIVATE KEY-----";
        assert!(!is_private_key(mismatched));
        let bad_agent = SecretValue::Keys(BTreeMap::from([("a b".to_owned(), OPENSSH.to_owned())]));
        assert!(validate_value(SecretKind::Buildkite, "BuildkiteSSHKeys", &bad_agent).is_err());
        let none = SecretValue::Keys(BTreeMap::new());
        assert!(validate_value(SecretKind::Buildkite, "BuildkiteSSHKeys", &none).is_err());
        assert!(validate_value(SecretKind::Buildkite, "BuildkiteSSHKeys", &text(OPENSSH)).is_err());
    }

    #[test]
    fn an_edit_names_at_least_one_key() {
        assert_eq!(
            validate_edit(SecretKind::Cluster, &SecretEdit::default())
                .unwrap_err()
                .field,
            "values"
        );
    }

    #[test]
    fn key_states_list_the_schema_then_the_unknown() {
        let states = key_states(SecretKind::Cluster, ["FaucetKey", "Legacy"]);
        let summary: Vec<(&str, bool, bool)> = states
            .iter()
            .map(|s| (s.name.as_str(), s.set, s.known))
            .collect();
        assert_eq!(
            summary,
            [
                ("CommitteeSecret", false, true),
                ("FaucetKey", true, true),
                ("Legacy", true, false)
            ]
        );
    }
}
