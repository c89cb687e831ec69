//! Jobs: a generic queue (claiming with leases, take-over, cancel, the log and its live
//! feeds) and the handlers that say what each kind of job does. Requests come in through
//! the engine's commands, each audited in the transaction that queues the job.

pub mod context;
pub mod feeds;
mod follow;
pub mod handler;
pub mod retention;
pub mod steps;
pub(crate) mod viewers;
pub(crate) mod views;
mod worker;
mod writer;

pub use context::{CommandRun, JobContext};
pub use feeds::{LogBatch, LogFeeds};
pub use follow::LogEvent;
pub use handler::{handler_for, BoxFuture, JobHandler, Outcome};
pub use viewers::ViewerSlot;
