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
//! The first family justified in a cell is justified by the full evaluation, whose
//! steps are kept with what depends on the family marked. The next ones copy those
//! steps and write the marked parts from their own values: each input as the
//! evaluator shows it, the key of the row, each definition computed again by the
//! evaluator (without a trace). A cell whose steps hold anything else (another
//! tariff's price, a rank, a value shown as unknown), or whose copy does not give
//! back the steps it was recorded from, is always justified by the full evaluation.

use chrono::NaiveDate;

use super::Family;
use super::expr::{Evaluator, Memo, input_shown};
use super::plan::Plan;
use super::tabulate::Cell;
use super::trace::{NoTrace, Shown, Step};
use crate::rules::InputId;

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
    /// The number that found the row.
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
    /// they cannot be replayed (see the module's documentation).
    pub(super) fn new(
        plan: &Plan<'_>,
        steps: &[Step],
        family: &Family,
        date: NaiveDate,
        cell: &Cell,
        memory: Memory<'_>,
    ) -> Option<Recorded> {
        let marks = steps
            .iter()
            .map(|step| match step {
                Step::Input { input, .. } => Some(Mark::Input(*input)),
                Step::Definition { definition, value } => match value {
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

    /// Writes into `steps` (cleared, its memory reused) the justification of `family`
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
        steps.clear();
        let mut evaluator: Option<Evaluator<'_, '_, NoTrace>> = None;
        let mut memory = Some(memory);
        for (step, mark) in self.steps.iter().zip(&self.marks) {
            let step = match (*mark, step) {
                (Mark::Input(input), _) => {
                    let Some((value, provenance, proof)) =
                        input_shown(d, family, input.0 as usize)
                    else {
                        return false;
                    };
                    Step::Input {
                        input,
                        value,
                        provenance,
                        proof,
                    }
                }
                (
                    Mark::Key,
                    Step::Row {
                        table,
                        row,
                        column,
                        key_value,
                    },
                ) => {
                    let Some(key) = cell.key else {
                        return false;
                    };
                    let key_value = match key_value {
                        Shown::Amount(_) => Shown::Amount(key),
                        Shown::Rate(_) => Shown::Rate(key),
                        _ => Shown::Number(key),
                    };
                    Step::Row {
                        table: *table,
                        row: *row,
                        column: *column,
                        key_value,
                    }
                }
                (Mark::Definition(index, as_code), Step::Definition { definition, .. }) => {
                    if evaluator.is_none() {
                        let Some(memory) = memory.take() else {
                            return false;
                        };
                        evaluator = Some(Evaluator::new(
                            plan,
                            family,
                            date,
                            memory,
                            &mut [],
                            NoTrace,
                        ));
                    }
                    let Some(evaluator) = evaluator.as_mut() else {
                        return false;
                    };
                    let Ok(value) = evaluator.definition_value(index as usize, as_code) else {
                        return false;
                    };
                    Step::Definition {
                        definition: *definition,
                        value,
                    }
                }
                _ => step.clone(),
            };
            steps.push(step);
        }
        true
    }
}
