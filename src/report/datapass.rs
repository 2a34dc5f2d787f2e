//! `tarif données`: the DataPass request of a deliberation, as French text for the
//! finance office and as JSON for portals that fill the form in.

use serde_json::{Value as Json, json};

use super::justification::place;
use crate::datapass::{Minimisation, Provider, Request, Scope};
use crate::document::Document;
use crate::french;
use crate::rules::{ArticleId, Deliberation};

fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::ApiParticulier => "API Particulier",
        Provider::ImpotParticulier => "API Impôt particulier (DGFIP)",
    }
}

fn input_name(d: &Deliberation, id: crate::rules::InputId) -> (&str, usize) {
    d.inputs
        .get(id.0 as usize)
        .map_or(("?", 0), |i| (i.name.as_str(), i.line))
}

/// The articles of a list of uses, each once: `article 2 « Quotient familial retenu »`.
fn articles(d: &Deliberation, uses: &[(ArticleId, usize)]) -> Vec<String> {
    let mut seen = Vec::new();
    for (a, _) in uses {
        if !seen.contains(a) {
            seen.push(*a);
        }
    }
    seen.iter()
        .filter_map(|a| d.articles.get(a.0 as usize))
        .map(|a| match &a.title {
            Some(t) => format!("article {} « {t} »", a.number),
            None => format!("article {}", a.number),
        })
        .collect()
}

/// The paragraph to paste in the DataPass form: the deliberation, and for each scope
/// the articles that use its data.
pub fn justification_text(document: &Document, request: &Request) -> String {
    let d = &document.deliberation;
    let m = &d.meta;
    let mut text = format!("Délibération « {} »", m.title);
    if let Some(n) = &m.number {
        text.push_str(&format!(" (n° {n})"));
    }
    if let Some(c) = &m.collectivity {
        text.push_str(&format!(", {c}"));
    }
    if let Some(date) = m.adopted {
        text.push_str(&format!(", adoptée le {}", french::date(date)));
    }
    text.push_str(&format!(
        ", applicable à partir du {} : elle fixe les tarifs des familles à partir des données suivantes : ",
        french::date(m.applicable_from)
    ));
    let parts: Vec<String> = request
        .scopes
        .iter()
        .map(|s| {
            let names: Vec<String> = s
                .inputs
                .iter()
                .map(|i| format!("« {} »", input_name(d, *i).0))
                .collect();
            let cited = articles(d, &s.uses);
            let at = match cited.as_slice() {
                [one] => format!("à l'{one}"),
                [rest @ .., last] => format!("aux {} et {last}", rest.join(", ")),
                [] => "dans la délibération".to_string(),
            };
            format!(
                "{} ({}), lu{} {at}",
                s.name,
                names.join(", "),
                if s.inputs.len() > 1 { "s" } else { "" },
            )
        })
        .collect();
    text.push_str(&parts.join(" ; "));
    text.push_str(
        ". Chaque donnée sert au calcul d'un prix voté ; aucune autre n'est demandée, et le calcul \
         de chaque famille est justifié article par article.",
    );
    text
}

/// The request as French text.
pub fn to_text(document: &Document, request: &Request) -> String {
    let d = &document.deliberation;
    let mut out = String::new();
    out.push_str(&format!("Données à demander pour « {} »", d.meta.title));
    if let Some(n) = &d.meta.number {
        out.push_str(&format!(" (n° {n})"));
    }
    out.push('\n');
    if request.scopes.is_empty() {
        out.push_str("\nAucune entrée certifiée : aucune demande DataPass n'est nécessaire.\n");
    }
    let mut current = None;
    for scope in &request.scopes {
        if current != Some(scope.provider) {
            current = Some(scope.provider);
            out.push_str(&format!(
                "\n{} — portées à cocher :\n",
                provider_name(scope.provider)
            ));
        }
        out.push_str(&scope_text(d, scope));
    }
    if !request.minimisation.is_empty() {
        out.push_str("\nMinimisation des données :\n");
        for m in &request.minimisation {
            let line = match m {
                Minimisation::Unused(i) => {
                    let (name, line) = input_name(d, *i);
                    format!(
                        "  ⚠ « {name} » (entrées, ligne {line}) est déclaré certifié mais n'entre dans aucun prix : ne le demandez pas, ou retirez « certifié »"
                    )
                }
                Minimisation::NoExample(i) => {
                    let (name, line) = input_name(d, *i);
                    format!(
                        "  ⚠ aucun exemple ne lit « {name} » (entrées, ligne {line}) : ajoutez un exemple qui montre le prix qui en dépend"
                    )
                }
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    if !request.scopes.is_empty() {
        out.push_str("\nJustification à coller dans le formulaire DataPass :\n\n");
        out.push_str(&justification_text(document, request));
        out.push('\n');
    }
    out
}

fn scope_text(d: &Deliberation, scope: &Scope) -> String {
    let inputs: Vec<String> = scope
        .inputs
        .iter()
        .map(|i| {
            let (name, line) = input_name(d, *i);
            format!("{name} (entrées, ligne {line})")
        })
        .collect();
    let mut text = format!("  {} : {}\n", scope.name, inputs.join(", "));
    for (article, line) in &scope.uses {
        text.push_str(&format!("      utilisé {}\n", place(d, *article, *line)));
    }
    text
}

/// The request as JSON, for portals that fill the DataPass form in.
pub fn to_json(document: &Document, request: &Request) -> Json {
    let d = &document.deliberation;
    let scopes: Vec<Json> = request
        .scopes
        .iter()
        .map(|s| {
            json!({
                "api": provider_name(s.provider),
                "portee": s.name,
                "entrees": s.inputs.iter().map(|i| input_name(d, *i).0).collect::<Vec<_>>(),
                "usages": s.uses.iter().map(|(a, line)| {
                    let article = d.articles.get(a.0 as usize);
                    json!({
                        "article": article.map(|a| a.number.clone()),
                        "titre": article.and_then(|a| a.title.clone()),
                        "ligne": line,
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let minimisation: Vec<Json> = request
        .minimisation
        .iter()
        .map(|m| match m {
            Minimisation::Unused(i) => {
                json!({ "entree": input_name(d, *i).0, "probleme": "inutilisee" })
            }
            Minimisation::NoExample(i) => {
                json!({ "entree": input_name(d, *i).0, "probleme": "sans_exemple" })
            }
        })
        .collect();
    json!({
        "deliberation": { "numero": d.meta.number, "titre": d.meta.title, "empreinte": document.empreinte },
        "portees": scopes,
        "minimisation": minimisation,
        "justification": justification_text(document, request),
    })
}
