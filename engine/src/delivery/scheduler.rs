//! Runs the clusters' schedules: at start (so runs missed while nixdeck was down happen,
//! once), then every half minute until nixdeck stops.

use std::time::Duration;

use crate::engine::Engine;

/// How often schedules are looked at: a run happens within this of its time.
const TICK: Duration = Duration::from_secs(30);

impl Engine {
    pub fn spawn_scheduler(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move {
            let mut wait = Duration::ZERO;
            loop {
                tokio::select! {
                    () = engine.stopping().cancelled() => return,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = TICK;
                match engine.run_due_schedules().await {
                    Ok(queued) if !queued.is_empty() => {
                        tracing::info!(jobs = queued.len(), "scheduled jobs queued");
                    }
                    Ok(_) => {}
                    Err(failure) => {
                        tracing::warn!(message = %failure.message, "cannot run the schedules");
                    }
                }
            }
        })
    }
}
