//! A justification recorded in a few bytes and written out later.
//!
//! For a tariff whose table is priced in advance (`tabulate.rs`), what decides a
//! family's price is one cell of that table: its row (the tranche) and which
//! conditions of modifiers hold. Recording that cell is all a batch needs to keep per
//! family; the steps (each input, the tranche, each modifier with its amounts, the
//! rounding, each with its article and line) follow from the cell and the family's own
//! values, and are written only when someone reads them ([`Session::render_into`]).
//! A portal pricing a million families for an invoice keeps a [`Trace`] each, and
//! writes the justification of the family that asks.
//!
//! For a tariff without such a table, or a family the table cannot read, the trace
//! holds the steps themselves.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::trace::Justification;
use super::{EvalError, Family, Session, direct_cell};

/// What decides a price: the cell of the table priced in advance, or the steps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    recorded: Recorded,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Recorded {
    #[default]
    Nothing,
    /// The cell (row << conditions | the bit of each condition that holds).
    Cell {
        tariff: u32,
        cell: u32,
        date: NaiveDate,
    },
    /// The steps, recorded as [`Session::justify_into`] writes them.
    Steps {
        tariff: u32,
        date: NaiveDate,
        justification: Justification,
    },
}

impl Trace {
    /// The cell of the tariff's table where the price was read, when it was.
    pub fn cell(&self) -> Option<usize> {
        match self.recorded {
            Recorded::Cell { cell, .. } => Some(cell as usize),
            _ => None,
        }
    }
}

impl Session<'_> {
    /// The price of tariff number `tariff`, and in `trace` what decides it: the cell
    /// of its table priced in advance (a few bytes, nothing allocated), else the steps
    /// (the trace's memory reused). The same price as [`Session::price`].
    #[inline]
    pub fn trace_into(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
        trace: &mut Trace,
    ) -> Result<Decimal, EvalError> {
        if let Some((table, cell)) = direct_cell(&self.plan, family, date, tariff)
            && let Some(price) = table.price(cell.index)
        {
            trace.recorded = Recorded::Cell {
                tariff: tariff as u32,
                cell: cell.index as u32,
                date,
            };
            return Ok(price);
        }
        self.trace_steps(family, date, tariff, trace)
    }

    #[inline(never)]
    fn trace_steps(
        &mut self,
        family: &Family,
        date: NaiveDate,
        tariff: usize,
        trace: &mut Trace,
    ) -> Result<Decimal, EvalError> {
        let mut justification = match std::mem::take(&mut trace.recorded) {
            Recorded::Steps { justification, .. } => justification,
            _ => Justification::default(),
        };
        let result = self.justify_into(family, date, tariff, &mut justification);
        trace.recorded = Recorded::Steps {
            tariff: tariff as u32,
            date,
            justification,
        };
        result
    }

    /// The justification of `trace`, written for `family` (the family it was recorded
    /// for) into `justification`: the steps [`Session::justify_into`] gives. `false`
    /// (and `justification` emptied) when `family` does not lead to the trace's cell:
    /// it is not the family the trace was recorded for.
    pub fn render_into(
        &mut self,
        trace: &Trace,
        family: &Family,
        justification: &mut Justification,
    ) -> bool {
        match &trace.recorded {
            Recorded::Nothing => {
                justification.steps.clear();
                true
            }
            Recorded::Cell { tariff, cell, date } => {
                let same = direct_cell(&self.plan, family, *date, *tariff as usize)
                    .is_some_and(|(_, c)| c.index == *cell as usize);
                if !same {
                    justification.steps.clear();
                    return false;
                }
                let _ = self.justify_into(family, *date, *tariff as usize, justification);
                true
            }
            Recorded::Steps {
                justification: steps,
                ..
            } => {
                justification.steps.clone_from(&steps.steps);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::eval::trace::Provenance;
    use crate::rules::{InputId, Value};

    fn cantine() -> Document {
        Document::from_source(include_str!(
            "../../deliberations/exempleville-cantine.delib"
        ))
        .expect("valid")
    }

    /// A cantine family: QF (or none), hors commune, rank, PAI.
    fn family(d: &crate::rules::Deliberation, k: u32) -> Family {
        let mut family = Family::new(d);
        let input = |name: &str| {
            InputId(d.inputs.iter().position(|i| i.name == name).expect("input") as u32)
        };
        let choice = |name: &str| {
            Value::Choice(crate::rules::ChoiceId(
                d.choices.iter().position(|c| c == name).expect("choice") as u32,
            ))
        };
        if !k.is_multiple_of(17) {
            let qf = Value::Number(Decimal::from(k * 37 % 2_600));
            family.set(input("quotient_caf"), Some(qf), Provenance::Declared);
        }
        let place = if k.is_multiple_of(5) {
            "hors_commune"
        } else {
            "commune"
        };
        family.set(
            input("résidence"),
            Some(choice(place)),
            Provenance::Declared,
        );
        let rank = Value::Number(Decimal::from(1 + k % 4));
        family.set(input("rang"), Some(rank), Provenance::Declared);
        family.set(
            input("pai"),
            Some(Value::Bool(k.is_multiple_of(9))),
            Provenance::Declared,
        );
        family
    }

    #[test]
    fn a_trace_renders_the_justification_of_its_family() {
        let document = cantine();
        let d = &document.deliberation;
        let date = NaiveDate::from_ymd_opt(2025, 10, 15).expect("date");
        let mut session = Session::new(d);
        let mut trace = Trace::default();
        let mut rendered = Justification::default();
        let mut cells = 0;
        for k in 0..500 {
            let family = family(d, k);
            let price = session.trace_into(&family, date, 0, &mut trace);
            let (expected, justification) = session.justify(&family, date, 0);
            assert_eq!(price, expected, "family {k}");
            assert!(session.render_into(&trace, &family, &mut rendered));
            assert_eq!(rendered, justification, "family {k}");
            cells += usize::from(trace.cell().is_some());
        }
        assert!(cells > 400, "{cells} of 500 read in the table");
        // Another family does not render a trace that is not its own.
        let first = family(d, 1);
        session
            .trace_into(&first, date, 0, &mut trace)
            .expect("priced");
        let other = family(d, 2);
        assert!(!session.render_into(&trace, &other, &mut rendered));
        assert!(rendered.steps.is_empty());
    }

    #[test]
    fn outside_the_table_the_trace_holds_the_steps() {
        let document = cantine();
        let d = &document.deliberation;
        let mut session = Session::new(d);
        let mut trace = Trace::default();
        // Out of the deliberation's period: the full evaluation tells (an error).
        let date = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
        let family = family(d, 3);
        let result = session.trace_into(&family, date, 0, &mut trace);
        assert_eq!(result, session.price(&family, date, 0));
        assert_eq!(trace.cell(), None);
        let mut rendered = Justification::default();
        assert!(session.render_into(&trace, &family, &mut rendered));
        assert_eq!(rendered, session.justify(&family, date, 0).1);
    }
}
