//! `nixdeck check-config`: shows the effective configuration. Loading it already checked
//! every value, so reaching this point means it is valid.

use std::io::Write;

use crate::config::Config;

use super::CommandError;

pub fn run(config: &Config) -> Result<(), CommandError> {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", config.describe());
    let _ = writeln!(stdout, "# configuration is valid");
    Ok(())
}
