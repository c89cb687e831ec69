//! Refusals (a bad token, a stale cookie, a forged sign-in) are audited, but a stranger
//! must not be able to fill the audit log: repeated identical refusals from one source are
//! recorded as one event when the first arrives and one more, with the count, when its
//! minute is over (300 bad tokens in a few seconds make two events, not 300).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use engine::{
    access::{self, AccessError},
    store::{now_millis, Store},
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// How long identical refusals are counted together.
const WINDOW_MS: i64 = 60_000;
/// How often finished windows are written down.
const FLUSH_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct RefusalLog {
    store: Store,
    windows: Arc<Mutex<HashMap<Key, Window>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    source: Option<String>,
    actor: String,
    action: String,
    details: String,
}

#[derive(Debug)]
struct Window {
    started_at: i64,
    /// Refusals after the first, not yet written down.
    repeated: u64,
    details: Value,
}

impl RefusalLog {
    pub fn new(store: Store) -> RefusalLog {
        RefusalLog {
            store,
            windows: Arc::default(),
        }
    }

    /// Records a refusal: written at once if it is the first of its kind from its source
    /// this minute, else counted.
    pub async fn record(
        &self,
        actor: &str,
        action: &str,
        details: Value,
        source: Option<String>,
    ) -> Result<(), AccessError> {
        let key = Key {
            source: source.clone(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            details: details.to_string(),
        };
        let now = now_millis();
        let over = {
            let mut windows = self.lock();
            if let Some(window) = windows.get_mut(&key) {
                if now - window.started_at < WINDOW_MS {
                    window.repeated += 1;
                    return Ok(());
                }
            }
            // A window that is over but not yet flushed is written down before its next.
            windows.insert(
                key.clone(),
                Window {
                    started_at: now,
                    repeated: 0,
                    details: details.clone(),
                },
            )
        };
        if let Some(window) = over {
            self.write_count(&key, window).await;
        }
        access::record_refusal(&self.store, actor, action, details, source).await
    }

    /// Writes the counts of windows that are over (all of them, when `everything`).
    pub async fn flush(&self, everything: bool) {
        let now = now_millis();
        let due: Vec<(Key, Window)> = {
            let mut windows = self.lock();
            let keys: Vec<Key> = windows
                .iter()
                .filter(|(_, window)| everything || now - window.started_at >= WINDOW_MS)
                .map(|(key, _)| key.clone())
                .collect();
            keys.into_iter()
                .filter_map(|key| windows.remove_entry(&key))
                .collect()
        };
        for (key, window) in due {
            self.write_count(&key, window).await;
        }
    }

    /// Records how many refusals followed a window's first (nothing if none did).
    async fn write_count(&self, key: &Key, window: Window) {
        if window.repeated == 0 {
            return;
        }
        let mut details = window.details;
        if let Value::Object(map) = &mut details {
            map.insert("repeated".to_owned(), Value::from(window.repeated));
            map.insert("within_seconds".to_owned(), Value::from(WINDOW_MS / 1000));
        }
        if let Err(error) = access::record_refusal(
            &self.store,
            &key.actor,
            &key.action,
            details,
            key.source.clone(),
        )
        .await
        {
            tracing::warn!(%error, "cannot record repeated refusals");
        }
    }

    /// Flushes every few seconds until `stopping`, then once more for everything.
    pub fn spawn_flusher(&self, stopping: CancellationToken) -> tokio::task::JoinHandle<()> {
        let log = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(FLUSH_EVERY) => log.flush(false).await,
                    () = stopping.cancelled() => {
                        log.flush(true).await;
                        return;
                    }
                }
            }
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Window>> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
