//! The statements of a `facturation`: deadlines, documents, the price of each state
//! of a day, the limits and charges of the month, the rounding of the lines.

use chrono::{NaiveTime, Weekday};
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::items::{number_value, quantity, rounding_mode};
use super::{Rule, name, span, text};
use crate::billing::{Moment, Week};
use crate::span::Span;
use crate::syntax::ast::{self, BillingRule, CostTerm};
use crate::syntax::error::SyntaxError;

type Result<T> = std::result::Result<T, SyntaxError>;

/// `facturation des repas « … »`.
pub(super) fn head(pair: Pair<'_, Rule>, offset: usize, at: Span) -> ast::Billing {
    let mut service = ast::Name {
        text: String::new(),
        span: at,
    };
    let mut label = None;
    let mut others = Vec::new();
    let mut first = true;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::word if first => {
                service = name(&part, offset);
                first = false;
            }
            Rule::word => others.push(name(&part, offset)),
            Rule::text => label = Some(text(part, offset)),
            _ => {}
        }
    }
    ast::Billing {
        service,
        others,
        label,
        span: at,
        rules: Vec::new(),
    }
}

/// One rule under a `facturation`.
pub(super) fn rule(pair: Pair<'_, Rule>, offset: usize, at: Span) -> Result<BillingRule> {
    let Some(inner) = pair.into_inner().next() else {
        return Ok(BillingRule::Proof {
            hours: 0,
            limit: None,
            span: at,
        });
    };
    match inner.as_rule() {
        Rule::deadline => deadline(inner, offset, at),
        Rule::proof_delay => {
            let mut hours = 0;
            let mut limit = None;
            let mut pairs = inner.into_inner().peekable();
            while let Some(part) = pairs.next() {
                match part.as_rule() {
                    Rule::number => {
                        let days = pairs.peek().is_some_and(|p| p.as_rule() == Rule::day_unit);
                        hours = in_hours(whole(&part, offset)?, days);
                    }
                    Rule::proof_max => {
                        let mut parts = part.into_inner().peekable();
                        while let Some(p) = parts.next() {
                            if p.as_rule() == Rule::number {
                                let days =
                                    parts.peek().is_some_and(|p| p.as_rule() == Rule::day_unit);
                                limit = Some(in_hours(whole(&p, offset)?, days));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Ok(BillingRule::Proof {
                hours,
                limit,
                span: at,
            })
        }
        Rule::state_rule => super::billing_state::state_rule(inner, offset, at),
        Rule::duration_rule => {
            let mut step = 30;
            let mut begun = true;
            let mut minimum = None;
            let mut alone = false;
            let mut pairs = inner.into_inner().peekable();
            while let Some(part) = pairs.next() {
                match part.as_rule() {
                    Rule::step_alone => {
                        alone = true;
                        for p in part.into_inner() {
                            match p.as_rule() {
                                Rule::time_step => step = time_step(&p),
                                Rule::step_rounding => begun = !is_whole(&p),
                                _ => {}
                            }
                        }
                    }
                    Rule::time_step => step = time_step(&part),
                    Rule::step_rounding => begun = !is_whole(&part),
                    Rule::number | Rule::one_word => {
                        let n = match part.as_rule() {
                            Rule::one_word => 1,
                            _ => whole(&part, offset)?,
                        };
                        let hours = pairs.peek().is_some_and(|p| p.as_rule() == Rule::hour_unit);
                        minimum = Some(if hours { n.saturating_mul(60) } else { n });
                    }
                    _ => {}
                }
            }
            Ok(BillingRule::Duration {
                step,
                begun,
                minimum,
                alone,
                span: at,
            })
        }
        Rule::presence_minimum => {
            // The time billed: the last number and its unit (`… est facturée 4 heures`).
            let mut minutes = 0;
            let mut pairs = inner.into_inner().peekable();
            while let Some(part) = pairs.next() {
                if matches!(part.as_rule(), Rule::number | Rule::one_word) {
                    let unit = pairs.peek().map(Pair::as_rule);
                    if matches!(unit, Some(Rule::hour_unit | Rule::minute_unit)) {
                        let n = match part.as_rule() {
                            Rule::one_word => 1,
                            _ => whole(&part, offset)?,
                        };
                        minutes = if unit == Some(Rule::hour_unit) {
                            n.saturating_mul(60)
                        } else {
                            n
                        };
                    }
                }
            }
            Ok(BillingRule::PresenceMinimum { minutes, span: at })
        }
        Rule::overtime_rule => {
            let mut cost_terms = Vec::new();
            let mut step = 30;
            let mut begun = true;
            let mut label = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    Rule::cost => cost_terms = cost(part, offset)?,
                    Rule::time_step => step = time_step(&part),
                    Rule::step_rounding => begun = !is_whole(&part),
                    Rule::text => label = Some(text(part, offset)),
                    _ => {}
                }
            }
            Ok(BillingRule::Overtime {
                cost: cost_terms,
                step,
                begun,
                label,
                span: at,
            })
        }
        Rule::forfait_rule => {
            let mut cost_terms = Vec::new();
            let mut from = None;
            let mut prorata = false;
            let mut week = false;
            let mut label = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    Rule::cost => cost_terms = cost(part, offset)?,
                    Rule::forfait_week => week = true,
                    Rule::forfait_from | Rule::forfait_from_week => {
                        week |= part.as_rule() == Rule::forfait_from_week;
                        from = part
                            .into_inner()
                            .find(|p| p.as_rule() == Rule::ordinal)
                            .and_then(|p| super::table::ordinal_number(&p));
                    }
                    Rule::prorata => prorata = true,
                    Rule::text => label = Some(text(part, offset)),
                    _ => {}
                }
            }
            Ok(BillingRule::Forfait {
                cost: cost_terms,
                from,
                prorata,
                week,
                label,
                span: at,
            })
        }
        Rule::smoothing => {
            let mut cost_terms = Vec::new();
            let mut parts = 0;
            let mut months = Vec::new();
            let mut label = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    Rule::cost => cost_terms = cost(part, offset)?,
                    Rule::number => parts = whole(&part, offset)?,
                    Rule::month_word => months.extend(crate::french::month_number(part.as_str())),
                    Rule::text => label = Some(text(part, offset)),
                    _ => {}
                }
            }
            Ok(BillingRule::Smoothing {
                cost: cost_terms,
                parts,
                months: match months.as_slice() {
                    [a, b] => Some((*a, *b)),
                    _ => None,
                },
                label,
                span: at,
            })
        }
        Rule::late_rule => {
            let mut after = NaiveTime::MIN;
            let mut inclusive = false;
            let mut cost_terms = Vec::new();
            let mut step = 0;
            let mut begun = true;
            let mut label = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    // `: 10,00 €` alone, `par retard`: once for each late departure.
                    Rule::late_each => step = 0,
                    Rule::kw_par => step = 30,
                    Rule::clock => after = clock(&part),
                    Rule::late_from => inclusive = true,
                    Rule::cost => cost_terms = cost(part, offset)?,
                    Rule::time_step => step = time_step(&part),
                    Rule::step_rounding => begun = !is_whole(&part),
                    Rule::text => label = Some(text(part, offset)),
                    _ => {}
                }
            }
            Ok(BillingRule::Late {
                after,
                inclusive,
                cost: cost_terms,
                step,
                begun,
                label,
                span: at,
            })
        }
        Rule::period_limit => {
            let mut cap = true;
            let mut amount = None;
            let mut per_family = false;
            let mut label = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    Rule::limit_floor => cap = false,
                    Rule::quantity => amount = Some(quantity(&part, offset)?),
                    Rule::per_scope => per_family = per_family_scope(part),
                    Rule::text => label = Some(text(part, offset)),
                    _ => {}
                }
            }
            Ok(BillingRule::Limit {
                cap,
                amount: amount.unwrap_or(zero(at)),
                per_family,
                label,
                span: at,
            })
        }
        Rule::charge => {
            let mut amount = None;
            let mut per_family = false;
            let mut per_day = false;
            let mut when = Vec::new();
            let mut words = Vec::new();
            let mut label = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    // `pénalité pour inscription hors délai`: the words with their noun.
                    Rule::charge_word => words.push(part.as_str().to_string()),
                    Rule::word if amount.is_none() => words.push(part.as_str().to_string()),
                    Rule::quantity => amount = Some(quantity(&part, offset)?),
                    Rule::per_scope => per_family = per_family_scope(part),
                    Rule::per_day => per_day = true,
                    Rule::day_state => when.extend(super::billing_state::day_states(&part)),
                    Rule::text => label = Some(text(part, offset)),
                    _ => {}
                }
            }
            Ok(BillingRule::Charge {
                amount: amount.unwrap_or(zero(at)),
                per_family,
                per_day,
                when,
                words: words.join(" "),
                label,
                span: at,
            })
        }
        _ => {
            // line_rounding
            let mut each_line = true;
            let mut mode = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    Rule::kw_du => each_line = false,
                    Rule::rounding_mode => mode = Some(rounding_mode(part, offset)?),
                    _ => {}
                }
            }
            Ok(BillingRule::Rounding {
                each_line,
                mode: mode.unwrap_or(crate::rules::Rounding::Nearest(Decimal::new(1, 2))),
                span: at,
            })
        }
    }
}

fn zero(at: Span) -> ast::Quantity {
    ast::Quantity {
        value: Decimal::ZERO,
        unit: ast::Unit::Euro,
        span: at,
    }
}

/// `par mois et par famille`: whether it is the family's (else each child's).
fn per_family_scope(pair: Pair<'_, Rule>) -> bool {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::scope_who)
        .any(|p| p.into_inner().any(|w| w.as_rule() == Rule::kw_famille))
}

/// The minutes of a `time_step`.
fn time_step(pair: &Pair<'_, Rule>) -> u32 {
    let form = pair.clone().into_inner().next();
    if let Some(span) = form.clone().filter(|p| p.as_rule() == Rule::step_span) {
        // `tranche de 15 minutes`, `période de 2 heures`.
        let parts: Vec<Pair<'_, Rule>> = span.into_inner().collect();
        let n = parts
            .iter()
            .find(|p| p.as_rule() == Rule::number)
            .and_then(|p| p.as_str().parse::<u32>().ok())
            .unwrap_or(u32::MAX);
        let hours = parts.iter().any(|p| p.as_rule() == Rule::hour_unit);
        let minutes = if hours { n.saturating_mul(60) } else { n };
        // No minute, or more than a day: refused by the checker (E078).
        return if minutes == 0 { u32::MAX } else { minutes };
    }
    match form.map(|p| p.as_rule()) {
        Some(Rule::step_hour) => 60,
        Some(Rule::step_quarter) => 15,
        Some(Rule::step_minute) => 1,
        _ => 30,
    }
}

/// `complète`: only whole steps count.
fn is_whole(pair: &Pair<'_, Rule>) -> bool {
    pair.clone()
        .into_inner()
        .any(|p| p.as_rule() == Rule::step_whole)
}

/// A delay in hours: `72 h`, `3 jours`.
pub(super) fn in_hours(amount: u32, days: bool) -> u32 {
    if days {
        amount.saturating_mul(24)
    } else {
        amount
    }
}

/// A whole `number` (hours, days, a day of the month).
pub(super) fn whole(pair: &Pair<'_, Rule>, offset: usize) -> Result<u32> {
    let value = number_value(pair, offset)?;
    Ok(u32::try_from(value.trunc().mantissa().max(0)).unwrap_or(u32::MAX))
}

fn deadline(pair: Pair<'_, Rule>, offset: usize, at: Span) -> Result<BillingRule> {
    let mut booking = false;
    let mut both = false;
    let mut inclusive = true;
    let mut moment = Moment::HoursBefore(0);
    let mut days = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::deadline_days | Rule::lead_days => {
                days.extend(
                    part.into_inner()
                        .filter(|p| p.as_rule() == Rule::weekday)
                        .map(|p| weekday_of(p.as_str())),
                );
            }
            // `annulation …`, `réservation et annulation …`, `modifications …`, or the
            // participle: `les repas doivent être réservés (ou annulés) …`.
            Rule::deadline_kind | Rule::participle_kind => {
                let words: Vec<Rule> = part.into_inner().map(|p| p.as_rule()).collect();
                let has = |either: [Rule; 2]| either.iter().any(|r| words.contains(r));
                booking = has([Rule::booking_word, Rule::booked_participle]);
                both = words.contains(&Rule::kw_modification)
                    || (booking && has([Rule::cancel_word, Rule::cancelled_participle]));
            }
            Rule::kw_avant => inclusive = false,
            Rule::moment => {
                if let Some(form) = part.into_inner().next() {
                    // `la veille avant 10 h`: the hour itself is late, as with `avant`.
                    if form
                        .clone()
                        .into_inner()
                        .any(|p| p.as_rule() == Rule::kw_avant)
                        && !matches!(
                            form.as_rule(),
                            Rule::hours_before | Rule::days_before | Rule::weeks_before
                        )
                    {
                        inclusive = false;
                    }
                    moment = self::moment(form, offset)?;
                }
            }
            _ => {}
        }
    }
    Ok(BillingRule::Deadline {
        booking,
        both,
        moment,
        inclusive,
        days,
        span: at,
    })
}

fn moment(form: Pair<'_, Rule>, offset: usize) -> Result<Moment> {
    let rule = form.as_rule();
    let mut amount = 0;
    let mut time = None;
    let mut weekday = Weekday::Mon;
    let mut week = Week::LastBefore;
    let mut working = None;
    let mut midnight = false;
    for part in form.into_inner() {
        match part.as_rule() {
            Rule::working_days => {
                working = match part.into_inner().next().map(|p| p.as_rule()) {
                    Some(Rule::kw_ouvrables) => Some(true),
                    Some(Rule::kw_ouvres) => Some(false),
                    _ => None,
                };
            }
            Rule::kw_une => amount = 1,
            Rule::previous_week => week = Week::Previous,
            Rule::same_week => week = Week::Same,
            Rule::number => amount = whole(&part, offset)?,
            Rule::ordinal => amount = super::table::ordinal_number(&part).unwrap_or(1),
            // `à minuit`, `à 24 h`: the end of the day named, as when no hour is written.
            Rule::clock
                if part
                    .clone()
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::kw_minuit)
                    || part.as_str().trim_start().starts_with("24") =>
            {
                midnight = true;
            }
            Rule::clock => time = Some(clock(&part)),
            Rule::weekday => weekday = weekday_of(part.as_str()),
            _ => {}
        }
    }
    Ok(match rule {
        Rule::hours_before => Moment::HoursBefore(amount),
        Rule::weeks_before => Moment::DaysBefore {
            days: amount.saturating_mul(7),
            at: time,
            midnight,
        },
        Rule::days_before => match working {
            Some(saturdays) => Moment::WorkingDaysBefore {
                days: amount,
                at: time,
                saturdays,
                midnight,
            },
            None => Moment::DaysBefore {
                days: amount,
                at: time,
                midnight,
            },
        },
        Rule::eve => Moment::Eve { at: time },
        // `le jour même à minuit`: the end of the day of the service.
        Rule::same_day if midnight => Moment::DaysBefore {
            days: 0,
            at: None,
            midnight,
        },
        Rule::same_day => Moment::SameDay {
            at: time.unwrap_or(NaiveTime::MIN),
        },
        Rule::weekday_before => Moment::WeekdayBefore {
            weekday,
            at: time,
            week,
        },
        _ => Moment::MonthDayBefore {
            day: amount,
            at: time,
        },
    })
}

/// `12 h`, `9 h 30`, `10 heures`, `midi` (`minuit` is read by its moment: the end of
/// the day named).
fn clock(pair: &Pair<'_, Rule>) -> NaiveTime {
    let text = crate::syntax::lines::fold(pair.as_str());
    if text.starts_with("midi") {
        return NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN);
    }
    let mut numbers = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse::<u32>().ok());
    let hour = numbers.next().unwrap_or(0);
    let minute = numbers.next().unwrap_or(0);
    NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or(NaiveTime::MIN)
}

fn weekday_of(word: &str) -> Weekday {
    match crate::syntax::lines::fold(word).trim_end_matches('s') {
        "mardi" => Weekday::Tue,
        "mercredi" => Weekday::Wed,
        "jeudi" => Weekday::Thu,
        "vendredi" => Weekday::Fri,
        "samedi" => Weekday::Sat,
        "dimanche" => Weekday::Sun,
        _ => Weekday::Mon,
    }
}

pub(super) fn cost(pair: Pair<'_, Rule>, offset: usize) -> Result<Vec<CostTerm>> {
    let mut terms = Vec::new();
    let mut negative = false;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::cost_free => return Ok(Vec::new()),
            // `facturé`, `dû`: the unit price of the tariff billed.
            Rule::cost_billed => terms.push(CostTerm::Unit {
                tariff: None,
                factor: Decimal::ONE,
                inputs: Vec::new(),
                change: None,
                negative: false,
                span: span(&part, offset),
            }),
            Rule::add_operator => negative = part.as_str() != "+",
            Rule::cost_term => {
                terms.push(term(part, offset, negative)?);
                negative = false;
            }
            _ => {}
        }
    }
    Ok(terms)
}

fn term(pair: Pair<'_, Rule>, offset: usize, negative: bool) -> Result<CostTerm> {
    let at = span(&pair, offset);
    let mut factor = Decimal::ONE;
    let mut change = None;
    let mut tariff = None;
    let mut unit = false;
    let mut inputs = Vec::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::quantity => {
                return Ok(CostTerm::Amount {
                    value: quantity(&part, offset)?,
                    negative,
                });
            }
            Rule::cost_factor => {
                if let Some(inner) = part.into_inner().next() {
                    match inner.as_rule() {
                        Rule::number => factor *= number_value(&inner, offset)?,
                        _ => inputs.push(name(&inner, offset)),
                    }
                }
            }
            Rule::cost_multiple => {
                unit = true;
                let triple = part.into_inner().any(|p| p.as_rule() == Rule::kw_triple);
                factor *= Decimal::from(if triple { 3 } else { 2 });
            }
            Rule::cost_percent => {
                if let Some(n) = part.into_inner().find(|p| p.as_rule() == Rule::number) {
                    factor =
                        (factor * number_value(&n, offset)? / Decimal::ONE_HUNDRED).normalize();
                }
            }
            Rule::unit_price => {
                unit = true;
                tariff = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::word)
                    .map(|p| name(&p, offset));
            }
            // `majoré de 50 %`, or alone `majoration de 2 €`: the unit price changed.
            Rule::cost_change | Rule::cost_change_alone => {
                unit = true;
                let down = part.clone().into_inner().any(|p| {
                    matches!(
                        p.as_rule(),
                        Rule::kw_minore | Rule::kw_reduction | Rule::kw_minoration
                    )
                });
                if let Some(q) = part.into_inner().find(|p| p.as_rule() == Rule::quantity) {
                    change = Some((quantity(&q, offset)?, down));
                }
            }
            _ => {}
        }
    }
    debug_assert!(unit);
    Ok(CostTerm::Unit {
        tariff,
        factor,
        inputs,
        change,
        negative,
        span: at,
    })
}
