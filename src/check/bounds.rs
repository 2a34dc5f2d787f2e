//! The step of a grid's bounds against the step of its key: the rounding that closes a
//! gap between `… à 4 573,47 €` and `de 4 573,48 € …` (the bounds' own step, never a
//! coarser one), and the bounds that a key of a coarser step can never tell apart.

use rust_decimal::Decimal;

use super::error::KeyKind;
use super::facts::Grain;
use crate::rules::{Interval, Rounding};

/// The finest step of a grid's bounds: the greatest common step of every finite bound
/// (`4 573,47` and `9 146,95` give `0,01`); `None` without bounds or on overflow.
pub fn step(intervals: &[Interval]) -> Option<Decimal> {
    let grain = intervals
        .iter()
        .flat_map(|i| [i.low, i.high])
        .flatten()
        .map(|b| Grain::of(b.value))
        .reduce(Grain::join)?;
    match grain {
        Grain::Step(s) if !s.is_zero() => Some(s),
        _ => None,
    }
}

/// The rounding of the key that closes a gap `]low ; high[` between two rows with
/// inclusive ends and puts every value in the row it starts from: a rounding down to
/// the bounds' step, which must be the gap's width (a coarser step would move families
/// across a bound, a finer one would leave values in the gap). `None` when the language
/// has no such mode (a step of 10 €, a gap of 1 € in a grid with cents).
pub fn closing_rounding(
    low: Decimal,
    high: Decimal,
    bounds_step: Option<Decimal>,
    kind: KeyKind,
) -> Option<Rounding> {
    let step = bounds_step?;
    if high - low != step {
        return None;
    }
    let cent = Decimal::new(1, 2);
    match kind {
        KeyKind::Amount if step == cent || step == Decimal::ONE => Some(Rounding::Down(step)),
        KeyKind::Number if step == Decimal::ONE => Some(Rounding::Down(step)),
        _ => None,
    }
}

/// A bound that a key whose values are multiples of its step never reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinerBound {
    /// The interval (row) it bounds, in the order given.
    pub row: usize,
    pub value: Decimal,
    /// How many other bounds of the grid are finer than the step too.
    pub others: usize,
}

/// The first bound of the grid (in row order) that is not a multiple of the key's step,
/// with the count of the others; `None` when every bound is one (or the key is any
/// decimal, or a date).
pub fn finer_than(grain: Grain, kind: KeyKind, intervals: &[Interval]) -> Option<FinerBound> {
    let Grain::Step(step) = grain else {
        return None;
    };
    if step.is_zero() || kind == KeyKind::Date {
        return None;
    }
    let mut found: Option<FinerBound> = None;
    let mut seen: Vec<Decimal> = Vec::new();
    for (row, interval) in intervals.iter().enumerate() {
        for bound in [interval.low, interval.high].into_iter().flatten() {
            if (bound.value % step).is_zero() || seen.contains(&bound.value) {
                continue;
            }
            seen.push(bound.value);
            match &mut found {
                None => {
                    found = Some(FinerBound {
                        row,
                        value: bound.value,
                        others: 0,
                    })
                }
                Some(f) => f.others += 1,
            }
        }
    }
    found
}

/// The multiples of `step` on either side of `value`: `4 573,48` on a step of 1 lies
/// between 4 573 and 4 574.
pub fn around(value: Decimal, step: Decimal) -> (Decimal, Decimal) {
    let below = (value / step).floor() * step;
    (below.normalize(), (below + step).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Bound;

    fn row(low: Option<(i64, u32)>, high: Option<(i64, u32)>) -> Interval {
        let bound = |(m, s): (i64, u32)| Bound {
            value: Decimal::new(m, s),
            inclusive: true,
        };
        Interval {
            low: low.map(bound),
            high: high.map(bound),
        }
    }

    #[test]
    fn the_step_of_bounds_at_the_cent_is_the_cent() {
        let rows = [
            row(Some((0, 0)), Some((457347, 2))),
            row(Some((457348, 2)), Some((914694, 2))),
            row(Some((914695, 2)), None),
        ];
        let step = step(&rows);
        assert_eq!(step, Some(Decimal::new(1, 2)));
        let cents = closing_rounding(
            Decimal::new(457347, 2),
            Decimal::new(457348, 2),
            step,
            KeyKind::Amount,
        );
        assert_eq!(cents, Some(Rounding::Down(Decimal::new(1, 2))));
    }

    #[test]
    fn a_gap_wider_than_the_bounds_step_has_no_rounding() {
        // `jusqu'à 400`, `de 401 à 600,50`: rounding to the cent leaves 400,50 in the
        // gap, rounding to the euro moves 600,50.
        let rows = [
            row(None, Some((400, 0))),
            row(Some((401, 0)), Some((60050, 2))),
        ];
        let step = step(&rows);
        assert_eq!(step, Some(Decimal::new(5, 1)));
        let fix = closing_rounding(
            Decimal::new(400, 0),
            Decimal::new(401, 0),
            step,
            KeyKind::Amount,
        );
        assert_eq!(fix, None);
    }

    #[test]
    fn whole_bounds_are_closed_by_the_euro() {
        let rows = [row(None, Some((400, 0))), row(Some((401, 0)), None)];
        let fix = closing_rounding(
            Decimal::new(400, 0),
            Decimal::new(401, 0),
            step(&rows),
            KeyKind::Amount,
        );
        assert_eq!(fix, Some(Rounding::Down(Decimal::ONE)));
    }

    #[test]
    fn a_bound_at_the_cent_is_finer_than_a_whole_key() {
        let rows = [
            row(Some((0, 0)), Some((457347, 2))),
            row(Some((457348, 2)), Some((914694, 2))),
            row(Some((914695, 2)), None),
        ];
        let found = finer_than(Grain::WHOLE, KeyKind::Amount, &rows);
        assert_eq!(
            found,
            Some(FinerBound {
                row: 0,
                value: Decimal::new(457347, 2),
                others: 3
            })
        );
        assert_eq!(finer_than(Grain::CENT, KeyKind::Amount, &rows), None);
        assert_eq!(finer_than(Grain::Dense, KeyKind::Amount, &rows), None);
        assert_eq!(
            around(Decimal::new(457348, 2), Decimal::ONE),
            (Decimal::new(4573, 0), Decimal::new(4574, 0))
        );
        assert_eq!(
            around(Decimal::new(405, 0), Decimal::TEN),
            (Decimal::new(400, 0), Decimal::new(410, 0))
        );
    }
}
