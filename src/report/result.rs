//! The result of pricing one family: the contract of LANGUAGE.md §12 in JSON, and the
//! same content as French text.

use chrono::NaiveDate;
use serde_json::{Map, Value as Json, json};

use super::justification;
use super::messages::{self, Message};
use crate::document::Document;
use crate::eval::{Priced, trace::Justification};
use crate::french;
use crate::inputs::FamilyRead;

fn message_json(m: &Message) -> Map<String, Json> {
    let mut object = Map::new();
    object.insert("code".to_string(), json!(m.code));
    object.insert("message".to_string(), json!(m.text));
    object
}

/// The result of one family as JSON (see docs/reference.md, « Résultat »).
pub fn to_json(
    document: &Document,
    family: &FamilyRead,
    date: NaiveDate,
    priced: &[Priced],
) -> Json {
    let d = &document.deliberation;
    let mut errors = family_errors(family);
    let tariffs = tariffs_json(d, priced, &mut errors);
    let mut result = head(document, family, date);
    result.insert("tarifs".to_string(), Json::Object(tariffs));
    result.insert("avertissements".to_string(), warnings(family));
    if !errors.is_empty() {
        result.insert("erreurs".to_string(), Json::Array(errors));
    }
    Json::Object(result)
}

/// The result of a family with children (`enfants`) as JSON: per child its rank and
/// each tariff's price, then the family's total per tariff (every child priced).
pub fn children_to_json(
    document: &Document,
    family: &FamilyRead,
    date: NaiveDate,
    children: &[crate::eval::ChildPriced],
) -> Json {
    let d = &document.deliberation;
    let mut errors = family_errors(family);
    let mut list = Vec::new();
    let (family_priced, children_priced) = split_per_family(d, children);
    let family_tariffs = tariffs_json(d, &family_priced, &mut errors);
    for (child, priced) in children.iter().zip(&children_priced) {
        let mut child_errors = Vec::new();
        let tariffs = tariffs_json(d, priced, &mut child_errors);
        let mut object = Map::new();
        let id = family
            .family
            .children()
            .get(child.child)
            .and_then(|c| c.id.clone());
        object.insert("id".to_string(), json!(id));
        object.insert("rang".to_string(), json!(child.rank));
        object.insert("tarifs".to_string(), Json::Object(tariffs));
        if !child_errors.is_empty() {
            object.insert("erreurs".to_string(), Json::Array(child_errors));
        }
        list.push(Json::Object(object));
    }
    let mut total = Map::new();
    for (tariff, sum) in d.tariffs.iter().zip(totals(d, children)) {
        if let Some(Some(sum)) = sum {
            total.insert(
                tariff.name.clone(),
                json!({ "montant": format!("{:.2}", sum), "unite": tariff.unit }),
            );
        }
    }
    let mut result = head(document, family, date);
    if !family_tariffs.is_empty() {
        result.insert(
            "famille".to_string(),
            json!({ "tarifs": Json::Object(family_tariffs) }),
        );
    }
    result.insert("enfants".to_string(), Json::Array(list));
    result.insert("total".to_string(), Json::Object(total));
    result.insert("avertissements".to_string(), warnings(family));
    if !errors.is_empty() {
        result.insert("erreurs".to_string(), Json::Array(errors));
    }
    Json::Object(result)
}

/// `id`, `deliberation` and `date` of a result.
fn head(document: &Document, family: &FamilyRead, date: NaiveDate) -> Map<String, Json> {
    let d = &document.deliberation;
    let mut result = Map::new();
    result.insert("id".to_string(), json!(family.family.id));
    result.insert(
        "deliberation".to_string(),
        json!({ "numero": d.meta.number, "titre": d.meta.title, "empreinte": document.empreinte }),
    );
    result.insert(
        "date".to_string(),
        json!(date.format("%Y-%m-%d").to_string()),
    );
    result
}

/// The warnings about the family's fields.
fn warnings(family: &FamilyRead) -> Json {
    let warnings: Vec<Json> = family
        .warnings
        .iter()
        .map(|w| {
            let mut object = message_json(&messages::family_warning(w));
            object.insert("champ".to_string(), json!(w.field));
            Json::Object(object)
        })
        .collect();
    Json::Array(warnings)
}

/// The errors of the family's fields, each naming its field.
fn family_errors(family: &FamilyRead) -> Vec<Json> {
    family.errors.iter().map(family_error_json).collect()
}

/// A field of the family that cannot be used, as the results write it: code, message,
/// field, and for a failed API call what a program needs to decide (retry, or fix it).
pub fn family_error_json(e: &crate::inputs::FamilyError) -> Json {
    let mut object = message_json(&messages::family_error(e));
    object.insert("champ".to_string(), json!(e.field));
    if let crate::inputs::FamilyErrorKind::ApiFailed { error, failure } = &e.kind {
        use crate::eval::trace::ApiFailure;
        object.insert(
            "api".to_string(),
            json!({
                "code": error.code,
                "titre": error.title,
                "detail": error.detail,
                "fournisseur": error.provider,
                "reessayer": *failure == ApiFailure::Retry,
                "cause": match failure {
                    ApiFailure::Retry => "indisponible",
                    ApiFailure::Configuration => "configuration",
                    ApiFailure::Unknown | ApiFailure::NotFound => "inconnue",
                },
            }),
        );
    }
    Json::Object(object)
}

/// Each priced tariff as JSON by name; the errors go to `errors`.
fn tariffs_json(
    d: &crate::rules::Deliberation,
    priced: &[Priced],
    errors: &mut Vec<Json>,
) -> Map<String, Json> {
    let mut tariffs = Map::new();
    for p in priced {
        let Some(tariff) = d.tariffs.get(p.tariff) else {
            continue;
        };
        match &p.result {
            Ok(amount) => {
                let mut object = Map::new();
                object.insert("montant".to_string(), json!(format!("{:.2}", amount)));
                object.insert("unite".to_string(), json!(tariff.unit));
                if let Some(Justification { steps }) = &p.justification {
                    object.insert(
                        "justification".to_string(),
                        justification::to_json(d, steps),
                    );
                }
                tariffs.insert(tariff.name.clone(), Json::Object(object));
            }
            Err(error) => errors.push(eval_error_json(d, tariff, error)),
        }
    }
    tariffs
}

/// The error of a tariff that could not be priced, as the results write it: code,
/// message, tariff, article and line.
pub fn eval_error_json(
    d: &crate::rules::Deliberation,
    tariff: &crate::rules::Tariff,
    error: &crate::eval::EvalError,
) -> Json {
    let mut object = message_json(&messages::eval_error(error));
    object.insert("tarif".to_string(), json!(tariff.name));
    let article = error.article.and_then(|a| d.articles.get(a.0 as usize));
    object.insert(
        "article".to_string(),
        json!(article.map(|a| a.number.clone())),
    );
    object.insert(
        "ligne".to_string(),
        if error.line > 0 {
            json!(error.line)
        } else {
            Json::Null
        },
    );
    Json::Object(object)
}

/// The result of one family as French text, with each justification.
pub fn to_text(
    document: &Document,
    family: &FamilyRead,
    date: NaiveDate,
    priced: &[Priced],
) -> String {
    let d = &document.deliberation;
    let mut out = String::new();
    let number = d
        .meta
        .number
        .as_ref()
        .map_or(String::new(), |n| format!("n° {n} "));
    out.push_str(&format!("Délibération {number}« {} »\n", d.meta.title));
    out.push_str(&format!("Empreinte : {}\n", document.empreinte));
    if let Some(id) = &family.family.id {
        out.push_str(&format!("Famille : {id}\n"));
    }
    out.push_str(&format!("Date du service : {}\n", french::date(date)));
    for w in &family.warnings {
        let m = messages::family_warning(w);
        out.push_str(&format!("avertissement [{}] : {}\n", m.code, m.text));
    }
    for e in &family.errors {
        let m = messages::family_error(e);
        out.push_str(&format!("erreur [{}] : {}\n", m.code, m.text));
    }
    priced_text(d, priced, "", &mut out);
    out
}

/// The result of a family with children as French text: each child, its rank and its
/// prices with their justification, then the family's totals.
pub fn children_to_text(
    document: &Document,
    family: &FamilyRead,
    date: NaiveDate,
    children: &[crate::eval::ChildPriced],
) -> String {
    let d = &document.deliberation;
    let mut out = to_text(document, family, date, &[]);
    let (family_priced, children_priced) = split_per_family(d, children);
    if !family_priced.is_empty() {
        out.push_str("\nPour la famille (une fois, quel que soit le nombre d'enfants)\n");
        priced_text(d, &family_priced, "  ", &mut out);
    }
    for (child, priced) in children.iter().zip(&children_priced) {
        let id = family
            .family
            .children()
            .get(child.child)
            .and_then(|c| c.id.clone())
            .unwrap_or_else(|| format!("n° {}", child.child + 1));
        let rank = child.rank.map_or(String::new(), |r| format!(", rang {r}"));
        out.push_str(&format!("\nEnfant {id}{rank}\n"));
        priced_text(d, priced, "  ", &mut out);
    }
    if !children.is_empty() {
        out.push_str("\nTotal de la famille\n");
        for (tariff, sum) in d.tariffs.iter().zip(totals(d, children)) {
            match sum {
                Some(Some(sum)) => out.push_str(&format!(
                    "  Tarif « {} » (par {}) : {}\n",
                    tariff.name,
                    tariff.unit,
                    french::price(sum)
                )),
                Some(None) => out.push_str(&format!(
                    "  Tarif « {} » (par {}) : non calculé\n",
                    tariff.name, tariff.unit
                )),
                None => {}
            }
        }
    }
    out
}

/// The prices of tariffs charged per family (priced once, with the first child), and
/// each child's other prices.
pub(crate) fn split_per_family(
    d: &crate::rules::Deliberation,
    children: &[crate::eval::ChildPriced],
) -> (Vec<Priced>, Vec<Vec<Priced>>) {
    let per_family = |p: &Priced| d.tariffs.get(p.tariff).is_some_and(|t| t.per_family);
    let family = children
        .iter()
        .flat_map(|c| &c.priced)
        .filter(|p| per_family(p))
        .cloned()
        .collect();
    let each = children
        .iter()
        .map(|c| {
            c.priced
                .iter()
                .filter(|p| !per_family(p))
                .cloned()
                .collect()
        })
        .collect();
    (family, each)
}

/// By tariff, the family's total: `None` when no child was priced for it, `Some(None)`
/// when a child's price is missing, else the sum of the children's prices.
pub(crate) fn totals(
    d: &crate::rules::Deliberation,
    children: &[crate::eval::ChildPriced],
) -> Vec<Option<Option<rust_decimal::Decimal>>> {
    let mut totals = vec![None; d.tariffs.len()];
    for p in children.iter().flat_map(|c| &c.priced) {
        if let Some(total) = totals.get_mut(p.tariff) {
            let sum = total.unwrap_or(Some(rust_decimal::Decimal::ZERO));
            *total = Some(match (&p.result, sum) {
                (Ok(amount), Some(sum)) => Some(sum + amount),
                _ => None,
            });
        }
    }
    totals
}

/// Each priced tariff, its justification and its price or error, indented by `indent`.
fn priced_text(d: &crate::rules::Deliberation, priced: &[Priced], indent: &str, out: &mut String) {
    for p in priced {
        let Some(tariff) = d.tariffs.get(p.tariff) else {
            continue;
        };
        out.push('\n');
        let label = tariff
            .label
            .as_ref()
            .map_or(String::new(), |l| format!(" — {l}"));
        match &p.result {
            Ok(amount) => out.push_str(&format!(
                "{indent}Tarif « {} » (par {}){label} : {}\n",
                tariff.name,
                tariff.unit,
                french::price(*amount)
            )),
            Err(_) => out.push_str(&format!(
                "{indent}Tarif « {} » (par {}){label} : non calculé\n",
                tariff.name, tariff.unit
            )),
        }
        if let Some(Justification { steps }) = &p.justification {
            for line in justification::lines(d, steps) {
                out.push_str(&format!("{indent}  {line}\n"));
            }
        }
        match &p.result {
            Ok(amount) => out.push_str(&format!("{indent}  = {}\n", french::price(*amount))),
            Err(error) => {
                let m = messages::eval_error(error);
                let article = error.article.and_then(|a| d.articles.get(a.0 as usize));
                let at = match (article, error.line) {
                    (Some(a), line) if line > 0 => format!(" (art. {}, ligne {line})", a.number),
                    (None, line) if line > 0 => format!(" (ligne {line})"),
                    _ => String::new(),
                };
                out.push_str(&format!("{indent}  erreur [{}] : {}{at}\n", m.code, m.text));
            }
        }
    }
}
