//! A job: its steps, what it changes, and its log, live while it runs.

mod approval;
mod cells;
mod detail;
mod live_log;
mod log_view;

pub use cells::JobCells;
pub use detail::JobDetailPage;
