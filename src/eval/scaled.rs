//! The price of a formula tariff in scaled integers, without `Decimal` arithmetic.
//!
//! A tariff that cannot be priced in advance (its base is a formula of an input, such
//! as `repas = qf × 0,36 %`) but whose base and modifiers only add, subtract, multiply,
//! take a minimum, a maximum or a bound, and round to a power of ten, is computed on
//! whole mantissas of 64 bits with their number of decimals, as `Decimal` holds
//! numbers. Within 96 bits and 28 decimals `Decimal`'s additions and products are
//! exact, and so are these, following its rules for decimals: the same number with the
//! same number of decimals, hence the same price to the cent and the same text.
//! Anything else (a division, a value beyond 64 bits or 28 decimals, an unknown value,
//! a price below 0 €, a zero `Decimal` could sign) is left to the full evaluation,
//! which gives the same price or the error.

use rust_decimal::{Decimal, RoundingStrategy};

use super::Family;
use super::direct::Test;
use super::number;
use super::plan::{ActionPlan, DefinitionBody, Num, Plan, StepPlan};
use super::rows::POWERS_OF_TEN;
use crate::rules::{ArithOp, Rounding, Value};

/// The most decimals a `Decimal` holds.
const MAX_SCALE: u32 = 28;
/// How deep definitions may nest in a formula read here.
const MAX_DEPTH: usize = 16;

/// A number as `Decimal` holds it, a whole mantissa and its number of decimals, the
/// mantissa in 64 bits (an amount, a quotient, a rate have far fewer digits; a value
/// beyond is left to `Decimal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fixed {
    m: i64,
    scale: u32,
}

impl Fixed {
    /// `n`; `None` for a negative zero, whose sign `Decimal` keeps, or beyond 64 bits.
    fn of(n: Decimal) -> Option<Fixed> {
        if n.is_zero() && n.is_sign_negative() {
            return None;
        }
        Some(Fixed {
            m: i64::try_from(n.mantissa()).ok()?,
            scale: n.scale(),
        })
    }

    /// The result of an operation on `a` and `b`: `None` when it is zero and an operand
    /// is negative (`Decimal` may give −0 there), or with more decimals than `Decimal`
    /// holds (it would round).
    fn result(m: i64, scale: u32, a: Fixed, b: Fixed) -> Option<Fixed> {
        if (m == 0 && (a.m < 0 || b.m < 0)) || scale > MAX_SCALE {
            return None;
        }
        Some(Fixed { m, scale })
    }

    fn decimal(self) -> Option<Decimal> {
        Decimal::try_new(self.m, self.scale).ok()
    }

    /// Both mantissas with the larger number of decimals.
    #[inline]
    fn aligned(self, other: Fixed) -> Option<(i64, i64, u32)> {
        if self.scale == other.scale {
            return Some((self.m, other.m, self.scale));
        }
        let scale = self.scale.max(other.scale);
        let up = |x: Fixed| {
            x.m.checked_mul(*POWERS_OF_TEN.get((scale - x.scale) as usize)?)
        };
        Some((up(self)?, up(other)?, scale))
    }

    /// `self + other`, or `self − other` when `negated`: `Decimal` adds the operands
    /// rescaled to the larger number of decimals, exactly when the sum fits; a zero
    /// operand leaves the other as it is, decimals and all.
    fn add(self, other: Fixed, negated: bool) -> Option<Fixed> {
        if other.m == 0 {
            return Some(self);
        }
        if self.m == 0 {
            let m = if negated {
                other.m.checked_neg()?
            } else {
                other.m
            };
            return Some(Fixed { m, ..other });
        }
        let (a, b, scale) = self.aligned(other)?;
        let (sum, other) = if negated {
            (a.checked_sub(b)?, Fixed { m: -b, scale })
        } else {
            (a.checked_add(b)?, Fixed { m: b, scale })
        };
        Fixed::result(sum, scale, self, other)
    }

    /// `Decimal`'s product: exact, its decimals the sum of theirs, within 28; a zero
    /// factor gives 0 without decimals.
    fn mul(self, other: Fixed) -> Option<Fixed> {
        if self.m == 0 || other.m == 0 {
            return Some(Fixed { m: 0, scale: 0 });
        }
        Fixed::result(
            self.m.checked_mul(other.m)?,
            self.scale + other.scale,
            self,
            other,
        )
    }

    fn less(self, other: Fixed) -> Option<bool> {
        let (a, b, _) = self.aligned(other)?;
        Some(a < b)
    }

    /// `Decimal::max`: `self` unless it is less (an equal `other` with other decimals
    /// is not taken).
    fn max(self, other: Fixed) -> Option<Fixed> {
        Some(if self.less(other)? { other } else { self })
    }

    /// `Decimal::min`: `self` unless it is greater.
    fn min(self, other: Fixed) -> Option<Fixed> {
        Some(if other.less(self)? { other } else { self })
    }

    /// Rounded to `dp` decimals as [`number::round`] does; unchanged with no more.
    fn round(self, dp: u32, strategy: RoundingStrategy) -> Option<Fixed> {
        let Some(shift) = self.scale.checked_sub(dp).filter(|&s| s > 0) else {
            return Some(self);
        };
        let m = number::round_mantissa(i128::from(self.m), shift, strategy)?;
        Some(Fixed {
            m: i64::try_from(m).ok()?,
            scale: dp,
        })
    }
}

/// A rounding to a power of ten: its decimals and direction; `None` to keep the value
/// (a step of 0).
type Round = Option<(u32, RoundingStrategy)>;

/// A rounding mode whose step is a power of ten (`au centime`, `à l'euro inférieur`);
/// `None` for another step (`à 0,05 € près`), which divides.
fn power_of_ten(mode: Rounding) -> Option<Round> {
    let step = mode.step();
    if step.is_zero() {
        return Some(None);
    }
    (step.mantissa() == 1).then(|| Some((step.scale(), number::strategy(mode))))
}

/// A formula: what the evaluator computes, on scaled integers.
#[derive(Debug, Clone)]
enum Formula {
    Const(Fixed),
    /// An input's number, else its default; any other value is left to the
    /// evaluator.
    Input {
        input: u32,
        default: Option<Fixed>,
    },
    Negate(Box<Formula>),
    Add(Box<[Formula; 2]>),
    Sub(Box<[Formula; 2]>),
    Mul(Box<[Formula; 2]>),
    Min(Vec<Formula>),
    Max(Vec<Formula>),
    Clamp(Box<[Formula; 3]>),
    Round(Box<Formula>, Round),
}

impl Formula {
    /// The formula of `e`; `None` for what divides, reads a table, a date, a
    /// condition or another tariff.
    fn new(plan: &Plan<'_>, e: &Num<'_>, depth: usize) -> Option<Formula> {
        if depth > MAX_DEPTH {
            return None;
        }
        let formula = |x: &Num<'_>| Formula::new(plan, x, depth + 1);
        let pair = |x: &[Num<'_>; 2]| Some(Box::new([formula(&x[0])?, formula(&x[1])?]));
        Some(match e {
            Num::Const(n) => Formula::Const(Fixed::of(*n)?),
            Num::Input(i) => Formula::Input {
                input: *i,
                default: match plan.inputs.get(*i as usize)?.default {
                    Some(Value::Number(n)) => Some(Fixed::of(n)?),
                    Some(_) => return None,
                    None => None,
                },
            },
            Num::Definition(d) => match &plan.definitions.get(*d as usize)?.body {
                DefinitionBody::Num(body) => formula(body)?,
                _ => return None,
            },
            Num::Negate(x) => Formula::Negate(Box::new(formula(x)?)),
            Num::Arith(ArithOp::Add, x, _) => Formula::Add(pair(x)?),
            Num::Arith(ArithOp::Sub, x, _) => Formula::Sub(pair(x)?),
            Num::Arith(ArithOp::Mul, x, _) => Formula::Mul(pair(x)?),
            Num::Min(args) if !args.is_empty() => {
                Formula::Min(args.iter().map(formula).collect::<Option<_>>()?)
            }
            Num::Max(args) if !args.is_empty() => {
                Formula::Max(args.iter().map(formula).collect::<Option<_>>()?)
            }
            Num::Clamp(parts) => Formula::Clamp(Box::new([
                formula(&parts[0])?,
                formula(&parts[1])?,
                formula(&parts[2])?,
            ])),
            Num::Round(x, mode, _) => Formula::Round(Box::new(formula(x)?), power_of_ten(*mode)?),
            Num::Arith(ArithOp::Div, ..)
            | Num::Exact(_)
            | Num::Min(_)
            | Num::Max(_)
            | Num::Tariff(_)
            | Num::If(..)
            | Num::Fallback(_)
            | Num::Mistyped(_) => return None,
        })
    }

    /// Its value for `family`; `None` when the evaluator must tell.
    fn value(&self, family: &Family) -> Option<Fixed> {
        match self {
            Formula::Const(n) => Some(*n),
            Formula::Input { input, default } => match family.given.get(*input as usize) {
                Some(Some((Value::Number(n), _))) => Fixed::of(*n),
                Some(Some(_)) => None,
                _ => *default,
            },
            Formula::Negate(x) => {
                let x = x.value(family)?;
                // `Decimal` negates 0 into −0.
                (x.m != 0).then_some(Fixed { m: -x.m, ..x })
            }
            Formula::Add(x) => x[0].value(family)?.add(x[1].value(family)?, false),
            Formula::Sub(x) => x[0].value(family)?.add(x[1].value(family)?, true),
            Formula::Mul(x) => x[0].value(family)?.mul(x[1].value(family)?),
            Formula::Min(args) | Formula::Max(args) => {
                let is_min = matches!(self, Formula::Min(_));
                let (first, rest) = args.split_first()?;
                rest.iter().try_fold(first.value(family)?, |best, arg| {
                    let n = arg.value(family)?;
                    if is_min { best.min(n) } else { best.max(n) }
                })
            }
            Formula::Clamp(parts) => {
                let x = parts[0].value(family)?;
                let low = parts[1].value(family)?;
                let high = parts[2].value(family)?;
                x.min(high)?.max(low)
            }
            Formula::Round(x, round) => {
                let x = x.value(family)?;
                match round {
                    Some((dp, strategy)) => x.round(*dp, *strategy),
                    None => Some(x),
                }
            }
        }
    }
}

/// What a modifier does to the running value.
#[derive(Debug, Clone)]
enum Change {
    /// Times a factor (`multiplié par`, a constant rate as `1 ± taux`).
    Mul(Formula),
    /// Plus or minus `rate` times the running value, or the base.
    Rate {
        rate: Formula,
        of_base: bool,
        increase: bool,
    },
    Add(Formula),
    Sub(Formula),
    Replace(Formula),
    Exemption,
    Floor(Formula),
    Ceiling(Formula),
    Round(Round),
}

/// A modifier: its condition, decided by one input, and what it does.
#[derive(Debug, Clone)]
struct Modifier {
    test: Option<Test>,
    change: Change,
}

/// A tariff computed on scaled integers: its base and its modifiers in file order.
#[derive(Debug, Clone)]
pub(super) struct Scaled {
    base: Formula,
    modifiers: Vec<Modifier>,
}

impl Scaled {
    /// The scaled form of tariff number `t`, when its base and every modifier have
    /// one (no `la plus favorable de`, conditions on one input each).
    pub(super) fn new(plan: &Plan<'_>, t: usize) -> Option<Scaled> {
        let tariff = plan.tariffs.get(t)?;
        let base = match &plan.definitions.get(tariff.base as usize)?.body {
            DefinitionBody::Num(body) => Formula::new(plan, body, 0)?,
            _ => return None,
        };
        let formula = |e: &Num<'_>| Formula::new(plan, e, 0);
        let modifiers = tariff
            .steps
            .iter()
            .map(|step| {
                let StepPlan::One(m) = step else {
                    return None;
                };
                let test = match &m.condition {
                    Some(condition) => Some(Test::of(plan, condition)?),
                    None => None,
                };
                let change = match &m.action {
                    ActionPlan::Factor { factor, .. } => {
                        Change::Mul(Formula::Const(Fixed::of(*factor)?))
                    }
                    ActionPlan::Rate {
                        rate,
                        of_base,
                        increase,
                    } => Change::Rate {
                        rate: formula(rate)?,
                        of_base: *of_base,
                        increase: *increase,
                    },
                    ActionPlan::IncreaseAmount(e) => Change::Add(formula(e)?),
                    ActionPlan::DecreaseAmount(e) => Change::Sub(formula(e)?),
                    ActionPlan::Multiply(e) => Change::Mul(formula(e)?),
                    ActionPlan::Replace(e) => Change::Replace(formula(e)?),
                    ActionPlan::Exemption => Change::Exemption,
                    ActionPlan::Floor(e) => Change::Floor(formula(e)?),
                    ActionPlan::Ceiling(e) => Change::Ceiling(formula(e)?),
                    ActionPlan::Round(mode) => Change::Round(power_of_ten(*mode)?),
                };
                Some(Modifier { test, change })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Scaled { base, modifiers })
    }

    /// The price for `family`, as the evaluator gives it; `None` when the evaluator
    /// must tell (errors included).
    pub(super) fn price(&self, family: &Family) -> Option<Decimal> {
        let base = self.base.value(family)?;
        let mut value = base;
        for m in &self.modifiers {
            if let Some(test) = &m.test
                && !test.holds(family)?
            {
                continue;
            }
            value = match &m.change {
                Change::Mul(f) => value.mul(f.value(family)?)?,
                Change::Rate {
                    rate,
                    of_base,
                    increase,
                } => {
                    let of = if *of_base { base } else { value };
                    let change = of.mul(rate.value(family)?)?;
                    value.add(change, !increase)?
                }
                Change::Add(f) => value.add(f.value(family)?, false)?,
                Change::Sub(f) => value.add(f.value(family)?, true)?,
                Change::Replace(f) => f.value(family)?,
                // 0 €, and no later modifier applies.
                Change::Exemption => return Some(Decimal::ZERO),
                Change::Floor(f) => value.max(f.value(family)?)?,
                Change::Ceiling(f) => value.min(f.value(family)?)?,
                Change::Round(Some((dp, strategy))) => value.round(*dp, *strategy)?,
                Change::Round(None) => value,
            };
        }
        // Below 0 €: the evaluator's error.
        if value.m < 0 {
            return None;
        }
        if value.scale > 2 {
            value = value.round(2, RoundingStrategy::MidpointAwayFromZero)?;
        }
        value.decimal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::eval::Session;
    use crate::inputs::read_family_json;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use serde_json::json;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 10, 15).expect("date")
    }

    /// A deliberation with one formula tariff, its inputs those the generated
    /// formulas and conditions read.
    fn deliberation(whole: bool, base: &str, modifiers: &[String]) -> String {
        let qf = if whole { "montant entier" } else { "montant" };
        let mut text = format!(
            "délibération « Formule »\n  collectivité « Essai »\n  applicable du 01/01/2025 au 31/12/2026\n\n\
             entrées\n  qf : {qf}\n  pai : booléen, par défaut non\n  rang : entier, par défaut 1\n  \
             résidence : choix parmi commune, hors_commune, par défaut commune\n\n\
             article 1 « Prix »\n  tarif repas (par repas)\n  repas = {base}\n"
        );
        for m in modifiers {
            text.push_str(&format!("  repas : {m}\n"));
        }
        text
    }

    /// A number as the deliberation writes it: `mantissa` with `scale` decimals.
    fn written(mantissa: u32, scale: u32) -> String {
        Decimal::new(i64::from(mantissa), scale)
            .to_string()
            .replace('.', ",")
    }

    fn amount() -> impl Strategy<Value = String> {
        (0u32..900, 0u32..3).prop_map(|(m, s)| written(m, s))
    }

    fn rate() -> impl Strategy<Value = String> {
        (0u32..5_000, 0u32..4).prop_map(|(m, s)| written(m, s))
    }

    fn base() -> impl Strategy<Value = String> {
        (rate(), amount(), amount(), 0usize..5).prop_map(|(r, a, b, shape)| match shape {
            0 => format!("qf × {r} %"),
            1 => format!("qf × {r} % + {a} €"),
            2 => format!("max(qf × {r} % ; {a} €)"),
            3 => format!("borné(qf × {r} % ; entre {a} € et {a} € + {b} €)"),
            _ => format!("arrondi(qf × {r} % ; au centime inférieur) - {} €", &a[..1]),
        })
    }

    fn modifier() -> impl Strategy<Value = String> {
        let action = (rate(), amount(), 0usize..15).prop_map(|(r, a, which)| match which {
            0 => format!("majoration de {r} %"),
            1 => format!("réduction de {} %", written(r.len() as u32 * 7, 1)),
            2 => format!("majoration de {a} €"),
            3 => format!("réduction de {a} €"),
            4 => format!("multiplié par {r}"),
            5 => format!("remplacé par {a} €"),
            6 => format!("au moins {a} €"),
            7 => format!("au plus {a} €"),
            8 => "arrondi au centime".to_string(),
            9 => "arrondi au centime inférieur".to_string(),
            10 => "arrondi au centime supérieur".to_string(),
            11 => "arrondi à l'euro".to_string(),
            12 => "arrondi à l'euro inférieur".to_string(),
            13 => format!(
                "réduction de {} % du tarif de base",
                written(r.len() as u32 * 9, 1)
            ),
            _ => "gratuité".to_string(),
        });
        let condition = prop::sample::select(vec![
            "",
            " si pai",
            " si non pai",
            " si rang ≥ 3",
            " si résidence = hors_commune",
        ]);
        (action, condition).prop_map(|(a, c)| format!("{a}{c}"))
    }

    fn family() -> impl Strategy<Value = serde_json::Value> {
        (
            prop_oneof![
                1 => Just(None),
                6 => (0u32..6_000).prop_map(|q| Some(json!(q))),
                3 => (0u32..600_000).prop_map(|q| Some(json!(written(q, 2)))),
            ],
            prop::option::of(any::<bool>()),
            prop::option::of(1u32..6),
            prop::option::of(prop::sample::select(vec!["commune", "hors_commune"])),
        )
            .prop_map(|(qf, pai, rang, residence)| {
                let mut family = serde_json::Map::new();
                if let Some(qf) = qf {
                    family.insert("qf".into(), qf);
                }
                if let Some(pai) = pai {
                    family.insert("pai".into(), json!(pai));
                }
                if let Some(rang) = rang {
                    family.insert("rang".into(), json!(rang));
                }
                if let Some(residence) = residence {
                    family.insert("résidence".into(), json!(residence));
                }
                serde_json::Value::Object(family)
            })
    }

    #[test]
    fn a_formula_of_the_quotient_is_computed_on_scaled_integers() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deliberations");
        let source = |name: &str| std::fs::read_to_string(folder.join(name)).expect("file");
        let fay = Document::from_source(&source("fay-aux-loges-cantine.delib")).expect("fay");
        let plan = Plan::new(&fay.deliberation);
        assert!(plan.tariffs[0].scaled.is_some(), "repas = qf × 0,36 %");
        // The PSU divides by 12: left to `Decimal`.
        let psu = Document::from_source(&source("cnaf-psu-creche.delib")).expect("psu");
        let plan = Plan::new(&psu.deliberation);
        assert!(plan.tariffs.iter().all(|t| t.scaled.is_none()));

        let d = &fay.deliberation;
        let mut session = Session::new(d);
        let scaled = session.plan.tariffs[0].scaled.clone().expect("scaled");
        for (family, price) in [
            (json!({"qf": 853}), "3.07"),
            (json!({"qf": 500}), "2.60"),
            (json!({"qf": 2000}), "4.50"),
            (json!({"qf": 853, "pai": true}), "1.75"),
        ] {
            let family = read_family_json(d, &family).family;
            assert_eq!(
                scaled.price(&family).map(|p| p.to_string()).as_deref(),
                Some(price)
            );
            let full = session.justify(&family, day(), 0).0.expect("price");
            assert_eq!(full.to_string(), price);
        }
        // No quotient: the evaluator's error, not a price.
        let family = read_family_json(d, &json!({})).family;
        assert_eq!(scaled.price(&family), None);
        assert!(session.price(&family, day(), 0).is_err());
    }

    #[test]
    fn a_value_beyond_64_bits_or_a_negative_zero_is_left_to_decimal() {
        let big = Fixed {
            m: i64::MAX / 2 + 1,
            scale: 0,
        };
        assert_eq!(big.add(big, false), None);
        assert_eq!(big.mul(Fixed { m: 2, scale: 0 }), None);
        assert_eq!(big.add(Fixed { m: 1, scale: 1 }, false), None, "rescaled");
        assert_eq!(Fixed::of(Decimal::MAX), None);
        let many = Fixed { m: 1, scale: 20 };
        assert_eq!(many.mul(many), None, "40 decimals");
        // What `Decimal` does with a zero: a product without decimals, a sum that is
        // the other operand as it is.
        let zero = Fixed { m: 0, scale: 2 };
        let minus = Fixed { m: -3, scale: 0 };
        let product = Decimal::new(-3, 0) * Decimal::new(0, 2);
        assert_eq!(product.to_string(), "0");
        assert_eq!(minus.mul(zero).and_then(Fixed::decimal), Some(product));
        let difference = Decimal::new(0, 2) - Decimal::new(26, 1);
        assert_eq!(difference.to_string(), "-2.6");
        let scaled = zero.add(Fixed { m: 26, scale: 1 }, true);
        assert_eq!(
            scaled.and_then(Fixed::decimal).map(|d| d.to_string()),
            Some(difference.to_string())
        );
        // A difference of two equal negatives may be −0: left to `Decimal`.
        assert_eq!(minus.add(minus, true), None);
        // `Decimal` negates 0 into −0, and writes it so.
        assert_eq!((-Decimal::ZERO).to_string(), "-0");
        assert_eq!(Fixed::of(-Decimal::ZERO), None);
        // `Decimal::max`/`min` keep the first of two equal numbers, decimals and all.
        let (a, b) = (Fixed { m: 26, scale: 1 }, Fixed { m: 260, scale: 2 });
        assert_eq!(a.max(b), Some(a));
        assert_eq!(b.min(a), Some(b));
        assert_eq!(
            Decimal::new(26, 1).max(Decimal::new(260, 2)).scale(),
            a.max(b).expect("max").scale
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A formula tariff gets a scaled form, and for any family its price there is
        /// the full evaluation's, to the text (same decimals); where it gives none,
        /// the evaluator prices or refuses the family as `Session::price` does.
        #[test]
        fn scaled_prices_are_the_decimal_prices(
            whole in any::<bool>(),
            base in base(),
            modifiers in prop::collection::vec(modifier(), 0..6),
            families in prop::collection::vec(family(), 1..12),
        ) {
            let text = deliberation(whole, &base, &modifiers);
            let document = Document::from_source(&text);
            prop_assume!(document.is_ok());
            let document = document.expect("checked");
            let d = &document.deliberation;
            let mut session = Session::new(d);
            let scaled = session.plan.tariffs[0].scaled.clone();
            prop_assert!(scaled.is_some(), "{}", text);
            let scaled = scaled.expect("scaled");
            for family in &families {
                let read = read_family_json(d, family);
                let full = session.justify(&read.family, day(), 0).0;
                let priced = session.price(&read.family, day(), 0);
                prop_assert_eq!(&priced, &full, "{} {}", text, family);
                if let Some(price) = scaled.price(&read.family) {
                    let full = full.as_ref().map(|p| p.to_string()).ok();
                    prop_assert_eq!(Some(price.to_string()), full, "{} {}", text, family);
                }
            }
        }
    }
}
