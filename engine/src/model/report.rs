//! The reports nixdeck's read-only probe scripts print: sections, each opened by a line
//! `@@ NAME` and holding the output of one command (empty when the command failed).

/// A report cut into its sections.
#[derive(Debug, Default)]
pub struct Sections<'a> {
    sections: Vec<(&'a str, Vec<&'a str>)>,
}

impl<'a> Sections<'a> {
    pub fn parse(report: &'a str) -> Sections<'a> {
        let mut sections: Vec<(&str, Vec<&str>)> = Vec::new();
        for line in report.lines() {
            if let Some(name) = line.strip_prefix("@@ ") {
                sections.push((name.trim(), Vec::new()));
            } else if let Some((_, lines)) = sections.last_mut() {
                lines.push(line);
            }
        }
        Sections { sections }
    }

    /// The non-blank lines of the section `name` (nothing if it is missing).
    pub fn lines<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.sections
            .iter()
            .filter(move |(section, _)| *section == name)
            .flat_map(|(_, lines)| lines.iter().copied())
            .filter(|line| !line.trim().is_empty())
    }

    /// The first non-blank line of the section `name`, trimmed.
    pub fn first(&self, name: &str) -> Option<&'a str> {
        self.lines(name).next().map(str::trim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_hold_their_lines() {
        let sections = Sections::parse("before\n@@ a\n\n one\ntwo\n@@ b\n@@ a\nthree\n");
        assert_eq!(
            sections.lines("a").collect::<Vec<_>>(),
            [" one", "two", "three"]
        );
        assert_eq!(sections.first("a"), Some("one"));
        assert_eq!(sections.first("b"), None);
        assert_eq!(sections.first("before"), None);
    }
}
