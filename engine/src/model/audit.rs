//! The audit log as the dashboard and the API show it, and the filters a person can set.

use serde::{Deserialize, Serialize};

use super::time::parse_date;

/// One event as shown: no hashes, details as compact JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventView {
    pub id: i64,
    pub time_millis: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub source: Option<String>,
}

/// One page of events, newest first, and where the next (older) page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventsPage {
    pub events: Vec<AuditEventView>,
    pub older_than: Option<i64>,
}

/// The filters of the Audit page, as typed: dates as `YYYY-MM-DD` (UTC), empty meaning
/// "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub from: String,
    pub until: String,
    pub before: Option<i64>,
}

/// A checked query: times in milliseconds, the `until` day included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditRange {
    pub from_millis: Option<i64>,
    pub until_millis: Option<i64>,
}

impl AuditQuery {
    /// Checks the dates; the error names the field.
    pub fn range(&self) -> Result<AuditRange, (&'static str, String)> {
        let day = |field: &'static str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                Ok(None)
            } else {
                parse_date(text)
                    .map(Some)
                    .map_err(|message| (field, message))
            }
        };
        let from_millis = day("from", &self.from)?;
        let until_millis = day("until", &self.until)?.map(|start| start + 86_400_000);
        if let (Some(from), Some(until)) = (from_millis, until_millis) {
            if until <= from {
                return Err(("until", "the end date is before the start date".to_owned()));
            }
        }
        Ok(AuditRange {
            from_millis,
            until_millis,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_until_day_is_included() {
        let query = AuditQuery {
            from: "2026-11-24".into(),
            until: "2026-11-24".into(),
            ..AuditQuery::default()
        };
        let range = query.range().expect("valid");
        assert_eq!(
            range
                .until_millis
                .zip(range.from_millis)
                .map(|(u, f)| u - f),
            Some(86_400_000)
        );
    }

    #[test]
    fn a_bad_date_names_its_field() {
        let query = AuditQuery {
            until: "soon".into(),
            ..AuditQuery::default()
        };
        assert_eq!(query.range().expect_err("invalid").0, "until");
    }
}
