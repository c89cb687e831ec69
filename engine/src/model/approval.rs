//! The two-person rule for production: a deploy, stop or destroy of a production cluster,
//! whatever asked for it, waits until another admin approves it. These are the rule, its
//! settings and what pages and the API show of an approval.

use serde::{Deserialize, Serialize};

use super::{access::Environment, job::JobKind};

/// How long a job waits for approval unless configured otherwise: a day.
pub const DEFAULT_APPROVAL_TTL_SECONDS: u64 = 24 * 3600;
/// The longest comment an approval or a rejection may carry.
pub const MAX_COMMENT: usize = 1000;

/// Whether production jobs need a second person, and how long they wait for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalPolicy {
    /// `false` for a team of one (`NIXDECK_PRODUCTION_APPROVALS=off`).
    pub required: bool,
    /// How long a job waits before it expires, in milliseconds.
    pub ttl_ms: i64,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            required: true,
            ttl_ms: (DEFAULT_APPROVAL_TTL_SECONDS * 1000) as i64,
        }
    }
}

impl ApprovalPolicy {
    /// Whether a job of `kind` on a cluster of `env` waits for another admin: the jobs that
    /// change a production cluster's machines (a deploy, a create, a stop, a destroy).
    pub fn requires(&self, kind: JobKind, env: Environment) -> bool {
        self.required
            && env == Environment::Production
            && matches!(
                kind,
                JobKind::Create | JobKind::Deploy | JobKind::Stop | JobKind::Destroy
            )
    }
}

/// The approval a job needed, as shown: until when it may be given, and who decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalView {
    /// When the job expires if nobody decides.
    pub expires_at: i64,
    /// Who approved or rejected it.
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// What they said.
    pub comment: Option<String>,
}

/// A comment on an approval or rejection: optional, at most `MAX_COMMENT` characters, one
/// paragraph of text (no control characters but line breaks). Blank is none.
pub fn validate_comment(comment: Option<&str>) -> Result<Option<String>, String> {
    let Some(comment) = comment.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    if comment.chars().count() > MAX_COMMENT {
        return Err(format!("a comment is at most {MAX_COMMENT} characters"));
    }
    if comment.chars().any(|c| c.is_control() && c != '\n') {
        return Err("a comment cannot hold control characters".to_owned());
    }
    Ok(Some(comment.to_owned()))
}

/// A duration setting: a number of seconds, or a number with `s`, `m`, `h` or `d`.
pub fn parse_duration_seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((at, unit @ ('s' | 'm' | 'h' | 'd'))) => (&text[..at], unit),
        _ => (text, 's'),
    };
    let number: u64 = number.parse().ok()?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        _ => 86_400,
    };
    number.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_production_changes_wait_for_a_second_person() {
        let policy = ApprovalPolicy::default();
        for kind in [
            JobKind::Create,
            JobKind::Deploy,
            JobKind::Stop,
            JobKind::Destroy,
        ] {
            assert!(policy.requires(kind, Environment::Production), "{kind}");
            assert!(!policy.requires(kind, Environment::Staging), "{kind}");
        }
        for kind in [JobKind::Preview, JobKind::Info, JobKind::Start] {
            assert!(!policy.requires(kind, Environment::Production), "{kind}");
        }
        let off = ApprovalPolicy {
            required: false,
            ..policy
        };
        assert!(!off.requires(JobKind::Deploy, Environment::Production));
    }

    #[test]
    fn comments_are_short_plain_text() {
        assert_eq!(validate_comment(None), Ok(None));
        assert_eq!(validate_comment(Some("  ")), Ok(None));
        assert_eq!(
            validate_comment(Some(" ship it\nafter lunch ")),
            Ok(Some("ship it\nafter lunch".to_owned()))
        );
        assert!(validate_comment(Some(&"x".repeat(MAX_COMMENT + 1))).is_err());
        assert!(validate_comment(Some("a\u{1b}[31m")).is_err());
    }

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(parse_duration_seconds("90"), Some(90));
        assert_eq!(parse_duration_seconds("30s"), Some(30));
        assert_eq!(parse_duration_seconds("15m"), Some(900));
        assert_eq!(parse_duration_seconds("24h"), Some(86_400));
        assert_eq!(parse_duration_seconds("2d"), Some(172_800));
        for bad in ["", "h", "1.5h", "-1", "1w", "1 h"] {
            assert_eq!(parse_duration_seconds(bad), None, "{bad}");
        }
    }
}
