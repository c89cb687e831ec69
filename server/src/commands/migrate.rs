//! `nixdeck migrate`: applies pending migrations and exits, for deployments that migrate
//! as a separate step before starting new replicas.

use std::io::Write;

use crate::config::Config;

use super::{open_store, CommandError};

pub async fn run(config: Config) -> Result<(), CommandError> {
    let store = open_store(&config).await?;
    store.close().await;
    let _ = writeln!(
        std::io::stdout().lock(),
        "database {} ({}) is up to date",
        config.database_url.redacted(),
        config.database_url.engine().as_str()
    );
    Ok(())
}
