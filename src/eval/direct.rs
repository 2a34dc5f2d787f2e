//! The price of a tariff priced in advance, read straight from the family's values.
//!
//! The usual grid (a key that is an input, `si quotient_caf est connu alors
//! quotient_caf sinon …`, conditions such as `résidence = hors_commune`, `rang ≥ 3`,
//! `pai`) needs no evaluator: its row is found from the input's number, each condition
//! from one input, and the price read in the table [`super::tabulate`] computed with
//! the evaluator itself. A family without the key's input whose `sinon …` formula is
//! unknown too (every input it reads is: no quotient, no tax data) takes the row
//! `inconnu`. Anything else (an unknown value, a wrongly typed one, a key with more
//! decimals than the grid's bounds, no row) is left to the full evaluation, which gives
//! the same price or the error.

use rust_decimal::Decimal;

use super::Family;
use super::plan::{DefinitionBody, Key, Num, Plan, Scalar, UNKNOWN};
use super::rows::{Finder, to_units};
use crate::rules::{CompareOp, TableId, Value, ValueType};

/// How the row of the grid and each condition are read from the family.
#[derive(Debug, Clone)]
pub(super) struct Direct {
    /// How the row is found; `None` when the base is one constant.
    key: Option<KeyRead>,
    /// By condition, in the order of the bits of the table's index.
    tests: Vec<Test>,
}

/// The input whose number finds the row of a grid, with its default, the grid's rows
/// and table.
#[derive(Debug, Clone)]
struct KeyRead {
    read: Read,
    rows: Finder,
    table: TableId,
    /// For `si x est connu alors x sinon formule`: the inputs of the formula, when it
    /// is unknown as soon as they all are (and cannot fail then); the row is then
    /// `inconnu`.
    otherwise: Option<Vec<Read>>,
}

/// An input read with its default (the value given, else the default).
#[derive(Debug, Clone, Copy)]
struct Read {
    input: u32,
    default: Option<Value>,
}

/// A condition decided by one input, in one form for every kind of input: the value as
/// a whole number within `low..=high` (or, `negated`, not within). `pai` is `1..=1`,
/// `résidence = hors_commune` the code of the choice, `rang ≥ 3` is `3..=i64::MAX`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Test {
    input: u32,
    kind: Kind,
    low: i64,
    high: i64,
    negated: bool,
    /// The condition for a family that gives no value: the default's (`None` without
    /// a default: the full evaluation tells).
    missing: Option<bool>,
}

/// How a value of the input is a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `non` 0, `oui` 1.
    Bool,
    /// The number of the `choix` value.
    Choice,
    /// The day number.
    Date,
    /// Whole units of `10^-scale` (a value with more decimals is left to the full
    /// evaluation).
    Units(u32),
}

impl Read {
    // The value is matched where it lies, never copied whole: a copy of a `Value`
    // through the stack, read back as a `Decimal`, stalls the processor.
    #[inline(always)]
    fn number(&self, family: &Family) -> Option<Decimal> {
        match family.given.get(self.input as usize) {
            Some(Some((Value::Number(n), _))) => Some(*n),
            Some(Some(_)) => None,
            _ => match self.default {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            },
        }
    }
}

impl Test {
    /// `input` compared with `op` to `value` (whole units of `kind`); `None` when the
    /// constant is no whole number of `kind`.
    fn new(plan: &Plan<'_>, input: u32, kind: Kind, op: CompareOp, value: i64) -> Option<Test> {
        // An empty range: `< i64::MIN` or `> i64::MAX`.
        let (empty_low, empty_high) = (1, 0);
        let (low, high, negated) = match op {
            CompareOp::Eq => (value, value, false),
            CompareOp::Ne => (value, value, true),
            CompareOp::Lt => value
                .checked_sub(1)
                .map_or((empty_low, empty_high, false), |h| (i64::MIN, h, false)),
            CompareOp::Le => (i64::MIN, value, false),
            CompareOp::Gt => value
                .checked_add(1)
                .map_or((empty_low, empty_high, false), |l| (l, i64::MAX, false)),
            CompareOp::Ge => (value, i64::MAX, false),
        };
        let mut test = Test {
            input,
            kind,
            low,
            high,
            negated,
            missing: None,
        };
        test.missing = plan
            .inputs
            .get(input as usize)?
            .default
            .and_then(|default| test.decide(&default));
        Some(test)
    }

    /// The test of a condition decided by one input: `pai`, `non pai`,
    /// `résidence = hors_commune`, `rang ≥ 3`; `None` for any other.
    pub(super) fn of(plan: &Plan<'_>, condition: &Scalar<'_>) -> Option<Test> {
        // `pai` is `pai = oui`, `non pai` is `pai ≠ oui`.
        let flag = |i: u32, negated: bool| {
            if code_kind(plan, i)? != Kind::Bool {
                return None;
            }
            let op = if negated {
                CompareOp::Ne
            } else {
                CompareOp::Eq
            };
            Test::new(plan, i, Kind::Bool, op, 1)
        };
        match condition {
            Scalar::Input(i) => flag(*i, false),
            Scalar::Not(x) => match &**x {
                Scalar::Input(i) => flag(*i, true),
                _ => None,
            },
            Scalar::CompareCodes(op, sides) => match &**sides {
                [Scalar::Input(i), Scalar::Const(c)] if *c != UNKNOWN => {
                    Test::new(plan, *i, code_kind(plan, *i)?, *op, *c)
                }
                _ => None,
            },
            Scalar::CompareConst(op, x, c) => match &**x {
                Num::Input(i) => {
                    let value = i64::try_from(c.mantissa()).ok()?;
                    Test::new(plan, *i, Kind::Units(c.scale()), *op, value)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the condition holds; `None` when the full evaluation must tell.
    #[inline(always)]
    pub(super) fn holds(&self, family: &Family) -> Option<bool> {
        match family.given.get(self.input as usize) {
            Some(Some((value, _))) => self.decide(value),
            _ => self.missing,
        }
    }

    /// The condition for `value`; `None` for a value of another kind, or a number with
    /// more decimals than the constant.
    #[inline(always)]
    fn decide(&self, value: &Value) -> Option<bool> {
        let whole = match (value, self.kind) {
            (Value::Bool(b), Kind::Bool) => i64::from(*b),
            (Value::Choice(c), Kind::Choice) => i64::from(c.0),
            (Value::Date(day), Kind::Date) => i64::from(chrono::Datelike::num_days_from_ce(day)),
            (Value::Number(n), Kind::Units(scale)) => i64::try_from(to_units(*n, scale)?).ok()?,
            _ => return None,
        };
        Some((self.low <= whole && whole <= self.high) != self.negated)
    }
}

/// The kind of whole number the values of a boolean, `choix` or date input are.
fn code_kind(plan: &Plan<'_>, input: u32) -> Option<Kind> {
    match plan.deliberation().inputs.get(input as usize)?.ty {
        ValueType::Boolean => Some(Kind::Bool),
        ValueType::Choice(_) => Some(Kind::Choice),
        ValueType::Date => Some(Kind::Date),
        ValueType::Amount | ValueType::Rate | ValueType::Number => None,
    }
}

impl Direct {
    /// The direct reading of a tariff priced in advance whose base is chosen by `key`
    /// (`None` for one constant) among the rows `rows` of a table, with `conditions`;
    /// `None` when one of them is not read from a single input.
    pub(super) fn new(
        plan: &Plan<'_>,
        key: Option<(&Key<'_>, &Finder, TableId)>,
        conditions: &[Scalar<'_>],
    ) -> Option<Direct> {
        let read = |input: u32| {
            Some(Read {
                input,
                default: plan.inputs.get(input as usize)?.default,
            })
        };
        let key = match key {
            None => None,
            Some((Key::Num(Num::Input(i)), rows, table)) => Some(KeyRead {
                read: read(*i)?,
                rows: rows.clone(),
                table,
                otherwise: None,
            }),
            Some((Key::Num(Num::Fallback(sides)), rows, table)) => match &sides[0] {
                Num::Input(i) => {
                    let mut inputs = Vec::new();
                    let unknown = unknown_with(plan, &sides[1], &mut inputs, 0) == Some(true);
                    Some(KeyRead {
                        read: read(*i)?,
                        rows: rows.clone(),
                        table,
                        otherwise: unknown
                            .then(|| inputs.into_iter().map(read).collect::<Option<Vec<_>>>())
                            .flatten(),
                    })
                }
                _ => return None,
            },
            Some(_) => return None,
        };
        let tests = conditions
            .iter()
            .map(|c| Test::of(plan, c))
            .collect::<Option<Vec<Test>>>()?;
        Some(Direct { key, tests })
    }

    /// The index of the family's price in the table, and the number that found its
    /// row (`None` for one constant); `None` when the full evaluation must tell.
    #[inline(always)]
    pub(super) fn index(&self, family: &Family) -> Option<(usize, Option<Decimal>)> {
        let (base, key) = match &self.key {
            None => (0, None),
            Some(k) => match k.read.number(family) {
                Some(key) => (k.rows.number(key)?, Some(key)),
                // Not given: `inconnu` when the formula of `sinon` is unknown too.
                None => {
                    let otherwise = k.otherwise.as_ref()?;
                    if otherwise.iter().any(|read| read.number(family).is_some()) {
                        return None;
                    }
                    (k.rows.unknown?, None)
                }
            },
        };
        let mut index = base << self.tests.len();
        for (i, test) in self.tests.iter().enumerate() {
            index |= usize::from(test.holds(family)?) << i;
        }
        Some((index, key))
    }

    /// The input whose number finds the row.
    pub(super) fn key_input(&self) -> Option<u32> {
        self.key.as_ref().map(|k| k.read.input)
    }

    /// The table of the grid whose row the key finds.
    pub(super) fn table(&self) -> Option<TableId> {
        self.key.as_ref().map(|k| k.table)
    }
}

/// Whether `e` is unknown when every input it reads is (`Some(true)`), pushing those
/// inputs on `inputs`; `None` when that cannot be told, or when `e` could fail then
/// (an operation on constants alone): only inputs, constants, numeric definitions,
/// `-`, `+ - × /`, `arrondi`, `min`, `max`, `borné`, which the evaluator makes unknown
/// as soon as one operand is.
fn unknown_with(plan: &Plan<'_>, e: &Num<'_>, inputs: &mut Vec<u32>, depth: usize) -> Option<bool> {
    if depth > 16 {
        return None;
    }
    let all = |parts: &[Num<'_>], inputs: &mut Vec<u32>| -> Option<Vec<bool>> {
        parts
            .iter()
            .map(|part| unknown_with(plan, part, inputs, depth + 1))
            .collect()
    };
    match e {
        Num::Const(_) => Some(false),
        Num::Input(i) => {
            inputs.push(*i);
            Some(true)
        }
        Num::Definition(d) => match &plan.definitions.get(*d as usize)?.body {
            DefinitionBody::Num(body) => unknown_with(plan, body, inputs, depth + 1),
            _ => None,
        },
        Num::Negate(x) => unknown_with(plan, x, inputs, depth + 1),
        // Rounding or computing with known values only could fail (an overflow).
        Num::Round(x, _, _) => unknown_with(plan, x, inputs, depth + 1).filter(|u| *u),
        Num::Arith(_, operands, _) => all(&operands[..], inputs)?.contains(&true).then_some(true),
        // The fraction first; its other form only when the fraction overflows.
        Num::Exact(forms) => unknown_with(plan, &forms[0], inputs, depth + 1).filter(|u| *u),
        Num::Min(args) | Num::Max(args) => all(args, inputs)?.contains(&true).then_some(true),
        Num::Clamp(parts) => all(&parts[..], inputs)?.contains(&true).then_some(true),
        Num::Tariff(_) | Num::If(..) | Num::Fallback(_) | Num::Mistyped(_) => None,
    }
}
