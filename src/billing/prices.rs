//! The unit prices of a family's days, computed once by child, day and tariff and
//! cited, and the cost of a rule from them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Cost, CostTerm};
use crate::eval::Session;
use crate::inputs::FamilyRead;
use crate::report::justification::place;
use crate::rules::Deliberation;

/// A unit price and the words that cite it, or why it cannot be computed.
type UnitPrice = Result<(Decimal, String), String>;

/// The unit prices of the family's children, by child, day and tariff, computed once.
pub(super) struct UnitPrices<'d> {
    d: &'d Deliberation,
    family: &'d FamilyRead,
    session: Session<'d>,
    known: HashMap<(Option<usize>, NaiveDate, usize), UnitPrice>,
    /// The words of each state rule met, by its address.
    pub(super) rule_words: HashMap<usize, String>,
    /// The label of each state rule's lines, by its address.
    pub(super) labels: HashMap<usize, String>,
    /// The start of the words that cite each tariff's price, by tariff.
    tariff_words: HashMap<usize, String>,
    /// Whether each line carries its justification (else only its rule's article
    /// and line).
    pub(super) justify: bool,
}

impl<'d> UnitPrices<'d> {
    pub(super) fn new(plan: &'d crate::eval::Plan<'d>, family: &'d FamilyRead) -> Self {
        UnitPrices {
            d: plan.deliberation(),
            family,
            session: Session::on(plan),
            known: HashMap::new(),
            rule_words: HashMap::new(),
            tariff_words: HashMap::new(),
            labels: HashMap::new(),
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
                let d = self.d;
                // « art. 1 « Prix », ligne 12 : tarif « repas » le », written once.
                let head = self.tariff_words.entry(tariff).or_insert_with(|| {
                    let t = &d.tariffs[tariff];
                    format!(
                        "{} : tarif « {} » le ",
                        place(d, t.article, t.line),
                        t.label.as_deref().unwrap_or(&t.name)
                    )
                });
                let mut words = String::with_capacity(head.len() + 24);
                words.push_str(head);
                words.push_str(&crate::french::date(date));
                words.push_str(" = ");
                words.push_str(&crate::french::price(amount));
                Ok((amount, words))
            }
            Some(Ok(amount)) => Ok((amount, String::new())),
            Some(Err(error)) => Err(crate::report::messages::eval_error(&error).text),
            None => Err("la famille ne peut pas être tarifée".to_string()),
        };
        self.known.insert((child, date, tariff), found.clone());
        found
    }
}

/// The price of a rule's cost for a child on a day, each unit price cited.
pub(super) fn cost(
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
                    let declared = d.inputs.get(input.0 as usize);
                    let name = declared.map_or("", |i| i.name.as_str());
                    let Some(n) = prices.input(child, *input) else {
                        return Err(format!("« {name} » manque : la famille doit le donner"));
                    };
                    // What the family reads: the input's label, when it has one.
                    let words = match declared.and_then(|i| i.label.as_deref()) {
                        Some(label) => format!(
                            "{} : {}",
                            crate::french::capitalised(label),
                            crate::french::number(n)
                        ),
                        None => format!("{name} = {}", crate::french::number(n)),
                    };
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
