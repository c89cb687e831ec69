//! Integration tests of the `nixdeck` server: the router answered in-process (with
//! `oneshot`) over real databases, and the built binary run as a person would run it.

mod approvals_api;
mod aws_clusters;
mod aws_faults;
mod aws_helpers;
mod aws_log;
mod aws_secrets;
mod builder_jobs;
mod builder_probe;
mod cli;
mod cluster_api;
mod deployer_host;
mod github_deployments;
mod github_sign_in;
mod helpers;
mod http_access;
mod http_defenses;
mod http_pages;
mod http_plain;
mod job_checks;
mod job_faults;
mod job_helpers;
mod job_logs;
mod job_output;
mod job_restarts;
mod jobs_over_ssh;
mod metrics;
mod notifications;
mod oidc_sign_in;
mod openapi;
mod permissions;
mod provider_helpers;
mod schedules_api;
mod service;
mod slack_commands;
