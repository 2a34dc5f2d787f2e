//! What the editor shows of a text as it is typed: its diagnostics (as `tarif check
//! --format json` gives them), its examples run (passed or failed, the price found),
//! the inputs a family gives (for the small form) and the tariffs (for the curve).
//! Pure: a text in, JSON out; measured by `cargo bench --bench check`.

use serde_json::{Value as Json, json};

use crate::eval::examples::{self, Expected};
use crate::report::family::{input_label, tariff_label};
use crate::rules::{Deliberation, Scope, ValueType};

/// The analysis of `text`, for the editor.
pub fn analyse(text: &str) -> Json {
    let compiled = crate::compile(text);
    let diagnostics = crate::report::to_json("deliberation.delib", text, &compiled.diagnostics);
    let Some(d) = compiled
        .deliberation
        .as_ref()
        .filter(|_| !compiled.has_errors())
    else {
        return json!({ "diagnostics": diagnostics, "exemples": [], "entrees": [], "tarifs": [] });
    };
    json!({
        "diagnostics": diagnostics,
        "exemples": examples_json(d),
        "entrees": inputs_json(d),
        "tarifs": d.tariffs.iter().map(|t| json!({ "nom": t.name, "libelle": tariff_label(t) })).collect::<Vec<_>>(),
    })
}

/// Each example, and each `attendu` line of it: expected, found, passed.
fn examples_json(d: &Deliberation) -> Vec<Json> {
    let (outcomes, _) = examples::run(d);
    outcomes
        .iter()
        .filter_map(|outcome| {
            let example = d.examples.get(outcome.example)?;
            let checks: Vec<Json> = outcome
                .checks
                .iter()
                .map(|check| {
                    let tariff = d
                        .tariffs
                        .get(check.tariff)
                        .map(tariff_label)
                        .unwrap_or_default();
                    let expected = match &check.expected {
                        Expected::Amount(amount) => crate::french::price(*amount),
                        Expected::Error(Some(code)) => format!("erreur {code}"),
                        Expected::Error(None) => "erreur".to_string(),
                    };
                    let found = match &check.obtained {
                        Ok(amount) => crate::french::price(*amount),
                        Err(error) => format!("erreur {}", error.kind.code()),
                    };
                    json!({
                        "tarif": tariff,
                        "attendu": expected,
                        "trouve": found,
                        "reussi": check.passed(),
                        "ligne": check.line,
                    })
                })
                .collect();
            Some(json!({ "titre": example.name, "ligne": example.line, "attendus": checks }))
        })
        .collect()
}

/// The inputs of the family (not those of each child), as the small form asks them.
fn inputs_json(d: &Deliberation) -> Vec<Json> {
    d.inputs
        .iter()
        .filter(|i| i.scope == Scope::Family)
        .map(|i| {
            let kind = match &i.ty {
                ValueType::Boolean => "booleen",
                ValueType::Choice(_) => "choix",
                ValueType::Date => "date",
                _ => "nombre",
            };
            let values: Vec<Json> = match &i.ty {
                ValueType::Choice(ids) => ids
                    .iter()
                    .filter_map(|c| {
                        let id = d.choices.get(c.0 as usize)?;
                        Some(json!({ "valeur": id, "libelle": crate::report::family::choice_label(d, *c) }))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            json!({
                "nom": i.name,
                "libelle": input_label(i),
                "type": kind,
                "valeurs": values,
                "obligatoire": i.required,
            })
        })
        .collect()
}
