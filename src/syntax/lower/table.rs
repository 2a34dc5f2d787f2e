//! Table rows: each cell is parsed on its own, as a name, a row condition or a value.

use pest::iterators::Pair;

use super::items::{date, is_yes, quantity};
use super::{Lowerer, Open, Rule, inner, name, parse, span};
use crate::span::Span;
use crate::syntax::ast::{
    self, ArticleItem, BoundLit, BoundValue, Column, Condition, ConditionKind, Literal,
};
use crate::syntax::error::{Section, StatementKind, SyntaxError, SyntaxErrorKind};
use crate::syntax::lines;

type Result<T> = std::result::Result<T, SyntaxError>;

/// The text of a cell and where it is.
struct RawCell<'s> {
    text: &'s str,
    span: Span,
}

impl Lowerer {
    /// A `| … |` line: the header row of the open table, or one of its data rows.
    pub(super) fn table_row(&mut self, text: &str, span: Span, open: Open) -> Result<()> {
        let table = match (open, self.last_item_mut()) {
            (Open::Table, Some(ArticleItem::Table(table))) => table,
            _ => {
                return Err(SyntaxError {
                    kind: SyntaxErrorKind::Misplaced {
                        statement: StatementKind::TableRow,
                        section: Section::Article,
                    },
                    span,
                });
            }
        };
        let mut cells = split_cells(text, span.start).into_iter();
        let first = cells.next().ok_or(SyntaxError {
            kind: SyntaxErrorKind::EmptyCell,
            span,
        })?;
        if table.header.is_none() {
            let crossed = table.column_key.is_some();
            let named = table.name.is_some();
            // The key's column may be headed in words: `| Quotient familial | … |`.
            let key = header_name(&first).unwrap_or_else(|_| ast::Name {
                text: first.text.to_string(),
                span: first.span,
            });
            let mut first_error = None;
            let mut columns = Vec::new();
            for cell in cells {
                let column = if crossed {
                    condition(&cell).map(|(c, _)| Column::Condition(c))
                } else {
                    header_column(&cell).or_else(|error| label_column(&cell, named, error))
                };
                match column {
                    Ok(column) => columns.push(column),
                    Err(error) => {
                        first_error.get_or_insert(error);
                    }
                }
            }
            // The rows below stay data rows even when a column could not be read.
            table.header = Some(ast::HeaderRow {
                key,
                columns,
                complete: first_error.is_none(),
            });
            if let Some(error) = first_error {
                table.incomplete = true;
                return Err(error);
            }
            return Ok(());
        }
        let key_label = table.header.as_ref().map(|h| h.key.text.clone());
        let parsed = condition(&first).and_then(|(condition, mention)| {
            if let Some(mention) = mention {
                names_key(&mention, &table.key, key_label.as_deref())?;
            }
            let cells = cells.map(|c| cell(&c)).collect::<Result<Vec<_>>>()?;
            Ok(ast::Row {
                condition,
                cells,
                span,
            })
        });
        match parsed {
            Ok(row) => {
                table.rows.push(row);
                Ok(())
            }
            Err(error) => {
                table.incomplete = true;
                Err(error)
            }
        }
    }
}

/// Checks that the key a row names (`QF` in `QF < 600`) is the grid's: its name, the
/// label of its column, or `QF`, compared without case or accents.
fn names_key(mention: &ast::Name, key: &ast::Name, label: Option<&str>) -> Result<()> {
    let written = lines::fold(&mention.text);
    let same = |other: &str| lines::fold(other) == written;
    if same(&key.text) || label.is_some_and(same) || written == "qf" {
        return Ok(());
    }
    Err(SyntaxError {
        kind: SyntaxErrorKind::RowNamesOtherKey {
            written: mention.text.clone(),
            key: key.text.clone(),
        },
        span: mention.span,
    })
}

/// The cells of `| a | b |` (found at `offset`): the text between bars, without the
/// comment that may end the line. The last bar may be left out. A line without bars
/// whose cells are separated by tabs (pasted from a spreadsheet) is cut on the tabs.
fn split_cells(text: &str, offset: usize) -> Vec<RawCell<'_>> {
    let code = lines::strip_comment(text).trim_end();
    let (inside, mut start, separator) = match code.strip_prefix('|') {
        Some(inside) => (inside.strip_suffix('|').unwrap_or(inside), offset + 1, '|'),
        None if code.contains('\t') => (code, offset, '\t'),
        None => return Vec::new(),
    };
    let mut cells = Vec::new();
    for piece in inside.split(separator) {
        let trimmed = piece.trim_start();
        let lead = piece.len() - trimmed.len();
        let text = trimmed.trim_end();
        let span = if text.is_empty() {
            // An empty cell is shown as the blank between its bars.
            Span::new(start, start + piece.len())
        } else {
            Span::new(start + lead, start + lead + text.len())
        };
        cells.push(RawCell { text, span });
        start += piece.len() + 1;
    }
    cells
}

fn parse_cell<'s>(cell: &RawCell<'s>, rule: Rule) -> Result<Pair<'s, Rule>> {
    if cell.text.trim().is_empty() {
        return Err(SyntaxError {
            kind: SyntaxErrorKind::EmptyCell,
            span: cell.span,
        });
    }
    let parsed = parse(rule, cell.text, cell.span.start).map_err(|mut error| {
        // The cell as it would be accepted; the row's statement makes it the whole row.
        if let SyntaxErrorKind::Unexpected { fix, .. } = &mut error.kind {
            *fix = super::repair::propose(rule, cell.text).map(|text| (text, cell.span));
        }
        error
    })?;
    inner(parsed.pair).ok_or(SyntaxError {
        kind: SyntaxErrorKind::EmptyCell,
        span: cell.span,
    })
}

fn header_name(cell: &RawCell<'_>) -> Result<ast::Name> {
    let pair = parse_cell(cell, Rule::header_name)?;
    Ok(name(&pair, cell.span.start))
}

/// A column of a simple table: its name and, if written, its unit.
fn header_column(cell: &RawCell<'_>) -> Result<Column> {
    let parsed = parse(Rule::header_name, cell.text, cell.span.start)?;
    let mut parts = parsed.pair.into_inner();
    let Some(word) = parts.next() else {
        return Err(empty(cell.span));
    };
    let unit = parts
        .find(|p| p.as_rule() == Rule::unit)
        .map(|u| match u.as_str() {
            "%" => ast::Unit::Percent,
            _ => ast::Unit::Euro,
        });
    Ok(Column::Name(name(&word, cell.span.start), unit))
}

/// A column headed by words (`Tarif ½ heure`): the label of the only column of a
/// named grid (`demi_heure selon qf`), whose name is the grid's; in a `grille`, the
/// error says which name to write.
fn label_column(cell: &RawCell<'_>, named: bool, error: SyntaxError) -> Result<Column> {
    if cell.text.trim().is_empty() {
        return Err(error);
    }
    let label = ast::Name {
        text: cell.text.to_string(),
        span: cell.span,
    };
    if named {
        return Ok(Column::Name(label, None));
    }
    let suggestion: String = lines::fold(&cell.text.replace('½', " demi "))
        .split(|c: char| !(c.is_ascii_alphanumeric() || c.is_alphabetic()))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    Err(SyntaxError {
        kind: SyntaxErrorKind::ColumnNotName {
            written: cell.text.to_string(),
            suggestion,
        },
        span: cell.span,
    })
}

fn cell(cell: &RawCell<'_>) -> Result<ast::Cell> {
    let offset = cell.span.start;
    if let Ok(parsed) = parse(Rule::plain_quantity, cell.text, offset)
        && let Some(q) = inner(parsed.pair)
    {
        let q = quantity(&q, offset)?;
        return Ok(ast::Cell::Value(ast::Expr::new(
            ast::ExprKind::Quantity(q),
            q.span,
        )));
    }
    let pair = parse_cell(cell, Rule::cell)?;
    if pair.as_rule() == Rule::not_applicable {
        return Ok(ast::Cell::NotApplicable(span(&pair, offset)));
    }
    super::expr::expr(pair, offset).map(ast::Cell::Value)
}

/// The condition of a row, and the key as the row names it (`QF` in `QF < 600`).
fn condition(cell: &RawCell<'_>) -> Result<(Condition, Option<ast::Name>)> {
    let pair = parse_cell(cell, Rule::row_condition)?;
    let mut mention = None;
    let offset = cell.span.start;
    let written = cell.text.trim().to_string();
    let at = span(&pair, offset);
    let kind = match pair.as_rule() {
        Rule::condition_unknown => ConditionKind::Unknown,
        Rule::condition_other => ConditionKind::Other,
        Rule::condition_values => ConditionKind::Values(
            pair.into_inner()
                .filter_map(|p| p.into_inner().next())
                .map(|v| match v.as_rule() {
                    Rule::boolean => Literal::Bool(is_yes(v.clone()), span(&v, offset)),
                    _ => Literal::Word(name(&v, offset)),
                })
                .collect(),
        ),
        Rule::condition_dates | Rule::condition_numeric => interval(pair, offset, &mut mention)?,
        Rule::condition_ordinal => ordinal(pair, offset)?,
        _ => return Err(empty(at)),
    };
    let condition = Condition {
        kind,
        written,
        span: at,
    };
    Ok((condition, mention))
}

fn empty(span: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::EmptyCell,
        span,
    }
}

/// The bounds of a row on numbers or dates; `mention` gets the key when the row names
/// it (`QF < 600`).
fn interval(
    form: Pair<'_, Rule>,
    offset: usize,
    mention: &mut Option<ast::Name>,
) -> Result<ConditionKind> {
    let at = span(&form, offset);
    let mut low = None;
    let mut high = None;
    for part in form.into_inner() {
        let ok = match part.as_rule() {
            Rule::from_quantity => {
                let (l, h) = from_quantity(part, offset)?;
                low = l;
                high = h;
                true
            }
            Rule::keyed_from => {
                for inner in part.into_inner() {
                    match inner.as_rule() {
                        Rule::key_mention => *mention = Some(name(&inner, offset)),
                        Rule::from_quantity => (low, high) = from_quantity(inner, offset)?,
                        _ => {}
                    }
                }
                true
            }
            Rule::between_row => {
                let mut values = part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::quantity)
                    .map(|q| quantity(&q, offset));
                let bound = |q: ast::Quantity| BoundLit {
                    value: BoundValue::Quantity(q),
                    inclusive: true,
                };
                low = values.next().transpose()?.map(bound);
                high = values.next().transpose()?.map(bound);
                true
            }
            Rule::keyed_range => {
                let mut inclusive = Vec::new();
                let mut values = Vec::new();
                for inner in part.into_inner() {
                    match inner.as_rule() {
                        Rule::low_compare | Rule::high_compare => {
                            inclusive.push(inner.as_str() != "<");
                        }
                        Rule::quantity => values.push(quantity(&inner, offset)?),
                        Rule::key_mention => *mention = Some(name(&inner, offset)),
                        _ => {}
                    }
                }
                let mut values = values.into_iter();
                let mut inclusive = inclusive.into_iter();
                let mut bound = || {
                    Some(BoundLit {
                        value: BoundValue::Quantity(values.next()?),
                        inclusive: inclusive.next()?,
                    })
                };
                low = bound();
                high = bound();
                true
            }
            Rule::keyed_side => {
                let mut operator = None;
                let mut value = None;
                for inner in part.into_inner() {
                    match inner.as_rule() {
                        Rule::key_mention => *mention = Some(name(&inner, offset)),
                        Rule::key_compare => operator = Some(inner.as_str().to_string()),
                        Rule::quantity => value = Some(quantity(&inner, offset)?),
                        Rule::one_side => {
                            if let Some(side) = inner.into_inner().next() {
                                let (is_low, bound) = one_side(side, offset)?;
                                let slot = if is_low { &mut low } else { &mut high };
                                *slot = Some(bound);
                            }
                        }
                        _ => {}
                    }
                }
                if let (Some(operator), Some(value)) = (operator, value) {
                    let is_low = operator.starts_with(['>', '≥']);
                    let bound = BoundLit {
                        value: BoundValue::Quantity(value),
                        inclusive: matches!(operator.as_str(), "≤" | "<=" | "≥" | ">="),
                    };
                    let slot = if is_low { &mut low } else { &mut high };
                    *slot = Some(bound);
                }
                true
            }
            Rule::one_side => match part.into_inner().next() {
                Some(side) => {
                    let (is_low, bound) = one_side(side, offset)?;
                    let slot = if is_low { &mut low } else { &mut high };
                    slot.replace(bound).is_none()
                }
                None => true,
            },
            // A dates rule: `du D au D`, `jusqu'au D`, `à partir du D`.
            rule @ (Rule::dates_between | Rule::dates_until | Rule::dates_from) => {
                let mut dates = Vec::new();
                for d in part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::date_literal)
                {
                    dates.push(BoundValue::Date(date(&d, offset)?));
                }
                let bound = |value: BoundValue| BoundLit {
                    value,
                    inclusive: true,
                };
                let mut dates = dates.into_iter();
                match rule {
                    Rule::dates_between => {
                        low = dates.next().map(bound);
                        high = dates.next().map(bound);
                    }
                    Rule::dates_until => high = dates.next().map(bound),
                    _ => low = dates.next().map(bound),
                }
                true
            }
            _ => true,
        };
        if !ok {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::SameSideBounds,
                span: at,
            });
        }
    }
    if low.is_none() && high.is_none() {
        return Err(empty(at));
    }
    Ok(ConditionKind::Interval { low, high })
}

/// The number of an ordinal: `3ème` is 3, `2 ème` is 2.
pub(super) fn ordinal_number(ordinal: &Pair<'_, Rule>) -> Option<u32> {
    let digits: String = ordinal
        .as_str()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let folded = crate::syntax::lines::fold(ordinal.as_str());
    let rank = [
        "prem", "deux", "trois", "quatr", "cinq", "six", "sept", "huit", "neuv", "dix",
    ]
    .iter()
    .position(|stem| folded.starts_with(stem))
    .map_or(2, |i| i + 1); // `second`, `seconde`
    u32::try_from(rank).ok()
}

/// `deux` … `dix`, as written in `les deux premiers jours`.
pub(super) fn number_in_letters(word: &str) -> Option<u32> {
    let folded = crate::syntax::lines::fold(word);
    let rank = [
        "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    ]
    .iter()
    .position(|w| *w == folded)?;
    u32::try_from(rank + 1).ok()
}

/// A rank as published: `2e enfant` is 2, `3e et suivants` and `à partir du 3e` are
/// 3 and more.
fn ordinal(form: Pair<'_, Rule>, offset: usize) -> Result<ConditionKind> {
    let at = span(&form, offset);
    let mut value = None;
    let mut and_more = false;
    for part in form.into_inner() {
        match part.as_rule() {
            Rule::ordinal => {
                value = ordinal_number(&part).map(|n| ast::Quantity {
                    value: rust_decimal::Decimal::from(n),
                    unit: ast::Unit::Bare,
                    span: span(&part, offset),
                });
            }
            Rule::and_following | Rule::kw_partir | Rule::kw_des_le | Rule::kw_des_la => {
                and_more = true
            }
            _ => {}
        }
    }
    let bound = value.map(|q| BoundLit {
        value: BoundValue::Quantity(q),
        inclusive: true,
    });
    let Some(low) = bound else {
        return Err(empty(at));
    };
    Ok(ConditionKind::Interval {
        low: Some(low),
        high: if and_more { None } else { Some(low) },
    })
}

/// `de 401 à 600 €`, `de 400 à moins de 640 €`, `2 051 et plus`, `3`.
fn from_quantity(
    form: Pair<'_, Rule>,
    offset: usize,
) -> Result<(Option<BoundLit>, Option<BoundLit>)> {
    let mut values = Vec::new();
    let mut lower_excluded = false;
    let mut upper_excluded = false;
    let mut ranged = false;
    let mut and_more = false;
    for part in form.into_inner() {
        match part.as_rule() {
            Rule::quantity => values.push(quantity(&part, offset)?),
            // `de 0 € exclu à …`
            Rule::bound_mark => lower_excluded = is_excluded(&part),
            Rule::range_end => {
                ranged = true;
                for inner in part.into_inner() {
                    match inner.as_rule() {
                        Rule::upper_exclusive => upper_excluded = true,
                        Rule::quantity => values.push(quantity(&inner, offset)?),
                        // `… à 600 € exclu`, `… à 600 € inclus`
                        Rule::bound_mark => upper_excluded = is_excluded(&inner),
                        _ => {}
                    }
                }
            }
            Rule::and_more => and_more = true,
            _ => {}
        }
    }
    let bound = |q: ast::Quantity, inclusive: bool| BoundLit {
        value: BoundValue::Quantity(q),
        inclusive,
    };
    let mut values = values.into_iter();
    let first = values.next().map(|q| bound(q, !lower_excluded));
    Ok(match (ranged, and_more) {
        (true, _) => (first, values.next().map(|q| bound(q, !upper_excluded))),
        (false, true) => (first, None),
        (false, false) => (first, first),
    })
}

/// Whether a `bound_mark` says the bound is out of the range (`exclu`, `non compris`).
fn is_excluded(mark: &Pair<'_, Rule>) -> bool {
    mark.clone()
        .into_inner()
        .any(|p| p.as_rule() == Rule::bound_excluded)
}

/// `jusqu'à 400 €`, `moins de 400`, `> 400`, `à partir de 511 €`: whether the bound is
/// a lower one, and the bound.
fn one_side(side: Pair<'_, Rule>, offset: usize) -> Result<(bool, BoundLit)> {
    let rule = side.as_rule();
    let at = span(&side, offset);
    // `jusqu'à 600 € exclu`: below 600.
    let excluded = side
        .clone()
        .into_inner()
        .any(|p| p.as_rule() == Rule::bound_mark && is_excluded(&p));
    let value = side
        .into_inner()
        .find(|p| p.as_rule() == Rule::quantity)
        .map(|q| quantity(&q, offset))
        .transpose()?
        .ok_or(empty(at))?;
    let (is_low, inclusive) = match rule {
        Rule::at_most => (false, !excluded),
        Rule::below => (false, false),
        Rule::above => (true, false),
        _ => (true, !excluded),
    };
    Ok((
        is_low,
        BoundLit {
            value: BoundValue::Quantity(value),
            inclusive,
        },
    ))
}
