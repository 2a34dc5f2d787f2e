//! The days of a month's batch: the rows of a CSV by family, read where each family is
//! invoiced, or the file read whole when it cannot be cut at its line ends.

use std::collections::HashMap;

use rayon::prelude::*;

use chrono_tz::Tz;

use super::days::{DaysRead, Field, Header, csv_row, read_in, read_piece};

/// A row of a CSV of days, not read yet: its line and its place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub(crate) line: usize,
    start: usize,
    end: usize,
}

/// The rows of a CSV of days by family, not read yet: a batch reads a family's rows on
/// the core that invoices it, and drops them with its invoice. Read whole, the days of
/// 10 000 families took some 50 MB at once, and the kernel's zeroing of those fresh
/// pages was a quarter of the batch's time (measured with `perf`).
#[derive(Debug)]
pub struct DayRows<'t> {
    text: &'t str,
    header: Header,
    /// The commune's time, of an instant given with its offset.
    zone: Tz,
    /// What the header line gives: the columns ignored (warnings).
    pub head: DaysRead,
    /// The rows by the family their column gives (trimmed, as written; empty for a row
    /// without one), each family's in the order of the file.
    pub(crate) families: HashMap<&'t str, Vec<Row>>,
}

/// The days of a month's batch: rows by family, or read whole when the file cannot be
/// cut at its line ends.
#[derive(Debug)]
pub enum MonthDays<'t> {
    /// JSON Lines, a CSV with quotes (a row may go on over lines) or without a column of
    /// families: every day read at once.
    Read(DaysRead),
    Rows(DayRows<'t>),
}

impl<'t> MonthDays<'t> {
    /// The days of `text`, a file of days of several families, its instants given with
    /// an offset read at the time of `zone` (the commune's, [`super::days::zone`]).
    pub fn of(text: &'t str, zone: Tz) -> MonthDays<'t> {
        match DayRows::index(text, zone) {
            Some(rows) => MonthDays::Rows(rows),
            None => MonthDays::Read(read_in(text, zone)),
        }
    }

    /// What the file says of itself: its header's errors and the columns ignored.
    pub(crate) fn head(&self) -> &DaysRead {
        match self {
            MonthDays::Read(read) => read,
            MonthDays::Rows(rows) => &rows.head,
        }
    }
}

impl<'t> DayRows<'t> {
    /// The rows of a CSV whose every line end ends a row (no quote) and whose header
    /// names the family; else `None` (read it whole). Cut at line ends and indexed on
    /// every core.
    pub(crate) fn index(text: &'t str, zone: Tz) -> Option<DayRows<'t>> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim_start().starts_with('{') || text.contains('"') {
            return None;
        }
        // The header first (up to its line), then the rows.
        let mut start = 0;
        while start < text.len() {
            let next = text[start..]
                .find('\n')
                .map_or(text.len(), |i| start + i + 1);
            let blank = text[start..next].trim().is_empty();
            start = next;
            if !blank {
                break;
            }
        }
        let (head, header) = read_piece(&text[..start], false, zone);
        let header = header?;
        let family_at = header.2.iter().position(|k| *k == Some(Field::Family))?;
        let before = text[..start].bytes().filter(|b| *b == b'\n').count();
        let pieces = rayon::current_num_threads().max(1);
        let mut cuts = vec![start];
        for k in 1..pieces {
            let at = start + (text.len() - start) * k / pieces;
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            if end > *cuts.last().unwrap_or(&0) && end < text.len() {
                cuts.push(end);
            }
        }
        cuts.push(text.len());
        let separator = char::from(header.0);
        let pieces: Vec<HashMap<&str, Vec<Row>>> = cuts
            .windows(2)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|cut| {
                let first =
                    before + text[start..cut[0]].bytes().filter(|b| *b == b'\n').count() + 1;
                let mut at = cut[0];
                let mut families: HashMap<&str, Vec<Row>> = HashMap::new();
                for (line, raw) in (first..).zip(text[cut[0]..cut[1]].split_inclusive('\n')) {
                    let row_start = at;
                    at += raw.len();
                    let body = raw.trim_end_matches(['\n', '\r']);
                    // A line too long stops a reading: it is read whole, as it says.
                    if body.len() > crate::inputs::records::MAX_LINE {
                        return None;
                    }
                    if body.trim().is_empty() {
                        continue;
                    }
                    let family = body
                        .split(separator)
                        .nth(family_at)
                        .map_or("", crate::inputs::trimmed);
                    families.entry(family).or_default().push(Row {
                        line,
                        start: row_start,
                        end: row_start + body.len(),
                    });
                }
                Some(families)
            })
            .collect::<Option<Vec<_>>>()?;
        let mut pieces = pieces.into_iter();
        let mut families = pieces.next().unwrap_or_default();
        for piece in pieces {
            for (family, rows) in piece {
                families.entry(family).or_default().extend(rows);
            }
        }
        Some(DayRows {
            text,
            header,
            zone,
            head,
            families,
        })
    }

    /// The days of `rows` (rows of this file), and their errors.
    pub(crate) fn read(&self, lists: &[&[Row]]) -> DaysRead {
        let mut read = DaysRead::default();
        read.days.reserve(lists.iter().map(|rows| rows.len()).sum());
        for row in lists.iter().flat_map(|rows| rows.iter()) {
            csv_row(
                &self.text[row.start..row.end],
                row.line,
                &self.header,
                self.zone,
                &mut read,
            );
        }
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARIS: Tz = chrono_tz::Europe::Paris;

    #[test]
    fn a_files_rows_by_family_read_one_family_at_a_time_are_the_file_read_at_once() {
        // Over 1 MiB (cut on both cores), with blank lines first and between, rows in
        // error here and there (a wrong date, a field too many, no family) and an
        // unknown column: every day, error and line as one reading gives.
        let mut text = String::from("\n\ndate;famille;état;couleur\r\n");
        for i in 0..40_000 {
            let day = if i % 997 == 0 {
                "32/10/2025".to_string()
            } else {
                format!("{:02}/10/2025", i % 28 + 1)
            };
            let family = if i % 1999 == 0 {
                String::new()
            } else {
                format!(" F{} ", i % 3000)
            };
            let more = if i % 1501 == 0 { ";en trop" } else { "" };
            text.push_str(&format!("{day};{family};présent;bleu{more}\r\n"));
            if i % 5000 == 0 {
                text.push('\n');
            }
        }
        assert!(text.len() > 1 << 20);
        let whole = super::super::days::read(&text);
        let rows = DayRows::index(&text, PARIS).expect("a CSV with a column of families");
        assert_eq!(rows.head.ignored, whole.ignored);
        let mut days = Vec::new();
        let mut errors = Vec::new();
        let mut refused = Vec::new();
        for (family, list) in &rows.families {
            assert!(!family.starts_with(' ') && !family.ends_with(' '));
            let read = rows.read(&[list]);
            assert!(
                read.days
                    .iter()
                    .all(|d| d.family.as_deref().unwrap_or("") == *family)
            );
            days.extend(read.days);
            errors.extend(read.errors);
            refused.extend(read.refused_families);
        }
        days.sort_by_key(|d| d.line);
        errors.sort_by_key(|e| e.line);
        refused.sort();
        assert_eq!(days, whole.days);
        assert_eq!(errors, whole.errors);
        assert_eq!(refused, whole.refused_families);
        assert_eq!(whole.days.len() + whole.errors.len(), 40_000);
        // Read whole: JSON Lines, quotes, or no column of families.
        assert!(DayRows::index("{\"date\":\"01/10/2025\"}\n", PARIS).is_none());
        assert!(DayRows::index("date;famille;motif\n01/10/2025;F1;\"a;b\"\n", PARIS).is_none());
        assert!(DayRows::index("date;état\n01/10/2025;présent\n", PARIS).is_none());
    }
}
