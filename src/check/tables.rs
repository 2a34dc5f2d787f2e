//! Tables: the cells of each column typed, the rows turned into sets of key values, and
//! the coverage of the key proved (or every gap and overlap reported).

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::Checker;
use super::coverage::{self, Finding};
use super::error::{CheckError, CheckErrorKind, Gap, GapFix, KeyKind, Unreachable};
use super::facts::{Facts, Ty};
use super::names::NameRef;
use crate::rules::{self, Bound, Interval, RowMatch, Value};
use crate::span::Span;
use crate::syntax::ast::{self, BoundValue, Cell, Column, ConditionKind, ExprKind, Literal, Unit};

impl Checker<'_> {
    /// Checks the cells of one column of table `t` and gives the facts of its values.
    pub(super) fn column(&mut self, t: usize, column: usize) -> Facts {
        let Some(entry) = self.symbols.tables.get(t).copied() else {
            return Facts::error();
        };
        let table = entry.table;
        let crossed = table.column_key.is_some();
        let defined = match (
            &table.name,
            table.header.as_ref().and_then(|h| h.columns.get(column)),
        ) {
            (Some(name), _) => Some(name.text.as_str()),
            (None, Some(Column::Name(name, _))) => Some(name.text.as_str()),
            _ => None,
        };
        let is_tariff = defined.is_some_and(|n| self.symbols.is_tariff(n));
        let written = match table.header.as_ref().and_then(|h| h.columns.get(column)) {
            Some(Column::Name(_, unit)) if !crossed => *unit,
            _ => None,
        };
        let unit = match (written, is_tariff) {
            (Some(unit), _) => unit,
            (None, true) => Unit::Euro,
            (None, false) => column_unit(table, column, crossed),
        };
        if self.table_cells.get(t).is_some_and(Vec::is_empty) {
            let width = table.header.as_ref().map_or(0, |h| h.columns.len());
            self.table_cells[t] = vec![vec![None; width]; table.rows.len()];
        }
        let mut facts: Option<Facts> = None;
        for (r, row) in table.rows.iter().enumerate() {
            // The column's own cell, found by index (a grid of n columns costs n, not
            // n²); every cell of a crossed table.
            let cells: Vec<(usize, &Cell)> = if crossed {
                row.cells.iter().enumerate().collect()
            } else {
                row.cells
                    .get(column)
                    .map(|cell| (column, cell))
                    .into_iter()
                    .collect()
            };
            for (c, cell) in cells {
                let Cell::Value(value) = cell else {
                    continue;
                };
                let (typed, cell_facts) = match &value.kind {
                    ExprKind::Quantity(q) if q.unit == Unit::Bare => (
                        rules::Expr {
                            kind: rules::ExprKind::Const(Value::Number(q.value)),
                            span: value.span,
                        },
                        super::expr::quantity_facts(q.value, unit),
                    ),
                    _ => self.expr(value, &Vec::new()),
                };
                if is_tariff && !matches!(cell_facts.ty, Ty::Amount | Ty::Error) {
                    self.mismatch(super::error::TyExpected::Amount, &cell_facts.ty, value.span);
                }
                if let Some(slot) = self
                    .table_cells
                    .get_mut(t)
                    .and_then(|rows| rows.get_mut(r))
                    .and_then(|cells| cells.get_mut(c))
                {
                    *slot = Some(typed);
                }
                facts = Some(match facts {
                    None => cell_facts,
                    Some(acc) => self.unify(acc, &cell_facts, value.span),
                });
            }
        }
        let mut facts = facts.unwrap_or_else(Facts::error);
        let catches_unknown = table
            .rows
            .iter()
            .any(|r| matches!(r.condition.kind, ConditionKind::Unknown));
        if !catches_unknown && let Some(key) = self.name_facts(&table.key.text) {
            facts.unknown.extend(key.unknown);
        }
        if let Some(column_key) = &table.column_key {
            let catches = table.header.as_ref().is_some_and(|h| {
                h.columns
                    .iter()
                    .any(|c| matches!(c, Column::Condition(c) if matches!(c.kind, ConditionKind::Unknown)))
            });
            if !catches && let Some(key) = self.name_facts(&column_key.text) {
                facts.unknown.extend(key.unknown);
            }
        }
        facts
    }

    /// The facts of a name already checked, without reporting anything.
    fn name_facts(&self, name: &str) -> Option<Facts> {
        if let Some((_, base)) = self.symbols.tariff(name) {
            let facts = self.definition_facts.get(base).cloned().flatten()?;
            return Some(Facts::final_price(facts, self.symbols.is_modified(name)));
        }
        match self.symbols.names.get(name)? {
            NameRef::Input(id) => self.input_facts.get(id.0 as usize).cloned(),
            NameRef::Definition(d) => self.definition_facts.get(*d).cloned().flatten(),
            NameRef::ServiceDate => Some(self.service_date.clone()),
        }
    }

    /// Checks the rows of table `t` against its key, and builds its rule.
    pub(super) fn table(&mut self, t: usize) {
        let Some(entry) = self.symbols.tables.get(t).copied() else {
            return;
        };
        let table = entry.table;
        let Some(header) = &table.header else {
            return;
        };
        let key_expr = ast::Expr::new(ExprKind::Name(table.key.text.clone()), table.key.span);
        let (key, key_facts) = self.expr(&key_expr, &Vec::new());
        // The key's column may carry a label (`QF`, `Quotient familial`): only another
        // declared name is a mistake.
        if header.key.text != table.key.text
            && (self.symbols.names.contains_key(header.key.text.as_str())
                || self.symbols.existing_choice(&header.key.text).is_some())
        {
            self.errors.push(CheckError {
                kind: CheckErrorKind::WrongTableKey {
                    expected: table.key.text.clone(),
                    found: header.key.text.clone(),
                },
                span: header.key.span,
            });
        }
        let width = header.columns.len();
        for row in &table.rows {
            if row.cells.len() != width && header.complete {
                self.errors.push(CheckError {
                    kind: CheckErrorKind::CellCount {
                        expected: width,
                        found: row.cells.len(),
                    },
                    span: row.span,
                });
            }
        }
        let conditions: Vec<&ast::Condition> = table.rows.iter().map(|r| &r.condition).collect();
        let matches = self.rows(&table.key.text, &key_facts, &conditions, table.incomplete);
        let column_key = match (&table.column_key, table.column_key.is_some()) {
            (Some(name), true) => {
                let expr = ast::Expr::new(ExprKind::Name(name.text.clone()), name.span);
                let (column_expr, column_facts) = self.expr(&expr, &Vec::new());
                let columns: Vec<&ast::Condition> = header
                    .columns
                    .iter()
                    .filter_map(|c| match c {
                        Column::Condition(c) => Some(c),
                        Column::Name(..) => None,
                    })
                    .collect();
                let column_matches =
                    self.rows(&name.text, &column_facts, &columns, table.incomplete);
                Some((column_expr, column_matches))
            }
            _ => None,
        };
        if table.column_key.is_none() {
            self.decreasing_prices(table, &matches);
        }
        self.not_applicable_cells(table);
        let cells = std::mem::take(&mut self.table_cells[t]);
        let article = Self::article_id(entry.article);
        let line = self.line(table.head_span);
        let rows = table
            .rows
            .iter()
            .zip(matches)
            .zip(cells)
            .map(|((row, matches), cells)| rules::Row {
                matches: matches.unwrap_or(RowMatch::Other),
                cells,
                written: row.condition.written.clone(),
                line: self.line(row.span),
            })
            .collect();
        let column_key = column_key.map(|(e, m)| {
            (
                e,
                m.into_iter()
                    .map(|m| m.unwrap_or(RowMatch::Other))
                    .collect(),
            )
        });
        let column_headers = header
            .columns
            .iter()
            .map(|c| match c {
                Column::Condition(c) => c.written.clone(),
                Column::Name(n, _) => n.text.clone(),
            })
            .collect();
        let key_header = header.key.text.replace('_', " ");
        self.tables[t] = Some(rules::Table {
            key,
            key_header,
            column_key,
            column_headers,
            rows,
            article,
            line,
        });
    }

    /// The sets of key values of `conditions`, with their coverage checked.
    fn rows(
        &mut self,
        key: &str,
        facts: &Facts,
        conditions: &[&ast::Condition],
        incomplete: bool,
    ) -> Vec<Option<RowMatch>> {
        let matches: Vec<Option<RowMatch>> = conditions
            .iter()
            .map(|c| self.row_match(key, facts, c))
            .collect();
        if matches.iter().any(Option::is_none) || facts.ty == Ty::Error {
            return matches;
        }
        for (condition, m) in conditions.iter().zip(&matches) {
            if m == &Some(RowMatch::Unknown) && facts.unknown.is_empty() {
                self.unreachable(key, Unreachable::NeverUnknown, condition.span);
            }
        }
        if incomplete {
            return matches;
        }
        match &facts.ty {
            Ty::Choice(values) => self.choice_coverage(key, values.clone(), conditions, &matches),
            Ty::Bool => {
                let values = [Value::Bool(true), Value::Bool(false)];
                self.value_coverage(key, &values, conditions, &matches);
            }
            _ => self.numeric_coverage(key, facts, conditions, &matches),
        }
        matches
    }

    fn choice_coverage(
        &mut self,
        key: &str,
        values: BTreeSet<rules::ChoiceId>,
        conditions: &[&ast::Condition],
        matches: &[Option<RowMatch>],
    ) {
        let values: Vec<Value> = values.into_iter().map(Value::Choice).collect();
        self.value_coverage(key, &values, conditions, matches);
    }

    /// Coverage of a key with a few values (`choix`, `booléen`).
    fn value_coverage(
        &mut self,
        key: &str,
        values: &[Value],
        conditions: &[&ast::Condition],
        matches: &[Option<RowMatch>],
    ) {
        let mut taken: Vec<(Value, Span)> = Vec::new();
        let mut other = None;
        for (condition, m) in conditions.iter().zip(matches) {
            match m {
                Some(RowMatch::Values(vs)) => {
                    for v in vs {
                        if let Some((_, first)) = taken.iter().find(|(t, _)| t == v) {
                            let kind = CheckErrorKind::RepeatedChoice {
                                value: self.value_name(v),
                                other: *first,
                            };
                            self.errors.push(CheckError {
                                kind,
                                span: condition.span,
                            });
                        } else {
                            taken.push((*v, condition.span));
                        }
                    }
                }
                Some(RowMatch::Other) => other = Some(condition.span),
                _ => {}
            }
        }
        let missing: Vec<String> = values
            .iter()
            .filter(|v| !taken.iter().any(|(t, _)| t == *v))
            .map(|v| self.value_name(v))
            .collect();
        match (other, missing.is_empty()) {
            (Some(span), true) => self.unreachable(key, Unreachable::NothingLeft, span),
            (None, false) => {
                let span = conditions.last().map(|c| c.span).unwrap_or_default();
                self.errors.push(CheckError {
                    kind: CheckErrorKind::MissingChoices {
                        key: key.to_string(),
                        values: missing,
                    },
                    span,
                });
            }
            _ => {}
        }
    }

    fn value_name(&self, value: &Value) -> String {
        match value {
            Value::Choice(id) => self.symbols.choice_name(*id).to_string(),
            Value::Bool(true) => "oui".to_string(),
            Value::Bool(false) => "non".to_string(),
            Value::Number(n) => n.to_string(),
            Value::Date(d) => d.to_string(),
        }
    }

    /// Coverage of a number, an amount or a date.
    fn numeric_coverage(
        &mut self,
        key: &str,
        facts: &Facts,
        conditions: &[&ast::Condition],
        matches: &[Option<RowMatch>],
    ) {
        let kind = key_kind(&facts.ty);
        let mut intervals = Vec::new();
        let mut positions = Vec::new();
        let mut other = None;
        for (i, m) in matches.iter().enumerate() {
            match m {
                Some(RowMatch::Interval(interval)) => {
                    intervals.push(*interval);
                    positions.push(i);
                }
                Some(RowMatch::Other) => other = conditions.get(i).map(|c| c.span),
                _ => {}
            }
        }
        self.out_of_order(&intervals, &positions, conditions);
        let span_of = |i: usize| {
            positions
                .get(i)
                .and_then(|p| conditions.get(*p))
                .map(|c| c.span)
        };
        let bounds_step = super::bounds::step(&intervals);
        if let Some(finer) = super::bounds::finer_than(facts.grain, kind, &intervals)
            && let (Some(span), super::facts::Grain::Step(step)) = (span_of(finer.row), facts.grain)
        {
            let input = matches!(self.symbols.names.get(key), Some(NameRef::Input(_)));
            self.errors.push(CheckError {
                kind: CheckErrorKind::BoundFinerThanKey {
                    key: key.to_string(),
                    bound: finer.value,
                    step,
                    kind,
                    others: finer.others,
                    input,
                    bounds_step,
                },
                span,
            });
        }
        let mut gaps = 0;
        for finding in coverage::numeric(facts.range, facts.grain, &intervals) {
            match finding {
                Finding::Unreachable(i) => {
                    if let Some(span) = span_of(i) {
                        self.unreachable(key, Unreachable::OutOfRange, span);
                    }
                }
                Finding::Overlap { gap, first, second } => {
                    let (Some(span), Some(other)) = (span_of(second), span_of(first)) else {
                        continue;
                    };
                    let kind = CheckErrorKind::TableOverlap {
                        key: key.to_string(),
                        gap,
                        kind,
                        other,
                    };
                    self.errors.push(CheckError { kind, span });
                }
                Finding::Gap { gap, after, before } => {
                    gaps += 1;
                    if other.is_some() {
                        continue;
                    }
                    let previous = after.and_then(span_of);
                    let span = before
                        .and_then(span_of)
                        .or(previous)
                        .or(conditions.first().map(|c| c.span))
                        .unwrap_or_default();
                    let fix = gap_fix(
                        &gap,
                        after.and_then(|i| intervals.get(i)),
                        before.and_then(|i| intervals.get(i)),
                        (bounds_step, kind),
                    );
                    let kind = CheckErrorKind::TableGap {
                        key: key.to_string(),
                        gap,
                        kind,
                        fix,
                        previous: previous.filter(|p| *p != span),
                    };
                    self.errors.push(CheckError { kind, span });
                }
            }
        }
        if let (Some(span), 0) = (other, gaps) {
            self.unreachable(key, Unreachable::NothingLeft, span);
        }
    }

    /// Warns about rows whose values come before those of the row above.
    fn out_of_order(
        &mut self,
        intervals: &[Interval],
        positions: &[usize],
        conditions: &[&ast::Condition],
    ) {
        let start = |i: &Interval| i.low.map(|b| (b.value, !b.inclusive));
        for (i, pair) in intervals.windows(2).enumerate() {
            if let [a, b] = pair
                && start(b) < start(a)
            {
                let (Some(p), Some(q)) = (positions.get(i), positions.get(i + 1)) else {
                    continue;
                };
                let (Some(previous), Some(row)) = (conditions.get(*p), conditions.get(*q)) else {
                    continue;
                };
                self.errors.push(CheckError {
                    kind: CheckErrorKind::RowOutOfOrder {
                        previous: previous.span,
                    },
                    span: row.span,
                });
            }
        }
    }

    fn unreachable(&mut self, key: &str, reason: Unreachable, span: Span) {
        self.errors.push(CheckError {
            kind: CheckErrorKind::UnreachableRow {
                key: key.to_string(),
                reason,
            },
            span,
        });
    }

    /// The set of key values a row condition stands for; `None` (and an error) when it
    /// does not fit the key.
    fn row_match(
        &mut self,
        key: &str,
        facts: &Facts,
        condition: &ast::Condition,
    ) -> Option<RowMatch> {
        let fits = match (&condition.kind, &facts.ty) {
            (ConditionKind::Unknown, _) => return Some(RowMatch::Unknown),
            (ConditionKind::Other, _) => return Some(RowMatch::Other),
            (_, Ty::Error) => return None,
            (ConditionKind::Interval { low, high }, ty) => {
                let bound = |b: &Option<ast::BoundLit>| match b {
                    None => Ok(None),
                    Some(b) => bound_value(b.value, ty)
                        .map(|value| {
                            Some(Bound {
                                value,
                                inclusive: b.inclusive,
                            })
                        })
                        .ok_or(()),
                };
                match (bound(low), bound(high)) {
                    (Ok(low), Ok(high)) => Some(RowMatch::Interval(Interval { low, high })),
                    _ => None,
                }
            }
            (ConditionKind::Values(values), Ty::Choice(ids)) => {
                let mut found = Vec::new();
                for value in values {
                    let Literal::Word(word) = value else {
                        return self.condition_kind(key, facts, condition);
                    };
                    match self.symbols.choice_among(&word.text, ids) {
                        Some(id) => found.push(Value::Choice(id)),
                        None => {
                            self.unknown_choice(&word.text, ids, word.span);
                            return None;
                        }
                    }
                }
                Some(RowMatch::Values(found))
            }
            (ConditionKind::Values(values), Ty::Bool) => values
                .iter()
                .map(|v| match v {
                    Literal::Bool(b, _) => Some(Value::Bool(*b)),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(RowMatch::Values),
            (ConditionKind::Values(_), _) => None,
        };
        if fits.is_none() {
            return self.condition_kind(key, facts, condition);
        }
        fits
    }

    fn condition_kind(
        &mut self,
        key: &str,
        facts: &Facts,
        condition: &ast::Condition,
    ) -> Option<RowMatch> {
        self.errors.push(CheckError {
            kind: CheckErrorKind::ConditionKind {
                key: key.to_string(),
                key_ty: facts.ty.clone(),
            },
            span: condition.span,
        });
        None
    }

    /// Warns when a price goes down as the key goes up (constant cells only).
    fn decreasing_prices(&mut self, table: &ast::Table, matches: &[Option<RowMatch>]) {
        let Some(header) = &table.header else {
            return;
        };
        // A price by rank goes down as the rank goes up: that is what it is for.
        if self.symbols.ranking.is_some() && table.key.text == super::names::RANK {
            return;
        }
        // So does a price by the size of the family.
        if self
            .symbols
            .counts
            .iter()
            .any(|(c, _, _)| c.name.text == table.key.text)
        {
            return;
        }
        let mut rows: Vec<(Decimal, usize)> = matches
            .iter()
            .enumerate()
            .filter_map(|(i, m)| match m {
                Some(RowMatch::Interval(Interval { low, .. })) => {
                    Some((low.map_or(Decimal::MIN, |b| b.value), i))
                }
                _ => None,
            })
            .collect();
        rows.sort();
        for (c, column) in header.columns.iter().enumerate() {
            let Column::Name(name, _) = column else {
                continue;
            };
            if !self.symbols.is_tariff(&name.text) {
                continue;
            }
            let price = |r: usize| match table.rows.get(r)?.cells.get(c)? {
                Cell::Value(ast::Expr {
                    kind: ExprKind::Quantity(q),
                    ..
                }) => Some(q.value),
                _ => None,
            };
            for pair in rows.windows(2) {
                let [(_, a), (_, b)] = pair else { continue };
                if let (Some(before), Some(after)) = (price(*a), price(*b))
                    && after < before
                {
                    let (Some(row_a), Some(row_b)) = (table.rows.get(*a), table.rows.get(*b))
                    else {
                        continue;
                    };
                    let span = match row_b.cells.get(c) {
                        Some(Cell::Value(e)) => e.span,
                        _ => row_b.span,
                    };
                    let previous = match row_a.cells.get(c) {
                        Some(Cell::Value(e)) => e.span,
                        _ => row_a.span,
                    };
                    self.errors.push(CheckError {
                        kind: CheckErrorKind::DecreasingPrice {
                            column: name.text.clone(),
                            before,
                            after,
                            previous,
                        },
                        span,
                    });
                }
            }
        }
    }

    /// Warns about every `—` cell of a row some family reaches.
    fn not_applicable_cells(&mut self, table: &ast::Table) {
        let Some(header) = &table.header else {
            return;
        };
        for row in &table.rows {
            for (c, cell) in row.cells.iter().enumerate() {
                let Cell::NotApplicable(span) = cell else {
                    continue;
                };
                let column = match (&table.name, header.columns.get(c)) {
                    (_, Some(Column::Name(n, _))) => n.text.clone(),
                    (Some(n), Some(Column::Condition(cond))) => {
                        format!("{} ({})", n.text, cond.written)
                    }
                    _ => String::new(),
                };
                self.errors.push(CheckError {
                    kind: CheckErrorKind::NotApplicableCell { column },
                    span: *span,
                });
            }
        }
    }
}

/// The unit of the bare numbers of a column: the first unit written in it.
fn column_unit(table: &ast::Table, column: usize, crossed: bool) -> Unit {
    table
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().enumerate())
        .filter(|(c, _)| crossed || *c == column)
        .find_map(|(_, cell)| match cell {
            Cell::Value(ast::Expr {
                kind: ExprKind::Quantity(q),
                ..
            }) if q.unit != Unit::Bare => Some(q.unit),
            _ => None,
        })
        .unwrap_or(Unit::Bare)
}

/// A bound of a row, as a number of the key's kind; `None` when it does not fit.
fn bound_value(value: BoundValue, ty: &Ty) -> Option<Decimal> {
    match (value, ty) {
        (BoundValue::Quantity(q), Ty::Amount) if q.unit != Unit::Percent => Some(q.value),
        (BoundValue::Quantity(q), Ty::Rate) if q.unit == Unit::Percent => Some(q.value),
        (BoundValue::Quantity(q), Ty::Number) if q.unit != Unit::Euro => Some(q.value),
        (BoundValue::Date(d), Ty::Date) => Some(rules::day_number(d.date)),
        _ => None,
    }
}

fn key_kind(ty: &Ty) -> KeyKind {
    match ty {
        Ty::Amount => KeyKind::Amount,
        Ty::Rate => KeyKind::Rate,
        Ty::Date => KeyKind::Date,
        _ => KeyKind::Number,
    }
}

/// The fix to propose for a gap between the rows `after` and `before`.
/// `grid`: the step of the grid's bounds and the kind of its key, for the rounding
/// that closes a gap on a decimal key.
fn gap_fix(
    gap: &Gap,
    after: Option<&Interval>,
    before: Option<&Interval>,
    grid: (Option<Decimal>, KeyKind),
) -> GapFix {
    let next_low = before.and_then(|i| i.low);
    let previous_high = after.and_then(|i| i.high);
    match gap {
        Gap::Steps {
            first,
            last: Some(last),
            ..
        } if first == last => match (next_low, previous_high) {
            (Some(b), _) if !b.inclusive && b.value == *first => {
                GapFix::IncludeLow { value: b.value }
            }
            (_, Some(b)) if !b.inclusive && b.value == *first => {
                GapFix::IncludeHigh { value: b.value }
            }
            _ => GapFix::AddRow,
        },
        Gap::Dense(_) => match (previous_high, next_low) {
            (Some(a), Some(b)) if a.inclusive && b.inclusive => GapFix::RoundOrOpen {
                low: a.value,
                high: b.value,
                rounding: super::bounds::closing_rounding(a.value, b.value, grid.0, grid.1),
            },
            (_, Some(b)) if !b.inclusive => GapFix::IncludeLow { value: b.value },
            _ => GapFix::AddRow,
        },
        _ => GapFix::AddRow,
    }
}
