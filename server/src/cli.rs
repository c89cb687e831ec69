//! The command line: `nixdeck [--config FILE] [serve | migrate | check-config]`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// nixdeck: a web control plane for NixOS clusters deployed with NixOps on AWS.
///
/// Settings come from an optional nixdeck.toml and then from NIXDECK_* environment
/// variables, which win. See .env.example for every variable.
#[derive(Debug, Parser)]
#[command(name = "nixdeck", version, propagate_version = true)]
pub struct Cli {
    /// The configuration file to read. Without it, ./nixdeck.toml is read if it exists.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default): applies pending migrations, then listens on
    /// NIXDECK_LISTEN until Ctrl-C or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the effective configuration, secrets redacted, and exit non-zero if any
    /// value is invalid. Touches no data.
    CheckConfig,
}
