//! The optional `nixdeck.toml`: one string value per setting, under the setting's key.

use std::{collections::HashMap, path::Path};

use super::{settings, ConfigError};

/// The file's values by variable name. Unknown keys and values that are not strings are
/// refused, so a typo is not silently ignored.
#[derive(Debug, Default)]
pub struct FileConfig {
    values: HashMap<&'static str, String>,
}

impl FileConfig {
    pub fn read(path: &Path) -> Result<FileConfig, ConfigError> {
        let failure = |problem: String| ConfigError::File {
            path: path.display().to_string(),
            problem,
        };
        let text = std::fs::read_to_string(path).map_err(|e| failure(e.to_string()))?;
        // toml's messages span several lines with a source excerpt; keep the first line,
        // which says what is wrong, and never echo a value (it may be a secret).
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            failure(
                e.message()
                    .lines()
                    .next()
                    .unwrap_or("not valid TOML")
                    .to_owned(),
            )
        })?;
        let mut values = HashMap::new();
        for (key, value) in table {
            let setting =
                settings::by_key(&key).ok_or_else(|| failure(format!("unknown field `{key}`")))?;
            let toml::Value::String(text) = value else {
                return Err(failure(format!("`{key}` must be a string")));
            };
            values.insert(setting.variable, text);
        }
        Ok(FileConfig { values })
    }

    pub fn get(&self, variable: &str) -> Option<&String> {
        self.values.get(variable)
    }
}
