//! A family's invoice for a month: each day read against the deadlines of its
//! facturation into a state, priced by the rule of that state (and of its count), the
//! unit prices computed as `tarif eval` computes them at the date of each day; then
//! the caps, minimums and charges of the month; each line with the articles and lines
//! of the deliberation that made it.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::days::{Day, DayError, Observed, Stamp};
use super::{Billing, Cost, CostTerm, DayState, StateRule};
use crate::eval::Session;
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
                let month = a.parse().ok().or_else(|| month_number(a))?;
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
        const NAMES: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let name = NAMES.get(self.month as usize - 1).copied().unwrap_or("");
        format!("{name} {}", self.year)
    }

    /// `2025-10`.
    pub fn iso(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }
}

fn month_number(word: &str) -> Option<u32> {
    let folded = crate::syntax::lines::fold(word);
    [
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    ]
    .iter()
    .position(|m| *m == folded)
    .and_then(|i| u32::try_from(i + 1).ok())
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
}

/// A day with its facturation and child resolved.
struct Placed<'a> {
    day: &'a Day,
    date: NaiveDate,
    billing: usize,
    /// Index in the family's children, when it has some.
    child: Option<usize>,
    /// The child as written (or the family's id).
    child_name: Option<String>,
}

/// The state of a day and how it was found.
struct Found {
    state: DayState,
    why: Vec<String>,
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
    };
    let placed = place_days(d, family, days, month, &mut invoice);
    let mut prices = UnitPrices::new(plan, family);
    prices.justify = justify;
    for (b, billing) in d.billing.iter().enumerate() {
        let mut groups: Vec<(Option<usize>, Option<String>, Vec<&Placed<'_>>)> = Vec::new();
        for p in placed.iter().filter(|p| p.billing == b) {
            match groups
                .iter_mut()
                .find(|(c, n, _)| *c == p.child && *n == p.child_name)
            {
                Some((_, _, list)) => list.push(p),
                None => groups.push((p.child, p.child_name.clone(), vec![p])),
            }
        }
        for (child, name, mut list) in groups {
            list.sort_by_key(|p| p.date);
            bill_child(d, b, billing, child, name, &list, &mut prices, &mut invoice);
        }
        month_rules(d, b, billing, &mut invoice);
    }
    if invoice.problems.is_empty() {
        let mut total = Decimal::ZERO;
        for (b, billing) in d.billing.iter().enumerate() {
            let sum: Decimal = invoice
                .lines
                .iter()
                .filter(|l| l.billing == b)
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

/// Resolves each day's facturation and child; the problems of those that cannot be.
fn place_days<'a>(
    d: &Deliberation,
    family: &FamilyRead,
    days: &[&'a Day],
    month: Month,
    invoice: &mut Invoice,
) -> Vec<Placed<'a>> {
    let children = family.family.children();
    let known_children: Vec<String> = children.iter().filter_map(|c| c.id.clone()).collect();
    let services: Vec<String> = d
        .billing
        .iter()
        .filter_map(|b| d.tariffs.get(b.tariff).map(|t| t.name.clone()))
        .collect();
    let mut placed: Vec<Placed<'a>> = Vec::new();
    for &day in days {
        let Some(date) = day.date else { continue };
        if !month.contains(date) {
            invoice.other_months.push(day.line);
            continue;
        }
        let problem = |field: &str, kind| Problem::Line {
            line: day.line,
            field: field.to_string(),
            kind,
        };
        if !crate::eval::in_period(d, date) {
            invoice
                .problems
                .push(problem("date", LineProblem::OutsidePeriod));
            continue;
        }
        let billing = match &day.service {
            Some(name) => {
                let wanted = crate::syntax::choice_key(name);
                d.billing.iter().position(|b| {
                    d.tariffs.get(b.tariff).is_some_and(|t| {
                        crate::syntax::choice_key(&t.name) == wanted
                            || t.label
                                .as_deref()
                                .is_some_and(|l| crate::syntax::choice_key(l) == wanted)
                            || b.label
                                .as_deref()
                                .is_some_and(|l| crate::syntax::choice_key(l) == wanted)
                    })
                })
            }
            None if d.billing.len() == 1 => Some(0),
            None => None,
        };
        let Some(billing) = billing else {
            invoice.problems.push(problem(
                "service",
                LineProblem::UnknownService {
                    service: day.service.clone(),
                    known: services.clone(),
                },
            ));
            continue;
        };
        let (child, child_name) = if children.is_empty() {
            (None, day.child.clone())
        } else {
            let found = match &day.child {
                Some(id) => children.iter().position(|c| {
                    c.id.as_deref().is_some_and(|c| {
                        crate::syntax::choice_key(c) == crate::syntax::choice_key(id)
                    })
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
                    invoice.problems.push(problem(
                        "enfant",
                        LineProblem::UnknownChild {
                            child: day.child.clone(),
                            known: known_children.clone(),
                        },
                    ));
                    continue;
                }
            }
        };
        if let Some(first) = placed
            .iter()
            .find(|p| p.billing == billing && p.child_name == child_name && p.date == date)
        {
            invoice.problems.push(problem(
                "date",
                LineProblem::Duplicate {
                    first: first.day.line,
                },
            ));
            continue;
        }
        placed.push(Placed {
            day,
            date,
            billing,
            child,
            child_name,
        });
    }
    placed
}

/// A unit price and the words that cite it, or why it cannot be computed.
type UnitPrice = Result<(Decimal, String), String>;

/// The unit prices of the family's children, by child, day and tariff, computed once.
struct UnitPrices<'d> {
    d: &'d Deliberation,
    family: &'d FamilyRead,
    session: Session<'d>,
    known: HashMap<(Option<usize>, NaiveDate, usize), UnitPrice>,
    /// The words of each state rule met, by its address.
    rule_words: HashMap<usize, String>,
    /// Whether each line carries its justification (else only its rule's article
    /// and line).
    justify: bool,
}

impl<'d> UnitPrices<'d> {
    fn new(plan: &'d crate::eval::Plan<'d>, family: &'d FamilyRead) -> Self {
        UnitPrices {
            d: plan.deliberation(),
            family,
            session: Session::on(plan),
            known: HashMap::new(),
            rule_words: HashMap::new(),
            justify: true,
        }
    }

    /// The number an input of the family (or of the child) gives.
    fn input(&self, child: Option<usize>, input: crate::rules::InputId) -> Option<Decimal> {
        let from_child = child
            .and_then(|c| self.family.family.children().get(c))
            .and_then(|c| c.given.iter().find(|(i, _, _)| *i == input))
            .map(|(_, v, _)| *v);
        let value = from_child.or_else(|| {
            self.family
                .family
                .given
                .get(input.0 as usize)
                .copied()
                .flatten()
                .map(|(v, _)| v)
        });
        match value {
            Some(crate::rules::Value::Number(n)) => Some(n),
            _ => self
                .d
                .inputs
                .get(input.0 as usize)
                .and_then(|i| match i.default {
                    Some(crate::rules::Value::Number(n)) => Some(n),
                    _ => None,
                }),
        }
    }

    /// The price of `tariff` for `child` on `date`, and the words that cite it.
    fn get(&mut self, child: Option<usize>, date: NaiveDate, tariff: usize) -> UnitPrice {
        if let Some(found) = self.known.get(&(child, date, tariff)) {
            return found.clone();
        }
        // The dates of birth are counted at the date of each day: the family is then
        // completed for that day (else it is priced as it is).
        let dated;
        let read = if self.family.family.has_births() {
            let mut read = self.family.clone();
            read.at_date(self.d, date);
            dated = read;
            &dated
        } else {
            self.family
        };
        let priced = match child {
            Some(c) => read
                .price_children_in(&mut self.session, date, &[tariff], false)
                .into_iter()
                .find(|p| p.child == c)
                .and_then(|p| p.priced.into_iter().next()),
            None => read
                .price_in(&mut self.session, date, &[tariff], false)
                .into_iter()
                .next(),
        };
        let found = match priced.map(|p| p.result) {
            Some(Ok(amount)) if self.justify => {
                let t = &self.d.tariffs[tariff];
                Ok((
                    amount,
                    format!(
                        "{} : tarif « {} » le {} = {}",
                        place(self.d, t.article, t.line),
                        t.label.as_deref().unwrap_or(&t.name),
                        crate::french::date(date),
                        crate::french::price(amount)
                    ),
                ))
            }
            Some(Ok(amount)) => Ok((amount, String::new())),
            Some(Err(error)) => Err(crate::report::messages::eval_error(&error).text),
            None => Err("la famille ne peut pas être tarifée".to_string()),
        };
        self.known.insert((child, date, tariff), found.clone());
        found
    }
}

/// For each day where the child was expected and absent: the first day of its
/// absence and its number in it. An absence is a run of such days, one row of the
/// child after the other (the days without a row are no days of service for it),
/// covered by the same document (or by none): a new certificate is a new absence.
fn absences(list: &[&Placed<'_>]) -> Vec<Option<(NaiveDate, u32)>> {
    let mut out = Vec::with_capacity(list.len());
    let mut run: Option<(NaiveDate, u32, Option<Stamp>)> = None;
    for p in list {
        let day = p.day;
        let absent = match day.observed {
            Some(Observed::State(s)) => s.absent(),
            Some(Observed::Absent) => day.cancelled_at.is_none() && day.present != Some(true),
            Some(Observed::Present) | Some(Observed::Cancelled) => false,
            None => {
                day.present == Some(false)
                    && day.cancelled_at.is_none()
                    && day.booked != Some(false)
            }
        };
        run = match (absent, run) {
            (true, Some((start, n, proof))) if proof == day.proof_at => Some((start, n + 1, proof)),
            (true, _) => Some((p.date, 1, day.proof_at)),
            (false, _) => None,
        };
        out.push(run.filter(|_| absent).map(|(start, n, _)| (start, n)));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn bill_child(
    d: &Deliberation,
    b: usize,
    billing: &Billing,
    child: Option<usize>,
    name: Option<String>,
    list: &[&Placed<'_>],
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    let runs = absences(list);
    let first_line = invoice.lines.len();
    let mut counts: HashMap<DayState, u32> = HashMap::new();
    let unit = d
        .tariffs
        .get(billing.tariff)
        .map_or(String::new(), |t| t.unit.clone());
    for (p, run) in list.iter().zip(runs) {
        let problem = |field: &str, kind| Problem::Line {
            line: p.day.line,
            field: field.to_string(),
            kind,
        };
        let found = match state(d, billing, p, run.map(|r| r.0)) {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err((field, kind)) => {
                invoice.problems.push(problem(field, kind));
                continue;
            }
        };
        let n_month = {
            let n = counts.entry(found.state).or_insert(0);
            *n += 1;
            *n
        };
        let n_absence = run.map_or(0, |r| r.1);
        let Some(rule) = billing.rule(found.state, n_month, n_absence) else {
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
        let (quantity, line_unit) = match (billing.timing, present) {
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
            (None, _) => (Decimal::ONE, unit.clone()),
        };
        let amount = rounded(d, billing, each * quantity, &mut justification);
        invoice.lines.push(Line {
            date: Some(p.date),
            child: name.clone(),
            billing: b,
            state: Some(found.state),
            label: crate::french::capitalised(rule.label.as_deref().unwrap_or(found.state.words())),
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
    let month_day = list.first().map(|p| p.date);
    if let Some(day) = month_day {
        let at = (child, name.as_ref(), day, first_line);
        month_forfaits(d, b, billing, at, prices, invoice);
    }
}

/// The day of a month on which a forfait or a smoothing is priced: its first day, or
/// the first of the deliberation's period when it starts later.
fn priced_on(d: &Deliberation, day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first.max(d.meta.applicable_from)
}

/// Whether a line of a day is the day's own (not a late departure or an overtime).
fn day_line(line: &Line) -> bool {
    line.state.is_some()
}

/// The smoothing or the forfait of a child's month: its days' lines become part of
/// it (shown, at 0,00 €, with why), and one line of the month carries the amount.
fn month_forfaits(
    d: &Deliberation,
    b: usize,
    billing: &Billing,
    (child, name, day, first_line): (Option<usize>, Option<&String>, NaiveDate, usize),
    prices: &mut UnitPrices<'_>,
    invoice: &mut Invoice,
) {
    let on = priced_on(d, day);
    let month = Month {
        year: day.year(),
        month: day.month(),
    };
    let include = |invoice: &mut Invoice, why: String| {
        for line in invoice.lines[first_line..]
            .iter_mut()
            .filter(|l| day_line(l))
        {
            line.amount = Decimal::ZERO;
            line.unit_price = Decimal::ZERO;
            if line.quantity == Decimal::ONE {
                line.unit = "jour".to_string();
            }
            line.justification.push(why.clone());
        }
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
            Err(message) => {
                invoice.problems.push(Problem::Line {
                    line: 0,
                    field: String::new(),
                    kind: LineProblem::Price { message },
                });
                return;
            }
        };
        let each = year / Decimal::from(smoothing.parts.max(1));
        why.push(format!(
            "{} ÷ {} = {}",
            crate::french::amount(year),
            smoothing.parts,
            crate::french::amount(each)
        ));
        let amount = rounded(d, billing, each, &mut why);
        include(
            invoice,
            format!("{cite} : compris dans la mensualité du mois"),
        );
        invoice.lines.push(Line {
            date: None,
            child: name.cloned(),
            billing: b,
            state: None,
            label: smoothing.label.as_deref().map_or_else(
                || format!("Mensualité {part} sur {}", smoothing.parts),
                crate::french::capitalised,
            ),
            quantity: Decimal::ONE,
            unit: "mois".to_string(),
            unit_price: amount,
            amount,
            rule: Citation {
                article: smoothing.article,
                line: smoothing.line,
            },
            justification: why,
        });
        return;
    }
    let Some(forfait) = &billing.forfait else {
        return;
    };
    let present: Vec<NaiveDate> = invoice.lines[first_line..]
        .iter()
        .filter(|l| {
            matches!(
                l.state,
                Some(DayState::Present | DayState::LateBooking | DayState::Unbooked)
            )
        })
        .filter_map(|l| l.date)
        .collect();
    let count = u32::try_from(present.len()).unwrap_or(u32::MAX);
    let cite = place(d, forfait.article, forfait.line);
    if count < forfait.from {
        for line in invoice.lines[first_line..]
            .iter_mut()
            .filter(|l| day_line(l))
        {
            line.justification.push(format!(
                "{cite} : {count} jour(s) de présence dans le mois, le forfait commence au {}",
                crate::french::ordinal(forfait.from as usize)
            ));
        }
        return;
    }
    let mut why = vec![format!(
        "{cite} : {count} jour(s) de présence dans le mois (le forfait s'applique dès le {}) : {}",
        crate::french::ordinal(forfait.from as usize),
        cost_words(d, billing, &forfait.cost)
    )];
    let mut amount = match cost(d, &forfait.cost, child, on, prices, &mut why) {
        Ok(amount) => amount,
        Err(message) => {
            invoice.problems.push(Problem::Line {
                line: 0,
                field: String::new(),
                kind: LineProblem::Price { message },
            });
            return;
        }
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
            crate::french::amount(amount),
            crate::french::amount(share)
        ));
        amount = share;
    } else {
        why.push("tout mois commencé est dû".to_string());
    }
    let amount = rounded(d, billing, amount, &mut why);
    include(invoice, format!("{cite} : compris dans le forfait du mois"));
    invoice.lines.push(Line {
        date: None,
        child: name.cloned(),
        billing: b,
        state: None,
        label: forfait
            .label
            .as_deref()
            .map_or_else(|| "Forfait mensuel".to_string(), crate::french::capitalised),
        quantity: Decimal::ONE,
        unit: "mois".to_string(),
        unit_price: amount,
        amount,
        rule: Citation {
            article: forfait.article,
            line: forfait.line,
        },
        justification: why,
    });
}

/// « présent de 16 h 30 à 18 h 10 : 1 h 40 → 4 × demi-heure (par demi-heure engagée) ».
fn timing_words(
    d: &Deliberation,
    timing: super::Timing,
    arrival: NaiveTime,
    departure: NaiveTime,
    minutes: i64,
    steps: i64,
) -> String {
    let step = super::step_words(timing.step);
    let how = if timing.begun {
        "engagée"
    } else {
        "complète"
    };
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

/// `16 h 30`, `18 h`.
fn clock_words(t: NaiveTime) -> String {
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
fn overtime_line(
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
    let how = if overtime.begun {
        "engagée"
    } else {
        "complète"
    };
    let mut why = vec![format!(
        "{} : prévu de {} à {}, présent de {} à {} : {} au-delà → {steps} × {step} (par {step} {how}) à {} chacune",
        place(d, overtime.article, overtime.line),
        clock_words(planned_arrival),
        clock_words(planned_departure),
        clock_words(arrival),
        clock_words(departure),
        duration_words(minutes),
        cost_words(d, billing, &overtime.cost)
    )];
    let each = match cost(d, &overtime.cost, child, p.date, prices, &mut why) {
        Ok(each) => each,
        Err(message) => {
            invoice.problems.push(Problem::Line {
                line: day.line,
                field: String::new(),
                kind: LineProblem::Price { message },
            });
            return;
        }
    };
    let quantity = Decimal::from(steps);
    let amount = rounded(d, billing, each * quantity, &mut why);
    invoice.lines.push(Line {
        date: Some(p.date),
        child: name.clone(),
        billing: b,
        state: None,
        label: overtime.label.as_deref().map_or_else(
            || "Dépassement des heures prévues".to_string(),
            crate::french::capitalised,
        ),
        quantity,
        unit: super::steps_words(overtime.step, steps),
        unit_price: each,
        amount,
        rule: Citation {
            article: overtime.article,
            line: overtime.line,
        },
        justification: why,
    });
}

/// The line of a departure after the hour of a `retard` rule, if it is after it.
#[allow(clippy::too_many_arguments)]
fn late_line(
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
    if departure <= late.after {
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
    let steps = timing.steps(minutes);
    if steps == 0 {
        return;
    }
    let step = super::step_words(late.step);
    let how = if late.begun { "engagée" } else { "complète" };
    let mut why = vec![format!(
        "{} : départ à {}, après {} : {} → {steps} × {step} (par {step} {how}) à {} chacune",
        place(d, late.article, late.line),
        clock_words(departure),
        clock_words(late.after),
        duration_words(minutes),
        cost_words(d, billing, &late.cost)
    )];
    let each = match cost(d, &late.cost, child, date, prices, &mut why) {
        Ok(each) => each,
        Err(message) => {
            invoice.problems.push(Problem::Line {
                line: row,
                field: String::new(),
                kind: LineProblem::Price { message },
            });
            return;
        }
    };
    let quantity = Decimal::from(steps);
    let amount = rounded(d, billing, each * quantity, &mut why);
    invoice.lines.push(Line {
        date: Some(date),
        child: name.clone(),
        billing: b,
        state: None,
        label: late.label.as_deref().map_or_else(
            || format!("Retard après {}", clock_words(late.after)),
            crate::french::capitalised,
        ),
        quantity,
        unit: super::steps_words(late.step, steps),
        unit_price: each,
        amount,
        rule: Citation {
            article: late.article,
            line: late.line,
        },
        justification: why,
    });
}

/// An amount rounded as the facturation says, each line; the step written when it
/// changes the amount.
fn rounded(d: &Deliberation, billing: &Billing, amount: Decimal, why: &mut Vec<String>) -> Decimal {
    if !billing.rounding.each_line {
        return amount;
    }
    let done = crate::eval::number::round(amount, billing.rounding.mode).unwrap_or(amount);
    if done != amount {
        let at = match billing.rounding.line {
            Some(line) => place(d, billing.article, line),
            None => "règle par défaut".to_string(),
        };
        why.push(format!(
            "{at} : arrondi {} : {} → {}",
            rounding_text(billing.rounding.mode),
            crate::french::amount(amount),
            crate::french::price(done)
        ));
    }
    done
}

/// The price of a rule's cost for a child on a day, each unit price cited.
fn cost(
    d: &Deliberation,
    cost: &Cost,
    child: Option<usize>,
    date: NaiveDate,
    prices: &mut UnitPrices<'_>,
    why: &mut Vec<String>,
) -> Result<Decimal, String> {
    let mut total = Decimal::ZERO;
    for term in &cost.terms {
        let (value, negative) = match term {
            CostTerm::Amount { value, negative } => (*value, *negative),
            CostTerm::Unit {
                tariff,
                factor,
                inputs,
                change,
                negative,
            } => {
                let (unit, words) = prices.get(child, date, *tariff)?;
                if prices.justify && !why.contains(&words) {
                    why.push(words);
                }
                let mut value = unit
                    .checked_mul(*factor)
                    .and_then(|v| v.checked_mul(Decimal::ONE + *change))
                    .ok_or_else(|| "montant trop grand".to_string())?;
                for input in inputs {
                    let name = d
                        .inputs
                        .get(input.0 as usize)
                        .map_or("", |i| i.name.as_str());
                    let Some(n) = prices.input(child, *input) else {
                        return Err(format!("« {name} » manque : la famille doit le donner"));
                    };
                    let words = format!("{name} = {}", crate::french::number(n));
                    if !why.contains(&words) {
                        why.push(words);
                    }
                    value = value
                        .checked_mul(n)
                        .ok_or_else(|| "montant trop grand".to_string())?;
                }
                (value, *negative)
            }
        };
        total = if negative {
            total - value
        } else {
            total + value
        };
    }
    let _ = d;
    Ok(total)
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
    format!(
        "{}{count} : {}{label}",
        rule.state.words(),
        cost_words(d, billing, &rule.cost)
    )
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
                ..
            } => {
                if *factor != Decimal::ONE {
                    out.push_str(&format!("{} × ", crate::french::number(*factor)));
                }
                let name = d.tariffs.get(*tariff).map_or("", |t| t.name.as_str());
                let _ = billing;
                out.push_str(&format!("tarif {name}"));
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

/// The state of a day, how it was found; `None` for a day that bills nothing (not
/// reserved and absent).
fn state(
    d: &Deliberation,
    billing: &Billing,
    p: &Placed<'_>,
    absence_start: Option<NaiveDate>,
) -> Result<Option<Found>, (&'static str, LineProblem)> {
    let day = p.day;
    let date = p.date;
    if let Some(Observed::State(state)) = day.observed {
        return Ok(Some(Found {
            state,
            why: vec![format!(
                "{} : « {} », état donné par le portail",
                crate::french::date(date),
                state.words()
            )],
        }));
    }
    let cancelled = day.cancelled_at.is_some() || day.observed == Some(Observed::Cancelled);
    let present = day.present.or(match day.observed {
        Some(Observed::Present) => Some(true),
        Some(Observed::Absent) | Some(Observed::Cancelled) => Some(false),
        _ if cancelled => Some(false),
        _ => None,
    });
    let booked = day.booked.unwrap_or(true);
    let on = crate::french::date(date);
    if cancelled && present == Some(true) {
        return Ok(Some(Found {
            state: DayState::Unbooked,
            why: vec![format!("{on} : réservation annulée, enfant présent")],
        }));
    }
    if cancelled {
        let Some(deadline) = Billing::deadline(&billing.cancel, date) else {
            let when = day
                .cancelled_at
                .map(|s| format!(" le {}", s.words()))
                .unwrap_or_default();
            return Ok(Some(Found {
                state: DayState::CancelledInTime,
                why: vec![format!(
                    "{on} : annulé{when} ; la facturation ne fixe pas de délai d'annulation ce jour-là"
                )],
            }));
        };
        let Some(at) = day.cancelled_at else {
            return Err(("annule_le", LineProblem::NoCancellationDate));
        };
        let instant = deadline.moment.instant(date);
        let limit = deadline_words(d, deadline, instant);
        return match at.before(instant, deadline.inclusive) {
            Some(true) => Ok(Some(Found {
                state: DayState::CancelledInTime,
                why: vec![format!(
                    "{on} : annulé le {}, dans le délai ({limit})",
                    at.words()
                )],
            })),
            Some(false) => Ok(Some(Found {
                state: DayState::CancelledLate,
                why: vec![format!(
                    "{on} : annulé le {}, après le délai ({limit})",
                    at.words()
                )],
            })),
            None => Err((
                "annule_le",
                LineProblem::HourNeeded {
                    what: "l'annulation",
                    deadline: limit,
                },
            )),
        };
    }
    let Some(present) = present else {
        return Err(("present", LineProblem::NoPresence));
    };
    if !booked {
        return Ok(present.then(|| Found {
            state: DayState::Unbooked,
            why: vec![format!("{on} : présent, sans réservation")],
        }));
    }
    if present {
        let late = match (Billing::deadline(&billing.booking, date), day.booked_at) {
            (Some(deadline), Some(at)) => {
                let instant = deadline.moment.instant(date);
                let limit = deadline_words(d, deadline, instant);
                match at.before(instant, deadline.inclusive) {
                    Some(true) => Some((
                        false,
                        format!(
                            "{on} : présent, réservé le {}, dans le délai ({limit})",
                            at.words()
                        ),
                    )),
                    Some(false) => Some((
                        true,
                        format!(
                            "{on} : présent, réservé le {}, après le délai ({limit})",
                            at.words()
                        ),
                    )),
                    None => {
                        return Err((
                            "reserve_le",
                            LineProblem::HourNeeded {
                                what: "la réservation",
                                deadline: limit,
                            },
                        ));
                    }
                }
            }
            _ => None,
        };
        return Ok(Some(match late {
            Some((true, why)) => Found {
                state: DayState::LateBooking,
                why: vec![why],
            },
            Some((false, why)) => Found {
                state: DayState::Present,
                why: vec![why],
            },
            None => Found {
                state: DayState::Present,
                why: vec![format!("{on} : réservé, présent")],
            },
        }));
    }
    // Reserved, absent, not cancelled.
    let start = absence_start.unwrap_or(date);
    let since = if start == date {
        String::new()
    } else {
        format!(" (absence commencée le {})", crate::french::date(start))
    };
    let Some(proof) = day.proof_at else {
        return Ok(Some(Found {
            state: DayState::AbsentUnjustified,
            why: vec![format!("{on} : réservé, absent{since}, sans justificatif")],
        }));
    };
    let Some(delay) = billing.proof else {
        return Ok(Some(Found {
            state: DayState::AbsentJustified,
            why: vec![format!(
                "{on} : réservé, absent{since}, justificatif reçu le {}",
                proof.words()
            )],
        }));
    };
    let from = start.and_time(NaiveTime::MIN);
    let within = from + Duration::hours(i64::from(delay.hours));
    let cite = place(d, delay.article, delay.line);
    let words = |limit: chrono::NaiveDateTime| Stamp::At(limit).words();
    match proof.before(within, true) {
        Some(true) => Ok(Some(Found {
            state: DayState::AbsentJustified,
            why: vec![format!(
                "{on} : réservé, absent{since}, justificatif reçu le {}, dans le délai (au plus tard le {}, {cite})",
                proof.words(),
                words(within)
            )],
        })),
        None => Err((
            "justificatif_le",
            LineProblem::HourNeeded {
                what: "le justificatif",
                deadline: format!("le {}, {cite}", words(within)),
            },
        )),
        Some(false) => {
            let late = delay.limit.map(|l| from + Duration::hours(i64::from(l)));
            match late.map(|limit| (limit, proof.before(limit, true))) {
                Some((limit, Some(true))) => Ok(Some(Found {
                    state: DayState::AbsentJustifiedLate,
                    why: vec![format!(
                        "{on} : réservé, absent{since}, justificatif reçu le {}, après le délai (le {}) mais avant sa limite (le {}, {cite})",
                        proof.words(),
                        words(within),
                        words(limit)
                    )],
                })),
                Some((limit, None)) => Err((
                    "justificatif_le",
                    LineProblem::HourNeeded {
                        what: "le justificatif",
                        deadline: format!("le {}, {cite}", words(limit)),
                    },
                )),
                _ => Ok(Some(Found {
                    state: DayState::AbsentUnjustified,
                    why: vec![format!(
                        "{on} : réservé, absent{since}, justificatif reçu le {}, trop tard (au plus tard le {}, {cite})",
                        proof.words(),
                        words(late.unwrap_or(within))
                    )],
                })),
            }
        }
    }
}

/// « le jeudi à midi de la semaine précédente, soit le 25/09/2025 à 12 h, art. 2,
/// ligne 27 ».
fn deadline_words(
    d: &Deliberation,
    deadline: &super::Deadline,
    instant: chrono::NaiveDateTime,
) -> String {
    let how = if deadline.inclusive {
        "au plus tard"
    } else {
        "avant"
    };
    format!(
        "{how} {}, soit le {}, {}",
        deadline.moment.words(),
        Stamp::At(instant).words(),
        place(d, deadline.article, deadline.line)
    )
}

/// The caps, minimums and charges of the month, after the days.
fn month_rules(d: &Deliberation, b: usize, billing: &Billing, invoice: &mut Invoice) {
    let day_lines = |invoice: &Invoice| -> Vec<(Option<String>, Decimal, Option<DayState>)> {
        invoice
            .lines
            .iter()
            .filter(|l| l.billing == b && l.date.is_some())
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
    let unit = "mois".to_string();
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
                    .filter(|l| l.billing == b)
                    .filter(|l| group.as_ref().is_none_or(|c| l.child == *c))
                    .map(|l| l.amount)
                    .sum();
                let any = invoice
                    .lines
                    .iter()
                    .any(|l| l.billing == b && group.as_ref().is_none_or(|c| l.child == *c));
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
                invoice.lines.push(Line {
                    date: None,
                    child: group.flatten(),
                    billing: b,
                    state: None,
                    label,
                    quantity: Decimal::ONE,
                    unit: unit.clone(),
                    unit_price: adjust,
                    amount: adjust,
                    rule: Citation {
                        article: limit.article,
                        line: limit.line,
                    },
                    justification: vec![format!(
                        "{} : {words} de {} par mois et {scope} ; lignes du mois : {} → {}",
                        place(d, limit.article, limit.line),
                        crate::french::price(limit.amount),
                        crate::french::price(sum),
                        crate::french::signed_price(adjust)
                    )],
                });
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
            let scope = if charge.per_family {
                "par famille"
            } else {
                "par enfant"
            };
            invoice.lines.push(Line {
                date: None,
                child: group.flatten(),
                billing: b,
                state: None,
                label,
                quantity: Decimal::ONE,
                unit: unit.clone(),
                unit_price: charge.amount,
                amount: charge.amount,
                rule: Citation {
                    article: charge.article,
                    line: charge.line,
                },
                justification: vec![format!(
                    "{} : {} {scope} et par mois{when}",
                    place(d, charge.article, charge.line),
                    crate::french::price(charge.amount)
                )],
            });
        }
    }
}
