//! The size of the family: `inscrits = nombre d'enfants [si …]` gives a value the rules
//! read (an input, like `rang`), and a tariff charged `par famille` is priced once for
//! the family: it must not read what differs from child to child.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::Checker;
use super::error::{CheckError, CheckErrorKind, TyExpected};
use super::facts::{Facts, Grain, Range, Ty};
use crate::rules::{self, Deliberation, InputId, Scope, Value};

impl Checker<'_> {
    /// The inputs the counts give: whole numbers, never unknown; 1 for a family priced
    /// without its list of children (it is one child), unless the portal gives it.
    pub(super) fn count_inputs(&mut self) {
        for &(count, _, _) in &self.symbols.counts {
            let low = if count.condition.is_some() {
                Decimal::ZERO
            } else {
                Decimal::ONE
            };
            self.input_facts.push(Facts {
                ty: Ty::Number,
                grain: Grain::WHOLE,
                range: Range {
                    low: Some(low),
                    high: None,
                },
                unknown: BTreeSet::new(),
            });
            self.inputs.push(rules::Input {
                name: count.name.text.clone(),
                ty: rules::ValueType::Number,
                whole: true,
                certified: None,
                default: Some(Value::Number(Decimal::ONE)),
                low: None,
                high: None,
                required: false,
                places: None,
                label: Some(
                    count
                        .label
                        .as_ref()
                        .map_or("nombre d'enfants de la famille", |t| t.text.as_str())
                        .to_string(),
                ),
                line: self.lines.line(count.span.start),
                scope: Scope::Family,
            });
        }
    }

    /// Each count checked: its condition is a condition.
    pub(super) fn counts(&mut self) -> Vec<rules::ChildCount> {
        let counts = self.symbols.counts.clone();
        counts
            .into_iter()
            .map(|(count, article, input)| {
                let condition = count.condition.as_ref().map(|c| {
                    let (typed, facts) = self.expr(c, &Vec::new());
                    if !matches!(facts.ty, Ty::Bool | Ty::Error) {
                        self.mismatch(TyExpected::Bool, &facts.ty, c.span);
                    }
                    typed
                });
                rules::ChildCount {
                    input,
                    condition,
                    label: count.label.as_ref().map(|t| t.text.clone()),
                    article: Self::article_id(article),
                    line: self.lines.line(count.span.start),
                }
            })
            .collect()
    }

    /// On the assembled rule tree: a count's condition reads no count and no rank (it
    /// is read before either is known), and a tariff charged per family reads no input
    /// of the child (nor its rank): it has one price for the whole family.
    pub(super) fn family_checks(&mut self, d: &Deliberation) {
        let counted: BTreeSet<InputId> = d.counts.iter().map(|c| c.input).collect();
        let rank = d.ranking.as_ref().map(|r| r.rank);
        for count in &d.counts {
            let Some(condition) = &count.condition else {
                continue;
            };
            let read = d.inputs_reached([], vec![condition]);
            if let Some(input) = read
                .iter()
                .find(|i| counted.contains(i) || Some(**i) == rank)
                .and_then(|i| d.inputs.get(i.0 as usize))
            {
                self.errors.push(CheckError {
                    kind: CheckErrorKind::CountReadsCount {
                        name: input.name.clone(),
                    },
                    span: condition.span,
                });
            }
        }
        for (t, tariff) in d.tariffs.iter().enumerate() {
            if !tariff.per_family {
                continue;
            }
            let read = d.inputs_read([t]);
            let child = read
                .iter()
                .filter_map(|i| d.inputs.get(i.0 as usize))
                .find(|i| matches!(i.scope, Scope::Child | Scope::Rank));
            let Some(input) = child else {
                continue;
            };
            let span = self
                .symbols
                .tariffs
                .iter()
                .find(|e| e.decl.name.text == tariff.name)
                .map(|e| e.decl.span)
                .unwrap_or_default();
            self.errors.push(CheckError {
                kind: CheckErrorKind::FamilyTariffReadsChild {
                    tariff: tariff.name.clone(),
                    input: input.name.clone(),
                },
                span,
            });
        }
    }
}
