//! The records of a file of families, read one by one from any buffered text: a JSON
//! Lines record is a line; a CSV record is a line, or several when a quoted field holds
//! line breaks. Every record keeps the number of its first line, so that each input
//! record yields exactly one output row that the portal can find again.

use std::collections::VecDeque;
use std::io::BufRead;

/// The longest line read (1 MiB): a longer one is not a file of families
/// (`--entree /dev/zero`), and reading stops there instead of filling the memory.
pub const MAX_LINE: usize = 1 << 20;

/// How many lines a quoted CSV field may span before its quote is taken as unclosed.
const MAX_JOINED: usize = 100;

/// The encoding of a file of families from its first bytes: UTF-8 when it starts with
/// a byte-order mark or is valid UTF-8 (a character cut at the end of `start` still
/// counts when `more` bytes follow), else Windows-1252, what Excel writes.
pub fn detect_encoding(start: &[u8], more: bool) -> &'static encoding_rs::Encoding {
    let utf8 = start.starts_with(&[0xEF, 0xBB, 0xBF])
        || match std::str::from_utf8(start) {
            Ok(_) => true,
            Err(e) => more && e.error_len().is_none(),
        };
    if utf8 {
        encoding_rs::UTF_8
    } else {
        encoding_rs::WINDOWS_1252
    }
}

/// What the next record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A record, appended to the buffer; `line` is its first line.
    Record { line: usize },
    /// A CSV line whose quote is never closed: its own row, with error E122; the lines
    /// after it are read again as records of their own.
    Unclosed { line: usize },
    /// A line that is not text in the file's encoding: its own row, with error E124.
    NotText { line: usize },
    /// A line longer than [`MAX_LINE`]: reading stops.
    TooLong { line: usize },
    /// The end of the input (or an error reading it: `failed` tells).
    End,
}

/// A reader of records.
pub struct Records<R> {
    reader: R,
    /// CSV: a record may span lines inside quotes.
    csv: bool,
    /// Lines read ahead while looking for a closing quote, to be read again.
    pushed_back: VecDeque<(usize, Result<String, ()>)>,
    line: usize,
    bytes: Vec<u8>,
    /// How many bytes were read, for a progress bar.
    pub consumed: u64,
    /// Reading the input failed (not its end).
    pub failed: Option<std::io::Error>,
}

/// One physical line: its text, or `Err` when it is not UTF-8.
type Line = Result<String, ()>;

impl<R: BufRead> Records<R> {
    pub fn new(reader: R, csv: bool) -> Self {
        Records {
            reader,
            csv,
            pushed_back: VecDeque::new(),
            line: 0,
            bytes: Vec::new(),
            consumed: 0,
            failed: None,
        }
    }

    /// Reads the next record and appends its text to `out`.
    pub fn next_into(&mut self, out: &mut String) -> Next {
        let (line, first) = match self.physical() {
            Physical::Line(n, text) => (n, text),
            Physical::TooLong(n) => return Next::TooLong { line: n },
            Physical::End => return Next::End,
        };
        let Ok(first) = first else {
            return Next::NotText { line };
        };
        if !self.csv || quotes_balanced(&first) {
            out.push_str(&first);
            return Next::Record { line };
        }
        // A quoted field goes on: join the next lines until its quote closes.
        let mut joined = first;
        let mut read: Vec<(usize, Line)> = Vec::new();
        let mut open = true;
        while read.len() < MAX_JOINED {
            match self.physical() {
                Physical::Line(n, Ok(text)) => {
                    joined.push('\n');
                    joined.push_str(&text);
                    let balanced = !quotes_balanced(&text);
                    read.push((n, Ok(text)));
                    if balanced {
                        open = false;
                        break;
                    }
                }
                Physical::Line(n, Err(())) => {
                    read.push((n, Err(())));
                    break;
                }
                Physical::TooLong(n) => return Next::TooLong { line: n },
                Physical::End => break,
            }
        }
        if open {
            // Never closed: this line alone is in error, the others are records again.
            for entry in read.into_iter().rev() {
                self.pushed_back.push_front(entry);
            }
            return Next::Unclosed { line };
        }
        out.push_str(&joined);
        Next::Record { line }
    }

    /// The next physical line, without its end of line.
    fn physical(&mut self) -> Physical {
        if let Some((n, text)) = self.pushed_back.pop_front() {
            return Physical::Line(n, text);
        }
        self.bytes.clear();
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = Some(e);
                    return Physical::End;
                }
            };
            if available.is_empty() {
                if self.bytes.is_empty() {
                    return Physical::End;
                }
                break;
            }
            let (taken, done) = match available.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            self.bytes.extend_from_slice(&available[..taken]);
            self.reader.consume(taken);
            self.consumed += taken as u64;
            if self.bytes.len() > MAX_LINE {
                self.line += 1;
                return Physical::TooLong(self.line);
            }
            if done {
                break;
            }
        }
        self.line += 1;
        while self
            .bytes
            .last()
            .is_some_and(|b| *b == b'\n' || *b == b'\r')
        {
            self.bytes.pop();
        }
        let mut text = match std::str::from_utf8(&self.bytes) {
            Ok(text) => text,
            Err(_) => return Physical::Line(self.line, Err(())),
        };
        if self.line == 1 {
            text = text.trim_start_matches('\u{feff}');
        }
        Physical::Line(self.line, Ok(text.to_string()))
    }
}

enum Physical {
    Line(usize, Line),
    TooLong(usize),
    End,
}

/// Whether the quotes of a CSV line are balanced (an escaped quote is written `""`, so
/// a quoted field is open at the end of the line exactly when the count is odd).
fn quotes_balanced(line: &str) -> bool {
    line.bytes().filter(|b| *b == b'"').count() % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, csv: bool) -> Vec<(Next, String)> {
        let mut reader = Records::new(text.as_bytes(), csv);
        let mut out = Vec::new();
        loop {
            let mut buffer = String::new();
            let next = reader.next_into(&mut buffer);
            if next == Next::End {
                return out;
            }
            out.push((next, buffer));
        }
    }

    #[test]
    fn a_quoted_line_break_stays_in_its_record() {
        let found = records("id;note\n1;\"deux\nlignes\"\n2;x\r\n", true);
        assert_eq!(
            found,
            vec![
                (Next::Record { line: 1 }, "id;note".to_string()),
                (Next::Record { line: 2 }, "1;\"deux\nlignes\"".to_string()),
                (Next::Record { line: 4 }, "2;x".to_string()),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_loses_only_its_line() {
        let found = records("1;\"a\n2;b\n3;c\n", true);
        assert_eq!(found[0], (Next::Unclosed { line: 1 }, String::new()));
        assert_eq!(found[1], (Next::Record { line: 2 }, "2;b".to_string()));
        assert_eq!(found[2], (Next::Record { line: 3 }, "3;c".to_string()));
    }

    #[test]
    fn a_line_without_end_is_reported_not_read() {
        let long = "0".repeat(MAX_LINE + 10);
        let found = records(&long, false);
        assert_eq!(found, vec![(Next::TooLong { line: 1 }, String::new())]);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_their_own_row() {
        let mut reader = Records::new(&b"a\n\xe9t\xe9\nb\n"[..], false);
        let mut buffer = String::new();
        assert_eq!(reader.next_into(&mut buffer), Next::Record { line: 1 });
        assert_eq!(reader.next_into(&mut buffer), Next::NotText { line: 2 });
        assert_eq!(reader.next_into(&mut buffer), Next::Record { line: 3 });
    }
}
