//! `nixdeck token create|list|revoke`: API tokens managed from the server itself, where
//! whoever can run the binary with its configuration is trusted as an admin. An adapter
//! onto the same engine commands as the pages and the REST API, recorded with the actor
//! `cli`.

use std::{io::Write, sync::Arc};

use engine::{commands::Caller, store::Store, Engine, EngineConfig};
use tokio_util::sync::CancellationToken;

use super::{open_store, CommandError};
use crate::{application::open_anchor, cli::TokenCommand, config::Config};

pub async fn run(config: Config, command: TokenCommand) -> Result<(), CommandError> {
    let anchor = open_anchor(&config).map_err(CommandError::Refused)?;
    let store = open_store(&config).await?.with_anchor(Arc::new(anchor));
    let engine = cli_engine(&config, store.clone());
    let caller = Caller::cli();
    let result = match command {
        TokenCommand::Create { name, role } => create(&engine, &caller, &name, &role).await,
        TokenCommand::List => list(&engine, &caller).await,
        TokenCommand::Revoke { name } => revoke(&engine, &caller, &name).await,
    };
    store.close().await;
    result
}

/// An engine for one command: no hosts, no worker.
fn cli_engine(config: &Config, store: Store) -> Engine {
    Engine::new(
        EngineConfig {
            store,
            hosts: Vec::new(),
            deploys: config.deployer.deploy_settings(),
            worker_id: "cli".to_owned(),
            max_parallel: 1,
            streams_per_person: 1,
            cloud: None,
            builder: Default::default(),
            approvals: config.approvals,
            delivery: Default::default(),
        },
        CancellationToken::new(),
    )
}

async fn create(
    engine: &Engine,
    caller: &Caller,
    name: &str,
    role: &str,
) -> Result<(), CommandError> {
    let token = engine.create_token(caller, name, role).await?;
    let _ = writeln!(std::io::stdout().lock(), "{}", token.expose());
    Ok(())
}

async fn list(engine: &Engine, caller: &Caller) -> Result<(), CommandError> {
    let tokens = engine.tokens(caller).await?;
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

async fn revoke(engine: &Engine, caller: &Caller, name: &str) -> Result<(), CommandError> {
    engine.revoke_token(caller, name).await?;
    let _ = writeln!(std::io::stdout().lock(), "revoked token {name:?}");
    Ok(())
}
