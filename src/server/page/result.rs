//! The results of the simulator page: errors tied to their fields, each tariff's price
//! and the calculation in a family's sentences, the references folded for auditors.

use maud::{Markup, html};

use super::{Outcome, Typed, filled_children};
use crate::document::Document;
use crate::eval::{ChildPriced, Priced};
use crate::french::capitalised;
use crate::report::family::{self, tariff_label};
use crate::report::messages;
use crate::rules::{Deliberation, Scope};

/// The results: errors first, then each tariff (each child's, and the family's total),
/// its price and its justification step by step, each step citing its article.
pub(super) fn results(document: &Document, outcome: &Outcome, typed: &Typed) -> Markup {
    let d = &document.deliberation;
    html! {
        section #resultat aria-labelledby="titre-resultat" role="status" {
            h2 #titre-resultat { "Résultat de la simulation" }
            @match outcome {
                Outcome::Problem(text) => {
                    div.erreurs role="alert" { p { (capitalised(text)) "." } }
                }
                Outcome::Priced { read, date, priced, children } => {
                    p { "Tarifs en vigueur le " (crate::french::date(*date)) "." }
                    @if !read.errors.is_empty() {
                        div.erreurs role="alert" {
                            p { "Le prix ne peut pas être calculé :" }
                            ul {
                                @for e in &read.errors {
                                    @let text = capitalised(&family_text(d, &messages::family_error(e).text));
                                    li {
                                        @match field_id(d, typed, &e.field) {
                                            Some(id) => { a href={ "#" (id) } { (text) } "." }
                                            None => { (text) "." }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if children.is_empty() {
                        (tariffs(d, priced, 3))
                    } @else {
                        (totals(d, children))
                        @let (family_priced, each) = crate::report::result::split_per_family(d, children);
                        @if !family_priced.is_empty() {
                            h3 { "Pour toute la famille (une fois, quel que soit le nombre d'enfants)" }
                            (tariffs(d, &family_priced, 4))
                        }
                        @for (child, priced) in children.iter().zip(&each) {
                            @let name = read.family.children().get(child.child)
                                .and_then(|c| c.id.clone())
                                .unwrap_or_else(|| format!("enfant {}", child.child + 1));
                            h3 { "Pour " (name)
                                @if let Some(rank) = child.rank { " (" (crate::french::ordinal(rank as usize)) " enfant)" } }
                            (tariffs(d, priced, 4))
                        }
                    }
                    details.references {
                        summary { "Références de la délibération" }
                        p {
                            (d.meta.title)
                            @if let Some(c) = &d.meta.collectivity { ", " (c) }
                            ", délibération "
                            @if let Some(n) = &d.meta.number { "n° " (n) " " }
                            @if let Some(adopted) = d.meta.adopted { "adoptée le " (crate::french::date(adopted)) ", " }
                            "applicable " (crate::french::period(&d.meta)) "."
                        }
                        p { "Empreinte du texte (SHA-256) : " code { (document.empreinte) } }
                        @for p in all_priced(priced, children) {
                            @if let (Some(tariff), Some(j)) = (d.tariffs.get(p.tariff), &p.justification) {
                                p.reference-tarif { (tariff_label(tariff)) }
                                ol {
                                    @for sentence in family::sentences(d, tariff, &j.steps) {
                                        li {
                                            (sentence.text) " — "
                                            span.article { (sentence.place.as_deref().unwrap_or("arrondi final, non écrit dans la délibération")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The prices of a result, the family's then each child's.
fn all_priced<'p>(priced: &'p [Priced], children: &'p [ChildPriced]) -> Vec<&'p Priced> {
    priced
        .iter()
        .chain(children.iter().flat_map(|c| c.priced.iter()))
        .collect()
}

/// The page's title for a result: the price first, or the error.
pub(super) fn outcome_title(document: &Document, outcome: &Outcome) -> String {
    let d = &document.deliberation;
    match outcome {
        Outcome::Problem(_) => "Erreur : date".to_string(),
        Outcome::Priced { read, .. } if !read.errors.is_empty() => {
            format!("Erreur : {} champ(s) à corriger", read.errors.len())
        }
        Outcome::Priced {
            priced, children, ..
        } => {
            let sums = crate::report::result::totals(d, children);
            let shown: Vec<String> = if children.is_empty() {
                priced
                    .iter()
                    .filter_map(|p| {
                        let t = d.tariffs.get(p.tariff)?;
                        let amount = p.result.as_ref().ok()?;
                        Some(format!(
                            "{} : {}",
                            tariff_label(t),
                            crate::french::price(*amount)
                        ))
                    })
                    .collect()
            } else {
                d.tariffs
                    .iter()
                    .zip(sums)
                    .filter_map(|(t, sum)| {
                        Some(format!(
                            "{} : {}",
                            tariff_label(t),
                            crate::french::price(sum??)
                        ))
                    })
                    .collect()
            };
            match shown.is_empty() {
                true => "Prix non calculé".to_string(),
                false => shown.join(", "),
            }
        }
    }
}

/// A message about a family's field in the words of the page: each input's name
/// replaced by its label (« Quotient familial (CAF ou MSA) », not « quotient_caf »).
pub(super) fn family_text(d: &Deliberation, text: &str) -> String {
    // « (nombre ou texte « 612,50 ») » is said to portals; a family reads an example.
    let mut out = text.replace("nombre ou texte « ", "par exemple « ");
    for input in &d.inputs {
        out = out.replace(
            &format!("« {} »", input.name),
            &format!("« {} »", family::input_label(input)),
        );
    }
    out
}

/// The id of the form's field a family error names: `résidence`, `enfants[1].naissance`.
pub(super) fn field_id(d: &Deliberation, typed: &Typed, field: &str) -> Option<String> {
    if let Some(rest) = field.strip_prefix("enfants[") {
        let (index, name) = rest.split_once("].")?;
        let n = filled_children(d, typed)
            .get(index.parse::<usize>().ok()?)
            .copied()?;
        return Some(format!("champ-enfant{n}-{name}"));
    }
    d.inputs
        .iter()
        .any(|i| i.name == field && i.scope != Scope::Rank)
        .then(|| format!("champ-{field}"))
}

/// Each tariff's price and justification.
fn tariffs(d: &Deliberation, priced: &[Priced], level: u8) -> Markup {
    html! {
        @for p in priced {
            @if let Some(tariff) = d.tariffs.get(p.tariff) {
                div.tarif {
                    @let heading = html! {
                        (tariff_label(tariff))
                        " : "
                        @match &p.result {
                            Ok(amount) => { span.prix { (crate::french::price(*amount)) } " par " (tariff.unit) }
                            Err(_) => { span.prix { "non calculé" } }
                        }
                    };
                    @if level == 3 { h3 { (heading) } } @else { h4 { (heading) } }
                    @if let Err(error) = &p.result {
                        p.erreur { (capitalised(&messages::eval_error(error).text)) "." }
                    }
                    @if let Some(j) = &p.justification {
                        p.calcul { "Comment ce prix est calculé :" }
                        ol.justification {
                            @for sentence in family::sentences(d, tariff, &j.steps) {
                                li { (sentence.text) "." }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The family's total of each tariff, over its children.
fn totals(d: &Deliberation, children: &[ChildPriced]) -> Markup {
    let sums = crate::report::result::totals(d, children);
    html! {
        h3 { "Total pour la famille" }
        ul.totaux {
            @for (tariff, sum) in d.tariffs.iter().zip(sums) {
                @match sum {
                    Some(Some(sum)) => { li { (tariff_label(tariff)) " : "
                        span.prix { (crate::french::price(sum)) } " par " (tariff.unit) } }
                    Some(None) => { li { (tariff_label(tariff)) " : non calculé" } }
                    None => {}
                }
            }
        }
    }
}
