//! `GET /editeur`: the workshop of the finance staff who write deliberations. A text
//! area where a deliberation is written, pasted, or opened from the folder served
//! (`?id=cantine`); as it is typed, its diagnostics (each at its line, a click goes
//! there), its examples run, a family priced with its justification, the curve of a
//! tariff, `tarif fmt` on a button, « Télécharger ». Nothing is stored on the server.
//!
//! The page works without JavaScript: a form posted to `POST /editeur`, whose buttons
//! verify, lay out or download the text. `editeur.js` (served here, no outside
//! resource) makes it live, calling the JSON routes `POST /editeur/analyse`,
//! `…/tarifer`, `…/formater` and `…/courbe`.

pub mod analyse;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::body::Body;
use axum::extract::{Query, State as Shared};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::{Value as Json, json};

use super::State;

const SCRIPT: &str = include_str!("editeur.js");
const STYLE: &str = include_str!("editeur.css");

/// The headers of the page: no cache, no referrer, only this server's script.
fn page_headers() -> [(header::HeaderName, &'static str); 5] {
    [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
             connect-src 'self'; img-src 'self' blob:; form-action 'self'",
        ),
    ]
}

/// `GET /editeur/editeur.js`.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// `GET /editeur`: empty, or the text of a deliberation served (`?id=`).
pub async fn show(
    Shared(state): Shared<Arc<State>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let catalogue = state.catalogue();
    let text = query
        .get("id")
        .and_then(|id| catalogue.services.get(id))
        .and_then(|service| {
            // The version in force today, else the last file.
            let today = chrono::Local::now().date_naive();
            let in_force = service.version_on(today);
            let file = service
                .files
                .iter()
                .find(|f| {
                    f.document
                        .as_ref()
                        .zip(in_force)
                        .is_some_and(|(d, v)| Arc::ptr_eq(d, v))
                })
                .or_else(|| service.files.last())?;
            Some(file.source.clone())
        })
        .unwrap_or_default();
    let ids: Vec<String> = catalogue.services.keys().cloned().collect();
    (page_headers(), editor_page(&text, &ids, None).into_string()).into_response()
}

/// `POST /editeur` (the form, without JavaScript): `action` is `verifier`, `formater`
/// or `telecharger`.
pub async fn submit(
    Shared(state): Shared<Arc<State>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let text = form.get("texte").cloned().unwrap_or_default();
    if text.len() > state.limits.body {
        return super::routes::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "trop_grand",
            "le texte est trop grand".to_string(),
            None,
        );
    }
    // A text area sends CRLF line ends.
    let text = text.replace("\r\n", "\n");
    let action = form.get("action").cloned().unwrap_or_default();
    if action.as_str() == "telecharger" {
        return download(text);
    }
    let ids: Vec<String> = state.catalogue().services.keys().cloned().collect();
    let result = tokio::task::spawn_blocking(move || {
        let text = match action.as_str() {
            "formater" => crate::format::format(&text).unwrap_or(text),
            _ => text,
        };
        let analysis = analyse::analyse(&text);
        (text, analysis)
    })
    .await;
    let Ok((text, analysis)) = result else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    (
        page_headers(),
        editor_page(&text, &ids, Some(&analysis)).into_string(),
    )
        .into_response()
}

/// The text as a file to save.
fn download(text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"deliberation.delib\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// Reads a text body, within the limits, then runs `work` on a blocking thread.
async fn with_text(
    state: &State,
    headers: &HeaderMap,
    body: Body,
    work: impl FnOnce(String) -> Response + Send + 'static,
) -> Response {
    let _place = match super::admission::place(state, &state.verifications, "vérifications").await
    {
        Ok(place) => place,
        Err(response) => return response,
    };
    let bytes = match super::admission::read_text(state, headers, body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    tokio::task::spawn_blocking(move || work(text))
        .await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn json_ok(status: StatusCode, value: &Json) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// `POST /editeur/analyse`: the text → diagnostics, examples, inputs, tariffs.
pub async fn analyse_route(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    with_text(&state, &headers, body, |text| {
        json_ok(StatusCode::OK, &analyse::analyse(&text))
    })
    .await
}

/// `POST /editeur/formater`: the text laid out, or its errors (422).
pub async fn format_route(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    with_text(&state, &headers, body, |text| {
        match crate::format::format(&text) {
            Ok(laid_out) => json_ok(StatusCode::OK, &json!({ "texte": laid_out })),
            Err(crate::format::FormatError::Errors(errors)) => json_ok(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({ "message": format!("{} erreur(s) à corriger avant de mettre en page", errors.len()) }),
            ),
            Err(crate::format::FormatError::WouldChangeMeaning) => json_ok(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({ "message": "la mise en page changerait ce que dit le texte : le texte est laissé tel quel" }),
            ),
        }
    })
    .await
}

/// `POST /editeur/tarifer`: `{ "texte", "famille" }` → each price, in words.
pub async fn price_route(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    with_text(&state, &headers, body, |body| {
        let request: Json = serde_json::from_str(&body).unwrap_or(Json::Null);
        let text = request["texte"]
            .as_str()
            .unwrap_or("")
            .replace("\r\n", "\n");
        let family = request.get("famille").cloned().unwrap_or(json!({}));
        let (status, value) = price(&text, &family);
        json_ok(status, &value)
    })
    .await
}

/// The prices of `family` by the deliberation `text`, each with its sentences.
fn price(text: &str, family: &Json) -> (StatusCode, Json) {
    use crate::report::family::{sentences, tariff_label};
    let Ok(document) = crate::document::Document::from_source(text) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "message": "le texte a des erreurs : corrigez-les avant de tarifer une famille" }),
        );
    };
    let d = &document.deliberation;
    let mut read = crate::inputs::read_family_json(d, family);
    let date = crate::eval::service_date(&read.family, None, d.meta.applicable_from);
    read.at_date(d, date);
    let errors: Vec<String> = read
        .errors
        .iter()
        .map(|e| crate::report::messages::family_error(e).text)
        .collect();
    let plan = crate::eval::Plan::new(d);
    let mut session = crate::eval::Session::on(&plan);
    let (priced, _) = read.prices_in(&mut session, date, &[], true);
    let tariffs: Vec<Json> = priced
        .iter()
        .filter_map(|p| {
            let tariff = d.tariffs.get(p.tariff)?;
            let phrases: Vec<String> = p
                .justification
                .as_ref()
                .map(|j| {
                    sentences(d, tariff, &j.steps)
                        .into_iter()
                        .map(|s| s.text)
                        .collect()
                })
                .unwrap_or_default();
            let (amount, problem) = match &p.result {
                Ok(amount) => (Some(crate::french::price(*amount)), None),
                Err(error) => (None, Some(crate::report::messages::eval_error(error).text)),
            };
            Some(json!({
                "libelle": tariff_label(tariff),
                "unite": tariff.unit,
                "montant": amount,
                "probleme": problem,
                "phrases": phrases,
            }))
        })
        .collect();
    (
        StatusCode::OK,
        json!({ "date": crate::french::date(date), "erreurs": errors, "tarifs": tariffs }),
    )
}

/// `POST /editeur/courbe?tarif=N`: the curve of tariff number N (SVG), as the annexe
/// draws it; 404 when its price follows no number.
pub async fn curve_route(
    Shared(state): Shared<Arc<State>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let tariff: usize = query.get("tarif").and_then(|t| t.parse().ok()).unwrap_or(0);
    with_text(&state, &headers, body, move |text| {
        let Ok(document) = crate::document::Document::from_source(&text) else {
            return json_ok(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({ "message": "le texte a des erreurs" }),
            );
        };
        match crate::annexe::curves(&document.deliberation)
            .into_iter()
            .find(|(index, _, _)| *index == tariff)
        {
            Some((_, svg, _)) => (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                svg,
            )
                .into_response(),
            None => json_ok(
                StatusCode::NOT_FOUND,
                &json!({ "message": "ce tarif ne suit aucun nombre : pas de courbe" }),
            ),
        }
    })
    .await
}

/// The page: the text area and, once verified (without JavaScript), the analysis.
fn editor_page(text: &str, ids: &[String], analysis: Option<&Json>) -> Markup {
    let lines = text.lines().count().max(1);
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { "Atelier des délibérations — tarif" }
                style { (PreEscaped(STYLE)) }
                script src="/editeur/editeur.js" defer {}
            }
            body {
                a.evitement href="#texte" { "Aller au texte" }
                header {
                    h1 { "Atelier des délibérations" }
                    p { "Écrivez ou collez une délibération : ses erreurs, ses exemples et ses prix s'affichent à mesure. Rien n'est conservé sur le serveur." }
                }
                main {
                    @if !ids.is_empty() {
                        form.ouvrir method="get" action="/editeur" {
                            label for="ouvrir" { "Ouvrir une délibération servie" }
                            select #ouvrir name="id" {
                                @for id in ids { option value=(id) { (id) } }
                            }
                            button type="submit" { "Ouvrir" }
                        }
                    }
                    form #atelier method="post" action="/editeur" {
                        div.zone {
                            div.gouttiere #gouttiere aria-hidden="true" {
                                @for n in 1..=lines { span data-ligne=(n) { (n) } }
                            }
                            label.invisible for="texte" { "Texte de la délibération" }
                            textarea #texte name="texte" spellcheck="false" autocapitalize="off"
                                rows="24" aria-describedby="etat" { (text) }
                        }
                        p.boutons {
                            button type="submit" name="action" value="verifier" #verifier { "Vérifier" }
                            button type="submit" name="action" value="formater" #formater { "Mettre en page" }
                            button type="submit" name="action" value="telecharger" #telecharger { "Télécharger" }
                        }
                    }
                    section aria-labelledby="titre-diagnostics" {
                        h2 #titre-diagnostics { "Erreurs et avertissements" }
                        p #etat role="status" aria-live="polite" {
                            @match analysis {
                                Some(a) => (summary(a)),
                                None => "Le texte est vérifié à mesure que vous l'écrivez.",
                            }
                        }
                        ol #diagnostics {
                            @if let Some(a) = analysis {
                                @for d in a["diagnostics"].as_array().into_iter().flatten() {
                                    li class=(d["gravite"].as_str().unwrap_or("")) {
                                        strong { "Ligne " (d["ligne"]) " — " (d["code"].as_str().unwrap_or("")) " : " }
                                        (d["message"].as_str().unwrap_or(""))
                                        @if let Some(help) = d["aide"].as_str() { br; "Aide : " (help) }
                                    }
                                }
                            }
                        }
                    }
                    section aria-labelledby="titre-exemples" {
                        h2 #titre-exemples { "Exemples de la délibération" }
                        ul #exemples {
                            @if let Some(a) = analysis {
                                @for e in a["exemples"].as_array().into_iter().flatten() {
                                    @for c in e["attendus"].as_array().into_iter().flatten() {
                                        @let passed = c["reussi"].as_bool().unwrap_or(false);
                                        li class=(if passed { "reussi" } else { "echec" }) {
                                            (if passed { "Réussi — " } else { "Échec — " })
                                            (e["titre"].as_str().unwrap_or("")) " : "
                                            (c["tarif"].as_str().unwrap_or("")) " "
                                            (c["trouve"].as_str().unwrap_or(""))
                                            @if !passed { " (attendu " (c["attendu"].as_str().unwrap_or("")) ", ligne " (c["ligne"]) ")" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section #famille-section aria-labelledby="titre-famille" hidden {
                        h2 #titre-famille { "Tarifer une famille" }
                        form #famille {
                            div #champs {}
                            p { button type="submit" { "Tarifer" } }
                        }
                        div #prix role="status" aria-live="polite" {}
                    }
                    section #courbe-section aria-labelledby="titre-courbe" hidden {
                        h2 #titre-courbe { "Courbe d'un tarif" }
                        form #courbe {
                            label for="tarif-courbe" { "Tarif" }
                            select #tarif-courbe {}
                            button type="submit" { "Tracer" }
                        }
                        figure #figure {}
                    }
                }
            }
        }
    }
}

/// « 2 erreurs, 1 avertissement » or « Aucune erreur ».
fn summary(analysis: &Json) -> String {
    let items = analysis["diagnostics"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let errors = items.iter().filter(|d| d["gravite"] == "erreur").count();
    let warnings = items.len() - errors;
    match (errors, warnings) {
        (0, 0) => "Aucune erreur, aucun avertissement.".to_string(),
        (0, w) => format!("Aucune erreur, {w} avertissement(s)."),
        (e, 0) => format!("{e} erreur(s)."),
        (e, w) => format!("{e} erreur(s), {w} avertissement(s)."),
    }
}
