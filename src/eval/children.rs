//! A family with children: each child gets its rank from the deliberation's rule
//! (`rang des enfants …`), then each child is priced as a family of one, with the
//! family's inputs and its own.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::trace::{Provenance, Shown, Step};
use super::{EvalError, EvalErrorKind, Family, Plan, Priced, Session};
use crate::rules::{Deliberation, Direction, InputId, RankBy, Value};

/// A child of the family (`enfants[]`): its own inputs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Child {
    /// Echoed back in results.
    pub id: Option<String>,
    /// The child's values, by input.
    pub given: Vec<(InputId, Value, Provenance)>,
}

/// One child priced: its rank (when the deliberation ranks the children) and each
/// tariff's price.
#[derive(Debug, Clone)]
pub struct ChildPriced {
    /// Index in [`Family::children`].
    pub child: usize,
    pub rank: Option<u32>,
    pub priced: Vec<Priced>,
}

/// The family as seen for one child: the family's values and the child's.
fn child_family(family: &Family, child: &Child) -> Family {
    let mut one = family.clone();
    one.set_children(Vec::new());
    for &(input, value, provenance) in &child.given {
        one.set(input, Some(value), provenance);
    }
    one
}

/// Sets each count of children (`nombre d'enfants …`) in the view of every child: the
/// number of children (each child's condition decided on its view). A count the family
/// gives itself must be the one its list gives.
fn count(
    session: &mut Session<'_>,
    family: &Family,
    families: &mut [Family],
    date: NaiveDate,
) -> Result<(), EvalError> {
    let d = session.plan.deliberation();
    for (k, rule) in d.counts.iter().enumerate() {
        let mut n = 0u32;
        for one in families.iter() {
            n += u32::from(session.counted(one, date, k)?);
        }
        let counted = Decimal::from(n);
        let given = family.given.get(rule.input.0 as usize).copied().flatten();
        if let Some((Value::Number(given), provenance)) = given
            && provenance != Provenance::Default
            && given != counted
        {
            let name = d
                .inputs
                .get(rule.input.0 as usize)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            return Err(EvalError::at(
                EvalErrorKind::CountMismatch {
                    name,
                    given,
                    counted,
                },
                Some(rule.article),
                rule.line,
            ));
        }
        for one in families.iter_mut() {
            one.set(
                rule.input,
                Some(Value::Number(counted)),
                Provenance::Counted,
            );
        }
    }
    Ok(())
}

/// A child's value of the ranking key, for sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Number(Decimal),
    Day(NaiveDate),
}

/// A child's rank, its value of the key (shown, and where it comes from), and whether
/// another child has the same value.
type Ranked = (u32, Option<Shown>, Option<Provenance>, bool);

/// The rank of each child of `families` (each child as a family of one), in order,
/// with the value of the key of each (for the justification) and whether it ties with
/// another child's. `None` when the deliberation does not rank children.
#[allow(clippy::type_complexity)]
fn ranks(
    session: &mut Session<'_>,
    families: &[Family],
    date: NaiveDate,
) -> Result<Option<Vec<Ranked>>, EvalError> {
    let d = session.plan.deliberation();
    let Some(ranking) = &d.ranking else {
        return Ok(None);
    };
    let mut keyed: Vec<(usize, Option<Key>, Option<Shown>, Option<Provenance>)> =
        Vec::with_capacity(families.len());
    for (i, family) in families.iter().enumerate() {
        let unknown = |key: String| {
            EvalError::at(
                EvalErrorKind::RankUnknown {
                    child: i + 1,
                    id: None,
                    key,
                },
                Some(ranking.article),
                ranking.line,
            )
        };
        let mut provenance = None;
        let (key, shown) = match ranking.by {
            RankBy::Given => (None, None),
            RankBy::Input(input, _) => {
                let given = family.given.get(input.0 as usize).copied().flatten();
                let declared = d.inputs.get(input.0 as usize);
                provenance = Some(given.map_or(Provenance::Default, |(_, p)| p));
                let value = given.map(|(v, _)| v).or(declared.and_then(|i| i.default));
                let ty = declared.map(|i| &i.ty);
                let shown = ty.map(|ty| super::trace::shown(value, ty));
                match value {
                    Some(Value::Number(n)) => (Some(Key::Number(n)), shown),
                    Some(Value::Date(day)) => (Some(Key::Day(day)), shown),
                    _ => {
                        let name = declared.map(|i| i.name.clone()).unwrap_or_default();
                        return Err(unknown(name));
                    }
                }
            }
            RankBy::Tariff(t, _) => {
                let price = session.price_before_rank(family, date, t)?;
                (Some(Key::Number(price)), Some(Shown::Amount(price)))
            }
        };
        keyed.push((i, key, shown, provenance));
    }
    let descending = match ranking.by {
        RankBy::Given => false,
        RankBy::Input(input, direction) => {
            let date = matches!(
                d.inputs.get(input.0 as usize).map(|i| &i.ty),
                Some(crate::rules::ValueType::Date)
            );
            match direction {
                // The oldest has the earliest birth date, or the largest age.
                Direction::Oldest => !date,
                Direction::Youngest => date,
                Direction::Highest => true,
                Direction::Lowest => false,
            }
        }
        RankBy::Tariff(_, direction) => matches!(direction, Direction::Highest | Direction::Oldest),
    };
    let mut order: Vec<usize> = (0..keyed.len()).collect();
    // Stable: children with the same value keep the family's order.
    order.sort_by(|&a, &b| {
        let ordering = keyed[a].1.cmp(&keyed[b].1);
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let mut ranks = vec![(0u32, None, None, false); keyed.len()];
    for (position, &child) in order.iter().enumerate() {
        let (_, key, shown, provenance) = keyed[child];
        let tie = key.is_some()
            && keyed
                .iter()
                .any(|(other, k, _, _)| *other != child && k.cmp(&key) == Ordering::Equal);
        let rank = u32::try_from(position + 1).unwrap_or(u32::MAX);
        ranks[child] = (rank, shown, provenance, tie);
    }
    Ok(Some(ranks))
}

/// Prices `tariffs` (every tariff when empty) for each child of `family` on `date`,
/// ranked by the deliberation's rule. A rank that cannot be computed is the error of
/// every tariff of every child.
pub fn price_children(
    d: &Deliberation,
    family: &Family,
    date: NaiveDate,
    tariffs: &[usize],
    justify: bool,
) -> Vec<ChildPriced> {
    let plan = Plan::new(d);
    price_children_with(&mut Session::on(&plan), family, date, tariffs, justify)
}

/// [`price_children`] with a session of the deliberation, reused from family to family.
pub fn price_children_with(
    session: &mut Session<'_>,
    family: &Family,
    date: NaiveDate,
    tariffs: &[usize],
    justify: bool,
) -> Vec<ChildPriced> {
    let d = session.plan.deliberation();
    let mut families: Vec<Family> = family
        .children()
        .iter()
        .map(|c| child_family(family, c))
        .collect();
    // The counts first: the price that ranks the children may read them.
    let counted = count(session, family, &mut families, date);
    let all: Vec<usize> = (0..d.tariffs.len()).collect();
    let chosen = if tariffs.is_empty() {
        &all[..]
    } else {
        tariffs
    };
    let ranked = counted
        .and_then(|()| ranks(session, &families, date))
        .map_err(|mut e| {
            if let EvalErrorKind::RankUnknown { child, id, .. } = &mut e.kind {
                *id = family.children().get(*child - 1).and_then(|c| c.id.clone());
            }
            e
        });
    let of = u32::try_from(families.len()).unwrap_or(u32::MAX);
    families
        .into_iter()
        .enumerate()
        .map(|(i, mut one)| {
            let rank = match (&ranked, &d.ranking) {
                (Ok(Some(ranks)), Some(ranking)) => {
                    let (rank, key, provenance, tie) = ranks[i];
                    one.set(
                        ranking.rank,
                        Some(Value::Number(Decimal::from(rank))),
                        Provenance::Ranked,
                    );
                    Some((rank, key, provenance, tie))
                }
                _ => None,
            };
            // A tariff charged per family is priced once, with the first child.
            let priced = chosen
                .iter()
                .filter(|&&tariff| i == 0 || !d.tariffs.get(tariff).is_some_and(|t| t.per_family))
                .map(|&tariff| {
                    if let Err(e) = &ranked {
                        return Priced {
                            tariff,
                            result: Err(e.clone()),
                            justification: None,
                        };
                    }
                    if !justify {
                        let result = session.price(&one, date, tariff);
                        return Priced {
                            tariff,
                            result,
                            justification: None,
                        };
                    }
                    let (result, mut justification) = session.justify(&one, date, tariff);
                    if let Some((rank, key, provenance, tie)) = rank {
                        let step = Step::Rank {
                            rank,
                            of,
                            key,
                            provenance,
                            tie,
                        };
                        justification.steps.insert(0, step);
                    }
                    Priced {
                        tariff,
                        result,
                        justification: Some(justification),
                    }
                })
                .collect();
            ChildPriced {
                child: i,
                rank: rank.map(|(r, _, _, _)| r),
                priced,
            }
        })
        .collect()
}
