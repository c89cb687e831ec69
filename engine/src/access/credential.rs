//! Random credentials (session ids, API tokens) and the hashes they are stored as.

use std::fmt;

use sha2::{Digest, Sha256};

/// A freshly made secret, shown to its owner once. It deliberately implements neither
/// `Serialize` nor a revealing `Debug`, so it cannot reach a log or a page by accident.
pub struct Credential(String);

impl Credential {
    /// 32 random bytes from the operating system, hex-encoded, after `prefix`.
    pub fn generate(prefix: &str) -> Result<Credential, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Credential(format!("{prefix}{}", hex::encode(bytes))))
    }

    /// The value, for the one place that hands it over (a cookie, the CLI's output).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored instead of the value.
    pub fn hash(&self) -> String {
        hash_credential(&self.0)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(***)")
    }
}

/// sha256 in hex: the stored form of a presented session id or token. The values have 256
/// bits of entropy, so a fast unsalted hash is enough; no password is ever hashed here.
pub fn hash_credential(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}
