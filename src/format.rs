//! `tarif fmt`: one layout for every deliberation, as a careful person would lay it out.
//!
//! - Section heads (`délibération`, `entrées`, `article`, `exemple`) at the margin,
//!   what they hold indented by two spaces, the rows of a grid and the lines that go on
//!   with a statement (`si … alors`, `sinon …`) by four.
//! - The pipes of a grid aligned: each column as wide as its widest cell, the amounts
//!   of a column of amounts aligned on their comma.
//! - Tabs of the margin, spaces at the end of lines, blank lines at the end of the file
//!   removed; comments and blank lines kept where they are; everything else of a line
//!   (labels, titles, the spacing inside a statement) left as written.
//!
//! The layout keeps every line where it is: the lines the justifications cite do not
//! move. It is checked, not trusted: the formatted text is compiled again, and unless
//! its document is the same as the original's (apart from the empreinte and the byte
//! positions, which follow the text), the file is left as it is. A file with errors is
//! not formatted.

use crate::diagnostic::Diagnostic;
use crate::syntax::lines::{statements, strip_comment};

/// Why a text was not formatted.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError {
    /// The text has errors: formatting waits for them to be fixed.
    Errors(Vec<Diagnostic>),
    /// The layout would change what the text says (a fault of the formatter): the
    /// first line where the compiled documents differ, if known.
    WouldChangeMeaning,
}

/// The text laid out; the same text when it already is.
pub fn format(source: &str) -> Result<String, FormatError> {
    let compiled = crate::compile(source);
    if compiled.has_errors() {
        let errors = compiled
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        return Err(FormatError::Errors(errors));
    }
    let formatted = layout(source);
    if formatted == source {
        return Ok(formatted);
    }
    if same_meaning(source, &formatted) {
        Ok(formatted)
    } else {
        Err(FormatError::WouldChangeMeaning)
    }
}

/// Whether two texts say the same: the same compiled deliberation and the same
/// diagnostics (code, message, aide, the line of each place they point at), apart
/// from the empreinte and the byte positions, which follow the text.
pub fn same_meaning(a: &str, b: &str) -> bool {
    meaning(a) == meaning(b)
}

fn meaning(text: &str) -> serde_json::Value {
    let compiled = crate::compile(text);
    let mut deliberation = serde_json::to_value(&compiled.deliberation).unwrap_or_default();
    drop_spans(&mut deliberation);
    let lines = crate::LineIndex::new(text);
    let diagnostics: Vec<serde_json::Value> = compiled
        .diagnostics
        .iter()
        .map(|d| {
            let places: Vec<(usize, &str)> = d
                .labels
                .iter()
                .map(|l| (lines.line(l.span.start), l.message.as_str()))
                .collect();
            serde_json::json!([d.code.as_str(), d.message, d.help, d.notes, places])
        })
        .collect();
    serde_json::json!({ "deliberation": deliberation, "diagnostics": diagnostics })
}

fn drop_spans(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.shift_remove("span");
            map.values_mut().for_each(drop_spans);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_spans),
        _ => {}
    }
}

/// What a line of the file is, for its margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Blank,
    /// A comment, at the margin of the line it comes before.
    Comment(usize),
    Head,
    Statement,
    /// A line that goes on with the statement above it.
    Continued,
    /// A row of a grid between pipes.
    Row,
}

impl Role {
    /// The margin, in levels of two spaces.
    fn level(self) -> usize {
        match self {
            Role::Blank | Role::Head => 0,
            Role::Comment(level) => level,
            Role::Statement => 1,
            Role::Continued | Role::Row => 2,
        }
    }
}

/// The layout of `source`, line for line.
fn layout(source: &str) -> String {
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let lines: Vec<&str> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let roles = roles(source, &lines);
    let mut out: Vec<String> = lines
        .iter()
        .zip(&roles)
        .map(|(line, role)| match role {
            Role::Blank => String::new(),
            _ => format!("{}{}", "  ".repeat(role.level()), line.trim()),
        })
        .collect();
    // The rows of each grid, aligned together.
    let mut start = 0;
    while start < lines.len() {
        if roles[start] != Role::Row {
            start += 1;
            continue;
        }
        let end = (start..lines.len())
            .find(|&i| roles[i] != Role::Row)
            .unwrap_or(lines.len());
        let rows: Vec<&str> = lines[start..end].iter().map(|l| l.trim()).collect();
        for (slot, row) in out[start..end].iter_mut().zip(grid(&rows)) {
            *slot = format!("    {row}");
        }
        start = end;
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// The role of each line: from the statements of the file (a statement may go on over
/// several lines), and for a comment, the margin of the statement it introduces.
fn roles(source: &str, lines: &[&str]) -> Vec<Role> {
    let index = crate::LineIndex::new(source);
    // From 0, as `lines` is.
    let line_of = |byte: usize| index.line(byte).saturating_sub(1);
    let mut roles: Vec<Role> = lines
        .iter()
        .map(|l| match strip_comment(l).trim().is_empty() {
            true if l.trim().is_empty() => Role::Blank,
            true => Role::Comment(0),
            false => Role::Statement,
        })
        .collect();
    for statement in statements(source) {
        let first = line_of(statement.span.start);
        let last = line_of(statement.span.end.saturating_sub(1));
        let code = strip_comment(statement.text.lines().next().unwrap_or("")).trim();
        let role = if code.starts_with('|') {
            Role::Row
        } else if crate::syntax::is_section_head(statement.text) {
            Role::Head
        } else {
            Role::Statement
        };
        if let Some(slot) = roles.get_mut(first) {
            *slot = role;
        }
        for slot in roles.iter_mut().take(last + 1).skip(first + 1) {
            if *slot == Role::Statement {
                *slot = Role::Continued;
            }
        }
    }
    // A comment takes the margin of the line it comes before (at the end of the
    // file, the margin).
    let mut next = 0;
    for role in roles.iter_mut().rev() {
        match role {
            Role::Blank => {}
            Role::Comment(level) => *level = next,
            other => next = other.level(),
        }
    }
    roles
}

/// The rows of one grid, their pipes aligned.
fn grid(rows: &[&str]) -> Vec<String> {
    let parsed: Vec<(Vec<String>, &str)> = rows.iter().map(|row| cells(row)).collect();
    let columns = parsed.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    // The first row is a header unless it holds amounts.
    let header = parsed
        .first()
        .is_some_and(|(c, _)| !c.iter().skip(1).any(|cell| amount(cell).is_some()));
    let data = || parsed.iter().skip(usize::from(header));
    let mut widths = vec![0usize; columns];
    // For a column of amounts: the widest whole part and the widest rest.
    let mut aligned: Vec<Option<(usize, usize)>> = vec![None; columns];
    for column in 0..columns {
        let cells: Vec<&str> = data()
            .filter_map(|(c, _)| c.get(column).map(String::as_str))
            .filter(|c| !is_rule(c))
            .collect();
        let amounts = cells
            .iter()
            .filter(|c| !is_empty_cell(c))
            .map(|c| amount(c))
            .collect::<Option<Vec<(usize, usize)>>>();
        if let Some(parts) = amounts.filter(|p| !p.is_empty()) {
            let whole = parts.iter().map(|p| p.0).max().unwrap_or(0);
            let rest = parts.iter().map(|p| p.1).max().unwrap_or(0);
            aligned[column] = Some((whole, rest));
        }
        let mut width = parsed
            .iter()
            .filter_map(|(c, _)| c.get(column))
            .filter(|c| !is_rule(c))
            .map(|c| width(c))
            .max()
            .unwrap_or(0);
        if let Some((whole, rest)) = aligned[column] {
            width = width.max(whole + rest);
        }
        widths[column] = width.max(1);
    }
    parsed
        .iter()
        .enumerate()
        .map(|(index, (row, comment))| {
            let mut out = String::from("|");
            for (column, cell) in row.iter().enumerate() {
                let width = widths[column];
                let text = match aligned[column] {
                    _ if is_rule(cell) => "-".repeat(width),
                    Some((whole, _)) if !(header && index == 0) => match amount(cell) {
                        Some((own, _)) => format!("{}{cell}", " ".repeat(whole - own)),
                        None => cell.clone(),
                    },
                    _ => cell.clone(),
                };
                let fill = width.saturating_sub(self::width(&text));
                if is_rule(cell) {
                    out.push_str(&format!("-{text}-|"));
                } else {
                    out.push_str(&format!(" {text}{} |", " ".repeat(fill)));
                }
            }
            if !comment.is_empty() {
                out.push(' ');
                out.push_str(comment);
            }
            out
        })
        .collect()
}

/// The cells of a row (trimmed) and its comment: `| a | b | # note`.
fn cells(row: &str) -> (Vec<String>, &str) {
    let code = strip_comment(row);
    let comment = row[code.len()..].trim();
    let code = code.trim();
    let inner = code.strip_prefix('|').unwrap_or(code);
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut closing: Option<char> = None;
    for c in inner.chars() {
        match (closing, c) {
            (None, '|') => cells.push(std::mem::take(&mut current)),
            (None, '«') => {
                closing = Some('»');
                current.push(c);
            }
            (None, '"') => {
                closing = Some('"');
                current.push(c);
            }
            (Some(end), c) if c == end => {
                closing = None;
                current.push(c);
            }
            _ => current.push(c),
        }
    }
    // What follows the last pipe: a cell, unless the row ends with its pipe.
    if !current.trim().is_empty() {
        cells.push(current);
    }
    (
        cells.into_iter().map(|c| c.trim().to_string()).collect(),
        comment,
    )
}

/// `---` or `:--:` between a header and its rows.
fn is_rule(cell: &str) -> bool {
    !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':'))
}

/// `—` (sans objet) or nothing: no amount, but no reason to leave the column.
fn is_empty_cell(cell: &str) -> bool {
    matches!(cell, "" | "—" | "–" | "-")
}

/// An amount as a column of amounts aligns it: `12,50 €`, `0,8 €`, `1 500 €`, `50 %`;
/// the width of its whole part (to the comma) and of the rest.
fn amount(cell: &str) -> Option<(usize, usize)> {
    let chars: Vec<char> = cell.chars().collect();
    let mut i = 0;
    if matches!(chars.first(), Some('-' | '−' | '+')) {
        i += 1;
    }
    if !chars.get(i).is_some_and(char::is_ascii_digit) {
        return None;
    }
    while chars
        .get(i)
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
    {
        i += 1;
    }
    // Spaces before a unit belong to the rest.
    while i > 0 && matches!(chars[i - 1], ' ' | '\u{A0}' | '\u{202F}') {
        i -= 1;
    }
    let whole = i;
    let mut j = i;
    if chars.get(j) == Some(&',') {
        j += 1;
        while chars.get(j).is_some_and(char::is_ascii_digit) {
            j += 1;
        }
    }
    let unit: String = chars[j..].iter().collect();
    let unit = unit.trim();
    matches!(unit, "" | "€" | "%" | "euro" | "euros").then_some((whole, chars.len() - whole))
}

/// The width of a text as a monospaced editor shows it.
fn width(text: &str) -> usize {
    text.chars().count()
}
