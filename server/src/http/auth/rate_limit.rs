//! How many sign-ins one address may start: each start stores an attempt, and a stranger
//! must not be able to fill that table.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use engine::store::now_millis;

/// Sign-ins one address may start per minute.
pub const STARTS_PER_MINUTE: usize = 20;
const WINDOW_MS: i64 = 60_000;

#[derive(Debug, Clone, Default)]
pub struct SignInLimiter {
    starts: Arc<Mutex<HashMap<String, Vec<i64>>>>,
}

impl SignInLimiter {
    /// Whether `source` may start another sign-in now (and counts it if so).
    pub fn allow(&self, source: Option<&str>) -> bool {
        let now = now_millis();
        let mut starts = self.starts.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget addresses whose window is over, so the map stays small.
        starts.retain(|_, times| times.last().is_some_and(|last| now - last < WINDOW_MS));
        let times = starts
            .entry(source.unwrap_or("unknown").to_owned())
            .or_default();
        times.retain(|at| now - at < WINDOW_MS);
        if times.len() >= STARTS_PER_MINUTE {
            return false;
        }
        times.push(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_stopped_after_its_share_and_others_are_not() {
        let limiter = SignInLimiter::default();
        for _ in 0..STARTS_PER_MINUTE {
            assert!(limiter.allow(Some("10.0.0.1")));
        }
        assert!(!limiter.allow(Some("10.0.0.1")));
        assert!(limiter.allow(Some("10.0.0.2")));
    }
}
