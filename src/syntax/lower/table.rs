//! Table rows: each cell is parsed on its own, as a name, a row condition or a value.

use pest::iterators::Pair;

use super::items::{date, is_yes, quantity};
use super::{Lowerer, Open, Rule, inner, name, parse, span};
use crate::span::Span;
use crate::syntax::ast::{
    self, ArticleItem, BoundLit, BoundValue, Column, Condition, ConditionKind, Literal,
};
use crate::syntax::error::{Section, StatementKind, SyntaxError, SyntaxErrorKind};

type Result<T> = std::result::Result<T, SyntaxError>;

/// The text of a cell and where it is.
struct RawCell<'s> {
    text: &'s str,
    span: Span,
}

impl Lowerer {
    /// A `| … |` line: the header row of the open table, or one of its data rows.
    pub(super) fn table_row(
        &mut self,
        row: Pair<'_, Rule>,
        offset: usize,
        span: Span,
        open: Open,
    ) -> Result<()> {
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
        let ends_with_bar = row.as_str().trim_end().ends_with('|');
        let mut cells: Vec<RawCell<'_>> = row
            .into_inner()
            .filter(|p| p.as_rule() == Rule::raw_cell)
            .map(|p| RawCell {
                text: p.as_str(),
                span: super::span(&p, offset),
            })
            .collect();
        if ends_with_bar && cells.last().is_some_and(|c| c.text.trim().is_empty()) {
            cells.pop();
        }
        let mut cells = cells.into_iter();
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
    let pair = parse_cell(cell, Rule::cell)?;
    let offset = cell.span.start;
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

/// The bounds of a numeric or date row.
fn interval(form: Pair<'_, Rule>, offset: usize) -> Result<ConditionKind> {
    let rule = form.as_rule();
    let at = span(&form, offset);
    let mut values = Vec::new();
    let mut pairs = Vec::new();
    for part in form.into_inner() {
        match part.as_rule() {
            Rule::quantity => values.push(BoundValue::Quantity(quantity(&part, offset)?)),
            Rule::date_literal => values.push(BoundValue::Date(date(&part, offset)?)),
            Rule::comparison_bound => pairs.push(comparison_bound(part, offset)?),
            _ => {}
        }
    }
    let inclusive = |value: BoundValue| {
        Some(BoundLit {
            value,
            inclusive: true,
        })
    };
    let exclusive = |value: BoundValue| {
        Some(BoundLit {
            value,
            inclusive: false,
        })
    };
    let mut values = values.into_iter();
    let (a, b) = (values.next(), values.next());
    let (low, high) = match (rule, a, b) {
        (Rule::dates_between | Rule::range_closed, Some(a), Some(b)) => {
            (inclusive(a), inclusive(b))
        }
        (Rule::range_below, Some(a), Some(b)) => (inclusive(a), exclusive(b)),
        (Rule::dates_until | Rule::at_most, Some(a), _) => (None, inclusive(a)),
        (Rule::below, Some(a), _) => (None, exclusive(a)),
        (Rule::above, Some(a), _) => (exclusive(a), None),
        (Rule::dates_from | Rule::at_least | Rule::and_more, Some(a), _) => (inclusive(a), None),
        (Rule::exactly, Some(a), _) => (inclusive(a), inclusive(a)),
        (Rule::bounds_pair, _, _) => {
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
