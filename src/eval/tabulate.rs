//! Tariffs priced in advance. When a tariff's base is one of a few constants (a grid
//! of constants, crossed or not, or a choice between grids) and its modifiers apply
//! constant amounts (the usual cantine grid with its majorations and réductions), its
//! price depends only on which constant the base is and on which conditions hold. The
//! plan computes every such price once, with the evaluator itself; pricing a family is
//! then finding its cell, deciding the conditions and reading the price.
//!
//! Anything else (an unknown key or condition, an error, a price the table does not
//! hold) goes to the full evaluation, which gives the same price or the error; the
//! justification always takes the full evaluation, step by step.

use rust_decimal::Decimal;

use super::Family;
use super::direct::Direct;
use super::expr::Evaluator;
use super::plan::{DefinitionBody, Key, Num, Plan, Scalar, StepPlan};
use super::rows::Finder;
use super::trace::{NoTrace, Tracer};
use crate::rules::TableId;

/// At most this many conditions (a price for each combination).
const MAX_CONDITIONS: usize = 10;

/// At most this many prices in the table of one tariff.
const MAX_PRICES: usize = 4_096;

/// The prices of a tariff for every constant its base can be and every combination of
/// its conditions.
#[derive(Debug, Clone)]
pub(super) struct Tabulated<'d> {
    /// How the base is chosen among its constants.
    base: Base<'d>,
    /// The conditions of the modifiers, in file order: bit `i` of a price's index
    /// tells whether the `i`-th holds.
    conditions: Vec<Scalar<'d>>,
    /// By constant of the base, then by combination of conditions: the price, `None`
    /// when it is an error (the full evaluation then gives the error).
    prices: Vec<Option<Decimal>>,
    /// How the index of a price is read straight from the family, when the base's key
    /// and every condition are read from one input each.
    direct: Option<Direct>,
}

/// The cell of a family's price, read straight from its values.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell {
    /// The index of the price in the table.
    pub index: usize,
    /// The number that found the row, and the table of that row (`None` for a base
    /// that is one constant).
    pub key: Option<Decimal>,
    pub table: Option<TableId>,
}

/// How a base is chosen among a finite list of constants: each way gives the index of
/// the constant in the list.
#[derive(Debug, Clone)]
enum Base<'d> {
    /// One constant.
    Const,
    /// A cell of a grid of constants.
    Grid(Box<Grid<'d>>),
    /// `si c alors a sinon b`: the constants of `a`, then those of `b` from `offset`.
    If(Box<(Scalar<'d>, Base<'d>, Base<'d>)>, usize),
}

/// A grid of constants, crossed or not: the index of a cell is `row × width + column`.
#[derive(Debug, Clone)]
struct Grid<'d> {
    table: TableId,
    key: Key<'d>,
    key_is_date: bool,
    rows: Finder,
    columns: Option<(Key<'d>, bool, Finder)>,
    width: usize,
}

/// The table of prices of tariff number `t`, when its price depends only on which
/// constant its base is and on its conditions, and the table is small enough.
pub(super) fn tabulate<'d>(plan: &Plan<'d>, t: usize) -> Option<Tabulated<'d>> {
    let tariff = plan.tariffs.get(t)?;
    let (base, bases) = finite(plan, &Num::Definition(tariff.base), 0)?;
    let modifiers = tariff.steps.iter().flat_map(|step| match step {
        StepPlan::One(m) => std::slice::from_ref(m),
        StepPlan::MostFavourable(options, _) => &options[..],
    });
    let mut conditions = Vec::new();
    for m in modifiers {
        // Its action, when applied, is known at compile time: its amounts are constants.
        m.applied?;
        if let Some(c) = &m.condition {
            conditions.push(match inlined(plan, Key::Scalar(c.clone())) {
                Key::Scalar(inlined) => inlined,
                Key::Num(_) => c.clone(),
            });
        }
    }
    let k = conditions.len();
    if k > MAX_CONDITIONS || bases.len() << k > MAX_PRICES {
        return None;
    }
    // The evaluator of a family that gives nothing: with every condition decided and
    // every amount a constant, the steps read nothing of it.
    // No memory of definitions either: the steps of such a tariff read none (one that
    // did would find it unknown, and its price would be left to the full evaluation).
    let family = Family::empty();
    let date = plan.d.meta.applicable_from;
    let mut prices = Vec::with_capacity(bases.len() << k);
    let mut touched = Vec::new();
    for base in bases {
        for decided in 0..1u32 << k {
            let price = base.and_then(|base| {
                let mut evaluator = Evaluator::new(
                    plan,
                    &family,
                    date,
                    (&mut [], &mut touched),
                    &mut [],
                    NoTrace,
                );
                evaluator.decided = Some(decided);
                evaluator.steps(tariff, base).ok()
            });
            prices.push(price);
        }
    }
    let direct = match &base {
        Base::Const => Direct::new(plan, None, &conditions),
        Base::Grid(grid) if grid.columns.is_none() => {
            Direct::new(plan, Some((&grid.key, &grid.rows, grid.table)), &conditions)
        }
        _ => None,
    };
    Some(Tabulated {
        base,
        conditions,
        prices,
        direct,
    })
}

/// How `e` is chosen among a list of constants, and the list (`None` for a cell
/// `—`), when it is; `depth` bounds the definitions followed.
fn finite<'d>(
    plan: &Plan<'d>,
    e: &Num<'d>,
    depth: usize,
) -> Option<(Base<'d>, Vec<Option<Decimal>>)> {
    if depth > 8 {
        return None;
    }
    match e {
        Num::Const(n) => Some((Base::Const, vec![Some(*n)])),
        Num::Definition(i) => match &plan.definitions.get(*i as usize)?.body {
            DefinitionBody::Num(e) => finite(plan, e, depth + 1),
            DefinitionBody::Scalar(_) => None,
            DefinitionBody::Table(t) => {
                let width = t
                    .table
                    .column_key
                    .as_ref()
                    .map_or(1, |(_, columns)| columns.len());
                let mut values = Vec::with_capacity(t.cells.len() * width);
                for row in &t.cells {
                    for c in 0..width {
                        values.push(match row.get(c) {
                            Some(Some(Key::Num(Num::Const(n)))) => Some(*n),
                            Some(None) => None,
                            _ => return None,
                        });
                    }
                }
                let base = Base::Grid(Box::new(Grid {
                    table: t.id,
                    key: inlined(plan, t.key.clone()),
                    key_is_date: t.key_is_date,
                    rows: t.rows.clone(),
                    columns: t.columns.as_ref().map(|(key, is_date, columns)| {
                        (inlined(plan, key.clone()), *is_date, columns.clone())
                    }),
                    width,
                }));
                Some((base, values))
            }
        },
        Num::If(parts, _, _) => {
            let (condition, then, otherwise) = &**parts;
            let (then, mut values) = finite(plan, then, depth + 1)?;
            let (otherwise, more) = finite(plan, otherwise, depth + 1)?;
            let offset = values.len();
            values.extend(more);
            let base = Base::If(Box::new((condition.clone(), then, otherwise)), offset);
            Some((base, values))
        }
        _ => None,
    }
}

/// A key that is a definition (`quotient`) replaced by the expression of the
/// definition, so that it is computed in place, without the memory of definitions
/// (the price read in the table needs no justification of it).
pub(super) fn inlined<'d>(plan: &Plan<'d>, mut key: Key<'d>) -> Key<'d> {
    for _ in 0..8 {
        let body = |i: &u32| plan.definitions.get(*i as usize).map(|x| &x.body);
        key = match &key {
            Key::Num(Num::Definition(i)) => match body(i) {
                Some(DefinitionBody::Num(e)) => Key::Num(e.clone()),
                _ => break,
            },
            Key::Scalar(Scalar::Definition(i)) => match body(i) {
                Some(DefinitionBody::Scalar(e)) => Key::Scalar(e.clone()),
                _ => break,
            },
            _ => break,
        };
    }
    key
}

impl Tabulated<'_> {
    /// The price of `family` read straight from its values; `None` when the
    /// evaluator must tell (see [`Direct`]).
    #[inline]
    pub(super) fn direct(&self, family: &Family) -> Option<Decimal> {
        let (index, _) = self.direct.as_ref()?.index(family)?;
        self.price(index)
    }

    /// The price held in cell `index`, if any.
    #[inline(always)]
    pub(super) fn price(&self, index: usize) -> Option<Decimal> {
        self.prices.get(index).copied().flatten()
    }

    /// The cell of `family`'s price read straight from its values, when it holds a
    /// price; `None` when the evaluator must tell (see [`Direct`]).
    #[inline(always)]
    pub(super) fn cell(&self, family: &Family) -> Option<Cell> {
        let direct = self.direct.as_ref()?;
        let (index, key) = direct.index(family)?;
        // Only a cell that holds a price.
        self.price(index)?;
        Some(Cell {
            index,
            key,
            table: direct.table(),
        })
    }

    /// The input whose number finds the row, when it is read directly.
    pub(super) fn key_input(&self) -> Option<u32> {
        self.direct.as_ref()?.key_input()
    }

    /// How many cells (prices) the table has.
    pub(super) fn len(&self) -> usize {
        self.prices.len()
    }
}

impl<'d, T: Tracer> Evaluator<'_, 'd, T> {
    /// The price the table holds for the current family; `None` when the full
    /// evaluation must tell (an unknown key or condition, an error, no price held).
    #[inline]
    pub(super) fn tabulated(&mut self, table: &Tabulated<'d>) -> Option<Decimal> {
        let base = self.select(&table.base)?;
        let mut index = base << table.conditions.len();
        for (i, condition) in table.conditions.iter().enumerate() {
            match self.code(condition) {
                Ok(1) => index |= 1 << i,
                Ok(0) => {}
                _ => return None,
            }
        }
        table.prices.get(index).copied().flatten()
    }

    /// The index of the constant the base is for the current family.
    fn select(&mut self, base: &Base<'d>) -> Option<usize> {
        match base {
            Base::Const => Some(0),
            Base::Grid(grid) => match &**grid {
                Grid {
                    key: Key::Num(key),
                    rows,
                    columns: None,
                    ..
                } => match self.number(key) {
                    Ok(Some(key)) => rows.number(key),
                    Ok(None) => rows.unknown,
                    Err(_) => None,
                },
                Grid {
                    key,
                    key_is_date,
                    rows,
                    columns,
                    width,
                    ..
                } => {
                    let (row, _, _) = self.find(key, *key_is_date, rows).ok()?;
                    let column = match columns {
                        Some((key, is_date, columns)) => {
                            self.find(key, *is_date, columns).ok()?.0?
                        }
                        None => 0,
                    };
                    Some(row? * width + column)
                }
            },
            Base::If(parts, offset) => {
                let (condition, then, otherwise) = &**parts;
                match self.code(condition).ok()? {
                    1 => self.select(then),
                    0 => Some(offset + self.select(otherwise)?),
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn document(source: &str) -> Document {
        Document::from_source(source).expect("valid deliberation")
    }

    #[test]
    fn a_cell_justified_once_is_replayed() {
        use super::super::replay::Replay;
        use super::super::trace::Provenance;
        use crate::rules::{InputId, Value};
        let document = document(include_str!(
            "../../deliberations/exempleville-cantine.delib"
        ));
        let d = &document.deliberation;
        let mut session = super::super::Session::new(d);
        let date = d.meta.applicable_from;
        let mut family = Family::new(d);
        let qf = Some(Value::Number(Decimal::from(612)));
        family.set(InputId(0), qf, Provenance::Declared);
        let commune = d
            .choices
            .iter()
            .position(|c| c == "commune")
            .expect("choix");
        let commune = Some(Value::Choice(crate::rules::ChoiceId(commune as u32)));
        family.set(InputId(3), commune, Provenance::Declared);
        let (price, first) = session.justify(&family, date, 0);
        let cell = direct_cell_of(&session, &family);
        // Recorded at the second justification in the cell.
        assert!(matches!(session.replays.slot(0, 72, cell), Replay::Seen));
        assert_eq!(
            session.justify(&family, date, 0),
            (price.clone(), first.clone())
        );
        assert!(matches!(
            session.replays.slot(0, 72, cell),
            Replay::Recorded(_)
        ));
        // Another QF of the same row: its own value in the steps, the same price.
        let qf = Some(Value::Number(Decimal::from(700)));
        family.set(InputId(0), qf, Provenance::Declared);
        let (again, second) = session.justify(&family, date, 0);
        assert_eq!(again, price);
        assert_ne!(first, second);
        assert_eq!(
            second,
            super::super::Session::new(d).justify(&family, date, 0).1
        );
    }

    #[test]
    fn a_family_without_quotient_nor_tax_data_is_read_directly() {
        use super::super::trace::Provenance;
        use crate::rules::{ChoiceId, InputId, Value};
        let document = document(include_str!(
            "../../deliberations/exempleville-cantine.delib"
        ));
        let d = &document.deliberation;
        let plan = Plan::new(d);
        let table = plan.tariffs[0].table.as_ref().expect("tabulated");
        let commune = d
            .choices
            .iter()
            .position(|c| c == "commune")
            .expect("choix");
        let mut family = Family::new(d);
        let commune = Some(Value::Choice(ChoiceId(commune as u32)));
        family.set(InputId(3), commune, Provenance::Declared);
        // No quotient_caf, no rfr, no parts: the row `inconnu`, 5,40 €.
        assert_eq!(table.direct(&family), Some(Decimal::new(540, 2)));
        // With the tax data, the formula of `sinon` is computed: the evaluator's.
        let rfr = Some(Value::Number(Decimal::from(36_000)));
        family.set(InputId(1), rfr, Provenance::Declared);
        assert_eq!(table.direct(&family), None);
        let mut session = super::super::Session::on(&plan);
        let date = d.meta.applicable_from;
        assert_eq!(
            session.price(&family, date, 0),
            session.justify(&family, date, 0).0
        );
    }

    fn direct_cell_of(session: &super::super::Session<'_>, family: &Family) -> usize {
        let table = session.plan.tariffs[0].table.as_ref().expect("tabulated");
        table.cell(family).expect("read directly").index
    }

    #[test]
    fn a_grid_with_constant_modifiers_is_priced_in_advance() {
        let document = document(include_str!(
            "../../deliberations/exempleville-cantine.delib"
        ));
        let plan = Plan::new(&document.deliberation);
        let table = plan.tariffs[0].table.as_ref().expect("tabulated");
        // Nine rows (eight tranches and `inconnu`), three conditions.
        assert_eq!(table.conditions.len(), 3);
        assert_eq!(table.prices.len(), 9 << 3);
        // QF 612 (third row), hors commune (bit 0) and third child (bit 1): 2,29 €.
        assert_eq!(table.prices[2 << 3 | 0b011], Some(Decimal::new(229, 2)));
        // The same with a PAI (bit 2): 2,20 × 1,3 × 0,8 × 0,5 = 1,144, rounded 1,14 €.
        assert_eq!(table.prices[2 << 3 | 0b111], Some(Decimal::new(114, 2)));
        // Its key and conditions are read straight from the family's inputs.
        assert!(table.direct.is_some(), "{:?}", table.base);
    }

    #[test]
    fn a_formula_is_not_priced_in_advance() {
        let document = document(include_str!("../../deliberations/cnaf-psu-creche.delib"));
        let plan = Plan::new(&document.deliberation);
        assert!(plan.tariffs.iter().all(|t| t.table.is_none()));
    }
}
