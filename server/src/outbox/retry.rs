//! When a message that could not be sent is tried again: 5 s after the first attempt, then
//! twice as long each time up to 10 minutes, for a day; then it is given up on.

/// How long a message is tried for.
pub const GIVE_UP_AFTER_MS: i64 = 24 * 3600 * 1000;
const FIRST_DELAY_MS: i64 = 5_000;
const LONGEST_DELAY_MS: i64 = 600_000;

/// When to try again after `attempts` failed attempts of a message made at `created_at`,
/// or `None` once it is given up on.
pub fn next_attempt(attempts: i64, created_at: i64, now: i64) -> Option<i64> {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let delay = FIRST_DELAY_MS
        .saturating_mul(1_i64 << doublings)
        .min(LONGEST_DELAY_MS);
    let at = now + delay;
    (at - created_at <= GIVE_UP_AFTER_MS).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_end_after_a_day() {
        assert_eq!(next_attempt(1, 0, 0), Some(5_000));
        assert_eq!(next_attempt(2, 0, 10_000), Some(20_000));
        assert_eq!(next_attempt(3, 0, 0), Some(20_000));
        assert_eq!(next_attempt(30, 0, 0), Some(600_000));
        assert_eq!(next_attempt(5, 0, GIVE_UP_AFTER_MS), None);
    }
}
