//! Configuration errors: each one line, naming the setting and the problem.

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value is malformed; `setting` names the variable (and the file key, when the value
    /// came from the file).
    #[error("invalid {setting}: {problem}")]
    Invalid { setting: String, problem: String },
    /// The configuration file could not be read or parsed.
    #[error("cannot use configuration file {path}: {problem}")]
    File { path: String, problem: String },
}
