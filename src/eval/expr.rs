//! Expressions, definitions and table lookups, with unknown values propagated.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{EvalError, EvalErrorKind};
use super::trace::{self, Provenance, Step, Tracer};
use super::{Family, Memo, number};
use crate::rules::{
    ArithOp, ArticleId, Body, CompareOp, DefinitionId, Deliberation, Expr, ExprKind, InputId,
    RowMatch, Value, ValueType,
};

/// Where an expression is, for the errors it raises.
#[derive(Debug, Clone, Copy)]
pub(super) struct Site {
    pub article: Option<ArticleId>,
    pub line: usize,
}

/// Errors are boxed inside the evaluator: the results it passes around stay small.
pub(super) type Result<T> = std::result::Result<T, Box<EvalError>>;

/// One evaluation of one family.
pub(super) struct Evaluator<'a, T: Tracer> {
    pub(super) d: &'a Deliberation,
    family: &'a Family,
    date: NaiveDate,
    memo: &'a mut [Memo],
    pub(super) tracer: T,
    /// The inputs already shown in the justification (only when tracing).
    shown_inputs: Vec<bool>,
}

impl<'a, T: Tracer> Evaluator<'a, T> {
    pub(super) fn new(
        d: &'a Deliberation,
        family: &'a Family,
        date: NaiveDate,
        memo: &'a mut [Memo],
        tracer: T,
    ) -> Self {
        let shown_inputs = if T::ON {
            vec![false; d.inputs.len()]
        } else {
            Vec::new()
        };
        Evaluator {
            d,
            family,
            date,
            memo,
            tracer,
            shown_inputs,
        }
    }

    pub(super) fn into_tracer(self) -> T {
        self.tracer
    }

    pub(super) fn error(&self, kind: EvalErrorKind, site: Site) -> Box<EvalError> {
        Box::new(EvalError::at(kind, site.article, site.line))
    }

    /// The value of an input: given, or its default, or unknown.
    pub(super) fn input(&mut self, id: InputId) -> Option<Value> {
        let index = id.0 as usize;
        let given = self.family.given.get(index).copied().flatten();
        let input = self.d.inputs.get(index);
        let (value, provenance) = match (given, input.and_then(|i| i.default)) {
            (Some((v, p)), _) => (Some(v), p),
            (None, Some(default)) => (Some(default), Provenance::Default),
            (None, None) => {
                let unavailable = self.family.unavailable.get(index).copied().flatten();
                (
                    None,
                    unavailable.map_or(Provenance::Missing, Provenance::Unavailable),
                )
            }
        };
        if T::ON && self.shown_inputs.get(index) == Some(&false) {
            self.shown_inputs[index] = true;
            if let Some(input) = input {
                let proof = match provenance {
                    Provenance::Certified(p) | Provenance::Unavailable(p) => {
                        self.family.proofs.get(p.0 as usize).cloned()
                    }
                    _ => None,
                };
                self.tracer.step(|| Step::Input {
                    name: input.name.clone(),
                    value: trace::shown(value, &input.ty),
                    provenance,
                    proof,
                    line: input.line,
                });
            }
        }
        value
    }

    /// The value of a definition, computed once per evaluation.
    pub(super) fn definition(&mut self, id: DefinitionId) -> Result<Option<Value>> {
        let index = id.0 as usize;
        match self.memo.get(index) {
            Some(Memo::Done(value)) => return Ok(*value),
            Some(Memo::Pending) => {}
            None => return Ok(None),
        }
        let Some(definition) = self.d.definitions.get(index) else {
            return Ok(None);
        };
        let site = Site {
            article: Some(definition.article),
            line: definition.line,
        };
        let value = match &definition.body {
            Body::Expr(e) => self.expr(e, site)?,
            Body::Table { table, column } => self.table(table.0 as usize, *column, site)?,
        };
        if let Some(slot) = self.memo.get_mut(index) {
            *slot = Memo::Done(value);
        }
        if T::ON && !self.d.tariffs.iter().any(|t| t.base == id) {
            self.tracer.step(|| Step::Definition {
                name: definition.name.clone(),
                value: trace::shown(value, &definition.ty),
                article: definition.article,
                line: definition.line,
            });
        }
        Ok(value)
    }

    /// The value of a column of a table for the current family.
    fn table(&mut self, t: usize, column: usize, site: Site) -> Result<Option<Value>> {
        let d = self.d;
        let Some(table) = d.tables.get(t) else {
            return Ok(None);
        };
        let key = self.expr(&table.key, site)?;
        let Some(row_index) = find(table.rows.iter().map(|r| &r.matches), key) else {
            if key.is_none() {
                return Ok(None);
            }
            return Err(self.error(
                EvalErrorKind::NoRow {
                    key: key_name(d, &table.key),
                },
                site,
            ));
        };
        let Some(row) = table.rows.get(row_index) else {
            return Ok(None);
        };
        let (column, column_written) = match &table.column_key {
            Some((column_key, matches)) => {
                let value = self.expr(column_key, site)?;
                match find(matches.iter(), value) {
                    Some(c) => (c, Some(c)),
                    None if value.is_none() => return Ok(None),
                    None => {
                        return Err(self.error(
                            EvalErrorKind::NoRow {
                                key: key_name(d, column_key),
                            },
                            site,
                        ));
                    }
                }
            }
            None => (column, None),
        };
        let row_site = Site {
            article: Some(table.article),
            line: row.line,
        };
        if T::ON {
            let key_ty = expr_type(d, &table.key);
            self.tracer.step(|| Step::Row {
                key: key_name(d, &table.key),
                key_value: trace::shown(key, &key_ty),
                row: row.written.clone(),
                column: column_written.and_then(|c| column_header(d, t, c)),
                article: table.article,
                line: row.line,
            });
        }
        match row.cells.get(column) {
            Some(Some(cell)) => self.expr(cell, row_site),
            _ => Err(self.error(
                EvalErrorKind::NotApplicable {
                    row: row.written.clone(),
                },
                row_site,
            )),
        }
    }

    /// The value of an expression; `Ok(None)` when unknown.
    pub(super) fn expr(&mut self, e: &Expr, site: Site) -> Result<Option<Value>> {
        Ok(match &e.kind {
            ExprKind::Const(v) => Some(*v),
            ExprKind::Input(id) => self.input(*id),
            ExprKind::Definition(id) => self.definition(*id)?,
            ExprKind::ServiceDate => Some(Value::Date(self.date)),
            ExprKind::Negate(x) => match self.expr(x, site)? {
                Some(Value::Number(n)) => Some(Value::Number(-n)),
                _ => None,
            },
            ExprKind::Not(x) => match self.expr(x, site)? {
                Some(Value::Bool(b)) => Some(Value::Bool(!b)),
                _ => None,
            },
            ExprKind::Arith(op, a, b) => {
                let (a, b) = (self.expr(a, site)?, self.expr(b, site)?);
                match (a, b) {
                    (Some(Value::Number(a)), Some(Value::Number(b))) => {
                        Some(Value::Number(self.arith(*op, a, b, site)?))
                    }
                    _ => None,
                }
            }
            ExprKind::Compare(op, a, b) => {
                let (a, b) = (self.expr(a, site)?, self.expr(b, site)?);
                a.zip(b)
                    .and_then(|(a, b)| compare(*op, a, b))
                    .map(Value::Bool)
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                // `et`/`ou` decide as soon as one side does, even if the other is unknown.
                let decisive = matches!(e.kind, ExprKind::Or(..));
                let a = self.expr(a, site)?;
                if a == Some(Value::Bool(decisive)) {
                    return Ok(a);
                }
                let b = self.expr(b, site)?;
                match (a, b) {
                    (_, Some(Value::Bool(x))) if x == decisive => Some(Value::Bool(decisive)),
                    (Some(Value::Bool(_)), Some(Value::Bool(_))) => Some(Value::Bool(!decisive)),
                    _ => None,
                }
            }
            ExprKind::IsKnown { value, known } => {
                let value = self.expr(value, site)?;
                Some(Value::Bool(value.is_some() == *known))
            }
            ExprKind::Between(x, lo, hi) => {
                let (x, lo, hi) = (
                    self.expr(x, site)?,
                    self.expr(lo, site)?,
                    self.expr(hi, site)?,
                );
                match (x, lo, hi) {
                    (Some(x), Some(lo), Some(hi)) => {
                        let above = compare(CompareOp::Ge, x, lo);
                        let below = compare(CompareOp::Le, x, hi);
                        above.zip(below).map(|(a, b)| Value::Bool(a && b))
                    }
                    _ => None,
                }
            }
            ExprKind::If(c, then, otherwise) => match self.expr(c, site)? {
                Some(Value::Bool(true)) => self.expr(then, site)?,
                Some(Value::Bool(false)) => self.expr(otherwise, site)?,
                _ => return Err(self.undecidable(c, site)),
            },
            ExprKind::Min(args) | ExprKind::Max(args) => {
                let is_min = matches!(e.kind, ExprKind::Min(_));
                let mut best: Option<Decimal> = None;
                let mut unknown = false;
                for arg in args {
                    match self.expr(arg, site)? {
                        Some(Value::Number(n)) => {
                            best = Some(match best {
                                None => n,
                                Some(b) if is_min => b.min(n),
                                Some(b) => b.max(n),
                            });
                        }
                        _ => unknown = true,
                    }
                }
                if unknown {
                    None
                } else {
                    best.map(Value::Number)
                }
            }
            ExprKind::Round(x, mode) => match self.expr(x, site)? {
                Some(Value::Number(n)) => {
                    let rounded = number::round(n, *mode)
                        .ok_or_else(|| self.error(EvalErrorKind::Overflow, site))?;
                    Some(Value::Number(rounded))
                }
                _ => None,
            },
            ExprKind::Clamp(x, lo, hi) => {
                let (x, lo, hi) = (
                    self.expr(x, site)?,
                    self.expr(lo, site)?,
                    self.expr(hi, site)?,
                );
                match (x, lo, hi) {
                    (Some(Value::Number(x)), Some(Value::Number(lo)), Some(Value::Number(hi))) => {
                        Some(Value::Number(x.min(hi).max(lo)))
                    }
                    _ => None,
                }
            }
        })
    }

    pub(super) fn arith(&self, op: ArithOp, a: Decimal, b: Decimal, site: Site) -> Result<Decimal> {
        let result = match op {
            ArithOp::Add => a.checked_add(b),
            ArithOp::Sub => a.checked_sub(b),
            ArithOp::Mul => a.checked_mul(b),
            ArithOp::Div if b.is_zero() => {
                return Err(self.error(EvalErrorKind::DivisionByZero, site));
            }
            ArithOp::Div => a.checked_div(b),
        };
        result.ok_or_else(|| self.error(EvalErrorKind::Overflow, site))
    }

    /// The error of a condition that cannot be decided, naming the missing inputs.
    pub(super) fn undecidable(&self, condition: &Expr, site: Site) -> Box<EvalError> {
        let missing = self.missing(condition);
        self.error(EvalErrorKind::Undecidable { missing }, site)
    }

    /// The inputs an expression uses, directly or through definitions, that are unknown.
    pub(super) fn missing(&self, e: &Expr) -> Vec<String> {
        self.missing_from(vec![e], Vec::new())
    }

    /// The unknown inputs a definition uses, directly or through other definitions.
    pub(super) fn missing_in_definition(&self, id: DefinitionId) -> Vec<String> {
        self.missing_from(Vec::new(), vec![id])
    }

    fn missing_from<'e>(
        &'e self,
        mut pending: Vec<&'e Expr>,
        mut definitions: Vec<DefinitionId>,
    ) -> Vec<String> {
        let mut found = Vec::new();
        let mut seen = vec![false; self.d.definitions.len()];
        loop {
            while let Some(id) = definitions.pop() {
                let index = id.0 as usize;
                if seen.get(index) != Some(&false) {
                    continue;
                }
                seen[index] = true;
                match self.d.definitions.get(index).map(|d| &d.body) {
                    Some(Body::Expr(body)) => pending.push(body),
                    Some(Body::Table { table, .. }) => {
                        if let Some(t) = self.d.tables.get(table.0 as usize) {
                            pending.push(&t.key);
                            if let Some((k, _)) = &t.column_key {
                                pending.push(k);
                            }
                            pending.extend(t.rows.iter().flat_map(|r| r.cells.iter().flatten()));
                        }
                    }
                    None => {}
                }
            }
            let Some(e) = pending.pop() else {
                break;
            };
            match &e.kind {
                ExprKind::Input(id) => {
                    let index = id.0 as usize;
                    let given = self.family.given.get(index).copied().flatten().is_some();
                    if let Some(input) = self.d.inputs.get(index)
                        && !given
                        && input.default.is_none()
                        && !found.contains(&input.name)
                    {
                        found.push(input.name.clone());
                    }
                }
                ExprKind::Definition(id) => definitions.push(*id),
                other => other.for_each_child(|child| pending.push(child)),
            }
        }
        found.sort();
        found
    }
}

/// The row (or column) that takes `key`: the first whose set holds it, else `autre`.
fn find<'m>(matches: impl Iterator<Item = &'m RowMatch>, key: Option<Value>) -> Option<usize> {
    let mut other = None;
    for (i, m) in matches.enumerate() {
        let hit = match (m, key) {
            (RowMatch::Unknown, None) => true,
            (RowMatch::Other, Some(_)) => {
                other = other.or(Some(i));
                false
            }
            (RowMatch::Interval(interval), Some(Value::Number(n))) => interval.contains(n),
            (RowMatch::Interval(interval), Some(Value::Date(d))) => {
                interval.contains(crate::rules::day_number(d))
            }
            (RowMatch::Values(values), Some(v)) => values.contains(&v),
            _ => false,
        };
        if hit {
            return Some(i);
        }
    }
    other
}

/// `a op b` for two values of the same kind; `None` for kinds that do not compare.
fn compare(op: CompareOp, a: Value, b: Value) -> Option<bool> {
    use std::cmp::Ordering;
    let ordering: Ordering = match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.cmp(&b),
        (Value::Date(a), Value::Date(b)) => a.cmp(&b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(&b),
        (Value::Choice(a), Value::Choice(b)) => a.cmp(&b),
        _ => return None,
    };
    Some(match op {
        CompareOp::Eq => ordering.is_eq(),
        CompareOp::Ne => ordering.is_ne(),
        CompareOp::Lt => ordering.is_lt(),
        CompareOp::Le => ordering.is_le(),
        CompareOp::Gt => ordering.is_gt(),
        CompareOp::Ge => ordering.is_ge(),
    })
}

/// The name of a table key, for messages and justifications.
fn key_name(d: &Deliberation, key: &Expr) -> String {
    match &key.kind {
        ExprKind::Input(id) => d.inputs.get(id.0 as usize).map(|i| i.name.clone()),
        ExprKind::Definition(id) => d.definitions.get(id.0 as usize).map(|x| x.name.clone()),
        ExprKind::ServiceDate => Some("date".to_string()),
        _ => None,
    }
    .unwrap_or_default()
}

/// The type of a table key.
fn expr_type(d: &Deliberation, key: &Expr) -> ValueType {
    match &key.kind {
        ExprKind::Input(id) => d.inputs.get(id.0 as usize).map(|i| i.ty.clone()),
        ExprKind::Definition(id) => d.definitions.get(id.0 as usize).map(|x| x.ty.clone()),
        ExprKind::ServiceDate => Some(ValueType::Date),
        _ => None,
    }
    .unwrap_or(ValueType::Number)
}

/// The header of column `c` of a crossed table, as written.
fn column_header(d: &Deliberation, t: usize, c: usize) -> Option<String> {
    d.tables.get(t)?.column_headers.get(c).cloned()
}
