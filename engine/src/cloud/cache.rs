//! A short memory of what AWS said about each cluster, so the clusters list and a page's
//! several parts do not each ask AWS again. Entries are replaced on refresh; errors are not
//! remembered (the next look asks again). When an entry is stale, one caller asks AWS and
//! the others wanting the same key wait for that answer: a hundred people opening the
//! clusters list as its entries expire make one call per cluster, not a hundred.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
};

#[derive(Debug)]
pub struct Cached<T> {
    entries: Mutex<HashMap<String, (i64, T)>>,
    /// One turn per key: held by whoever is asking AWS for it.
    fills: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl<T: Clone> Cached<T> {
    pub fn new() -> Cached<T> {
        Cached {
            entries: Mutex::new(HashMap::new()),
            fills: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key` if it was stored at or after `fresh_since`; otherwise `fill`'s
    /// answer (its time and value), stored, asked for once however many callers wait.
    pub async fn get_or_fill<E, Fill>(
        &self,
        key: &str,
        fresh_since: i64,
        fill: impl FnOnce() -> Fill,
    ) -> Result<T, E>
    where
        Fill: Future<Output = Result<(i64, T), E>>,
    {
        if let Some(value) = self.get(key, fresh_since) {
            return Ok(value);
        }
        let turn = self
            .fills
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.to_owned())
            .or_default()
            .clone();
        let _turn = turn.lock().await;
        // Whoever held the turn before may have just stored it.
        if let Some(value) = self.get(key, fresh_since) {
            return Ok(value);
        }
        let (at, value) = fill().await?;
        self.put(key, at, value.clone());
        Ok(value)
    }

    /// The value for `key` if it was stored at or after `fresh_since` (epoch milliseconds).
    pub fn get(&self, key: &str, fresh_since: i64) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| *at >= fresh_since)
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, key: &str, at: i64, value: T) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(key.to_owned(), (at, value));
    }
}

impl<T: Clone> Default for Cached<T> {
    fn default() -> Cached<T> {
        Cached::new()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_of_a_stale_key_wait_for_one_answer() {
        let cache = Arc::new(Cached::<u32>::new());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut waiting = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (cache, calls) = (cache.clone(), calls.clone());
            waiting.spawn(async move {
                cache
                    .get_or_fill("alpha@eu-central-1", 100, || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok::<_, String>((200, 7))
                    })
                    .await
            });
        }
        while let Some(answer) = waiting.join_next().await {
            assert_eq!(answer.expect("joined"), Ok(7));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Stale by now: asked again, once.
        let again = cache
            .get_or_fill("alpha@eu-central-1", 300, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, String>((300, 8))
            })
            .await;
        assert_eq!(again, Ok(8));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_answer_is_not_kept() {
        let cache = Cached::<u32>::new();
        let failed = cache
            .get_or_fill("zone", 0, || async { Err::<(i64, u32), _>("AWS refused") })
            .await;
        assert_eq!(failed, Err("AWS refused"));
        assert_eq!(cache.get("zone", 0), None);
    }
}
