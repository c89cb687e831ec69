//! The `nixdeck` binary.

use std::process::ExitCode;

use clap::Parser;
use nixdeck_server::{cli::Cli, commands};

// A page allocates and frees thousands of small values (views, strings, rows) and each request
// may end on another thread than it began; mimalloc serves that with about a third of the
// instructions glibc's allocator needs (bench/profile.sh counts both).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
