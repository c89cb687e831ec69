//! Sealing a provider's access token before it is stored with a session: ChaCha20-Poly1305
//! under a key derived (HKDF-SHA256) from the provider's client secret. A copy of the
//! database alone does not reveal the tokens, and rotating the client secret makes every
//! stored token unreadable, which ends those sessions at their next membership re-check.

use ring::{
    aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN},
    hkdf,
};
use secrecy::{ExposeSecret, SecretString};

/// Seals and opens one provider's tokens.
pub struct TokenSeal {
    key: LessSafeKey,
}

impl std::fmt::Debug for TokenSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSeal(***)")
    }
}

impl TokenSeal {
    /// `purpose` keeps keys of different providers apart even if their secrets were equal.
    pub fn new(secret: &SecretString, purpose: &str) -> TokenSeal {
        let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, b"nixdeck provider token seal v1");
        let prk = salt.extract(secret.expose_secret().as_bytes());
        let info = [purpose.as_bytes()];
        // `expand` fails only for an output longer than 255 hash lengths; 32 bytes is not.
        let okm = prk
            .expand(&info, &CHACHA20_POLY1305)
            .expect("a 32-byte key is a valid HKDF output length");
        TokenSeal {
            key: LessSafeKey::new(UnboundKey::from(okm)),
        }
    }

    /// The token sealed: hex of a random nonce followed by the ciphertext and tag.
    pub fn seal(&self, token: &str) -> Result<String, String> {
        let mut nonce_bytes = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce_bytes).map_err(|e| format!("no randomness available: {e}"))?;
        let mut in_out = token.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce_bytes),
                Aad::empty(),
                &mut in_out,
            )
            .map_err(|_| "sealing failed".to_owned())?;
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend_from_slice(&in_out);
        Ok(hex::encode(sealed))
    }

    /// The token back, or `None` if it was sealed under another key or altered.
    pub fn open(&self, sealed: &str) -> Option<SecretString> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN + aead::CHACHA20_POLY1305.tag_len() {
            return None;
        }
        let (nonce_bytes, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce_bytes).ok()?;
        let mut in_out = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut in_out)
            .ok()?;
        String::from_utf8(plain.to_vec())
            .ok()
            .map(SecretString::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal_with(secret: &str) -> TokenSeal {
        TokenSeal::new(&SecretString::from(secret.to_owned()), "github")
    }

    #[test]
    fn a_sealed_token_opens_with_the_same_secret_only() {
        let seal = seal_with("client-secret");
        let sealed = seal.seal("gho_example").expect("seal");
        assert!(!sealed.contains("gho_example"));
        let opened = seal.open(&sealed).expect("opens");
        assert_eq!(opened.expose_secret(), "gho_example");
        assert!(seal_with("rotated-secret").open(&sealed).is_none());
    }

    #[test]
    fn an_altered_token_does_not_open() {
        let seal = seal_with("client-secret");
        let mut sealed = seal.seal("gho_example").expect("seal").into_bytes();
        let last = sealed.len() - 1;
        sealed[last] = if sealed[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(sealed).expect("hex");
        assert!(seal.open(&altered).is_none());
        assert!(seal.open("not hex").is_none());
        assert!(seal.open("00").is_none());
    }

    #[test]
    fn the_same_token_seals_differently_each_time() {
        let seal = seal_with("client-secret");
        assert_ne!(seal.seal("t").expect("seal"), seal.seal("t").expect("seal"));
    }
}
