//! Tariffs and their modifiers: each modifier checked, the tariff's facts followed
//! through them, and the warnings a finance officer needs before the vote: a tariff
//! that can end unknown, that can carry more than two decimals, that can go below 0 €.

use rust_decimal::Decimal;

use super::Checker;
use super::error::{CheckError, CheckErrorKind, TyExpected};
use super::facts::{Facts, Grain, Range, Ty};
use super::names::NameRef;
use crate::rules::{self, DefinitionId, ModifierKind as M, Step};
use crate::syntax::ast::{self, ArticleItem};

impl Checker<'_> {
    /// Checks every tariff with its modifiers, and the modifiers aimed at non-tariffs.
    pub(super) fn tariffs(&mut self) -> Vec<rules::Tariff> {
        let file = self.file;
        for article in &file.articles {
            for item in &article.items {
                let target = match item {
                    ArticleItem::Modifier(m) => &m.target,
                    ArticleItem::BestOf(b) => &b.target,
                    _ => continue,
                };
                let is_tariff = self.symbols.is_tariff(&target.text);
                if is_tariff || self.broken.contains(target.text.as_str()) {
                    continue;
                }
                let kind = if self.symbols.names.contains_key(target.text.as_str()) {
                    CheckErrorKind::ModifierOnNonTariff {
                        name: target.text.clone(),
                    }
                } else {
                    CheckErrorKind::UnknownName {
                        name: target.text.clone(),
                        suggestion: super::names::closest(
                            &target.text,
                            self.symbols
                                .tariffs
                                .iter()
                                .map(|t| t.decl.name.text.as_str()),
                        ),
                    }
                };
                self.errors.push(CheckError {
                    kind,
                    span: target.span,
                });
            }
        }
        let entries = self.symbols.tariffs.clone();
        entries
            .iter()
            .filter_map(|t| self.tariff(t.decl, t.article))
            .collect()
    }

    fn tariff(&mut self, decl: &ast::TariffDecl, article: usize) -> Option<rules::Tariff> {
        let name = decl.name.text.as_str();
        let Some(NameRef::Definition(base)) = self.symbols.names.get(name).copied() else {
            return None;
        };
        let base_facts = self.definition_facts.get(base).cloned().flatten()?;
        if !matches!(base_facts.ty, Ty::Amount | Ty::Error) {
            let span = self
                .symbols
                .definitions
                .get(base)
                .map_or(decl.span, |d| d.name.span);
            self.mismatch(TyExpected::Amount, &base_facts.ty, span);
        }
        let mut running = base_facts.clone();
        let mut steps = Vec::new();
        let mut rounded_at_end = false;
        let mut negative_at = Vec::new();
        let lines = self.symbols.modifiers_of(name).to_vec();
        {
            for (a, item) in lines {
                let step = match item {
                    ArticleItem::Modifier(m) => {
                        let (modifier, facts, negative) =
                            self.modifier(&m.modifier, a, &running, &base_facts);
                        rounded_at_end =
                            matches!(modifier.kind, M::Round(_)) && modifier.condition.is_none();
                        // A price below 0 € is caught by a later unconditional floor.
                        if matches!(modifier.kind, M::Floor(_)) && modifier.condition.is_none() {
                            negative_at.clear();
                        }
                        if negative {
                            negative_at.push(m.modifier.span);
                        }
                        running = facts;
                        Step::Modifier(modifier)
                    }
                    ArticleItem::BestOf(b) => {
                        let mut options = Vec::new();
                        let mut facts = running.clone();
                        for option in &b.options {
                            let (modifier, after, negative) =
                                self.modifier(option, a, &running, &base_facts);
                            if negative {
                                negative_at.push(option.span);
                            }
                            facts = facts.either(&after);
                            options.push(modifier);
                        }
                        rounded_at_end = false;
                        running = facts;
                        Step::MostFavourable {
                            options,
                            article: Self::article_id(a),
                            line: self.line(b.span),
                        }
                    }
                    _ => continue,
                };
                steps.push(step);
            }
        }
        if !running.grain.is_multiple_of(Decimal::new(1, 2))
            && !rounded_at_end
            && running.ty != Ty::Error
        {
            self.errors.push(CheckError {
                kind: CheckErrorKind::MissingRounding {
                    tariff: name.to_string(),
                },
                span: decl.span,
            });
        }
        for span in negative_at {
            self.errors.push(CheckError {
                kind: CheckErrorKind::MayGoNegative {
                    tariff: name.to_string(),
                },
                span,
            });
        }
        if !running.unknown.is_empty() {
            let inputs = running
                .unknown
                .iter()
                .filter_map(|id| self.inputs.get(id.0 as usize))
                .map(|i| i.name.clone())
                .collect();
            self.errors.push(CheckError {
                kind: CheckErrorKind::MayBeUnknown {
                    tariff: name.to_string(),
                    inputs,
                },
                span: decl.span,
            });
        }
        Some(rules::Tariff {
            name: name.to_string(),
            unit: decl.unit.clone(),
            per_family: unit_is_per_family(&decl.unit),
            label: decl.label.as_ref().map(|t| t.text.clone()),
            base: DefinitionId(u32::try_from(base).unwrap_or(u32::MAX)),
            steps,
            article: Self::article_id(article),
            line: self.line(decl.span),
        })
    }

    /// Checks one modifier; gives its rule and the facts of the running value after it.
    fn modifier(
        &mut self,
        modifier: &ast::Modifier,
        article: usize,
        before: &Facts,
        base: &Facts,
    ) -> (rules::Modifier, Facts, bool) {
        let (condition, condition_facts) = match &modifier.condition {
            Some(c) => {
                let (e, f) = self.boolean(c, &Vec::new());
                (Some(e), Some(f))
            }
            None => (None, None),
        };
        let none = Vec::new();
        let (kind, mut after) = match &modifier.kind {
            ast::ModifierKind::Increase { amount, of_base }
            | ast::ModifierKind::Decrease { amount, of_base } => {
                let increase = matches!(modifier.kind, ast::ModifierKind::Increase { .. });
                let (e, f) = self.numeric(amount, &none);
                let reference = if *of_base { base } else { before };
                match f.ty {
                    Ty::Rate | Ty::Error => {
                        let change = Facts {
                            ty: Ty::Amount,
                            grain: reference.grain.times(f.grain),
                            range: reference.range.mul(f.range),
                            unknown: f.unknown.clone(),
                        };
                        let mut after = shift(before, &change, increase);
                        if !of_base {
                            // x × (1 ± p): the two sides move together.
                            let one = Range::point(Decimal::ONE);
                            let factor = if increase {
                                one.add(f.range)
                            } else {
                                one.sub(f.range)
                            };
                            after.range = before.range.mul(factor);
                        }
                        let kind = if increase {
                            M::IncreaseRate {
                                rate: e,
                                of_base: *of_base,
                            }
                        } else {
                            M::DecreaseRate {
                                rate: e,
                                of_base: *of_base,
                            }
                        };
                        (kind, after)
                    }
                    Ty::Amount if !of_base => {
                        let kind = if increase {
                            M::IncreaseAmount(e)
                        } else {
                            M::DecreaseAmount(e)
                        };
                        (kind, shift(before, &f, increase))
                    }
                    _ => {
                        self.mismatch(TyExpected::AmountOrRate, &f.ty, amount.span);
                        (M::Exemption, Facts::error())
                    }
                }
            }
            ast::ModifierKind::Multiply(factor) => {
                let (e, f) = self.numeric(factor, &none);
                if matches!(f.ty, Ty::Amount) {
                    self.mismatch(TyExpected::Number, &f.ty, factor.span);
                }
                let facts = Facts {
                    ty: Ty::Amount,
                    grain: before.grain.times(f.grain),
                    range: before.range.mul(f.range),
                    unknown: union(before, &f),
                };
                (M::Multiply(e), facts)
            }
            ast::ModifierKind::Replace(value)
            | ast::ModifierKind::Floor(value)
            | ast::ModifierKind::Ceiling(value) => {
                let (e, f) = self.numeric(value, &none);
                if !matches!(f.ty, Ty::Amount | Ty::Error) {
                    self.mismatch(TyExpected::Amount, &f.ty, value.span);
                }
                let mut facts = Facts {
                    unknown: union(before, &f),
                    ..f.clone()
                };
                let kind = match &modifier.kind {
                    ast::ModifierKind::Replace(_) => M::Replace(e),
                    ast::ModifierKind::Floor(_) => {
                        facts = before.clone().either(&f);
                        facts.range = before.range.max(f.range);
                        M::Floor(e)
                    }
                    _ => {
                        facts = before.clone().either(&f);
                        facts.range = before.range.min(f.range);
                        M::Ceiling(e)
                    }
                };
                (kind, facts)
            }
            ast::ModifierKind::Exemption => {
                (M::Exemption, Facts::constant(Ty::Amount, Decimal::ZERO))
            }
            ast::ModifierKind::Round(mode) => {
                let facts = Facts {
                    grain: Grain::of(mode.step()),
                    range: before.range.widened(mode.step()),
                    ..before.clone()
                };
                (M::Round(*mode), facts)
            }
        };
        if let Some(c) = condition_facts {
            after = before.clone().either(&after);
            after.unknown.extend(c.unknown);
        }
        let may_go_negative = after.range.low.is_none_or(|l| l < Decimal::ZERO)
            && before.range.is_non_negative()
            && !matches!(modifier.kind, ast::ModifierKind::Floor(_));
        if may_go_negative {
            after.range = Range {
                low: Some(Decimal::ZERO),
                ..after.range
            };
        }
        let rule = rules::Modifier {
            kind,
            condition,
            reads_rank: self.modifier_reads_rank(modifier),
            label: modifier.label.as_ref().map(|t| t.text.clone()),
            article: Self::article_id(article),
            line: self.line(modifier.span),
        };
        (rule, after, may_go_negative)
    }
}

/// The running value plus (or minus) a change.
fn shift(before: &Facts, change: &Facts, increase: bool) -> Facts {
    let range = if increase {
        before.range.add(change.range)
    } else {
        before.range.sub(change.range)
    };
    Facts {
        ty: Ty::Amount,
        grain: before.grain.join(change.grain),
        range,
        unknown: union(before, change),
    }
}

fn union(a: &Facts, b: &Facts) -> std::collections::BTreeSet<rules::InputId> {
    a.unknown.union(&b.unknown).copied().collect()
}

/// Whether a tariff's unit says it is charged once per family: `famille`, `mois et par
/// famille`, `an, par famille` (accents and case aside).
pub fn unit_is_per_family(unit: &str) -> bool {
    let folded = crate::syntax::lines::fold(unit);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words == ["famille"] || words.windows(2).any(|w| w == ["par", "famille"])
}
