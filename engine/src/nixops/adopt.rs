//! Adopting a deployment NixOps knows and nixdeck does not: its arguments and dependency
//! refs, read from `nixops export -d NAME`, for the same rules as a new cluster to check.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{
    cluster::{ClusterInput, FieldError},
    dependencies::DEPENDENCIES,
};

/// A deployment to adopt, as its export describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub input: ClusterInput,
    /// Dependency name to git ref, as pinned by the deployment's `-I` paths.
    pub versions: Vec<(String, String)>,
    /// The arguments and dependencies the deployment leaves unset, which nixdeck's
    /// defaults (the runbook's) fill in.
    pub defaulted: Vec<String>,
}

/// Reads the arguments and dependency refs of deployment `name` from `nixops export -d
/// NAME`'s JSON. The export holds secrets (keys, passwords): no error repeats any of it
/// beyond the one argument or path it names.
pub fn adoption_from_export(name: &str, export: &str) -> Result<Adoption, FieldError> {
    let field = |field: &str, message: String| FieldError {
        field: field.to_owned(),
        message,
    };
    let export: Value = serde_json::from_str(export).map_err(|e| {
        field(
            "deployment",
            format!(
                "nixops export did not answer JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    let deployment = export
        .as_object()
        .and_then(|all| {
            all.values()
                .find(|d| d["name"].as_str() == Some(name))
                .or_else(|| (all.len() == 1).then(|| all.values().next()).flatten())
        })
        .ok_or_else(|| {
            field(
                "deployment",
                format!("the export holds no deployment {name:?}"),
            )
        })?;
    // NixOps keeps `args` and `nixPath` as JSON text inside the export.
    let args: BTreeMap<String, String> = embedded(&deployment["args"])
        .ok_or_else(|| field("deployment", "its arguments are not readable".to_owned()))?;
    let nix_path: Vec<String> = embedded(&deployment["nixPath"]).unwrap_or_default();

    let argument = |key: &str, field_name: &str, required: bool| -> Result<String, FieldError> {
        match args.get(key) {
            Some(expression) => nix_value(expression).ok_or_else(|| {
                field(
                    field_name,
                    format!("its argument {key} is not a string or a whole number"),
                )
            }),
            None if required => Err(field(
                field_name,
                format!("the deployment has no argument {key}"),
            )),
            None => Ok(String::new()),
        }
    };
    let index = argument("clusterIndex", "cluster_index", true)?;
    let cluster_index = index.trim().parse::<i64>().map_err(|_| {
        field(
            "cluster_index",
            format!("its clusterIndex {index:?} is not a whole number"),
        )
    })?;
    let input = ClusterInput {
        name: name.to_owned(),
        region: argument("region", "region", false)?,
        cluster_index,
        env: argument("env", "env", false)?,
        domain: argument("domain", "domain", false)?,
        dns_zone: argument("dnsZone", "dns_zone", false)?,
    };
    let mut versions = Vec::new();
    for entry in nix_path {
        let Some((dependency, url)) = entry.split_once('=') else {
            continue;
        };
        if !DEPENDENCIES.iter().any(|(known, _)| *known == dependency) {
            continue;
        }
        let prefix = format!("https://github.com/DisciplinaOU/{dependency}/archive/");
        let git_ref = url
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tar.gz"))
            .ok_or_else(|| {
                field(
                    dependency,
                    format!(
                        "its -I path is not a DisciplinaOU/{dependency} archive, so nixdeck cannot pin it"
                    ),
                )
            })?;
        versions.push((dependency.to_owned(), git_ref.to_owned()));
    }
    let mut defaulted: Vec<String> = ["region", "env", "domain", "dnsZone"]
        .into_iter()
        .filter(|key| !args.contains_key(*key))
        .map(str::to_owned)
        .collect();
    defaulted.extend(
        DEPENDENCIES
            .iter()
            .filter(|(name, _)| !versions.iter().any(|(pinned, _)| pinned == name))
            .map(|(name, _)| (*name).to_owned()),
    );
    Ok(Adoption {
        input,
        versions,
        defaulted,
    })
}

/// A value NixOps keeps as JSON text (or, leniently, as JSON itself).
fn embedded<T: serde::de::DeserializeOwned>(value: &Value) -> Option<T> {
    match value {
        Value::String(text) => serde_json::from_str(text).ok(),
        Value::Null => None,
        other => serde_json::from_value(other.clone()).ok(),
    }
}

/// The value of a Nix argument as `set-args` stores it: a string literal (`--argstr`,
/// `"eu-central-1"`) or a whole number (`--arg clusterIndex 3`).
fn nix_value(expression: &str) -> Option<String> {
    let expression = expression.trim();
    if let Some(inner) = expression
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        let mut value = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next()? {
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    other => value.push(other),
                },
                // An unescaped quote or an interpolation is more than one literal.
                '"' => return None,
                '$' if chars.clone().next() == Some('{') => return None,
                other => value.push(other),
            }
        }
        return Some(value);
    }
    expression
        .parse::<i64>()
        .ok()
        .map(|number| number.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(args: &str, nix_path: &str) -> String {
        serde_json::json!({
            "0b1c": {
                "name": "alpha",
                "args": args,
                "nixPath": nix_path,
                "resources": {"balancer": {"privateKey": "-----BEGIN SECRET-----"}},
            }
        })
        .to_string()
    }

    #[test]
    fn arguments_and_refs_are_read_from_the_export() {
        let args = r#"{"region": "\"eu-west-1\"", "clusterIndex": "\"7\"", "env": "\"staging\"",
                       "domain": "\"alpha.disciplina.io\"", "dnsZone": "\"disciplina.io.\""}"#;
        let path = r#"["disciplina=https://github.com/DisciplinaOU/disciplina/archive/v1.2.tar.gz",
                       "nixpkgs=https://example.com/nixpkgs.tar.gz"]"#;
        let adoption = adoption_from_export("alpha", &export(args, path)).expect("readable");
        assert_eq!(adoption.input.region, "eu-west-1");
        assert_eq!(adoption.input.cluster_index, 7);
        assert_eq!(adoption.input.dns_zone, "disciplina.io.");
        assert_eq!(
            adoption.versions,
            [("disciplina".to_owned(), "v1.2".to_owned())]
        );
        assert!(!adoption.defaulted.contains(&"region".to_owned()));
        assert!(!adoption.defaulted.contains(&"disciplina".to_owned()));
        assert!(adoption
            .defaulted
            .contains(&"disciplina-educator-spa".to_owned()));
        assert!(adoption.input.validate().is_ok());
    }

    #[test]
    fn a_broken_argument_is_named_without_the_export() {
        let error = adoption_from_export("alpha", &export(r#"{"clusterIndex": "\"x\""}"#, "[]"))
            .expect_err("not a number");
        assert_eq!(error.field, "cluster_index");
        let error = adoption_from_export("alpha", &export(r#"{"env": "\"staging\""}"#, "[]"))
            .expect_err("no index");
        assert_eq!(error.field, "cluster_index");
        let path = r#"["disciplina=https://evil.example/x.tar.gz"]"#;
        let error = adoption_from_export("alpha", &export(r#"{"clusterIndex": "3"}"#, path))
            .expect_err("unpinnable");
        assert_eq!(error.field, "disciplina");
        assert!(!error.message.contains("SECRET"));
        assert!(adoption_from_export("alpha", "not json").is_err());
    }

    #[test]
    fn nix_values_are_literals_only() {
        assert_eq!(nix_value(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(nix_value("12").as_deref(), Some("12"));
        assert_eq!(nix_value(r#""${builtins.x}""#), None);
        assert_eq!(nix_value("builtins.x"), None);
    }
}
