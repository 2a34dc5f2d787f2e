//! From pest's parse of each statement to the syntax tree. pest types never leave this
//! folder. Each statement is parsed alone (see grammar/deliberation.pest), so one bad
//! line gives one error and the rest of the file is still read.

mod billing;
mod billing_line;
mod billing_state;
mod expr;
mod items;
mod pest_error;
mod repair;
mod table;

use pest::Parser;
use pest::iterators::Pair;

use super::ast::{self, File};
use super::error::{HeaderLine, Section, StatementKind, SyntaxError, SyntaxErrorKind};
use super::lines::{self, Statement};
use crate::span::Span;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/deliberation.pest"]
struct DeliberationParser;

/// What the previous statement left open, for the lines that continue it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    /// A table, the last item of the current article.
    Table,
    /// `la plus favorable de`, the last item of the current article.
    BestOf,
}

/// Reads a whole file: the syntax tree, the names of broken definitions, and every
/// syntax error.
pub fn lower(source: &str) -> (File, Vec<String>, Vec<SyntaxError>) {
    let mut lowerer = Lowerer {
        file: File::default(),
        errors: Vec::new(),
        broken_names: Vec::new(),
        section: None,
        open: Open::Nothing,
        saw_applicable: false,
        child_inputs: false,
    };
    repair::start_file();
    for statement in lines::statements(source) {
        lowerer.statement(statement);
    }
    lowerer.finish(source);
    (lowerer.file, lowerer.broken_names, lowerer.errors)
}

struct Lowerer {
    file: File,
    errors: Vec<SyntaxError>,
    /// Names whose statement could not be read: the checker does not call them unknown.
    broken_names: Vec<String>,
    section: Option<Section>,
    open: Open,
    /// An `applicable` line was read (even if its date was wrong).
    saw_applicable: bool,
    /// The open section is `entrées de chaque enfant`.
    child_inputs: bool,
}

/// A parsed statement, with the offset of its text in the file.
struct Parsed<'s> {
    pair: Pair<'s, Rule>,
    offset: usize,
}

/// How deeply the parse of one statement may nest (about 80 levels of parentheses):
/// lowering and checking recurse on the tree, and must not overflow the stack.
const MAX_DEPTH: usize = 1000;

/// Parses `text` (found at `offset` in the file) with `rule`; the pair inside `SOI … EOI`.
fn parse(rule: Rule, text: &str, offset: usize) -> Result<Parsed<'_>, SyntaxError> {
    match DeliberationParser::parse(rule, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) if depth(&pair) > MAX_DEPTH => Err(SyntaxError {
                kind: SyntaxErrorKind::TooDeep,
                span: Span::new(offset, offset + text.len()),
            }),
            Some(pair) => Ok(Parsed { pair, offset }),
            None => Err(pest_error::empty(offset)),
        },
        Err(error) => Err(pest_error::convert(&error, text, offset)),
    }
}

/// The nesting depth of a parse tree, counted without recursion.
fn depth(pair: &Pair<'_, Rule>) -> usize {
    let mut ends: Vec<usize> = Vec::new();
    let mut deepest = 0;
    for p in pair.clone().into_inner().flatten() {
        let span = p.as_span();
        while ends
            .last()
            .is_some_and(|end| span.start() >= *end && span.start() != span.end())
        {
            ends.pop();
        }
        ends.push(span.end());
        deepest = deepest.max(ends.len());
    }
    deepest
}

/// The only child of `pair` that is not `EOI`.
fn inner(pair: Pair<'_, Rule>) -> Option<Pair<'_, Rule>> {
    // `Tranche 1 :` before a row's condition says nothing of its values.
    pair.into_inner()
        .find(|p| !matches!(p.as_rule(), Rule::EOI | Rule::kw_tranche))
}

impl Lowerer {
    fn statement(&mut self, statement: Statement<'_>) {
        let offset = statement.span.start;
        if opens_section(statement.text) {
            match parse(Rule::section_head, statement.text, offset) {
                Ok(parsed) => {
                    self.open = Open::Nothing;
                    if let Some(head) = inner(parsed.pair) {
                        self.section_head(head, offset, statement.span);
                    }
                    return;
                }
                // `article 1 : Cantine`: the error with the line to write, and the
                // section opened as that line would, so the lines under it are read.
                Err(mut error) => {
                    if let Some(fixed) = repair::propose(Rule::section_head, statement.text)
                        && let SyntaxErrorKind::Unexpected { fix, .. } = &mut error.kind
                        && let Ok(parsed) = parse(Rule::section_head, &fixed, 0)
                    {
                        self.open = Open::Nothing;
                        if let Some(head) = inner(parsed.pair) {
                            self.section_head(head, offset, statement.span);
                        }
                        *fix = Some((fixed.clone(), statement.span));
                        self.errors.push(error);
                        return;
                    }
                }
            }
        }
        let section = match self.section {
            Some(section) => section,
            None => {
                self.error(SyntaxErrorKind::MissingTitle, first_line(statement));
                self.section = Some(Section::Header);
                Section::Header
            }
        };
        let rule = match section {
            Section::Header => Rule::header_item,
            Section::Inputs => Rule::input_decl,
            Section::Article => Rule::article_item,
            Section::Example => Rule::example_item,
        };
        // A row: `| a | b |`, or cells between tabs (a grid pasted from a spreadsheet)
        // under a grid's head: tabs between the words of its one line, not a tab left
        // at the end of a line or in the margin of the line that goes on with it.
        let text = statement.text.trim_end();
        let pasted = self.open == Open::Table && !text.contains('\n') && text.contains('\t');
        if section == Section::Article && (statement.text.starts_with('|') || pasted) {
            let open = std::mem::replace(&mut self.open, Open::Table);
            if let Err(mut error) = self.table_row(statement.text, statement.span, open) {
                if let SyntaxErrorKind::Unexpected { fix: Some(fix), .. } = &mut error.kind {
                    *fix = whole_row(statement, fix);
                }
                self.broken(statement, error);
            }
            return;
        }
        match parse(rule, statement.text, offset) {
            Ok(parsed) => {
                let result = match section {
                    Section::Header => self.header_item(parsed),
                    Section::Inputs => self.input_decl(parsed, statement.span),
                    Section::Article => self.article_item(parsed, statement.span),
                    Section::Example => self.example_item(parsed),
                };
                if let Err(error) = result {
                    self.broken(statement, error);
                }
            }
            Err(mut error) => {
                let in_billing = section == Section::Article && self.in_billing();
                if let SyntaxErrorKind::Unexpected { fix, billing, .. } = &mut error.kind {
                    // Under a facturation, a line proposed is a line of the facturation
                    // (not `état = prix`, a definition).
                    let repair_rule = if in_billing { Rule::billing_line } else { rule };
                    *fix = repair::propose(repair_rule, statement.text)
                        .map(|line| (line, statement.span));
                    if in_billing {
                        *billing = Some(billing_line::kind(statement.text));
                    }
                }
                let error = misplaced(statement, section).unwrap_or(error);
                self.broken(statement, error);
            }
        }
    }

    fn section_head(&mut self, head: Pair<'_, Rule>, offset: usize, span: Span) {
        match head.as_rule() {
            Rule::title_line => {
                let header = &mut self.file.header;
                if header.title.is_some() {
                    self.error(
                        SyntaxErrorKind::DuplicateHeaderLine(HeaderLine::Title),
                        span,
                    );
                } else {
                    header.title = head
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::text)
                        .map(|p| text(p, offset));
                    header.title_span = Some(span);
                }
                self.section = Some(Section::Header);
            }
            Rule::inputs_head => {
                self.child_inputs = head.into_inner().any(|p| p.as_rule() == Rule::child_scope);
                if !self.child_inputs {
                    self.file.inputs_span = Some(span);
                }
                self.section = Some(Section::Inputs);
            }
            Rule::article_head => {
                let mut number = String::new();
                let mut title = None;
                for part in head.into_inner() {
                    match part.as_rule() {
                        Rule::article_number => number = part.as_str().to_string(),
                        Rule::text => title = Some(text(part, offset)),
                        _ => {}
                    }
                }
                self.file.articles.push(ast::Article {
                    number,
                    title,
                    span,
                    items: Vec::new(),
                });
                self.section = Some(Section::Article);
            }
            Rule::example_head => {
                let name = head
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::text)
                    .map(|p| text(p, offset))
                    .unwrap_or(ast::Text {
                        text: String::new(),
                        span,
                    });
                self.file.examples.push(ast::Example {
                    name,
                    span,
                    assignments: Vec::new(),
                    expected: Vec::new(),
                    expected_errors: Vec::new(),
                    children: Vec::new(),
                    days: Vec::new(),
                    expected_invoice: Vec::new(),
                });
                self.section = Some(Section::Example);
            }
            _ => {}
        }
    }

    /// Records the error of a statement that could not be read, and the name it defined.
    fn broken(&mut self, statement: Statement<'_>, error: SyntaxError) {
        // `applicable du 1er septembre 2O22` is reported once, not also as missing.
        if self.section == Some(Section::Header) {
            let first = statement.text.split_whitespace().next().unwrap_or("");
            match lines::fold(first).as_str() {
                "applicable" => self.saw_applicable = true,
                // Reported here, not again as a missing territory.
                "territoire" => self.file.header.territory_span = Some(statement.span),
                _ => {}
            }
        }
        if let Some(name) = defined_name(statement.text) {
            self.broken_names.push(name);
        }
        if statement.text.trim_start().starts_with('|')
            && self.open == Open::Table
            && let Some(ast::ArticleItem::Table(table)) = self.last_item_mut()
        {
            table.incomplete = true;
        }
        self.errors.push(error);
    }

    fn error(&mut self, kind: SyntaxErrorKind, span: Span) {
        self.errors.push(SyntaxError { kind, span });
    }

    /// Whether the current article has opened a `facturation des …` (its rules go to
    /// the end of the article).
    fn in_billing(&self) -> bool {
        self.file.articles.last().is_some_and(|a| {
            a.items
                .iter()
                .any(|i| matches!(i, ast::ArticleItem::Billing(_)))
        })
    }

    fn last_item_mut(&mut self) -> Option<&mut ast::ArticleItem> {
        self.file.articles.last_mut()?.items.last_mut()
    }

    /// Checks, once the file is read, what must be there.
    fn finish(&mut self, source: &str) {
        let header = &self.file.header;
        let end = source.trim_end().len();
        let at = header.title_span.unwrap_or(Span::new(0, end.min(1)));
        if header.title.is_none()
            && !self
                .errors
                .iter()
                .any(|e| e.kind == SyntaxErrorKind::MissingTitle)
        {
            self.error(SyntaxErrorKind::MissingTitle, Span::new(0, 0));
        } else if header.applicable_from.is_none() && header.title.is_some() && !self.saw_applicable
        {
            self.error(
                SyntaxErrorKind::MissingHeaderLine(HeaderLine::Applicable),
                at,
            );
        }
        for article in &self.file.articles {
            for item in &article.items {
                if let ast::ArticleItem::Table(table) = item
                    && table.header.is_none()
                {
                    self.errors.push(SyntaxError {
                        kind: SyntaxErrorKind::EmptyTable,
                        span: table.head_span,
                    });
                }
            }
        }
    }
}

/// Whether a statement is the head of a section (`délibération « … »`, `entrées`,
/// `article 3 « … »`, `exemple « … »`), as the lowering reads it.
pub fn is_section_head(text: &str) -> bool {
    opens_section(text) && DeliberationParser::parse(Rule::section_head, text).is_ok()
}

/// Whether a statement starts with a word that opens a section (a cheap test before
/// the parse).
fn opens_section(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    matches!(
        lines::fold(first).as_str(),
        "deliberation" | "entrees" | "article" | "exemple"
    )
}

/// The row `statement` with the cell `fix` proposes written in place of its cell, as
/// wide as it was when it fits (the pipes stay aligned).
fn whole_row(statement: Statement<'_>, fix: &(String, Span)) -> (String, Span) {
    let (cell, span) = fix;
    let start = span.start.saturating_sub(statement.span.start);
    let end = span.end.saturating_sub(statement.span.start);
    let text = statement.text;
    let (Some(before), Some(after), Some(old)) =
        (text.get(..start), text.get(end..), text.get(start..end))
    else {
        return (cell.clone(), *span);
    };
    let width = old.chars().count();
    let padding = width.saturating_sub(cell.chars().count());
    let row = format!("{before}{cell}{}{after}", " ".repeat(padding));
    (row, statement.span)
}

/// The first line of a statement, for errors about the whole statement.
fn first_line(statement: Statement<'_>) -> Span {
    let len = statement.text.find('\n').unwrap_or(statement.text.len());
    Span::new(statement.span.start, statement.span.start + len)
}

/// When a statement fails in its section but reads as a statement of another section,
/// the error says it is misplaced.
fn misplaced(statement: Statement<'_>, section: Section) -> Option<SyntaxError> {
    let candidates = [
        (
            Rule::header_item,
            StatementKind::HeaderLine,
            Section::Header,
        ),
        (Rule::input_decl, StatementKind::InputDecl, Section::Inputs),
        (
            Rule::article_item,
            StatementKind::ArticleRule,
            Section::Article,
        ),
        (
            Rule::example_item,
            StatementKind::ExampleLine,
            Section::Example,
        ),
    ];
    candidates
        .into_iter()
        .filter(|(_, _, home)| *home != section)
        .find(|(rule, _, _)| DeliberationParser::parse(*rule, statement.text).is_ok())
        .map(|(_, kind, _)| SyntaxError {
            kind: SyntaxErrorKind::Misplaced {
                statement: kind,
                section,
            },
            span: first_line(statement),
        })
}

/// The name a broken statement meant to define: `x` in `x : …` or `x = …`, `repas`
/// in `tarif repas …`.
fn defined_name(text: &str) -> Option<String> {
    let mut words = text.split(|c: char| !(c.is_alphanumeric() || c == '_'));
    let first = words.next()?;
    if lines::fold(first) == "tarif" {
        return words.find(|w| !w.is_empty()).map(str::to_string);
    }
    let rest = text[first.len()..].trim_start();
    (!first.is_empty() && (rest.starts_with(':') || rest.starts_with('=')))
        .then(|| first.to_string())
}

/// A `text` pair: the inside of `« … »`, trimmed.
fn text(pair: Pair<'_, Rule>, offset: usize) -> ast::Text {
    let span = span(&pair, offset);
    let inside = pair.into_inner().next().map_or("", |p| p.as_str());
    ast::Text {
        text: inside.trim().to_string(),
        span,
    }
}

/// The span of a pair in the file.
fn span(pair: &Pair<'_, Rule>, offset: usize) -> Span {
    let s = pair.as_span();
    Span::new(s.start() + offset, s.end() + offset)
}

/// A name pair (`word`, `reference`, `choice_value`). A value of a `choix` written in
/// several words (`hors commune`) is named by its words joined with `_`.
fn name(pair: &Pair<'_, Rule>, offset: usize) -> ast::Name {
    let text = pair.as_str();
    ast::Name {
        text: if text.contains(' ') {
            joined_words(text)
        } else {
            text.to_string()
        },
        span: span(pair, offset),
    }
}

/// `hors commune` → `hors_commune`: the name of a value of a `choix` of several words.
fn joined_words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("_")
}
