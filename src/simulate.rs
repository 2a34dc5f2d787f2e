//! `tarif simuler`: what a grid brings in and what it changes for a population of
//! families. Each family priced (by the new grid and, with `--avant`, by the old one)
//! is added to a [`Simulation`]; simulations of parts of the file are merged. Counts by
//! price and by change keep the medians exact while memory stays bounded by the number
//! of distinct prices, not of families.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::eval::trace::Step;
use crate::rules::{Body, Deliberation, TableId};

/// How many of the largest increases are named.
pub const LARGEST: usize = 20;

/// How many lines in error are named, with their reasons (the first ones of the file).
pub const FAILURES_SHOWN: usize = 20;

/// Why a line, or one tariff of it, was not priced.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The line is not a family (empty, not JSON, wrong number of columns…).
    Line(crate::batch::LineError),
    /// A field of the family is wrong (the first one).
    Family(crate::inputs::FamilyError),
    /// The quantity column holds no number ≥ 0 (its text).
    Quantity(String),
    /// The family is read but this tariff cannot be computed for it.
    Tariff {
        tariff: usize,
        error: crate::eval::EvalError,
    },
}

/// A line in error, or one of its tariffs.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedLine {
    pub line: usize,
    /// The family's id (a child's, for a child's price).
    pub id: Option<String>,
    pub failure: Failure,
}

impl FailedLine {
    fn order(&self) -> (usize, usize) {
        match &self.failure {
            Failure::Tariff { tariff, .. } => (self.line, *tariff),
            _ => (self.line, 0),
        }
    }
}

/// The row of the grid a family falls in: `(table, row, column)`; `None` when the
/// tariff has no grid (a formula).
pub type Tranche = Option<(u32, u32, Option<u32>)>;

/// Figures of a set of prices: a tariff's, or one tranche's.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub families: u64,
    /// Σ price × quantity.
    pub revenue: Decimal,
    pub sum: Decimal,
    /// How many families pay each price.
    pub prices: BTreeMap<Decimal, u64>,
    /// With `--avant`: families priced by both grids.
    pub compared: u64,
    pub revenue_before: Decimal,
    pub more: u64,
    pub less: u64,
    pub same: u64,
    /// How many families see each change (new − old).
    pub changes: BTreeMap<Decimal, u64>,
}

impl Tally {
    fn add(&mut self, price: Decimal, quantity: Decimal, before: Option<Decimal>) {
        self.families += 1;
        self.revenue += price * quantity;
        self.sum += price;
        *self.prices.entry(price.normalize()).or_default() += 1;
        if let Some(before) = before {
            self.compared += 1;
            self.revenue_before += before * quantity;
            let change = (price - before).normalize();
            match change.cmp(&Decimal::ZERO) {
                std::cmp::Ordering::Greater => self.more += 1,
                std::cmp::Ordering::Less => self.less += 1,
                std::cmp::Ordering::Equal => self.same += 1,
            }
            *self.changes.entry(change).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Tally) {
        self.families += other.families;
        self.revenue += other.revenue;
        self.sum += other.sum;
        for (price, n) in other.prices {
            *self.prices.entry(price).or_default() += n;
        }
        self.compared += other.compared;
        self.revenue_before += other.revenue_before;
        self.more += other.more;
        self.less += other.less;
        self.same += other.same;
        for (change, n) in other.changes {
            *self.changes.entry(change).or_default() += n;
        }
    }

    /// The mean price, to the cent (half away from zero).
    pub fn mean(&self) -> Option<Decimal> {
        (self.families > 0).then(|| {
            (self.sum / Decimal::from(self.families))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
    }

    /// The median price: the price of the family in the middle (of the two in the
    /// middle, the lower), a price some family really pays.
    pub fn median(&self) -> Option<Decimal> {
        lower_median(&self.prices, self.families)
    }

    /// The mean change, to the cent.
    pub fn mean_change(&self) -> Option<Decimal> {
        (self.compared > 0).then(|| {
            let total: Decimal = self
                .changes
                .iter()
                .map(|(c, n)| *c * Decimal::from(*n))
                .sum();
            (total / Decimal::from(self.compared))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
    }

    pub fn median_change(&self) -> Option<Decimal> {
        lower_median(&self.changes, self.compared)
    }

    /// The largest increase (`None` when no family pays more).
    pub fn largest_increase(&self) -> Option<Decimal> {
        self.changes
            .keys()
            .next_back()
            .copied()
            .filter(|c| *c > Decimal::ZERO)
    }
}

fn lower_median(counts: &BTreeMap<Decimal, u64>, total: u64) -> Option<Decimal> {
    if total == 0 {
        return None;
    }
    let middle = (total - 1) / 2;
    let mut seen = 0;
    for (value, n) in counts {
        seen += n;
        if seen > middle {
            return Some(*value);
        }
    }
    None
}

/// One of the largest increases: the family's line and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Increase {
    pub change: Decimal,
    pub line: usize,
    pub id: Option<String>,
    pub before: Decimal,
    pub after: Decimal,
}

/// A tariff's figures.
#[derive(Debug, Clone, Default)]
pub struct TariffSimulation {
    pub all: Tally,
    /// Families whose price could not be computed by the new grid.
    pub errors: u64,
    /// With `--avant`: families priced by the new grid and not by the old one.
    pub errors_before: u64,
    pub tranches: BTreeMap<Tranche, Tally>,
    /// The largest increases, largest first (then by line).
    pub largest: Vec<Increase>,
}

/// What a family brings to one tariff.
pub struct Priced<'a> {
    pub tariff: usize,
    pub price: Option<Decimal>,
    /// `Some` with `--avant`: the old price, `None` inside when the old grid failed.
    pub before: Option<Option<Decimal>>,
    pub quantity: Decimal,
    pub tranche: Tranche,
    pub line: usize,
    pub id: Option<&'a str>,
}

/// The figures of every tariff, for a part of the population or all of it.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub tariffs: Vec<TariffSimulation>,
    /// Lines that could not be read as families (counted in every tariff's errors).
    pub unreadable: u64,
    /// Lines with at least one error (unreadable, a wrong field, a tariff not priced).
    pub failed_lines: u64,
    /// The first [`FAILURES_SHOWN`] errors in the order of the file.
    pub failures: Vec<FailedLine>,
    pub compare: bool,
}

impl Simulation {
    pub fn new(tariffs: usize, compare: bool) -> Simulation {
        Simulation {
            tariffs: vec![TariffSimulation::default(); tariffs],
            unreadable: 0,
            failed_lines: 0,
            failures: Vec::new(),
            compare,
        }
    }

    /// Keeps `failure` if it is among the first [`FAILURES_SHOWN`] of the file.
    pub fn record(&mut self, failure: FailedLine) {
        let key = failure.order();
        let position = self.failures.partition_point(|f| f.order() <= key);
        if position < FAILURES_SHOWN {
            self.failures.insert(position, failure);
            self.failures.truncate(FAILURES_SHOWN);
        }
    }

    /// A family that could not be priced at all (unreadable line, wrong field).
    pub fn failed(&mut self) {
        for t in &mut self.tariffs {
            t.errors += 1;
        }
    }

    pub fn add(&mut self, p: Priced<'_>) {
        let Some(t) = self.tariffs.get_mut(p.tariff) else {
            return;
        };
        let Some(price) = p.price else {
            t.errors += 1;
            return;
        };
        let before = match p.before {
            Some(None) => {
                t.errors_before += 1;
                None
            }
            Some(Some(before)) => Some(before),
            None => None,
        };
        t.all.add(price, p.quantity, before);
        t.tranches
            .entry(p.tranche)
            .or_default()
            .add(price, p.quantity, before);
        if let Some(before) = before
            && price > before
        {
            let increase = Increase {
                change: (price - before).normalize(),
                line: p.line,
                id: p.id.map(str::to_string),
                before,
                after: price,
            };
            keep_largest(&mut t.largest, increase);
        }
    }

    pub fn merge(&mut self, other: Simulation) {
        self.unreadable += other.unreadable;
        self.failed_lines += other.failed_lines;
        for failure in other.failures {
            self.record(failure);
        }
        for (mine, theirs) in self.tariffs.iter_mut().zip(other.tariffs) {
            mine.all.merge(theirs.all);
            mine.errors += theirs.errors;
            mine.errors_before += theirs.errors_before;
            for (tranche, tally) in theirs.tranches {
                mine.tranches.entry(tranche).or_default().merge(tally);
            }
            for increase in theirs.largest {
                keep_largest(&mut mine.largest, increase);
            }
        }
    }
}

/// Keeps the [`LARGEST`] largest increases, largest first, the earlier line first.
fn keep_largest(largest: &mut Vec<Increase>, increase: Increase) {
    let position = largest.partition_point(|k| {
        k.change > increase.change || (k.change == increase.change && k.line < increase.line)
    });
    if position < LARGEST {
        largest.insert(position, increase);
        largest.truncate(LARGEST);
    }
}

/// The row of the tariff's grid the justification went through: the grid of the
/// tariff's base when it is one, else the first grid of the tariff's article.
pub fn tranche_of(d: &Deliberation, tariff: usize, steps: &[Step]) -> Tranche {
    let t = d.tariffs.get(tariff)?;
    let base_table = match d.definitions.get(t.base.0 as usize).map(|b| &b.body) {
        Some(Body::Table { table, .. }) => Some(*table),
        _ => None,
    };
    let in_article = |table: TableId| {
        d.tables
            .get(table.0 as usize)
            .is_some_and(|x| x.article == t.article)
    };
    let rows = steps.iter().filter_map(|s| match s {
        Step::Row {
            table, row, column, ..
        } => Some((*table, *row, *column)),
        _ => None,
    });
    let chosen = match base_table {
        Some(base) => rows.clone().find(|(table, ..)| *table == base),
        None => rows.clone().find(|(table, ..)| in_article(*table)),
    };
    chosen.map(|(table, row, column)| (table.0, row as u32, column.map(|c| c as u32)))
}

/// The tranche as written in the deliberation: `de 601 à 800 €` (and the column).
pub fn tranche_label(d: &Deliberation, tranche: Tranche) -> String {
    let Some((table, row, column)) = tranche else {
        return "sans grille".to_string();
    };
    let t = d.tables.get(table as usize);
    let row_text = t
        .and_then(|t| t.rows.get(row as usize))
        .map_or("?", |r| r.written.as_str());
    let column = column.and_then(|c| t?.column_headers.get(c as usize));
    let mut label = row_text.to_string();
    if let Some(column) = column {
        label.push_str(&format!(" × {column}"));
    }
    label
}

/// The line of the deliberation where a tranche is written.
pub fn tranche_line(d: &Deliberation, tranche: Tranche) -> Option<usize> {
    let (table, row, _) = tranche?;
    Some(d.tables.get(table as usize)?.rows.get(row as usize)?.line)
}

/// The date at which the old grid prices a family: the family's date brought into the
/// old grid's period (its last day, for a grid that has ended).
fn within(d: &Deliberation, date: chrono::NaiveDate) -> chrono::NaiveDate {
    let meta = &d.meta;
    let date = date.max(meta.applicable_from);
    meta.applicable_to.map_or(date, |to| date.min(to))
}

/// A grid, and the one it replaces, for a population read as `tarif batch` reads it.
pub struct Simulator<'a> {
    pub document: &'a crate::document::Document,
    pub input: &'a crate::batch::Input,
    /// With `--avant`: the old grid, how the lines read for it, and the index of each
    /// tariff's namesake in it.
    pub before: Option<Before<'a>>,
    pub tariffs: &'a [usize],
    pub quantity: Option<&'a str>,
    pub default_date: chrono::NaiveDate,
}

pub struct Before<'a> {
    pub document: &'a crate::document::Document,
    pub input: &'a crate::batch::Input,
    /// By tariff of the new grid: the same name's index in the old one.
    pub tariffs: Vec<Option<usize>>,
}

/// What a worker needs, reused from line to line.
pub struct Worker<'p> {
    session: crate::eval::Session<'p>,
    before: Option<crate::eval::Session<'p>>,
    justification: crate::eval::trace::Justification,
}

impl<'p> Worker<'p> {
    pub fn new(plan: &'p crate::eval::Plan<'p>, before: Option<&'p crate::eval::Plan<'p>>) -> Self {
        Worker {
            session: crate::eval::Session::on(plan),
            before: before.map(crate::eval::Session::on),
            justification: crate::eval::trace::Justification::default(),
        }
    }
}

impl Simulator<'_> {
    /// Adds line number `line` (its text, or why it cannot be read) to `simulation`.
    pub fn line(
        &self,
        worker: &mut Worker<'_>,
        simulation: &mut Simulation,
        line: usize,
        text: Result<&str, crate::batch::LineError>,
    ) {
        let d = &self.document.deliberation;
        let read =
            text.and_then(|text| crate::batch::family(d, self.input, text).map(|r| (r, text)));
        let (mut read, text) = match read {
            Ok(read) => read,
            Err(error) => {
                simulation.unreadable += 1;
                simulation.failed_lines += 1;
                simulation.record(FailedLine {
                    line,
                    id: None,
                    failure: Failure::Line(error),
                });
                simulation.failed();
                return;
            }
        };
        let date = read.family.date.unwrap_or(self.default_date);
        read.at_date(d, date);
        let quantity = match self.quantity {
            None => Ok(Decimal::ONE),
            Some(name) => match crate::batch::column(self.input, text, name) {
                None => Ok(Decimal::ONE),
                Some(value) => crate::inputs::parse_decimal(&value)
                    .filter(|q| *q >= Decimal::ZERO)
                    .ok_or(value),
            },
        };
        let failure = match (read.errors.first(), quantity) {
            (Some(error), _) => Err(Failure::Family(error.clone())),
            (None, Err(written)) => Err(Failure::Quantity(written)),
            (None, Ok(quantity)) => Ok(quantity),
        };
        let quantity = match failure {
            Ok(quantity) => quantity,
            Err(failure) => {
                simulation.failed_lines += 1;
                simulation.record(FailedLine {
                    line,
                    id: read.family.id.clone(),
                    failure,
                });
                simulation.failed();
                return;
            }
        };
        let before = self.before.as_ref().map(|b| {
            let bd = &b.document.deliberation;
            let mut old = crate::batch::family(bd, b.input, text).ok();
            if let Some(old) = &mut old {
                old.at_date(bd, within(bd, date));
            }
            old.filter(|o| o.errors.is_empty())
        });
        let id = read.family.id.as_deref();
        if !read.family.children().is_empty() {
            self.children(
                worker,
                simulation,
                &read,
                before.as_ref(),
                date,
                quantity,
                line,
            );
            return;
        }
        let mut failed = false;
        for &tariff in self.tariffs {
            let price = match worker.session.justify_into(
                &read.family,
                date,
                tariff,
                &mut worker.justification,
            ) {
                Ok(price) => Some(price),
                Err(error) => {
                    failed = true;
                    simulation.record(FailedLine {
                        line,
                        id: id.map(str::to_string),
                        failure: Failure::Tariff { tariff, error },
                    });
                    None
                }
            };
            let tranche = tranche_of(d, tariff, &worker.justification.steps);
            let old = before.as_ref().map(|old| {
                let old_tariff = self
                    .before
                    .as_ref()?
                    .tariffs
                    .get(tariff)
                    .copied()
                    .flatten()?;
                let (old, session) = (old.as_ref()?, worker.before.as_mut()?);
                let old_date = within(&self.before.as_ref()?.document.deliberation, date);
                session.price(&old.family, old_date, old_tariff).ok()
            });
            simulation.add(Priced {
                tariff,
                price,
                before: old,
                quantity,
                tranche,
                line,
                id,
            });
        }
        simulation.failed_lines += u64::from(failed);
    }

    /// A family given with its children: each child's price is one price of the
    /// tariff (its tranche the child's), compared with the same child's old price.
    #[allow(clippy::too_many_arguments)]
    fn children(
        &self,
        worker: &mut Worker<'_>,
        simulation: &mut Simulation,
        read: &crate::inputs::FamilyRead,
        before: Option<&Option<crate::inputs::FamilyRead>>,
        date: chrono::NaiveDate,
        quantity: Decimal,
        line: usize,
    ) {
        let d = &self.document.deliberation;
        let children = crate::eval::price_children_with(
            &mut worker.session,
            &read.family,
            date,
            self.tariffs,
            true,
        );
        let old_children = match (before, &self.before, worker.before.as_mut()) {
            (Some(Some(old)), Some(b), Some(session)) => {
                let old_tariffs: Vec<usize> = b.tariffs.iter().filter_map(|t| *t).collect();
                let old_date = within(&b.document.deliberation, date);
                Some(crate::eval::price_children_with(
                    session,
                    &old.family,
                    old_date,
                    &old_tariffs,
                    false,
                ))
            }
            _ => None,
        };
        let mut failed = false;
        for child in &children {
            let id = read
                .family
                .children()
                .get(child.child)
                .and_then(|c| c.id.as_deref())
                .or(read.family.id.as_deref());
            for p in &child.priced {
                let steps = p.justification.as_ref().map_or(&[][..], |j| &j.steps[..]);
                let old = self.before.as_ref().map(|b| {
                    let old_tariff = b.tariffs.get(p.tariff).copied().flatten()?;
                    let old_child = old_children
                        .as_ref()?
                        .iter()
                        .find(|c| c.child == child.child)?;
                    let old_price = old_child.priced.iter().find(|o| o.tariff == old_tariff)?;
                    old_price.result.as_ref().ok().copied()
                });
                if let Err(error) = &p.result {
                    failed = true;
                    simulation.record(FailedLine {
                        line,
                        id: id.map(str::to_string),
                        failure: Failure::Tariff {
                            tariff: p.tariff,
                            error: error.clone(),
                        },
                    });
                }
                simulation.add(Priced {
                    tariff: p.tariff,
                    price: p.result.as_ref().ok().copied(),
                    before: old,
                    quantity,
                    tranche: tranche_of(d, p.tariff, steps),
                    line,
                    id,
                });
            }
        }
        simulation.failed_lines += u64::from(failed);
    }
}
