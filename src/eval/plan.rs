//! The evaluation plan: the rule tree compiled once per deliberation into typed nodes
//! the evaluator walks without looking anything up. Numbers and the other values take
//! separate paths (a number is a [`Decimal`], a boolean, a `choix` value or a date is a
//! code in an `i64`); inputs and definitions are slots; a numeric table keeps its rows
//! sorted for a binary search; a constant rate becomes the factor `1 ± taux`; the site
//! of every error is fixed at compile time.

use rust_decimal::Decimal;

use super::rows::{Finder, finder};
use super::scaled::Scaled;
use super::tabulate::{Tabulated, tabulate};
use super::trace::Action;
use crate::rules::{
    ArithOp, ArticleId, Body, CompareOp, Deliberation, Expr, ExprKind, Modifier, ModifierAt,
    ModifierKind, Step as RuleStep, Table, TableId, Tariff, Value, ValueType,
};

/// The code of an unknown value on the scalar path.
pub(super) const UNKNOWN: i64 = i64::MIN;

/// Where an expression is, for the errors it raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Site {
    pub article: Option<ArticleId>,
    pub line: usize,
}

/// An expression whose value is a number (an amount, a rate, a plain number).
#[derive(Debug, Clone)]
pub(super) enum Num<'d> {
    Const(Decimal),
    Input(u32),
    Definition(u32),
    /// A tariff's final price (its name in an expression).
    Tariff(u32),
    Negate(Box<Num<'d>>),
    Arith(ArithOp, Box<[Num<'d>; 2]>, Site),
    If(Box<(Scalar<'d>, Num<'d>, Num<'d>)>, &'d Expr, Site),
    /// `si x est connu alors x sinon y` (or `si x est inconnu alors y sinon x`).
    Fallback(Box<[Num<'d>; 2]>),
    Min(Vec<Num<'d>>),
    Max(Vec<Num<'d>>),
    Round(Box<Num<'d>>, crate::rules::Rounding, Site),
    Clamp(Box<[Num<'d>; 3]>),
    /// A value of another kind where a number is expected (only in a rule tree the
    /// checker did not produce): evaluated, and unknown.
    Mistyped(Box<Scalar<'d>>),
    /// A formula with a division inside (`0,025 € / 3 × 3`), computed as one fraction
    /// whose single division comes last, so that no digit is lost before a rounding;
    /// then, if that overflows, as written.
    Exact(Box<[Num<'d>; 2]>),
}

/// An expression whose value is a boolean, a `choix` value or a date, as a code:
/// 0 or 1, the [`crate::rules::ChoiceId`], the day number; [`UNKNOWN`] when unknown.
#[derive(Debug, Clone)]
pub(super) enum Scalar<'d> {
    Const(i64),
    Input(u32),
    Definition(u32),
    ServiceDate,
    Not(Box<Scalar<'d>>),
    And(Box<[Scalar<'d>; 2]>),
    Or(Box<[Scalar<'d>; 2]>),
    NumKnown(Box<Num<'d>>, bool),
    CodeKnown(Box<Scalar<'d>>, bool),
    /// A number compared with a constant: `rang ≥ 3`.
    CompareConst(CompareOp, Box<Num<'d>>, Decimal),
    CompareNum(CompareOp, Box<[Num<'d>; 2]>),
    CompareCodes(CompareOp, Box<[Scalar<'d>; 2]>),
    BetweenNum(Box<[Num<'d>; 3]>),
    BetweenCodes(Box<[Scalar<'d>; 3]>),
    If(Box<[Scalar<'d>; 3]>, &'d Expr, Site),
    /// A number where another kind is expected: evaluated, and unknown.
    Mistyped(Box<Num<'d>>),
}

/// What a definition computes.
#[derive(Debug, Clone)]
pub(super) enum DefinitionBody<'d> {
    Num(Num<'d>),
    Scalar(Scalar<'d>),
    Table(Box<TablePlan<'d>>),
}

/// A definition.
#[derive(Debug, Clone)]
pub(super) struct DefinitionPlan<'d> {
    pub body: DefinitionBody<'d>,
    /// Shown in justifications (every definition but a tariff's base).
    pub shown: bool,
}

/// A key of a table or of its columns.
#[derive(Debug, Clone)]
pub(super) enum Key<'d> {
    Num(Num<'d>),
    Scalar(Scalar<'d>),
}

/// A table and the column a definition reads.
#[derive(Debug, Clone)]
pub(super) struct TablePlan<'d> {
    pub id: TableId,
    pub table: &'d Table,
    pub key: Key<'d>,
    /// The key is a date: its code is a day number, the rows are intervals of days.
    pub key_is_date: bool,
    pub rows: Finder,
    /// The key of the columns (and whether it is a date) and how they are found, for
    /// a crossed table.
    pub columns: Option<(Key<'d>, bool, Finder)>,
    /// By row, by column: the cell, `None` for `—`; only the column read when the
    /// table is not crossed.
    pub cells: Vec<Vec<Option<Key<'d>>>>,
    /// The site of the definition (its key's errors), and of each row (its cell's).
    pub site: Site,
    pub row_sites: Vec<Site>,
    /// By row, the number read when the key is a number, the table is not crossed and
    /// every row gives a constant (the usual grid): read without evaluating a cell.
    pub constants: Option<Vec<Decimal>>,
}

impl<'d> ActionPlan<'d> {
    /// The expression of its amount, when it is evaluated per family.
    pub(super) fn amount(&self) -> Option<&Num<'d>> {
        match self {
            ActionPlan::Rate { rate: e, .. }
            | ActionPlan::IncreaseAmount(e)
            | ActionPlan::DecreaseAmount(e)
            | ActionPlan::Multiply(e)
            | ActionPlan::Replace(e)
            | ActionPlan::Floor(e)
            | ActionPlan::Ceiling(e) => Some(e),
            ActionPlan::Factor { .. } | ActionPlan::Exemption | ActionPlan::Round(_) => None,
        }
    }
}

/// A modifier line.
#[derive(Debug, Clone)]
pub(super) struct ModifierPlan<'d> {
    pub rule: &'d Modifier,
    pub at: ModifierAt,
    pub condition: Option<Scalar<'d>>,
    /// The rank of the condition among the tariff's conditions, in file order.
    pub slot: Option<u32>,
    pub action: ActionPlan<'d>,
    /// What the justification shows when the condition is false, and when the
    /// modifier applies, if that does not depend on the family (the steps copy it).
    pub skipped: Action,
    pub applied: Option<Action>,
    pub site: Site,
}

/// What a modifier does.
#[derive(Debug, Clone)]
pub(super) enum ActionPlan<'d> {
    /// A constant rate of the running value: the value times `1 ± rate`.
    Factor {
        factor: Decimal,
        rate: Decimal,
        increase: bool,
    },
    Rate {
        rate: Num<'d>,
        of_base: bool,
        increase: bool,
    },
    IncreaseAmount(Num<'d>),
    DecreaseAmount(Num<'d>),
    Multiply(Num<'d>),
    Replace(Num<'d>),
    Exemption,
    Floor(Num<'d>),
    Ceiling(Num<'d>),
    Round(crate::rules::Rounding),
}

/// A step of a tariff.
#[derive(Debug, Clone)]
pub(super) enum StepPlan<'d> {
    One(ModifierPlan<'d>),
    MostFavourable(Vec<ModifierPlan<'d>>, Site),
}

/// A tariff.
#[derive(Debug, Clone)]
pub(super) struct TariffPlan<'d> {
    pub rule: &'d Tariff,
    pub base: u32,
    pub steps: Vec<StepPlan<'d>>,
    pub site: Site,
    pub base_site: Site,
    /// Its prices computed in advance, when they depend only on a grid row and on
    /// conditions.
    pub table: Option<Box<Tabulated<'d>>>,
    /// Otherwise, its computation on scaled integers, when it has one.
    pub scaled: Option<Box<Scaled>>,
}

/// An input.
#[derive(Debug, Clone)]
pub(super) struct InputPlan {
    pub default: Option<Value>,
}

/// A deliberation compiled for evaluation. Built once, shared by every evaluation
/// (it is `Sync`: the batch's workers read the same plan).
#[derive(Debug, Clone)]
pub struct Plan<'d> {
    pub(super) d: &'d Deliberation,
    pub(super) inputs: Vec<InputPlan>,
    pub(super) definitions: Vec<DefinitionPlan<'d>>,
    pub(super) tariffs: Vec<TariffPlan<'d>>,
    /// The inputs declared `obligatoire` or bounded (`de 0 à 150`), checked before
    /// each price: usually none.
    pub(super) limited: Vec<Limit>,
    /// The definitions that depend on the date of the service only (see `dated.rs`).
    pub(super) dated: Vec<u32>,
    /// The condition of each count of children (`nombre d'enfants si …`), and where it
    /// is written.
    pub(super) counts: Vec<(Option<Scalar<'d>>, Site)>,
}

/// What an input declared `obligatoire` or bounded must give, checked before each
/// price without reading the rule tree.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limit {
    pub input: u32,
    /// `obligatoire` and without a default: a family must give it.
    pub required: bool,
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
}

impl<'d> Plan<'d> {
    /// Compiles `d`. Total: any rule tree gives a plan (a tree the checker did not
    /// produce may give unknown values, never a panic).
    pub fn new(d: &'d Deliberation) -> Plan<'d> {
        let compiler = Compiler { d };
        let inputs = d
            .inputs
            .iter()
            .map(|i| InputPlan { default: i.default })
            .collect();
        // Whether each definition is a tariff's base (not shown as a step of its own).
        let mut bases = vec![false; d.definitions.len()];
        for t in &d.tariffs {
            if let Some(b) = bases.get_mut(t.base.0 as usize) {
                *b = true;
            }
        }
        let definitions = d
            .definitions
            .iter()
            .enumerate()
            .map(|(i, definition)| {
                let site = Site {
                    article: Some(definition.article),
                    line: definition.line,
                };
                let numeric = is_numeric_type(&definition.ty);
                let body = match &definition.body {
                    Body::Expr(e) if numeric => DefinitionBody::Num(compiler.num(e, site)),
                    Body::Expr(e) => DefinitionBody::Scalar(compiler.scalar(e, site)),
                    Body::Table { table, column } => match compiler.table(*table, *column, site) {
                        Some(table) => DefinitionBody::Table(Box::new(table)),
                        None if numeric => {
                            DefinitionBody::Num(Num::Mistyped(Box::new(Scalar::Const(UNKNOWN))))
                        }
                        None => DefinitionBody::Scalar(Scalar::Const(UNKNOWN)),
                    },
                };
                DefinitionPlan {
                    body,
                    shown: !bases.get(i).copied().unwrap_or(false),
                }
            })
            .collect();
        let tariffs = d
            .tariffs
            .iter()
            .enumerate()
            .map(|(t, tariff)| compiler.tariff(t, tariff))
            .collect();
        let limited = d
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.required || i.low.is_some() || i.high.is_some())
            .map(|(index, i)| Limit {
                input: index as u32,
                required: i.required && i.default.is_none(),
                low: i.low,
                high: i.high,
            })
            .collect();
        let mut plan = Plan {
            d,
            inputs,
            definitions,
            tariffs,
            limited,
            dated: super::dated::dated(d),
            counts: d
                .counts
                .iter()
                .map(|c| {
                    let site = Site {
                        article: Some(c.article),
                        line: c.line,
                    };
                    (c.condition.as_ref().map(|e| compiler.scalar(e, site)), site)
                })
                .collect(),
        };
        for t in 0..plan.tariffs.len() {
            plan.tariffs[t].table = tabulate(&plan, t).map(Box::new);
            if plan.tariffs[t].table.is_none() {
                plan.tariffs[t].scaled = Scaled::new(&plan, t).map(Box::new);
            }
        }
        plan
    }

    pub fn deliberation(&self) -> &'d Deliberation {
        self.d
    }
}

fn is_numeric_type(ty: &ValueType) -> bool {
    matches!(ty, ValueType::Amount | ValueType::Rate | ValueType::Number)
}

/// The code of a value on the scalar path; `None` for a number.
/// Taken by reference: a `Value` copied through the stack and read back in parts
/// stalls the processor on the evaluator's hot path.
#[inline(always)]
pub(super) fn code(value: &Value) -> Option<i64> {
    match value {
        Value::Number(_) => None,
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Choice(c) => Some(i64::from(c.0)),
        Value::Date(day) => Some(i64::from(chrono::Datelike::num_days_from_ce(day))),
    }
}

mod exact;

struct Compiler<'d> {
    d: &'d Deliberation,
}

impl<'d> Compiler<'d> {
    /// Whether an expression gives a number.
    fn is_numeric(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Const(v) => matches!(v, Value::Number(_)),
            ExprKind::Input(id) => self
                .d
                .inputs
                .get(id.0 as usize)
                .is_some_and(|i| is_numeric_type(&i.ty)),
            ExprKind::Definition(id) => self
                .d
                .definitions
                .get(id.0 as usize)
                .is_some_and(|x| is_numeric_type(&x.ty)),
            ExprKind::Tariff(_)
            | ExprKind::Negate(_)
            | ExprKind::Arith(..)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::Round(..)
            | ExprKind::Clamp(..) => true,
            ExprKind::If(_, then, _) => self.is_numeric(then),
            ExprKind::ServiceDate
            | ExprKind::Not(_)
            | ExprKind::Compare(..)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::IsKnown { .. }
            | ExprKind::Between(..) => false,
        }
    }

    fn num(&self, e: &'d Expr, site: Site) -> Num<'d> {
        let num = |x: &'d Expr| self.num(x, site);
        match &e.kind {
            ExprKind::Const(Value::Number(n)) => Num::Const(*n),
            ExprKind::Input(id) if self.is_numeric(e) => Num::Input(id.0),
            ExprKind::Definition(id) if self.is_numeric(e) => Num::Definition(id.0),
            ExprKind::Tariff(t) => Num::Tariff(*t),
            ExprKind::Negate(x) => Num::Negate(Box::new(num(x))),
            ExprKind::Arith(op, a, b) => {
                let written = Num::Arith(*op, Box::new([num(a), num(b)]), site);
                if !self.divides_inside(e) {
                    return written;
                }
                let exact = match self.fraction(e, site, 0) {
                    (numerator, Some(denominator)) => {
                        Num::Arith(ArithOp::Div, Box::new([numerator, denominator]), site)
                    }
                    (numerator, None) => numerator,
                };
                Num::Exact(Box::new([exact, written]))
            }
            // `si x est connu alors x sinon y`: the value of x when known, else y.
            ExprKind::If(c, then, otherwise) if self.is_numeric(e) => {
                match fallback(c, then, otherwise) {
                    Some((x, y)) => Num::Fallback(Box::new([num(x), num(y)])),
                    None => Num::If(
                        Box::new((self.scalar(c, site), num(then), num(otherwise))),
                        c,
                        site,
                    ),
                }
            }
            ExprKind::Min(args) => Num::Min(args.iter().map(num).collect()),
            ExprKind::Max(args) => Num::Max(args.iter().map(num).collect()),
            ExprKind::Round(x, mode) => Num::Round(Box::new(num(x)), *mode, site),
            ExprKind::Clamp(x, lo, hi) => Num::Clamp(Box::new([num(x), num(lo), num(hi)])),
            _ => Num::Mistyped(Box::new(self.scalar(e, site))),
        }
    }

    fn scalar(&self, e: &'d Expr, site: Site) -> Scalar<'d> {
        let scalar = |x: &'d Expr| self.scalar(x, site);
        let num = |x: &'d Expr| self.num(x, site);
        match &e.kind {
            ExprKind::Const(v) => match code(v) {
                Some(c) => Scalar::Const(c),
                None => Scalar::Mistyped(Box::new(num(e))),
            },
            ExprKind::Input(id) if !self.is_numeric(e) => Scalar::Input(id.0),
            ExprKind::Definition(id) if !self.is_numeric(e) => Scalar::Definition(id.0),
            ExprKind::ServiceDate => Scalar::ServiceDate,
            ExprKind::Not(x) => Scalar::Not(Box::new(scalar(x))),
            ExprKind::And(a, b) => Scalar::And(Box::new([scalar(a), scalar(b)])),
            ExprKind::Or(a, b) => Scalar::Or(Box::new([scalar(a), scalar(b)])),
            ExprKind::IsKnown { value, known } if self.is_numeric(value) => {
                Scalar::NumKnown(Box::new(num(value)), *known)
            }
            ExprKind::IsKnown { value, known } => {
                Scalar::CodeKnown(Box::new(scalar(value)), *known)
            }
            ExprKind::Compare(op, a, b) if self.is_numeric(a) => match &b.kind {
                ExprKind::Const(Value::Number(n)) => {
                    Scalar::CompareConst(*op, Box::new(num(a)), *n)
                }
                _ => Scalar::CompareNum(*op, Box::new([num(a), num(b)])),
            },
            ExprKind::Compare(op, a, b) => {
                Scalar::CompareCodes(*op, Box::new([scalar(a), scalar(b)]))
            }
            ExprKind::Between(x, lo, hi) if self.is_numeric(x) => {
                Scalar::BetweenNum(Box::new([num(x), num(lo), num(hi)]))
            }
            ExprKind::Between(x, lo, hi) => {
                Scalar::BetweenCodes(Box::new([scalar(x), scalar(lo), scalar(hi)]))
            }
            ExprKind::If(c, then, otherwise) if !self.is_numeric(e) => Scalar::If(
                Box::new([scalar(c), scalar(then), scalar(otherwise)]),
                c,
                site,
            ),
            _ => Scalar::Mistyped(Box::new(num(e))),
        }
    }

    fn key(&self, e: &'d Expr, site: Site) -> Key<'d> {
        if self.is_numeric(e) {
            Key::Num(self.num(e, site))
        } else {
            Key::Scalar(self.scalar(e, site))
        }
    }

    /// Whether an expression gives a date.
    fn is_date(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::ServiceDate => true,
            ExprKind::Const(v) => matches!(v, Value::Date(_)),
            ExprKind::Input(id) => self
                .d
                .inputs
                .get(id.0 as usize)
                .is_some_and(|i| i.ty == ValueType::Date),
            ExprKind::Definition(id) => self
                .d
                .definitions
                .get(id.0 as usize)
                .is_some_and(|x| x.ty == ValueType::Date),
            ExprKind::If(_, then, _) => self.is_date(then),
            _ => false,
        }
    }

    /// The plan of a table; `None` for a table the deliberation does not have (only in
    /// a rule tree the checker did not produce).
    fn table(&self, id: TableId, column: usize, site: Site) -> Option<TablePlan<'d>> {
        let table = self.d.tables.get(id.0 as usize)?;
        let ordered = |e: &Expr| self.is_numeric(e) || self.is_date(e);
        let columns = table.column_key.as_ref().map(|(key, matches)| {
            (
                self.key(key, site),
                self.is_date(key),
                finder(matches.iter(), ordered(key)),
            )
        });
        let row_sites: Vec<Site> = table
            .rows
            .iter()
            .map(|r| Site {
                article: Some(table.article),
                line: r.line,
            })
            .collect();
        // A simple grid keeps only the column this definition reads (a grid of n
        // tariffs would otherwise hold n × n cells); a crossed one, all of them.
        let crossed = columns.is_some();
        let cells: Vec<Vec<Option<Key<'d>>>> = table
            .rows
            .iter()
            .zip(&row_sites)
            .map(|(row, row_site)| {
                let cells = if crossed {
                    &row.cells[..]
                } else {
                    row.cells.get(column).map_or(&[][..], std::slice::from_ref)
                };
                cells
                    .iter()
                    .map(|c| c.as_ref().map(|c| self.key(c, *row_site)))
                    .collect()
            })
            .collect();
        let key = self.key(&table.key, site);
        let constants = match (&key, &columns) {
            (Key::Num(_), None) => cells
                .iter()
                .map(|row| match row.first() {
                    Some(Some(Key::Num(Num::Const(n)))) => Some(*n),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        Some(TablePlan {
            id,
            table,
            key,
            key_is_date: self.is_date(&table.key),
            rows: finder(table.rows.iter().map(|r| &r.matches), ordered(&table.key)),
            columns,
            cells,
            site,
            row_sites,
            constants,
        })
    }

    fn tariff(&self, t: usize, tariff: &'d Tariff) -> TariffPlan<'d> {
        let site = Site {
            article: Some(tariff.article),
            line: tariff.line,
        };
        let base_site = self
            .d
            .definitions
            .get(tariff.base.0 as usize)
            .map_or(site, |b| Site {
                article: Some(b.article),
                line: b.line,
            });
        let mut slots = 0;
        let steps = tariff
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| {
                let at = |option: Option<usize>| ModifierAt {
                    tariff: t as u32,
                    step: s as u32,
                    option: option.map(|o| o as u32),
                };
                let mut modifier = |m: &'d Modifier, at: ModifierAt| {
                    let slot = m.condition.as_ref().map(|_| {
                        slots += 1;
                        slots - 1
                    });
                    self.modifier(m, at, slot)
                };
                match step {
                    RuleStep::Modifier(m) => StepPlan::One(modifier(m, at(None))),
                    RuleStep::MostFavourable {
                        options,
                        article,
                        line,
                    } => StepPlan::MostFavourable(
                        options
                            .iter()
                            .enumerate()
                            .map(|(o, m)| modifier(m, at(Some(o))))
                            .collect(),
                        Site {
                            article: Some(*article),
                            line: *line,
                        },
                    ),
                }
            })
            .collect();
        TariffPlan {
            rule: tariff,
            base: tariff.base.0,
            steps,
            site,
            base_site,
            table: None,
            scaled: None,
        }
    }

    fn modifier(&self, m: &'d Modifier, at: ModifierAt, slot: Option<u32>) -> ModifierPlan<'d> {
        let site = Site {
            article: Some(m.article),
            line: m.line,
        };
        let num = |e: &'d Expr| self.num(e, site);
        let rate = |rate: &'d Expr, of_base: bool, increase: bool| match rate.kind {
            ExprKind::Const(Value::Number(r)) if !of_base => {
                let factor = if increase {
                    Decimal::ONE.checked_add(r)
                } else {
                    Decimal::ONE.checked_sub(r)
                };
                match factor {
                    Some(factor) => ActionPlan::Factor {
                        factor,
                        rate: r,
                        increase,
                    },
                    None => ActionPlan::Rate {
                        rate: num(rate),
                        of_base,
                        increase,
                    },
                }
            }
            _ => ActionPlan::Rate {
                rate: num(rate),
                of_base,
                increase,
            },
        };
        let action = match &m.kind {
            ModifierKind::IncreaseRate { rate: r, of_base } => rate(r, *of_base, true),
            ModifierKind::DecreaseRate { rate: r, of_base } => rate(r, *of_base, false),
            ModifierKind::IncreaseAmount(e) => ActionPlan::IncreaseAmount(num(e)),
            ModifierKind::DecreaseAmount(e) => ActionPlan::DecreaseAmount(num(e)),
            ModifierKind::Multiply(e) => ActionPlan::Multiply(num(e)),
            ModifierKind::Replace(e) => ActionPlan::Replace(num(e)),
            ModifierKind::Exemption => ActionPlan::Exemption,
            ModifierKind::Floor(e) => ActionPlan::Floor(num(e)),
            ModifierKind::Ceiling(e) => ActionPlan::Ceiling(num(e)),
            ModifierKind::Round(mode) => ActionPlan::Round(*mode),
        };
        let applied = match &action {
            ActionPlan::Factor { rate, .. } => Some(*rate),
            ActionPlan::Exemption | ActionPlan::Round(_) => Some(Decimal::ZERO),
            other => match other.amount() {
                Some(Num::Const(n)) => Some(*n),
                _ => None,
            },
        }
        .map(|amount| self::action(&action, amount));
        ModifierPlan {
            rule: m,
            at,
            condition: m.condition.as_ref().map(|c| self.scalar(c, site)),
            slot,
            skipped: skipped_action(m),
            applied,
            action,
            site,
        }
    }
}

/// `(x, y)` when a conditional is `si x est connu alors x sinon y` or
/// `si x est inconnu alors y sinon x`, with x an input or a definition.
fn fallback<'e>(c: &'e Expr, then: &'e Expr, otherwise: &'e Expr) -> Option<(&'e Expr, &'e Expr)> {
    let ExprKind::IsKnown { value, known } = &c.kind else {
        return None;
    };
    let (x, y) = if *known {
        (then, otherwise)
    } else {
        (otherwise, then)
    };
    let same = match (&value.kind, &x.kind) {
        (ExprKind::Input(a), ExprKind::Input(b)) => a == b,
        (ExprKind::Definition(a), ExprKind::Definition(b)) => a == b,
        _ => false,
    };
    same.then_some((x, y))
}

/// What an applied modifier did, from the amount it applied.
#[inline(always)]
pub(super) fn action(plan: &ActionPlan<'_>, amount: Decimal) -> Action {
    match plan {
        ActionPlan::Factor { increase, .. } => rate_action(*increase, amount, false),
        ActionPlan::Rate {
            of_base, increase, ..
        } => rate_action(*increase, amount, *of_base),
        ActionPlan::IncreaseAmount(_) => Action::IncreaseAmount(amount),
        ActionPlan::DecreaseAmount(_) => Action::DecreaseAmount(amount),
        ActionPlan::Multiply(_) => Action::Multiply(amount),
        ActionPlan::Replace(_) => Action::Replace(amount),
        ActionPlan::Exemption => Action::Exemption,
        ActionPlan::Floor(_) => Action::Floor(amount),
        ActionPlan::Ceiling(_) => Action::Ceiling(amount),
        ActionPlan::Round(mode) => Action::Round(*mode),
    }
}

#[inline(always)]
fn rate_action(increase: bool, rate: Decimal, of_base: bool) -> Action {
    if increase {
        Action::IncreaseRate { rate, of_base }
    } else {
        Action::DecreaseRate { rate, of_base }
    }
}

/// What a modifier that did not apply would have done, as far as the rule says it
/// without evaluating its amount.
fn skipped_action(m: &Modifier) -> Action {
    let constant = |e: &crate::rules::Expr| match e.kind {
        crate::rules::ExprKind::Const(Value::Number(n)) => n,
        _ => Decimal::ZERO,
    };
    match &m.kind {
        ModifierKind::IncreaseRate { rate, of_base } => Action::IncreaseRate {
            rate: constant(rate),
            of_base: *of_base,
        },
        ModifierKind::DecreaseRate { rate, of_base } => Action::DecreaseRate {
            rate: constant(rate),
            of_base: *of_base,
        },
        ModifierKind::IncreaseAmount(e) => Action::IncreaseAmount(constant(e)),
        ModifierKind::DecreaseAmount(e) => Action::DecreaseAmount(constant(e)),
        ModifierKind::Multiply(e) => Action::Multiply(constant(e)),
        ModifierKind::Replace(e) => Action::Replace(constant(e)),
        ModifierKind::Exemption => Action::Exemption,
        ModifierKind::Floor(e) => Action::Floor(constant(e)),
        ModifierKind::Ceiling(e) => Action::Ceiling(constant(e)),
        ModifierKind::Round(mode) => Action::Round(*mode),
    }
}
