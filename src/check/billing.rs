//! The règlements de facturation: each names a tariff, each state a day can reach has
//! one price for every day of the month (no gap, no overlap, as a grid), counts say in
//! what they count, amounts are in euros and changes in percent.

use rust_decimal::Decimal;

use super::Checker;
use super::error::{BillingProblem, CheckError, CheckErrorKind};
use crate::billing::{
    self, Billing, Charge, Count, CountPeriod, DayState, Deadline, Forfait, Late, Limit,
    LineRounding, Overtime, ProofDelay, Smoothing, StateRule, Timing,
};
use crate::span::Span;
use crate::syntax::ast::{self, ArticleItem, BillingRule, Unit};

impl Checker<'_> {
    /// The checked règlements, in file order.
    pub(super) fn billings(&mut self) -> Vec<Billing> {
        let file = self.file;
        let mut found = Vec::new();
        for (a, article) in file.articles.iter().enumerate() {
            for item in &article.items {
                if let ArticleItem::Billing(block) = item {
                    let before = self.errors.len();
                    found.extend(self.billing(block, a));
                    // The other tariffs of the head, by the same rules: their own
                    // problems only (a rule's are said once, for the first).
                    let said: Vec<Span> = self.errors[before..].iter().map(|e| e.span).collect();
                    for other in &block.others {
                        let mut copy = block.clone();
                        copy.service = other.clone();
                        copy.others.clear();
                        let start = self.errors.len();
                        found.extend(self.billing(&copy, a));
                        let new = self.errors.split_off(start);
                        self.errors
                            .extend(new.into_iter().filter(|e| !said.contains(&e.span)));
                    }
                }
            }
        }
        found
    }

    fn problem(&mut self, problem: BillingProblem, span: Span) {
        self.errors.push(CheckError {
            kind: CheckErrorKind::Billing(problem),
            span,
        });
    }

    /// An amount in euros (a bare number is read as euros).
    fn euros(&mut self, q: &ast::Quantity) -> Decimal {
        if q.unit == Unit::Percent {
            self.problem(BillingProblem::AmountInPercent, q.span);
        }
        q.value
    }

    fn billing(&mut self, block: &ast::Billing, a: usize) -> Option<Billing> {
        let article = Self::article_id(a);
        let tariff = match self.symbols.tariff_index(&block.service.text) {
            Some(t) => Some(t),
            None => {
                let names = self
                    .symbols
                    .tariffs
                    .iter()
                    .map(|t| t.decl.name.text.as_str());
                let suggestion = super::closest(&block.service.text, names);
                self.problem(
                    BillingProblem::NotATariff {
                        name: block.service.text.clone(),
                        suggestion,
                    },
                    block.service.span,
                );
                None
            }
        };
        let mut billing = Billing {
            tariff: tariff.unwrap_or(0),
            label: block.label.as_ref().map(|t| t.text.clone()),
            article,
            line: self.line(block.span),
            booking: Vec::new(),
            cancel: Vec::new(),
            proof: None,
            states: Vec::new(),
            limits: Vec::new(),
            charges: Vec::new(),
            rounding: LineRounding::default(),
            timing: None,
            late: Vec::new(),
            overtime: Vec::new(),
            forfait: None,
            smoothing: None,
        };
        // Where each unique rule was first given, to name it when given again.
        let mut firsts: Vec<(&'static str, Span)> = Vec::new();
        let mut once = |checker: &mut Self, what: &'static str, span: Span| -> bool {
            if let Some((_, first)) = firsts.iter().find(|(w, _)| *w == what) {
                checker.problem(
                    BillingProblem::GivenTwice {
                        what,
                        first: *first,
                    },
                    span,
                );
                return false;
            }
            firsts.push((what, span));
            true
        };
        // The `durée` line, and `une présence inférieure à 1 heure est facturée 1 heure`.
        let mut duration_span: Option<Span> = None;
        let mut presence_minimum: Option<(u32, Span)> = None;
        // The states named one by one (not by `absent` or `annulé`), by line.
        let mut explicit: Vec<(usize, DayState)> = Vec::new();
        // The deadlines kept, with their kind and span.
        let mut deadline_spans: Vec<(bool, Span)> = Vec::new();
        // `toute demi-heure entamée est due` alone: the time of presence, unless the
        // facturation bills another time (a late departure, the time beyond the
        // contract), when it could be theirs.
        let mut step_alone: Option<Span> = None;
        // The state rules as written, with their spans, for coverage.
        let mut written: Vec<(StateRule, Span, Option<Span>)> = Vec::new();
        for rule in &block.rules {
            match rule {
                BillingRule::Deadline {
                    booking,
                    both,
                    moment,
                    inclusive,
                    days,
                    span,
                } => {
                    if moment.beyond_reason() {
                        self.problem(BillingProblem::BeyondReason { what: "délai" }, *span);
                    }
                    let kinds: &[bool] = if *both { &[true, false] } else { &[*booking] };
                    for &booking in kinds {
                        let what = if booking {
                            "le délai de réservation"
                        } else {
                            "le délai d'annulation"
                        };
                        let deadline = Deadline {
                            moment: *moment,
                            inclusive: *inclusive,
                            days: days.clone(),
                            article,
                            line: self.line(*span),
                        };
                        let list = match booking {
                            true => &mut billing.booking,
                            false => &mut billing.cancel,
                        };
                        // Two deadlines of one kind for the same day of the week.
                        let clash = list.iter().position(|d| {
                            d.days.is_empty()
                                || deadline.days.is_empty()
                                || d.days.iter().any(|w| deadline.days.contains(w))
                        });
                        match clash {
                            Some(i) => {
                                let first = deadline_spans
                                    .iter()
                                    .filter(|(b, _)| *b == booking)
                                    .nth(i)
                                    .map_or(*span, |(_, s)| *s);
                                self.problem(BillingProblem::GivenTwice { what, first }, *span);
                            }
                            None => {
                                list.push(deadline);
                                deadline_spans.push((booking, *span));
                            }
                        }
                    }
                }
                BillingRule::Proof { hours, limit, span } => {
                    if once(self, "le délai du justificatif", *span) {
                        billing.proof = Some(ProofDelay {
                            hours: *hours,
                            limit: limit.filter(|l| l > hours),
                            article,
                            line: self.line(*span),
                        });
                    }
                }
                BillingRule::Duration { step, span, .. }
                | BillingRule::Late { step, span, .. }
                | BillingRule::Overtime { step, span, .. }
                    if *step > 24 * 60 =>
                {
                    self.problem(
                        BillingProblem::BeyondReason {
                            what: "pas de temps",
                        },
                        *span,
                    );
                }
                BillingRule::Duration {
                    step,
                    begun,
                    minimum,
                    alone,
                    span,
                } => {
                    if *alone {
                        step_alone = Some(*span);
                    }
                    if once(self, "la durée facturée", *span) {
                        duration_span = Some(*span);
                        billing.timing = Some(Timing {
                            step: *step,
                            begun: *begun,
                            minimum: *minimum,
                            article,
                            line: self.line(*span),
                        });
                    }
                }
                BillingRule::PresenceMinimum { minutes, span } => {
                    if once(self, "la présence minimale", *span) {
                        presence_minimum = Some((*minutes, *span));
                    }
                }
                BillingRule::Late {
                    after,
                    inclusive,
                    cost,
                    step,
                    begun,
                    label,
                    span,
                } => {
                    let cost = self.cost(cost, tariff);
                    billing.late.push(Late {
                        after: *after,
                        inclusive: *inclusive,
                        cost,
                        step: *step,
                        begun: *begun,
                        label: label.as_ref().map(|t| t.text.clone()),
                        article,
                        line: self.line(*span),
                    });
                }
                BillingRule::Overtime {
                    cost,
                    step,
                    begun,
                    label,
                    span,
                } => {
                    let cost = self.cost(cost, tariff);
                    billing.overtime.push(Overtime {
                        cost,
                        step: *step,
                        begun: *begun,
                        label: label.as_ref().map(|t| t.text.clone()),
                        article,
                        line: self.line(*span),
                    });
                }
                BillingRule::Forfait {
                    cost,
                    from,
                    prorata,
                    week,
                    label,
                    span,
                } => {
                    let cost = self.cost(cost, tariff);
                    if *week && from.is_some_and(|f| f > 7) {
                        self.problem(
                            BillingProblem::BeyondReason {
                                what: "rang d'un jour dans la semaine",
                            },
                            *span,
                        );
                    }
                    if once(self, "le forfait du mois", *span) {
                        billing.forfait = Some(Forfait {
                            cost,
                            from: from.unwrap_or(1).max(1),
                            prorata: *prorata,
                            week: *week,
                            label: label.as_ref().map(|t| t.text.clone()),
                            article,
                            line: self.line(*span),
                        });
                    }
                }
                BillingRule::Smoothing {
                    cost,
                    parts,
                    months,
                    label,
                    span,
                } => {
                    let cost = self.cost(cost, tariff);
                    let Some(months) = months else {
                        self.problem(
                            BillingProblem::SmoothingWithoutMonths { parts: *parts },
                            *span,
                        );
                        continue;
                    };
                    let count = Smoothing::month_count(*months);
                    if count != *parts {
                        self.problem(
                            BillingProblem::SmoothingMonths {
                                parts: *parts,
                                months: count,
                            },
                            *span,
                        );
                        continue;
                    }
                    if once(self, "le lissage", *span) {
                        billing.smoothing = Some(Smoothing {
                            cost,
                            parts: *parts,
                            months: *months,
                            label: label.as_ref().map(|t| t.text.clone()),
                            article,
                            line: self.line(*span),
                        });
                    }
                }
                BillingRule::Rounding {
                    each_line,
                    mode,
                    span,
                } => {
                    if once(self, "l'arrondi", *span) {
                        billing.rounding = LineRounding {
                            each_line: *each_line,
                            mode: *mode,
                            line: Some(self.line(*span)),
                        };
                    }
                }
                BillingRule::Limit {
                    cap,
                    amount,
                    per_family,
                    label,
                    span,
                } => {
                    let what = match (cap, per_family) {
                        (true, true) => "le plafond par famille",
                        (true, false) => "le plafond par enfant",
                        (false, true) => "le minimum par famille",
                        (false, false) => "le minimum par enfant",
                    };
                    let amount = self.euros(amount);
                    if once(self, what, *span) {
                        billing.limits.push(Limit {
                            cap: *cap,
                            amount,
                            per_family: *per_family,
                            label: label.as_ref().map(|t| t.text.clone()),
                            article,
                            line: self.line(*span),
                        });
                    }
                }
                BillingRule::Charge {
                    amount,
                    per_family,
                    per_day,
                    when,
                    words,
                    label,
                    span,
                } => {
                    let amount = self.euros(amount);
                    let words = (!words.trim().is_empty()).then(|| words.trim().to_string());
                    billing.charges.push(Charge {
                        amount,
                        per_family: *per_family,
                        per_day: *per_day,
                        when: when.clone(),
                        label: label.as_ref().map(|t| t.text.clone()).or(words),
                        article,
                        line: self.line(*span),
                    });
                }
                BillingRule::State {
                    states,
                    motive,
                    count,
                    cost,
                    deduction,
                    planned_hours,
                    proof,
                    carence,
                    label,
                    span,
                } => {
                    // The delay of the document said with a state: the facturation's,
                    // as a line of its own (the same delay on several states is one).
                    if let Some(hours) = proof
                        && billing.proof.as_ref().is_none_or(|p| p.hours != *hours)
                        && once(self, "le délai du justificatif", *span)
                    {
                        billing.proof = Some(ProofDelay {
                            hours: *hours,
                            limit: None,
                            article,
                            line: self.line(*span),
                        });
                    }
                    let count = match count {
                        None => None,
                        // `dès le premier jour`: every day, in any period.
                        Some(c) if c.period.is_none() && c.from <= 1 && c.to.is_none() => None,
                        Some(c) => match c.period {
                            Some(period) => Some((
                                Count {
                                    from: c.from.max(1),
                                    to: c.to,
                                    period,
                                },
                                c.span,
                            )),
                            None => {
                                // Reported once: the rule is left out, not read as a
                                // price for every day.
                                self.problem(BillingProblem::CountWithoutPeriod, c.span);
                                continue;
                            }
                        },
                    };
                    let mut cost = self.cost(cost, tariff);
                    if *deduction {
                        cost = cost.negated();
                    }
                    let label = label.as_ref().map(|t| t.text.clone());
                    // `après 2 jours de carence`: the first days of each absence at the
                    // tariff (deducted nothing), then the price written. Two rules of
                    // one line, as if written `les 2 premiers jours de l'absence`.
                    let priced = match carence.filter(|c| c.days > 0) {
                        None => vec![(count, cost, label)],
                        Some(c) => {
                            let period = if c.calendar {
                                billing::CountPeriod::AbsenceCalendar
                            } else {
                                billing::CountPeriod::Absence
                            };
                            let waited = if *deduction {
                                billing::Cost::default()
                            } else {
                                self.cost(&[ast::CostTerm::own_tariff(c.span)], tariff)
                            };
                            let days = |from, to| Some((Count { from, to, period }, c.span));
                            vec![
                                (
                                    days(1, Some(c.days)),
                                    waited,
                                    Some("jour de carence".to_string()),
                                ),
                                (days(c.days + 1, None), cost, label),
                            ]
                        }
                    };
                    for (state, _, named) in states {
                        if *named {
                            explicit.push((self.line(*span), *state));
                        }
                    }
                    for (count, cost, label) in priced {
                        for (state, state_span, _) in states {
                            written.push((
                                StateRule {
                                    state: *state,
                                    motive: motive.clone(),
                                    count: count.map(|(c, _)| c),
                                    cost: cost.clone(),
                                    deduction: *deduction,
                                    planned_hours: *planned_hours,
                                    label: label.clone(),
                                    article,
                                    line: self.line(*span),
                                },
                                *state_span,
                                count.map(|(_, s)| s),
                            ));
                        }
                    }
                }
            }
        }
        // The rules of each motive are checked apart (no overlap); the days they leave
        // are the other rules', so only the rules without motive can leave a gap.
        let mut motives: Vec<Option<String>> = vec![None];
        for (rule, _, _) in &written {
            if let Some(m) = &rule.motive
                && !motives
                    .iter()
                    .flatten()
                    .any(|known| billing::same_motive(known, m))
            {
                motives.push(Some(m.clone()));
            }
        }
        for motive in &motives {
            let group: Vec<(StateRule, Span, Option<Span>)> = written
                .iter()
                .filter(|(r, _, _)| match (&r.motive, motive) {
                    (None, None) => true,
                    (Some(a), Some(b)) => billing::same_motive(a, b),
                    _ => false,
                })
                .cloned()
                .collect();
            self.coverage(&billing, &group, &explicit, block.span, motive.is_none());
        }
        billing.states = written.into_iter().map(|(rule, _, _)| rule).collect();
        // The minimum said as a sentence is the `durée` line's, which gives its step.
        if let Some((minutes, span)) = presence_minimum {
            match (&mut billing.timing, duration_span) {
                (Some(timing), _) if timing.minimum.is_none() => timing.minimum = Some(minutes),
                (Some(timing), _) if timing.minimum == Some(minutes) => {}
                (Some(_), Some(first)) => self.problem(
                    BillingProblem::GivenTwice {
                        what: "la présence minimale",
                        first,
                    },
                    span,
                ),
                _ => self.problem(BillingProblem::MinimumWithoutStep, span),
            }
        }
        if let Some(span) = step_alone {
            let other = billing
                .late
                .iter()
                .filter(|l| l.step > 0)
                .map(|l| ("le retard", l.line))
                .chain(billing.overtime.iter().map(|o| ("le dépassement", o.line)))
                .next();
            if let Some((what, line)) = other {
                self.problem(BillingProblem::StepOfWhat { what, line }, span);
            }
        }
        tariff.map(|_| billing)
    }

    fn cost(&mut self, terms: &[ast::CostTerm], own: Option<usize>) -> billing::Cost {
        let mut cost = billing::Cost::default();
        for term in terms {
            match term {
                // `tarif repas + 50 %`: a percentage added to the unit price before it
                // is its majoration (`tarif repas majoré de 50 %`).
                ast::CostTerm::Amount { value, negative }
                    if value.unit == Unit::Percent
                        && matches!(
                            cost.terms.last(),
                            Some(billing::CostTerm::Unit { change, .. }) if change.is_zero()
                        ) =>
                {
                    if let Some(billing::CostTerm::Unit { change, .. }) = cost.terms.last_mut() {
                        *change = if *negative { -value.value } else { value.value };
                    }
                }
                ast::CostTerm::Amount { value, negative } => {
                    let value = self.euros(value);
                    cost.terms.push(billing::CostTerm::Amount {
                        value,
                        negative: *negative,
                    });
                }
                ast::CostTerm::Unit {
                    tariff,
                    factor,
                    inputs,
                    change,
                    negative,
                    span,
                } => {
                    let inputs = self.factor_inputs(inputs);
                    let index = match tariff {
                        None => own,
                        Some(name) => match self.symbols.tariff_index(&name.text) {
                            Some(t) => Some(t),
                            None => {
                                let names = self
                                    .symbols
                                    .tariffs
                                    .iter()
                                    .map(|t| t.decl.name.text.as_str());
                                let suggestion = super::closest(&name.text, names);
                                self.problem(
                                    BillingProblem::NotATariff {
                                        name: name.text.clone(),
                                        suggestion,
                                    },
                                    name.span,
                                );
                                None
                            }
                        },
                    };
                    // `majoré de 1,00 €`: an amount added to (taken off) the unit price.
                    let mut added = None;
                    let change = match change {
                        None => Decimal::ZERO,
                        Some((q, down)) if q.unit == Unit::Euro => {
                            added = Some(billing::CostTerm::Amount {
                                value: q.value,
                                negative: *down != *negative,
                            });
                            Decimal::ZERO
                        }
                        Some((q, down)) => {
                            if q.unit != Unit::Percent {
                                self.problem(BillingProblem::ChangeNotPercent, q.span);
                            }
                            if *down { -q.value } else { q.value }
                        }
                    };
                    let _ = span;
                    cost.terms.push(billing::CostTerm::Unit {
                        tariff: index.unwrap_or(0),
                        factor: *factor,
                        inputs,
                        change,
                        negative: *negative,
                    });
                    cost.terms.extend(added);
                }
            }
        }
        cost
    }

    /// The inputs that multiply a unit price: numbers the family gives.
    fn factor_inputs(&mut self, names: &[ast::Name]) -> Vec<crate::rules::InputId> {
        let mut found = Vec::new();
        for name in names {
            match self.symbols.names.get(name.text.as_str()) {
                Some(super::names::NameRef::Input(id))
                    if self.inputs.get(id.0 as usize).is_some_and(|i| {
                        matches!(
                            i.ty,
                            crate::rules::ValueType::Number | crate::rules::ValueType::Amount
                        )
                    }) =>
                {
                    found.push(*id);
                }
                Some(_) => self.problem(
                    BillingProblem::FactorNotInput {
                        name: name.text.clone(),
                        suggestion: None,
                    },
                    name.span,
                ),
                None => {
                    let names = self.inputs.iter().map(|i| i.name.as_str());
                    let suggestion = super::closest(&name.text, names);
                    self.problem(
                        BillingProblem::FactorNotInput {
                            name: name.text.clone(),
                            suggestion,
                        },
                        name.span,
                    );
                }
            }
        }
        found
    }

    /// Every state a day can reach has exactly one price for its n-th day, whatever n.
    fn coverage(
        &mut self,
        billing: &Billing,
        written: &[(StateRule, Span, Option<Span>)],
        explicit: &[(usize, DayState)],
        head: Span,
        gaps: bool,
    ) {
        let reachable = billing.reachable();
        for state in DayState::ALL {
            let rules: Vec<&(StateRule, Span, Option<Span>)> = written
                .iter()
                .filter(|(r, _, _)| r.state == state)
                .collect();
            if !reachable.contains(&state) {
                if let Some((_, span, _)) = rules
                    .iter()
                    .find(|(r, _, _)| explicit.contains(&(r.line, r.state)))
                {
                    let deadline = match state {
                        DayState::LateBooking => "de délai de réservation",
                        DayState::AbsentJustifiedLate => {
                            "de limite au justificatif reçu après son délai"
                        }
                        _ => "de délai d'annulation",
                    };
                    self.problem(BillingProblem::Unreachable { state, deadline }, *span);
                }
                continue;
            }
            let whole: Vec<_> = rules.iter().filter(|(r, _, _)| r.count.is_none()).collect();
            if let [first, second, ..] = whole.as_slice() {
                self.problem(
                    BillingProblem::TwoPrices {
                        state,
                        first: first.1,
                        days: None,
                    },
                    second.1,
                );
                continue;
            }
            let counted: Vec<_> = rules.iter().filter(|(r, _, _)| r.count.is_some()).collect();
            // Counted rules: in one period, without overlap; the days they leave are
            // the rule without count's, or a gap.
            let periods: Vec<CountPeriod> = counted
                .iter()
                .filter_map(|(r, _, _)| r.count.map(|c| c.period))
                .collect();
            if let Some(first) = periods.first()
                && periods.iter().any(|p| p != first)
                && let Some((_, span, _)) = counted.last()
            {
                self.problem(BillingProblem::MixedPeriods { state }, *span);
                continue;
            }
            let mut overlap = false;
            for (i, (a, a_span, _)) in counted.iter().enumerate() {
                for (b, b_span, _) in &counted[..i] {
                    if let (Some(x), Some(y)) = (a.count, b.count) {
                        let low = x.from.max(y.from);
                        let high = match (x.to, y.to) {
                            (Some(p), Some(q)) => Some(p.min(q)),
                            (p, q) => p.or(q),
                        };
                        if high.is_none_or(|h| low <= h) {
                            self.problem(
                                BillingProblem::TwoPrices {
                                    state,
                                    first: *b_span,
                                    days: Some((low, high)),
                                },
                                *a_span,
                            );
                            overlap = true;
                        }
                    }
                }
            }
            if overlap || !whole.is_empty() {
                continue;
            }
            if !gaps {
                continue;
            }
            if let Some((from, to)) = first_gap(counted.iter().filter_map(|(r, _, _)| r.count)) {
                let span = counted.first().map_or(head, |(_, s, _)| *s);
                self.problem(
                    BillingProblem::NoPrice {
                        state,
                        days: Some((from, to)),
                        period: periods.first().copied(),
                    },
                    span,
                );
            } else if counted.is_empty() {
                self.problem(
                    BillingProblem::NoPrice {
                        state,
                        days: None,
                        period: None,
                    },
                    head,
                );
            }
        }
    }
}

/// The first days no count takes (from the 1st), if any: `(from, to)`, `to` open.
fn first_gap(counts: impl Iterator<Item = Count>) -> Option<(u32, Option<u32>)> {
    let mut ranges: Vec<(u32, Option<u32>)> = counts.map(|c| (c.from, c.to)).collect();
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_by_key(|r| r.0);
    let mut next = 1u32;
    for (from, to) in ranges {
        if from > next {
            return Some((next, Some(from - 1)));
        }
        match to {
            None => return None,
            Some(to) => next = next.max(to.saturating_add(1)),
        }
    }
    Some((next, None))
}

#[cfg(test)]
mod tests {
    use crate::billing::time_unit_minutes;

    #[test]
    fn the_time_of_a_tariffs_unit_is_read_from_its_words() {
        for (unit, minutes) in [
            ("heure", Some(60)),
            ("heure d'accueil", Some(60)),
            ("Heure de présence", Some(60)),
            ("demi-heure", Some(30)),
            ("demi heure", Some(30)),
            ("quart d'heure", Some(15)),
            ("quart d’heure", Some(15)),
            ("10 minutes", Some(10)),
            ("minute", Some(1)),
            ("repas", None),
            ("journée", None),
            ("heure_sup", None),
        ] {
            assert_eq!(time_unit_minutes(unit), minutes, "« {unit} »");
        }
    }
}
