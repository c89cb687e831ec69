//! The colour theme a person chose. `System` follows the operating system's light or dark
//! setting; the other two override it.

use serde::{Deserialize, Serialize};

/// The theme preference, stored in a cookie so the server renders the right one first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// The name of the cookie that carries the preference.
    pub const COOKIE: &'static str = "nixdeck_theme";

    /// The value written into the cookie and the `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads a stored value; anything unknown means "follow the system", so a stale or
    /// tampered cookie can never break the page.
    pub fn parse(value: &str) -> Theme {
        match value.trim() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The next theme in the toggle's cycle: system, light, dark, system...
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    /// Finds the preference in a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Theme {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == Self::COOKIE)
            .map(|(_, value)| Theme::parse(value))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toggle_cycles_through_all_three_themes() {
        assert_eq!(Theme::System.next(), Theme::Light);
        assert_eq!(Theme::Light.next(), Theme::Dark);
        assert_eq!(Theme::Dark.next(), Theme::System);
    }

    #[test]
    fn a_cookie_header_yields_the_stored_theme() {
        assert_eq!(
            Theme::from_cookie_header("a=1; nixdeck_theme=dark; b=2"),
            Theme::Dark
        );
        assert_eq!(Theme::from_cookie_header("a=1"), Theme::System);
    }

    #[test]
    fn an_unknown_value_falls_back_to_the_system_setting() {
        assert_eq!(Theme::parse("<script>"), Theme::System);
        assert_eq!(Theme::parse(""), Theme::System);
    }
}
