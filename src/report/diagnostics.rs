//! Diagnostics drawn with ariadne (the only place it is used), or written as JSON.

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::LineIndex;

/// The diagnostics of `source` (read from `path`) as text with source excerpts.
pub fn to_text(path: &str, source: &str, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut out = Vec::new();
    // The file's lines are indexed once for all its diagnostics (once per diagnostic
    // made checking n grids of one article quadratic).
    let mut cache = (path, Source::from(source));
    for d in diagnostics {
        // ariadne colours custom kinds even when colour is off: `Primary` paints nothing.
        let paint = |c: Color| if color { c } else { Color::Primary };
        let kind = match d.severity {
            Severity::Error => ReportKind::Custom("erreur", paint(Color::Red)),
            Severity::Warning => ReportKind::Custom("avertissement", paint(Color::Yellow)),
        };
        let range = clamp(d.span().start, d.span().end, source);
        let mut report = Report::build(kind, (path, range))
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            );
        // ariadne starts a new excerpt when a label comes before the previous one.
        let mut labels: Vec<_> = d.labels.iter().collect();
        labels.sort_by_key(|l| l.span.start);
        for label in labels {
            let colour = if label.primary {
                match d.severity {
                    Severity::Error => Color::Red,
                    Severity::Warning => Color::Yellow,
                }
            } else {
                Color::Blue
            };
            let range = clamp(label.span.start, label.span.end, source);
            report = report.with_label(
                Label::new((path, range))
                    .with_message(&label.message)
                    .with_color(colour),
            );
        }
        for note in &d.notes {
            report = report.with_note(note);
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        // Writing to a Vec cannot fail.
        let _ = report.finish().write(&mut cache, &mut out);
    }
    let text = frenchify(&String::from_utf8_lossy(&out));
    if color { text } else { strip_ansi(&text) }
}

/// The text without terminal colour sequences (`ESC [ … m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A byte range inside `source`, on character boundaries, never empty unless the file is.
fn clamp(start: usize, end: usize, source: &str) -> std::ops::Range<usize> {
    let mut start = start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// ariadne writes `Help:` and `Note:` in English on the lines below the excerpt.
fn frenchify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let margin = line.find('│').map_or("", |i| &line[..i]);
        let is_footer = strip_ansi(margin).chars().all(char::is_whitespace);
        if is_footer && (line.contains("Help") || line.contains("Note")) {
            let french = line
                .replacen("Help\u{1b}[0m:", "Aide\u{1b}[0m :", 1)
                .replacen("Note\u{1b}[0m:", "Note\u{1b}[0m :", 1)
                .replacen("Help:", "Aide :", 1)
                .replacen("Note:", "Note :", 1);
            out.push_str(&french);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// One diagnostic as JSON: stable field names, 1-based lines and character columns.
#[derive(Debug, Serialize)]
struct JsonDiagnostic<'d> {
    fichier: &'d str,
    code: String,
    gravite: Severity,
    message: &'d str,
    ligne: usize,
    colonne: usize,
    ligne_fin: usize,
    colonne_fin: usize,
    aide: Option<&'d str>,
    notes: &'d [String],
    /// The text to write in place of a span of the file to fix it (the line an E001
    /// proposes): an editor's quick fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<JsonCorrection<'d>>,
}

/// `correction`: what to write, from where to where (1-based, characters).
#[derive(Debug, Serialize)]
struct JsonCorrection<'d> {
    ligne: usize,
    colonne: usize,
    ligne_fin: usize,
    colonne_fin: usize,
    texte: &'d str,
}

/// The diagnostics of `source` as a JSON array (see docs/reference.md).
pub fn to_json(path: &str, source: &str, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let index = LineIndex::new(source);
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| {
            let span = d.span();
            let start = index.position(source, span.start);
            let end = index.position(source, span.end);
            JsonDiagnostic {
                fichier: path,
                code: d.code.as_str(),
                gravite: d.severity,
                message: &d.message,
                ligne: start.line,
                colonne: start.column,
                ligne_fin: end.line,
                colonne_fin: end.column,
                aide: d.help.as_deref(),
                notes: &d.notes,
                correction: d.replacement.as_ref().map(|(span, text)| {
                    let start = index.position(source, span.start);
                    let end = index.position(source, span.end);
                    JsonCorrection {
                        ligne: start.line,
                        colonne: start.column,
                        ligne_fin: end.line,
                        colonne_fin: end.column,
                        texte: text,
                    }
                }),
            }
        })
        .collect();
    serde_json::to_value(items).unwrap_or(serde_json::Value::Null)
}
