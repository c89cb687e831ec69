//! How amounts read on pages: sizes in binary units, durations, ages relative to the
//! server's clock.

use engine::model::{job::JobView, time::format_duration};

/// `234.6 GiB`, `512 KiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// How long a job ran (or that it runs, or has not started).
pub fn job_duration(job: &JobView) -> String {
    match (job.started_at, job.finished_at) {
        (Some(start), Some(end)) => format_duration(end - start),
        (Some(_), None) => "running".to_owned(),
        _ => "—".to_owned(),
    }
}

/// How long before `now` something happened: `3m 20s ago`, `just now`.
pub fn format_age(at: i64, now: i64) -> String {
    let age = now - at;
    if age < 1000 {
        "just now".to_owned()
    } else {
        format!("{} ago", format_duration(age))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.5 KiB");
        assert_eq!(format_bytes(234_567_890 * 1024), "223.7 GiB");
    }
}
