//! Delivery: what crosses to and from other systems. Signatures on webhooks both ways, the
//! outbox that tells GitHub how its deployments go, and what nixdeck does on its own time
//! (ending the waits for approval that are over, running the clusters' schedules).

mod approval_expiry;
pub mod job_events;
pub mod notify;
mod scheduler;
pub mod signature;
