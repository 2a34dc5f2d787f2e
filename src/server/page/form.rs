//! The form of the simulator page: the date, the family's inputs, each child's, with
//! their labels, hints, required marks and errors.

use maud::{Markup, html};

use super::super::catalogue::Service;
use super::{MAX_CHILDREN, Typed, child_field, filled_children};
use crate::french::capitalised;
use crate::report::family;
use crate::rules::{Deliberation, Input, Scope, ValueType};

/// What helps to fill an input: its unit, its default, where the value comes from.
fn hint(d: &Deliberation, input: &Input) -> String {
    let mut parts = Vec::new();
    match input.ty {
        ValueType::Amount => parts.push("en euros".to_string()),
        ValueType::Rate => parts.push("en %".to_string()),
        ValueType::Date => parts.push("JJ/MM/AAAA".to_string()),
        _ => {}
    }
    if let Some(source) = input.certified.map(crate::check::source_name) {
        let who = match source.split('.').next() {
            Some("CAF") => "votre attestation de la CAF ou de la MSA",
            Some("DGFIP") => "votre avis d'impôt",
            _ => "votre justificatif",
        };
        parts.push(format!("figure sur {who}"));
    }
    match input.default {
        Some(value) if !matches!(input.ty, ValueType::Boolean) => {
            let shown = crate::eval::trace::shown(Some(value), &input.ty);
            parts.push(format!("par défaut : {}", family::value_text(d, shown)));
        }
        _ => {}
    }
    parts.join(" ; ")
}

/// One field of the form for `input`, named `name` (a child's fields are prefixed).
fn field(
    d: &Deliberation,
    input: &Input,
    name: &str,
    typed: &Typed,
    errors: &[(String, String)],
) -> Markup {
    let id = format!("champ-{}", name.replace('.', "-"));
    let hint_id = format!("{id}-aide");
    let error_id = format!("{id}-erreur");
    let hint = hint(d, input);
    let value = typed.get(name).unwrap_or("");
    let error = errors
        .iter()
        .find(|(f, _)| *f == id)
        .map(|(_, text)| text.as_str());
    let invalid = error.is_some();
    let described = match (error.is_some(), hint.is_empty()) {
        (true, true) => Some(error_id.clone()),
        (true, false) => Some(format!("{error_id} {hint_id}")),
        (false, false) => Some(hint_id.clone()),
        (false, true) => None,
    };
    let label = html! {
        (family::input_label(input))
        @if input.required { " " span.obligatoire { "(obligatoire)" } }
    };
    html! {
        div.champ.en-erreur[invalid] {
            @if let Some(error) = error {
                p.erreur id=(error_id) { (capitalised(error)) "." }
            }
            @match &input.ty {
                ValueType::Boolean => {
                    input type="hidden" name=(name) value="non";
                    input type="checkbox" id=(id) name=(name) value="oui"
                        checked[match typed.get(name) {
                            Some(v) => v == "oui",
                            None => matches!(input.default, Some(crate::rules::Value::Bool(true))),
                        }]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid.then_some("true")];
                    label for=(id) { (label) }
                }
                ValueType::Choice(choices) => {
                    label for=(id) { (label) }
                    select id=(id) name=(name) aria-describedby=[described.as_deref()] aria-invalid=[invalid.then_some("true")]
                        aria-required=[input.required.then_some("true")] {
                        option value="" { "— choisir —" }
                        @for c in choices {
                            @let text = d.choices.get(c.0 as usize).map(String::as_str).unwrap_or("");
                            @let chosen = if typed.0.is_empty() {
                                matches!(input.default, Some(crate::rules::Value::Choice(x)) if x == *c)
                            } else { value == text };
                            option value=(text) selected[chosen] { (family::choice_label(d, *c)) }
                        }
                    }
                }
                _ => {
                    label for=(id) { (label) }
                    input type="text" id=(id) name=(name) value=(value)
                        inputmode=(if matches!(input.ty, ValueType::Date) || input.whole { "numeric" } else { "decimal" })
                        autocomplete="off" spellcheck="false"
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid.then_some("true")]
                        aria-required=[input.required.then_some("true")];
                }
            }
            @if !hint.is_empty() {
                span.aide id=(hint_id) { "(" (hint) ")" }
            }
        }
    }
}

/// The form: the date, the family's inputs, each child's.
pub(super) fn form(
    service: &Service,
    d: &Deliberation,
    typed: &Typed,
    date: &str,
    errors: &[(String, String)],
) -> Markup {
    let family: Vec<&Input> = d
        .inputs
        .iter()
        .filter(|i| i.scope == Scope::Family)
        .collect();
    // A quotient of the CAF or tax data: the deliberation takes one or the other.
    let either = |i: &&Input| {
        matches!(
            i.certified,
            Some(
                crate::rules::CertifiedSource::CafQuotient
                    | crate::rules::CertifiedSource::DgfipReferenceIncome
                    | crate::rules::CertifiedSource::DgfipShares
            )
        ) && !i.required
    };
    let alternatives: Vec<&Input> = family.iter().copied().filter(either).collect();
    let grouped = alternatives
        .iter()
        .any(|i| i.certified == Some(crate::rules::CertifiedSource::CafQuotient))
        && alternatives.len() > 1;
    let required = d
        .inputs
        .iter()
        .any(|i| i.required && i.scope != Scope::Rank);
    let child: Vec<&Input> = d
        .inputs
        .iter()
        .filter(|i| i.scope == Scope::Child)
        .collect();
    let filled = filled_children(d, typed);
    let blocks = (filled.last().copied().unwrap_or(0) + 1).clamp(2, MAX_CHILDREN);
    html! {
        form method="get" action={ "/simulateur/" (service.id) } {
            h2 { "Votre situation" }
            @if required {
                p.legende { "Les champs marqués « (obligatoire) » doivent être remplis ; les autres peuvent rester vides." }
            }
            fieldset {
                legend { "Votre famille" }
                div.champ {
                    label for="champ-date" { "Date du service" }
                    input type="text" id="champ-date" name="date" value=(date) inputmode="numeric"
                        autocomplete="off" aria-describedby="champ-date-aide";
                    span.aide id="champ-date-aide" { "(JJ/MM/AAAA : le jour du repas, de l'accueil ; il choisit les tarifs en vigueur)" }
                }
                @if grouped {
                    fieldset.alternative {
                        legend { "Quotient familial ou revenus (l'un ou l'autre)" }
                        @for input in &alternatives {
                            (field(d, input, &input.name, typed, errors))
                        }
                    }
                }
                @for input in family.iter().filter(|i| !(grouped && either(i))) {
                    (field(d, input, &input.name, typed, errors))
                }
            }
            @if !child.is_empty() {
                p { "Remplissez un cadre par enfant inscrit ; laissez vides les cadres en trop." }
                @for n in 1..=blocks {
                    fieldset {
                        legend { "Enfant " (n) }
                        div.champ {
                            @let name = child_field(n, "prenom");
                            label for={ "champ-enfant" (n) "-prenom" } { "Prénom" }
                            input type="text" id={ "champ-enfant" (n) "-prenom" } name=(name)
                                value=(typed.get(&name).unwrap_or("")) autocomplete="off";
                        }
                        @for input in &child {
                            @let name = child_field(n, &input.name);
                            (field(d, input, &name, typed, errors))
                        }
                    }
                }
            }
            button type="submit" { "Calculer le prix" }
        }
    }
}
