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
    /// Manage API tokens for automation (sent as `Authorization: Bearer TOKEN`).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it alone on standard output. It is shown this once and
    /// stored only as a hash.
    Create {
        /// A name for the token: lowercase letters, digits, '-', '_' and '.'.
        #[arg(long)]
        name: String,
        /// What the token may do: viewer, operator or admin.
        #[arg(long)]
        role: String,
    },
    /// List tokens (names, roles, use), never their values.
    List,
    /// Revoke the live token with this name.
    Revoke {
        /// The token's name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exit non-zero naming the first altered or missing event.
    Verify,
}
