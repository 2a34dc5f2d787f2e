//! Exact arithmetic and the rounding modes of LANGUAGE.md §8.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::rules::Rounding;

/// `value` rounded to a multiple of the mode's step; `None` on overflow.
pub fn round(value: Decimal, mode: Rounding) -> Option<Decimal> {
    let step = mode.step();
    if step.is_zero() {
        return Some(value);
    }
    let strategy = match mode {
        Rounding::Nearest(_) => RoundingStrategy::MidpointAwayFromZero,
        Rounding::Down(_) => RoundingStrategy::ToNegativeInfinity,
        Rounding::Up(_) => RoundingStrategy::ToPositiveInfinity,
    };
    // A step of 1, 0,1, 0,01…: round to that many decimals, without dividing; a value
    // with no more decimals than the step is already a multiple of it.
    if step.mantissa() == 1 {
        if value.scale() <= step.scale() {
            return Some(value);
        }
        return Some(value.round_dp_with_strategy(step.scale(), strategy));
    }
    let steps = value.checked_div(step)?.round_dp_with_strategy(0, strategy);
    steps.checked_mul(step)
}

/// The order of two numbers: their mantissas when they have the same scale (the usual
/// case: a quotient and the bounds of its grid), else [`Decimal`]'s comparison.
#[inline]
pub fn compare(a: Decimal, b: Decimal) -> Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(&b)
    }
}

/// Rounded to the cent, half away from zero: what a price with more decimals becomes.
pub fn to_cent(value: Decimal) -> Decimal {
    if value.scale() <= 2 {
        return value;
    }
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn every_mode_rounds_as_written() {
        let cent = d("0.01");
        assert_eq!(round(d("2.288"), Rounding::Nearest(cent)), Some(d("2.29")));
        assert_eq!(round(d("1.525"), Rounding::Nearest(cent)), Some(d("1.53")));
        assert_eq!(round(d("2.288"), Rounding::Down(cent)), Some(d("2.28")));
        assert_eq!(round(d("2.281"), Rounding::Up(cent)), Some(d("2.29")));
        assert_eq!(
            round(d("833.33"), Rounding::Down(Decimal::ONE)),
            Some(d("833"))
        );
        assert_eq!(
            round(d("833.5"), Rounding::Nearest(Decimal::ONE)),
            Some(d("834"))
        );
        assert_eq!(
            round(d("833.01"), Rounding::Up(Decimal::ONE)),
            Some(d("834"))
        );
        assert_eq!(
            round(d("2.27"), Rounding::Nearest(d("0.05"))),
            Some(d("2.25"))
        );
        assert_eq!(
            round(d("2.275"), Rounding::Nearest(d("0.05"))),
            Some(d("2.3"))
        );
        assert_eq!(to_cent(d("0.4958")), d("0.50"));
        assert_eq!(round(d("2.2"), Rounding::Nearest(cent)), Some(d("2.2")));
    }

    #[test]
    fn compare_agrees_with_decimal() {
        let values = [
            "0",
            "-0",
            "1",
            "-1",
            "612",
            "600",
            "600.00",
            "0.5",
            "-0.50",
            "79228162514264337593543950335",
        ];
        for a in values {
            for b in values {
                assert_eq!(compare(d(a), d(b)), d(a).cmp(&d(b)), "{a} {b}");
            }
        }
    }
}
