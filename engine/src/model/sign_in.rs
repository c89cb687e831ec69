//! How people sign in, and why a sign-in is refused: the reasons are codes so the sign-in
//! page can explain them without echoing anything a stranger put in a URL.

use serde::{Deserialize, Serialize};

/// A way to sign in that this nixdeck offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInMethod {
    /// No provider is configured: the single local admin, on a loopback address only.
    Local,
    /// GitHub, for members of `org`.
    GitHub { org: String },
    /// An OpenID Connect provider, named by its issuer's host.
    Oidc { issuer_host: String },
}

/// Why a provider sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The person is not a member of the organisation nixdeck is limited to.
    NotMember,
    /// The `state` was unknown, used already, expired, or started in another browser.
    InvalidState,
    /// The person cancelled at the provider, or the provider refused to authorise.
    Denied,
    /// The provider did not accept the authorization code (or its PKCE verifier).
    CodeRejected,
    /// The ID token failed verification (signature, issuer, audience, expiry or nonce).
    InvalidIdToken,
    /// The provider could not be reached or answered something unusable.
    ProviderUnavailable,
    /// The browser's session is over (signed out, expired, ended by an admin, or its
    /// cookie was not one nixdeck issued).
    SessionEnded,
}

impl Refusal {
    pub const ALL: [Refusal; 7] = [
        Refusal::NotMember,
        Refusal::InvalidState,
        Refusal::Denied,
        Refusal::CodeRejected,
        Refusal::InvalidIdToken,
        Refusal::ProviderUnavailable,
        Refusal::SessionEnded,
    ];

    /// The code carried in the sign-in page's URL and recorded in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotMember => "not_member",
            Refusal::InvalidState => "invalid_state",
            Refusal::Denied => "denied",
            Refusal::CodeRejected => "code_rejected",
            Refusal::InvalidIdToken => "invalid_id_token",
            Refusal::ProviderUnavailable => "provider_unavailable",
            Refusal::SessionEnded => "session_ended",
        }
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The heading above the message.
    pub fn title(self) -> &'static str {
        match self {
            Refusal::SessionEnded => "Signed out",
            _ => "Sign-in refused",
        }
    }

    /// What the person is told.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotMember => {
                "Your account is not a member of the organisation this nixdeck is limited to. \
                 Ask one of its owners to add you, then sign in again."
            }
            Refusal::InvalidState => {
                "This sign-in could not be finished: its link was used already, is more than \
                 ten minutes old, or was started in another browser. Please start again."
            }
            Refusal::Denied => "The sign-in was cancelled at the provider.",
            Refusal::CodeRejected => {
                "The provider did not accept this sign-in's authorization code. Please start again."
            }
            Refusal::InvalidIdToken => {
                "The identity provider's answer failed verification, so nixdeck did not trust it."
            }
            Refusal::ProviderUnavailable => {
                "nixdeck could not reach the sign-in provider. Please try again in a minute."
            }
            Refusal::SessionEnded => {
                "Your session has ended (signed out, expired, or ended by an admin). \
                 Please sign in again."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_code_reads_back() {
        for refusal in Refusal::ALL {
            assert_eq!(Refusal::from_code(refusal.code()), Some(refusal));
        }
        assert_eq!(Refusal::from_code("<script>"), None);
    }
}
