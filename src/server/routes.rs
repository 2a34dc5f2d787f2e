//! The routes of `tarif serve` and their JSON.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State as Shared};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde_json::{Value as Json, json};

use super::State;
use super::admission::{declared_length, place, read_body, too_large, unavailable};
use super::catalogue::{Catalogue, Compiled, Service};
use super::publish::Waiting;
use crate::document::Document;
use crate::rules::{Scope, ValueType};

pub fn router(state: Arc<State>) -> Router {
    let timeout = state.limits.timeout;
    Router::new()
        .route("/sante", get(health))
        .route("/pret", get(readiness))
        .route("/metrics", get(metrics))
        .route("/v1/deliberations", get(list))
        .route(
            "/v1/deliberations/{*rest}",
            get(one).post(deliberation_post),
        )
        .route("/v1/verifier", post(verify))
        .route("/openapi.json", get(openapi))
        .route("/", get(super::page::index))
        .route("/simulateur/{*id}", get(super::page::simulator))
        .route("/logo", get(super::page::logo))
        .route(
            "/editeur",
            get(super::editor::show).post(super::editor::submit),
        )
        .route("/editeur/editeur.js", get(super::editor::script))
        .route("/editeur/analyse", post(super::editor::analyse_route))
        .route("/editeur/formater", post(super::editor::format_route))
        .route("/editeur/tarifer", post(super::editor::price_route))
        .route("/editeur/courbe", post(super::editor::curve_route))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), starting))
        .layer(middleware::from_fn_with_state(state.clone(), json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

/// The methods a path takes: `POST` for `…/tarifs`, `…/lots` and `/v1/verifier`, `GET`
/// (and `HEAD`) for the others.
fn allowed_methods(path: &str) -> &'static str {
    let action = path.starts_with("/v1/deliberations/")
        && (path.ends_with("/tarifs") || path.ends_with("/lots") || path.ends_with("/factures"));
    if action || path == "/v1/verifier" {
        "POST"
    } else {
        "GET, HEAD"
    }
}

/// Every error is the JSON `{ "erreur": … }`: the answers axum and tower give without a
/// handler (405 with an empty body, 408 from the time limit, 400 in plain text for a
/// path that is not UTF-8) are rewritten. `Allow` says what `…/tarifs` and `…/lots`
/// take (POST). An error answered before the request's body was read closes the
/// connection, and says so (`Connection: close`): the client does not reuse it.
async fn json_errors(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    // Kept for an error's message only: cheap clones (no text copied per request).
    let method = request.method().clone();
    let uri = request.uri().clone();
    let has_body = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0")
        || request.headers().contains_key(header::TRANSFER_ENCODING);
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // The pages' own errors are HTML, the handlers' JSON: only an empty body or plain
    // text (axum's, tower's) is rewritten.
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_json = content_type
        .as_deref()
        .is_some_and(|v| v.starts_with("application/json"));
    let framework = content_type
        .as_deref()
        .is_none_or(|v| v.starts_with("text/plain"));
    if framework {
        let path = uri.path();
        let allowed = allowed_methods(path);
        let (code, message) = match status {
            StatusCode::METHOD_NOT_ALLOWED => (
                "methode_non_permise",
                format!("la méthode {method} n'est pas permise sur {path} : {allowed}"),
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "delai_depasse",
                format!(
                    "la requête a dépassé {} s : elle est abandonnée",
                    state.limits.timeout.as_secs()
                ),
            ),
            StatusCode::BAD_REQUEST => (
                "chemin_illisible",
                "le chemin de la requête ne se lit pas (UTF-8 invalide ?)".to_string(),
            ),
            _ => ("erreur", format!("erreur {}", status.as_u16())),
        };
        response = error(status, code, message, None);
        if status == StatusCode::METHOD_NOT_ALLOWED
            && let Ok(value) = header::HeaderValue::from_str(&allowed.replace(' ', ""))
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
    }
    // The handlers that answer 404 (no such deliberation) or 413 do not read the whole
    // body; a framework's error reads none.
    let unread = !is_json
        || matches!(
            status,
            StatusCode::NOT_FOUND | StatusCode::PAYLOAD_TOO_LARGE
        );
    if has_body && unread {
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    response
}

/// One line per request: method, path (never the query, which may hold a QF), status,
/// duration, and the deliberation's id. Never a body. The same request counted in
/// `/metrics`, by route pattern.
async fn access_log(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("autre", |m| route_name(m.as_str()));
    let path = request.uri().path().to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    state.metrics.request(
        route,
        method.as_str(),
        response.status().as_u16(),
        elapsed.as_secs_f64(),
    );
    let id = path
        .strip_prefix("/v1/deliberations/")
        .map(|rest| strip_action(rest).0.to_string());
    tracing::info!(
        methode = %method,
        chemin = %path,
        statut = response.status().as_u16(),
        duree_us = elapsed.as_micros() as u64,
        id = id.as_deref().unwrap_or(""),
        "requête"
    );
    response
}

/// The route of a pattern, as `/metrics` labels it (a bounded set).
fn route_name(pattern: &str) -> &'static str {
    const ROUTES: [&str; 16] = [
        "/sante",
        "/pret",
        "/metrics",
        "/v1/deliberations",
        "/v1/deliberations/{*rest}",
        "/v1/verifier",
        "/openapi.json",
        "/",
        "/simulateur/{*id}",
        "/logo",
        "/editeur",
        "/editeur/editeur.js",
        "/editeur/analyse",
        "/editeur/formater",
        "/editeur/tarifer",
        "/editeur/courbe",
    ];
    ROUTES
        .into_iter()
        .find(|r| *r == pattern)
        .unwrap_or("autre")
}

/// While the folder is first read, the routes that need it answer 503 (with
/// `Retry-After`) rather than « aucune délibération ».
async fn starting(Shared(state): Shared<Arc<State>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let needs_folder = path.starts_with("/v1/deliberations")
        || path.starts_with("/simulateur/")
        || path == "/"
        || path == "/logo";
    if needs_folder && !state.ready.load(std::sync::atomic::Ordering::Relaxed) {
        return unavailable(
            "demarrage",
            "le service lit encore ses délibérations : réessayez dans un instant".to_string(),
        );
    }
    next.run(request).await
}

/// An error as `{ "erreur": { "code", "message", "champ"? } }`.
pub fn error(status: StatusCode, code: &str, message: String, field: Option<&str>) -> Response {
    let mut inner = json!({ "code": code, "message": message });
    if let Some(field) = field {
        inner["champ"] = json!(field);
    }
    json_response(status, &json!({ "erreur": inner }))
}

fn json_response(status: StatusCode, value: &Json) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        serde_json::to_string(value).unwrap_or_default(),
    )
        .into_response()
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "chemin_inconnu",
        "ce chemin n'existe pas : voir GET /v1/deliberations".to_string(),
        None,
    )
}

/// `GET /openapi.json`: docs/openapi.json, its `Resultat` being docs/resultat.schema.json
/// (one schema for `tarif eval --format json` and for the service).
async fn openapi() -> Response {
    static DOCUMENT: std::sync::LazyLock<Json> = std::sync::LazyLock::new(openapi_document);
    json_response(StatusCode::OK, &DOCUMENT)
}

fn openapi_document() -> Json {
    let mut document: Json =
        serde_json::from_str(include_str!("../../docs/openapi.json")).unwrap_or(Json::Null);
    let result: Json =
        serde_json::from_str(include_str!("../../docs/resultat.schema.json")).unwrap_or(Json::Null);
    if let Some(slot) = document.pointer_mut("/components/schemas/Resultat") {
        *slot = rebased(result, "#/components/schemas/Resultat");
    }
    document
}

/// A schema moved under `base` in another document: its local `$ref`s point there, and
/// it loses its `$id` and `$schema` (tools reading OpenAPI seldom follow an inner `$id`).
fn rebased(schema: Json, base: &str) -> Json {
    match schema {
        Json::Object(object) => Json::Object(
            object
                .into_iter()
                .filter(|(key, _)| key != "$id" && key != "$schema")
                .map(|(key, value)| match (key.as_str(), &value) {
                    ("$ref", Json::String(target)) if target.starts_with("#/") => {
                        let target = format!("{base}{}", &target[1..]);
                        (key, Json::String(target))
                    }
                    _ => (key, rebased(value, base)),
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.into_iter().map(|v| rebased(v, base)).collect()),
        other => other,
    }
}

/// `GET /pret`: readiness. 200 once every file of the folder has been read, 503 before
/// and while the service drains after SIGTERM (a load balancer stops sending then).
async fn readiness(Shared(state): Shared<Arc<State>>) -> Response {
    let ready = state.is_ready();
    let (status, etat) = match (
        ready,
        state.draining.load(std::sync::atomic::Ordering::Relaxed),
    ) {
        (true, _) => (StatusCode::OK, "pret"),
        (false, true) => (StatusCode::SERVICE_UNAVAILABLE, "arret"),
        (false, false) => (StatusCode::SERVICE_UNAVAILABLE, "demarrage"),
    };
    json_response(
        status,
        &json!({ "etat": etat, "deliberations": state.catalogue().services.len() }),
    )
}

/// `GET /metrics`: the Prometheus counters (OpenMetrics text).
async fn metrics(Shared(state): Shared<Arc<State>>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}

/// `GET /sante`: liveness, cheap (the process answers).
async fn health(Shared(state): Shared<Arc<State>>) -> Response {
    let catalogue = state.catalogue();
    json_response(
        StatusCode::OK,
        &json!({ "etat": "ok", "deliberations": catalogue.services.len() }),
    )
}

async fn list(Shared(state): Shared<Arc<State>>) -> Response {
    let catalogue = state.catalogue();
    let items: Vec<Json> = catalogue
        .services
        .values()
        .map(|s| service_json(s, false))
        .collect();
    json_response(StatusCode::OK, &json!({ "deliberations": items }))
}

async fn one(Shared(state): Shared<Arc<State>>, Path(rest): Path<String>) -> Response {
    let catalogue = state.catalogue();
    match catalogue.services.get(rest.trim_end_matches('/')) {
        Some(service) => json_response(StatusCode::OK, &service_json(service, true)),
        // `GET …/tarifs` of a deliberation served: the method is wrong, not the id.
        None if let (id, Some(_)) = strip_action(&rest)
            && catalogue.services.contains_key(id) =>
        {
            let mut response = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "methode_non_permise",
                format!("la méthode GET n'est pas permise sur /v1/deliberations/{rest} : POST"),
                None,
            );
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            response
        }
        None => unknown(&catalogue, &rest),
    }
}

/// The id and the action of `{id}/tarifs` or `{id}/lots`.
fn strip_action(rest: &str) -> (&str, Option<&str>) {
    for action in ["tarifs", "lots", "factures"] {
        if let Some(id) = rest.strip_suffix(action).and_then(|r| r.strip_suffix('/')) {
            return (id, Some(action));
        }
    }
    (rest, None)
}

fn unknown(catalogue: &Catalogue, id: &str) -> Response {
    let known: Vec<&str> = catalogue.services.keys().map(String::as_str).collect();
    let hint = crate::check::closest(id, known.iter().copied())
        .map_or(String::new(), |s| format!(" ; vouliez-vous dire « {s} » ?"));
    error(
        StatusCode::NOT_FOUND,
        "deliberation_inconnue",
        format!("aucune délibération « {id} »{hint}"),
        None,
    )
}

async fn deliberation_post(
    Shared(state): Shared<Arc<State>>,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    headers: header::HeaderMap,
    body: Body,
) -> Response {
    let declared = declared_length(&headers);
    let catalogue = state.catalogue();
    let (id, action) = strip_action(&rest);
    let Some(service) = catalogue.services.get(id) else {
        return unknown(&catalogue, id);
    };
    let justify = !query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .any(|p| p == "justification=non" || p == "justification=false");
    match action {
        Some("tarifs") => {
            let (bytes, _memory) = match read_body(&state, body, declared).await {
                Ok(read) => read,
                Err(response) => return response,
            };
            let response = price_one(service, &bytes, justify);
            state.metrics.family(response.status() == StatusCode::OK);
            response
        }
        Some("lots") => {
            let limit = state.limits.lots_body;
            if declared.is_some_and(|n| n > limit) {
                return too_large(limit);
            }
            let permit = match place(&state, &state.lots, "lots").await {
                Ok(permit) => permit,
                Err(response) => return response,
            };
            super::lots::start(&state, service.clone(), body, justify, permit)
        }
        Some("factures") => {
            let (bytes, _memory) = match read_body(&state, body, declared).await {
                Ok(read) => read,
                Err(response) => return response,
            };
            invoice_one(service, &bytes, justify)
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "chemin_inconnu",
            format!(
                "POST /v1/deliberations/{id}/tarifs (une famille), …/lots (JSON Lines) ou …/factures (la facture d'un mois)"
            ),
            None,
        ),
    }
}

/// `POST …/factures`: `{ "mois": "2025-10", "famille": {…}, "jours": [ {…}, … ] }`, the
/// invoice of the month as `tarif facture --format json` writes it (200), or with its
/// `erreurs` and no total (422).
fn invoice_one(service: &Service, bytes: &[u8], justify: bool) -> Response {
    let body: Json = match std::str::from_utf8(bytes).ok().map(serde_json::from_str) {
        Some(Ok(body @ Json::Object(_))) => body,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "E110",
                "le corps doit être un objet JSON : { \"mois\": \"2025-10\", \"famille\": {…}, \"jours\": […] }".to_string(),
                None,
            );
        }
    };
    let month = match body
        .get("mois")
        .and_then(Json::as_str)
        .map(crate::billing::invoice::Month::parse)
    {
        Some(Some(month)) => month,
        _ => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "E141",
                "« mois » manque ou ne se lit pas : écrivez 2025-10".to_string(),
                Some("mois"),
            );
        }
    };
    let Some(family) = body.get("famille").filter(|f| f.is_object()) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "E110",
            "« famille » doit être l'objet de la famille, comme pour …/tarifs".to_string(),
            Some("famille"),
        );
    };
    let Some(days) = body.get("jours").and_then(Json::as_array) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "E140",
            "« jours » doit être la liste des jours du mois".to_string(),
            Some("jours"),
        );
    };
    let first = month.first();
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    let Some(document) = service
        .version_on(first)
        .or_else(|| service.version_on(last))
    else {
        return no_version(service, first);
    };
    let d = &document.deliberation;
    if d.billing.is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "sans_facturation",
            format!("« {} » n'a pas de règlement de facturation", service.id),
            None,
        );
    }
    // The days as JSON Lines: the line of each is its place in `jours`, from 1.
    let lines: String = days
        .iter()
        .map(|day| format!("{}\n", serde_json::to_string(day).unwrap_or_default()))
        .collect();
    let read_days = crate::billing::days::read_in(&lines, crate::billing::days::zone(d));
    let read = crate::inputs::read_family_json(d, family);
    let days: Vec<&crate::billing::days::Day> = read_days.days.iter().collect();
    let mut invoice =
        crate::billing::invoice::invoice_justified(document.plan(), &read, &days, month, justify);
    invoice.read_with(&read_days);
    let status = if invoice.total.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    json_response(status, &crate::billing::render::to_json(document, &invoice))
}

/// The date of the service a family gives (`date`), or today.
/// Its error is the message of E116.
pub(super) fn family_date(json: &Json) -> Result<NaiveDate, String> {
    match json.get("date") {
        None | Some(Json::Null) => Ok(chrono::Local::now().date_naive()),
        Some(Json::String(text)) => crate::inputs::parse_date(text)
            .ok_or_else(|| crate::report::messages::date_problem(text)),
        Some(other) => Err(format!(
            "la date {other} ne se lit pas (AAAA-MM-JJ ou JJ/MM/AAAA)"
        )),
    }
}

/// No version of the service in force on `date`: 404, naming the periods served.
fn no_version(service: &Service, date: NaiveDate) -> Response {
    if let Some((a, b)) = &service.overlap {
        return error(
            StatusCode::NOT_FOUND,
            "versions_chevauchantes",
            format!(
                "« {} » n'est pas servie : les périodes de {a} et de {b} se chevauchent",
                service.id
            ),
            None,
        );
    }
    let periods: Vec<String> = service
        .versions()
        .iter()
        .map(|d| crate::french::period(&d.deliberation.meta))
        .collect();
    let served = if periods.is_empty() {
        "aucune version sans erreur".to_string()
    } else {
        format!("versions : {}", periods.join(", "))
    };
    error(
        StatusCode::NOT_FOUND,
        "aucune_version",
        format!(
            "aucune version de « {} » n'est en vigueur le {} ({served})",
            service.id,
            crate::french::date(date)
        ),
        Some("date"),
    )
}

/// `POST …/tarifs`: one family, the JSON of `tarif eval --format json`; 422 with that
/// JSON when the family cannot be priced.
fn price_one(service: &Service, bytes: &[u8], justify: bool) -> Response {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return error(
            StatusCode::BAD_REQUEST,
            "E110",
            "la famille n'est pas du texte UTF-8".to_string(),
            None,
        );
    };
    let (json, duplicates) = match crate::inputs::parse_family(text) {
        Ok(parsed) if parsed.0.is_object() => parsed,
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "E110",
                "la famille doit être un objet JSON".to_string(),
                None,
            );
        }
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "E110",
                format!(
                    "la famille n'est pas du JSON lisible (ligne {}, colonne {})",
                    e.line(),
                    e.column()
                ),
                None,
            );
        }
    };
    let date = match family_date(&json) {
        Ok(date) => date,
        Err(message) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "E116",
                message,
                Some("date"),
            );
        }
    };
    let Some(document) = service.version_on(date) else {
        return no_version(service, date);
    };
    let d = &document.deliberation;
    let mut read = crate::inputs::read_family_parsed(d, &json, duplicates);
    read.at_date(d, date);
    let (status, value) = priced_json(document, &read, date, justify);
    json_response(status, &value)
}

/// The result of one family on a version served, and its status.
fn priced_json(
    document: &Compiled,
    read: &crate::inputs::FamilyRead,
    date: NaiveDate,
    justify: bool,
) -> (StatusCode, Json) {
    let mut session = crate::eval::Session::on(document.plan());
    let (priced, children) = read.prices_in(&mut session, date, &[], justify);
    let value = match read.family.children().is_empty() {
        true => crate::report::result::to_json(document, read, date, &priced),
        false => crate::report::result::children_to_json(document, read, date, &children),
    };
    let ok = read.all_priced(&priced, &children);
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, value)
}

/// `POST /v1/verifier`: a deliberation's text, its diagnostics as `tarif check --format
/// json` writes them.
async fn verify(
    Shared(state): Shared<Arc<State>>,
    headers: header::HeaderMap,
    body: Body,
) -> Response {
    let _place = match place(&state, &state.verifications, "vérifications").await {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    let (bytes, _memory) = match read_body(&state, body, declared_length(&headers)).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return error(
            StatusCode::BAD_REQUEST,
            "corps_illisible",
            "le texte de la délibération n'est pas en UTF-8".to_string(),
            None,
        );
    };
    let text = text.to_string();
    let value = tokio::task::spawn_blocking(move || {
        let compiled = crate::compile(&text);
        crate::report::to_json("deliberation.delib", &text, &compiled.diagnostics)
    })
    .await
    .unwrap_or(Json::Null);
    json_response(StatusCode::OK, &value)
}

/// A service for `GET /v1/deliberations` (and with the sources for `…/{id}`).
fn service_json(service: &Service, with_source: bool) -> Json {
    let versions: Vec<Json> = service
        .files
        .iter()
        .map(|file| {
            let errors = file.diagnostics.iter().filter(|d| d.is_error()).count();
            let diagnostics: Vec<Json> = file
                .diagnostics
                .iter()
                .map(|d| {
                    json!({
                        "code": d.code.as_str(),
                        "gravite": if d.is_error() { "erreur" } else { "avertissement" },
                        "message": d.message,
                    })
                })
                .collect();
            let mut object = match &file.document {
                Some(document) => document_json(document),
                None => json!({}),
            };
            object["fichier"] = json!(file.path);
            object["servie"] = json!(file.document.is_some() && service.overlap.is_none());
            object["a_jour"] =
                json!(errors == 0 && file.unreadable.is_none() && file.waiting.is_none());
            object["diagnostics"] = json!(diagnostics);
            if let Some(waiting) = &file.waiting {
                let reason = match waiting {
                    Waiting::Settling => "en_cours_d_ecriture",
                    Waiting::FailingExamples(_) => "exemples_en_echec",
                    Waiting::Losing(_) => "version_incomplete",
                };
                object["retenue"] = json!({
                    "raison": reason,
                    "message": super::publish::waiting_text(waiting),
                });
            }
            if let Some(reason) = &file.unreadable {
                object["illisible"] = json!(reason);
            }
            if with_source {
                object["source"] = json!(file.source);
            }
            object
        })
        .collect();
    let mut value = json!({ "id": service.id, "versions": versions });
    if let Some((a, b)) = &service.overlap {
        value["erreur"] = json!({
            "code": "versions_chevauchantes",
            "message": format!("les périodes de {a} et de {b} se chevauchent : aucune version n'est servie"),
        });
    }
    value
}

/// What a portal needs to know of a deliberation to call it.
fn document_json(document: &Document) -> Json {
    let d = &document.deliberation;
    let meta = &d.meta;
    let tariffs: Vec<Json> = d
        .tariffs
        .iter()
        .map(|t| json!({ "nom": t.name, "unite": t.unit, "libelle": t.label }))
        .collect();
    let inputs: Vec<Json> = d
        .inputs
        .iter()
        .filter(|i| i.scope != Scope::Rank)
        .map(|i| {
            let mut object = json!({
                "nom": i.name,
                "type": i.ty.written(i.whole),
                "source_certifiee": i.certified.map(crate::check::source_name),
                "defaut": i.default.map(|v| crate::eval::trace::shown(Some(v), &i.ty))
                    .map(|s| crate::report::justification::shown_json(d, s)),
                "libelle": i.label,
                "obligatoire": i.required,
                "enfant": i.scope == Scope::Child,
            });
            if let ValueType::Choice(ids) = &i.ty {
                let values: Vec<&str> = ids
                    .iter()
                    .filter_map(|c| d.choices.get(c.0 as usize).map(String::as_str))
                    .collect();
                object["valeurs"] = json!(values);
            }
            object
        })
        .collect();
    json!({
        "numero": meta.number,
        "titre": meta.title,
        "collectivite": meta.collectivity,
        "periode": {
            "du": meta.applicable_from.format("%Y-%m-%d").to_string(),
            "au": meta.applicable_to.map(|d| d.format("%Y-%m-%d").to_string()),
        },
        "empreinte": document.empreinte,
        "tarifs": tariffs,
        "entrees": inputs,
        "rang_des_enfants": d.ranking.is_some(),
    })
}
