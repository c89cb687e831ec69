//! What the home page's activity chart shows: the jobs that ended on each of the last days.

use super::{require, Caller};
use crate::{
    engine::Engine,
    model::{
        access::Action,
        failure::Failure,
        job::{JobState, JobsOnDay},
    },
    store::job_activity::{ended_per_day, DAY_MILLIS},
};

impl Engine {
    /// The jobs that ended on each of the `days` days up to and including `now`'s, oldest
    /// first; a day without any is there with zeros.
    pub async fn job_activity(
        &self,
        caller: &Caller,
        days: u32,
        now: i64,
    ) -> Result<Vec<JobsOnDay>, Failure> {
        require(caller, Action::Read)?;
        let today = now.div_euclid(DAY_MILLIS);
        let first = today - i64::from(days.max(1)) + 1;
        let mut shown: Vec<JobsOnDay> = (first..=today)
            .map(|day| JobsOnDay {
                day: day * DAY_MILLIS,
                succeeded: 0,
                failed: 0,
                other: 0,
            })
            .collect();
        for (day, state, count) in ended_per_day(self.store(), first * DAY_MILLIS).await? {
            let Some(entry) = usize::try_from(day - first)
                .ok()
                .and_then(|index| shown.get_mut(index))
            else {
                continue;
            };
            match state {
                JobState::Succeeded => entry.succeeded += count,
                JobState::Failed => entry.failed += count,
                _ => entry.other += count,
            }
        }
        Ok(shown)
    }
}
