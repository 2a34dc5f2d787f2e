//! The simulator page of `tarif serve`, for families: `GET /` lists the deliberations,
//! `GET /simulateur/{id}` is a form built from a deliberation's inputs, submitted as a
//! GET (it works without JavaScript), and shows each price with its justification.
//! Nothing a family types is kept: no cookie, no log of the query, `no-store`.

use std::sync::Arc;

use axum::extract::{Path, Query, State as Shared};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::{Map, Value as Json};

use super::State;
use super::catalogue::{Compiled, Service};
use super::theme::Theme;
use crate::eval::{ChildPriced, Priced};
use crate::inputs::FamilyRead;
use crate::report::messages;
use crate::rules::{Deliberation, Input, Scope, ValueType};

mod form;
mod result;

use form::form;
use result::{family_text, field_id, outcome_title, results};

const STYLE: &str = include_str!("page.css");

/// The largest number of children the form offers.
const MAX_CHILDREN: usize = 8;

/// A page: HTML, never cached nor sent as a referrer (its address holds what the family
/// typed), no script, no outside resource.
fn page(theme: &Theme, status: StatusCode, title: &str, main: Markup) -> Response {
    // The commune's colour (checked: `#rrggbb`, 4,5:1 on white) for links, borders and
    // the button.
    let colour = format!(":root {{ --couleur: {}; }}", theme.colour);
    let markup = html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(STYLE)) (PreEscaped(colour)) }
            }
            body {
                a.evitement href="#contenu" { "Aller au contenu" }
                header {
                    @if theme.logo.is_some() || theme.name.is_some() {
                        p.commune {
                            @if theme.logo.is_some() {
                                img src="/logo" alt=(theme.name.as_deref().unwrap_or("Logo de la commune")) height="48";
                            }
                            @if let Some(name) = &theme.name { span { (name) } }
                        }
                    }
                    p.service { a href="/" { "Simulateur des tarifs" } }
                }
                main #contenu tabindex="-1" { (main) }
                footer {
                    p {
                        "Simulation calculée par tarif à partir du texte des délibérations. "
                        "Rien de ce que vous saisissez n'est conservé."
                    }
                }
            }
        }
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'",
            ),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// `GET /logo`: the commune's logo named in `apparence.txt`, or 404.
pub async fn logo(Shared(state): Shared<Arc<State>>) -> Response {
    let catalogue = state.catalogue();
    let Some((path, media)) = catalogue.theme.logo.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let read = tokio::task::spawn_blocking(move || std::fs::read(path)).await;
    match read {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, media),
                (header::CACHE_CONTROL, "max-age=300"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'",
                ),
            ],
            bytes,
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The notice every simulation carries.
fn notice() -> Markup {
    html! {
        p.avis {
            strong { "Ceci est une simulation." }
            " Le prix facturé est celui que la commune calcule à partir de vos justificatifs "
            "(quotient familial de la CAF ou de la MSA, avis d'impôt). "
            "Ce que vous saisissez ici n'est ni envoyé à la commune ni conservé."
        }
    }
}

/// `GET /`: the deliberations served, each with a link to its simulator.
pub async fn index(Shared(state): Shared<Arc<State>>) -> Response {
    let catalogue = state.catalogue();
    let today = chrono::Local::now().date_naive();
    let services: Vec<(&Service, &Arc<Compiled>)> = catalogue
        .services
        .values()
        .filter_map(|s| s.versions().first().map(|d| (s, *d)))
        .filter(|(s, _)| s.overlap.is_none())
        .collect();
    let main = html! {
        h1 { "Simuler un tarif" }
        (notice())
        @if services.is_empty() {
            p { "Aucune délibération n'est publiée pour le moment." }
        } @else {
            ul.services {
                @for (service, document) in &services {
                    @let meta = &document.deliberation.meta;
                    li {
                        a href={ "/simulateur/" (service.id) } { (meta.title) }
                        @if let Some(c) = &meta.collectivity { " — " (c) }
                        br;
                        span.periodes {
                            @let now = current(service, today);
                            @for (n, version) in now.iter().enumerate() {
                                @if n > 0 { " ; " }
                                (crate::french::period(&version.deliberation.meta))
                                @if in_force(version, today) { " (en vigueur)" } @else { " (à venir)" }
                            }
                            // Every version ended: the last one, said so (a family may
                            // still check a past bill by its date).
                            @if now.is_empty() {
                                (crate::french::period(meta)) " (terminée)"
                            }
                        }
                    }
                }
            }
        }
    };
    page(&catalogue.theme, StatusCode::OK, "Simuler un tarif", main)
}

/// The versions of a service a family may price: in force today, or to come (those
/// that ended are history), the most recent first.
fn current(service: &Service, today: NaiveDate) -> Vec<&Arc<Compiled>> {
    service
        .versions()
        .into_iter()
        .filter(|v| {
            v.deliberation
                .meta
                .applicable_to
                .is_none_or(|to| to >= today)
        })
        .collect()
}

fn in_force(version: &Compiled, today: NaiveDate) -> bool {
    let meta = &version.deliberation.meta;
    meta.applicable_from <= today && meta.applicable_to.is_none_or(|to| today <= to)
}

/// What the family typed, by parameter name (the last value of a repeated one).
struct Typed(Vec<(String, String)>);

impl Typed {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A family's field name for the child `n` (from 1).
fn child_field(n: usize, name: &str) -> String {
    format!("enfant{n}.{name}")
}

/// `GET /simulateur/{id}`: the form; with parameters, the prices and justifications too.
pub async fn simulator(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let catalogue = state.catalogue();
    let id = id.trim_end_matches('/');
    let Some(service) = catalogue.services.get(id).filter(|s| s.overlap.is_none()) else {
        let main = html! {
            h1 { "Simulateur introuvable" }
            p { "Aucune délibération « " (id) " » n'est publiée. " a href="/" { "Voir la liste" } "." }
        };
        return page(
            &catalogue.theme,
            StatusCode::NOT_FOUND,
            "Simulateur introuvable",
            main,
        );
    };
    let Some(latest) = service.versions().first().copied() else {
        let main = html! {
            h1 { "Simulateur indisponible" }
            p { "Cette délibération n'a pas de version publiée sans erreur. " a href="/" { "Voir la liste" } "." }
        };
        return page(
            &catalogue.theme,
            StatusCode::NOT_FOUND,
            "Simulateur indisponible",
            main,
        );
    };
    let typed = Typed(query);
    let submitted = !typed.0.is_empty();
    let today = chrono::Local::now().date_naive();
    let date_text = typed.get("date").map(str::to_string);
    let date = match &date_text {
        Some(text) => crate::inputs::parse_date(text).ok_or(text.clone()),
        None => Ok(today),
    };
    let in_force = date.as_ref().ok().and_then(|d| service.version_on(*d));
    // The form shows the version in force at the date, else the most recent one.
    let shown = in_force.unwrap_or(latest);
    let d = &shown.deliberation;
    let shown_date = match (&date_text, in_force) {
        (Some(text), _) => text.clone(),
        (None, Some(_)) => crate::french::date(today),
        (None, None) => crate::french::date(d.meta.applicable_from),
    };
    let outcome = match (submitted, &date, in_force) {
        (false, _, _) => None,
        (true, Err(text), _) => Some(Outcome::Problem(match crate::inputs::date_error(text) {
            crate::inputs::FamilyErrorKind::ShortYear { .. } => {
                crate::report::messages::date_problem(text)
            }
            _ => format!(
                "la date « {text} » ne se lit pas : écrivez-la JJ/MM/AAAA, par exemple 15/10/2025"
            ),
        })),
        (true, Ok(date), None) => Some(Outcome::Problem(format!(
            "aucun tarif n'est en vigueur le {} : les tarifs publiés s'appliquent {}",
            crate::french::date(*date),
            service
                .versions()
                .iter()
                .map(|v| crate::french::period(&v.deliberation.meta))
                .collect::<Vec<_>>()
                .join(" ou ")
        ))),
        (true, Ok(date), Some(document)) => Some(price(document, &typed, *date)),
    };
    let invalid: Vec<(String, String)> = match &outcome {
        Some(Outcome::Priced { read, .. }) => read
            .errors
            .iter()
            .filter_map(|e| {
                let id = field_id(d, &typed, &e.field)?;
                Some((id, family_text(d, &messages::family_error(e).text)))
            })
            .collect(),
        _ => Vec::new(),
    };
    let title = match &outcome {
        None => format!("Simuler : {}", d.meta.title),
        Some(outcome) => format!("{} — {}", outcome_title(shown, outcome), d.meta.title),
    };
    let main = html! {
        h1 { (d.meta.title) }
        p.collectivite {
            @if let Some(c) = &d.meta.collectivity { (c) ", " }
            "délibération "
            @if let Some(n) = &d.meta.number { "n° " (n) " " }
            "applicable " (crate::french::period(&d.meta))
        }
        (notice())
        @if let Some(outcome) = &outcome {
            (results(shown, outcome, &typed))
        }
        (form(service, d, &typed, &shown_date, &invalid))
    };
    page(&catalogue.theme, StatusCode::OK, &title, main)
}

/// What a submitted form gave.
enum Outcome {
    /// Not priced at all (the date).
    Problem(String),
    Priced {
        read: Box<FamilyRead>,
        date: NaiveDate,
        priced: Vec<Priced>,
        children: Vec<ChildPriced>,
    },
}

/// The children the family filled in: those with at least one field.
fn filled_children(d: &Deliberation, typed: &Typed) -> Vec<usize> {
    let child_inputs: Vec<&Input> = d
        .inputs
        .iter()
        .filter(|i| i.scope == Scope::Child)
        .collect();
    if child_inputs.is_empty() {
        return Vec::new();
    }
    (1..=MAX_CHILDREN)
        .filter(|&n| {
            typed.get(&child_field(n, "prenom")).is_some()
                || child_inputs.iter().any(|i| {
                    // The hidden « non » of a box does not make a frame filled.
                    let value = typed.get(&child_field(n, &i.name));
                    match i.ty {
                        ValueType::Boolean => value == Some("oui"),
                        _ => value.is_some(),
                    }
                })
        })
        .collect()
}

/// The value of one input as the family's JSON: the text typed, read as `tarif eval`
/// reads a JSON string. A box sends `non` (a hidden field) then `oui` when ticked: the
/// last value counts; a parameter left out takes the deliberation's default.
fn typed_value(typed: Option<&str>) -> Option<Json> {
    typed.map(|text| Json::String(text.to_string()))
}

/// The family the form describes, priced as `tarif eval` prices it.
fn price(document: &Compiled, typed: &Typed, date: NaiveDate) -> Outcome {
    let d = &document.deliberation;
    let mut family = Map::new();
    family.insert(
        "date".to_string(),
        Json::String(date.format("%Y-%m-%d").to_string()),
    );
    // A child's input given without a frame (`?cursus=orchestre`): the family of one
    // child, as `tarif eval` reads it.
    for input in d.inputs.iter().filter(|i| i.scope != Scope::Rank) {
        if let Some(value) = typed_value(typed.get(&input.name)) {
            family.insert(input.name.clone(), value);
        }
    }
    let children: Vec<Json> = filled_children(d, typed)
        .into_iter()
        .map(|n| {
            let mut child = Map::new();
            let name = typed
                .get(&child_field(n, "prenom"))
                .map_or_else(|| format!("enfant {n}"), str::to_string);
            child.insert("id".to_string(), Json::String(name));
            for input in d.inputs.iter().filter(|i| i.scope == Scope::Child) {
                if let Some(value) = typed_value(typed.get(&child_field(n, &input.name))) {
                    child.insert(input.name.clone(), value);
                }
            }
            Json::Object(child)
        })
        .collect();
    if !children.is_empty() {
        family.insert("enfants".to_string(), Json::Array(children));
    }
    let mut read = crate::inputs::read_family_json(d, &Json::Object(family));
    read.at_date(d, date);
    let mut session = crate::eval::Session::on(document.plan());
    let (priced, children) = read.prices_in(&mut session, date, &[], true);
    Outcome::Priced {
        read: Box::new(read),
        date,
        priced,
        children,
    }
}
