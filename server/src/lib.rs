//! The `nixdeck` server: configuration, the HTTP router around the dashboard, and the
//! command-line subcommands. `main.rs` only parses arguments and calls in here, so the
//! integration tests can build the same router the binary serves.

pub mod application;
pub mod cli;
pub mod commands;
pub mod config;
pub mod http;
pub mod login;
pub mod metrics;
pub mod outbox;
pub mod service_manager;
pub mod shutdown;
pub mod telemetry;
