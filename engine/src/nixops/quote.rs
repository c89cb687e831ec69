//! Quoting for the POSIX shell that runs a command on the deployer. Values were validated
//! already; quoting makes sure that even a value that slipped past validation is one word.

use super::Command;

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

/// The command as one shell line: `cd DIR && env K=V ... PROGRAM ARGS...`.
pub fn shell_line(command: &Command) -> String {
    let mut words = vec![quote_word(&command.program)];
    words.extend(command.args.iter().map(|arg| quote_word(arg)));
    let env: Vec<String> = command
        .env
        .iter()
        .map(|(key, value)| format!("{key}={}", quote_word(value)))
        .collect();
    let env = if env.is_empty() {
        String::new()
    } else {
        format!("env {} ", env.join(" "))
    };
    format!(
        "cd {} && {env}{}",
        quote_word(&command.cwd),
        words.join(" ")
    )
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
    }

    #[test]
    fn a_command_becomes_one_line_with_its_directory_and_environment() {
        let command = Command {
            program: "nixops".into(),
            args: vec!["info".into(), "-d".into(), "alpha".into()],
            cwd: "/var/lib/nixops/alpha/disciplina-nixops".into(),
            env: vec![("NIXOPS_DEPLOYMENT".into(), "alpha".into())],
        };
        assert_eq!(
            shell_line(&command),
            "cd /var/lib/nixops/alpha/disciplina-nixops && env NIXOPS_DEPLOYMENT=alpha nixops info -d alpha"
        );
    }
}
