//! A tariff: its base value, then each modifier in file order, `la plus favorable de`,
//! floors and ceilings, roundings, and the final checks (known, not below 0 €, cents).

use rust_decimal::Decimal;

use super::error::EvalErrorKind;
use super::expr::{Evaluator, Memo, Result};
use super::number;
use super::plan::{ActionPlan, ModifierPlan, Num, Site, StepPlan, TariffPlan, action};
use super::trace::{Action, ModifierStep, Step, Tracer};
use crate::rules::{ArithOp, DefinitionId};

/// What a modifier gives for the running value.
enum Outcome {
    /// The condition is false: the value is unchanged.
    Skipped,
    /// The new value, and whether later modifiers still apply (not after an exemption).
    Applied {
        after: Decimal,
        amount: Decimal,
        last: bool,
    },
}

impl<'d, T: Tracer> Evaluator<'_, 'd, T> {
    /// The price of tariff number `t`.
    pub(super) fn tariff(&mut self, t: usize) -> Result<Decimal> {
        let plan = self.plan;
        let Some(tariff) = plan.tariffs.get(t) else {
            return Err(self.error(
                EvalErrorKind::NoTariff { index: t },
                Site {
                    article: None,
                    line: 0,
                },
            ));
        };
        if !T::ON
            && !T::BEFORE_RANK
            && let Some(table) = &tariff.table
        {
            match self.tabulated(table) {
                Some(price) => return Ok(price),
                // Evaluated again in full, from a clean memory.
                None => self.forget(),
            }
        }
        let base_site = tariff.base_site;
        let base = match self.definition_number(tariff.base as usize)? {
            Some(n) => n,
            None if let Some((value, start)) = self.replaced(tariff)? => {
                if T::ON {
                    self.tracer.step(|| Step::Base {
                        amount: None,
                        article: base_site.article.unwrap_or(tariff.rule.article),
                        line: base_site.line,
                    });
                }
                return self.steps_from(tariff, value, start);
            }
            None => {
                let missing = self.missing_in_definition(DefinitionId(tariff.base));
                let kind = EvalErrorKind::Unknown {
                    tariff: tariff.rule.name.clone(),
                    missing,
                };
                return Err(self.error(kind, base_site));
            }
        };
        if T::ON {
            self.tracer.step(|| Step::Base {
                amount: Some(base),
                article: base_site.article.unwrap_or(tariff.rule.article),
                line: base_site.line,
            });
        }
        self.steps(tariff, base)
    }

    /// The final price of tariff `t` used in an expression, computed once per
    /// evaluation (its slot in the memo follows the definitions'); unknown when its
    /// base is.
    pub(super) fn final_price(&mut self, t: usize) -> Result<Option<Decimal>> {
        let slot = self.d.definitions.len() + t;
        match self.memo.get(slot) {
            Some(Memo::Number(value)) => return Ok(*value),
            Some(Memo::Pending) => {}
            _ => return Ok(None),
        }
        let plan = self.plan;
        let Some(tariff) = plan.tariffs.get(t) else {
            return Ok(None);
        };
        self.start(slot);
        // Its modifiers' conditions are evaluated, never taken from a table's bits.
        let decided = self.decided.take();
        self.nested += 1;
        let price = match self.definition_number(tariff.base as usize) {
            Ok(Some(base)) => self.steps(tariff, base).map(Some),
            Ok(None) => match self.replaced(tariff) {
                Ok(Some((value, start))) => self.steps_from(tariff, value, start).map(Some),
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            },
            other => other,
        };
        self.nested -= 1;
        self.decided = decided;
        let price = price?;
        self.memo[slot] = Memo::Number(price);
        if T::ON {
            self.tracer.step(|| Step::Tariff {
                tariff: t as u32,
                amount: price,
            });
        }
        Ok(price)
    }

    /// Whether the steps of the tariff being computed belong to the justification
    /// (not those of a tariff whose final price it uses).
    #[inline(always)]
    pub(super) fn traced(&self) -> bool {
        T::ON && self.nested == 0
    }

    /// A base that is unknown (the family gives no quotient) needs no value when a
    /// `remplacé par` or an `exonération` applies to it: the value it gives and the
    /// index of that step, from which the tariff goes on; `None` when none applies.
    fn replaced(&mut self, tariff: &TariffPlan<'d>) -> Result<Option<(Decimal, usize)>> {
        for (i, step) in tariff.steps.iter().enumerate() {
            let StepPlan::One(m) = step else {
                continue;
            };
            let value = match &m.action {
                ActionPlan::Replace(e) => e,
                ActionPlan::Exemption => {
                    if self.holds(m)? {
                        return Ok(Some((Decimal::ZERO, i)));
                    }
                    continue;
                }
                _ => continue,
            };
            if self.holds(m)? {
                return Ok(Some((self.amount(value, m)?, i)));
            }
        }
        Ok(None)
    }

    /// The modifiers of a tariff applied to its base, and the final checks.
    #[inline]
    pub(super) fn steps(&mut self, tariff: &TariffPlan<'d>, base: Decimal) -> Result<Decimal> {
        self.steps_from(tariff, base, 0)
    }

    /// The modifiers of a tariff from step number `start` on, applied to `base`.
    #[inline]
    fn steps_from(
        &mut self,
        tariff: &TariffPlan<'d>,
        base: Decimal,
        start: usize,
    ) -> Result<Decimal> {
        let site = tariff.site;
        let mut value = base;
        let mut went_negative: Option<Site> = None;
        for step in tariff.steps.iter().skip(start) {
            match step {
                StepPlan::One(m) => {
                    if !self.holds(m)? {
                        if self.traced() {
                            let action = self.skipped_action(m);
                            self.tracer.modifier(|| {
                                let mut step = modifier_step(m, &Outcome::Skipped, value);
                                step.action = action;
                                step
                            });
                        }
                        continue;
                    }
                    let (after, amount) = self.apply(m, value, base)?;
                    if below_zero(after) && !below_zero(value) {
                        went_negative = Some(m.site);
                    }
                    let last = matches!(m.action, ActionPlan::Exemption);
                    if self.traced() {
                        let outcome = Outcome::Applied {
                            after,
                            amount,
                            last,
                        };
                        let before = value;
                        self.tracer.modifier(|| modifier_step(m, &outcome, before));
                    }
                    value = after;
                    if last {
                        break;
                    }
                }
                StepPlan::MostFavourable(options, group_site) => {
                    let (after, last, chosen, outcomes) =
                        self.most_favourable(options, value, base)?;
                    if self.traced() {
                        let before = value;
                        let mut steps: Vec<ModifierStep> = options
                            .iter()
                            .zip(&outcomes)
                            .map(|(m, o)| modifier_step(m, o, before))
                            .collect();
                        for (step, m) in steps.iter_mut().zip(options) {
                            if !step.applied {
                                step.action = self.skipped_action(m);
                            }
                        }
                        self.tracer.step(|| Step::MostFavourable {
                            options: steps,
                            chosen,
                            before,
                            after,
                            article: group_site.article.unwrap_or(tariff.rule.article),
                            line: group_site.line,
                        });
                    }
                    if below_zero(after) && !below_zero(value) {
                        went_negative = Some(*group_site);
                    }
                    value = after;
                    if last {
                        break;
                    }
                }
            }
        }
        if below_zero(value) {
            let at = went_negative.unwrap_or(site);
            return Err(self.error(EvalErrorKind::Negative { amount: value }, at));
        }
        if value.scale() > 2 {
            let rounded = number::to_cent(value);
            if self.traced() {
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
        options: &[ModifierPlan<'d>],
        value: Decimal,
        base: Decimal,
    ) -> Result<(Decimal, bool, Option<usize>, Vec<Outcome>)> {
        let mut outcomes = Vec::with_capacity(if self.traced() { options.len() } else { 0 });
        let mut best: Option<(usize, Decimal, bool)> = None;
        for (i, option) in options.iter().enumerate() {
            let outcome = if self.holds(option)? {
                let (after, amount) = self.apply(option, value, base)?;
                Outcome::Applied {
                    after,
                    amount,
                    last: matches!(option.action, ActionPlan::Exemption),
                }
            } else {
                Outcome::Skipped
            };
            if let Outcome::Applied { after, last, .. } = outcome
                && best.is_none_or(|(_, b, _)| after < b)
            {
                best = Some((i, after, last));
            }
            if self.traced() {
                outcomes.push(outcome);
            }
        }
        Ok(match best {
            Some((i, after, last)) => (after, last, Some(i), outcomes),
            None => (value, false, None, outcomes),
        })
    }

    /// What a modifier whose condition is false would have done, its amount evaluated
    /// when it is not a constant (« au moins 76,00 € », not 0 €), for the justification.
    fn skipped_action(&mut self, m: &ModifierPlan<'d>) -> Action {
        let Some(amount) = m.action.amount() else {
            return m.skipped;
        };
        match self.number(amount) {
            Ok(Some(n)) => action(&m.action, n),
            _ => m.skipped,
        }
    }

    /// A number a modifier needs: unknown, it is an error naming the missing inputs.
    fn amount(&mut self, e: &Num<'d>, m: &ModifierPlan<'d>) -> Result<Decimal> {
        match self.number(e)? {
            Some(n) => Ok(n),
            None => {
                let written = m.rule.kind.amount();
                let missing = written.map(|e| self.missing(e)).unwrap_or_default();
                Err(self.error(EvalErrorKind::Undecidable { missing }, m.site))
            }
        }
    }

    /// Whether a modifier's condition holds (a modifier without one always applies).
    #[inline(always)]
    fn holds(&mut self, m: &ModifierPlan<'d>) -> Result<bool> {
        if T::BEFORE_RANK && m.rule.reads_rank {
            return Ok(false);
        }
        let Some(condition) = &m.condition else {
            return Ok(true);
        };
        if let Some(decided) = self.decided {
            return Ok(m.slot.is_some_and(|slot| decided >> slot & 1 == 1));
        }
        match self.code(condition)? {
            1 => Ok(true),
            0 => Ok(false),
            _ => {
                let written = m.rule.condition.as_ref();
                let missing = written.map(|c| self.missing(c)).unwrap_or_default();
                Err(self.error(EvalErrorKind::Undecidable { missing }, m.site))
            }
        }
    }

    /// A modifier whose condition holds, applied to the running `value`: the new
    /// value, and the amount it applied (the rate, the amount, the factor; zero for
    /// an exemption or a rounding). [`action`] tells what was done from it.
    #[inline(always)]
    fn apply(
        &mut self,
        m: &ModifierPlan<'d>,
        value: Decimal,
        base: Decimal,
    ) -> Result<(Decimal, Decimal)> {
        let site = m.site;
        Ok(match &m.action {
            ActionPlan::Factor { factor, rate, .. } => {
                (self.arith(ArithOp::Mul, value, *factor, site)?, *rate)
            }
            ActionPlan::Rate {
                rate,
                of_base,
                increase,
            } => {
                let rate = self.amount(rate, m)?;
                let of = if *of_base { base } else { value };
                let change = self.arith(ArithOp::Mul, of, rate, site)?;
                let op = if *increase {
                    ArithOp::Add
                } else {
                    ArithOp::Sub
                };
                (self.arith(op, value, change, site)?, rate)
            }
            ActionPlan::IncreaseAmount(e) => {
                let a = self.amount(e, m)?;
                (self.arith(ArithOp::Add, value, a, site)?, a)
            }
            ActionPlan::DecreaseAmount(e) => {
                let a = self.amount(e, m)?;
                (self.arith(ArithOp::Sub, value, a, site)?, a)
            }
            ActionPlan::Multiply(e) => {
                let f = self.amount(e, m)?;
                (self.arith(ArithOp::Mul, value, f, site)?, f)
            }
            ActionPlan::Replace(e) => {
                let a = self.amount(e, m)?;
                (a, a)
            }
            ActionPlan::Exemption => (Decimal::ZERO, Decimal::ZERO),
            ActionPlan::Floor(e) => {
                let a = self.amount(e, m)?;
                (value.max(a), a)
            }
            ActionPlan::Ceiling(e) => {
                let a = self.amount(e, m)?;
                (value.min(a), a)
            }
            ActionPlan::Round(mode) => {
                let rounded = number::round(value, *mode)
                    .ok_or_else(|| self.error(EvalErrorKind::Overflow, site))?;
                (rounded, Decimal::ZERO)
            }
        })
    }
}

/// Whether an amount is below 0 € (read from its sign, without a comparison).
fn below_zero(value: Decimal) -> bool {
    value.is_sign_negative() && !value.is_zero()
}

/// The justification step of a modifier.
#[inline(always)]
fn modifier_step(plan: &ModifierPlan<'_>, outcome: &Outcome, before: Decimal) -> ModifierStep {
    let m = plan.rule;
    let (action, applied, after) = match outcome {
        Outcome::Skipped => (plan.skipped, false, before),
        Outcome::Applied { after, amount, .. } => {
            let action = plan
                .applied
                .unwrap_or_else(|| action(&plan.action, *amount));
            (action, true, *after)
        }
    };
    ModifierStep {
        action,
        modifier: plan.at,
        condition: m.condition.as_ref().map(|_| applied),
        applied,
        before,
        after,
        article: m.article,
        line: m.line,
    }
}
