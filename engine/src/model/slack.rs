//! Slack's `/deploy` as a trigger: the command's words, checked before anything acts on
//! them, and the codes that link a Slack user to the nixdeck person they act as.

use super::{
    cluster::validate_cluster_name,
    dependencies::{validate_git_ref, DEPENDENCIES},
};

/// How long a link code may be used.
pub const LINK_CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// The characters of a link code: no two that read alike (0/O, 1/I/L).
pub const LINK_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const LINK_CODE_LENGTH: usize = 8;

/// What `/deploy` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlackCommand {
    Help,
    /// `/deploy status <cluster>`.
    Status {
        cluster: String,
    },
    /// `/deploy link <code>`.
    Link {
        code: String,
    },
    /// `/deploy <cluster> [<dependency>=<ref> ...]`.
    Deploy {
        cluster: String,
        versions: Vec<(String, String)>,
    },
}

/// How `/deploy` is used, as `/deploy help` answers.
pub const USAGE: &str = "Usage:\n\
    • `/deploy <cluster> [<dependency>=<ref> ...]`: deploy the cluster (the dependencies \
      named at those refs, the others at the cluster's)\n\
    • `/deploy status <cluster>`: the cluster's state and its last job\n\
    • `/deploy link <code>`: act as yourself in nixdeck (make the code on your page there)\n\
    • `/deploy help`: this";

/// Reads the words after `/deploy`; the error says what is wrong, in a line for Slack.
pub fn parse_command(text: &str) -> Result<SlackCommand, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [] | ["help"] => Ok(SlackCommand::Help),
        ["status", cluster] => {
            cluster_name(cluster)?;
            Ok(SlackCommand::Status {
                cluster: (*cluster).to_owned(),
            })
        }
        ["status", ..] => Err("`/deploy status` takes one cluster name".to_owned()),
        ["link", code] => {
            let code = code.to_ascii_uppercase();
            let plausible = code.len() == LINK_CODE_LENGTH
                && code.bytes().all(|b| LINK_CODE_ALPHABET.contains(&b));
            if !plausible {
                return Err(format!(
                    "that is not a link code: make one on your page in nixdeck ({LINK_CODE_LENGTH} letters and digits)"
                ));
            }
            Ok(SlackCommand::Link { code })
        }
        ["link", ..] => Err("`/deploy link` takes the code from your page in nixdeck".to_owned()),
        [cluster, pins @ ..] => {
            cluster_name(cluster)?;
            let mut versions = Vec::new();
            for pin in pins {
                let Some((dependency, git_ref)) = pin.split_once('=') else {
                    return Err(format!(
                        "{pin:?} is not <dependency>=<ref> (see `/deploy help`)"
                    ));
                };
                if !DEPENDENCIES.iter().any(|(known, _)| *known == dependency) {
                    return Err(format!(
                        "{dependency:?} is not one of the cluster's dependencies ({})",
                        DEPENDENCIES
                            .iter()
                            .map(|(name, _)| *name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                validate_git_ref(git_ref)?;
                versions.push((dependency.to_owned(), git_ref.to_owned()));
            }
            Ok(SlackCommand::Deploy {
                cluster: (*cluster).to_owned(),
                versions,
            })
        }
    }
}

fn cluster_name(name: &str) -> Result<(), String> {
    validate_cluster_name(name)
        .map_err(|error| format!("{name:?} is not a cluster name: {}", error.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_and_checked() {
        assert_eq!(parse_command(""), Ok(SlackCommand::Help));
        assert_eq!(parse_command("help"), Ok(SlackCommand::Help));
        assert_eq!(
            parse_command("status alpha"),
            Ok(SlackCommand::Status {
                cluster: "alpha".to_owned()
            })
        );
        assert_eq!(
            parse_command("link abcd2345"),
            Ok(SlackCommand::Link {
                code: "ABCD2345".to_owned()
            })
        );
        assert_eq!(
            parse_command("alpha  disciplina=v1.2 disciplina-nixops=3f2a9c1"),
            Ok(SlackCommand::Deploy {
                cluster: "alpha".to_owned(),
                versions: vec![
                    ("disciplina".to_owned(), "v1.2".to_owned()),
                    ("disciplina-nixops".to_owned(), "3f2a9c1".to_owned()),
                ],
            })
        );
        for bad in [
            "alpha;reboot",
            "alpha disciplina=$(reboot)",
            "alpha left-pad=v1",
            "alpha v1.2",
            "status",
            "link 0000",
            "Alpha",
        ] {
            assert!(parse_command(bad).is_err(), "{bad}");
        }
    }
}
