//! A job: its steps, what it changes, and its log, live while it runs.

mod detail;
mod live_log;
mod log_view;

pub use detail::JobDetailPage;
