//! Server functions over the audit log.

mod list_audit_events;

pub use list_audit_events::{list_audit_events, ListAuditEvents};
