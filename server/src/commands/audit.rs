//! `nixdeck audit verify`: proves the audit log whole, or names the first event that was
//! altered or removed.

use std::io::Write;

use engine::audit::{self, ChainReport};

use super::{open_store, CommandError};
use crate::{cli::AuditCommand, config::Config};

pub async fn run(config: Config, command: AuditCommand) -> Result<(), CommandError> {
    match command {
        AuditCommand::Verify => verify(config).await,
    }
}

async fn verify(config: Config) -> Result<(), CommandError> {
    let store = open_store(&config).await?;
    // The head recorded outside the database, read before the chain is walked.
    let anchor = audit::read_anchor(&config.audit_anchor).map_err(|error| {
        CommandError::Refused(format!(
            "cannot read the audit anchor {}: {error}",
            config.audit_anchor.display()
        ))
    })?;
    let report = audit::verify(&store, anchor)
        .await
        .map_err(|source| CommandError::Database {
            database: config.database_url.redacted(),
            source,
        });
    store.close().await;
    match report? {
        ChainReport::Intact { events } => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "audit log intact: {events} events, each linked to the one before"
            );
            Ok(())
        }
        ChainReport::Broken { problem, .. } => Err(CommandError::Refused(format!(
            "audit log broken: {problem}"
        ))),
    }
}
