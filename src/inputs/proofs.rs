//! `justificatifs`: raw responses of API Particulier (quotient familial v1, v2, v3;
//! participation familiale EAJE) and of the DGFIP (API Impôt particulier, legacy avis
//! d'imposition), read into the certified inputs of LANGUAGE.md §4 with their
//! provenance. The version is told by the shape; error envelopes leave the inputs
//! unknown with the reason; a malformed payload is an error naming the field.

use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};

use crate::eval::trace::{Api, ApiError, Proof};
use crate::rules::CertifiedSource as S;

/// A value a document gives for a certified source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Certified {
    Number(Decimal),
    /// `CNAF` or `MSA`.
    Provider(String),
    /// The certified address's `code_postal_ville`: `45450 FAY AUX LOGES`.
    Address(String),
    /// The children's dates of birth: year, month, day (0 when the API gives `00`).
    Births(Vec<(i32, u32, u32)>),
}

/// What a document gives: its description, and a value per source it covers (`None`
/// when the document says the value is not known, such as an API error).
#[derive(Debug, Clone)]
pub struct Read {
    pub proof: Proof,
    pub values: Vec<(S, Option<Certified>)>,
}

/// A field of a document that cannot be read: its path and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub path: String,
    pub expected: Expected,
}

/// What a malformed field should have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// An object with `data` or a known field.
    KnownShape,
    Object,
    WholeNumber,
    Number,
    Text,
}

const QF_SOURCES: [S; 7] = [
    S::CafQuotient,
    S::CafProvider,
    S::CafChildren,
    S::CafRecipients,
    S::CafResidence,
    S::CafMinorChildren,
    S::CafChildBirth,
];
const EAJE_SOURCES: [S; 3] = [S::EajeResources, S::EajeChildren, S::EajeAeehChildren];
const TAX_SOURCES: [S; 3] = [S::DgfipReferenceIncome, S::DgfipShares, S::DgfipDependents];

/// Reads the document under `justificatifs.<key>`; `Ok(None)` for an unknown key.
/// `service_year`, when the family gives its date, chooses among several tax years.
pub fn read(key: &str, json: &Json, service_year: Option<i32>) -> Result<Option<Read>, Malformed> {
    let at = |field: &str| format!("justificatifs.{key}{field}");
    let object = json.as_object().ok_or(Malformed {
        path: at(""),
        expected: Expected::Object,
    })?;
    let sources: &[S] = match key {
        "api_particulier_qf" => &QF_SOURCES,
        "api_particulier_eaje" => &EAJE_SOURCES,
        "impot_particulier" | "avis_imposition" => &TAX_SOURCES,
        _ => return Ok(None),
    };
    if let Some(error) = api_error(object) {
        let api = match key {
            "api_particulier_qf" => Api::QuotientV3,
            "api_particulier_eaje" => Api::Eaje,
            "impot_particulier" => Api::ImpotParticulier,
            _ => Api::AvisImposition,
        };
        let proof = Proof {
            key: key.to_string(),
            api,
            provider: error.provider.clone(),
            period: None,
            computed: None,
            error: Some(error),
            address: None,
        };
        return Ok(Some(Read {
            proof,
            values: sources.iter().map(|s| (*s, None)).collect(),
        }));
    }
    let read = match key {
        "api_particulier_qf" => quotient(object, &at)?,
        "api_particulier_eaje" => eaje(object, &at)?,
        "impot_particulier" => impot_particulier(object, &at, service_year)?,
        _ => avis_imposition(object, &at)?,
    };
    Ok(Some(Read {
        proof: Proof {
            key: key.to_string(),
            ..read.proof
        },
        values: read.values,
    }))
}

/// The v3 `{errors: [{code, title, detail, meta: {provider}}]}` and v2
/// `{error, reason, message}` envelopes.
fn api_error(object: &Map<String, Json>) -> Option<ApiError> {
    if let Some(first) = object
        .get("errors")
        .and_then(Json::as_array)
        .and_then(|e| e.first())
    {
        let text = |k: &str| first.get(k).map(text_of).unwrap_or_default();
        return Some(ApiError {
            code: text("code"),
            title: text("title"),
            detail: text("detail"),
            provider: first
                .get("meta")
                .and_then(|m| m.get("provider"))
                .map(text_of),
        });
    }
    if object.contains_key("error") && !object.contains_key("data") {
        let text = |k: &str| object.get(k).map(text_of).unwrap_or_default();
        return Some(ApiError {
            code: text("error"),
            title: text("reason"),
            detail: text("message"),
            provider: None,
        });
    }
    None
}

fn text_of(json: &Json) -> String {
    match json {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// A number field: JSON number, or a string of one.
fn number(
    object: &Map<String, Json>,
    field: &str,
    path: String,
    whole: bool,
) -> Result<Option<Decimal>, Malformed> {
    let expected = if whole {
        Expected::WholeNumber
    } else {
        Expected::Number
    };
    let value = match object.get(field) {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Number(n)) => n.to_string().parse::<Decimal>().ok(),
        Some(Json::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Json::String(s)) => s.trim().replace(',', ".").parse::<Decimal>().ok(),
        Some(_) => None,
    };
    match value {
        Some(n) if n >= Decimal::ZERO && (!whole || n.fract().is_zero()) => Ok(Some(n.normalize())),
        _ => Err(Malformed { path, expected }),
    }
}

/// A year, month pair from integer (or string) fields; `00` or empty is no month.
fn month(object: &Map<String, Json>, year: &str, month: &str) -> Option<(i32, u32)> {
    let int = |k: &str| match object.get(k) {
        Some(Json::Number(n)) => n.as_i64(),
        Some(Json::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let y = i32::try_from(int(year)?).ok().filter(|y| *y > 0)?;
    let m = int(month)
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| (1..=12).contains(m));
    Some((y, m.unwrap_or(0)))
}

/// The `code_postal_ville` of the certified address (`adresse`, scope `cnaf_adresse`),
/// when the answer has one.
fn address(object: &Map<String, Json>, field: &str) -> Option<Certified> {
    address_text(object, field).map(Certified::Address)
}

fn address_text(object: &Map<String, Json>, field: &str) -> Option<String> {
    let text = object.get("adresse")?.get(field)?.as_str()?.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The children's dates of birth, v3: `date_naissance` `AAAA-MM-JJ`, with `00` parts
/// when not known (`2016-00-00`).
fn births_v3(object: &Map<String, Json>) -> Option<Certified> {
    let children = object.get("enfants")?.as_array()?;
    let dates = children
        .iter()
        .map(|c| {
            let text = c.get("date_naissance").and_then(Json::as_str).unwrap_or("");
            let mut parts = text
                .split('-')
                .map(|p| p.trim().parse::<u32>().unwrap_or(0));
            let year = i32::try_from(parts.next().unwrap_or(0)).unwrap_or(0);
            (year, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
        })
        .collect();
    Some(Certified::Births(dates))
}

/// The children's dates of birth, v2: `anneeDateDeNaissance`, `moisDateDeNaissance`,
/// `jourDateDeNaissance` (strings, maybe `null`, `""` or `"00"`).
fn births_v2(object: &Map<String, Json>) -> Option<Certified> {
    let children = object.get("enfants")?.as_array()?;
    let part = |c: &Json, k: &str| match c.get(k) {
        Some(Json::String(s)) => s.trim().parse::<u32>().unwrap_or(0),
        Some(Json::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
        _ => 0,
    };
    let dates = children
        .iter()
        .map(|c| {
            let year = i32::try_from(part(c, "anneeDateDeNaissance")).unwrap_or(0);
            (
                year,
                part(c, "moisDateDeNaissance"),
                part(c, "jourDateDeNaissance"),
            )
        })
        .collect();
    Some(Certified::Births(dates))
}

fn count(object: &Map<String, Json>, field: &str) -> Option<Certified> {
    object
        .get(field)
        .and_then(Json::as_array)
        .map(|a| Certified::Number(Decimal::from(a.len())))
}

/// The provider written `CNAF`, `MSA` or (v2) `CAF`.
fn provider(name: &str) -> String {
    match name.trim().to_uppercase().as_str() {
        "CAF" | "CNAF" => "CNAF".to_string(),
        other => other.to_string(),
    }
}

/// The quotient familial, v3 (`data.quotient_familial`), v2 or v1 (`quotientFamilial`).
fn quotient(object: &Map<String, Json>, at: &dyn Fn(&str) -> String) -> Result<Read, Malformed> {
    if let Some(data) = object.get("data") {
        let data = data.as_object().ok_or(Malformed {
            path: at(".data"),
            expected: Expected::Object,
        })?;
        let qf = data
            .get("quotient_familial")
            .and_then(Json::as_object)
            .ok_or(Malformed {
                path: at(".data.quotient_familial"),
                expected: Expected::Object,
            })?;
        let value = number(qf, "valeur", at(".data.quotient_familial.valeur"), true)?;
        let supplier = qf.get("fournisseur").and_then(Json::as_str).map(provider);
        let proof = Proof {
            key: String::new(),
            api: Api::QuotientV3,
            provider: supplier.clone(),
            period: month(qf, "annee", "mois"),
            computed: month(qf, "annee_calcul", "mois_calcul"),
            address: address_text(data, "code_postal_ville"),
            error: None,
        };
        let values = vec![
            (S::CafQuotient, value.map(Certified::Number)),
            (S::CafProvider, supplier.map(Certified::Provider)),
            (S::CafChildren, count(data, "enfants")),
            (S::CafRecipients, count(data, "allocataires")),
            (S::CafResidence, address(data, "code_postal_ville")),
            (S::CafMinorChildren, births_v3(data)),
        ];
        return Ok(Read { proof, values });
    }
    if object.contains_key("quotientFamilial") {
        let value = number(object, "quotientFamilial", at(".quotientFamilial"), true)?;
        let regime = object.get("regime").and_then(Json::as_str).map(provider);
        // Without `regime` (the older CAF endpoint, the v2 OpenAPI example, a token with
        // only the `cnaf_quotient_familial` scope) the provider is not known: the family
        // may be at the MSA. Such an answer may come from the older endpoint, which says
        // 0 when it knows nothing: a QF of 0 there is no QF.
        let api = if regime.is_some() {
            Api::QuotientV2
        } else {
            Api::QuotientV1
        };
        let unknown_zero = api == Api::QuotientV1 && value.is_some_and(|v| v.is_zero());
        let value = value.filter(|_| !unknown_zero);
        let supplier = regime;
        let proof = Proof {
            key: String::new(),
            api,
            provider: supplier.clone(),
            period: month(object, "annee", "mois"),
            computed: None,
            address: address_text(object, "codePostalVille"),
            error: unknown_zero.then(|| ApiError {
                code: "QF 0".to_string(),
                title: "une réponse sans « regime » peut venir de l'ancienne API de la CAF, qui renvoie 0 quand elle ne connaît pas les ressources"
                    .to_string(),
                detail: "ce n'est pas un quotient familial".to_string(),
                provider: None,
            }),
        };
        let values = vec![
            (S::CafQuotient, value.map(Certified::Number)),
            (S::CafProvider, supplier.map(Certified::Provider)),
            (S::CafChildren, count(object, "enfants")),
            (S::CafRecipients, count(object, "allocataires")),
            (S::CafResidence, address(object, "codePostalVille")),
            (S::CafMinorChildren, births_v2(object)),
        ];
        return Ok(Read { proof, values });
    }
    Err(Malformed {
        path: at(""),
        expected: Expected::KnownShape,
    })
}

/// Participation familiale EAJE, v3.
fn eaje(object: &Map<String, Json>, at: &dyn Fn(&str) -> String) -> Result<Read, Malformed> {
    let data = object
        .get("data")
        .and_then(Json::as_object)
        .ok_or(Malformed {
            path: at(".data"),
            expected: Expected::Object,
        })?;
    let path = ".data.parametres_calcul_participation_familiale";
    let parameters = data
        .get("parametres_calcul_participation_familiale")
        .and_then(Json::as_object)
        .ok_or(Malformed {
            path: at(path),
            expected: Expected::Object,
        })?;
    let resources = parameters
        .get("base_ressources_annuelles")
        .and_then(Json::as_object);
    let (value, year) = match resources {
        Some(r) => (
            number(
                r,
                "valeur",
                at(&format!("{path}.base_ressources_annuelles.valeur")),
                true,
            )?,
            month(r, "annee_calcul", "").map(|(y, _)| (y, 0)),
        ),
        None => (None, None),
    };
    let children = number(
        parameters,
        "nombre_enfants_a_charge",
        at(&format!("{path}.nombre_enfants_a_charge")),
        true,
    )?;
    let aeeh = number(
        parameters,
        "nombre_enfants_beneficiaire_aeeh",
        at(&format!("{path}.nombre_enfants_beneficiaire_aeeh")),
        true,
    )?;
    Ok(Read {
        proof: Proof {
            key: String::new(),
            api: Api::Eaje,
            provider: Some("CNAF".to_string()),
            period: year,
            computed: None,
            address: None,
            error: None,
        },
        values: vec![
            (S::EajeResources, value.map(Certified::Number)),
            (S::EajeChildren, children.map(Certified::Number)),
            (S::EajeAeehChildren, aeeh.map(Certified::Number)),
        ],
    })
}

/// DGFIP, API Impôt particulier: `rfr`, `nbPart`, `pac.nbPac`.
fn impot_particulier(
    object: &Map<String, Json>,
    at: &dyn Fn(&str) -> String,
    service_year: Option<i32>,
) -> Result<Read, Malformed> {
    let object = match object.get("data").and_then(Json::as_object) {
        Some(data) => data,
        None => object,
    };
    // Several years (`situationsIR`): the income N-1 of the service, else N-2, else the
    // latest (its year is then out of range, and W106 says so).
    if let Some(years) = object.get("situationsIR") {
        let years = years.as_array().ok_or(Malformed {
            path: at(".situationsIR"),
            expected: Expected::Object,
        })?;
        let year_of = |s: &Json| {
            s.as_object()
                .and_then(|o| month(o, "annRevenu", "").or_else(|| month(o, "anneeRevenus", "")))
                .map(|(y, _)| y)
        };
        let wanted = |offset: i32| {
            service_year.and_then(|sy| years.iter().position(|s| year_of(s) == Some(sy - offset)))
        };
        let chosen = wanted(1)
            .or_else(|| wanted(2))
            .or_else(|| {
                (0..years.len()).max_by_key(|i| years.get(*i).and_then(year_of).unwrap_or(i32::MIN))
            })
            .ok_or(Malformed {
                path: at(".situationsIR"),
                expected: Expected::KnownShape,
            })?;
        let situation = years
            .get(chosen)
            .and_then(Json::as_object)
            .ok_or(Malformed {
                path: at(&format!(".situationsIR[{chosen}]")),
                expected: Expected::Object,
            })?;
        let inner = |field: &str| at(&format!(".situationsIR[{chosen}]{field}"));
        return impot_particulier(situation, &inner, None);
    }
    known_shape(object, &["rfr", "nbPart"], at)?;
    let rfr = number(object, "rfr", at(".rfr"), true)?;
    let shares = number(object, "nbPart", at(".nbPart"), false)?;
    let dependents = match object.get("pac").and_then(Json::as_object) {
        Some(pac) => number(pac, "nbPac", at(".pac.nbPac"), true)?,
        None => None,
    };
    Ok(tax(
        Api::ImpotParticulier,
        object,
        [rfr, shares, dependents],
    ))
}

/// The legacy avis d'imposition (API Particulier v2).
fn avis_imposition(
    object: &Map<String, Json>,
    at: &dyn Fn(&str) -> String,
) -> Result<Read, Malformed> {
    known_shape(object, &["revenuFiscalReference", "nombreParts"], at)?;
    let rfr = number(
        object,
        "revenuFiscalReference",
        at(".revenuFiscalReference"),
        true,
    )?;
    let shares = number(object, "nombreParts", at(".nombreParts"), false)?;
    let dependents = number(
        object,
        "nombrePersonnesCharge",
        at(".nombrePersonnesCharge"),
        true,
    )?;
    Ok(tax(Api::AvisImposition, object, [rfr, shares, dependents]))
}

/// A document of either shape must have one of its main fields.
fn known_shape(
    object: &Map<String, Json>,
    fields: &[&str],
    at: &dyn Fn(&str) -> String,
) -> Result<(), Malformed> {
    if fields.iter().any(|f| object.contains_key(*f)) {
        Ok(())
    } else {
        Err(Malformed {
            path: at(""),
            expected: Expected::KnownShape,
        })
    }
}

/// What a tax document gives: income, shares, dependents, and the year of the income
/// (`anneeRevenus`, else the year before `anneeImpots`).
fn tax(
    api: Api,
    object: &Map<String, Json>,
    [rfr, shares, dependents]: [Option<Decimal>; 3],
) -> Read {
    let year = month(object, "anneeRevenus", "")
        .or_else(|| month(object, "annRevenu", ""))
        .or_else(|| month(object, "anneeImpots", "").map(|(y, _)| (y - 1, 0)));
    Read {
        proof: Proof {
            key: String::new(),
            api,
            provider: Some("DGFIP".to_string()),
            period: year,
            computed: None,
            address: None,
            error: None,
        },
        values: vec![
            (S::DgfipReferenceIncome, rfr.map(Certified::Number)),
            (S::DgfipShares, shares.map(Certified::Number)),
            (S::DgfipDependents, dependents.map(Certified::Number)),
        ],
    }
}

/// The children of a CAF answer (v3 `data.enfants[]`, v2 `enfants[]`): each one's first
/// names and date of birth (year, month, day; 0 when not known).
pub fn caf_children(document: &Json) -> Vec<(String, (i32, u32, u32))> {
    let object = document.get("data").unwrap_or(document);
    let Some(children) = object.get("enfants").and_then(Json::as_array) else {
        return Vec::new();
    };
    let names = children.iter().map(|c| {
        c.get("prenoms")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    });
    let dates = match births_v3(object.as_object().unwrap_or(&Map::new())) {
        Some(Certified::Births(dates))
            if children.iter().any(|c| c.get("date_naissance").is_some()) =>
        {
            dates
        }
        _ => match births_v2(object.as_object().unwrap_or(&Map::new())) {
            Some(Certified::Births(dates)) => dates,
            _ => Vec::new(),
        },
    };
    names.zip(dates).collect()
}
