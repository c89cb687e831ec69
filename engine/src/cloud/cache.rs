//! A short memory of what AWS said about each cluster, so the clusters list and a page's
//! several parts do not each ask AWS again. Entries are replaced on refresh; errors are not
//! remembered (the next look asks again).

use std::{collections::HashMap, sync::Mutex};

#[derive(Debug)]
pub struct Cached<T> {
    entries: Mutex<HashMap<String, (i64, T)>>,
}

impl<T: Clone> Cached<T> {
    pub fn new() -> Cached<T> {
        Cached {
            entries: Mutex::new(HashMap::new()),
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
