//! Quoting for the POSIX shell that reads a command line on a host. Values were validated
//! already; quoting makes sure that even a value that slipped past validation stays one
//! word.

/// `word` as a single shell word: bare when it only holds characters no shell interprets,
/// otherwise in single quotes (with any single quote written as `'\''`).
pub fn quote_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The words as one shell line, each quoted.
pub fn quote_words<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|word| quote_word(word.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A URL with any password (or token) in it replaced by `***`, for showing where a value
/// may carry credentials (`https://user:token@host/...`). Text that is not such a URL is
/// returned unchanged.
pub fn redact_url_credentials(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    // Host names hold no '@', so the last one before the path ends the user information,
    // even when a password itself contains '/', '?', '#' or '@'.
    let Some(at) = rest.rfind('@') else {
        return text.to_owned();
    };
    let (userinfo, host_and_path) = rest.split_at(at);
    match userinfo.split_once(':') {
        Some((user, _secret)) => format!("{scheme}://{user}:***{host_and_path}"),
        None if !userinfo.is_empty() && !userinfo.contains('/') => {
            // `https://TOKEN@github.com/...` carries the token as the user name.
            format!("{scheme}://***{host_and_path}")
        }
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_bare_and_the_rest_is_quoted() {
        assert_eq!(
            quote_word("deployments/cluster.nix"),
            "deployments/cluster.nix"
        );
        assert_eq!(quote_word("a b"), "'a b'");
        assert_eq!(quote_word(""), "''");
        assert_eq!(quote_word("$(id)"), "'$(id)'");
        assert_eq!(quote_word("it's"), r"'it'\''s'");
        assert_eq!(quote_words(&["a b", "c"]), "'a b' c");
    }

    #[test]
    fn credentials_in_urls_are_hidden_whatever_they_contain() {
        assert_eq!(
            redact_url_credentials("https://bot:s3cr/t?x#y@github.com/o/r.git"),
            "https://bot:***@github.com/o/r.git"
        );
        assert_eq!(
            redact_url_credentials("https://ghp_token@github.com/o/r.git"),
            "https://***@github.com/o/r.git"
        );
        assert_eq!(
            redact_url_credentials("https://github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            redact_url_credentials("git@github.com:o/r"),
            "git@github.com:o/r"
        );
        assert_eq!(redact_url_credentials("plain"), "plain");
    }
}
