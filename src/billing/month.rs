//! The rules of the month: the forfait or the smoothing that replaces the days, the
//! caps and minimums, the charges.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::invoice::{Citation, Invoice, Line, LineProblem, Month, Problem, cost_words, rounded};
use super::prices::{UnitPrices, cost};
use super::{Billing, DayState};
use crate::report::justification::place;
use crate::rules::Deliberation;

/// The day of a month on which a forfait or a smoothing is priced: its first day, or
/// the first of the deliberation's period when it starts later.
fn priced_on(d: &Deliberation, day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first.max(d.meta.applicable_from)
}

/// Whether a line of a day is the day's own (not a late departure or an overtime),
/// and no deduction: a mensualité or a forfait includes the day, not what is taken
/// off it.
fn day_line(billing: &Billing, line: &Line) -> bool {
    line.state.is_some()
        && !billing
            .states
            .iter()
            .any(|r| r.deduction && r.line == line.rule.line && r.article == line.rule.article)
}

/// A month's amount that cannot be priced, named at the row of its first day.
fn price_problem(invoice: &mut Invoice, row: usize, message: String) {
    invoice.problems.push(Problem::Line {
        line: row,
        field: String::new(),
        kind: LineProblem::Price { message },
    });
}

/// The smoothing or the forfait of a child's month: its days' lines become part of
/// it (shown, at 0,00 €, with why), and one line of the month carries the amount.
pub(super) fn month_forfaits(
    d: &Deliberation,
    b: usize,
    billing: &Billing,
    (child, name, day, first_line, row): (Option<usize>, Option<&String>, NaiveDate, usize, usize),
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    let on = priced_on(d, day);
    let month = Month {
        year: day.year(),
        month: day.month(),
    };
    let all = first_line..invoice.lines.len();
    let include = |invoice: &mut Invoice, why: String| {
        mark_days(invoice, billing, all.clone(), &why, true);
    };
    if let Some(smoothing) = &billing.smoothing {
        let cite = place(d, smoothing.article, smoothing.line);
        let Some(part) = smoothing.part(month.month) else {
            include(
                invoice,
                format!("{cite} : hors des mois du lissage, rien n'est dû pour ce jour"),
            );
            return;
        };
        let mut why = vec![format!(
            "{cite} : lissage, {} en {} mensualités ; mensualité {part} sur {}",
            cost_words(d, billing, &smoothing.cost),
            smoothing.parts,
            smoothing.parts
        )];
        let year = match cost(d, &smoothing.cost, child, on, prices, &mut why) {
            Ok(year) => year,
            Err(message) => return price_problem(invoice, row, message),
        };
        let each = year / Decimal::from(smoothing.parts.max(1));
        why.push(format!(
            "{} ÷ {} = {}",
            crate::french::amount_read(year),
            smoothing.parts,
            crate::french::amount_read(each)
        ));
        let amount = rounded(d, billing, each, &mut why);
        include(
            invoice,
            format!("{cite} : compris dans la mensualité du mois"),
        );
        let label = smoothing.label.as_deref().map_or_else(
            || format!("Mensualité {part} sur {}", smoothing.parts),
            crate::french::capitalised,
        );
        let rule = Citation {
            article: smoothing.article,
            line: smoothing.line,
        };
        invoice
            .lines
            .push(month_line(b, name.cloned(), label, amount, rule, why));
        return;
    }
    let Some(forfait) = &billing.forfait else {
        return;
    };
    if forfait.week {
        return week_forfaits(
            d,
            b,
            billing,
            forfait,
            (child, name, first_line, row),
            prices,
            invoice,
        );
    }
    let present = days_present(invoice.lines[first_line..].iter());
    let count = u32::try_from(present.len()).unwrap_or(u32::MAX);
    let cite = place(d, forfait.article, forfait.line);
    if count < forfait.from {
        let why = format!(
            "{cite} : {count} jour(s) de présence dans le mois, le forfait commence au {}",
            crate::french::ordinal(forfait.from as usize)
        );
        mark_days(invoice, billing, all, &why, false);
        return;
    }
    let mut why = vec![format!(
        "{cite} : {count} jour(s) de présence dans le mois (le forfait s'applique dès le {}) : {}",
        crate::french::ordinal(forfait.from as usize),
        cost_words(d, billing, &forfait.cost)
    )];
    let mut amount = match cost(d, &forfait.cost, child, on, prices, &mut why) {
        Ok(amount) => amount,
        Err(message) => return price_problem(invoice, row, message),
    };
    if forfait.prorata
        && let Some(first) = present.iter().min()
    {
        let days = super::days_in_month(*first);
        let from_first = days - first.day() + 1;
        let share = amount * Decimal::from(from_first) / Decimal::from(days);
        why.push(format!(
            "au prorata : {from_first} jours sur {days}, du {} à la fin du mois : {} → {}",
            crate::french::date(*first),
            crate::french::amount_read(amount),
            crate::french::amount_read(share)
        ));
        amount = share;
    } else {
        why.push("tout mois commencé est dû".to_string());
    }
    let amount = rounded(d, billing, amount, &mut why);
    include(invoice, format!("{cite} : compris dans le forfait du mois"));
    let label = forfait
        .label
        .as_deref()
        .map_or_else(|| "Forfait mensuel".to_string(), crate::french::capitalised);
    let rule = Citation {
        article: forfait.article,
        line: forfait.line,
    };
    invoice
        .lines
        .push(month_line(b, name.cloned(), label, amount, rule, why));
}

/// Says `why` on the lines of days (not a deduction) among those at `at`; `included`
/// in a forfait or a mensualité, they cost nothing (shown at 0,00 €).
fn mark_days(
    invoice: &mut Invoice,
    billing: &Billing,
    at: impl Iterator<Item = usize>,
    why: &str,
    included: bool,
) {
    for i in at {
        let Some(line) = invoice.lines.get_mut(i) else {
            continue;
        };
        if !day_line(billing, line) {
            continue;
        }
        if included {
            line.amount = Decimal::ZERO;
            line.unit_price = Decimal::ZERO;
            if line.quantity == Decimal::ONE {
                line.unit = "jour".to_string();
            }
        }
        line.justification.push(why.to_string());
    }
}

/// The days a child was present among `lines`, each once (a journée and a
/// demi-journée the same day are one day).
fn days_present<'a>(lines: impl Iterator<Item = &'a Line>) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = lines
        .filter(|l| {
            matches!(
                l.state,
                Some(DayState::Present | DayState::LateBooking | DayState::Unbooked)
            )
        })
        .filter_map(|l| l.date)
        .collect();
    days.sort();
    days.dedup();
    days
}

/// A weekly forfait: each week (Monday to Sunday) of the child's days in the month
/// with `from` days present or more is the forfait's, its days included. A week cut by
/// the end of a month counts, in each month, its days of that month.
fn week_forfaits(
    d: &Deliberation,
    b: usize,
    billing: &Billing,
    forfait: &super::Forfait,
    (child, name, first_line, row): (Option<usize>, Option<&String>, usize, usize),
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    let cite = place(d, forfait.article, forfait.line);
    // The lines of each week, in order.
    let mut weeks: Vec<(NaiveDate, Vec<usize>)> = Vec::new();
    for (i, line) in invoice.lines.iter().enumerate().skip(first_line) {
        let Some(date) = line.date else { continue };
        let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
        match weeks.iter_mut().find(|(m, _)| *m == monday) {
            Some((_, list)) => list.push(i),
            None => weeks.push((monday, vec![i])),
        }
    }
    weeks.sort_by_key(|(monday, _)| *monday);
    for (monday, list) in weeks {
        let sunday = monday + chrono::Days::new(6);
        let span = format!(
            "la semaine du {} au {}",
            crate::french::date(monday),
            crate::french::date(sunday)
        );
        let present = days_present(list.iter().filter_map(|i| invoice.lines.get(*i)));
        let count = u32::try_from(present.len()).unwrap_or(u32::MAX);
        if count < forfait.from {
            let why = format!(
                "{cite} : {count} jour(s) de présence dans {span}, le forfait commence au {}",
                crate::french::ordinal(forfait.from as usize)
            );
            mark_days(invoice, billing, list.iter().copied(), &why, false);
            continue;
        }
        // Priced on the week's first day in the month.
        let first = list
            .iter()
            .filter_map(|i| invoice.lines.get(*i).and_then(|l| l.date))
            .min()
            .unwrap_or(monday)
            .max(d.meta.applicable_from);
        let mut why = vec![format!(
            "{cite} : {count} jour(s) de présence dans {span} (le forfait s'applique dès le {}) : {}",
            crate::french::ordinal(forfait.from as usize),
            cost_words(d, billing, &forfait.cost)
        )];
        let amount = match cost(d, &forfait.cost, child, first, prices, &mut why) {
            Ok(amount) => amount,
            Err(message) => return price_problem(invoice, row, message),
        };
        let amount = rounded(d, billing, amount, &mut why);
        let included = format!("{cite} : compris dans le forfait de {span}");
        mark_days(invoice, billing, list.iter().copied(), &included, true);
        let label = forfait.label.as_deref().map_or_else(
            || format!("Forfait de la semaine du {}", crate::french::date(monday)),
            |l| format!("{} ({span})", crate::french::capitalised(l)),
        );
        let rule = Citation {
            article: forfait.article,
            line: forfait.line,
        };
        let mut line = month_line(b, name.cloned(), label, amount, rule, why);
        line.unit = "semaine".to_string();
        invoice.lines.push(line);
    }
}

/// A line of the month (a mensualité, a forfait, a cap, a charge): one month at its
/// amount.
fn month_line(
    b: usize,
    child: Option<String>,
    label: String,
    amount: Decimal,
    rule: Citation,
    justification: Vec<String>,
) -> Line {
    Line {
        date: None,
        child,
        billing: b,
        state: None,
        label,
        quantity: Decimal::ONE,
        unit: "mois".to_string(),
        unit_price: amount,
        amount,
        rule,
        justification,
    }
}

/// The caps, minimums and charges of the month, after the days: of the lines of every
/// tariff of the facturation (`group`, the billings it makes), whose rules `billing`
/// has.
pub(super) fn month_rules(
    d: &Deliberation,
    group: &[usize],
    billing: &Billing,
    invoice: &mut Invoice,
) {
    let b = group.first().copied().unwrap_or_default();
    let ours = |l: &Line| group.contains(&l.billing);
    let day_lines = |invoice: &Invoice| -> Vec<(Option<String>, Decimal, Option<DayState>)> {
        invoice
            .lines
            .iter()
            .filter(|l| ours(l) && l.date.is_some())
            .map(|l| (l.child.clone(), l.amount, l.state))
            .collect()
    };
    let lines = day_lines(invoice);
    let mut children: Vec<Option<String>> = Vec::new();
    for (child, _, _) in &lines {
        if !children.contains(child) {
            children.push(child.clone());
        }
    }
    // A child's month never goes below zero: what is taken off (a crèche's absences
    // deducted from its mensualité) is limited to what the month bills. A choice
    // (docs/reference.md): no règlement refunds a family more than it pays.
    for child in &children {
        // The month's sum, what it takes off, and the first line that takes off.
        let mut sum = Decimal::ZERO;
        let mut off = Decimal::ZERO;
        let mut first_off = None;
        for l in invoice
            .lines
            .iter()
            .filter(|l| ours(l) && l.child == *child)
        {
            sum += l.amount;
            if l.amount < Decimal::ZERO {
                off += l.amount;
                first_off.get_or_insert(l.rule);
            }
        }
        let Some(rule) = first_off.filter(|_| sum < Decimal::ZERO) else {
            continue;
        };
        let why = format!(
            "{} : les déductions du mois ({}) dépassent ce qu'il facture ({}) : limitées à ce montant, {} (une facture ne descend pas sous zéro)",
            place(d, rule.article, rule.line),
            crate::french::price(-off),
            crate::french::price(sum - off),
            crate::french::signed_price(-sum)
        );
        invoice.lines.push(month_line(
            b,
            child.clone(),
            "Déductions limitées au montant du mois".to_string(),
            -sum,
            rule,
            vec![why],
        ));
    }
    // Each child's limits, then the family's.
    for per_family in [false, true] {
        for limit in billing.limits.iter().filter(|l| l.per_family == per_family) {
            let groups: Vec<Option<Option<String>>> = if per_family {
                vec![None]
            } else {
                children.iter().cloned().map(Some).collect()
            };
            for group in groups {
                let sum: Decimal = invoice
                    .lines
                    .iter()
                    .filter(|l| ours(l))
                    .filter(|l| group.as_ref().is_none_or(|c| l.child == *c))
                    .map(|l| l.amount)
                    .sum();
                let any = invoice
                    .lines
                    .iter()
                    .any(|l| ours(l) && group.as_ref().is_none_or(|c| l.child == *c));
                let adjust = match limit.cap {
                    true if sum > limit.amount => limit.amount - sum,
                    false if any && sum < limit.amount => limit.amount - sum,
                    _ => continue,
                };
                let scope = if per_family {
                    "par famille"
                } else {
                    "par enfant"
                };
                let words = if limit.cap { "plafond" } else { "minimum" };
                let label = limit.label.as_deref().map_or_else(
                    || {
                        format!(
                            "{} de {} par mois et {scope}",
                            crate::french::capitalised(words),
                            crate::french::price(limit.amount)
                        )
                    },
                    crate::french::capitalised,
                );
                let why = format!(
                    "{} : {words} de {} par mois et {scope} ; lignes du mois : {} → {}",
                    place(d, limit.article, limit.line),
                    crate::french::price(limit.amount),
                    crate::french::price(sum),
                    crate::french::signed_price(adjust)
                );
                let rule = Citation {
                    article: limit.article,
                    line: limit.line,
                };
                invoice.lines.push(month_line(
                    b,
                    group.flatten(),
                    label,
                    adjust,
                    rule,
                    vec![why],
                ));
            }
        }
    }
    for charge in &billing.charges {
        let groups: Vec<Option<Option<String>>> = if charge.per_family {
            vec![None]
        } else {
            children.iter().cloned().map(Some).collect()
        };
        for group in groups {
            let due: Vec<&(Option<String>, Decimal, Option<DayState>)> = lines
                .iter()
                .filter(|(c, _, _)| group.as_ref().is_none_or(|g| c == g))
                .filter(|(_, _, s)| {
                    charge.when.is_empty() || s.is_some_and(|s| charge.when.contains(&s))
                })
                .collect();
            if due.is_empty() {
                continue;
            }
            let label = charge.label.clone().map_or_else(
                || "Pénalité".to_string(),
                |l| crate::french::capitalised(&l),
            );
            let when = if charge.when.is_empty() {
                String::new()
            } else {
                let states: Vec<String> =
                    charge.when.iter().map(|s| s.words().to_string()).collect();
                let days = if due.len() == 1 {
                    "1 jour".to_string()
                } else {
                    format!("{} jours", due.len())
                };
                format!(" ; {days} {}", crate::french::list_or(&states))
            };
            let scope = if charge.per_day {
                "par jour"
            } else if charge.per_family {
                "par famille et par mois"
            } else {
                "par enfant et par mois"
            };
            let why = format!(
                "{} : {} {scope}{when}",
                place(d, charge.article, charge.line),
                crate::french::price(charge.amount)
            );
            let rule = Citation {
                article: charge.article,
                line: charge.line,
            };
            let mut line = month_line(b, group.flatten(), label, charge.amount, rule, vec![why]);
            if charge.per_day {
                // Once for each day in those states: a quantity of days.
                let days = Decimal::from(due.len());
                line.quantity = days;
                line.unit = if due.len() == 1 { "jour" } else { "jours" }.to_string();
                line.amount = charge.amount * days;
            }
            invoice.lines.push(line);
        }
    }
}
