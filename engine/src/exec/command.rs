//! One command as it is run on a host: program, arguments, working directory and extra
//! environment, kept apart until the last moment so that no value is ever re-parsed from
//! a string. `display` is how a command is shown in a job's log (every word quoted, any
//! credentials in URLs hidden).

use super::quote::{quote_word, redact_url_credentials};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub program: String,
    pub args: Vec<String>,
    pub cwd: String,
    /// Extra environment variables, by name; names are `[A-Z_][A-Z0-9_]*`.
    pub env: Vec<(String, String)>,
}

impl Command {
    /// `cd DIR && env K=V ... PROGRAM ARGS...`, every word quoted: what a person would type
    /// to run the same command by hand.
    pub fn display(&self) -> String {
        let mut words = vec![format!("cd {} &&", quote_word(&self.cwd))];
        if !self.env.is_empty() {
            words.push("env".to_owned());
            words.extend(
                self.env
                    .iter()
                    .map(|(key, value)| format!("{key}={}", quote_word(value))),
            );
        }
        words.push(quote_word(&self.program));
        words.extend(self.args.iter().map(|arg| quote_word(arg)));
        words
            .iter()
            .map(|word| redact_url_credentials(word))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The environment as `K=V` words, checked: a name outside `[A-Z_][A-Z0-9_]*` would be
    /// read by `env` as the program.
    pub(crate) fn env_words(&self) -> Result<Vec<String>, String> {
        self.env
            .iter()
            .map(|(key, value)| {
                let valid = key.bytes().enumerate().all(|(i, b)| {
                    b.is_ascii_uppercase() || b == b'_' || (i > 0 && b.is_ascii_digit())
                });
                if valid && !key.is_empty() {
                    Ok(format!("{key}={value}"))
                } else {
                    Err(format!("{key:?} is not an environment variable name"))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> Command {
        Command {
            program: "nixops".to_owned(),
            args: vec!["info".to_owned(), "-d".to_owned(), "alpha".to_owned()],
            cwd: "/var/lib/nixops/alpha/disciplina-nixops".to_owned(),
            env: vec![("NIXOPS_DEPLOYMENT".to_owned(), "alpha".to_owned())],
        }
    }

    #[test]
    fn a_command_is_shown_as_one_quoted_line() {
        assert_eq!(
            info().display(),
            "cd /var/lib/nixops/alpha/disciplina-nixops && env NIXOPS_DEPLOYMENT=alpha nixops info -d alpha"
        );
    }

    #[test]
    fn credentials_never_show() {
        let mut command = info();
        command.args = vec!["https://bot:token@example.com/r.git".to_owned()];
        assert!(
            !command.display().contains("token"),
            "{}",
            command.display()
        );
    }

    #[test]
    fn only_plain_variable_names_are_passed() {
        let mut command = info();
        assert_eq!(
            command.env_words(),
            Ok(vec!["NIXOPS_DEPLOYMENT=alpha".to_owned()])
        );
        command.env = vec![("a=b".to_owned(), "x".to_owned())];
        assert!(command.env_words().is_err());
    }
}
