//! A statement the grammar refuses, and the closest statement it accepts: the line an
//! E001 proposes, in full, ready to paste (« écrivez : tarif cantine (par repas) »).
//!
//! The search edits the statement where the parse stopped (a keyword the grammar
//! expected there, a word a newcomer writes for it, a missing comma or parenthesis, a
//! stray character), then anywhere on the line (a letter O typed for a zero), then two
//! edits in a row. Every candidate is parsed with the statement's own rule: a proposal
//! is always a line the grammar accepts. The number of parses is bounded, so a line
//! that is far from any accepted one costs little and gets no proposal.

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};

use super::{DeliberationParser, Rule, pest_error};
use crate::syntax::error::Expected;
use crate::syntax::lines::fold;

/// At most this many parses for one refused statement.
const BUDGET: usize = 400;

/// Words a newcomer writes where the language has another, tried at the place the
/// parse stopped: (written, folded and lower-case → to write).
const SYNONYMS: &[(&str, &str)] = &[
    ("le", "du"),
    ("entre", "parmi"),
    ("minimum", "au moins"),
    ("maximum", "au plus"),
    ("plancher", "au moins"),
    ("plafond", "au plus"),
    ("oui/non", "booléen"),
    ("oui / non", "booléen"),
    ("vrai/faux", "booléen"),
    ("texte", "choix parmi"),
    ("a", "à"),
    ("x", "×"),
    ("pour", "si"),
    ("avec", "si"),
    ("des", "dès"),
    ("euros", "€"),
    ("euro", "€"),
    ("eur", "€"),
    ("majore de", "majoration de"),
    ("majoree de", "majoration de"),
    ("reduit de", "réduction de"),
    ("reduite de", "réduction de"),
    ("remise de", "réduction de"),
    ("abattement de", "réduction de"),
    ("arrondi a", "arrondi au"),
    ("ou egal a", "ou égal à"),
    ("<=", "≤"),
    (">=", "≥"),
    ("=<", "≤"),
    ("=>", "≥"),
];

/// Small words of French that a proposal may replace or remove; any other word of the
/// line is kept (see [`keeps_words`]).
const SMALL_WORDS: &[&str] = &[
    "le", "la", "les", "l'", "de", "du", "des", "d'", "a", "au", "aux", "et", "en", "un", "une",
    "pour", "avec", "par", "sur", "x",
];

/// Symbols a line often lacks or has one too many of.
const SYMBOLS: &[&str] = &[",", "(", ")", ":", "=", "%", "€", ";"];

/// How many refused statements of one file get a proposal: a person reads the first
/// ones, and a file of thousands of refused lines is read in its usual time.
const PROPOSALS_PER_FILE: usize = 100;

thread_local! {
    // The proposals left for the file being read (reading a file is one call on one
    // thread: `start_file` then its statements).
    static PROPOSALS_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(PROPOSALS_PER_FILE) };
}

/// Starts reading a file: its statements may get [`PROPOSALS_PER_FILE`] proposals.
pub(super) fn start_file() {
    PROPOSALS_LEFT.with(|left| left.set(PROPOSALS_PER_FILE));
}

/// The closest statement `rule` accepts, or `None` when `text` parses or none is near.
pub(super) fn propose(rule: Rule, text: &str) -> Option<String> {
    if text.contains('\n') {
        return None;
    }
    let left = PROPOSALS_LEFT.with(|left| {
        let n = left.get();
        left.set(n.saturating_sub(1));
        n
    });
    if left == 0 {
        return None;
    }
    let mut search = Search {
        rule,
        budget: BUDGET,
        original: text,
    };
    let (position, expected) = search.failure(text)??;
    let mut further = Vec::new();
    for candidate in edits_at(text, position, &expected) {
        match search.failure(&candidate)? {
            None => return Some(candidate),
            Some((next, expected)) if next > position => further.push((candidate, next, expected)),
            Some(_) => {}
        }
    }
    let elsewhere = closers(text)
        .into_iter()
        .chain(
            token_starts(text)
                .into_iter()
                .filter(|p| *p != position)
                .flat_map(|p| edits_elsewhere(text, p)),
        )
        .chain(edits_anywhere(text));
    for candidate in elsewhere {
        if search.failure(&candidate)?.is_none() {
            return Some(candidate);
        }
    }
    for (first, position, expected) in further.iter().take(6) {
        let seconds = edits_at(first, *position, expected)
            .into_iter()
            .chain(edits_anywhere(first));
        for candidate in seconds {
            if search.failure(&candidate)?.is_none() {
                return Some(candidate);
            }
        }
    }
    None
}

struct Search<'t> {
    rule: Rule,
    budget: usize,
    original: &'t str,
}

impl Search<'_> {
    /// `None` when the budget is spent; `Some(None)` when `text` parses; else where the
    /// parse stopped and what it expected there.
    #[allow(clippy::option_option)]
    fn failure(&mut self, text: &str) -> Option<Option<(usize, Vec<Rule>)>> {
        self.budget = self.budget.checked_sub(1)?;
        let error = match DeliberationParser::parse(self.rule, text) {
            Ok(_) if self.acceptable(text) => return Some(None),
            // Read, but not a proposal: taken as a line that stops at its start.
            Ok(_) => return Some(Some((0, Vec::new()))),
            Err(error) => error,
        };
        let position = match error.location {
            InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
        };
        let expected = match error.variant {
            ErrorVariant::ParsingError { positives, .. } => positives,
            ErrorVariant::CustomError { .. } => Vec::new(),
        };
        Some(Some((position, expected)))
    }
}

impl Search<'_> {
    /// Whether `candidate` may be proposed for the original line: it keeps every word
    /// that is not a small word nor a word the language replaces (a name, a number, a
    /// condition: `réduction de 50 % avec PAI` never loses `PAI`), perhaps glued to
    /// its neighbour (`2C-2R` → `2C2R`) or with a typo fixed, and it puts nothing
    /// between guillemets but a section's title (a condition turned into a label would
    /// apply the reduction to every family).
    fn acceptable(&self, candidate: &str) -> bool {
        let quotes = |t: &str| t.chars().filter(|c| *c == '«').count();
        if self.rule != Rule::section_head && quotes(candidate) > quotes(self.original) {
            return false;
        }
        let kept = words(candidate);
        words(self.original).iter().all(|w| {
            SMALL_WORDS.contains(&w.as_str())
                || SYNONYMS
                    .iter()
                    .any(|(written, _)| written.split(' ').any(|x| x == w))
                || kept.iter().any(|k| k.contains(w.as_str()))
                || kept
                    .iter()
                    .any(|k| strsim::levenshtein(k, w) <= 2 && w.chars().count() > 4)
        })
    }
}

/// The words and numbers of `text`, folded; in a number, a letter O is a zero and a
/// letter l a one (`2O26` is kept as `2026`).
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(|w| match w.contains(|c: char| c.is_ascii_digit()) {
            true => w.replace('o', "0").replace('l', "1"),
            false => w.to_string(),
        })
        .collect()
}

/// The candidates made by one edit at `position`, the likeliest first.
fn edits_at(text: &str, position: usize, expected: &[Rule]) -> Vec<String> {
    let Some((before, rest)) = text.split_at_checked(position) else {
        return Vec::new();
    };
    let token = token_len(rest);
    let after = rest.get(token..).unwrap_or("");
    let keywords: Vec<&str> = expected
        .iter()
        .filter_map(|r| match pest_error::describe(*r) {
            Some(Expected::Keyword(k)) => Some(k),
            _ => None,
        })
        .collect();
    // `1;80 €`: a symbol between two digits is a mistyped comma; nothing else is tried
    // there, so that no proposal changes a number (`180`, `1 et 80`).
    if before.ends_with(|c: char| c.is_ascii_digit())
        && rest.starts_with(|c: char| !c.is_alphanumeric() && !c.is_whitespace())
        && after.starts_with(|c: char| c.is_ascii_digit())
    {
        return vec![format!("{before},{after}")];
    }
    let mut out = synonyms(before, rest);
    // A word is replaced by a keyword only when it is a small word of French (`le` for
    // `du`) or the keyword mistyped (`parmis`): never a name the line needs.
    let word = &rest[..token];
    let is_word = word.chars().next().is_some_and(char::is_alphanumeric);
    let short = !is_word || SMALL_WORDS.contains(&fold(word).as_str());
    let replaceable = |k: &str| short || strsim::levenshtein(&fold(word), &fold(k)) <= 2;
    for k in keywords.iter().filter(|k| replaceable(k)) {
        out.push(join(before, k, after));
    }
    // Inserted, a conjunction or a branch would make a condition of two words
    // (`hors et commune`): never proposed.
    for k in keywords
        .iter()
        .filter(|k| !matches!(**k, "et" | "ou" | "non" | "si" | "alors" | "sinon"))
    {
        out.push(join(before, k, rest));
    }
    if token > 0 && short {
        out.push(remove(before, after));
    }
    for s in SYMBOLS {
        out.push(join(before, s, rest));
    }
    if token > 0 && short {
        for s in SYMBOLS {
            out.push(join(before, s, after));
        }
    }
    // `article 1 : Cantine`, `exemple Hors commune`: a title without its guillemets.
    if expected.contains(&Rule::text) && !rest.is_empty() {
        out.push(quoted(before, rest));
    }
    out.retain(|c| c != text);
    out.dedup();
    out
}

/// The candidates made by one edit at a token where the parse did not stop: a word a
/// newcomer writes for a keyword, a comma, the rest of the line between parentheses
/// (`tarif cantine par repas`), a stray symbol removed.
fn edits_elsewhere(text: &str, position: usize) -> Vec<String> {
    let Some((before, rest)) = text.split_at_checked(position) else {
        return Vec::new();
    };
    let token = token_len(rest);
    let after = rest.get(token..).unwrap_or("");
    let mut out = synonyms(before, rest);
    if matches!(rest.chars().next(), Some(':' | '-' | '–')) {
        out.push(quoted(before, rest));
    }
    match rest.chars().next() {
        Some(':') => out.push(join(before, "=", after)),
        Some('=') => out.push(join(before, ":", after)),
        _ => {}
    }
    if !rest.contains(['(', ')']) {
        out.push(join(before, "(", &format!("{})", rest.trim_end())));
    }
    let digits_around = before.trim_end().ends_with(|c: char| c.is_ascii_digit())
        && rest
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .starts_with(|c: char| c.is_ascii_digit());
    if digits_around {
        // Never a comma nor a removal inside a number: `1 200`, `1,80` keep their value.
        out.retain(|c| c != text);
        return out;
    }
    out.push(join(before, ",", rest));
    if rest
        .chars()
        .next()
        .is_some_and(|c| !c.is_alphanumeric() && c != '«')
    {
        out.push(remove(before, after));
    }
    out.retain(|c| c != text);
    out
}

/// `text` with the parenthesis or the `»` it leaves open closed at its end.
fn closers(text: &str) -> Vec<String> {
    let count = |c: char| text.chars().filter(|x| *x == c).count();
    let mut out = Vec::new();
    if count('(') > count(')') {
        out.push(format!("{})", text.trim_end()));
    }
    if count('«') > count('»') {
        out.push(format!("{} »", text.trim_end()));
    }
    out
}

/// `rest` as a text between guillemets, without the `:` or dash before it:
/// `article 1 : Cantine` → `article 1 « Cantine »`.
fn quoted(before: &str, rest: &str) -> String {
    let words = rest.trim_start_matches([':', '-', '–', ' ']).trim_end();
    join(before, &format!("« {words} »"), "")
}

/// The starts of the tokens of `text`, spaces skipped.
fn token_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut position = 0;
    while let Some(rest) = text.get(position..) {
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first.is_whitespace() {
            position += first.len_utf8();
            continue;
        }
        starts.push(position);
        position += token_len(rest).max(first.len_utf8());
    }
    starts
}

/// The candidates made by fixing one token anywhere on the line: a letter typed for a
/// digit in a number (`2O25`), a decimal point (`1.50`), a hyphen inside a name.
fn edits_anywhere(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let rest = &text[start..];
        let len = token_len(rest).max(rest.chars().next().map_or(1, char::len_utf8));
        let token = &rest[..len];
        if token.chars().any(|c| c.is_ascii_digit()) {
            let digits: String = token
                .chars()
                .map(|c| match c {
                    'O' | 'o' => '0',
                    'l' | 'I' => '1',
                    c => c,
                })
                .collect();
            if digits != token && digits.chars().all(|c| c.is_ascii_digit()) {
                out.push(format!(
                    "{}{digits}{}",
                    &text[..start],
                    &text[start + len..]
                ));
            }
        }
        start += len;
    }
    out
}

/// `rest` starting with a word a newcomer writes for a keyword, that keyword instead.
fn synonyms(before: &str, rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let folded = fold(rest);
    for (written, write) in SYNONYMS {
        if folded.starts_with(written) && ends_word(&folded, written.len()) {
            // `fold` keeps one char per char but for rare capitals: checked below.
            let cut = rest
                .char_indices()
                .nth(written.chars().count())
                .map_or(rest.len(), |(i, _)| i);
            if fold(&rest[..cut]) == *written {
                out.push(join(before, write, &rest[cut..]));
            }
        }
    }
    out
}

/// The length of the word or character that starts `rest` (0 at its end).
fn token_len(rest: &str) -> usize {
    let word: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '\'' || *c == '’')
        .map(char::len_utf8)
        .sum();
    match word {
        0 => rest.chars().next().map_or(0, char::len_utf8),
        n => n,
    }
}

/// Whether `folded[len..]` starts a new word (or ends the text).
fn ends_word(folded: &str, len: usize) -> bool {
    let written = folded.chars().take(len).last();
    let next = folded.chars().nth(len);
    match (written, next) {
        (Some(w), Some(n)) => !(w.is_alphanumeric() && n.is_alphanumeric()),
        _ => true,
    }
}

/// `before` + `after` without what was between: glued when it was glued to both
/// (`2C-2R` → `2C2R`).
fn remove(before: &str, after: &str) -> String {
    let glued = !before.ends_with(char::is_whitespace) && !after.starts_with(char::is_whitespace);
    match glued {
        true => format!("{before}{after}"),
        false => join(before, "", after),
    }
}

/// `before` + `word` + `after`, one space between words, none before `,` `)` `;`
/// nor after `(`.
fn join(before: &str, word: &str, after: &str) -> String {
    let mut out = before.trim_end().to_string();
    for piece in [word, after.trim_start()] {
        if piece.is_empty() {
            continue;
        }
        let tight = out.is_empty() || out.ends_with('(') || piece.starts_with([',', ')', ';']);
        if !tight {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_a_newcomer_writes_get_the_accepted_line() {
        let cases = [
            (
                Rule::header_item,
                "applicable le 1er septembre 2026",
                "applicable du 1er septembre 2026",
            ),
            (
                Rule::input_decl,
                "qf : montant entier obligatoire",
                "qf : montant entier, obligatoire",
            ),
            (
                Rule::input_decl,
                "résidence : choix entre commune, hors commune",
                "résidence : choix parmi commune, hors commune",
            ),
            (Rule::input_decl, "pai : oui/non", "pai : booléen"),
            (
                Rule::article_item,
                "tarif cantine par repas",
                "tarif cantine (par repas)",
            ),
            (
                Rule::article_item,
                "cantine : majoration 10 % si pai",
                "cantine : majoration de 10 % si pai",
            ),
            (
                Rule::article_item,
                "cantine : minimum 0,50 €",
                "cantine : au moins 0,50 €",
            ),
            (
                Rule::example_item,
                "attendu cantine : 1,65 €",
                "attendu cantine = 1,65 €",
            ),
        ];
        for (rule, written, fixed) in cases {
            assert_eq!(propose(rule, written).as_deref(), Some(fixed), "{written}");
        }
    }

    #[test]
    fn a_proposal_keeps_names_numbers_and_conditions() {
        let cases = [
            (
                Rule::article_item,
                "cantine : réduction de 50 % avec PAI",
                Some("cantine : réduction de 50 % si PAI"),
            ),
            (Rule::article_item, "cantine : réduction PAI : 50 %", None),
            (
                Rule::article_item,
                "cantine : réduction de 50 % « pour PAI",
                Some("cantine : réduction de 50 % « pour PAI »"),
            ),
            (Rule::cell, "1;80 €", Some("1,80 €")),
        ];
        for (rule, written, fixed) in cases {
            assert_eq!(propose(rule, written).as_deref(), fixed, "{written}");
        }
    }

    #[test]
    fn an_accepted_line_has_no_proposal() {
        assert_eq!(
            propose(Rule::article_item, "tarif cantine (par repas)"),
            None
        );
    }
}
