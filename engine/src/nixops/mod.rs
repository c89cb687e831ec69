//! The runbook's commands, built from validated cluster arguments. Each operation is a plan
//! of named steps; each step is one command with its working directory and environment,
//! exactly as the runbook writes it. Nothing here runs anything: executors (SSH, local
//! processes) do, and `shell_line` is how a command crosses a shell, every word quoted.

mod export;
mod plan;
mod quote;

pub use export::parse_deployer_export;
pub use plan::{
    create_plan, deploy_plan, destroy_plan, exists_probe, info_plan, join_network_args,
    preview_plan, start_plan, stop_plan, NetworkIds, Plan, Step, StepKind, DEPLOY_PASSES,
};
pub use quote::{quote_word, shell_line};

/// One command: what to run, where, and with which extra environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub program: String,
    pub args: Vec<String>,
    pub cwd: String,
    pub env: Vec<(String, String)>,
}
