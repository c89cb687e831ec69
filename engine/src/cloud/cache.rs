//! A short memory of what AWS said about each cluster, so the clusters list and a page's
//! several parts do not each ask AWS again. Entries are replaced on refresh. When an entry
//! is stale, one caller asks AWS and the others wanting the same key wait for that answer,
//! or its failure: a hundred people opening the clusters list as its entries expire make
//! one call per cluster, not a hundred, and a silent AWS costs them one timeout, not one
//! each. A failure is remembered too, but only for `FAILURE_MILLIS`: while AWS cannot be
//! reached, loading the list again and again does not ask it again and again, and a moment
//! later (or at once, with a refresh) the next look asks again.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
};

use crate::model::failure::Failure;

/// How long a failed read is answered again instead of asking AWS (milliseconds).
const FAILURE_MILLIS: i64 = 5_000;

/// One turn per key, held by whoever is asking AWS for it; it keeps the last failure and
/// when it happened (epoch milliseconds).
type Turn = Arc<tokio::sync::Mutex<Option<(i64, Failure)>>>;

#[derive(Debug)]
pub struct Cached<T> {
    entries: Mutex<HashMap<String, (i64, T)>>,
    fills: Mutex<HashMap<String, Turn>>,
    /// How long a failure is answered again (`FAILURE_MILLIS`; shorter in tests).
    failure_millis: i64,
}

impl<T: Clone> Cached<T> {
    pub fn new() -> Cached<T> {
        Cached::remembering_failures_for(FAILURE_MILLIS)
    }

    fn remembering_failures_for(failure_millis: i64) -> Cached<T> {
        Cached {
            entries: Mutex::new(HashMap::new()),
            fills: Mutex::new(HashMap::new()),
            failure_millis,
        }
    }

    /// The value for `key` if it was stored at or after `fresh_since`; otherwise `fill`'s
    /// answer (its time and value), stored, asked for once however many callers wait. The
    /// last failure is answered instead of asking again if it is younger than the failure
    /// memory when the caller asks (those who waited on it get it too).
    pub async fn get_or_fill<Fill>(
        &self,
        key: &str,
        fresh_since: i64,
        fill: impl FnOnce() -> Fill,
    ) -> Result<T, Failure>
    where
        Fill: Future<Output = Result<(i64, T), Failure>>,
    {
        if let Some(value) = self.get(key, fresh_since) {
            return Ok(value);
        }
        let asked = crate::store::now_millis();
        let turn = self
            .fills
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.to_owned())
            .or_default()
            .clone();
        let mut last_failure = turn.lock().await;
        // Whoever held the turn before may have just stored it, or failed while we waited.
        if let Some(value) = self.get(key, fresh_since) {
            return Ok(value);
        }
        if let Some((failed_at, failure)) = last_failure.as_ref() {
            if *failed_at >= asked - self.failure_millis {
                return Err(failure.clone());
            }
        }
        match fill().await {
            Ok((at, value)) => {
                *last_failure = None;
                self.put(key, at, value.clone());
                Ok(value)
            }
            Err(failure) => {
                *last_failure = Some((crate::store::now_millis(), failure.clone()));
                Err(failure)
            }
        }
    }

    /// The value for `key` if it was stored at or after `fresh_since` (epoch milliseconds).
    pub fn get(&self, key: &str, fresh_since: i64) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| *at >= fresh_since)
            .map(|(_, value)| value.clone())
    }

    /// Stores `value` as of `at`, unless a newer answer is there already (a refresh that
    /// finished first).
    pub fn put(&self, key: &str, at: i64, value: T) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.get(key).is_some_and(|(stored, _)| *stored > at) {
            return;
        }
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

    use crate::model::failure::FailureKind;

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
                        Ok::<_, Failure>((200, 7))
                    })
                    .await
            });
        }
        while let Some(answer) = waiting.join_next().await {
            assert_eq!(answer.expect("joined").expect("an answer"), 7);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Stale by now: asked again, once.
        let again = cache
            .get_or_fill("alpha@eu-central-1", 300, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Failure>((300, 8))
            })
            .await;
        assert_eq!(again.expect("an answer"), 8);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failure_is_answered_to_those_who_waited_and_for_a_moment_after() {
        // A failure remembered for a tenth of a second, so the test need not wait 5.
        let cache = Arc::new(Cached::<u32>::remembering_failures_for(100));
        let calls = Arc::new(AtomicUsize::new(0));
        let failing = |calls: Arc<AtomicUsize>| {
            move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Err::<(i64, u32), _>(Failure::new(
                    FailureKind::UpstreamTimeout,
                    "AWS did not answer",
                ))
            }
        };
        let mut waiting = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let (cache, calls) = (cache.clone(), calls.clone());
            waiting.spawn(async move { cache.get_or_fill("zone", 0, failing(calls)).await });
        }
        while let Some(answer) = waiting.join_next().await {
            assert!(answer.expect("joined").is_err());
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "one attempt for all who waited"
        );
        assert_eq!(
            cache.get("zone", 0),
            None,
            "a failure is not kept as an answer"
        );
        // Within the failure's moment, the next look gets it without asking.
        let remembered = cache.get_or_fill("zone", 0, failing(calls.clone())).await;
        assert_eq!(
            remembered.expect_err("the failure").message,
            "AWS did not answer"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1, "AWS was not asked again");
        // Past it, AWS is asked again.
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let later = cache
            .get_or_fill("zone", 0, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Failure>((10, 3))
            })
            .await;
        assert_eq!(later.expect("an answer"), 3);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn an_older_answer_never_replaces_a_newer_one() {
        let cache = Cached::<u32>::new();
        cache.put("alpha", 20, 2);
        cache.put("alpha", 10, 1);
        assert_eq!(cache.get("alpha", 0), Some(2));
    }
}
