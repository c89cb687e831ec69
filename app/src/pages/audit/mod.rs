//! The audit log.

mod events;

pub use events::AuditPage;
