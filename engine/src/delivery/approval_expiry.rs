//! Ends the waits for approval whose time is over, every few seconds until nixdeck stops.
//! An approval asked for after its time is refused anyway (the command checks); this makes
//! the state and the audit log say so without anyone asking.

use std::time::Duration;

use crate::engine::Engine;

/// How often waits are checked: an expiry shows within this of its time.
const SWEEP_INTERVAL: Duration = Duration::from_secs(15);

impl Engine {
    pub fn spawn_approval_expiry(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = engine.stopping().cancelled() => return,
                    () = tokio::time::sleep(SWEEP_INTERVAL) => {}
                }
                match engine.expire_overdue_approvals().await {
                    Ok(0) => {}
                    Ok(expired) => tracing::info!(expired, "waits for approval expired"),
                    Err(failure) => {
                        tracing::warn!(message = %failure.message, "cannot expire waits for approval");
                    }
                }
            }
        })
    }
}
