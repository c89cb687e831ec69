//! Percent-encoding of query-string values, for links built on either side.

/// Encodes everything but RFC 3986's unreserved characters (and `/` when `keep_slash`, for
/// readable paths in `next=` parameters).
pub fn encode_query_value(value: &str, keep_slash: bool) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            b'/' if keep_slash => "/".to_owned(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(
            encode_query_value("a b&c=d/é", false),
            "a%20b%26c%3Dd%2F%C3%A9"
        );
        assert_eq!(
            encode_query_value("/clusters?x=1", true),
            "/clusters%3Fx%3D1"
        );
    }
}
