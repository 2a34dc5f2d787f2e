//! The justification in the words of a family: sentences in the order of the
//! calculation, each name a label of the deliberation (an input's « libellé », a
//! choice's value as written, an article's title), never an identifier of the file.
//! Each sentence keeps the article and line it comes from, for the references an
//! auditor opens.
//!
//! « Quotient familial (CAF ou MSA) : 612 € (déclaré, non certifié). Quotient familial
//! retenu : 612 €, dans la tranche « de 601 à 800 € » : 2,20 € par repas. Résidence :
//! hors commune : +30 % (2,86 €). À partir du 3e enfant : −20 % (2,29 €). »

use rust_decimal::Decimal;

use super::justification::{place, provenance_text, rounding_text};
use crate::eval::trace::{Action, ModifierStep, Provenance, Shown, Step};
use crate::french::{self, capitalised};
use crate::rules::{
    CertifiedSource, ChoiceId, CompareOp, Deliberation, Expr, ExprKind, Input, Scope, Tariff,
    Value, ValueType,
};

/// One sentence and where the deliberation says it (`art. 3 « Prix du repas », ligne
/// 27`; `None` for the rounding the deliberation does not write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    pub place: Option<String>,
}

/// The label of an input: its « libellé », else what its certified source names, else
/// its name in words.
pub fn input_label(input: &Input) -> String {
    if let Some(label) = &input.label {
        return capitalised(label);
    }
    let known = match input.certified {
        Some(CertifiedSource::CafQuotient) => Some("Quotient familial (CAF ou MSA)"),
        Some(source) => match crate::check::source_name(source) {
            "DGFIP.revenu_fiscal_reference" => Some("Revenu fiscal de référence"),
            "DGFIP.nombre_parts" => Some("Nombre de parts fiscales"),
            "CAF.date_naissance" => Some("Date de naissance"),
            _ => None,
        },
        None => None,
    };
    match (known, input.scope) {
        (Some(known), _) => known.to_string(),
        (None, Scope::Rank) => "Rang de l'enfant".to_string(),
        (None, _) => capitalised(&input.name.replace('_', " ")),
    }
}

/// A value of a `choix` as the deliberation writes it: `hors commune`.
pub fn choice_label(d: &Deliberation, c: ChoiceId) -> String {
    d.choices
        .get(c.0 as usize)
        .map_or_else(String::new, |name| name.replace('_', " "))
}

/// A value in words: `612 €`, `30 %`, `hors commune`, `oui`.
pub fn value_text(d: &Deliberation, value: Shown) -> String {
    match value {
        Shown::Choice(c) => choice_label(d, c),
        other => super::justification::shown_text(d, other),
    }
}

/// The sentences of a justification, in order.
pub fn sentences(d: &Deliberation, tariff: &Tariff, steps: &[Step]) -> Vec<Sentence> {
    let mut out = Vec::new();
    // The value of the key a row is chosen by, told with the row.
    let mut pending_row: Option<(String, String)> = None;
    for step in steps {
        match step {
            Step::Input {
                input,
                value,
                provenance,
                proof,
            } => {
                let Some(i) = d.inputs.get(input.0 as usize) else {
                    continue;
                };
                // The figures a family gives (its quotient, its income) are told with
                // where they come from; a choice or a box is told by the condition
                // that reads it.
                let figure = (matches!(i.ty, ValueType::Amount) || i.certified.is_some())
                    && !matches!(i.ty, ValueType::Choice(_) | ValueType::Boolean)
                    && i.scope != Scope::Rank
                    && *provenance != Provenance::Counted;
                if figure {
                    out.push(Sentence {
                        text: format!(
                            "{} : {} ({})",
                            input_label(i),
                            value_text(d, *value),
                            provenance_text(*provenance, proof.as_deref())
                        ),
                        place: Some(format!("entrées, ligne {}", i.line)),
                    });
                }
            }
            Step::Definition { definition, value } => {
                if let Some(def) = d.definitions.get(definition.0 as usize) {
                    pending_row = Some((definition_label(d, def), value_text(d, *value)));
                }
            }
            Step::Row {
                table,
                row,
                column,
                key_value,
            } => {
                let Some(t) = d.tables.get(table.0 as usize) else {
                    continue;
                };
                // A value of a `choix` written as its name (`cycle_1`) reads with spaces.
                let written = t
                    .rows
                    .get(*row)
                    .map_or_else(String::new, |r| r.written.replace('_', " "));
                let line = t.rows.get(*row).map_or(0, |r| r.line);
                let key = expr_label(d, &t.key)
                    .or_else(|| pending_row.as_ref().map(|(label, _)| label.clone()))
                    .unwrap_or_else(|| "Valeur".to_string());
                let column = column
                    .and_then(|c| t.column_headers.get(c))
                    .map_or(String::new(), |c| {
                        format!(", colonne « {} »", c.replace('_', " "))
                    });
                let value = value_text(d, *key_value);
                let tranche = format!("dans la tranche « {written} »{column}");
                // « Quotient familial : 612 € (déclaré), dans la tranche … » when the
                // sentence before told that very input.
                let told = format!("{key} : {value} (");
                match out.last_mut() {
                    Some(last) if last.text.starts_with(&told) => {
                        last.text = format!("{}, {tranche}", last.text);
                        let row = place(d, t.article, line);
                        last.place = Some(match last.place.take() {
                            Some(input) => format!("{input} ; {row}"),
                            None => row,
                        });
                    }
                    _ => out.push(Sentence {
                        text: format!("{key} : {value}, {tranche}"),
                        place: Some(place(d, t.article, line)),
                    }),
                }
                pending_row = None;
            }
            Step::Tariff { tariff: t, amount } => {
                if let Some(other) = d.tariffs.get(*t as usize) {
                    out.push(Sentence {
                        text: format!(
                            "{} : {}",
                            tariff_label(other),
                            amount.map_or_else(|| "inconnu".to_string(), french::price)
                        ),
                        place: Some(place(d, other.article, other.line)),
                    });
                }
            }
            Step::Base {
                amount,
                article,
                line,
            } => {
                let text = match amount {
                    Some(a) => format!("{} par {}", french::price(*a), tariff.unit),
                    None => "prix de base inconnu, remplacé par ce qui suit".to_string(),
                };
                // « … dans la tranche « de 601 à 800 € » : 2,20 € par repas »
                match out.last_mut() {
                    Some(last) if last.text.contains("dans la tranche") => {
                        last.text = format!("{} : {text}", last.text);
                    }
                    _ => out.push(Sentence {
                        text: format!("Prix de base : {text}"),
                        place: Some(place(d, *article, *line)),
                    }),
                }
            }
            Step::Modifier(m) => {
                if let Some(sentence) = modifier_sentence(d, m) {
                    out.push(sentence);
                }
            }
            Step::MostFavourable {
                options, chosen, ..
            } => {
                if let Some(m) = chosen.and_then(|c| options.get(c))
                    && let Some(mut sentence) = modifier_sentence(d, m)
                {
                    sentence.text.push_str(" (la plus favorable)");
                    out.push(sentence);
                }
            }
            Step::ImplicitRounding { before, after } => {
                if before != after {
                    out.push(Sentence {
                        text: format!("Arrondi au centime : {}", french::price(*after)),
                        place: None,
                    });
                }
            }
            Step::Rank { rank, of, tie, .. } => {
                let Some(ranking) = &d.ranking else {
                    continue;
                };
                let tie = if *tie {
                    ", à égalité : dans l'ordre de la famille"
                } else {
                    ""
                };
                out.push(Sentence {
                    text: format!(
                        "{} des {of} enfants de la famille{tie}",
                        capitalised(&french::ordinal(*rank as usize))
                    ),
                    place: Some(place(d, ranking.article, ranking.line)),
                });
            }
        }
    }
    out
}

/// The label of a tariff: its « libellé », else its name in words.
pub fn tariff_label(t: &Tariff) -> String {
    t.label
        .as_deref()
        .map_or_else(|| capitalised(&t.name.replace('_', " ")), capitalised)
}

/// The label of a computed value: its « libellé », else its article's title, else its
/// name in words.
pub fn definition_label(d: &Deliberation, def: &crate::rules::Definition) -> String {
    if let Some(label) = &def.label {
        return capitalised(label);
    }
    d.articles
        .get(def.article.0 as usize)
        .and_then(|a| a.title.clone())
        .unwrap_or_else(|| capitalised(&def.name.replace('_', " ")))
}

/// The label of a key that is an input or a computed value.
fn expr_label(d: &Deliberation, e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Input(i) => d.inputs.get(i.0 as usize).map(input_label),
        ExprKind::Definition(x) => d
            .definitions
            .get(x.0 as usize)
            .map(|def| definition_label(d, def)),
        ExprKind::ServiceDate => Some("Date du service".to_string()),
        _ => None,
    }
}

/// An applied modifier that changed the price: « Résidence : hors commune : +30 %
/// (2,86 €) ». Those not applied, or that changed nothing, are not told.
fn modifier_sentence(d: &Deliberation, m: &ModifierStep) -> Option<Sentence> {
    if !m.applied || (m.before == m.after && !matches!(m.action, Action::Exemption)) {
        return None;
    }
    let modifier = d.modifier(m.modifier);
    let why = modifier
        .and_then(|x| x.condition.as_ref())
        .and_then(|c| condition_text(d, c))
        .or_else(|| modifier.and_then(|x| x.label.as_deref()).map(capitalised));
    let what = match m.action {
        Action::IncreaseRate { rate, .. } => format!("+{}", french::rate(rate)),
        Action::DecreaseRate { rate, .. } => format!("−{}", french::rate(rate)),
        Action::IncreaseAmount(a) => format!("+{}", french::price(a)),
        Action::DecreaseAmount(a) => format!("−{}", french::price(a)),
        Action::Multiply(f) => format!("× {}", french::number(f)),
        Action::Replace(a) => format!("prix fixé à {}", french::price(a)),
        Action::Exemption => "gratuit".to_string(),
        Action::Floor(a) => format!("prix minimum {}", french::price(a)),
        Action::Ceiling(a) => format!("prix maximum {}", french::price(a)),
        Action::Round(mode) => format!("arrondi {}", rounding_text(mode)),
    };
    let text = match (why, m.action) {
        (_, Action::Round(_)) => format!("{} : {}", capitalised(&what), french::price(m.after)),
        (Some(why), _) => format!("{why} : {what} ({})", french::price(m.after)),
        (None, _) => format!("{} ({})", capitalised(&what), french::price(m.after)),
    };
    Some(Sentence {
        text,
        place: Some(place(d, m.article, m.line)),
    })
}

/// A condition in a family's words, when it is simple: « Résidence : hors commune »,
/// « Projet d'accueil individualisé », « À partir du 3e enfant », « Quotient familial :
/// au plus 600 € ».
fn condition_text(d: &Deliberation, c: &Expr) -> Option<String> {
    match &c.kind {
        ExprKind::Input(i) => {
            let input = d.inputs.get(i.0 as usize)?;
            matches!(input.ty, ValueType::Boolean).then(|| input_label(input))
        }
        ExprKind::Not(inner) => match &inner.kind {
            ExprKind::Input(i) => {
                let input = d.inputs.get(i.0 as usize)?;
                Some(format!("Sans « {} »", input_label(input).to_lowercase()))
            }
            _ => None,
        },
        ExprKind::And(a, b) => Some(format!(
            "{} et {}",
            condition_text(d, a)?,
            super::wording::named(&condition_text(d, b)?)
        )),
        ExprKind::Compare(op, a, b) => {
            let ExprKind::Input(i) = &a.kind else {
                return None;
            };
            let input = d.inputs.get(i.0 as usize)?;
            let ExprKind::Const(value) = &b.kind else {
                return None;
            };
            match (input.scope, op, value) {
                (Scope::Rank, CompareOp::Ge, Value::Number(n)) => Some(format!(
                    "À partir du {} enfant",
                    french::ordinal(whole(*n)?)
                )),
                (Scope::Rank, CompareOp::Gt, Value::Number(n)) => Some(format!(
                    "À partir du {} enfant",
                    french::ordinal(whole(*n)? + 1)
                )),
                (Scope::Rank, CompareOp::Eq, Value::Number(n)) => Some(format!(
                    "{} enfant",
                    capitalised(&french::ordinal(whole(*n)?))
                )),
                (_, CompareOp::Eq, Value::Choice(choice)) => Some(format!(
                    "{} : {}",
                    input_label(input),
                    choice_label(d, *choice)
                )),
                (_, CompareOp::Ne, Value::Choice(choice)) => Some(format!(
                    "{} : autre que {}",
                    input_label(input),
                    choice_label(d, *choice)
                )),
                (_, op, Value::Number(n)) => {
                    let shown = match input.ty {
                        ValueType::Amount => french::amount(*n),
                        ValueType::Rate => french::rate(*n),
                        _ => french::number(*n),
                    };
                    let words = match op {
                        CompareOp::Eq => "",
                        CompareOp::Ne => "autre que ",
                        CompareOp::Lt => "moins de ",
                        CompareOp::Le => "au plus ",
                        CompareOp::Gt => "plus de ",
                        CompareOp::Ge => "au moins ",
                    };
                    Some(format!("{} : {words}{shown}", input_label(input)))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A rank written in a condition: `3` (a whole number).
fn whole(n: Decimal) -> Option<usize> {
    use rust_decimal::prelude::ToPrimitive;
    n.fract().is_zero().then(|| n.to_usize()).flatten()
}
