//! Cuts a file into statements: one per line, except where an expression continues
//! on the next line (LANGUAGE.md §3). Blank and comment lines are skipped.

use crate::span::Span;

/// One statement of the file: its text (possibly spanning lines) and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Statement<'s> {
    pub text: &'s str,
    pub span: Span,
}

/// The statements of `source`, in order.
pub fn statements(source: &str) -> Vec<Statement<'_>> {
    let mut result: Vec<Statement<'_>> = Vec::new();
    let mut open_end = false;
    let mut offset = 0;
    for raw in source.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let code = strip_comment(line).trim();
        if code.is_empty() {
            continue;
        }
        let end = start + line.len();
        let continues = open_end || starts_continuation(code);
        match result.last_mut() {
            Some(previous) if continues => {
                previous.span.end = end;
                previous.text = &source[previous.span.start..end];
            }
            _ => {
                let first = start + (line.len() - line.trim_start().len());
                result.push(Statement {
                    text: &source[first..end],
                    span: Span::new(first, end),
                });
            }
        }
        open_end = ends_open(code);
    }
    result
}

/// The line without its `# comment`, keeping `#` inside texts.
pub fn strip_comment(line: &str) -> &str {
    let mut closing: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (closing, c) {
            (None, '#') => return &line[..i],
            (None, '«') => closing = Some('»'),
            (None, '"') => closing = Some('"'),
            (Some(end), c) if c == end => closing = None,
            _ => {}
        }
    }
    line
}

const OPERATORS: &[char] = &[
    '=', '+', '-', '−', '×', '*', '/', '<', '>', '≤', '≥', '≠', '(', ';',
];
/// Words after which a statement goes on (`non` is left out: `par défaut non` ends a line).
const ENDING_WORDS: &[&str] = &["alors", "sinon", "si", "et", "ou", "entre"];
/// Words that continue the previous statement when they start a line.
const STARTING_WORDS: &[&str] = &["alors", "sinon", "si", "et", "ou"];
const MODIFIER_WORDS: &[&str] = &[
    "majoration",
    "reduction",
    "multiplie",
    "remplace",
    "gratuite",
    "exoneration",
    "au",
    "arrondi",
];

/// Whether a line ending like this one asks for the next line (`=`, `alors`, `+`…).
fn ends_open(code: &str) -> bool {
    // A row of a grid, with bars or pasted from a spreadsheet (cells between tabs).
    if code.starts_with('|') || code.contains('\t') {
        return false;
    }
    if code.ends_with(OPERATORS) {
        return true;
    }
    let last = code.rsplit(char::is_whitespace).next().unwrap_or("");
    ENDING_WORDS.contains(&fold(last).as_str())
}

/// Whether a line starting like this one continues the previous statement.
fn starts_continuation(code: &str) -> bool {
    if let Some(rest) = code.strip_prefix(['-', '–', '—', '•']) {
        // `- réduction de 20 %` is an item of `la plus favorable de`, not a subtraction.
        let first = rest.split_whitespace().next().unwrap_or("");
        return !rest.is_empty() && !MODIFIER_WORDS.contains(&fold(first).as_str());
    }
    if code.starts_with(OPERATORS) {
        return true;
    }
    let first = code.split_whitespace().next().unwrap_or("");
    STARTING_WORDS.contains(&fold(first).as_str())
}

/// A word lowercased and without accents, to compare keywords.
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            other => other,
        })
        .collect()
}

/// A value of a `choix` as it may be written on a page or sent by a family: without
/// case nor accents, with one space for each run of `_`, `-` and spaces
/// (« Hors-commune », `hors_commune` and « HORS COMMUNE » are the same value).
pub fn choice_key(text: &str) -> String {
    fold(text)
        .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<&str> {
        statements(source).iter().map(|s| s.text).collect()
    }

    #[test]
    fn one_statement_per_line_without_comments_or_blanks() {
        let source = "# titre\nentrées\n\n  rang : entier # commentaire\n";
        assert_eq!(texts(source), ["entrées", "rang : entier # commentaire"]);
    }

    #[test]
    fn expressions_continue_after_equals_and_before_sinon() {
        let source = "q : montant =\n  # note\n  si a est connu alors a\n  sinon b\nx = 1\n";
        assert_eq!(
            texts(source),
            [
                "q : montant =\n  # note\n  si a est connu alors a\n  sinon b",
                "x = 1"
            ]
        );
    }

    #[test]
    fn dashes_of_favourable_lists_start_statements() {
        let source = "repas : la plus favorable de\n  - réduction de 20 % si rang ≥ 3\n";
        assert_eq!(texts(source).len(), 2);
        assert_eq!(texts("x = 3\n  - 1\n"), ["x = 3\n  - 1"]);
    }

    #[test]
    fn hash_inside_text_is_not_a_comment() {
        assert_eq!(strip_comment("numéro « n°#1 » # c"), "numéro « n°#1 » ");
    }
}
