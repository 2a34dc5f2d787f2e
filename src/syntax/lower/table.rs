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
            let key = header_name(&first)?;
            let columns = cells
                .map(|cell| {
                    if crossed {
                        condition(&cell).map(Column::Condition)
                    } else {
                        header_name(&cell).map(Column::Name)
                    }
                })
                .collect::<Result<Vec<_>>>();
            let columns = columns.inspect_err(|_| table.incomplete = true)?;
            table.header = Some(ast::HeaderRow { key, columns });
            return Ok(());
        }
        let parsed = condition(&first).and_then(|condition| {
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

/// The cells of `| a | b |` (found at `offset`): the text between bars, without the
/// comment that may end the line. The last bar may be left out.
fn split_cells(text: &str, offset: usize) -> Vec<RawCell<'_>> {
    let code = lines::strip_comment(text).trim_end();
    let Some(inside) = code.strip_prefix('|') else {
        return Vec::new();
    };
    let inside = inside.strip_suffix('|').unwrap_or(inside);
    let mut cells = Vec::new();
    let mut start = offset + 1;
    for piece in inside.split('|') {
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
    let parsed = parse(rule, cell.text, cell.span.start)?;
    inner(parsed.pair).ok_or(SyntaxError {
        kind: SyntaxErrorKind::EmptyCell,
        span: cell.span,
    })
}

fn header_name(cell: &RawCell<'_>) -> Result<ast::Name> {
    let pair = parse_cell(cell, Rule::header_name)?;
    Ok(name(&pair, cell.span.start))
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

fn condition(cell: &RawCell<'_>) -> Result<Condition> {
    let pair = parse_cell(cell, Rule::row_condition)?;
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
        Rule::condition_dates | Rule::condition_numeric => {
            let Some(form) = pair.into_inner().next() else {
                return Err(empty(at));
            };
            interval(form, offset)?
        }
        _ => return Err(empty(at)),
    };
    Ok(Condition {
        kind,
        written,
        span: at,
    })
}

fn empty(span: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::EmptyCell,
        span,
    }
}

/// The shape of a row condition on numbers or dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `3`
    Exactly,
    /// `de 401 à 600 €`, `du 01/09/2024 au 31/08/2025`
    Closed,
    /// `de 400 à moins de 640 €`
    UpperExcluded,
    /// `jusqu'à 400 €`, `jusqu'au 31/08/2024`
    AtMost,
    /// `moins de 400 €`
    Below,
    /// `plus de 2 000 €`
    Above,
    /// `à partir de 511 €`, `2 051 et plus`, `à partir du 01/09/2025`
    AtLeast,
    /// `> 400 et ≤ 600`
    Pair,
}

/// The shape of a condition rule, and its parts (the end of a range flattened in).
fn shape(form: Pair<'_, Rule>) -> (Shape, Vec<Pair<'_, Rule>>) {
    let rule = form.as_rule();
    let parts: Vec<Pair<'_, Rule>> = form.into_inner().collect();
    let shape = match rule {
        Rule::dates_between => Shape::Closed,
        Rule::dates_until | Rule::at_most => Shape::AtMost,
        Rule::below => Shape::Below,
        Rule::above => Shape::Above,
        Rule::dates_from | Rule::at_least => Shape::AtLeast,
        Rule::bounds_pair => Shape::Pair,
        _ => {
            let mut shape = Shape::Exactly;
            let mut flat = Vec::new();
            for part in parts {
                match part.as_rule() {
                    Rule::range_end => {
                        shape = Shape::Closed;
                        for inner in part.into_inner() {
                            if inner.as_rule() == Rule::upper_exclusive {
                                shape = Shape::UpperExcluded;
                            }
                            flat.push(inner);
                        }
                    }
                    Rule::and_more => shape = Shape::AtLeast,
                    _ => flat.push(part),
                }
            }
            return (shape, flat);
        }
    };
    (shape, parts)
}

/// The bounds of a numeric or date row.
fn interval(form: Pair<'_, Rule>, offset: usize) -> Result<ConditionKind> {
    let at = span(&form, offset);
    let (shape, parts) = shape(form);
    let mut values = Vec::new();
    let mut pairs = Vec::new();
    for part in parts {
        match part.as_rule() {
            Rule::quantity => values.push(BoundValue::Quantity(quantity(&part, offset)?)),
            Rule::date_literal => values.push(BoundValue::Date(date(&part, offset)?)),
            Rule::comparison_bound => pairs.push(comparison_bound(part, offset)?),
            _ => {}
        }
    }
    let bound = |value: BoundValue, inclusive: bool| Some(BoundLit { value, inclusive });
    let mut values = values.into_iter();
    let (low, high) = match (shape, values.next(), values.next()) {
        (Shape::Closed, Some(a), Some(b)) => (bound(a, true), bound(b, true)),
        (Shape::UpperExcluded, Some(a), Some(b)) => (bound(a, true), bound(b, false)),
        (Shape::AtMost, Some(a), _) => (None, bound(a, true)),
        (Shape::Below, Some(a), _) => (None, bound(a, false)),
        (Shape::Above, Some(a), _) => (bound(a, false), None),
        (Shape::AtLeast, Some(a), _) => (bound(a, true), None),
        (Shape::Exactly, Some(a), _) => (bound(a, true), bound(a, true)),
        (Shape::Pair, _, _) => {
            let mut low = None;
            let mut high = None;
            for (is_low, bound) in pairs {
                let side = if is_low { &mut low } else { &mut high };
                if side.is_some() {
                    return Err(SyntaxError {
                        kind: SyntaxErrorKind::SameSideBounds,
                        span: at,
                    });
                }
                *side = Some(bound);
            }
            (low, high)
        }
        _ => return Err(empty(at)),
    };
    Ok(ConditionKind::Interval { low, high })
}

/// `≤ 600`: whether it is a lower bound, and the bound.
fn comparison_bound(pair: Pair<'_, Rule>, offset: usize) -> Result<(bool, BoundLit)> {
    let mut operator = "";
    let mut value = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::bound_operator => operator = part.as_str(),
            Rule::quantity => value = Some(quantity(&part, offset)?),
            _ => {}
        }
    }
    let value = value.ok_or(empty(Span::new(offset, offset)))?;
    let (is_low, inclusive) = match operator {
        ">" => (true, false),
        "≥" | ">=" => (true, true),
        "<" => (false, false),
        _ => (false, true),
    };
    Ok((
        is_low,
        BoundLit {
            value: BoundValue::Quantity(value),
            inclusive,
        },
    ))
}
