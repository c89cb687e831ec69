//! The subcommands, and how their failures reach the person who ran them: one line on
//! standard error and an exit status (2 for bad configuration, 1 for anything else).

mod audit;
mod check_config;
mod migrate;
mod serve;
mod token;

use std::{io::Write, process::ExitCode};

use engine::store::{Store, StoreError};

use crate::{
    cli::{Cli, Command},
    config::{Config, ConfigError},
};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database {database}: {source}")]
    Database {
        database: String,
        source: StoreError,
    },
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: String,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{0}")]
    Refused(String),
    /// A command the engine refused or failed; a value it names is the flag that gave it.
    #[error("{}", flagged(.0))]
    Failed(engine::model::failure::Failure),
}

impl CommandError {
    fn exit_code(&self) -> u8 {
        match self {
            CommandError::Config(_) => 2,
            CommandError::Failed(failure) => failure.kind.exit_code(),
            _ => 1,
        }
    }
}

/// A refusal as the command line says it: an invalid value names its flag (`--name`).
fn flagged(failure: &engine::model::failure::Failure) -> String {
    match (&failure.kind, &failure.field) {
        (engine::model::failure::FailureKind::Invalid, Some(field)) => {
            format!("invalid --{field}: {}", failure.message)
        }
        _ => failure.message.clone(),
    }
}

impl From<engine::model::failure::Failure> for CommandError {
    fn from(failure: engine::model::failure::Failure) -> CommandError {
        CommandError::Failed(failure)
    }
}

/// Runs the command the person asked for (`serve` when none was named).
pub async fn run(cli: Cli) -> Result<(), CommandError> {
    let config = Config::load(cli.config.as_deref())?;
    // Nothing logs before the configuration is read: a bad one is reported as one line.
    crate::telemetry::init(config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config).await,
        Command::Migrate => migrate::run(config).await,
        Command::CheckConfig => check_config::run(&config),
        Command::Token { command } => token::run(config, command).await,
        Command::Audit { command } => audit::run(config, command).await,
    }
}

/// Prints the failure as one line and turns it into the process's exit status.
pub fn report_failure(error: &CommandError) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "nixdeck: {error}");
    ExitCode::from(error.exit_code())
}

/// Creates the data directory, connects and applies pending migrations: what every
/// command that touches data does first. Those that write audit events also open the
/// anchor (`application::open_anchor`).
async fn open_store(config: &Config) -> Result<Store, CommandError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| CommandError::DataDir {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let database_error = |source| CommandError::Database {
        database: config.database_url.redacted(),
        source,
    };
    let store = Store::connect(config.database_url.expose())
        .await
        .map_err(database_error)?;
    store.migrate().await.map_err(database_error)?;
    Ok(store)
}
