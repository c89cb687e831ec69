//! Why an action was refused or failed, in the few kinds every way in (REST, server
//! functions, the command line, webhooks) maps the same way: an HTTP status, an exit code.
//! Compiled into the browser too, so a page reads the same value the server sent.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{cluster::FieldError, text_enum::text_enum};

text_enum! {
    /// The kinds of failure.
    pub enum FailureKind("a kind of failure") {
        /// Nobody is signed in.
        Unauthenticated = "unauthenticated",
        /// The caller's role does not allow the action on what it acts on.
        Forbidden = "forbidden",
        /// What the action names does not exist.
        NotFound = "not_found",
        /// A value broke a rule; `field` names it. Nothing was changed.
        Invalid = "invalid",
        /// The action does not fit what exists (a taken name, a job in the way); `field`
        /// names the value that conflicts, if one does.
        Conflict = "conflict",
        /// Too many requests of this kind from this caller or address just now.
        TooMany = "too_many",
        /// Something nixdeck depends on does not answer; trying again later may work.
        Unavailable = "unavailable",
        /// A service nixdeck calls (AWS) answered with an error or could not be reached.
        Upstream = "upstream",
        /// A service nixdeck calls (AWS) did not answer in time.
        UpstreamTimeout = "upstream_timeout",
        /// Something went wrong inside nixdeck; the details are in its log.
        Internal = "internal",
    }
}

impl FailureKind {
    /// The HTTP status this kind is answered with.
    pub fn http_status(self) -> u16 {
        match self {
            FailureKind::Unauthenticated => 401,
            FailureKind::Forbidden => 403,
            FailureKind::NotFound => 404,
            FailureKind::Conflict => 409,
            FailureKind::Invalid => 422,
            FailureKind::TooMany => 429,
            FailureKind::Internal => 500,
            FailureKind::Upstream => 502,
            FailureKind::Unavailable => 503,
            FailureKind::UpstreamTimeout => 504,
        }
    }

    /// The command line's exit status for this kind (2 is kept for bad configuration).
    pub fn exit_code(self) -> u8 {
        match self {
            FailureKind::Invalid => 3,
            FailureKind::NotFound => 4,
            FailureKind::Conflict => 5,
            FailureKind::Forbidden | FailureKind::Unauthenticated => 6,
            FailureKind::TooMany
            | FailureKind::Unavailable
            | FailureKind::Upstream
            | FailureKind::UpstreamTimeout => 7,
            FailureKind::Internal => 1,
        }
    }
}

/// A refusal or failure, in words for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The message every internal failure shows.
const INTERNAL_MESSAGE: &str = "something went wrong on the server; the details are in its log";

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            field: None,
        }
    }

    pub fn unauthenticated() -> Failure {
        Failure::new(FailureKind::Unauthenticated, "sign in first")
    }

    pub fn forbidden() -> Failure {
        Failure::new(FailureKind::Forbidden, "your role does not allow this")
    }

    pub fn not_found(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::NotFound, message)
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            field: Some(field.into()),
            ..Failure::new(FailureKind::Invalid, message)
        }
    }

    pub fn conflict(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::Conflict, message)
    }

    pub fn conflict_on(field: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            field: Some(field.into()),
            ..Failure::new(FailureKind::Conflict, message)
        }
    }

    pub fn too_many(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::TooMany, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::Unavailable, message)
    }

    pub fn internal() -> Failure {
        Failure::new(FailureKind::Internal, INTERNAL_MESSAGE)
    }
}

impl From<FieldError> for Failure {
    fn from(error: FieldError) -> Failure {
        Failure::invalid(error.field, error.message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.field) {
            (FailureKind::Invalid, Some(field)) => write!(f, "{field}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_status() {
        let statuses: std::collections::BTreeSet<u16> = FailureKind::ALL
            .iter()
            .map(|kind| kind.http_status())
            .collect();
        assert_eq!(statuses.len(), FailureKind::ALL.len());
        assert_eq!(
            Failure::conflict_on("name", "taken").kind.http_status(),
            409
        );
    }

    #[test]
    fn an_invalid_value_names_its_field() {
        assert_eq!(
            Failure::invalid("region", "unknown").to_string(),
            "region: unknown"
        );
    }
}
