//! Per-cluster schedules: five-field cron expressions in UTC (minute, hour, day of month,
//! month, day of week), as cron writes them: `*`, numbers, ranges `a-b`, steps `*/n` and
//! `a-b/n`, lists `a,b`, month and weekday names (`jan`, `mon`), 0 or 7 for Sunday; when
//! both day fields are restricted, either matching is enough.

use serde::{Deserialize, Serialize};

use super::time::civil_from_days;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// How far ahead a next run is looked for (an expression such as `0 0 30 2 *` never runs).
const HORIZON_DAYS: i64 = 366 * 5;

/// The check schedule a deployed cluster has until someone sets another: every six hours.
pub const DEFAULT_CHECK: &str = "0 */6 * * *";

/// A parsed cron expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    text: String,
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Whether each day field was `*` (cron's rule for combining them).
    any_day: bool,
    any_weekday: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Cron {
    /// Reads an expression; the error says which field is wrong and why.
    pub fn parse(text: &str) -> Result<Cron, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "{text:?} is not a cron expression: it needs five fields (minute hour day-of-month month day-of-week), it has {}",
                fields.len()
            ));
        }
        let minutes = field(fields[0], "minute", 0, 59, &[])?;
        let hours = field(fields[1], "hour", 0, 23, &[])?;
        let days = field(fields[2], "day of month", 1, 31, &[])?;
        let months = field(fields[3], "month", 1, 12, &MONTHS)?;
        let mut weekdays = field(fields[4], "day of week", 0, 7, &WEEKDAYS)?;
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays | 1) & !(1 << 7);
        }
        Ok(Cron {
            text: fields.join(" "),
            minutes,
            hours,
            days,
            months,
            weekdays,
            // As cron decides it: a field starting with `*` (`*`, `*/2`) restricts nothing.
            any_day: fields[2].starts_with('*'),
            any_weekday: fields[4].starts_with('*'),
        })
    }

    /// The expression, its fields separated by single spaces.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first minute strictly after `after` (milliseconds since the epoch, UTC) that the
    /// expression names, or `None` if it names none in the next five years.
    pub fn next_after(&self, after: i64) -> Option<i64> {
        let mut t = (after.div_euclid(MINUTE_MS) + 1) * MINUTE_MS;
        let limit = after + HORIZON_DAYS * DAY_MS;
        while t <= limit {
            let day = t.div_euclid(DAY_MS);
            let (_, month, day_of_month) = civil_from_days(day);
            // 1970-01-01 was a Thursday.
            let weekday = (day + 4).rem_euclid(7);
            let day_start = day * DAY_MS;
            if !has(self.months, month) || !self.day_matches(day_of_month, weekday) {
                t = day_start + DAY_MS;
                continue;
            }
            let of_day = (t - day_start) / MINUTE_MS;
            let (hour, minute) = (of_day / 60, of_day % 60);
            if !has(self.hours, hour) {
                t = day_start + (hour + 1) * 60 * MINUTE_MS;
                continue;
            }
            if !has(self.minutes, minute) {
                t += MINUTE_MS;
                continue;
            }
            return Some(t);
        }
        None
    }

    fn day_matches(&self, day_of_month: i64, weekday: i64) -> bool {
        let by_day = has(self.days, day_of_month);
        let by_weekday = has(self.weekdays, weekday);
        match (self.any_day, self.any_weekday) {
            (false, false) => by_day || by_weekday,
            _ => by_day && by_weekday,
        }
    }
}

fn has(set: u64, value: i64) -> bool {
    (0..64).contains(&value) && set & (1 << value) != 0
}

/// One field as a bit set of the values it names.
fn field(text: &str, name: &str, low: u32, high: u32, names: &[&str]) -> Result<u64, String> {
    let refuse = |why: String| Err(format!("the {name} field {text:?} {why}"));
    let value = |part: &str| -> Option<u32> {
        part.parse::<u32>().ok().or_else(|| {
            names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(part))
                .and_then(|i| u32::try_from(i).ok())
                .map(|i| i + low)
        })
    };
    let mut set = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => match step.parse::<u32>() {
                Ok(step) if step > 0 => (range, step),
                _ => return refuse(format!("has a bad step {step:?}")),
            },
            None => (item, 1),
        };
        let (from, to) = if range == "*" {
            (low, high)
        } else if let Some((a, b)) = range.split_once('-') {
            match (value(a), value(b)) {
                (Some(a), Some(b)) if a <= b => (a, b),
                _ => return refuse(format!("has a bad range {range:?}")),
            }
        } else {
            match value(range) {
                // `5/15` means from 5 to the end, every 15.
                Some(a) if step > 1 => (a, high),
                Some(a) => (a, a),
                None => return refuse(format!("has {range:?}, not a number")),
            }
        };
        if from < low || to > high {
            return refuse(format!("goes outside {low}-{high}"));
        }
        let mut v = from;
        while v <= to {
            set |= 1 << v;
            v += step;
        }
    }
    Ok(set)
}

/// A cluster's schedules, as the API and its page show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleView {
    /// The check (`info`, and machines and DNS where AWS is configured); `None`: no check.
    pub check: Option<String>,
    /// The redeploy; `None`: no redeploy.
    pub redeploy: Option<String>,
    pub check_next_at: Option<i64>,
    pub redeploy_next_at: Option<i64>,
    pub check_last_at: Option<i64>,
    pub redeploy_last_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_date;

    fn at(date: &str, hour: i64, minute: i64) -> i64 {
        parse_date(date).expect("date") + hour * 3_600_000 + minute * MINUTE_MS
    }

    #[test]
    fn the_next_run_follows_each_field() {
        let every_six = Cron::parse(DEFAULT_CHECK).expect("default");
        assert_eq!(
            every_six.next_after(at("2026-11-30", 5, 59)),
            Some(at("2026-11-30", 6, 0))
        );
        assert_eq!(
            every_six.next_after(at("2026-11-30", 6, 0)),
            Some(at("2026-11-30", 12, 0))
        );
        assert_eq!(
            every_six.next_after(at("2026-11-30", 23, 0)),
            Some(at("2026-12-01", 0, 0))
        );
        // Mondays at 03:30 (2026-11-30 is a Monday).
        let monday = Cron::parse("30 3 * * mon").expect("monday");
        assert_eq!(
            monday.next_after(at("2026-11-30", 3, 30)),
            Some(at("2026-12-07", 3, 30))
        );
        // Either day field may match when both are restricted: the 1st, or any Sunday.
        let either = Cron::parse("0 0 1 * 0").expect("either");
        assert_eq!(
            either.next_after(at("2026-11-30", 0, 0)),
            Some(at("2026-12-01", 0, 0))
        );
        assert_eq!(
            either.next_after(at("2026-12-01", 0, 0)),
            Some(at("2026-12-06", 0, 0))
        );
        let sunday_seven = Cron::parse("0 0 * * 7").expect("7 is Sunday");
        assert_eq!(
            sunday_seven.next_after(at("2026-11-30", 0, 0)),
            Some(at("2026-12-06", 0, 0))
        );
        let steps = Cron::parse("5-20/5,45 * * jan-mar *").expect("steps");
        assert_eq!(
            steps.next_after(at("2026-11-30", 0, 0)),
            Some(at("2027-01-01", 0, 5))
        );
        assert_eq!(
            steps.next_after(at("2027-01-01", 0, 20)),
            Some(at("2027-01-01", 0, 45))
        );
        assert_eq!(
            Cron::parse("0 0 30 2 *").expect("never").next_after(0),
            None
        );
        // `*/2` counts as `*` for cron's rule on the two day fields: odd days that are
        // Mondays, not odd days or Mondays.
        let odd_mondays = Cron::parse("0 0 */2 * mon").expect("both");
        assert_eq!(
            odd_mondays.next_after(at("2026-11-30", 0, 0)),
            Some(at("2026-12-07", 0, 0))
        );
    }

    #[test]
    fn bad_expressions_say_which_field() {
        for (text, says) in [
            ("* * * *", "five fields"),
            ("60 * * * *", "minute"),
            ("* 24 * * *", "hour"),
            ("* * 0 * *", "day of month"),
            ("* * * 13 *", "month"),
            ("* * * * 8", "day of week"),
            ("*/0 * * * *", "step"),
            ("5-1 * * * *", "range"),
            ("x * * * *", "not a number"),
            ("; rm -rf / * * *", "minute"),
        ] {
            let error = Cron::parse(text).expect_err(text);
            assert!(error.contains(says), "{text}: {error}");
        }
        assert_eq!(
            Cron::parse("  0   */6 * * *  ").expect("spaces").as_str(),
            "0 */6 * * *"
        );
    }
}
