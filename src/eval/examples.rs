//! The `exemple` blocks of a deliberation, run as tests, and the coverage they give:
//! the table rows and modifier lines no example reaches.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::trace::{Justification, Provenance, Step};
use super::{EvalError, Family, Session};
use crate::rules::{Deliberation, Step as RuleStep};

/// What an `attendu` line expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// `attendu repas = 2,29 €`
    Amount(Decimal),
    /// `attendu erreur [CODE]`: no price, with that code when written.
    Error(Option<String>),
}

/// The outcome of one `attendu` line (for one tariff).
#[derive(Debug, Clone)]
pub struct Check {
    pub tariff: usize,
    /// The child of the example it is about (index in its children), if any; an
    /// `attendu` without a child, in an example with children, is the family's total.
    pub child: Option<usize>,
    pub expected: Expected,
    /// The line of `attendu`.
    pub line: usize,
    pub obtained: Result<Decimal, EvalError>,
    pub justification: Justification,
}

impl Check {
    pub fn passed(&self) -> bool {
        match (&self.expected, &self.obtained) {
            (Expected::Amount(expected), Ok(amount)) => amount == expected,
            (Expected::Error(None), Err(_)) => true,
            (Expected::Error(Some(code)), Err(error)) => error.kind.code() == code,
            _ => false,
        }
    }
}

/// The outcome of one example.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub example: usize,
    pub checks: Vec<Check>,
    /// Its `attendu facture` lines, against the invoice of its days.
    pub invoices: Vec<InvoiceCheck>,
}

/// The outcome of one `attendu facture` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceCheck {
    /// The day whose lines are summed (none: the invoice's total).
    pub day: Option<chrono::NaiveDate>,
    /// The child whose lines are summed (none: every line).
    pub child: Option<String>,
    pub expected: Decimal,
    /// What the invoice gives (none when it cannot be established).
    pub obtained: Option<Decimal>,
    pub line: usize,
    /// Why the invoice cannot be established, in French.
    pub problems: Vec<String>,
    /// The invoice's lines of that day (or all), as `tarif facture` writes them.
    pub lines: Vec<String>,
}

impl InvoiceCheck {
    pub fn passed(&self) -> bool {
        self.obtained == Some(self.expected)
    }
}

/// What no example reached: table rows and modifier lines, by line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// `(line, row as written)`
    pub rows: Vec<(usize, String)>,
    /// Lines of modifiers never applied.
    pub modifiers: Vec<usize>,
    /// Lines of the rules of a facturation that no example's invoice used.
    pub billing: Vec<usize>,
}

/// Runs every example; gives their outcomes and what they leave uncovered.
pub fn run(d: &Deliberation) -> (Vec<Outcome>, Coverage) {
    let mut session = Session::new(d);
    let mut reached_rows = BTreeSet::new();
    let mut applied = BTreeSet::new();
    let mut outcomes = Vec::new();
    let mut billed = BTreeSet::new();
    for (e, example) in d.examples.iter().enumerate() {
        let mut family = Family::new(d);
        for (input, value) in &example.inputs {
            family.set(*input, *value, Provenance::Declared);
        }
        let date = example.date.unwrap_or(d.meta.applicable_from);
        if !example.children.is_empty() {
            let (checks, priced) = children_checks(d, example, family, date);
            // Every child's price counts, also when the example checks only the total.
            for p in priced.iter().flat_map(|c| &c.priced) {
                if let Some(justification) = &p.justification {
                    reached(d, justification, &mut reached_rows, &mut applied);
                }
            }
            let invoices = invoice_checks(d, example, &mut billed);
            outcomes.push(Outcome {
                example: e,
                checks,
                invoices,
            });
            continue;
        }
        let mut checks = Vec::new();
        let amounts = example
            .expected
            .iter()
            .map(|&(tariff, amount, line)| (tariff, Expected::Amount(amount), line));
        let errors = example.errors.iter().flat_map(|(tariff, code, line)| {
            let tariffs = match tariff {
                Some(t) => *t..*t + 1,
                None => 0..d.tariffs.len(),
            };
            tariffs.map(move |t| (t, Expected::Error(code.clone()), *line))
        });
        for (tariff, expected, line) in amounts.chain(errors) {
            let (obtained, justification) = session.justify(&family, date, tariff);
            reached(d, &justification, &mut reached_rows, &mut applied);
            checks.push(Check {
                tariff,
                child: None,
                expected,
                line,
                obtained,
                justification,
            });
        }
        let invoices = invoice_checks(d, example, &mut billed);
        outcomes.push(Outcome {
            example: e,
            checks,
            invoices,
        });
    }
    let rows = d
        .tables
        .iter()
        .flat_map(|t| t.rows.iter())
        .filter(|r| !reached_rows.contains(&r.line))
        .map(|r| (r.line, r.written.clone()))
        .collect();
    let modifiers = modifier_lines(d)
        .into_iter()
        .filter(|line| !applied.contains(line))
        .collect();
    let billing = billing_lines(d)
        .into_iter()
        .filter(|line| !billed.contains(line))
        .collect();
    (
        outcomes,
        Coverage {
            rows,
            modifiers,
            billing,
        },
    )
}

/// The lines of every rule of every facturation that makes lines of an invoice.
pub fn billing_lines(d: &Deliberation) -> Vec<usize> {
    let mut lines = BTreeSet::new();
    for b in &d.billing {
        lines.extend(b.states.iter().map(|r| r.line));
        lines.extend(b.limits.iter().map(|r| r.line));
        lines.extend(b.charges.iter().map(|r| r.line));
        lines.extend(b.late.iter().map(|r| r.line));
        lines.extend(b.overtime.iter().map(|r| r.line));
        lines.extend(b.forfait.iter().map(|r| r.line));
        lines.extend(b.smoothing.iter().map(|r| r.line));
    }
    lines.into_iter().collect()
}

/// The children of an example, as a family gives them.
fn example_children(example: &crate::rules::Example) -> Vec<super::Child> {
    example
        .children
        .iter()
        .map(|c| super::Child {
            id: Some(c.name.clone()),
            given: c
                .inputs
                .iter()
                .filter_map(|(input, value)| value.map(|v| (*input, v, Provenance::Declared)))
                .collect(),
        })
        .collect()
}

/// The `attendu facture` lines of an example, against the invoice of its days (the
/// month of its first day); the rules its lines used are `billed`.
fn invoice_checks(
    d: &Deliberation,
    example: &crate::rules::Example,
    billed: &mut BTreeSet<usize>,
) -> Vec<InvoiceCheck> {
    let Some(first) = example.days.iter().find_map(|day| day.date) else {
        return Vec::new();
    };
    let mut family = Family::new(d);
    for (input, value) in &example.inputs {
        family.set(*input, *value, Provenance::Declared);
    }
    if !example.children.is_empty() {
        family.set_children(example_children(example));
    }
    let read = crate::inputs::FamilyRead::empty_with(family);
    let month = crate::billing::invoice::Month {
        year: chrono::Datelike::year(&first),
        month: chrono::Datelike::month(&first),
    };
    let invoice = crate::billing::invoice::invoice(d, &read, &example.days, month);
    billed.extend(invoice.lines.iter().map(|l| l.rule.line));
    let problems: Vec<String> = invoice
        .problems
        .iter()
        .map(|p| {
            let (m, line, _) = crate::billing::render::problem_message(p);
            match line {
                Some(line) => format!("[{}] ligne {line} : {}", m.code, m.text),
                None => format!("[{}] {}", m.code, m.text),
            }
        })
        .collect();
    let of_family = example
        .invoice
        .iter()
        .map(|&(day, amount, line)| (None, day, amount, line));
    let of_child = example
        .invoice_of_child
        .iter()
        .map(|(child, day, amount, line)| (Some(child), *day, *amount, *line));
    let mut expected: Vec<_> = of_family.chain(of_child).collect();
    expected.sort_by_key(|e| e.3);
    expected
        .into_iter()
        .map(|(child, day, expected, line)| {
            let key = child.map(|c| crate::syntax::choice_key(c));
            let of_day: Vec<&crate::billing::invoice::Line> = invoice
                .lines
                .iter()
                .filter(|l| day.is_none() || l.date == day)
                .filter(|l| {
                    key.is_none() || l.child.as_deref().map(crate::syntax::choice_key) == key
                })
                .collect();
            let obtained = match (day, child, invoice.total) {
                (_, _, None) => None,
                (None, None, total) => total,
                _ => Some(of_day.iter().map(|l| l.amount).sum()),
            };
            InvoiceCheck {
                day,
                child: child.cloned(),
                expected,
                obtained,
                line,
                problems: problems.clone(),
                lines: of_day
                    .iter()
                    .map(|l| {
                        let date = l
                            .date
                            .map_or_else(|| "le mois".to_string(), crate::french::date);
                        format!("{date} {} : {}", l.label, crate::french::price(l.amount))
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Records the table rows and the modifiers a justification reached.
fn reached(
    d: &Deliberation,
    justification: &Justification,
    rows: &mut BTreeSet<usize>,
    applied: &mut BTreeSet<usize>,
) {
    for step in &justification.steps {
        match step {
            Step::Row { table, row, .. } => {
                let line = d
                    .tables
                    .get(table.0 as usize)
                    .and_then(|t| t.rows.get(*row));
                rows.extend(line.map(|r| r.line));
            }
            Step::Modifier(m) if m.applied => {
                applied.insert(m.line);
            }
            Step::MostFavourable { options, .. } => {
                applied.extend(options.iter().filter(|m| m.applied).map(|m| m.line));
            }
            _ => {}
        }
    }
}

/// The checks of an example with children: each child ranked and priced as a family
/// would be; an `attendu` without a child is the family's total. Also gives every
/// child's prices (for the coverage).
fn children_checks(
    d: &Deliberation,
    example: &crate::rules::Example,
    mut family: Family,
    date: chrono::NaiveDate,
) -> (Vec<Check>, Vec<super::ChildPriced>) {
    family.set_children(example_children(example));
    let priced = super::price_children(d, &family, date, &[], true);
    let expectations = |expected: &[(usize, Decimal, usize)],
                        errors: &[(Option<usize>, Option<String>, usize)]| {
        let amounts = expected
            .iter()
            .map(|&(tariff, amount, line)| (tariff, Expected::Amount(amount), line));
        let errors = errors.iter().flat_map(|(tariff, code, line)| {
            let tariffs = match tariff {
                Some(t) => *t..*t + 1,
                None => 0..d.tariffs.len(),
            };
            tariffs.map(move |t| (t, Expected::Error(code.clone()), *line))
        });
        amounts.chain(errors).collect::<Vec<_>>()
    };
    let mut checks = Vec::new();
    for (tariff, expected, line) in expectations(&example.expected, &example.errors) {
        let mut total: Result<Decimal, EvalError> = Ok(Decimal::ZERO);
        for child in &priced {
            let Some(p) = child.priced.iter().find(|p| p.tariff == tariff) else {
                continue;
            };
            total = match (total, &p.result) {
                (Ok(sum), Ok(amount)) => Ok(sum + amount),
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(e.clone()),
            };
        }
        checks.push(Check {
            tariff,
            child: None,
            expected,
            line,
            obtained: total,
            justification: Justification::default(),
        });
    }
    for (c, child) in example.children.iter().enumerate() {
        let Some(found) = priced.iter().find(|p| p.child == c) else {
            continue;
        };
        for (tariff, expected, line) in expectations(&child.expected, &child.errors) {
            let Some(p) = found.priced.iter().find(|p| p.tariff == tariff) else {
                continue;
            };
            checks.push(Check {
                tariff,
                child: Some(c),
                expected,
                line,
                obtained: p.result.clone(),
                justification: p.justification.clone().unwrap_or_default(),
            });
        }
    }
    checks.sort_by_key(|c| c.line);
    (checks, priced)
}

/// The line of every modifier of every tariff.
pub fn modifier_lines(d: &Deliberation) -> Vec<usize> {
    d.tariffs
        .iter()
        .flat_map(|t| t.steps.iter())
        .flat_map(|s| match s {
            RuleStep::Modifier(m) => vec![m.line],
            RuleStep::MostFavourable { options, .. } => options.iter().map(|m| m.line).collect(),
        })
        .collect()
}
