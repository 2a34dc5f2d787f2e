//! What the checker knows about every expression: its type, its granularity (the step
//! its values are multiples of), the range of values it can take, and the inputs whose
//! absence can leave it unknown.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use crate::rules::{ChoiceId, InputId};

/// The type of an expression, as the checker sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Amount,
    Rate,
    Number,
    Bool,
    Date,
    Choice(BTreeSet<ChoiceId>),
    /// After an error: accepted everywhere, so that one mistake gives one diagnostic.
    Error,
}

impl Ty {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Amount | Ty::Rate | Ty::Number | Ty::Error)
    }
}

/// The step every value of an expression is a multiple of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// Multiples of the step; `Step(0)` is the constant zero.
    Step(Decimal),
    /// Any decimal.
    Dense,
}

impl Grain {
    pub const CENT: Grain = Grain::Step(Decimal::from_parts(1, 0, 0, false, 2));
    pub const WHOLE: Grain = Grain::Step(Decimal::ONE);

    /// The grain of a constant: the constant itself.
    pub fn of(value: Decimal) -> Grain {
        Grain::Step(value.abs().normalize())
    }

    /// The grain of `a ± b`, of either of two values: the greatest common step.
    pub fn join(self, other: Grain) -> Grain {
        match (self, other) {
            (Grain::Step(a), Grain::Step(b)) => gcd(a, b).map_or(Grain::Dense, Grain::Step),
            _ => Grain::Dense,
        }
    }

    /// The grain of `a × b`.
    pub fn times(self, other: Grain) -> Grain {
        match (self, other) {
            (Grain::Step(a), Grain::Step(b)) => a
                .checked_mul(b)
                .map_or(Grain::Dense, |s| Grain::Step(s.normalize())),
            _ => Grain::Dense,
        }
    }

    /// The grain of `a / c` for a constant `c`, when it can be written exactly.
    pub fn divided_by(self, divisor: Decimal) -> Grain {
        let Grain::Step(step) = self else {
            return Grain::Dense;
        };
        match step.checked_div(divisor) {
            Some(q) if q.checked_mul(divisor) == Some(step) => Grain::Step(q.abs().normalize()),
            _ => Grain::Dense,
        }
    }

    /// Whether every value is a multiple of `step` (`Grain::WHOLE.divides_into(0,01)`).
    pub fn is_multiple_of(self, step: Decimal) -> bool {
        match self {
            Grain::Step(s) if s.is_zero() => true,
            Grain::Step(s) => !step.is_zero() && (s % step).is_zero(),
            Grain::Dense => false,
        }
    }
}

/// The greatest common divisor of two non-negative decimals, `None` on overflow.
fn gcd(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let mut x = scaled(a, scale)?;
    let mut y = scaled(b, scale)?;
    while y != 0 {
        (x, y) = (y, x % y);
    }
    Decimal::try_from_i128_with_scale(x, scale)
        .ok()
        .map(|d| d.normalize())
}

fn scaled(value: Decimal, scale: u32) -> Option<i128> {
    let mut m = value.abs().mantissa();
    for _ in value.scale()..scale {
        m = m.checked_mul(10)?;
    }
    Some(m)
}

/// The values an expression can take: a closed interval, `None` ends are infinite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
}

impl Range {
    pub const ALL: Range = Range {
        low: None,
        high: None,
    };
    pub const NON_NEGATIVE: Range = Range {
        low: Some(Decimal::ZERO),
        high: None,
    };

    pub fn point(value: Decimal) -> Range {
        Range {
            low: Some(value),
            high: Some(value),
        }
    }

    /// The constant, when the range holds one value.
    pub fn constant(self) -> Option<Decimal> {
        match (self.low, self.high) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }

    /// The smallest range holding both.
    pub fn hull(self, other: Range) -> Range {
        Range {
            low: self.low.zip(other.low).map(|(a, b)| a.min(b)),
            high: self.high.zip(other.high).map(|(a, b)| a.max(b)),
        }
    }

    pub fn add(self, other: Range) -> Range {
        Range {
            low: self.low.zip(other.low).and_then(|(a, b)| a.checked_add(b)),
            high: self
                .high
                .zip(other.high)
                .and_then(|(a, b)| a.checked_add(b)),
        }
    }

    pub fn negate(self) -> Range {
        Range {
            low: self.high.map(|v| -v),
            high: self.low.map(|v| -v),
        }
    }

    pub fn sub(self, other: Range) -> Range {
        self.add(other.negate())
    }

    pub fn mul(self, other: Range) -> Range {
        let (Some(a), Some(b), Some(c), Some(d)) = (self.low, self.high, other.low, other.high)
        else {
            return self.mul_unbounded(other);
        };
        let products = [
            a.checked_mul(c),
            a.checked_mul(d),
            b.checked_mul(c),
            b.checked_mul(d),
        ];
        if products.iter().any(Option::is_none) {
            return Range::ALL;
        }
        let products = products.into_iter().flatten();
        Range {
            low: products.clone().min(),
            high: products.max(),
        }
    }

    /// `×` when an end is infinite: exact for non-negative operands, else everything.
    fn mul_unbounded(self, other: Range) -> Range {
        if self.is_non_negative() && other.is_non_negative() {
            let low = self.low.zip(other.low).and_then(|(a, b)| a.checked_mul(b));
            Range { low, high: None }
        } else {
            Range::ALL
        }
    }

    pub fn div(self, other: Range) -> Range {
        match other.constant() {
            Some(c) if !c.is_zero() => Range {
                low: self.low.and_then(|v| v.checked_div(c)),
                high: self.high.and_then(|v| v.checked_div(c)),
            }
            .ordered(c.is_sign_negative()),
            _ if self.is_non_negative() && other.is_non_negative() => {
                let low = match (self.low, other.high) {
                    (Some(a), Some(d)) if !d.is_zero() => a.checked_div(d),
                    _ => Some(Decimal::ZERO),
                };
                Range { low, high: None }
            }
            _ => Range::ALL,
        }
    }

    fn ordered(self, swap: bool) -> Range {
        if swap {
            Range {
                low: self.high,
                high: self.low,
            }
        } else {
            self
        }
    }

    pub fn min(self, other: Range) -> Range {
        Range {
            low: match (self.low, other.low) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            },
            high: match (self.high, other.high) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    pub fn max(self, other: Range) -> Range {
        self.negate().min(other.negate()).negate()
    }

    /// The range after rounding to `step`: the ends move out by one step, but a
    /// value that is not negative stays so.
    pub fn widened(self, step: Decimal) -> Range {
        let low = self.low.and_then(|v| v.checked_sub(step));
        Range {
            low: match (self.low, low) {
                (Some(v), Some(l)) if !v.is_sign_negative() => Some(l.max(Decimal::ZERO)),
                _ => low,
            },
            high: self.high.and_then(|v| v.checked_add(step)),
        }
    }

    /// The range after a rounding: rounding never reverses an order, so the ends are
    /// the rounded ends (`None` when a quotient overflows).
    pub fn rounded(self, mode: crate::rules::Rounding) -> Range {
        use crate::rules::Rounding;
        use rust_decimal::RoundingStrategy;
        let round = |v: Decimal| {
            let step = mode.step();
            let units = v.checked_div(step)?;
            let units = match mode {
                Rounding::Nearest(_) => {
                    units.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                }
                Rounding::Down(_) => units.floor(),
                Rounding::Up(_) => units.ceil(),
            };
            units.checked_mul(step)
        };
        Range {
            low: self.low.and_then(round),
            high: self.high.and_then(round),
        }
    }

    pub fn is_non_negative(self) -> bool {
        self.low
            .is_some_and(|v| !v.is_sign_negative() || v.is_zero())
    }
}

/// Everything the checker knows about an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub ty: Ty,
    pub grain: Grain,
    pub range: Range,
    /// The inputs whose absence can leave the value unknown.
    pub unknown: BTreeSet<InputId>,
}

impl Facts {
    pub fn error() -> Facts {
        Facts::of(Ty::Error)
    }

    /// A value of type `ty` about which nothing else is known.
    pub fn of(ty: Ty) -> Facts {
        Facts {
            ty,
            grain: Grain::Dense,
            range: Range::ALL,
            unknown: BTreeSet::new(),
        }
    }

    /// A constant number of type `ty`.
    pub fn constant(ty: Ty, value: Decimal) -> Facts {
        Facts {
            ty,
            grain: Grain::of(value),
            range: Range::point(value),
            unknown: BTreeSet::new(),
        }
    }

    /// The facts of a tariff's final price, from those of its base: the modifiers (if
    /// any) can move it anywhere at or above 0 €, and it ends on a cent.
    pub fn final_price(base: Facts, modified: bool) -> Facts {
        if modified {
            return Facts {
                ty: base.ty,
                grain: Grain::CENT,
                range: Range::NON_NEGATIVE,
                unknown: base.unknown,
            };
        }
        if base.grain.is_multiple_of(Decimal::new(1, 2)) {
            return base;
        }
        Facts {
            grain: Grain::CENT,
            range: base.range.widened(Decimal::new(1, 2)),
            ..base
        }
    }

    /// The facts of a value that is either `self` or `other`.
    pub fn either(mut self, other: &Facts) -> Facts {
        self.grain = self.grain.join(other.grain);
        self.range = self.range.hull(other.range);
        self.unknown.extend(other.unknown.iter().copied());
        if let (Ty::Choice(a), Ty::Choice(b)) = (&mut self.ty, &other.ty) {
            a.extend(b.iter().copied());
        }
        if self.ty == Ty::Error {
            self.ty = other.ty.clone();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn grains_combine_like_steps() {
        assert_eq!(Grain::WHOLE.join(Grain::CENT), Grain::CENT);
        assert_eq!(Grain::of(d("0.5")).join(Grain::WHOLE), Grain::of(d("0.5")));
        assert_eq!(
            Grain::CENT.times(Grain::of(d("1.3"))),
            Grain::of(d("0.013"))
        );
        assert_eq!(Grain::WHOLE.divided_by(d("12")), Grain::Dense);
        assert_eq!(Grain::WHOLE.divided_by(d("4")), Grain::of(d("0.25")));
        assert!(Grain::WHOLE.is_multiple_of(d("0.01")));
        assert!(!Grain::of(d("0.013")).is_multiple_of(d("0.01")));
    }

    #[test]
    fn ranges_follow_interval_arithmetic() {
        let qf = Range::NON_NEGATIVE;
        assert_eq!(qf.div(Range::point(d("12"))), qf);
        let r = Range::point(d("1")).hull(Range::point(d("14")));
        let shifted = r.sub(Range::point(d("1"))).max(Range::point(d("1")));
        assert_eq!(
            shifted,
            Range {
                low: Some(d("1")),
                high: Some(d("13"))
            }
        );
    }
}
