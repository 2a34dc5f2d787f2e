//! A family's invoice for a month: each day read against the deadlines of its
//! facturation into a state, priced by the rule of that state (and of its count), the
//! unit prices computed as `tarif eval` computes them at the date of each day; then
//! the caps, minimums and charges of the month; each line with the articles and lines
//! of the deliberation that made it.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::days::{Day, DayError};
use super::month::{month_forfaits, month_rules};
use super::place::place_days;
use super::prices::{UnitPrices, cost};
use super::state::{absences, state};
use super::time::{late_line, overtime_line, timing_words};
use super::{Billing, Cost, CostTerm, DayState, StateRule};
use crate::inputs::FamilyRead;
use crate::report::justification::{place, rounding_text};
use crate::rules::{ArticleId, Deliberation};

/// A month: year and month (1 to 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// `2025-10`, `10/2025`, `octobre 2025`.
    pub fn parse(text: &str) -> Option<Month> {
        let text = text.trim();
        let numbers: Vec<&str> = text
            .split(['-', '/', ' '])
            .filter(|s| !s.is_empty())
            .collect();
        let (year, month) = match numbers.as_slice() {
            [a, b] if a.len() == 4 => (a.parse().ok()?, b.parse().ok()?),
            [a, b] if b.len() == 4 => {
                let month = a.parse().ok().or_else(|| crate::french::month_number(a))?;
                (b.parse().ok()?, month)
            }
            _ => return None,
        };
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    pub fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        day.year() == self.year && day.month() == self.month
    }

    /// `octobre 2025`.
    pub fn words(self) -> String {
        let name = crate::french::month_name(self.month);
        format!("{name} {}", self.year)
    }

    /// `2025-10`.
    pub fn iso(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }
}

/// Where a rule is in the deliberation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Citation {
    pub article: ArticleId,
    pub line: usize,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The day; `None` for a line of the month (a cap, a charge).
    pub date: Option<NaiveDate>,
    /// The child as the family names it (`None`: the family's line).
    pub child: Option<String>,
    /// The facturation (index in [`Deliberation::billing`]).
    pub billing: usize,
    pub state: Option<DayState>,
    /// What the family reads: the rule's label, or the state.
    pub label: String,
    pub quantity: Decimal,
    /// `repas`, `mois`.
    pub unit: String,
    pub unit_price: Decimal,
    pub amount: Decimal,
    /// The rule that made the line.
    pub rule: Citation,
    /// Every step, in French, each citing its article and line.
    pub justification: Vec<String>,
}

/// What keeps an invoice from being given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A field of the family.
    Family(crate::inputs::FamilyError),
    /// A row of the days.
    Day(DayError),
    /// A day whose line cannot be made.
    Line {
        line: usize,
        field: String,
        kind: LineProblem,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// No facturation bills this `service` (or the row names none and there are
    /// several).
    UnknownService {
        service: Option<String>,
        known: Vec<String>,
    },
    /// No child of the family has this id (or the row names none and there are
    /// several).
    UnknownChild {
        child: Option<String>,
        known: Vec<String>,
    },
    /// The same child, service and day on two rows.
    Duplicate { first: usize },
    /// Neither `présent` nor `absent` is said.
    NoPresence,
    /// A cancellation without its date, where a deadline decides.
    NoCancellationDate,
    /// An instant without its hour, on the day of the deadline.
    HourNeeded {
        what: &'static str,
        deadline: String,
    },
    /// A state given by the portal that the facturation does not price.
    StateWithoutPrice { state: DayState },
    /// The unit price cannot be computed (a value of the family is missing…).
    Price { message: String },
    /// A day billed by its time without its arrival or departure.
    NoTimes,
    /// A day priced `par heure prévue` without the hours planned.
    NoPlannedTimes,
    /// A day outside the deliberation's period.
    OutsidePeriod,
}

/// A family's invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub family: Option<String>,
    pub month: Month,
    pub lines: Vec<Line>,
    /// The sum of the lines (rounded on the total when the facturation says so);
    /// `None` when a problem keeps the invoice from being right.
    pub total: Option<Decimal>,
    /// How each facturation rounds, in words, with its line.
    pub rounding: Vec<String>,
    pub problems: Vec<Problem>,
    /// Days of another month, ignored (their lines).
    pub other_months: Vec<usize>,
    /// Columns of the days that name no field, ignored (W141).
    pub ignored_columns: Vec<String>,
}

impl Invoice {
    /// The days' file as read: its errors and those of its rows are the invoice's first
    /// problems (then it has no total: it would lack what they name), its columns ignored
    /// its warnings.
    pub fn read_with(&mut self, read: &super::days::DaysRead) {
        self.ignored_columns = read.ignored.iter().map(|(_, name)| name.clone()).collect();
        self.prepend_errors(read.header_errors.iter().chain(&read.errors).cloned());
    }

    /// `errors` of the days first among the invoice's problems, and no total.
    pub fn prepend_errors(&mut self, errors: impl IntoIterator<Item = super::days::DayError>) {
        let mut problems: Vec<Problem> = errors.into_iter().map(Problem::Day).collect();
        if problems.is_empty() {
            return;
        }
        problems.append(&mut self.problems);
        self.problems = problems;
        self.total = None;
    }
}

/// A day with its facturation and child resolved.
pub(super) struct Placed<'a> {
    pub(super) day: &'a Day,
    pub(super) date: NaiveDate,
    pub(super) billing: usize,
    /// Index in the family's children, when it has some.
    pub(super) child: Option<usize>,
    /// The child as written (or the family's id).
    pub(super) child_name: Option<String>,
    /// A day before the month: not billed, it only carries an absence begun then
    /// (its carence, its days) into the month.
    pub(super) before: bool,
}

/// The state of a day and how it was found.
pub(super) struct Found {
    pub(super) state: DayState,
    pub(super) why: Vec<String>,
}

/// Invoices a family for `month` from its days.
pub fn invoice(d: &Deliberation, family: &FamilyRead, days: &[Day], month: Month) -> Invoice {
    let plan = crate::eval::Plan::new(d);
    let days: Vec<&Day> = days.iter().collect();
    invoice_with(&plan, family, &days, month)
}

/// [`invoice`] with the deliberation's plan compiled once for many families (a
/// batch), the family's days borrowed.
pub fn invoice_with(
    plan: &crate::eval::Plan<'_>,
    family: &FamilyRead,
    days: &[&Day],
    month: Month,
) -> Invoice {
    invoice_justified(plan, family, days, month, true)
}

/// [`invoice_with`], each line with its justification only when `justify` (a batch
/// for a portal that shows it on demand: the lines keep their rule's article and line).
pub fn invoice_justified(
    plan: &crate::eval::Plan<'_>,
    family: &FamilyRead,
    days: &[&Day],
    month: Month,
    justify: bool,
) -> Invoice {
    let d = plan.deliberation();
    let mut invoice = Invoice {
        family: family.family.id.clone(),
        month,
        lines: Vec::new(),
        total: None,
        rounding: Vec::new(),
        problems: family.errors.iter().cloned().map(Problem::Family).collect(),
        other_months: Vec::new(),
        ignored_columns: Vec::new(),
    };
    let placed = place_days(d, family, days, month, &mut invoice);
    let mut prices = UnitPrices::new(plan, family);
    prices.justify = justify;
    let facturations = super::facturations(d);
    for group in &facturations {
        let Some(billing) = group.first().and_then(|b| d.billing.get(*b)) else {
            continue;
        };
        // Each child's days of every tariff of the facturation: one month, one count of
        // each state, one absence across a journée and a demi-journée.
        let mut children: Vec<(Option<usize>, Option<String>, Vec<&Placed<'_>>)> = Vec::new();
        for p in placed.iter().filter(|p| group.contains(&p.billing)) {
            match children
                .iter_mut()
                .find(|(c, n, _)| *c == p.child && *n == p.child_name)
            {
                Some((_, _, list)) => list.push(p),
                None => children.push((p.child, p.child_name.clone(), vec![p])),
            }
        }
        for (child, name, mut list) in children {
            list.sort_by_key(|p| p.date);
            bill_child(d, child, name, &list, &mut prices, &mut invoice);
        }
        month_rules(d, group, billing, &mut invoice);
    }
    if invoice.problems.is_empty() {
        let mut total = Decimal::ZERO;
        for group in &facturations {
            let Some(billing) = group.first().and_then(|b| d.billing.get(*b)) else {
                continue;
            };
            let sum: Decimal = invoice
                .lines
                .iter()
                .filter(|l| group.contains(&l.billing))
                .map(|l| l.amount)
                .sum();
            let sum = match billing.rounding.each_line {
                true => sum,
                false => crate::eval::number::round(sum, billing.rounding.mode).unwrap_or(sum),
            };
            total += sum;
        }
        invoice.total = Some(total);
    }
    invoice.rounding = d.billing.iter().map(|b| rounding_words(d, b)).collect();
    invoice
}

/// « chaque ligne arrondie au centime (art. 2, ligne 40) ».
pub fn rounding_words(d: &Deliberation, billing: &Billing) -> String {
    let r = billing.rounding;
    let what = if r.each_line {
        "chaque ligne arrondie"
    } else {
        "total arrondi"
    };
    match r.line {
        Some(line) => format!(
            "{what} {} ({})",
            rounding_text(r.mode),
            place(d, billing.article, line)
        ),
        None => format!(
            "{what} {} (règle par défaut, la facturation n'en dit rien)",
            rounding_text(r.mode)
        ),
    }
}

fn bill_child(
    d: &Deliberation,
    child: Option<usize>,
    name: Option<String>,
    list: &[&Placed<'_>],
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    // The rules of the facturation (each tariff of it has the same); each day's own
    // tariff for its price.
    let Some(first) = list.first() else {
        return;
    };
    let Some(billing) = d.billing.get(first.billing) else {
        return;
    };
    let runs = absences(list);
    let first_line = invoice.lines.len();
    // The days of each state so far, by the state's place in `DayState::ALL`: in the
    // month, and in the week (Monday to Sunday) of the day.
    let mut counts = [0u32; DayState::ALL.len()];
    let mut week_counts = [0u32; DayState::ALL.len()];
    let mut week = None;
    let by_week = billing.states.iter().any(|r| {
        r.count
            .is_some_and(|c| c.period == super::CountPeriod::Week)
    });
    for (p, run) in list.iter().zip(runs) {
        let b = p.billing;
        let Some(billing) = d.billing.get(b) else {
            continue;
        };
        let unit = d
            .tariffs
            .get(billing.tariff)
            .map_or("", |t| t.unit.as_str());
        let problem = |field: &str, kind| Problem::Line {
            line: p.day.line,
            field: field.to_string(),
            kind,
        };
        if by_week {
            let iso = p.date.iso_week();
            if week != Some((iso.year(), iso.week())) {
                week = Some((iso.year(), iso.week()));
                week_counts = [0; DayState::ALL.len()];
            }
        }
        // A day of the month before: counted in its absence (above) and its week, not
        // billed.
        if p.before {
            if by_week && let Ok(Some(found)) = state(d, billing, p, run.map(|r| r.0), false) {
                week_counts[found.state.index()] += 1;
            }
            continue;
        }
        let found = match state(d, billing, p, run.map(|r| r.0), prices.justify) {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err((field, kind)) => {
                invoice.problems.push(problem(field, kind));
                continue;
            }
        };
        let at = found.state.index();
        counts[at] += 1;
        week_counts[at] += 1;
        let numbers = super::DayNumbers {
            month: counts[at],
            week: week_counts[at],
            absence: run.map_or(0, |r| r.1),
            calendar: run.map_or(0, |r| {
                u32::try_from((p.date - r.0).num_days() + 1).unwrap_or(u32::MAX)
            }),
            length: run.map_or(0, |r| r.2),
        };
        let Some(rule) = billing.rule(found.state, numbers, p.day.motive.as_deref()) else {
            invoice.problems.push(problem(
                "etat",
                LineProblem::StateWithoutPrice { state: found.state },
            ));
            continue;
        };
        let mut justification = found.why;
        if prices.justify {
            // The words of a rule are the same for each day it prices: written once.
            let key = std::ptr::from_ref(rule) as usize;
            let words = prices.rule_words.entry(key).or_insert_with(|| {
                format!(
                    "{} : {}",
                    place(d, rule.article, rule.line),
                    rule_words(d, billing, rule)
                )
            });
            justification.push(words.clone());
        } else {
            justification.clear();
        }
        let each = match cost(d, &rule.cost, child, p.date, prices, &mut justification) {
            Ok(amount) => amount,
            Err(message) => {
                invoice
                    .problems
                    .push(problem("", LineProblem::Price { message }));
                continue;
            }
        };
        // A day present of a service billed by its time: its steps of time.
        let present = matches!(
            found.state,
            DayState::Present | DayState::LateBooking | DayState::Unbooked
        );
        let mut exact = None;
        let (quantity, line_unit) = match (billing.timing, present) {
            // `par heure prévue`: the hours the contract planned that day.
            _ if rule.planned_hours => {
                match (p.day.planned_arrival, p.day.planned_departure) {
                    (Some(from), Some(to)) if to > from => {
                        let minutes = (to - from).num_minutes();
                        if prices.justify {
                            justification.push(super::time::planned_words(from, to, minutes));
                        }
                        // The amount from the minutes (exact), the quantity shown in
                        // hours.
                        exact = Some(each * Decimal::from(minutes) / Decimal::from(60));
                        let hours = (Decimal::from(minutes) / Decimal::from(60)).round_dp(2);
                        let unit = if hours > Decimal::ONE {
                            "heures"
                        } else {
                            "heure"
                        };
                        (hours, unit.to_string())
                    }
                    _ => {
                        invoice
                            .problems
                            .push(problem("depart_prevu", LineProblem::NoPlannedTimes));
                        continue;
                    }
                }
            }
            (Some(timing), true) => match (p.day.arrival, p.day.departure) {
                (Some(arrival), Some(departure)) => {
                    let minutes = (departure - arrival).num_minutes();
                    let steps = timing.steps(minutes);
                    if prices.justify {
                        justification
                            .push(timing_words(d, timing, arrival, departure, minutes, steps));
                    }
                    (Decimal::from(steps), super::steps_words(timing.step, steps))
                }
                _ => {
                    invoice
                        .problems
                        .push(problem("depart", LineProblem::NoTimes));
                    continue;
                }
            },
            // A day absent of a service billed by its time is a day.
            (Some(_), false) => (Decimal::ONE, "jour".to_string()),
            (None, _) => (Decimal::ONE, unit.to_string()),
        };
        let raw = exact.unwrap_or(each * quantity);
        let amount = if prices.justify {
            rounded(d, billing, raw, &mut justification)
        } else {
            rounded_amount(billing, raw)
        };
        invoice.lines.push(Line {
            date: Some(p.date),
            child: name.clone(),
            billing: b,
            state: Some(found.state),
            label: prices
                .labels
                .entry(std::ptr::from_ref(rule) as usize)
                .or_insert_with(|| {
                    crate::french::capitalised(rule.label.as_deref().unwrap_or(found.state.words()))
                })
                .clone(),
            quantity,
            unit: line_unit,
            unit_price: each,
            amount,
            rule: Citation {
                article: rule.article,
                line: rule.line,
            },
            justification,
        });
        if present && let Some(departure) = p.day.departure {
            for late in &billing.late {
                let day = (p.date, p.day.line, departure);
                late_line(d, b, billing, late, child, &name, day, prices, invoice);
            }
        }
        if present {
            for overtime in &billing.overtime {
                overtime_line(d, b, billing, overtime, child, &name, p, prices, invoice);
            }
        }
    }
    // The lines of each tariff together, in the order of the facturation.
    invoice.lines[first_line..].sort_by_key(|l| l.billing);
    if let Some(first) = list.iter().find(|p| !p.before) {
        let at = (child, name.as_ref(), first.date, first_line, first.day.line);
        month_forfaits(d, first.billing, billing, at, prices, invoice);
    }
}

/// An amount rounded as the facturation says, each line; the step written when it
/// changes the amount.
pub(super) fn rounded(
    d: &Deliberation,
    billing: &Billing,
    amount: Decimal,
    why: &mut Vec<String>,
) -> Decimal {
    let done = rounded_amount(billing, amount);
    if done != amount {
        let at = match billing.rounding.line {
            Some(line) => place(d, billing.article, line),
            None => "règle par défaut".to_string(),
        };
        why.push(format!(
            "{at} : arrondi {} : {} → {}",
            rounding_text(billing.rounding.mode),
            crate::french::amount_read(amount),
            crate::french::price(done)
        ));
    }
    done
}

/// An amount rounded as the facturation says, each line (the step not written).
fn rounded_amount(billing: &Billing, amount: Decimal) -> Decimal {
    if !billing.rounding.each_line {
        return amount;
    }
    crate::eval::number::round(amount, billing.rounding.mode).unwrap_or(amount)
}

/// « réservé hors délai : tarif repas + 1,00 € » (« inscription hors délai »).
pub fn rule_words(d: &Deliberation, billing: &Billing, rule: &StateRule) -> String {
    let count = rule
        .count
        .map(|c| format!(", {}", c.words()))
        .unwrap_or_default();
    let label = rule
        .label
        .as_ref()
        .map(|l| format!(" (« {l} »)"))
        .unwrap_or_default();
    let motive = rule
        .motive
        .as_ref()
        .map(|m| format!(" pour {m}"))
        .unwrap_or_default();
    let cost = if rule.deduction {
        // The terms were signed by the déduction: written as the règlement says.
        format!(
            "déduction de {}",
            cost_words(d, billing, &rule.cost.negated())
        )
    } else {
        cost_words(d, billing, &rule.cost)
    };
    let per = if rule.planned_hours {
        " par heure prévue"
    } else {
        ""
    };
    format!("{}{motive}{count} : {cost}{per}{label}", rule.state.words())
}

/// `gratuit`, `tarif repas + 1,00 €`, `2 × tarif repas majoré de 50 %`.
pub fn cost_words(d: &Deliberation, billing: &Billing, cost: &Cost) -> String {
    if cost.terms.is_empty() {
        return "gratuit".to_string();
    }
    let mut out = String::new();
    for (i, term) in cost.terms.iter().enumerate() {
        let negative = match term {
            CostTerm::Amount { negative, .. } | CostTerm::Unit { negative, .. } => *negative,
        };
        if i > 0 {
            out.push_str(if negative { " − " } else { " + " });
        } else if negative {
            out.push('−');
        }
        match term {
            CostTerm::Amount { value, .. } => out.push_str(&crate::french::price(*value)),
            CostTerm::Unit {
                tariff,
                factor,
                change,
                inputs,
                ..
            } => {
                if *factor != Decimal::ONE {
                    out.push_str(&format!("{} × ", crate::french::number(*factor)));
                }
                let name = d.tariffs.get(*tariff).map_or("", |t| t.name.as_str());
                let _ = billing;
                out.push_str(&format!("tarif {name}"));
                for input in inputs {
                    let input = d
                        .inputs
                        .get(input.0 as usize)
                        .map_or("", |i| i.name.as_str());
                    out.push_str(&format!(" × {input}"));
                }
                if !change.is_zero() {
                    let word = if change.is_sign_positive() {
                        "majoré"
                    } else {
                        "minoré"
                    };
                    out.push_str(&format!(" {word} de {}", crate::french::rate(change.abs())));
                }
            }
        }
    }
    out
}
