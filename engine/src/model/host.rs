//! A host nixdeck runs commands on (the deployer, the builder), as its page shows it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostView {
    /// `deployer`, `builder`.
    pub name: String,
    /// How nixdeck reaches it: `local processes`, or `user@host:port`.
    pub address: String,
    /// The directory commands run under (the NixOps root on the deployer).
    pub work_dir: String,
    /// What keeps commands from running there, each with how to fix it; empty when
    /// nothing is known to be wrong.
    pub problems: Vec<String>,
}
