//! The `nixdeck` binary.

use std::process::ExitCode;

use clap::Parser;
use nixdeck_server::{cli::Cli, commands};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return commands::report_failure(&commands::CommandError::Runtime(error)),
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => commands::report_failure(&error),
    }
}
