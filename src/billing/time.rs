//! Time: a day billed by its steps of time, a departure after an hour, the time
//! beyond the hours planned.

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::Billing;
use super::invoice::{Citation, Invoice, Line, LineProblem, Placed, Problem, cost_words, rounded};
use super::prices::{UnitPrices, cost};
use crate::report::justification::place;
use crate::rules::Deliberation;

/// « présent de 16 h 30 à 18 h 10 : 1 h 40 → 4 × demi-heure (par demi-heure engagée) ».
pub(super) fn timing_words(
    d: &Deliberation,
    timing: super::Timing,
    arrival: NaiveTime,
    departure: NaiveTime,
    minutes: i64,
    steps: i64,
) -> String {
    let step = super::step_words(timing.step);
    let (how, _) = step_agreement(timing.step, timing.begun);
    let minimum = timing
        .minimum
        .filter(|m| i64::from(*m) > minutes)
        .map(|m| format!(", au moins {}", duration_words(i64::from(m))))
        .unwrap_or_default();
    format!(
        "{} : présent de {} à {} : {} → {steps} × {step} (par {step} {how}{minimum})",
        place(d, timing.article, timing.line),
        clock_words(arrival),
        clock_words(departure),
        duration_words(minutes)
    )
}

/// « prévu de 8 h 30 à 17 h 30 : 9 h ».
pub(super) fn planned_words(from: NaiveTime, to: NaiveTime, minutes: i64) -> String {
    format!(
        "prévu de {} à {} : {}",
        clock_words(from),
        clock_words(to),
        duration_words(minutes)
    )
}

/// `engagée`, `complète` agreed with the step (`quart d'heure engagé`), and `chacune`
/// (`chacun`).
fn step_agreement(step: u32, begun: bool) -> (&'static str, &'static str) {
    let masculine = step == 15;
    // `tranche de 10 minutes`, of 2 hours: `par 10 minutes engagées`.
    if !matches!(step, 0 | 1 | 15 | 30 | 60) {
        return if begun {
            ("engagées", "chacune")
        } else {
            ("complètes", "chacune")
        };
    }
    match (begun, masculine) {
        (true, false) => ("engagée", "chacune"),
        (true, true) => ("engagé", "chacun"),
        (false, false) => ("complète", "chacune"),
        (false, true) => ("complet", "chacun"),
    }
}

/// `16 h 30`, `18 h`.
pub(super) fn clock_words(t: NaiveTime) -> String {
    use chrono::Timelike;
    match t.minute() {
        0 => format!("{} h", t.hour()),
        m => format!("{} h {m:02}", t.hour()),
    }
}

/// `1 h 40`, `45 min`.
fn duration_words(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// The line of the time present beyond the hours planned, if any.
#[allow(clippy::too_many_arguments)]
pub(super) fn overtime_line(
    d: &Deliberation,
    b: usize,
    billing: &Billing,
    overtime: &super::Overtime,
    child: Option<usize>,
    name: &Option<String>,
    p: &Placed<'_>,
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    let day = p.day;
    let (Some(arrival), Some(departure), Some(planned_arrival), Some(planned_departure)) = (
        day.arrival,
        day.departure,
        day.planned_arrival,
        day.planned_departure,
    ) else {
        return;
    };
    let before = (planned_arrival - arrival).num_minutes().max(0);
    let after = (departure - planned_departure).num_minutes().max(0);
    let minutes = before + after;
    let timing = super::Timing {
        step: overtime.step,
        begun: overtime.begun,
        minimum: None,
        article: overtime.article,
        line: overtime.line,
    };
    let steps = timing.steps(minutes);
    if minutes == 0 || steps == 0 {
        return;
    }
    let step = super::step_words(overtime.step);
    let (how, each) = step_agreement(overtime.step, overtime.begun);
    let why = vec![format!(
        "{} : prévu de {} à {}, présent de {} à {} : {} au-delà → {steps} × {step} (par {step} {how}) à {} {each}",
        place(d, overtime.article, overtime.line),
        clock_words(planned_arrival),
        clock_words(planned_departure),
        clock_words(arrival),
        clock_words(departure),
        duration_words(minutes),
        cost_words(d, billing, &overtime.cost)
    )];
    let label = overtime.label.as_deref().map_or_else(
        || "Dépassement des heures prévues".to_string(),
        crate::french::capitalised,
    );
    let rule = Citation {
        article: overtime.article,
        line: overtime.line,
    };
    let line = StepsLine {
        b,
        child,
        name,
        date: p.date,
        row: day.line,
        steps,
        step: overtime.step,
        label,
        rule,
    };
    steps_line(d, billing, &overtime.cost, line, why, prices, invoice);
}

/// A line of steps of time beyond an hour (a late departure, an overtime), to price.
struct StepsLine<'a> {
    b: usize,
    child: Option<usize>,
    name: &'a Option<String>,
    date: NaiveDate,
    /// The row of the day, for its problem.
    row: usize,
    steps: i64,
    step: u32,
    label: String,
    rule: Citation,
}

/// Prices the steps of `line` at `cost` each, rounded as the facturation says, and
/// writes the line (or the problem of its price).
fn steps_line(
    d: &Deliberation,
    billing: &Billing,
    cost_of_step: &super::Cost,
    line: StepsLine<'_>,
    mut why: Vec<String>,
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    let each = match cost(d, cost_of_step, line.child, line.date, prices, &mut why) {
        Ok(each) => each,
        Err(message) => {
            invoice.problems.push(Problem::Line {
                line: line.row,
                field: String::new(),
                kind: LineProblem::Price { message },
            });
            return;
        }
    };
    let quantity = Decimal::from(line.steps);
    let amount = rounded(d, billing, each * quantity, &mut why);
    invoice.lines.push(Line {
        date: Some(line.date),
        child: line.name.clone(),
        billing: line.b,
        state: None,
        label: line.label,
        quantity,
        unit: super::steps_words(line.step, line.steps),
        unit_price: each,
        amount,
        rule: line.rule,
        justification: why,
    });
}

/// `après 18 h 30`, `à partir de 18 h 45`.
fn late_words(late: &super::Late) -> String {
    let lead = if late.inclusive {
        "à partir de"
    } else {
        "après"
    };
    format!("{lead} {}", clock_words(late.after))
}

/// The line of a departure after the hour of a `retard` rule, if it is after it.
#[allow(clippy::too_many_arguments)]
pub(super) fn late_line(
    d: &Deliberation,
    b: usize,
    billing: &Billing,
    late: &super::Late,
    child: Option<usize>,
    name: &Option<String>,
    (date, row, departure): (NaiveDate, usize, NaiveTime),
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    if departure < late.after || (departure == late.after && !late.inclusive) {
        return;
    }
    let minutes = (departure - late.after).num_minutes();
    let timing = super::Timing {
        step: late.step,
        begun: late.begun,
        minimum: None,
        article: late.article,
        line: late.line,
    };
    // Step 0: `retard après 18 h 30 : 10,00 €`, once for each late departure.
    let steps = if late.step == 0 {
        1
    } else {
        timing.steps(minutes)
    };
    if steps == 0 {
        return;
    }
    let why = if late.step == 0 {
        vec![format!(
            "{} : départ à {}, {} : {} par retard",
            place(d, late.article, late.line),
            clock_words(departure),
            late_words(late),
            cost_words(d, billing, &late.cost)
        )]
    } else {
        let step = super::step_words(late.step);
        let (how, each) = step_agreement(late.step, late.begun);
        vec![format!(
            "{} : départ à {}, {} : {} → {steps} × {step} (par {step} {how}) à {} {each}",
            place(d, late.article, late.line),
            clock_words(departure),
            late_words(late),
            duration_words(minutes),
            cost_words(d, billing, &late.cost)
        )]
    };
    let label = late.label.as_deref().map_or_else(
        || crate::french::capitalised(&format!("retard {}", late_words(late))),
        crate::french::capitalised,
    );
    let rule = Citation {
        article: late.article,
        line: late.line,
    };
    let line = StepsLine {
        b,
        child,
        name,
        date,
        row,
        steps,
        step: late.step,
        label,
        rule,
    };
    steps_line(d, billing, &late.cost, line, why, prices, invoice);
}
