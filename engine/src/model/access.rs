//! Roles and the permission table: the one place that decides who may do what. Pages,
//! server functions and the REST API all ask `is_allowed`; none decides on its own. Compiled
//! into the browser too, so the dashboard hides what a person may not do, while the server
//! still refuses it.

use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

text_enum! {
    /// A person's (or token's) role. Each role may do everything the one before it may.
    #[derive(PartialOrd, Ord)]
    pub enum Role("a role") {
        /// Reads everything except secret values.
        Viewer = "viewer",
        /// Also deploys, redeploys, previews and cancels jobs on staging clusters.
        Operator = "operator",
        /// Also creates, edits and destroys clusters, deploys production, reads and writes
        /// secrets, and manages tokens and sessions.
        Admin = "admin",
    }
}

text_enum! {
    /// How a request proved who it is.
    pub enum Via("a credential kind") {
        Session = "session",
        Token = "token",
    }
}

text_enum! {
    /// The way an action came in: recorded with it in the audit log.
    pub enum Door("a way in") {
        /// A person's browser session (pages, server functions, the REST API).
        Session = "session",
        /// An API token.
        Token = "token",
        /// A webhook from another system.
        Webhook = "webhook",
        /// nixdeck's own schedule.
        Schedule = "schedule",
        /// The command line on the server.
        Cli = "cli",
        /// nixdeck's worker, finishing what it was asked to do.
        Worker = "worker",
    }
}

/// The person or token behind a request. Holds no secret, so pages may show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// The person's id; `None` for a token.
    pub user_id: Option<String>,
    /// What the audit log records as the actor: the sign-in provider and the login
    /// (`github:alice`, `oidc:alice`, `local:admin`), or `token:NAME`. Built-in actors
    /// (`nixdeck`, `cli`) have no colon, so no person can be mistaken for one.
    pub actor: String,
    /// The login as the provider knows it, or the token's name: what pages show.
    pub login: String,
    pub name: String,
    pub role: Role,
    pub via: Via,
}

impl Principal {
    /// Whether this principal may perform `action`.
    pub fn may(&self, action: Action) -> bool {
        is_allowed(self.role, action)
    }
}

/// What may be shown about an API token: never its value or hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A person who has signed in, as the People page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: String,
    pub login: String,
    pub name: String,
    pub provider: String,
    pub role: Role,
    pub last_seen_at: i64,
    pub live_sessions: i64,
}

text_enum! {
    /// The two kinds of cluster, which differ in who may change them. The names are the
    /// runbook's `env` argument.
    pub enum Environment("an environment") {
        Staging = "staging",
        Production = "production",
    }
}

/// Everything a request can ask to do, at the granularity permissions are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See clusters, jobs, logs, the builder, the deployer, secret names and the audit log.
    Read,
    /// Deploy or redeploy a cluster of the environment.
    Deploy(Environment),
    /// Preview a deploy (a dry run) of a cluster of the environment.
    Preview(Environment),
    /// Cancel a job on a cluster of the environment.
    CancelJob(Environment),
    /// Create, edit or destroy a cluster.
    ManageClusters,
    /// See a secret's value.
    ReadSecretValues,
    /// Create or change a secret.
    WriteSecrets,
    /// Create, list and revoke API tokens.
    ManageTokens,
    /// See who has signed in and end their sessions.
    ManageSessions,
    /// Run the builder's maintenance (channels, rebuild, agent, garbage) and deploy the
    /// deployer itself, and cancel those jobs.
    MaintainHosts,
    /// Approve or reject another person's production deploy, stop or destroy.
    ApproveJobs,
    /// Create, change, remove and test notification channels, and see their deliveries.
    ManageNotifications,
}

impl Action {
    /// Every action, for tests and documentation that walk the whole table.
    pub const ALL: [Action; 15] = [
        Action::Read,
        Action::Deploy(Environment::Staging),
        Action::Deploy(Environment::Production),
        Action::Preview(Environment::Staging),
        Action::Preview(Environment::Production),
        Action::CancelJob(Environment::Staging),
        Action::CancelJob(Environment::Production),
        Action::ManageClusters,
        Action::ReadSecretValues,
        Action::WriteSecrets,
        Action::ManageTokens,
        Action::ManageSessions,
        Action::MaintainHosts,
        Action::ApproveJobs,
        Action::ManageNotifications,
    ];

    /// What cancelling a job takes: the cancel of its cluster's current environment, or,
    /// once its cluster is gone (or was replaced), managing clusters.
    pub fn cancel_job(cluster_env: Option<Environment>) -> Action {
        cluster_env.map_or(Action::ManageClusters, Action::CancelJob)
    }
}

/// The permission table: the least role that may perform each action.
pub fn minimum_role(action: Action) -> Role {
    use Environment::{Production, Staging};
    match action {
        Action::Read => Role::Viewer,
        Action::Deploy(Staging) | Action::Preview(Staging) | Action::CancelJob(Staging) => {
            Role::Operator
        }
        Action::Deploy(Production)
        | Action::Preview(Production)
        | Action::CancelJob(Production)
        | Action::ManageClusters
        | Action::ReadSecretValues
        | Action::WriteSecrets
        | Action::ManageTokens
        | Action::ManageSessions
        | Action::MaintainHosts
        | Action::ApproveJobs
        | Action::ManageNotifications => Role::Admin,
    }
}

/// Whether `role` may perform `action`.
pub fn is_allowed(role: Role, action: Action) -> bool {
    role >= minimum_role(action)
}

/// Token names: 1 to 64 of lowercase letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit, so they read well in the audit log and need no quoting anywhere.
pub fn validate_token_name(name: &str) -> Result<(), String> {
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    if name.len() <= 64 && valid_start && valid_chars {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a valid token name: use 1 to 64 lowercase letters, digits, '-', '_' \
             or '.', starting with a letter or digit"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_only_reads() {
        for action in Action::ALL {
            assert_eq!(
                is_allowed(Role::Viewer, action),
                action == Action::Read,
                "{action:?}"
            );
        }
    }

    #[test]
    fn an_operator_works_on_staging_but_not_production() {
        assert!(is_allowed(
            Role::Operator,
            Action::Deploy(Environment::Staging)
        ));
        assert!(is_allowed(
            Role::Operator,
            Action::CancelJob(Environment::Staging)
        ));
        assert!(!is_allowed(
            Role::Operator,
            Action::Deploy(Environment::Production)
        ));
        assert!(!is_allowed(Role::Operator, Action::ReadSecretValues));
        assert!(!is_allowed(Role::Operator, Action::ManageClusters));
    }

    #[test]
    fn an_admin_may_do_everything() {
        assert!(Action::ALL
            .into_iter()
            .all(|action| is_allowed(Role::Admin, action)));
    }

    #[test]
    fn role_names_round_trip_and_unknown_ones_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(*role));
        }
        assert!(Role::parse("root")
            .expect_err("not a role")
            .contains("viewer, operator, admin"));
    }
}
