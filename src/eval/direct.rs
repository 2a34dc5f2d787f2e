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
use super::expr::holds;
use super::number;
use super::plan::{DefinitionBody, Key, Num, Plan, Scalar, UNKNOWN, code};
use super::rows::Finder;
use crate::rules::{CompareOp, TableId, Value};

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

/// A condition decided by one input.
#[derive(Debug, Clone, Copy)]
enum Test {
    /// A boolean input (`pai`), or its negation.
    Flag(Read, bool),
    /// A boolean, `choix` or date input compared with a constant (`résidence =
    /// hors_commune`).
    Code(Read, CompareOp, i64),
    /// A numeric input compared with a constant (`rang ≥ 3`).
    Number(Read, CompareOp, Decimal),
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

    #[inline(always)]
    fn code(&self, family: &Family) -> Option<i64> {
        let value = match family.given.get(self.input as usize) {
            Some(Some((value, _))) => value,
            _ => self.default.as_ref()?,
        };
        code(value)
    }
}

impl Test {
    /// Whether the condition holds; `None` when the full evaluation must tell.
    #[inline(always)]
    fn holds(&self, family: &Family) -> Option<bool> {
        match self {
            Test::Flag(read, negated) => match read.code(family)? {
                0 => Some(*negated),
                1 => Some(!*negated),
                _ => None,
            },
            Test::Code(read, op, value) => Some(holds(*op, read.code(family)?.cmp(value))),
            Test::Number(read, op, value) => {
                Some(holds(*op, number::compare(read.number(family)?, *value)))
            }
        }
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
            .map(|c| match c {
                Scalar::Input(i) => Some(Test::Flag(read(*i)?, false)),
                Scalar::Not(x) => match &**x {
                    Scalar::Input(i) => Some(Test::Flag(read(*i)?, true)),
                    _ => None,
                },
                Scalar::CompareCodes(op, sides) => match &**sides {
                    [Scalar::Input(i), Scalar::Const(c)] if *c != UNKNOWN => {
                        Some(Test::Code(read(*i)?, *op, *c))
                    }
                    _ => None,
                },
                Scalar::CompareConst(op, x, c) => match &**x {
                    Num::Input(i) => Some(Test::Number(read(*i)?, *op, *c)),
                    _ => None,
                },
                _ => None,
            })
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
