//! The deployer as its page and the REST API show it, read by a probe (see
//! `commands::deployer`): NixOps' version and deployments, the state's volume and last
//! commit, and the Buildkite agent.

use serde::{Deserialize, Serialize};

use super::{
    builder::{agent_version, config_tags, free_bytes, Agent},
    report::Sections,
};

/// A deployment NixOps knows, and whether nixdeck manages it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnownDeployment {
    pub name: String,
    /// A cluster of nixdeck's (or the deployer's own deployment, which nixdeck deploys).
    pub managed: bool,
}

/// The deployer as `GET /api/v1/deployer` answers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeployerView {
    /// How nixdeck reaches it: `local processes`, or `user@host:port`.
    pub host: String,
    /// Why it could not be read, if it could not (the rest is then unknown).
    pub error: Option<String>,
    pub nixops_version: Option<String>,
    pub deployments: Vec<KnownDeployment>,
    /// Free space on the volume of the NixOps state.
    pub state_free_bytes: Option<u64>,
    pub agent: Option<Agent>,
    /// When the `nixops` wrapper last committed the state directory (milliseconds).
    pub state_committed_at: Option<i64>,
}

/// What the deployer probe found, before nixdeck's clusters are matched against it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployerFacts {
    pub nixops_version: Option<String>,
    /// `None` when `nixops list` gave nothing readable.
    pub deployments: Option<Vec<String>>,
    pub state_free_bytes: Option<u64>,
    pub agent: Option<Agent>,
    pub state_committed_at: Option<i64>,
}

/// Reads the deployer probe's report.
pub fn parse_deployer_report(report: &str) -> DeployerFacts {
    let sections = Sections::parse(report);
    let list: Vec<&str> = sections.lines("list").collect();
    let units: Vec<&str> = sections.lines("agent").collect();
    let agent = (!units.is_empty()).then(|| Agent {
        // `buildkite-agent-default.service loaded active running Buildkite Agent`
        running: units
            .iter()
            .any(|unit| unit.split_whitespace().nth(3) == Some("running")),
        version: sections.first("agent-version").and_then(agent_version),
        tags: sections
            .lines("agent-config")
            .find_map(config_tags)
            .unwrap_or_default(),
    });
    // `--version` may print warnings first (Python's, on standard error).
    let nixops_version = sections
        .lines("version")
        .find_map(|line| line.trim().strip_prefix("NixOps "))
        .map(|version| version.trim().to_owned());
    DeployerFacts {
        nixops_version,
        deployments: (!list.is_empty()).then(|| parse_nixops_list(&list.join("\n"))),
        state_free_bytes: sections.first("store").and_then(free_bytes),
        agent,
        state_committed_at: sections
            .first("committed")
            .and_then(|line| line.parse::<i64>().ok())
            .map(|seconds| seconds * 1000),
    }
}

/// The deployment names in `nixops list`'s table (`| UUID | Name | Description | ... |`).
pub fn parse_nixops_list(table: &str) -> Vec<String> {
    let mut names: Vec<String> = table
        .lines()
        .filter(|line| line.trim_start().starts_with('|'))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (uuid, name) = (cells.get(1)?, cells.get(2)?);
            let header = *uuid == "UUID";
            (!header && !name.is_empty() && *name != "(none)").then(|| (*name).to_owned())
        })
        .collect();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "\
+--------------------------------------+----------+------------------------+------------+------+
|                 UUID                 |   Name   |      Description       | # Machines | Type |
+--------------------------------------+----------+------------------------+------------+------+
| 0b1c2d3e-0000-0000-0000-000000000001 |  alpha   | Unnamed NixOps network |          7 | ec2  |
| 0b1c2d3e-0000-0000-0000-000000000002 | deployer | Unnamed NixOps network |          1 | ec2  |
+--------------------------------------+----------+------------------------+------------+------+";

    #[test]
    fn the_list_gives_the_names() {
        assert_eq!(parse_nixops_list(LIST), ["alpha", "deployer"]);
        assert!(parse_nixops_list("").is_empty());
    }

    #[test]
    fn the_report_is_read() {
        let report = format!(
            "@@ version\nNixOps 1.7\n@@ list\n{LIST}\n@@ store\n/dev/x 100 50 40 50% /\n\
             @@ agent\nbuildkite-agent-default.service loaded active running Buildkite Agent\n\
             @@ agent-version\nbuildkite-agent version 3.59.0, build 1\n@@ committed\n1700000000\n"
        );
        let facts = parse_deployer_report(&report);
        assert_eq!(facts.nixops_version.as_deref(), Some("1.7"));
        assert_eq!(facts.deployments.map(|d| d.len()), Some(2));
        assert_eq!(facts.state_free_bytes, Some(40 * 1024));
        assert!(facts.agent.expect("agent").running);
        assert_eq!(facts.state_committed_at, Some(1_700_000_000_000));
    }
}
