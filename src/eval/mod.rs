//! The evaluator: a family's price for a tariff, exact to the cent, over the validated
//! rule tree only. With a [`trace::Recorder`] it also gives the justification.

mod children;
pub mod compact;
mod dated;
mod direct;
mod error;
pub mod examples;
mod expr;
pub(crate) mod number;
mod plan;
mod replay;
mod rows;
mod scaled;
mod tabulate;
mod tariff;
pub mod trace;

pub use children::{Child, ChildPriced, price_children, price_children_with};
pub use compact::Trace;
pub use error::{EvalError, EvalErrorKind};
pub(crate) use expr::key_name;
pub use plan::Plan;
use trace::{NoTrace, Provenance, Recorder};

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::rules::{Deliberation, InputId, Value};

/// The values a family gives, by input.
///
/// A family is small (64 bytes, and its values): a batch or a portal holding a million
/// families reads them at the speed of memory. What few families have (certified
/// documents and their failures, dates of birth, children) lies apart, behind
/// [`Family::proofs`], [`Family::children`] and the methods that give them.
#[derive(Debug, Clone)]
pub struct Family {
    /// Echoed back in results.
    pub id: Option<String>,
    /// The date of the service, when the family gives it.
    pub date: Option<NaiveDate>,
    /// By [`InputId`]: the value given, if any, and where it came from.
    pub given: Vec<Option<(Value, Provenance)>>,
    /// Allocated at the first document, date of birth or child.
    more: Option<Box<More>>,
}

/// What few families have.
#[derive(Debug, Clone, Default)]
struct More {
    /// By [`InputId`]: the certified document that should have given the value and
    /// could not (an API error), if any. Empty until one could not (an input beyond
    /// its end has none).
    unavailable: Vec<Option<trace::ProofId>>,
    /// The certified documents the values come from.
    proofs: Vec<trace::Proof>,
    /// Certified dates of birth (year, month, day; 0 when not known) waiting for the
    /// date of the service to give a count of minor children to an input.
    births: Vec<Births>,
    /// `enfants`: each child's own inputs. Empty for a family priced as one child.
    children: Vec<Child>,
}

/// Two families are equal when they give the same things, however they are held.
impl PartialEq for Family {
    fn eq(&self, other: &Family) -> bool {
        self.id == other.id
            && self.date == other.date
            && self.given == other.given
            && self.unavailable() == other.unavailable()
            && self.proofs() == other.proofs()
            && self.births() == other.births()
            && self.children() == other.children()
    }
}

impl Eq for Family {}

/// The certified dates of birth (year, month, day; 0 when not known) for an input,
/// from a document.
pub(crate) type Births = (InputId, trace::ProofId, Vec<(i32, u32, u32)>);

impl Family {
    /// A family that gives nothing, for `deliberation`.
    pub fn new(deliberation: &Deliberation) -> Family {
        Family {
            id: None,
            date: None,
            given: vec![None; deliberation.inputs.len()],
            more: None,
        }
    }

    /// A family with no room for any input: for evaluations that read none.
    pub(crate) fn empty() -> Family {
        Family {
            id: None,
            date: None,
            given: Vec::new(),
            more: None,
        }
    }

    /// Gives nothing again, keeping the memory of its values (a batch reads row after
    /// row into the same family); its former `id`, for the next to reuse.
    pub(crate) fn clear(&mut self, deliberation: &Deliberation) -> Option<String> {
        self.given.clear();
        self.given.resize(deliberation.inputs.len(), None);
        self.date = None;
        self.more = None;
        self.id.take()
    }

    /// Gives the value of an input.
    pub fn set(&mut self, input: InputId, value: Option<Value>, provenance: Provenance) {
        if let Some(slot) = self.given.get_mut(input.0 as usize) {
            *slot = value.map(|v| (v, provenance));
        }
    }

    /// Records that the certified document `proof` should have given the value of an
    /// input and could not.
    pub fn set_unavailable(&mut self, input: InputId, proof: trace::ProofId) {
        let index = input.0 as usize;
        let inputs = self.given.len();
        if index >= inputs {
            return;
        }
        let unavailable = &mut self.more().unavailable;
        if unavailable.len() <= index {
            unavailable.resize(inputs, None);
        }
        unavailable[index] = Some(proof);
    }

    /// The certified document that should have given the value of an input and could
    /// not, if any.
    pub fn unavailable(&self) -> &[Option<trace::ProofId>] {
        self.more.as_ref().map_or(&[], |m| &m.unavailable)
    }

    /// The certified documents the values come from, by [`trace::ProofId`].
    pub fn proofs(&self) -> &[trace::Proof] {
        self.more.as_ref().map_or(&[], |m| &m.proofs)
    }

    /// Adds a certified document; its [`trace::ProofId`] is its rank.
    pub fn push_proof(&mut self, proof: trace::Proof) {
        self.more().proofs.push(proof);
    }

    /// Certified dates of birth waiting for the date of the service.
    pub(crate) fn births(&self) -> &[Births] {
        self.more.as_ref().map_or(&[], |m| &m.births)
    }

    /// Adds certified dates of birth for an input.
    pub(crate) fn push_births(&mut self, births: Births) {
        self.more().births.push(births);
    }

    /// Whether dates of birth wait to be counted at the date of the service.
    pub(crate) fn has_births(&self) -> bool {
        self.more.as_ref().is_some_and(|m| !m.births.is_empty())
    }

    /// Takes the dates of birth away, once counted.
    pub(crate) fn take_births(&mut self) -> Vec<Births> {
        self.more
            .as_mut()
            .map(|m| std::mem::take(&mut m.births))
            .unwrap_or_default()
    }

    /// `enfants`: each child's own inputs. Empty for a family priced as one child.
    pub fn children(&self) -> &[Child] {
        self.more.as_ref().map_or(&[], |m| &m.children)
    }

    /// Adds a child.
    pub fn push_child(&mut self, child: Child) {
        self.more().children.push(child);
    }

    /// Replaces the children.
    pub fn set_children(&mut self, children: Vec<Child>) {
        if children.is_empty() && self.more.is_none() {
            return;
        }
        self.more().children = children;
    }

    fn more(&mut self) -> &mut More {
        self.more.get_or_insert_with(Box::default)
    }
}

/// The memory of one evaluation, reused from family to family so that pricing does not
/// allocate, and the plan it evaluates (its own, or one shared between sessions).
#[derive(Debug)]
pub struct Session<'p> {
    plan: Cow<'p, Plan<'p>>,
    memo: Vec<expr::Memo>,
    /// The slots of `memo` written by the last evaluation (room for all of them).
    touched: Vec<u32>,
    /// The inputs, then the tables, already shown in a justification.
    shown: Vec<bool>,
    /// The justifications of the cells of tariffs priced in advance, recorded the
    /// second time a family is justified there (see `replay.rs`).
    replays: replay::Replays,
    /// The definitions that depend on the date only, as computed for the last family
    /// priced (see `dated.rs`).
    dated: dated::Dated,
}

impl<'p> Session<'p> {
    /// A session with its own plan of `deliberation`.
    pub fn new(deliberation: &'p Deliberation) -> Self {
        Session::with(Cow::Owned(Plan::new(deliberation)))
    }

    /// A session on a plan compiled once and shared (by the workers of a batch).
    pub fn on(plan: &'p Plan<'p>) -> Self {
        Session::with(Cow::Borrowed(plan))
    }

    fn with(plan: Cow<'p, Plan<'p>>) -> Self {
        let d = plan.deliberation();
        Session {
            // The definitions, then the final price of each tariff.
            memo: vec![expr::Memo::Pending; d.definitions.len() + d.tariffs.len()],
            touched: Vec::with_capacity(d.definitions.len() + d.tariffs.len()),
            shown: vec![false; d.inputs.len() + d.tables.len()],
            replays: replay::Replays::default(),
            dated: dated::Dated::default(),
            plan,
        }
    }

    /// The price of tariff number `tariff` for `family` on `date`.
    #[inline]
    pub fn price(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
    ) -> Result<Decimal, EvalError> {
        if let Some(price) = direct(&self.plan, family, date, tariff) {
            return Ok(price);
        }
        if let Some(price) = scaled(&self.plan, family, date, tariff) {
            return Ok(price);
        }
        self.run(family, date, tariff, NoTrace).0
    }

    /// The price of tariff number `tariff` with the modifiers that read the rank set
    /// aside: the key of `rang des enfants selon le tarif …`.
    pub fn price_before_rank(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
    ) -> Result<Decimal, EvalError> {
        self.run(family, date, tariff, trace::BeforeRank).0
    }

    /// Whether the child of `family` (the family's values and the child's) is counted
    /// by count number `count` (`nombre d'enfants si …`): an undecidable condition is
    /// an error naming what is missing.
    pub(crate) fn counted(
        &mut self,
        family: &Family,
        date: NaiveDate,
        count: usize,
    ) -> Result<bool, EvalError> {
        let plan: &Plan<'p> = &self.plan;
        let Some((condition, site)) = plan.counts.get(count) else {
            return Ok(false);
        };
        let Some(condition) = condition else {
            return Ok(true);
        };
        let memory = (&mut self.memo[..], &mut self.touched);
        let mut evaluator =
            expr::Evaluator::new(plan, family, date, memory, &mut self.shown, NoTrace);
        let code = evaluator.code(condition).map_err(|e| *e)?;
        if code == plan::UNKNOWN {
            let written = plan
                .deliberation()
                .counts
                .get(count)
                .and_then(|c| c.condition.as_ref());
            return Err(match written {
                Some(e) => *evaluator.undecidable(e, *site),
                None => *evaluator.error(
                    EvalErrorKind::Undecidable {
                        missing: Vec::new(),
                    },
                    *site,
                ),
            });
        }
        Ok(code != 0)
    }

    /// The price and its justification.
    pub fn justify(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
    ) -> (Result<Decimal, EvalError>, trace::Justification) {
        let (result, steps) = self.justify_steps(family, date, tariff, Vec::with_capacity(16));
        (result, trace::Justification { steps })
    }

    /// The price, and its justification written into `justification` (its previous
    /// steps cleared): pricing family after family into the same justification
    /// reuses its memory. For a tariff priced in advance, the session keeps the steps
    /// of each cell of its table the second time a family is justified there (at most
    /// one justification per cell) and writes them again, with each family's own
    /// values, for the next families of that cell.
    pub fn justify_into(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
        justification: &mut trace::Justification,
    ) -> Result<Decimal, EvalError> {
        let steps = std::mem::take(&mut justification.steps);
        let (result, steps) = self.justify_steps(family, date, tariff, steps);
        justification.steps = steps;
        result
    }

    /// The price and its steps, written into `steps`: replayed from the steps of the
    /// same cell when the tariff is priced in advance and a family was justified
    /// there before (see `replay.rs`), else recorded by the full evaluation.
    fn justify_steps(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
        mut steps: Vec<trace::Step>,
    ) -> (Result<Decimal, EvalError>, Vec<trace::Step>) {
        let plan: &Plan<'p> = &self.plan;
        let Some((table, cell)) = direct_cell(plan, family, date, tariff) else {
            let (result, recorder) = self.run(family, date, tariff, Recorder::reusing(steps));
            return (result, recorder.finish());
        };
        // The price is read again where it lies once the steps are written.
        let price = || table.price(cell.index).ok_or(());
        match self.replays.slot(tariff, table.len(), cell.index) {
            replay::Replay::Recorded(recorded) => {
                let memory = (&mut self.memo[..], &mut self.touched);
                if recorded.replay(plan, family, date, &cell, memory, &mut steps)
                    && let Ok(price) = price()
                {
                    return (Ok(price), steps);
                }
            }
            replay::Replay::Never => {}
            slot @ replay::Replay::Unseen => *slot = replay::Replay::Seen,
            replay::Replay::Seen => {
                let memory = (&mut self.memo[..], &mut self.touched);
                let (result, recorder) = evaluate(
                    plan,
                    memory,
                    (&mut self.shown, &mut self.dated),
                    (family, date, tariff),
                    Recorder::reusing(steps),
                );
                let steps = recorder.finish();
                let memory = (&mut self.memo[..], &mut self.touched);
                let recorded = match &result {
                    Ok(priced) if Ok(*priced) == price() => replay::Recorded::new(
                        plan,
                        &steps,
                        family,
                        date,
                        (&cell, table.key_input()),
                        memory,
                    ),
                    _ => None,
                };
                *self.replays.slot(tariff, table.len(), cell.index) = recorded
                    .map_or(replay::Replay::Never, |r| {
                        replay::Replay::Recorded(Box::new(r))
                    });
                return (result, steps);
            }
        }
        let (result, recorder) = self.run(family, date, tariff, Recorder::reusing(steps));
        (result, recorder.finish())
    }

    // Out of line: the direct path of [`Self::price`] keeps a small frame.
    #[inline(never)]
    fn run<T: trace::Tracer>(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
        tracer: T,
    ) -> (Result<Decimal, EvalError>, T) {
        let memory = (&mut self.memo[..], &mut self.touched);
        evaluate(
            &self.plan,
            memory,
            (&mut self.shown, &mut self.dated),
            (family, date, tariff),
            tracer,
        )
    }
}

/// The full evaluation of tariff number `tariff` for `family` on `date`, in the memory
/// of a session.
fn evaluate<T: trace::Tracer>(
    plan: &Plan<'_>,
    memory: (&mut [expr::Memo], &mut Vec<u32>),
    (shown, dated): (&mut [bool], &mut dated::Dated),
    (family, date, tariff): (&Family, NaiveDate, usize),
    tracer: T,
) -> (Result<Decimal, EvalError>, T) {
    if let Err(e) = check_period(plan.deliberation(), date) {
        return (Err(e), tracer);
    }
    if let Err(e) = check_required(plan, family) {
        return (Err(e), tracer);
    }
    let mut evaluator = expr::Evaluator::new(plan, family, date, memory, shown, tracer);
    // A justification computes the dated definitions again, to show them.
    if !T::ON {
        evaluator.remember(dated.on(date));
    }
    let result = evaluator.tariff(tariff).map_err(|e| *e);
    if !T::ON {
        dated.keep(date, &plan.dated, evaluator.memo);
    }
    (result, evaluator.into_tracer())
}

/// The price of a tariff priced in advance, read straight from the family's values
/// (see `direct.rs`); `None` when the evaluator must tell, errors included.
#[inline(always)]
fn direct(plan: &Plan<'_>, family: &Family, date: NaiveDate, tariff: usize) -> Option<Decimal> {
    direct_table(plan, family, date, tariff)?.direct(family)
}

/// The price of a formula tariff computed on scaled integers (see `scaled.rs`);
/// `None` when the evaluator must tell, errors included.
#[inline]
fn scaled(plan: &Plan<'_>, family: &Family, date: NaiveDate, tariff: usize) -> Option<Decimal> {
    let scaled = plan.tariffs.get(tariff)?.scaled.as_deref()?;
    if !in_period(plan.deliberation(), date) || broken_limit(plan, family).is_some() {
        return None;
    }
    scaled.price(family)
}

/// The table of [`direct`] and the family's cell in it.
#[inline(always)]
fn direct_cell<'a, 'd>(
    plan: &'a Plan<'d>,
    family: &Family,
    date: NaiveDate,
    tariff: usize,
) -> Option<(&'a tabulate::Tabulated<'d>, tabulate::Cell)> {
    let table = direct_table(plan, family, date, tariff)?;
    Some((table, table.cell(family)?))
}

/// The table of prices of tariff number `tariff`, when it has one and the family can
/// be read in it: the date in the deliberation's period, no limit broken.
#[inline(always)]
fn direct_table<'a, 'd>(
    plan: &'a Plan<'d>,
    family: &Family,
    date: NaiveDate,
    tariff: usize,
) -> Option<&'a tabulate::Tabulated<'d>> {
    let table = plan.tariffs.get(tariff)?.table.as_deref()?;
    if !in_period(plan.deliberation(), date) || broken_limit(plan, family).is_some() {
        return None;
    }
    Some(table)
}

/// The first input declared `obligatoire` that has no value, or whose value is out of
/// its bounds, as an error (the family reader reports them all; this guards examples
/// and callers of the library).
#[inline]
fn check_required(plan: &Plan<'_>, family: &Family) -> Result<(), EvalError> {
    let Some(limit) = broken_limit(plan, family) else {
        return Ok(());
    };
    let Some(input) = plan.deliberation().inputs.get(limit.input as usize) else {
        return Ok(());
    };
    let kind = match family.given.get(limit.input as usize) {
        Some(Some(_)) => EvalErrorKind::OutOfBounds {
            input: input.name.clone(),
            low: input.low,
            high: input.high,
        },
        _ => EvalErrorKind::MissingRequired {
            input: input.name.clone(),
        },
    };
    Err(EvalError::at(kind, None, input.line))
}

/// The first limit of the plan the family breaks.
#[inline(always)]
fn broken_limit<'p>(plan: &'p Plan<'_>, family: &Family) -> Option<&'p plan::Limit> {
    plan.limited
        .iter()
        .find(|limit| match family.given.get(limit.input as usize) {
            None | Some(None) => limit.required,
            Some(Some((Value::Number(n), _))) => {
                limit.low.is_some_and(|l| *n < l) || limit.high.is_some_and(|h| *n > h)
            }
            Some(Some(_)) => false,
        })
}

/// The price of one tariff, and its justification when asked.
#[derive(Debug, Clone)]
pub struct Priced {
    /// The index of the tariff in [`Deliberation::tariffs`].
    pub tariff: usize,
    pub result: Result<Decimal, EvalError>,
    pub justification: Option<trace::Justification>,
}

/// The date of the service: the family's, else the one given, else `today`.
pub fn service_date(family: &Family, given: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    family.date.or(given).unwrap_or(today)
}

/// Prices `tariffs` (every tariff when empty) for `family` on `date`.
pub fn price_all(
    deliberation: &Deliberation,
    family: &Family,
    date: NaiveDate,
    tariffs: &[usize],
    justify: bool,
) -> Vec<Priced> {
    price_all_with(
        &mut Session::new(deliberation),
        family,
        date,
        tariffs,
        justify,
    )
}

/// [`price_all`] with a session of the deliberation, reused from family to family (a
/// plan compiled once, by a server say).
pub fn price_all_with(
    session: &mut Session<'_>,
    family: &Family,
    date: NaiveDate,
    tariffs: &[usize],
    justify: bool,
) -> Vec<Priced> {
    let count = session.plan.deliberation().tariffs.len();
    let all: Vec<usize> = (0..count).collect();
    let chosen = if tariffs.is_empty() {
        &all[..]
    } else {
        tariffs
    };
    chosen
        .iter()
        .map(|&tariff| {
            if justify {
                let (result, justification) = session.justify(family, date, tariff);
                Priced {
                    tariff,
                    result,
                    justification: Some(justification),
                }
            } else {
                let result = session.price(family, date, tariff);
                Priced {
                    tariff,
                    result,
                    justification: None,
                }
            }
        })
        .collect()
}

/// The date of the service must be in the applicable period.
fn check_period(deliberation: &Deliberation, date: NaiveDate) -> Result<(), EvalError> {
    let meta = &deliberation.meta;
    if !in_period(deliberation, date) {
        return Err(EvalError::at(
            EvalErrorKind::OutsidePeriod {
                date,
                from: meta.applicable_from,
                to: meta.applicable_to,
            },
            None,
            0,
        ));
    }
    Ok(())
}

/// Whether the date of the service is in the applicable period.
#[inline(always)]
pub(crate) fn in_period(deliberation: &Deliberation, date: NaiveDate) -> bool {
    let meta = &deliberation.meta;
    date >= meta.applicable_from && meta.applicable_to.is_none_or(|to| date <= to)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million families are read at the speed of memory: the family itself holds one
    /// cache line, what few families have lies apart.
    #[test]
    fn a_family_holds_in_one_cache_line() {
        assert!(std::mem::size_of::<Family>() <= 64);
    }

    #[test]
    fn families_that_give_the_same_things_are_equal() {
        let d = crate::document::Document::from_source(
            "délibération « D »\n  applicable du 01/09/2025\nentrées\n  qf : montant entier\n\
             article 1 « Prix »\n  tarif repas (par repas)\n  repas = 1,00 €\n",
        )
        .expect("valide");
        let plain = Family::new(&d.deliberation);
        let mut emptied = plain.clone();
        emptied.set_children(vec![Child {
            id: None,
            given: Vec::new(),
        }]);
        assert_ne!(plain, emptied);
        emptied.set_children(Vec::new());
        assert_eq!(plain, emptied);
    }
}
