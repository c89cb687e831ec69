//! How many live log streams each person holds open: bounded, so nobody can exhaust the
//! database's connections by opening and dropping streams.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

#[derive(Debug, Clone)]
pub struct ViewerLimits {
    open: Arc<Mutex<HashMap<String, usize>>>,
    per_person: usize,
}

/// One open stream; dropping it gives the place back.
#[derive(Debug)]
pub struct ViewerSlot {
    open: Arc<Mutex<HashMap<String, usize>>>,
    actor: String,
}

impl ViewerLimits {
    pub fn new(per_person: usize) -> ViewerLimits {
        ViewerLimits {
            open: Arc::default(),
            per_person,
        }
    }

    pub fn per_person(&self) -> usize {
        self.per_person
    }

    /// How many streams are open, everyone's together.
    pub fn open(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .sum()
    }

    /// A place for one more stream of `actor`, if they have fewer than the limit open.
    pub fn try_open(&self, actor: &str) -> Option<ViewerSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(actor.to_owned()).or_insert(0);
        if *count >= self.per_person {
            return None;
        }
        *count += 1;
        Some(ViewerSlot {
            open: self.open.clone(),
            actor: actor.to_owned(),
        })
    }
}

impl Drop for ViewerSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.actor) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.actor);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_person_gets_the_limit_and_a_closed_stream_frees_its_place() {
        let limits = ViewerLimits::new(2);
        let first = limits.try_open("github:alice").expect("first");
        let _second = limits.try_open("github:alice").expect("second");
        assert!(limits.try_open("github:alice").is_none());
        assert!(limits.try_open("github:bob").is_some());
        assert_eq!(limits.open(), 2);
        drop(first);
        assert_eq!(limits.open(), 1);
        assert!(limits.try_open("github:alice").is_some());
    }
}
