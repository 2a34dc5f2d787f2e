//! Expressions: names resolved, types and units checked, and the facts (grain, range,
//! unknown inputs) computed along the way.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::Checker;
use super::error::{CheckError, CheckErrorKind, TyExpected};
use super::facts::{Facts, Grain, Ty};
use super::names::NameRef;
use crate::rules::{self, ArithOp, CompareOp, DefinitionId, ExprKind as R, Value};
use crate::syntax::ast::{self, ExprKind as A, Unit};

/// What is known of names here: `x` has a value in the `alors` branch of `si x est
/// connu`, and `parts` is above 0 in that of `si parts > 0`.
pub type Assumed<'e> = Vec<Assumption<'e>>;

/// A name known to have a value, and perhaps a lower bound (value, inclusive).
#[derive(Debug, Clone, Copy)]
pub struct Assumption<'e> {
    pub name: &'e str,
    pub above: Option<(Decimal, bool)>,
}

/// A typed expression and its facts.
pub type Typed = (rules::Expr, Facts);

impl<'a> Checker<'a> {
    /// Types `expr`, with the names of `assumed` known to have a value.
    pub fn expr<'e>(&mut self, expr: &'e ast::Expr, assumed: &Assumed<'e>) -> Typed {
        let span = expr.span;
        let (kind, facts) = match &expr.kind {
            A::Quantity(q) => (
                R::Const(Value::Number(q.value)),
                quantity_facts(q.value, q.unit),
            ),
            A::Date(d) => {
                let day = rules::day_number(*d);
                (R::Const(Value::Date(*d)), Facts::constant(Ty::Date, day))
            }
            A::Bool(b) => (R::Const(Value::Bool(*b)), Facts::of(Ty::Bool)),
            A::Name(name) => self.name(name, span, assumed),
            A::Negate(e) => {
                let (e, f) = self.numeric(e, assumed);
                let facts = Facts {
                    range: f.range.negate(),
                    ..f
                };
                (R::Negate(Box::new(e)), facts)
            }
            A::Not(e) => {
                let (e, f) = self.boolean(e, assumed);
                (R::Not(Box::new(e)), f)
            }
            A::Arith(op, a, b) => return self.arith(*op, a, b, assumed, span),
            A::Compare(op, a, b) => {
                let (ea, fa) = self.expr(a, assumed);
                let (eb, fb) = match (&fa.ty, &b.kind) {
                    // `résidence = hors_comune`: a misspelt value, not an unknown name.
                    (Ty::Choice(allowed), A::Name(word)) if self.is_unresolved(word) => {
                        let allowed = allowed.clone();
                        self.unknown_choice(word, &allowed, b.span);
                        let constant = R::Const(Value::Bool(false));
                        (
                            rules::Expr {
                                kind: constant,
                                span: b.span,
                            },
                            Facts::error(),
                        )
                    }
                    // `formule = 4C` where `formule` could not be read: its values are
                    // unknown, and the declaration's error says why.
                    (Ty::Error, A::Name(word)) if self.is_unresolved(word) => (
                        rules::Expr {
                            kind: R::Const(Value::Bool(false)),
                            span: b.span,
                        },
                        Facts::error(),
                    ),
                    _ => self.expr(b, assumed),
                };
                // `si qf > 1000`: a bare number compared with an amount is an amount, as
                // in a grid (either side).
                let (fa, fb) = (amount_if_bare(a, &fa, &fb), amount_if_bare(b, &fb, &fa));
                self.compare(*op, (&fa, a), (&fb, b), span);
                let facts = bool_facts(&[&fa, &fb]);
                (R::Compare(*op, Box::new(ea), Box::new(eb)), facts)
            }
            A::And(a, b) | A::Or(a, b) => {
                let is_and = matches!(expr.kind, A::And(..));
                let (ea, fa) = self.boolean(a, assumed);
                // `qf est connu et qf ≤ 1 000 €`: the right side is read knowing the left.
                let mut inner = assumed.clone();
                inner.extend(assumptions(a, is_and));
                let (eb, fb) = self.boolean(b, &inner);
                let facts = bool_facts(&[&fa, &fb]);
                let kind = if is_and {
                    R::And(Box::new(ea), Box::new(eb))
                } else {
                    R::Or(Box::new(ea), Box::new(eb))
                };
                (kind, facts)
            }
            A::IsKnown { value, known } => {
                let (e, _) = self.expr(value, assumed);
                let kind = R::IsKnown {
                    value: Box::new(e),
                    known: *known,
                };
                (kind, Facts::of(Ty::Bool))
            }
            A::Between(x, lo, hi) => {
                let (ex, fx) = self.expr(x, assumed);
                let (el, fl) = self.expr(lo, assumed);
                let (eh, fh) = self.expr(hi, assumed);
                let (fl, fh) = (amount_if_bare(lo, &fl, &fx), amount_if_bare(hi, &fh, &fx));
                self.compare(CompareOp::Ge, (&fx, x), (&fl, lo), span);
                self.compare(CompareOp::Le, (&fx, x), (&fh, hi), span);
                let facts = bool_facts(&[&fx, &fl, &fh]);
                (R::Between(Box::new(ex), Box::new(el), Box::new(eh)), facts)
            }
            A::If(c, t, e) => {
                let (ec, fc) = self.boolean(c, assumed);
                let mut when_true = assumed.clone();
                when_true.extend(assumptions(c, true));
                let mut when_false = assumed.clone();
                when_false.extend(assumptions(c, false));
                let (et, ft) = self.expr(t, &when_true);
                let (ee, fe) = self.expr(e, &when_false);
                let mut facts = self.unify(ft, &fe, e.span);
                facts.unknown.extend(fc.unknown);
                (R::If(Box::new(ec), Box::new(et), Box::new(ee)), facts)
            }
            A::Min(args) | A::Max(args) => {
                let is_min = matches!(expr.kind, A::Min(_));
                let mut typed = Vec::with_capacity(args.len());
                let mut facts: Option<Facts> = None;
                for arg in args {
                    let (e, f) = self.numeric(arg, assumed);
                    typed.push(e);
                    facts = Some(match facts {
                        None => f,
                        Some(acc) => {
                            let range = if is_min {
                                acc.range.min(f.range)
                            } else {
                                acc.range.max(f.range)
                            };
                            let mut joined = self.unify(acc, &f, arg.span);
                            joined.range = range;
                            joined
                        }
                    });
                }
                let kind = if is_min { R::Min(typed) } else { R::Max(typed) };
                (kind, facts.unwrap_or_else(Facts::error))
            }
            A::Round(x, mode) => {
                let (e, f) = self.numeric(x, assumed);
                let facts = Facts {
                    grain: Grain::of(mode.step()),
                    range: f.range.rounded(*mode),
                    ..f
                };
                (R::Round(Box::new(e), *mode), facts)
            }
            A::Clamp(x, lo, hi) => {
                let (ex, fx) = self.numeric(x, assumed);
                let (el, fl) = self.numeric(lo, assumed);
                let (eh, fh) = self.numeric(hi, assumed);
                let range = fx.range.max(fl.range).min(fh.range);
                let mut facts = self.unify(fx, &fl, lo.span);
                facts = self.unify(facts, &fh, hi.span);
                facts.range = range;
                (R::Clamp(Box::new(ex), Box::new(el), Box::new(eh)), facts)
            }
        };
        (rules::Expr { kind, span }, facts)
    }

    /// An expression that must be `oui`/`non`.
    pub fn boolean<'e>(&mut self, expr: &'e ast::Expr, assumed: &Assumed<'e>) -> Typed {
        let typed = self.expr(expr, assumed);
        if !matches!(typed.1.ty, Ty::Bool | Ty::Error) {
            self.mismatch(TyExpected::Bool, &typed.1.ty, expr.span);
        }
        typed
    }

    /// An expression that must be a number, a rate or an amount.
    pub fn numeric<'e>(&mut self, expr: &'e ast::Expr, assumed: &Assumed<'e>) -> Typed {
        let (e, f) = self.expr(expr, assumed);
        if !f.ty.is_numeric() {
            self.mismatch(TyExpected::Numeric, &f.ty, expr.span);
            return (e, Facts::error());
        }
        (e, f)
    }

    pub fn mismatch(&mut self, expected: TyExpected, found: &Ty, span: crate::span::Span) {
        self.errors.push(CheckError {
            kind: CheckErrorKind::TypeMismatch {
                expected,
                found: found.clone(),
            },
            span,
        });
    }

    fn name(&mut self, name: &str, span: crate::span::Span, assumed: &Assumed<'_>) -> (R, Facts) {
        let known = assumed.iter().any(|a| a.name == name);
        let resolved = self.symbols.names.get(name).copied();
        let (kind, mut facts) = match resolved {
            // A tariff's name is its final price (LANGUAGE.md §7).
            _ if let Some((t, base)) = self.symbols.tariff(name) => {
                let facts = self.definition_facts.get(base).cloned().flatten();
                let facts = facts.map_or_else(Facts::error, |f| {
                    Facts::final_price(f, self.symbols.is_modified(name))
                });
                (R::Tariff(u32::try_from(t).unwrap_or(u32::MAX)), facts)
            }
            Some(NameRef::Input(id)) => {
                let facts = self.input_facts.get(id.0 as usize).cloned();
                (R::Input(id), facts.unwrap_or_else(Facts::error))
            }
            Some(NameRef::Definition(i)) => {
                let facts = self.definition_facts.get(i).cloned().flatten();
                let id = DefinitionId(u32::try_from(i).unwrap_or(u32::MAX));
                (R::Definition(id), facts.unwrap_or_else(Facts::error))
            }
            Some(NameRef::ServiceDate) => (R::ServiceDate, self.service_date.clone()),
            None => {
                if let Some(id) = self.symbols.existing_choice(name) {
                    let facts = Facts::of(Ty::Choice(BTreeSet::from([id])));
                    return (R::Const(Value::Choice(id)), facts);
                }
                if !self.broken.contains(name) && !self.unread_columns {
                    self.errors.push(CheckError {
                        kind: CheckErrorKind::UnknownName {
                            name: name.to_string(),
                            suggestion: self.symbols.suggest(name),
                        },
                        span,
                    });
                }
                (R::Const(Value::Bool(false)), Facts::error())
            }
        };
        if known {
            facts.unknown.clear();
        }
        for bound in assumed.iter().filter(|a| a.name == name) {
            if let Some((value, inclusive)) = bound.above {
                facts.range.low = Some(match facts.range.low {
                    Some(low) => low.max(least_above(value, inclusive, facts.grain)),
                    None => least_above(value, inclusive, facts.grain),
                });
            }
        }
        (kind, facts)
    }

    fn arith<'e>(
        &mut self,
        op: ArithOp,
        a: &'e ast::Expr,
        b: &'e ast::Expr,
        assumed: &Assumed<'e>,
        span: crate::span::Span,
    ) -> Typed {
        // `0,30 €/heure`: a price and its unit, not a division by an unknown `heure`.
        if op == ArithOp::Div
            && let (A::Quantity(q), A::Name(unit)) = (&a.kind, &b.kind)
            && q.unit == Unit::Euro
            // `€/heure` written without spaces, or by an unknown name.
            && (self.is_unresolved(unit) || super::cycles::is_price_per_unit(a, b))
        {
            self.errors.push(CheckError {
                kind: CheckErrorKind::PricePerUnit { unit: unit.clone() },
                span,
            });
            return self.expr(a, assumed);
        }
        let (ea, fa) = self.numeric(a, assumed);
        let (eb, fb) = self.numeric(b, assumed);
        let ty = match arith_type(op, &fa.ty, &fb.ty) {
            Some(ty) => ty,
            None => {
                let bare = bare_literal(a).or(bare_literal(b));
                self.errors.push(CheckError {
                    kind: CheckErrorKind::UnitMismatch {
                        op,
                        left: fa.ty.clone(),
                        right: fb.ty.clone(),
                        bare,
                    },
                    span,
                });
                Ty::Error
            }
        };
        let (grain, range) = match op {
            ArithOp::Add => (fa.grain.join(fb.grain), fa.range.add(fb.range)),
            ArithOp::Sub => (fa.grain.join(fb.grain), fa.range.sub(fb.range)),
            ArithOp::Mul => (fa.grain.times(fb.grain), fa.range.mul(fb.range)),
            ArithOp::Div => {
                let may_be_zero = fb.range.low.is_none_or(|l| l <= Decimal::ZERO)
                    && fb.range.high.is_none_or(|h| h >= Decimal::ZERO);
                if may_be_zero && fb.ty != Ty::Error {
                    let divisor = match &b.kind {
                        A::Name(n) => Some(n.clone()),
                        _ => None,
                    };
                    self.errors.push(CheckError {
                        kind: CheckErrorKind::DivisorMayBeZero { divisor },
                        span: b.span,
                    });
                }
                let grain = match fb.range.constant() {
                    Some(c) if !c.is_zero() => fa.grain.divided_by(c),
                    _ => Grain::Dense,
                };
                (grain, fa.range.div(fb.range))
            }
        };
        let mut unknown = fa.unknown;
        unknown.extend(fb.unknown);
        let facts = Facts {
            ty,
            grain,
            range,
            unknown,
        };
        let kind = R::Arith(op, Box::new(ea), Box::new(eb));
        (rules::Expr { kind, span }, facts)
    }

    /// Checks that two operands can be compared with `op`.
    fn compare(
        &mut self,
        op: CompareOp,
        (fa, a): (&Facts, &ast::Expr),
        (fb, b): (&Facts, &ast::Expr),
        span: crate::span::Span,
    ) {
        let ordered = !matches!(op, CompareOp::Eq | CompareOp::Ne);
        match (&fa.ty, &fb.ty) {
            (Ty::Error, _) | (_, Ty::Error) => {}
            (Ty::Choice(x), Ty::Choice(y)) => {
                if ordered {
                    self.mismatch(TyExpected::Numeric, &fa.ty, a.span);
                } else if x.is_disjoint(y) {
                    // `résidence = CNAF`: report the side that is a lone value.
                    let (value, allowed, at) = if y.len() == 1 { (y, x, b) } else { (x, y, a) };
                    let value = value.iter().next().map_or(String::new(), |id| {
                        self.symbols.choice_name(*id).to_string()
                    });
                    self.unknown_choice(&value, allowed, at.span);
                }
            }
            (Ty::Bool, Ty::Bool) if ordered => self.mismatch(TyExpected::Numeric, &Ty::Bool, span),
            (Ty::Bool, Ty::Bool) | (Ty::Amount, Ty::Amount) | (Ty::Date, Ty::Date) => {}
            (Ty::Rate | Ty::Number, Ty::Rate | Ty::Number) => {}
            (left, right) => self.errors.push(CheckError {
                kind: CheckErrorKind::IncomparableTypes {
                    left: left.clone(),
                    right: right.clone(),
                    bare: bare_literal(a).or(bare_literal(b)),
                },
                span,
            }),
        }
    }

    /// Whether a name is neither defined, nor a value of a `choix`, nor broken.
    fn is_unresolved(&self, name: &str) -> bool {
        !self.symbols.names.contains_key(name)
            && self.symbols.existing_choice(name).is_none()
            && !self.broken.contains(name)
    }

    pub fn unknown_choice(
        &mut self,
        value: &str,
        allowed: &BTreeSet<rules::ChoiceId>,
        span: crate::span::Span,
    ) {
        let value = value.to_string();
        let allowed: Vec<String> = allowed
            .iter()
            .map(|id| self.symbols.choice_name(*id).to_string())
            .collect();
        let suggestion = super::names::closest(&value, allowed.iter().map(String::as_str));
        self.errors.push(CheckError {
            kind: CheckErrorKind::UnknownChoice {
                value,
                allowed,
                suggestion,
            },
            span,
        });
    }

    /// The facts of a value that is either of two, which must have compatible types.
    pub fn unify(&mut self, a: Facts, b: &Facts, span: crate::span::Span) -> Facts {
        let compatible = match (&a.ty, &b.ty) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Rate | Ty::Number, Ty::Rate | Ty::Number) => true,
            (Ty::Choice(_), Ty::Choice(_)) => true,
            (x, y) => x == y,
        };
        if !compatible {
            self.errors.push(CheckError {
                kind: CheckErrorKind::IncomparableTypes {
                    left: a.ty.clone(),
                    right: b.ty.clone(),
                    bare: None,
                },
                span,
            });
        }
        let rate_and_number = matches!(
            (&a.ty, &b.ty),
            (Ty::Rate, Ty::Number) | (Ty::Number, Ty::Rate)
        );
        let mut joined = a.either(b);
        if rate_and_number {
            joined.ty = Ty::Number;
        }
        joined
    }
}

/// The facts of a number written in the file.
/// The facts of `side` compared with a value of facts `other`: a bare number
/// (`1000`) compared with an amount is an amount (`1 000 €`), as the bounds of a grid
/// are; anything else keeps its own.
fn amount_if_bare(side: &ast::Expr, facts: &Facts, other: &Facts) -> Facts {
    match &side.kind {
        A::Quantity(q) if q.unit == Unit::Bare && other.ty == Ty::Amount => {
            quantity_facts(q.value, Unit::Euro)
        }
        _ => facts.clone(),
    }
}

pub fn quantity_facts(value: Decimal, unit: Unit) -> Facts {
    let ty = match unit {
        Unit::Euro => Ty::Amount,
        Unit::Percent => Ty::Rate,
        Unit::Bare => Ty::Number,
    };
    Facts::constant(ty, value)
}

/// The facts of a condition: a boolean unknown when any operand is.
fn bool_facts(operands: &[&Facts]) -> Facts {
    let mut facts = Facts::of(Ty::Bool);
    for f in operands {
        facts.unknown.extend(f.unknown.iter().copied());
    }
    facts
}

/// The type of `a op b`, `None` when units do not mix (`montant + nombre`).
fn arith_type(op: ArithOp, a: &Ty, b: &Ty) -> Option<Ty> {
    use Ty::*;
    Some(match (op, a, b) {
        (_, Error, _) | (_, _, Error) => Error,
        (ArithOp::Add | ArithOp::Sub, Amount, Amount) => Amount,
        (ArithOp::Add | ArithOp::Sub, Rate, Rate) => Rate,
        (ArithOp::Add | ArithOp::Sub, Rate | Number, Rate | Number) => Number,
        (ArithOp::Mul, Amount, Rate | Number) | (ArithOp::Mul, Rate | Number, Amount) => Amount,
        (ArithOp::Mul, Number, Number) => Number,
        (ArithOp::Mul, Rate | Number, Rate | Number) => Rate,
        (ArithOp::Div, Amount, Rate | Number) => Amount,
        (ArithOp::Div, Amount, Amount) => Number,
        (ArithOp::Div, Rate, Number) => Rate,
        (ArithOp::Div, Rate | Number, Rate | Number) => Number,
        _ => return None,
    })
}

/// The value of a number written without unit, for the "écrivez 5 €" help.
fn bare_literal(expr: &ast::Expr) -> Option<Decimal> {
    match &expr.kind {
        A::Quantity(q) if q.unit == Unit::Bare => Some(q.value),
        _ => None,
    }
}

/// The names a condition proves to be known when it is `truth`:
/// `x est connu` when true, `x est inconnu` when false, through `et` and `ou`.
pub fn assumptions(condition: &ast::Expr, truth: bool) -> Vec<Assumption<'_>> {
    match &condition.kind {
        A::IsKnown { value, known } if *known == truth => match &value.kind {
            A::Name(n) => vec![Assumption {
                name: n,
                above: None,
            }],
            _ => Vec::new(),
        },
        // `parts > 0` true, or `parts ≤ 0` false: `parts` is above 0.
        A::Compare(op, a, b) => {
            let (A::Name(n), A::Quantity(q)) = (&a.kind, &b.kind) else {
                return Vec::new();
            };
            let above = match (op, truth) {
                (CompareOp::Gt, true) | (CompareOp::Le, false) => Some((q.value, false)),
                (CompareOp::Ge, true) | (CompareOp::Lt, false) => Some((q.value, true)),
                _ => None,
            };
            above
                .map(|above| Assumption {
                    name: n,
                    above: Some(above),
                })
                .into_iter()
                .collect()
        }
        A::And(a, b) if truth => [assumptions(a, true), assumptions(b, true)].concat(),
        A::Or(a, b) if !truth => [assumptions(a, false), assumptions(b, false)].concat(),
        A::Not(e) => assumptions(e, !truth),
        _ => Vec::new(),
    }
}

/// The least value above `value` (or equal when `inclusive`) on the grain: `parts > 0`
/// makes a whole `parts` at least 1, a decimal one at least the smallest decimal.
fn least_above(value: Decimal, inclusive: bool, grain: Grain) -> Decimal {
    if inclusive {
        return value;
    }
    match grain {
        Grain::Step(step) if !step.is_zero() => value
            .checked_div(step)
            .map(|units| units.floor() + Decimal::ONE)
            .and_then(|units| units.checked_mul(step))
            .unwrap_or(value),
        // The smallest positive decimal step rust_decimal can hold.
        _ => value.checked_add(Decimal::new(1, 28)).unwrap_or(value),
    }
}
