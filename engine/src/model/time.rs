//! Times as nixdeck stores them (milliseconds since the Unix epoch, UTC) turned into text
//! people read, and dates people type turned back. Done by hand (the civil-calendar
//! algorithm) so the browser bundle needs no date library.

const MILLIS_PER_DAY: i64 = 86_400_000;

/// `2026-11-24 23:24:54 UTC`.
pub fn format_utc(millis: i64) -> String {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let of_day = millis.rem_euclid(MILLIS_PER_DAY) / 1000;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The first millisecond of a `YYYY-MM-DD` day, UTC.
/// A duration as people read it: `45s`, `3m 07s`, `1h 02m`.
pub fn format_duration(millis: i64) -> String {
    let seconds = millis.max(0) / 1000;
    match seconds {
        0..=59 => format!("{seconds}s"),
        60..=3599 => format!("{}m {:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h {:02}m", seconds / 3600, seconds % 3600 / 60),
    }
}

pub fn parse_date(text: &str) -> Result<i64, String> {
    let invalid = || format!("{text:?} is not a date like 2026-11-24");
    let mut parts = text.trim().splitn(3, '-');
    let mut next = || parts.next().and_then(|part| part.parse::<i64>().ok());
    let (Some(year), Some(month), Some(day)) = (next(), next(), next()) else {
        return Err(invalid());
    };
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(invalid());
    }
    let days = days_from_civil(year, month, day);
    if civil_from_days(days) != (year, month, day) {
        return Err(invalid());
    }
    Ok(days * MILLIS_PER_DAY)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_times_read_as_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_795_562_694_000), "2026-11-24 23:24:54 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }

    #[test]
    fn dates_parse_to_the_start_of_their_day() {
        assert_eq!(parse_date("2026-11-24"), Ok(1_795_478_400_000));
        assert_eq!(
            parse_date("2000-02-29").map(format_utc).as_deref(),
            Ok("2000-02-29 00:00:00 UTC")
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in ["2026-02-30", "2026-13-01", "yesterday", "2026-1", ""] {
            assert!(parse_date(text).is_err(), "{text}");
        }
    }
}
