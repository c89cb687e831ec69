//! HMAC-SHA256 signatures, as GitHub and Slack sign their webhooks and nixdeck signs its
//! own: the hex of the MAC of a message under a shared secret, checked in constant time.

use ring::hmac;

/// The lowercase hex HMAC-SHA256 of `message` under `secret`.
pub fn sign_hex(secret: &[u8], message: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hex::encode(hmac::sign(&key, message).as_ref())
}

/// Whether `signature_hex` is the HMAC-SHA256 of `message` under `secret`. The comparison
/// takes the same time wherever the first difference is.
pub fn verify_hex(secret: &[u8], message: &[u8], signature_hex: &str) -> bool {
    let Ok(tag) = hex::decode(signature_hex) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::verify(&key, message, &tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn githubs_documented_example_verifies() {
        // GitHub's documentation: secret "It's a Secret to Everybody", payload
        // "Hello, World!".
        let expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(
            sign_hex(b"It's a Secret to Everybody", b"Hello, World!"),
            expected
        );
        assert!(verify_hex(
            b"It's a Secret to Everybody",
            b"Hello, World!",
            expected
        ));
        assert!(!verify_hex(b"another secret", b"Hello, World!", expected));
        assert!(!verify_hex(
            b"It's a Secret to Everybody",
            b"Hello, World?",
            expected
        ));
        assert!(!verify_hex(
            b"It's a Secret to Everybody",
            b"Hello, World!",
            "zz"
        ));
        assert!(!verify_hex(
            b"It's a Secret to Everybody",
            b"Hello, World!",
            ""
        ));
    }
}
