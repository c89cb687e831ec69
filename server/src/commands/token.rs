//! `nixdeck token create|list|revoke`: API tokens managed from the server itself, where
//! whoever can run the binary with its configuration is trusted as an admin. Recorded in
//! the audit log with the actor `cli`.

use std::io::Write;

use engine::{
    access::{self, AccessError},
    model::access::Role,
    store::StoreError,
};

use super::{open_store, CommandError};
use crate::{cli::TokenCommand, config::Config};

/// The audit log's actor for changes made with the command line.
const CLI_ACTOR: &str = "cli";

pub async fn run(config: Config, command: TokenCommand) -> Result<(), CommandError> {
    let store = open_store(&config).await?;
    let result = match command {
        TokenCommand::Create { name, role } => create(&store, &name, &role).await,
        TokenCommand::List => list(&store).await,
        TokenCommand::Revoke { name } => revoke(&store, &name).await,
    };
    store.close().await;
    result
}

async fn create(store: &engine::store::Store, name: &str, role: &str) -> Result<(), CommandError> {
    let role = Role::parse(role)
        .map_err(|problem| CommandError::Refused(format!("invalid --role: {problem}")))?;
    let token = access::create_token(store, name, role, CLI_ACTOR, None)
        .await
        .map_err(|error| match error {
            AccessError::Invalid(problem) => {
                CommandError::Refused(format!("invalid --name: {problem}"))
            }
            AccessError::Store(StoreError::Conflict(what)) => CommandError::Refused(format!(
                "{what} already exists; revoke it first or pick another name"
            )),
            other => CommandError::Access(other),
        })?;
    let _ = writeln!(std::io::stdout().lock(), "{}", token.expose());
    Ok(())
}

async fn list(store: &engine::store::Store) -> Result<(), CommandError> {
    let tokens = access::list_tokens(store).await?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<32} {:<9} {:<8} {:<16} LAST USED",
        "NAME", "ROLE", "STATE", "CREATED BY"
    );
    for token in tokens {
        let state = if token.revoked_at.is_some() {
            "revoked"
        } else {
            "live"
        };
        let last_used = token.last_used_at.map_or_else(
            || "never".to_owned(),
            |millis| format!("{millis} (ms since epoch)"),
        );
        let _ = writeln!(
            out,
            "{:<32} {:<9} {:<8} {:<16} {}",
            token.name,
            token.role.as_str(),
            state,
            token.created_by,
            last_used
        );
    }
    Ok(())
}

async fn revoke(store: &engine::store::Store, name: &str) -> Result<(), CommandError> {
    access::revoke_token(store, name, CLI_ACTOR, None)
        .await
        .map_err(|error| match error {
            AccessError::Store(StoreError::NotFound) => {
                CommandError::Refused(format!("there is no live token named {name:?}"))
            }
            other => CommandError::Access(other),
        })?;
    let _ = writeln!(std::io::stdout().lock(), "revoked token {name:?}");
    Ok(())
}
