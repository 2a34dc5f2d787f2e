//! The rules of a deliberation in the words of a council: formulas and conditions
//! with the labels of the deliberation instead of the file's names (`quotient_caf`,
//! `hors_commune`), for the annexe and the curves.
//!
//! « le quotient familial (CAF ou MSA) s'il est connu ; sinon le revenu fiscal de
//! référence ÷ 12 ÷ le nombre de parts fiscales, arrondi à l'euro inférieur »;
//! « +30 % quand la résidence est « hors commune » ».

use super::family::{choice_label, input_label};
use super::justification::rounding_text;
use crate::french;
use crate::rules::{ArithOp, CompareOp, Deliberation, Expr, ExprKind, Scope, Value, ValueType};

/// A label lower-case inside a sentence, its acronyms kept: `le quotient familial (CAF ou
/// MSA)` reads `quotient familial (CAF ou MSA)`.
pub fn named(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        // `CAF`, `QF`: an acronym keeps its capitals.
        Some(first) if chars.next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The name of what `e` reads, in words, when it is a single value.
fn value_name<'d>(d: &'d Deliberation, e: &Expr) -> Option<(String, Option<&'d ValueType>)> {
    match &e.kind {
        ExprKind::Input(i) => {
            let input = d.inputs.get(i.0 as usize)?;
            Some((named(&input_label(input)), Some(&input.ty)))
        }
        ExprKind::Definition(x) => {
            let def = d.definitions.get(x.0 as usize)?;
            let label = def
                .label
                .clone()
                .unwrap_or_else(|| def.name.replace('_', " "));
            Some((named(&label), Some(&def.ty)))
        }
        ExprKind::Tariff(t) => {
            let tariff = d.tariffs.get(*t as usize)?;
            let label = tariff
                .label
                .clone()
                .unwrap_or_else(|| tariff.name.replace('_', " "));
            Some((format!("le prix « {label} »"), Some(&ValueType::Amount)))
        }
        ExprKind::ServiceDate => Some(("la date du service".to_string(), Some(&ValueType::Date))),
        _ => None,
    }
}

/// A constant in words, by the type of what it is compared with.
fn constant(d: &Deliberation, value: &Value, ty: Option<&ValueType>) -> String {
    match (value, ty) {
        (Value::Number(n), Some(ValueType::Amount)) => french::amount(*n),
        (Value::Number(n), Some(ValueType::Rate)) => french::rate(*n),
        (Value::Number(n), _) => french::number(*n),
        (Value::Bool(true), _) => "oui".to_string(),
        (Value::Bool(false), _) => "non".to_string(),
        (Value::Date(day), _) => french::date(*day),
        (Value::Choice(c), _) => format!("« {} »", choice_label(d, *c)),
    }
}

/// A formula in words.
pub fn expr_words(d: &Deliberation, e: &Expr) -> String {
    expr_typed(d, e, None)
}

fn expr_typed(d: &Deliberation, e: &Expr, ty: Option<&ValueType>) -> String {
    if let Some((name, _)) = value_name(d, e) {
        return name;
    }
    match &e.kind {
        ExprKind::Const(value) => constant(d, value, ty),
        ExprKind::Negate(x) => format!("−{}", expr_typed(d, x, ty)),
        ExprKind::Arith(op, a, b) => {
            let sign = match op {
                ArithOp::Add => "+",
                ArithOp::Sub => "−",
                ArithOp::Mul => "×",
                ArithOp::Div => "÷",
            };
            let ty_a = value_name(d, a).and_then(|(_, t)| t.cloned());
            let left = grouped(d, a, ty);
            // `rfr / 12`: a product's or a quotient's factor is a number; a sum's
            // terms have the type of the first.
            let right = match op {
                ArithOp::Mul | ArithOp::Div => grouped(d, b, None),
                ArithOp::Add | ArithOp::Sub => grouped(d, b, ty_a.as_ref().or(ty)),
            };
            format!("{left} {sign} {right}")
        }
        // `si quotient_caf est connu alors quotient_caf sinon …`
        ExprKind::If(c, then, otherwise)
            if matches!(&c.kind, ExprKind::IsKnown { value, known: true }
                if value_name(d, value).map(|v| v.0) == value_name(d, then).map(|v| v.0)) =>
        {
            format!(
                "{} s'il est connu ; sinon {}",
                expr_typed(d, then, ty),
                expr_typed(d, otherwise, ty)
            )
        }
        ExprKind::If(c, then, otherwise) => format!(
            "{} {} ; sinon {}",
            expr_typed(d, then, ty),
            condition_phrase(d, c),
            expr_typed(d, otherwise, ty)
        ),
        ExprKind::Round(x, mode) => {
            format!("{}, arrondi {}", expr_typed(d, x, ty), rounding_text(*mode))
        }
        ExprKind::Min(items) => extreme(d, "le plus petit de", items, ty),
        ExprKind::Max(items) => extreme(d, "le plus grand de", items, ty),
        ExprKind::Clamp(x, low, high) => format!(
            "{}, au moins {} et au plus {}",
            expr_typed(d, x, ty),
            expr_typed(d, low, ty),
            expr_typed(d, high, ty)
        ),
        _ => condition_phrase(d, e),
    }
}

/// `le plus petit de a, b et c`
fn extreme(d: &Deliberation, words: &str, items: &[Expr], ty: Option<&ValueType>) -> String {
    let mut items: Vec<String> = items.iter().map(|x| expr_typed(d, x, ty)).collect();
    let last = items.pop().unwrap_or_default();
    let list = match items.is_empty() {
        true => last,
        false => format!("{} et {last}", items.join(", ")),
    };
    // « le plus grand d'enfants à charge et 1 »: `de` elided before a vowel.
    let vowel = crate::syntax::lines::fold(&list).starts_with(['a', 'e', 'i', 'o', 'u', 'y', 'h']);
    match (words.strip_suffix(" de"), vowel) {
        (Some(stem), true) => format!("{stem} d'{list}"),
        _ => format!("{words} {list}"),
    }
}

/// A sum inside a product gets its parentheses.
fn grouped(d: &Deliberation, e: &Expr, ty: Option<&ValueType>) -> String {
    let text = expr_typed(d, e, ty);
    match &e.kind {
        ExprKind::Arith(ArithOp::Add | ArithOp::Sub, ..) | ExprKind::If(..) => format!("({text})"),
        _ => text,
    }
}

/// A condition as a council reads it after the change it makes: « quand la résidence
/// est « hors commune » », « avec un projet d'accueil individualisé », « à partir du 3e
/// enfant », « quand le quotient familial est d'au plus 600 € ».
pub fn condition_phrase(d: &Deliberation, c: &Expr) -> String {
    match &c.kind {
        ExprKind::Input(i) => match d.inputs.get(i.0 as usize) {
            Some(input) if matches!(input.ty, ValueType::Boolean) => {
                format!("avec « {} »", named(&input_label(input)))
            }
            _ => format!("quand {} est oui", expr_words(d, c)),
        },
        ExprKind::Not(x) => match &x.kind {
            ExprKind::Input(_) => condition_phrase(d, x).replacen("avec", "sans", 1),
            _ => format!("sauf {}", condition_phrase(d, x)),
        },
        ExprKind::And(a, b) => {
            format!("{} et {}", condition_phrase(d, a), condition_phrase(d, b))
        }
        ExprKind::Or(a, b) => {
            format!("{} ou {}", condition_phrase(d, a), condition_phrase(d, b))
        }
        ExprKind::IsKnown { value, known } => {
            let name = expr_words(d, value);
            match known {
                true => format!("si {name} est connu"),
                false => format!("si {name} n'est pas connu"),
            }
        }
        ExprKind::Between(x, low, high) => {
            let ty = value_name(d, x).and_then(|(_, t)| t.cloned());
            format!(
                "quand {} est entre {} et {}",
                expr_words(d, x),
                expr_typed(d, low, ty.as_ref()),
                expr_typed(d, high, ty.as_ref())
            )
        }
        ExprKind::Compare(op, a, b) => compare_phrase(d, *op, a, b),
        _ => format!("si {}", expr_words(d, c)),
    }
}

fn compare_phrase(d: &Deliberation, op: CompareOp, a: &Expr, b: &Expr) -> String {
    let rank = matches!(&a.kind, ExprKind::Input(i)
        if d.inputs.get(i.0 as usize).is_some_and(|x| x.scope == Scope::Rank));
    if let (true, ExprKind::Const(Value::Number(n))) = (rank, &b.kind) {
        let n = n.trunc();
        let ordinal = |n: rust_decimal::Decimal| {
            use rust_decimal::prelude::ToPrimitive;
            french::ordinal(n.to_usize().unwrap_or(0))
        };
        return match op {
            CompareOp::Ge => format!("à partir du {} enfant", ordinal(n)),
            CompareOp::Gt => format!(
                "à partir du {} enfant",
                ordinal(n + rust_decimal::Decimal::ONE)
            ),
            CompareOp::Eq => format!("pour le {} enfant", ordinal(n)),
            CompareOp::Le => format!("jusqu'au {} enfant", ordinal(n)),
            CompareOp::Lt => format!("avant le {} enfant", ordinal(n)),
            CompareOp::Ne => format!("sauf pour le {} enfant", ordinal(n)),
        };
    }
    let ty = value_name(d, a).and_then(|(_, t)| t.cloned());
    let left = expr_words(d, a);
    let right = expr_typed(d, b, ty.as_ref());
    let verb = match op {
        CompareOp::Eq => "est",
        CompareOp::Ne => "n'est pas",
        CompareOp::Lt => "est inférieur à",
        CompareOp::Le => "est d'au plus",
        CompareOp::Gt => "dépasse",
        CompareOp::Ge => "est d'au moins",
    };
    format!("quand {left} {verb} {right}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_their_acronyms() {
        assert_eq!(
            named("Quotient familial (CAF ou MSA)"),
            "quotient familial (CAF ou MSA)"
        );
        assert_eq!(named("QF"), "QF");
        assert_eq!(named("CAF"), "CAF");
    }
}
