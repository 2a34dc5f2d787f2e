//! The evaluation of a [`Plan`]: expressions, definitions and table lookups, with
//! unknown values propagated.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{EvalError, EvalErrorKind};
use super::plan::{DefinitionBody, Key, Num, Plan, Scalar, Site, TablePlan, UNKNOWN};
use super::trace::{self, Shown, Step, Tracer};
use super::{Family, number};
use crate::rules::{
    ArithOp, CompareOp, DefinitionId, Deliberation, Expr, ExprKind, Value, ValueType,
};

/// Errors are boxed inside the evaluator: the results it passes around stay small.
pub(super) type Result<T> = std::result::Result<T, Box<EvalError>>;

/// The state of a definition during one evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Memo {
    Pending,
    /// Being computed: met again, it is unknown (a cycle, only in a rule tree the
    /// checker did not produce).
    Running,
    Number(Option<Decimal>),
    Code(i64),
}

/// One evaluation of one family.
pub(super) struct Evaluator<'r, 'd, T: Tracer> {
    pub(super) plan: &'r Plan<'d>,
    pub(super) d: &'d Deliberation,
    family: &'r Family,
    /// The date of the service.
    date: NaiveDate,
    pub(super) memo: &'r mut [Memo],
    /// The slots of `memo` written since it was clean: only they are reset, so that a
    /// deliberation of thousands of definitions does not pay for all of them per price.
    touched: &'r mut Vec<u32>,
    /// The inputs, then the tables, already shown in the justification (only when
    /// tracing): a table consulted for two of its columns shows its row once.
    shown: &'r mut [bool],
    pub(super) tracer: T,
    /// When the tariff's prices are being computed in advance: bit `i` tells whether
    /// the `i`-th condition holds, instead of evaluating it.
    pub(super) decided: Option<u32>,
    /// How many tariffs' final prices are being computed for the one priced: their
    /// base and modifiers are not steps of its justification, only their price.
    pub(super) nested: u32,
}

impl<'r, 'd, T: Tracer> Evaluator<'r, 'd, T> {
    pub(super) fn new(
        plan: &'r Plan<'d>,
        family: &'r Family,
        date: NaiveDate,
        memory: (&'r mut [Memo], &'r mut Vec<u32>),
        shown: &'r mut [bool],
        tracer: T,
    ) -> Self {
        let (memo, touched) = memory;
        forget(memo, touched);
        if T::ON {
            shown.fill(false);
        }
        Evaluator {
            plan,
            d: plan.d,
            family,
            date,
            memo,
            touched,
            shown,
            tracer,
            decided: None,
            nested: 0,
        }
    }

    /// Forgets the definitions computed so far (to evaluate again from the start).
    pub(super) fn forget(&mut self) {
        forget(self.memo, self.touched);
    }

    /// Marks a slot of the memo as being computed (it was pending).
    #[inline(always)]
    pub(super) fn start(&mut self, slot: usize) {
        self.memo[slot] = Memo::Running;
        if self.memo.len() > SMALL_MEMO {
            self.touched.push(slot as u32);
        }
    }

    /// Sets the memory of definitions already computed (values kept from an earlier
    /// evaluation on the same date).
    #[inline(always)]
    pub(super) fn remember(&mut self, values: &[(u32, Memo)]) {
        for &(slot, value) in values {
            if let Some(m) = self.memo.get_mut(slot as usize) {
                *m = value;
                if self.memo.len() > SMALL_MEMO {
                    self.touched.push(slot);
                }
            }
        }
    }

    pub(super) fn into_tracer(self) -> T {
        self.tracer
    }

    pub(super) fn error(&self, kind: EvalErrorKind, site: Site) -> Box<EvalError> {
        Box::new(EvalError::at(kind, site.article, site.line))
    }

    /// The value of a numeric input: given, or its default, or unknown.
    #[inline(always)]
    fn input_number(&mut self, index: usize) -> Option<Decimal> {
        let value = match self.family.given.get(index) {
            Some(Some((Value::Number(n), _))) => Some(*n),
            Some(Some(_)) => None,
            _ => match self.plan.inputs.get(index).and_then(|i| i.default) {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            },
        };
        if T::ON {
            self.show_input(index);
        }
        value
    }

    /// The code of an input on the scalar path.
    #[inline(always)]
    fn input_code(&mut self, index: usize) -> i64 {
        let value = match self.family.given.get(index) {
            Some(Some((v, _))) => super::plan::code(v),
            _ => self
                .plan
                .inputs
                .get(index)
                .and_then(|i| i.default.as_ref())
                .and_then(super::plan::code),
        };
        if T::ON {
            self.show_input(index);
        }
        value.unwrap_or(UNKNOWN)
    }

    /// The justification step of an input, the first time it is read.
    fn show_input(&mut self, index: usize) {
        if self.shown.get(index) != Some(&false) {
            return;
        }
        self.shown[index] = true;
        let Some((shown, provenance, proof)) = trace::input_shown(self.d, self.family, index)
        else {
            return;
        };
        self.tracer.input(
            crate::rules::InputId(index as u32),
            shown,
            provenance,
            proof,
        );
    }

    /// The value of a numeric definition, computed once per evaluation.
    pub(super) fn definition_number(&mut self, index: usize) -> Result<Option<Decimal>> {
        match self.memo.get(index) {
            Some(Memo::Number(value)) => return Ok(*value),
            Some(Memo::Pending) => {}
            _ => return Ok(None),
        }
        let plan = self.plan;
        let Some(definition) = plan.definitions.get(index) else {
            return Ok(None);
        };
        self.start(index);
        let value = match &definition.body {
            DefinitionBody::Num(e) => self.number(e)?,
            DefinitionBody::Scalar(e) => {
                self.code(e)?;
                None
            }
            DefinitionBody::Table(t) if !T::ON && t.constants.is_some() => self.constant(t)?,
            DefinitionBody::Table(t) => match self.cell(t)? {
                Some(Key::Num(e)) => self.number(e)?,
                Some(Key::Scalar(e)) => {
                    self.code(e)?;
                    None
                }
                None => None,
            },
        };
        self.memo[index] = Memo::Number(value);
        if T::ON && definition.shown {
            self.show_definition(index);
        }
        Ok(value)
    }

    /// The code of a definition on the scalar path, computed once per evaluation.
    fn definition_code(&mut self, index: usize) -> Result<i64> {
        match self.memo.get(index) {
            Some(Memo::Code(value)) => return Ok(*value),
            Some(Memo::Pending) => {}
            _ => return Ok(UNKNOWN),
        }
        let plan = self.plan;
        let Some(definition) = plan.definitions.get(index) else {
            return Ok(UNKNOWN);
        };
        self.start(index);
        let value = match &definition.body {
            DefinitionBody::Scalar(e) => self.code(e)?,
            DefinitionBody::Num(e) => {
                self.number(e)?;
                UNKNOWN
            }
            DefinitionBody::Table(t) => match self.cell(t)? {
                Some(Key::Scalar(e)) => self.code(e)?,
                Some(Key::Num(e)) => {
                    self.number(e)?;
                    UNKNOWN
                }
                None => UNKNOWN,
            },
        };
        self.memo[index] = Memo::Code(value);
        if T::ON && definition.shown {
            self.show_definition(index);
        }
        Ok(value)
    }

    /// The justification step of a definition just computed.
    fn show_definition(&mut self, index: usize) {
        if self.d.definitions.get(index).is_none() {
            return;
        }
        let value = self.definition_shown(index);
        self.tracer.step(|| Step::Definition {
            definition: DefinitionId(index as u32),
            value,
        });
    }

    /// How the justification shows a definition computed.
    fn definition_shown(&self, index: usize) -> Shown {
        let Some(definition) = self.d.definitions.get(index) else {
            return Shown::Unknown;
        };
        match self.memo.get(index) {
            Some(Memo::Number(Some(n))) => trace::shown(Some(Value::Number(*n)), &definition.ty),
            Some(Memo::Code(c)) => shown_code(*c, &definition.ty),
            _ => Shown::Unknown,
        }
    }

    /// A definition computed as a number (`as_code` false) or as a code, shown as the
    /// justification shows it.
    pub(super) fn definition_value(&mut self, index: usize, as_code: bool) -> Result<Shown> {
        if as_code {
            self.definition_code(index)?;
        } else {
            self.definition_number(index)?;
        }
        Ok(self.definition_shown(index))
    }

    /// The number a grid of constants gives for the current family, without a
    /// justification (with one, [`Self::cell`] tells the row).
    #[inline(always)]
    fn constant(&mut self, t: &TablePlan<'d>) -> Result<Option<Decimal>> {
        let (Key::Num(key), Some(constants)) = (&t.key, &t.constants) else {
            return Ok(None);
        };
        let key = self.number(key)?;
        let row = match key {
            Some(k) => t.rows.number(k),
            None => t.rows.unknown,
        };
        match row {
            Some(row) => Ok(constants.get(row).copied()),
            None if key.is_none() => Ok(None),
            None => Err(self.error(
                EvalErrorKind::NoRow {
                    key: key_name(self.d, &t.table.key),
                },
                t.site,
            )),
        }
    }

    /// The cell a table gives for the current family; `None` when its key (or the
    /// key of its columns) is unknown and no row takes `inconnu`.
    fn cell<'t>(&mut self, t: &'t TablePlan<'d>) -> Result<Option<&'t Key<'d>>> {
        let (row, known, key) = self.find(&t.key, t.key_is_date, &t.rows)?;
        let Some(row) = row else {
            if !known {
                return Ok(None);
            }
            return Err(self.error(
                EvalErrorKind::NoRow {
                    key: key_name(self.d, &t.table.key),
                },
                t.site,
            ));
        };
        let column = match &t.columns {
            Some((column_key, is_date, finder)) => {
                let (column, known, _) = self.find(column_key, *is_date, finder)?;
                match column {
                    Some(c) => Some(c),
                    None if !known => return Ok(None),
                    None => {
                        let name = t
                            .table
                            .column_key
                            .as_ref()
                            .map(|(k, _)| key_name(self.d, k))
                            .unwrap_or_default();
                        return Err(self.error(EvalErrorKind::NoRow { key: name }, t.site));
                    }
                }
            }
            None => None,
        };
        let first_time = T::ON && {
            let slot = self.d.inputs.len() + t.id.0 as usize;
            let first = self.shown.get(slot) == Some(&false);
            if first {
                self.shown[slot] = true;
            }
            first
        };
        if first_time {
            let key_value = match key {
                Shown::Unknown => Shown::Unknown,
                _ => retyped(key, expr_type(self.d, &t.table.key)),
            };
            self.tracer.step(|| Step::Row {
                table: t.id,
                row,
                column,
                key_value,
            });
        }
        let site = t.row_sites.get(row).copied().unwrap_or(t.site);
        match t.cells.get(row).and_then(|r| r.get(column.unwrap_or(0))) {
            Some(Some(cell)) => Ok(Some(cell)),
            _ => Err(self.error(
                EvalErrorKind::NotApplicable {
                    row: t
                        .table
                        .rows
                        .get(row)
                        .map(|r| r.written.clone())
                        .unwrap_or_default(),
                },
                site,
            )),
        }
    }

    /// The row (or column) `finder` gives for `key`, whether the key is known, and,
    /// when tracing, its value (as a number or a code: [`retyped`] gives it its type).
    #[inline(always)]
    pub(super) fn find(
        &mut self,
        key: &Key<'d>,
        is_date: bool,
        finder: &super::rows::Finder,
    ) -> Result<(Option<usize>, bool, Shown)> {
        Ok(match key {
            Key::Num(k) => match self.number(k)? {
                Some(value) => {
                    let shown = if T::ON {
                        Shown::Number(value)
                    } else {
                        Shown::Unknown
                    };
                    (finder.number(value), true, shown)
                }
                None => (finder.unknown, false, Shown::Unknown),
            },
            Key::Scalar(k) => {
                let value = self.code(k)?;
                let known = value != UNKNOWN;
                let shown = if T::ON && known {
                    Shown::Number(Decimal::from(value))
                } else {
                    Shown::Unknown
                };
                (finder.code(value, is_date), known, shown)
            }
        })
    }

    /// The value of a numeric expression; `Ok(None)` when unknown. Constants, inputs
    /// and definitions already computed are read in place (the call is inlined).
    #[inline(always)]
    pub(super) fn number(&mut self, e: &Num<'d>) -> Result<Option<Decimal>> {
        match e {
            Num::Const(n) => Ok(Some(*n)),
            Num::Input(i) => Ok(self.input_number(*i as usize)),
            Num::Definition(i) => match self.memo.get(*i as usize) {
                Some(Memo::Number(value)) => Ok(*value),
                _ => self.definition_number(*i as usize),
            },
            // `si quotient_caf est connu alors quotient_caf sinon …`: the input in place.
            Num::Fallback(sides) => match sides[0] {
                Num::Input(i) => match self.input_number(i as usize) {
                    Some(n) => Ok(Some(n)),
                    None => self.number_node(&sides[1]),
                },
                _ => self.number_node(e),
            },
            _ => self.number_node(e),
        }
    }

    /// A formula computed as one fraction (`forms[0]`), or as written (`forms[1]`) if
    /// that overflows; the justification shows the definitions as written. Out of
    /// line: the frame of [`Self::number_node`] stays small for deep formulas.
    #[inline(never)]
    fn exact(&mut self, forms: &[Num<'d>; 2]) -> Result<Option<Decimal>> {
        if T::ON {
            let _ = self.number(&forms[1]);
        }
        match self.number(&forms[0]) {
            Err(e) if matches!(e.kind, EvalErrorKind::Overflow) => self.number(&forms[1]),
            other => other,
        }
    }

    /// The value of any numeric expression.
    fn number_node(&mut self, e: &Num<'d>) -> Result<Option<Decimal>> {
        Ok(match e {
            Num::Const(n) => Some(*n),
            Num::Input(i) => self.input_number(*i as usize),
            Num::Definition(i) => self.definition_number(*i as usize)?,
            Num::Tariff(t) => self.final_price(*t as usize)?,
            Num::Negate(x) => self.number(x)?.map(|n| -n),
            Num::Exact(forms) => self.exact(forms)?,
            Num::Arith(op, operands, site) => {
                let a = self.number(&operands[0])?;
                let b = self.number(&operands[1])?;
                match (a, b) {
                    (Some(a), Some(b)) => Some(self.arith(*op, a, b, *site)?),
                    _ => None,
                }
            }
            Num::If(parts, condition, site) => match self.code(&parts.0)? {
                1 => self.number(&parts.1)?,
                0 => self.number(&parts.2)?,
                _ => return Err(self.undecidable(condition, *site)),
            },
            Num::Fallback(sides) => match self.number(&sides[0])? {
                Some(x) => Some(x),
                None => self.number(&sides[1])?,
            },
            Num::Min(args) | Num::Max(args) => {
                let is_min = matches!(e, Num::Min(_));
                let mut best: Option<Decimal> = None;
                let mut unknown = false;
                for arg in args {
                    match self.number(arg)? {
                        Some(n) => {
                            best = Some(match best {
                                None => n,
                                Some(b) if is_min => b.min(n),
                                Some(b) => b.max(n),
                            });
                        }
                        None => unknown = true,
                    }
                }
                if unknown { None } else { best }
            }
            Num::Round(x, mode, site) => match self.number(x)? {
                Some(n) => Some(
                    number::round(n, *mode)
                        .ok_or_else(|| self.error(EvalErrorKind::Overflow, *site))?,
                ),
                None => None,
            },
            Num::Clamp(parts) => {
                let x = self.number(&parts[0])?;
                let lo = self.number(&parts[1])?;
                let hi = self.number(&parts[2])?;
                match (x, lo, hi) {
                    (Some(x), Some(lo), Some(hi)) => Some(x.min(hi).max(lo)),
                    _ => None,
                }
            }
            Num::Mistyped(x) => {
                self.code(x)?;
                None
            }
        })
    }

    /// The code of an expression on the scalar path; [`UNKNOWN`] when unknown.
    /// Constants and inputs are read in place (the call is inlined).
    #[inline(always)]
    pub(super) fn code(&mut self, e: &Scalar<'d>) -> Result<i64> {
        match e {
            Scalar::Const(c) => Ok(*c),
            Scalar::Input(i) => Ok(self.input_code(*i as usize)),
            // `résidence = hors_commune`: an input and a constant, read in place.
            Scalar::CompareCodes(op, sides) => match &**sides {
                [Scalar::Input(i), Scalar::Const(c)] => {
                    let a = self.input_code(*i as usize);
                    Ok(if a == UNKNOWN {
                        UNKNOWN
                    } else {
                        i64::from(holds(*op, a.cmp(c)))
                    })
                }
                _ => self.code_node(e),
            },
            // `rang ≥ 3`: a numeric input and a constant.
            Scalar::CompareConst(op, x, c) if matches!(**x, Num::Input(_)) => {
                Ok(match self.number(x)? {
                    Some(n) => i64::from(holds(*op, number::compare(n, *c))),
                    None => UNKNOWN,
                })
            }
            _ => self.code_node(e),
        }
    }

    /// The code of any expression on the scalar path.
    fn code_node(&mut self, e: &Scalar<'d>) -> Result<i64> {
        Ok(match e {
            Scalar::Const(c) => *c,
            Scalar::Input(i) => self.input_code(*i as usize),
            Scalar::Definition(i) => self.definition_code(*i as usize)?,
            Scalar::ServiceDate => i64::from(chrono::Datelike::num_days_from_ce(&self.date)),
            Scalar::Not(x) => match self.code(x)? {
                UNKNOWN => UNKNOWN,
                b => i64::from(b == 0),
            },
            Scalar::And(sides) | Scalar::Or(sides) => {
                // `et`/`ou` decide as soon as one side does, even if the other is unknown.
                let decisive = i64::from(matches!(e, Scalar::Or(_)));
                let a = self.code(&sides[0])?;
                if a == decisive {
                    return Ok(a);
                }
                let b = self.code(&sides[1])?;
                if b == decisive {
                    decisive
                } else if a != UNKNOWN && b != UNKNOWN {
                    1 - decisive
                } else {
                    UNKNOWN
                }
            }
            Scalar::NumKnown(x, known) => i64::from(self.number(x)?.is_some() == *known),
            Scalar::CodeKnown(x, known) => i64::from((self.code(x)? != UNKNOWN) == *known),
            Scalar::CompareConst(op, x, c) => match self.number(x)? {
                Some(n) => i64::from(holds(*op, number::compare(n, *c))),
                None => UNKNOWN,
            },
            Scalar::CompareNum(op, sides) => {
                let a = self.number(&sides[0])?;
                let b = self.number(&sides[1])?;
                match (a, b) {
                    (Some(a), Some(b)) => i64::from(holds(*op, number::compare(a, b))),
                    _ => UNKNOWN,
                }
            }
            Scalar::CompareCodes(op, sides) => {
                let a = self.code(&sides[0])?;
                let b = self.code(&sides[1])?;
                if a == UNKNOWN || b == UNKNOWN {
                    UNKNOWN
                } else {
                    i64::from(holds(*op, a.cmp(&b)))
                }
            }
            Scalar::BetweenNum(parts) => {
                let x = self.number(&parts[0])?;
                let lo = self.number(&parts[1])?;
                let hi = self.number(&parts[2])?;
                match (x, lo, hi) {
                    (Some(x), Some(lo), Some(hi)) => {
                        i64::from(number::compare(x, lo).is_ge() && number::compare(x, hi).is_le())
                    }
                    _ => UNKNOWN,
                }
            }
            Scalar::BetweenCodes(parts) => {
                let x = self.code(&parts[0])?;
                let lo = self.code(&parts[1])?;
                let hi = self.code(&parts[2])?;
                if x == UNKNOWN || lo == UNKNOWN || hi == UNKNOWN {
                    UNKNOWN
                } else {
                    i64::from(x >= lo && x <= hi)
                }
            }
            Scalar::If(parts, condition, site) => match self.code(&parts[0])? {
                1 => self.code(&parts[1])?,
                0 => self.code(&parts[2])?,
                _ => return Err(self.undecidable(condition, *site)),
            },
            Scalar::Mistyped(x) => {
                self.number(x)?;
                UNKNOWN
            }
        })
    }

    #[inline(always)]
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
        let d = self.d;
        let mut found = Vec::new();
        let mut seen = vec![false; d.definitions.len()];
        loop {
            while let Some(id) = definitions.pop() {
                let index = id.0 as usize;
                if seen.get(index) != Some(&false) {
                    continue;
                }
                seen[index] = true;
                pending.extend(d.definition_exprs(id));
            }
            let Some(e) = pending.pop() else {
                break;
            };
            match &e.kind {
                ExprKind::Input(id) => {
                    let index = id.0 as usize;
                    let given = self.family.given.get(index).copied().flatten().is_some();
                    if let Some(input) = d.inputs.get(index)
                        && !given
                        && input.default.is_none()
                        && !found.contains(&input.name)
                    {
                        found.push(input.name.clone());
                    }
                }
                ExprKind::Definition(id) => definitions.push(*id),
                // A tariff's final price is unknown when its base is.
                ExprKind::Tariff(t) => {
                    if let Some(tariff) = d.tariffs.get(*t as usize) {
                        definitions.push(tariff.base);
                    }
                }
                other => other.for_each_child(|child| pending.push(child)),
            }
        }
        found.sort();
        found
    }
}

/// Up to this many slots, the memo is cleared whole rather than slot by slot.
const SMALL_MEMO: usize = 64;

/// Resets the slots of `memo` written since it was clean (all of them when the list
/// of those written is not kept, or wrong).
#[inline(always)]
fn forget(memo: &mut [Memo], touched: &mut Vec<u32>) {
    // A small memory is cleared whole (faster than following what was written).
    if memo.len() <= SMALL_MEMO {
        memo.fill(Memo::Pending);
        return;
    }
    for slot in touched.drain(..) {
        if let Some(m) = memo.get_mut(slot as usize) {
            *m = Memo::Pending;
        }
    }
}

/// Whether `op` holds for an ordering.
#[inline(always)]
pub(super) fn holds(op: CompareOp, ordering: std::cmp::Ordering) -> bool {
    match op {
        CompareOp::Eq => ordering.is_eq(),
        CompareOp::Ne => ordering.is_ne(),
        CompareOp::Lt => ordering.is_lt(),
        CompareOp::Le => ordering.is_le(),
        CompareOp::Gt => ordering.is_gt(),
        CompareOp::Ge => ordering.is_ge(),
    }
}

/// A code of the scalar path shown with its type.
fn shown_code(code: i64, ty: &ValueType) -> Shown {
    if code == UNKNOWN {
        return Shown::Unknown;
    }
    match ty {
        ValueType::Boolean => Shown::Bool(code != 0),
        ValueType::Choice(_) => {
            u32::try_from(code).map_or(Shown::Unknown, |c| Shown::Choice(crate::rules::ChoiceId(c)))
        }
        ValueType::Date => i32::try_from(code)
            .ok()
            .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
            .map_or(Shown::Unknown, Shown::Date),
        ValueType::Amount | ValueType::Rate | ValueType::Number => {
            Shown::Number(Decimal::from(code))
        }
    }
}

/// A key found as a number (or a code, as a number) shown with its type.
fn retyped(value: Shown, ty: &ValueType) -> Shown {
    let Shown::Number(n) = value else {
        return value;
    };
    match ty {
        ValueType::Amount => Shown::Amount(n),
        ValueType::Rate => Shown::Rate(n),
        ValueType::Number => Shown::Number(n),
        _ => i64::try_from(n.trunc().mantissa()).map_or(Shown::Unknown, |c| shown_code(c, ty)),
    }
}

/// The name of a table key, for messages and justifications.
pub(crate) fn key_name(d: &Deliberation, key: &Expr) -> String {
    match &key.kind {
        ExprKind::Input(id) => d.inputs.get(id.0 as usize).map(|i| i.name.clone()),
        ExprKind::Definition(id) => d.definitions.get(id.0 as usize).map(|x| x.name.clone()),
        ExprKind::Tariff(t) => d.tariffs.get(*t as usize).map(|x| x.name.clone()),
        ExprKind::ServiceDate => Some("date".to_string()),
        _ => None,
    }
    .unwrap_or_default()
}

/// The type of a table key.
fn expr_type<'d>(d: &'d Deliberation, key: &Expr) -> &'d ValueType {
    match &key.kind {
        ExprKind::Input(id) => d.inputs.get(id.0 as usize).map(|i| &i.ty),
        ExprKind::Definition(id) => d.definitions.get(id.0 as usize).map(|x| &x.ty),
        ExprKind::Tariff(_) => Some(&ValueType::Amount),
        ExprKind::ServiceDate => Some(&ValueType::Date),
        _ => None,
    }
    .unwrap_or(&ValueType::Number)
}
