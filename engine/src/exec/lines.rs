//! Cutting a command's output into lines as it arrives, keeping count of the bytes each line
//! ends at (so a reader that re-attaches continues exactly after the last line stored), and
//! turning bytes into text that any database stores: invalid UTF-8 and NUL bytes are made
//! visible as `\xNN` rather than dropped or refused.

use std::fmt::Write as _;

/// Lines longer than this are cut (a runaway line must not grow without bound).
const MAX_LINE: usize = 64 * 1024;

/// One complete line and the offset, in bytes from the start of its stream, just after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitLine {
    pub text: String,
    pub end_offset: u64,
}

/// Collects bytes and hands out complete lines, without their `\n` (or `\r\n`).
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
    /// The offset of the first pending byte.
    pending_start: u64,
}

impl LineSplitter {
    /// A splitter for a stream read from `offset` on.
    pub fn starting_at(offset: u64) -> LineSplitter {
        LineSplitter {
            pending: Vec::new(),
            pending_start: offset,
        }
    }

    /// Adds `bytes` and returns the lines they completed.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SplitLine> {
        let mut lines = Vec::new();
        for &byte in bytes {
            if byte == b'\n' {
                let line = self.take(1);
                lines.push(line);
            } else {
                self.pending.push(byte);
                if self.pending.len() >= MAX_LINE {
                    let line = self.take(0);
                    lines.push(line);
                }
            }
        }
        lines
    }

    /// The last, unterminated line, if any (the stream has ended).
    pub fn finish(&mut self) -> Option<SplitLine> {
        (!self.pending.is_empty()).then(|| self.take(0))
    }

    /// The offset just after the last line handed out (each line carries its own; tests
    /// check the two agree).
    #[cfg(test)]
    fn offset(&self) -> u64 {
        self.pending_start
    }

    fn take(&mut self, terminator: u64) -> SplitLine {
        let mut line = std::mem::take(&mut self.pending);
        let consumed = line.len() as u64 + terminator;
        self.pending_start += consumed;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        SplitLine {
            text: visible_text(&line),
            end_offset: self.pending_start,
        }
    }
}

/// The bytes as text: valid UTF-8 as it is, each NUL byte and each byte that is not part
/// of valid UTF-8 as `\xNN`, so nothing is lost and every database accepts the result.
pub fn visible_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for part in chunk.valid().split('\0') {
            text.push_str(part);
            text.push_str("\\x00");
        }
        // `split` yields one more part than there are NULs: take back the last escape.
        text.truncate(text.len() - "\\x00".len());
        for byte in chunk.invalid() {
            let _ = write!(text, "\\x{byte:02x}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: Vec<SplitLine>) -> Vec<String> {
        lines.into_iter().map(|line| line.text).collect()
    }

    #[test]
    fn lines_are_cut_at_newlines_across_chunks() {
        let mut splitter = LineSplitter::default();
        assert_eq!(texts(splitter.push(b"one\ntw")), ["one"]);
        assert_eq!(texts(splitter.push(b"o\r\nthree")), ["two"]);
        assert_eq!(splitter.finish().map(|l| l.text).as_deref(), Some("three"));
        assert_eq!(splitter.finish(), None);
        assert_eq!(texts(splitter.push(b"\n\n")), ["", ""]);
    }

    #[test]
    fn each_line_knows_the_offset_it_ends_at() {
        let mut splitter = LineSplitter::starting_at(100);
        let lines = splitter.push(b"ab\ncd\r\nef");
        assert_eq!(
            lines.iter().map(|l| l.end_offset).collect::<Vec<_>>(),
            [103, 107]
        );
        assert_eq!(splitter.offset(), 107);
        assert_eq!(splitter.finish().map(|l| l.end_offset), Some(109));
    }

    #[test]
    fn invalid_utf8_and_nul_bytes_are_made_visible() {
        assert_eq!(visible_text(b"a\xffb"), "a\\xffb");
        assert_eq!(visible_text(b"a\0b\0"), "a\\x00b\\x00");
        assert_eq!(visible_text("grüße".as_bytes()), "grüße");
        assert_eq!(visible_text(b"\xe2\x82"), "\\xe2\\x82");
        assert_eq!(visible_text(b""), "");
    }

    #[test]
    fn runaway_lines_are_cut_without_losing_bytes() {
        let mut splitter = LineSplitter::default();
        let long = vec![b'x'; MAX_LINE + 10];
        let lines = splitter.push(&long);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text.len(), MAX_LINE);
        assert_eq!(lines[0].end_offset, MAX_LINE as u64);
        assert_eq!(splitter.finish().map(|l| l.text.len()), Some(10));
    }
}
