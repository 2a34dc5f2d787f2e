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
    let strategy = strategy(mode);
    // A step of 1, 0,1, 0,01…: round to that many decimals, without dividing; a value
    // with no more decimals than the step is already a multiple of it.
    if step.mantissa() == 1 {
        return Some(round_dp(value, step.scale(), strategy));
    }
    let steps = round_dp(value.checked_div(step)?, 0, strategy);
    steps.checked_mul(step)
}

/// The direction of a rounding mode.
pub(super) fn strategy(mode: Rounding) -> RoundingStrategy {
    match mode {
        Rounding::Nearest(_) => RoundingStrategy::MidpointAwayFromZero,
        Rounding::Down(_) => RoundingStrategy::ToNegativeInfinity,
        Rounding::Up(_) => RoundingStrategy::ToPositiveInfinity,
    }
}

/// `value` rounded to `dp` decimals. A value with no more decimals is unchanged; any
/// other is rounded with one integer division of its mantissa (in 64 bits when it
/// fits: the usual amount; else in 128 bits, such as a monthly income divided by 12
/// then multiplied by a rate, 28 decimals), `rust_decimal` only for what is left.
#[inline]
fn round_dp(value: Decimal, dp: u32, strategy: RoundingStrategy) -> Decimal {
    let Some(shift) = value.scale().checked_sub(dp).filter(|&s| s > 0) else {
        return value;
    };
    match round_mantissa(value.mantissa(), shift, strategy) {
        Some(q) => Decimal::try_from_i128_with_scale(q, dp)
            .unwrap_or_else(|_| value.round_dp_with_strategy(dp, strategy)),
        None => value.round_dp_with_strategy(dp, strategy),
    }
}

/// The mantissa `m` with `shift` fewer decimals, rounded with `strategy`: one integer
/// division (in 64 bits when it fits); `None` for another strategy or a shift beyond
/// `i128`.
#[inline]
pub(super) fn round_mantissa(m: i128, shift: u32, strategy: RoundingStrategy) -> Option<i128> {
    let divisor = 10i128.checked_pow(shift)?;
    let (q, r) = match (i64::try_from(m), i64::try_from(divisor)) {
        (Ok(m), Ok(divisor)) => (i128::from(m / divisor), i128::from(m % divisor)),
        _ => (m / divisor, m % divisor),
    };
    Some(match strategy {
        RoundingStrategy::MidpointAwayFromZero
            if r.unsigned_abs() * 2 >= divisor.unsigned_abs() =>
        {
            q + r.signum()
        }
        RoundingStrategy::ToNegativeInfinity if r < 0 => q - 1,
        RoundingStrategy::ToPositiveInfinity if r > 0 => q + 1,
        RoundingStrategy::MidpointAwayFromZero
        | RoundingStrategy::ToNegativeInfinity
        | RoundingStrategy::ToPositiveInfinity => q,
        _ => return None,
    })
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
    round_dp(value, 2, RoundingStrategy::MidpointAwayFromZero)
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

    proptest::proptest! {
        #[test]
        fn integer_rounding_agrees_with_rust_decimal(
            mantissa in proptest::num::i64::ANY,
            high in proptest::num::u32::ANY,
            width in 0usize..3,
            scale in 0u32..=28,
            dp in 0u32..=4,
            mode in 0usize..3,
        ) {
            let strategy = [
                RoundingStrategy::MidpointAwayFromZero,
                RoundingStrategy::ToNegativeInfinity,
                RoundingStrategy::ToPositiveInfinity,
            ][mode];
            // 64 bits, a little more, or the 96 bits of a `Decimal`'s mantissa.
            let m = match width {
                0 => i128::from(mantissa),
                1 => i128::from(mantissa) * 1_000_003,
                _ => i128::from(mantissa) + (i128::from(high) << 64) * i128::from(mantissa.signum()),
            };
            let value = Decimal::from_i128_with_scale(m, scale);
            let ours = round_dp(value, dp, strategy);
            let theirs = value.round_dp_with_strategy(dp, strategy);
            proptest::prop_assert_eq!(ours, theirs, "{} to {} decimals", value, dp);
            proptest::prop_assert_eq!(ours.scale(), theirs.scale());
        }
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
