//! Integration tests of the engine against real databases: a temporary SQLite file and a
//! fresh database on the PostgreSQL server named by `NIXDECK_TEST_POSTGRES_URL` (the test
//! script starts a throwaway one). Every test runs on both.

mod access;
mod approvals;
mod audit_log;
mod builder_probes;
mod commands;
mod helpers;
mod job_activity;
mod job_lists;
mod jobs_queue;
mod log_retention;
mod log_storage;
mod prepare;
mod schedules;
mod schema;
mod sign_in_attempts;
mod store_basics;
