//! The price of a state of a day under a `facturation`: its states, motive, document,
//! count or carence, and cost (`absent justifié, à partir du 3e jour de l'absence :
//! gratuit`, `absent justifié : gratuit après 2 jours de carence`).

use pest::iterators::Pair;

use super::billing::{in_hours, whole};
use super::{Rule, span, text};
use crate::billing::{CountPeriod, DayState};
use crate::span::Span;
use crate::syntax::ast::{self, BillingCount, BillingRule};
use crate::syntax::error::SyntaxError;

type Result<T> = std::result::Result<T, SyntaxError>;

/// The states a `day_state` names (`absent`: both kinds of absence).
pub(super) fn day_states(pair: &Pair<'_, Rule>) -> Vec<DayState> {
    let Some(form) = pair.clone().into_inner().next() else {
        return Vec::new();
    };
    match form.as_rule() {
        Rule::state_late_booking => vec![DayState::LateBooking],
        Rule::state_unbooked => vec![DayState::Unbooked],
        Rule::state_present => vec![DayState::Present],
        Rule::state_absent_justified => vec![DayState::AbsentJustified],
        Rule::state_absent_justified_late => vec![DayState::AbsentJustifiedLate],
        Rule::state_absent_unjustified => vec![DayState::AbsentUnjustified],
        Rule::state_absent => vec![
            DayState::AbsentJustified,
            DayState::AbsentJustifiedLate,
            DayState::AbsentUnjustified,
        ],
        Rule::state_cancelled_in_time => vec![DayState::CancelledInTime],
        Rule::state_cancelled_late => vec![DayState::CancelledLate],
        _ => vec![DayState::CancelledInTime, DayState::CancelledLate],
    }
}

pub(super) fn state_rule(pair: Pair<'_, Rule>, offset: usize, at: Span) -> Result<BillingRule> {
    let mut states = Vec::new();
    let mut count = None;
    let mut cost = Vec::new();
    let mut label = None;
    let mut motive = None;
    let mut deduction = false;
    let mut planned_hours = false;
    let mut proof = None;
    let mut carence = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::carence => carence = Some(self::carence(part, offset)?),
            Rule::state_proof_delay => {
                let mut parts = part.into_inner().peekable();
                while let Some(p) = parts.next() {
                    if p.as_rule() == Rule::number {
                        let days = parts.peek().is_some_and(|p| p.as_rule() == Rule::day_unit);
                        proof = Some(in_hours(whole(&p, offset)?, days));
                    }
                }
            }
            // `absent pour maladie, sur présentation d'un certificat médical`.
            Rule::state_absent_proved => {
                states.push((DayState::AbsentJustified, span(&part, offset), true));
            }
            Rule::motive_proof => {
                let mut parts = part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::state_proof_delay)
                    .flat_map(Pair::into_inner)
                    .peekable();
                while let Some(p) = parts.next() {
                    if p.as_rule() == Rule::number {
                        let days = parts.peek().is_some_and(|p| p.as_rule() == Rule::day_unit);
                        proof = Some(in_hours(whole(&p, offset)?, days));
                    }
                }
            }
            Rule::day_state => {
                let where_ = span(&part, offset);
                let named = day_states(&part);
                let alone = named.len() == 1;
                states.extend(named.into_iter().map(|s| (s, where_, alone)));
            }
            Rule::state_motive => {
                motive = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::motive_words)
                    .map(|p| p.as_str().trim().to_string());
            }
            Rule::deduction => deduction = true,
            Rule::per_planned_hour => planned_hours = true,
            Rule::day_count => count = Some(day_count(part, offset)?),
            Rule::cost => cost = super::billing::cost(part, offset)?,
            Rule::text => label = Some(text(part, offset)),
            _ => {}
        }
    }
    Ok(BillingRule::State {
        states,
        motive,
        count,
        cost,
        deduction,
        planned_hours,
        proof,
        carence,
        label,
        span: at,
    })
}

/// `après 2 jours calendaires de carence`: how many days, and whether of the calendar.
fn carence(pair: Pair<'_, Rule>, offset: usize) -> Result<ast::Carence> {
    let at = span(&pair, offset);
    let mut days = 1;
    let mut calendar = false;
    let parts = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::carence_days)
        .flat_map(Pair::into_inner);
    for part in parts {
        match part.as_rule() {
            Rule::number => days = whole(&part, offset)?,
            Rule::number_letters => {
                days = super::table::number_in_letters(part.as_str()).unwrap_or(days);
            }
            Rule::calendar_days => calendar = true,
            _ => {}
        }
    }
    Ok(ast::Carence {
        days,
        calendar,
        span: at,
    })
}

fn day_count(pair: Pair<'_, Rule>, offset: usize) -> Result<BillingCount> {
    let at = span(&pair, offset);
    let mut from = 1;
    let mut to = None;
    let mut period = None;
    let mut calendar = false;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::count_length => {
                let mut bound = Rule::length_least;
                let mut n = 1;
                for inner in part.into_inner() {
                    match inner.as_rule() {
                        Rule::length_bound => {
                            if let Some(b) = inner.into_inner().next() {
                                bound = b.as_rule();
                            }
                        }
                        Rule::number => n = whole(&inner, offset)?,
                        _ => {}
                    }
                }
                period = Some(CountPeriod::AbsenceLength);
                match bound {
                    Rule::length_more => from = n.saturating_add(1),
                    Rule::length_less => to = Some(n.saturating_sub(1)),
                    _ => from = n.max(1),
                }
            }
            Rule::calendar_days => calendar = true,
            Rule::count_from => {
                if let Some(n) = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::ordinal)
                    .and_then(|p| super::table::ordinal_number(&p))
                {
                    from = n;
                }
            }
            Rule::count_single => {
                if let Some(n) = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::ordinal)
                    .and_then(|p| super::table::ordinal_number(&p))
                {
                    from = n;
                    to = Some(n);
                }
            }
            Rule::count_first => {
                for n in part.into_inner() {
                    match n.as_rule() {
                        Rule::number => to = Some(whole(&n, offset)?),
                        Rule::number_letters => {
                            to = super::table::number_in_letters(n.as_str());
                        }
                        _ => {}
                    }
                }
            }
            Rule::count_beyond => {
                if let Some(n) = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::ordinal)
                    .and_then(|p| super::table::ordinal_number(&p))
                {
                    from = n.saturating_add(1);
                }
            }
            Rule::count_between => {
                let numbers: Vec<u32> = part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::ordinal)
                    .filter_map(|p| super::table::ordinal_number(&p))
                    .collect();
                if let [a, b] = numbers.as_slice() {
                    from = *a;
                    to = Some(*b);
                }
            }
            Rule::count_period => {
                let words: Vec<Rule> = part.into_inner().map(|p| p.as_rule()).collect();
                let absence = words.contains(&Rule::period_absence);
                period = Some(if words.contains(&Rule::kw_semaine) {
                    CountPeriod::Week
                } else if absence && calendar {
                    CountPeriod::AbsenceCalendar
                } else if absence {
                    CountPeriod::Absence
                } else {
                    CountPeriod::Month
                });
            }
            _ => {}
        }
    }
    Ok(BillingCount {
        from,
        to,
        period,
        span: at,
    })
}
