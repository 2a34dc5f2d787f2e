//! Justifications of a tariff priced in advance, recorded once per cell of its table
//! and replayed.
//!
//! Two families whose price is read in the same cell of a tariff's table (the same
//! row of its grid, the same conditions holding: see [`super::tabulate`] and
//! [`super::direct`]) go through the same steps: the same inputs read in the same
//! order, the same definitions, the same row, base and modifier lines with the same
//! amounts. Only what each family gives differs: the inputs' values and where they
//! come from, the number that found the row, the definitions computed from them.
//!
//! The first families justified in a cell are justified by the full evaluation; the
//! steps of the second are kept with what depends on the family marked (not those of
//! the first: a session that justifies one family pays nothing for it). The next ones copy those
//! steps and write the marked parts from their own values: each input as the
//! evaluator shows it, the key of the row, each definition computed again by the
//! evaluator (without a trace). A cell whose steps hold anything else (another
//! tariff's price, a rank, a value shown as unknown), or whose copy does not give
//! back the steps it was recorded from, is always justified by the full evaluation.

use chrono::NaiveDate;

use super::Family;
use super::expr::{Evaluator, Memo};
use super::plan::{Key, Num, Plan};
use super::tabulate::{Cell, inlined};
use super::trace::{NoTrace, Shown, Step, input_shown};
use crate::rules::{DefinitionId, InputId};

/// The justifications recorded by a session, by tariff and by cell.
#[derive(Debug, Default, Clone)]
pub(super) struct Replays {
    /// By tariff, by cell of its table (empty until the tariff is justified).
    cells: Vec<Vec<Replay>>,
}

/// What a session knows of the justification of one cell.
#[derive(Debug, Default, Clone)]
pub(super) enum Replay {
    /// No family justified there yet.
    #[default]
    Unseen,
    /// One family justified there: the steps are recorded at the second, so that a
    /// session that justifies one family (a request of the service) pays nothing.
    Seen,
    /// Justified by the full evaluation only.
    Never,
    Recorded(Box<Recorded>),
}

/// The steps of a cell, and by step what the family changes in it.
#[derive(Debug, Clone)]
pub(super) struct Recorded {
    steps: Vec<Step>,
    marks: Vec<Mark>,
}

/// What a step of a recorded justification takes from the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Nothing: the same for every family of the cell.
    Kept,
    /// The input's value, provenance and document.
    Input(InputId),
    /// The number that found the row (in a row, or a definition that is that number).
    Key,
    /// The definition computed again, as a code (`true`) or as a number.
    Definition(u32, bool),
}

impl Replays {
    /// The replay of cell `index` of tariff `tariff`, whose table has `cells` cells.
    pub(super) fn slot(&mut self, tariff: usize, cells: usize, index: usize) -> &mut Replay {
        if self.cells.len() <= tariff {
            self.cells.resize_with(tariff + 1, Vec::new);
        }
        let by_cell = &mut self.cells[tariff];
        if by_cell.len() < cells {
            by_cell.resize_with(cells, Replay::default);
        }
        &mut by_cell[index]
    }
}

/// The memory an evaluation of the definitions writes in: the session's.
pub(super) type Memory<'a> = (&'a mut [Memo], &'a mut Vec<u32>);

impl Recorded {
    /// The steps `steps` just recorded for `family` in `cell`, marked; `None` when
    /// they cannot be replayed (see the module's documentation). `key_input` is the
    /// input whose number finds the row.
    pub(super) fn new(
        plan: &Plan<'_>,
        steps: &[Step],
        family: &Family,
        date: NaiveDate,
        (cell, key_input): (&Cell, Option<u32>),
        memory: Memory<'_>,
    ) -> Option<Recorded> {
        // A definition that is the key (`quotient = si quotient_caf est connu alors
        // quotient_caf sinon …`) shows the key: no need to compute it again.
        let is_key = |definition: u32| match inlined(plan, Key::Num(Num::Definition(definition))) {
            Key::Num(Num::Input(input)) => Some(input) == key_input,
            Key::Num(Num::Fallback(sides)) => {
                matches!(sides[0], Num::Input(input) if Some(input) == key_input)
            }
            _ => false,
        };
        let marks = steps
            .iter()
            .map(|step| match step {
                Step::Input { input, .. } => Some(Mark::Input(*input)),
                Step::Definition { definition, value } => match value {
                    Shown::Amount(_) | Shown::Rate(_) | Shown::Number(_)
                        if cell.key.is_some() && is_key(definition.0) =>
                    {
                        Some(Mark::Key)
                    }
                    Shown::Amount(_) | Shown::Rate(_) | Shown::Number(_) => {
                        Some(Mark::Definition(definition.0, false))
                    }
                    Shown::Bool(_) | Shown::Choice(_) | Shown::Date(_) => {
                        Some(Mark::Definition(definition.0, true))
                    }
                    Shown::Unknown => None,
                },
                Step::Row {
                    table, key_value, ..
                } => match key_value {
                    Shown::Amount(_) | Shown::Rate(_) | Shown::Number(_)
                        if cell.key.is_some() && Some(*table) == cell.table =>
                    {
                        Some(Mark::Key)
                    }
                    _ => None,
                },
                Step::Base { .. }
                | Step::Modifier(_)
                | Step::MostFavourable { .. }
                | Step::ImplicitRounding { .. } => Some(Mark::Kept),
                Step::Tariff { .. } | Step::Rank { .. } => None,
            })
            .collect::<Option<Vec<Mark>>>()?;
        let recorded = Recorded {
            steps: steps.to_vec(),
            marks,
        };
        // The copy must give back what the full evaluation recorded.
        let mut again = Vec::with_capacity(steps.len());
        recorded
            .replay(plan, family, date, cell, memory, &mut again)
            .then_some(())?;
        (again == steps).then_some(recorded)
    }

    /// Writes into `steps` (over its steps, its memory reused) the justification of `family`
    /// in `cell`; `false` when a definition could not be computed again (the full
    /// evaluation then tells).
    pub(super) fn replay(
        &self,
        plan: &Plan<'_>,
        family: &Family,
        date: NaiveDate,
        cell: &Cell,
        memory: Memory<'_>,
        steps: &mut Vec<Step>,
    ) -> bool {
        let d = plan.deliberation();
        // Written over the previous family's steps in place, field by field: a step
        // built whole and moved would be read back through the stack in pieces it was
        // not written in, which stalls the processor.
        steps.truncate(self.steps.len());
        let mut evaluator: Option<Evaluator<'_, '_, NoTrace>> = None;
        let mut memory = Some(memory);
        for (k, (step, mark)) in self.steps.iter().zip(&self.marks).enumerate() {
            let slot = match steps.get_mut(k) {
                Some(slot) => {
                    if *mark == Mark::Kept
                        || std::mem::discriminant(slot) != std::mem::discriminant(step)
                    {
                        slot.clone_from(step);
                    }
                    slot
                }
                None => {
                    steps.push(step.clone());
                    let Some(slot) = steps.last_mut() else {
                        return false;
                    };
                    slot
                }
            };
            match (*mark, slot, step) {
                (
                    Mark::Input(input),
                    Step::Input {
                        input: i,
                        value,
                        provenance,
                        proof,
                    },
                    _,
                ) => {
                    let Some(shown) = input_shown(d, family, input.0 as usize) else {
                        return false;
                    };
                    *i = input;
                    (*value, *provenance, *proof) = shown;
                }
                (
                    Mark::Key,
                    Step::Row {
                        table,
                        row,
                        column,
                        key_value,
                    },
                    Step::Row {
                        table: t,
                        row: r,
                        column: c,
                        key_value: shown,
                    },
                ) => {
                    (*table, *row, *column, *key_value) = (*t, *r, *c, *shown);
                    if !with_key(key_value, cell) {
                        return false;
                    }
                }
                (
                    Mark::Key,
                    Step::Definition { definition, value },
                    Step::Definition {
                        definition: recorded,
                        value: shown,
                    },
                ) => {
                    (*definition, *value) = (*recorded, *shown);
                    if !with_key(value, cell) {
                        return false;
                    }
                }
                (Mark::Definition(index, as_code), Step::Definition { definition, value }, _) => {
                    *definition = DefinitionId(index);
                    if evaluator.is_none() {
                        let Some(memory) = memory.take() else {
                            return false;
                        };
                        evaluator =
                            Some(Evaluator::new(plan, family, date, memory, &mut [], NoTrace));
                    }
                    let Some(evaluator) = evaluator.as_mut() else {
                        return false;
                    };
                    let Ok(shown) = evaluator.definition_value(index as usize, as_code) else {
                        return false;
                    };
                    *value = shown;
                }
                (Mark::Kept, _, _) => {}
                _ => return false,
            }
        }
        true
    }
}

/// Writes the number that found the cell's row into `shown` (an amount, a rate or a
/// number, as recorded); `false` when the cell has no such number or `shown` is no
/// number.
fn with_key(shown: &mut Shown, cell: &Cell) -> bool {
    match (shown, cell.key) {
        (Shown::Amount(n) | Shown::Rate(n) | Shown::Number(n), Some(key)) => {
            *n = key;
            true
        }
        _ => false,
    }
}
