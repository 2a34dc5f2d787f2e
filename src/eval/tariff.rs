//! A tariff: its base value, then each modifier in file order, `la plus favorable de`,
//! floors and ceilings, roundings, and the final checks (known, not below 0 €, cents).

use rust_decimal::Decimal;

use super::error::EvalErrorKind;
use super::expr::{Evaluator, Result, Site};
use super::number;
use super::trace::{Action, ModifierStep, Step, Tracer};
use crate::rules::{Modifier, ModifierKind, Step as RuleStep, Value};

/// What a modifier gives for the running value.
enum Outcome {
    /// The condition is false: the value is unchanged.
    Skipped,
    /// The new value, and whether later modifiers still apply (not after an exemption).
    Applied {
        after: Decimal,
        action: Action,
        last: bool,
    },
}

impl<T: Tracer> Evaluator<'_, T> {
    /// The price of tariff number `t`.
    pub(super) fn tariff(&mut self, t: usize) -> Result<Decimal> {
        let d = self.d;
        let Some(tariff) = d.tariffs.get(t) else {
            return Err(self.error(
                EvalErrorKind::NoTariff { index: t },
                Site {
                    article: None,
                    line: 0,
                },
            ));
        };
        let site = Site {
            article: Some(tariff.article),
            line: tariff.line,
        };
        let base_definition = d.definitions.get(tariff.base.0 as usize);
        let base_site = base_definition.map_or(site, |b| Site {
            article: Some(b.article),
            line: b.line,
        });
        let base = match self.definition(tariff.base)? {
            Some(Value::Number(n)) => n,
            _ => {
                let missing = self.missing_in_definition(tariff.base);
                let kind = EvalErrorKind::Unknown {
                    tariff: tariff.name.clone(),
                    missing,
                };
                return Err(self.error(kind, base_site));
            }
        };
        if T::ON {
            self.tracer.step(|| Step::Base {
                amount: base,
                article: base_site.article.unwrap_or(tariff.article),
                line: base_site.line,
            });
        }
        let mut value = base;
        let mut went_negative: Option<Site> = None;
        for step in &tariff.steps {
            let (after, last, step_site) = match step {
                RuleStep::Modifier(m) => {
                    let msite = modifier_site(m);
                    let outcome = self.modifier(m, value, base)?;
                    let (after, last) = match &outcome {
                        Outcome::Skipped => (value, false),
                        Outcome::Applied { after, last, .. } => (*after, *last),
                    };
                    if T::ON {
                        let before = value;
                        self.tracer
                            .step(|| Step::Modifier(modifier_step(m, &outcome, before)));
                    }
                    (after, last, msite)
                }
                RuleStep::MostFavourable {
                    options,
                    article,
                    line,
                } => {
                    let group_site = Site {
                        article: Some(*article),
                        line: *line,
                    };
                    let (after, last, chosen, outcomes) =
                        self.most_favourable(options, value, base)?;
                    if T::ON {
                        let before = value;
                        let steps = options
                            .iter()
                            .zip(&outcomes)
                            .map(|(m, o)| modifier_step(m, o, before))
                            .collect();
                        self.tracer.step(|| Step::MostFavourable {
                            options: steps,
                            chosen,
                            before,
                            after,
                            article: *article,
                            line: *line,
                        });
                    }
                    (after, last, group_site)
                }
            };
            if below_zero(after) && !below_zero(value) {
                went_negative = Some(step_site);
            }
            value = after;
            if last {
                break;
            }
        }
        if below_zero(value) {
            let at = went_negative.unwrap_or(site);
            return Err(self.error(EvalErrorKind::Negative { amount: value }, at));
        }
        let rounded = number::to_cent(value);
        if rounded != value {
            if T::ON {
                self.tracer.step(|| Step::ImplicitRounding {
                    before: value,
                    after: rounded,
                });
            }
            value = rounded;
        }
        Ok(value)
    }

    /// The most favourable (lowest) result among the options whose condition holds.
    fn most_favourable(
        &mut self,
        options: &[Modifier],
        value: Decimal,
        base: Decimal,
    ) -> Result<(Decimal, bool, Option<usize>, Vec<Outcome>)> {
        let mut outcomes = Vec::with_capacity(if T::ON { options.len() } else { 0 });
        let mut best: Option<(usize, Decimal, bool)> = None;
        for (i, option) in options.iter().enumerate() {
            let outcome = self.modifier(option, value, base)?;
            if let Outcome::Applied { after, last, .. } = outcome
                && best.is_none_or(|(_, b, _)| after < b)
            {
                best = Some((i, after, last));
            }
            if T::ON {
                outcomes.push(outcome);
            }
        }
        Ok(match best {
            Some((i, after, last)) => (after, last, Some(i), outcomes),
            None => (value, false, None, outcomes),
        })
    }

    /// One modifier applied to the running `value`.
    fn modifier(&mut self, m: &Modifier, value: Decimal, base: Decimal) -> Result<Outcome> {
        let site = modifier_site(m);
        if let Some(condition) = &m.condition {
            match self.expr(condition, site)? {
                Some(Value::Bool(true)) => {}
                Some(Value::Bool(false)) => return Ok(Outcome::Skipped),
                _ => return Err(self.undecidable(condition, site)),
            }
        }
        let amount = |this: &mut Self, e: &crate::rules::Expr| -> Result<Decimal> {
            match this.expr(e, site)? {
                Some(Value::Number(n)) => Ok(n),
                _ => Err(this.undecidable(e, site)),
            }
        };
        let percent = |this: &Self, rate: Decimal, of: Decimal| {
            this.arith(crate::rules::ArithOp::Mul, of, rate, site)
        };
        let (after, action) = match &m.kind {
            ModifierKind::IncreaseRate { rate, of_base } => {
                let rate = amount(self, rate)?;
                let change = percent(self, rate, if *of_base { base } else { value })?;
                (
                    self.arith(crate::rules::ArithOp::Add, value, change, site)?,
                    Action::IncreaseRate {
                        rate,
                        of_base: *of_base,
                    },
                )
            }
            ModifierKind::DecreaseRate { rate, of_base } => {
                let rate = amount(self, rate)?;
                let change = percent(self, rate, if *of_base { base } else { value })?;
                (
                    self.arith(crate::rules::ArithOp::Sub, value, change, site)?,
                    Action::DecreaseRate {
                        rate,
                        of_base: *of_base,
                    },
                )
            }
            ModifierKind::IncreaseAmount(e) => {
                let a = amount(self, e)?;
                (
                    self.arith(crate::rules::ArithOp::Add, value, a, site)?,
                    Action::IncreaseAmount(a),
                )
            }
            ModifierKind::DecreaseAmount(e) => {
                let a = amount(self, e)?;
                (
                    self.arith(crate::rules::ArithOp::Sub, value, a, site)?,
                    Action::DecreaseAmount(a),
                )
            }
            ModifierKind::Multiply(e) => {
                let f = amount(self, e)?;
                (
                    self.arith(crate::rules::ArithOp::Mul, value, f, site)?,
                    Action::Multiply(f),
                )
            }
            ModifierKind::Replace(e) => {
                let a = amount(self, e)?;
                (a, Action::Replace(a))
            }
            ModifierKind::Exemption => {
                return Ok(Outcome::Applied {
                    after: Decimal::ZERO,
                    action: Action::Exemption,
                    last: true,
                });
            }
            ModifierKind::Floor(e) => {
                let a = amount(self, e)?;
                (value.max(a), Action::Floor(a))
            }
            ModifierKind::Ceiling(e) => {
                let a = amount(self, e)?;
                (value.min(a), Action::Ceiling(a))
            }
            ModifierKind::Round(mode) => {
                let rounded = number::round(value, *mode)
                    .ok_or_else(|| self.error(EvalErrorKind::Overflow, site))?;
                (rounded, Action::Round(*mode))
            }
        };
        Ok(Outcome::Applied {
            after,
            action,
            last: false,
        })
    }
}

/// Whether an amount is below 0 € (read from its sign, without a comparison).
fn below_zero(value: Decimal) -> bool {
    value.is_sign_negative() && !value.is_zero()
}

fn modifier_site(m: &Modifier) -> Site {
    Site {
        article: Some(m.article),
        line: m.line,
    }
}

/// The justification step of a modifier.
fn modifier_step(m: &Modifier, outcome: &Outcome, before: Decimal) -> ModifierStep {
    let (action, applied, after) = match outcome {
        Outcome::Skipped => (skipped_action(m), false, before),
        Outcome::Applied { after, action, .. } => (action.clone(), true, *after),
    };
    ModifierStep {
        action,
        label: m.label.clone(),
        condition: m.condition.as_ref().map(|_| applied),
        applied,
        before,
        after,
        article: m.article,
        line: m.line,
    }
}

/// What a modifier that did not apply would have done, as far as the rule says it
/// without evaluating its amount.
fn skipped_action(m: &Modifier) -> Action {
    let constant = |e: &crate::rules::Expr| match e.kind {
        crate::rules::ExprKind::Const(Value::Number(n)) => n,
        _ => Decimal::ZERO,
    };
    match &m.kind {
        ModifierKind::IncreaseRate { rate, of_base } => Action::IncreaseRate {
            rate: constant(rate),
            of_base: *of_base,
        },
        ModifierKind::DecreaseRate { rate, of_base } => Action::DecreaseRate {
            rate: constant(rate),
            of_base: *of_base,
        },
        ModifierKind::IncreaseAmount(e) => Action::IncreaseAmount(constant(e)),
        ModifierKind::DecreaseAmount(e) => Action::DecreaseAmount(constant(e)),
        ModifierKind::Multiply(e) => Action::Multiply(constant(e)),
        ModifierKind::Replace(e) => Action::Replace(constant(e)),
        ModifierKind::Exemption => Action::Exemption,
        ModifierKind::Floor(e) => Action::Floor(constant(e)),
        ModifierKind::Ceiling(e) => Action::Ceiling(constant(e)),
        ModifierKind::Round(mode) => Action::Round(*mode),
    }
}
