//! Expressions: from the pest pairs of `expr` to `ast::Expr`.

use pest::iterators::Pair;

use super::items::{date, is_yes, quantity, rounding_mode};
use super::{Rule, span};
use crate::span::Span;
use crate::syntax::ast::{ArithOp, CompareOp, Expr, ExprKind};
use crate::syntax::error::{Expected, SyntaxError, SyntaxErrorKind};
use crate::syntax::lines::fold;

type Result<T> = std::result::Result<T, SyntaxError>;

/// How deep an expression may nest: the checker walks it recursively.
const MAX_DEPTH: usize = 200;

/// A node of the tree, refused when it nests too deeply.
fn node(kind: ExprKind, span: Span) -> Result<Expr> {
    let expr = Expr::new(kind, span);
    if expr.depth > MAX_DEPTH {
        return Err(SyntaxError {
            kind: SyntaxErrorKind::TooDeep,
            span,
        });
    }
    Ok(expr)
}

/// Any expression pair (`expr` and every rule below it).
pub(super) fn expr(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let at = span(&pair, offset);
    let kind = match pair.as_rule() {
        Rule::expr | Rule::primary | Rule::function_call => {
            return expr(first(pair, at)?, offset);
        }
        Rule::conditional => {
            let mut branches = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
            let (Some(c), Some(t), Some(e)) = (branches.next(), branches.next(), branches.next())
            else {
                return Err(missing(at));
            };
            ExprKind::If(boxed(c, offset)?, boxed(t, offset)?, boxed(e, offset)?)
        }
        Rule::disjunction => return chain(pair, offset, ExprKind::Or),
        Rule::conjunction => return chain(pair, offset, ExprKind::And),
        Rule::negation => {
            let mut parts = pair.into_inner();
            match (parts.next(), parts.next()) {
                (Some(_), Some(operand)) => ExprKind::Not(boxed(operand, offset)?),
                (Some(only), None) => return expr(only, offset),
                _ => return Err(missing(at)),
            }
        }
        Rule::comparison => return comparison(pair, offset),
        Rule::sum | Rule::product => return sum(pair, offset),
        Rule::unary => {
            let mut parts = pair.into_inner();
            match (parts.next(), parts.next()) {
                (Some(_), Some(operand)) => ExprKind::Negate(boxed(operand, offset)?),
                (Some(only), None) => return expr(only, offset),
                _ => return Err(missing(at)),
            }
        }
        Rule::quantity => ExprKind::Quantity(quantity(&pair, offset)?),
        Rule::date_literal => ExprKind::Date(date(&pair, offset)?.date),
        Rule::boolean => ExprKind::Bool(is_yes(pair)),
        Rule::reference | Rule::digit_choice => ExprKind::Name(pair.as_str().to_string()),
        Rule::choice_phrase => ExprKind::Name(super::joined_words(pair.as_str())),
        Rule::round_call => {
            let mut value = None;
            let mut mode = None;
            for part in pair.clone().into_inner() {
                match part.as_rule() {
                    Rule::expr => value = Some(boxed(part, offset)?),
                    Rule::rounding_mode => mode = Some(rounding_mode(part, offset)?),
                    _ => {}
                }
            }
            match (value, mode) {
                (Some(value), Some(mode)) => ExprKind::Round(value, mode),
                _ => return Err(bad_call(pair, offset, true)),
            }
        }
        Rule::clamp_call => {
            if pair
                .clone()
                .into_inner()
                .filter(|p| p.as_rule() == Rule::sum)
                .count()
                < 2
            {
                return Err(bad_call(pair, offset, false));
            }
            let mut operands = pair
                .into_inner()
                .filter(|p| matches!(p.as_rule(), Rule::expr | Rule::sum));
            let (Some(x), Some(lo), Some(hi)) = (operands.next(), operands.next(), operands.next())
            else {
                return Err(missing(at));
            };
            ExprKind::Clamp(boxed(x, offset)?, boxed(lo, offset)?, boxed(hi, offset)?)
        }
        Rule::named_call => return named_call(pair, offset),
        _ => return Err(missing(at)),
    };
    node(kind, at)
}

/// A `sum` pair, also used for the amounts of modifiers.
pub(super) fn sum(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let at = span(&pair, offset);
    let mut parts = pair.into_inner();
    let mut left = expr(parts.next().ok_or_else(|| missing(at))?, offset)?;
    while let (Some(operator), Some(operand)) = (parts.next(), parts.next()) {
        let op = match operator.as_str() {
            "+" => ArithOp::Add,
            "×" | "*" => ArithOp::Mul,
            "/" => ArithOp::Div,
            _ => ArithOp::Sub,
        };
        let right = expr(operand, offset)?;
        let span = left.span.to(right.span);
        left = node(ExprKind::Arith(op, Box::new(left), Box::new(right)), span)?;
    }
    Ok(left)
}

fn boxed(pair: Pair<'_, Rule>, offset: usize) -> Result<Box<Expr>> {
    expr(pair, offset).map(Box::new)
}

fn first(pair: Pair<'_, Rule>, at: Span) -> Result<Pair<'_, Rule>> {
    pair.into_inner().next().ok_or_else(|| missing(at))
}

/// `a ou b ou c`, `a et b`: operands folded to the left.
fn chain(
    pair: Pair<'_, Rule>,
    offset: usize,
    combine: fn(Box<Expr>, Box<Expr>) -> ExprKind,
) -> Result<Expr> {
    let at = span(&pair, offset);
    let mut operands = pair
        .into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::kw_ou | Rule::kw_et));
    let mut left = expr(operands.next().ok_or_else(|| missing(at))?, offset)?;
    for operand in operands {
        let right = expr(operand, offset)?;
        let span = left.span.to(right.span);
        left = node(combine(Box::new(left), Box::new(right)), span)?;
    }
    Ok(left)
}

fn comparison(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let at = span(&pair, offset);
    let mut parts = pair.into_inner();
    let left = expr(parts.next().ok_or_else(|| missing(at))?, offset)?;
    let Some(test) = parts.next() else {
        return Ok(left);
    };
    let kind = match test.as_rule() {
        Rule::known_test => {
            let known = test.into_inner().any(|p| p.as_rule() == Rule::kw_connu);
            ExprKind::IsKnown {
                value: Box::new(left),
                known,
            }
        }
        Rule::between => {
            let mut bounds = test.into_inner().filter(|p| p.as_rule() == Rule::sum);
            let (Some(lo), Some(hi)) = (bounds.next(), bounds.next()) else {
                return Err(missing(at));
            };
            ExprKind::Between(Box::new(left), boxed(lo, offset)?, boxed(hi, offset)?)
        }
        _ => {
            let op = match test.as_str() {
                "=" => CompareOp::Eq,
                "≠" | "!=" => CompareOp::Ne,
                "<" => CompareOp::Lt,
                "≤" | "<=" => CompareOp::Le,
                ">" => CompareOp::Gt,
                _ => CompareOp::Ge,
            };
            let right = parts.next().ok_or_else(|| missing(at))?;
            ExprKind::Compare(op, Box::new(left), boxed(right, offset)?)
        }
    };
    node(kind, at)
}

/// `arrondi(x ; supérieur)`, `borné(x)`: the function exists, its second argument is
/// not what it takes (or is missing).
fn bad_call(pair: Pair<'_, Rule>, offset: usize, rounding: bool) -> SyntaxError {
    let at = span(&pair, offset);
    let written = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::bad_argument)
        .filter(|p| !p.as_str().trim().is_empty());
    SyntaxError {
        kind: SyntaxErrorKind::BadCall {
            rounding,
            written: written.as_ref().map(|p| p.as_str().trim().to_string()),
        },
        span: written.map_or(at, |p| span(&p, offset)),
    }
}

/// `min(a ; b)`, `max(a ; b)`; any other name is an unknown function.
fn named_call(pair: Pair<'_, Rule>, offset: usize) -> Result<Expr> {
    let at = span(&pair, offset);
    let mut parts = pair.into_inner();
    let function = parts.next().ok_or_else(|| missing(at))?;
    let folded = fold(function.as_str());
    // `arrondi(x ; supérieur)`: the function exists, its second argument is not a mode.
    if folded == "arrondi" || folded == "borne" {
        let last = parts.last();
        return Err(SyntaxError {
            kind: SyntaxErrorKind::BadCall {
                rounding: folded == "arrondi",
                written: last.as_ref().map(|p| p.as_str().trim().to_string()),
            },
            span: last.map_or(at, |p| span(&p, offset)),
        });
    }
    let arguments = parts.map(|p| expr(p, offset)).collect::<Result<Vec<_>>>()?;
    let kind = match folded.as_str() {
        "min" => ExprKind::Min(arguments),
        "max" => ExprKind::Max(arguments),
        _ => {
            return Err(SyntaxError {
                kind: SyntaxErrorKind::UnknownFunction {
                    name: function.as_str().to_string(),
                },
                span: span(&function, offset),
            });
        }
    };
    if let ExprKind::Min(args) | ExprKind::Max(args) = &kind
        && args.is_empty()
    {
        return Err(missing(at));
    }
    node(kind, at)
}

fn missing(at: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Unexpected {
            expected: vec![Expected::Expression],
            found: None,
            fix: None,
            billing: None,
        },
        span: at,
    }
}
