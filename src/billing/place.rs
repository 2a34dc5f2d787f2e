//! Each day of a family's file placed: its facturation (by the `service` it names),
//! its child, and whether it is of the month invoiced or of the one before (which only
//! carries an absence on); the problems of the days that cannot be placed.

use chrono::NaiveDate;

use super::days::Day;
use super::invoice::{Invoice, LineProblem, Month, Placed, Problem};
use crate::inputs::FamilyRead;
use crate::rules::Deliberation;

/// Resolves each day's facturation and child; the problems of those that cannot be.
pub(super) fn place_days<'a>(
    d: &Deliberation,
    family: &FamilyRead,
    days: &[&'a Day],
    month: Month,
    invoice: &mut Invoice,
) -> Vec<Placed<'a>> {
    let children = family.family.children();
    let mut placed: Vec<Placed<'a>> = Vec::new();
    for &day in days {
        let Some(date) = day.date else { continue };
        let before = date < month.first();
        if !month.contains(date) {
            invoice.other_months.push(day.line);
            if !before {
                continue;
            }
        }
        let problem = |field: &str, kind| Problem::Line {
            line: day.line,
            field: field.to_string(),
            kind,
        };
        // A day before the month only counts in an absence: one that cannot be
        // placed is left (W140 names it), never an error of this month's invoice.
        let problems_before = invoice.problems.len();
        let placed_day = place_one(
            d,
            day,
            date,
            children,
            &placed,
            &mut invoice.problems,
            problem,
        );
        if before {
            invoice.problems.truncate(problems_before);
        }
        let Some((billing, child, child_name)) = placed_day else {
            continue;
        };
        placed.push(Placed {
            day,
            date,
            billing,
            child,
            child_name,
            before,
        });
    }
    placed
}

/// The facturation and child of a day, or its problem.
fn place_one(
    d: &Deliberation,
    day: &Day,
    date: NaiveDate,
    children: &[crate::eval::Child],
    placed: &[Placed<'_>],
    problems: &mut Vec<Problem>,
    problem: impl Fn(&str, LineProblem) -> Problem,
) -> Option<(usize, Option<usize>, Option<String>)> {
    if !crate::eval::in_period(d, date) {
        problems.push(problem("date", LineProblem::OutsidePeriod));
        return None;
    }
    let billing = match &day.service {
        Some(name) => {
            let wanted = crate::syntax::choice_key(name);
            let same = |text: &str| crate::syntax::choice_key(text) == wanted;
            d.billing
                .iter()
                .position(|b| {
                    d.tariffs
                        .get(b.tariff)
                        .is_some_and(|t| same(&t.name) || t.label.as_deref().is_some_and(same))
                })
                .or_else(|| {
                    // The label of a facturation, when it names one tariff only (a
                    // head of several tariffs shares its label: the tariff is needed).
                    let mut labelled = d
                        .billing
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| b.label.as_deref().is_some_and(same))
                        .map(|(i, _)| i);
                    match (labelled.next(), labelled.next()) {
                        (Some(i), None) => Some(i),
                        _ => None,
                    }
                })
        }
        None if d.billing.len() == 1 => Some(0),
        None => None,
    };
    let Some(billing) = billing else {
        problems.push(problem(
            "service",
            LineProblem::UnknownService {
                service: day.service.clone(),
                // The names are written only for the problem.
                known: d
                    .billing
                    .iter()
                    .filter_map(|b| d.tariffs.get(b.tariff).map(|t| t.name.clone()))
                    .collect(),
            },
        ));
        return None;
    };
    let (child, child_name) = if children.is_empty() {
        (None, day.child.clone())
    } else {
        let found = match &day.child {
            Some(id) => children.iter().position(|c| {
                c.id.as_deref()
                    .is_some_and(|c| crate::syntax::choice_key(c) == crate::syntax::choice_key(id))
            }),
            None if children.len() == 1 => Some(0),
            None => None,
        };
        match found {
            Some(i) => (
                Some(i),
                children
                    .get(i)
                    .and_then(|c| c.id.clone())
                    .or_else(|| day.child.clone()),
            ),
            None => {
                problems.push(problem(
                    "enfant",
                    LineProblem::UnknownChild {
                        child: day.child.clone(),
                        known: children.iter().filter_map(|c| c.id.clone()).collect(),
                    },
                ));
                return None;
            }
        }
    };
    if let Some(first) = placed
        .iter()
        .find(|p| p.billing == billing && p.child_name == child_name && p.date == date)
    {
        problems.push(problem(
            "date",
            LineProblem::Duplicate {
                first: first.day.line,
            },
        ));
        return None;
    }
    Some((billing, child, child_name))
}
