//! ANSI colour codes in log lines (NixOps colours machine names and results), turned into
//! styled segments a page can show. Only SGR sequences (`ESC [ ... m`) style text; any other
//! escape sequence is dropped, so a log line can never move a cursor or retitle a window.

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// 0–7 for the normal colours, 8–15 for the bright ones.
    pub colour: Option<u8>,
    pub bold: bool,
}

/// The line's text without any escape sequence (for search, copy and plain downloads).
pub fn strip(line: &str) -> String {
    segments(line)
        .into_iter()
        .map(|segment| segment.text)
        .collect()
}

/// Splits a line into styled segments.
pub fn segments(line: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut colour = None;
    let mut bold = false;
    let mut text = String::new();
    let mut chars = line.chars().peekable();
    let flush = |text: &mut String, out: &mut Vec<Segment>, colour, bold| {
        if !text.is_empty() {
            out.push(Segment {
                text: std::mem::take(text),
                colour,
                bold,
            });
        }
    };
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            if !c.is_control() || c == '\t' {
                text.push(c);
            }
            continue;
        }
        if chars.peek() != Some(&'[') {
            // A lone escape or another kind of sequence: drop the escape and its next char.
            chars.next();
            continue;
        }
        chars.next();
        let mut params = String::new();
        let mut last = None;
        for p in chars.by_ref() {
            if p.is_ascii_digit() || p == ';' {
                params.push(p);
            } else {
                last = Some(p);
                break;
            }
        }
        if last != Some('m') {
            continue;
        }
        flush(&mut text, &mut out, colour, bold);
        let codes: Vec<u16> = if params.is_empty() {
            vec![0]
        } else {
            params.split(';').map(|p| p.parse().unwrap_or(0)).collect()
        };
        for code in codes {
            match code {
                0 => {
                    colour = None;
                    bold = false;
                }
                1 => bold = true,
                22 => bold = false,
                30..=37 => colour = u8::try_from(code - 30).ok(),
                90..=97 => colour = u8::try_from(code - 90 + 8).ok(),
                39 => colour = None,
                _ => {}
            }
        }
    }
    flush(&mut text, &mut out, colour, bold);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_bold_become_segments() {
        let line = "\u{1b}[1;32mdeployer\u{1b}[0m> copying closure...";
        assert_eq!(
            segments(line),
            [
                Segment {
                    text: "deployer".into(),
                    colour: Some(2),
                    bold: true
                },
                Segment {
                    text: "> copying closure...".into(),
                    colour: None,
                    bold: false
                },
            ]
        );
        assert_eq!(strip(line), "deployer> copying closure...");
        assert_eq!(segments("\u{1b}[93mwarning\u{1b}[39m")[0].colour, Some(11));
    }

    #[test]
    fn other_escapes_and_controls_are_dropped() {
        assert_eq!(
            strip("a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{8}d"),
            "ab0;titlecd"
        );
        assert_eq!(strip("plain"), "plain");
        assert!(segments("").is_empty());
    }
}
