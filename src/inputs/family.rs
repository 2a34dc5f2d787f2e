//! A family as a JSON object: keys are input names (accents optional), values are
//! JSON numbers or strings with a decimal comma or point, booleans or `oui`/`non`,
//! dates, values of a `choix`. Every wrong field is reported, naming it.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value as Json;

use super::json::{Entries, Key};
use super::values::{choice_names, convert, date_error, parse_date};
use crate::eval::Family;
use crate::eval::trace::{ProofId, Provenance};
use crate::rules::{Deliberation, InputId, Value, ValueType};
use crate::syntax::lines::fold;

/// A family read from JSON: the family, what is wrong with it, what is doubtful.
#[derive(Debug, Clone)]
pub struct FamilyRead {
    pub family: Family,
    pub errors: Vec<FamilyError>,
    pub warnings: Vec<FamilyWarning>,
}

/// A field of the family that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyError {
    /// The key as the family wrote it (empty for the whole document).
    pub field: String,
    pub kind: FamilyErrorKind,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FamilyErrorKind {
    /// The text is not JSON.
    NotJson { line: usize, column: usize },
    /// The JSON is not an object.
    NotAnObject,
    /// A value of the wrong type: the field wants `expected`.
    WrongType {
        expected: ValueType,
        choices: Vec<String>,
    },
    /// A value that is not one of the `choix`.
    NotAChoice { value: String, allowed: Vec<String> },
    /// A number below zero.
    Negative,
    /// A decimal where a whole number is due.
    NotWhole,
    /// An amount with more than two decimals.
    TooPrecise,
    /// A date that cannot be read.
    BadDate { text: String },
    /// A certified document that is an API's error other than « no file »: the call
    /// failed, and the family is not priced (it would pay the tariff of a family
    /// without a document).
    ApiFailed {
        error: crate::eval::trace::ApiError,
        failure: crate::eval::trace::ApiFailure,
    },
    /// A key given twice (`qf` twice), or two spellings of one input (`Résidence` and
    /// `residence`): `first` is the other key.
    DuplicateKey { first: String },
    /// A date written right that is not in the calendar: `2025-02-29`.
    ImpossibleDate { text: String },
    /// A year of two digits, `15/10/25`: which century is not guessed. `written` is the
    /// date with the year of this century, to propose.
    ShortYear { text: String, written: String },
    /// A number too large, or with too many decimals, to be computed exactly (more
    /// than 28 digits): `1e30`, 29 nines.
    NumberOutOfRange { text: String },
    /// A number outside the bounds the deliberation declares (`de 0 à 150`).
    OutOfBounds {
        low: Option<Decimal>,
        high: Option<Decimal>,
    },
    /// No value for an input declared `obligatoire`.
    Required,
    /// A field of a `justificatifs` document that cannot be read (the field is its path).
    MalformedProof { expected: super::proofs::Expected },
    /// `enfants` and the inputs of each child in the wrong place.
    Children { problem: ChildrenProblem },
}

/// What is wrong with `enfants`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildrenProblem {
    /// `enfants` is not a list of objects.
    NotAList,
    /// A child that is not an object.
    NotAnObject,
    /// A list with no child.
    Empty,
    /// An input of the family given inside a child (`enfants[0].quotient_caf`).
    FamilyInput,
    /// An input of each child given beside `enfants`, for the whole family.
    ChildInput,
    /// `rang` given, where the deliberation ranks the children itself.
    Rank,
}

/// A field that is used, or ignored, with a doubt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyWarning {
    pub field: String,
    pub kind: FamilyWarningKind,
}

/// Why a field is doubtful.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FamilyWarningKind {
    /// A key that is no input of the deliberation: ignored.
    UnknownKey { suggestion: Option<String> },
    /// A value the deliberation wants certified, given as a plain value.
    NotCertified,
    /// A key of `justificatifs` that names no known API response.
    UnknownProof,
    /// A value given both plainly and by a certified document, differently: the
    /// certified one is used.
    CertifiedWins { declared: String, certified: String },
    /// A QF that applies to a month more than 12 months before the service.
    StaleQuotient { year: i32, month: u32 },
    /// Income of a year other than N-1 or N-2 for the service date.
    TaxYear { year: i32, service_year: i32 },
    /// A QF answer without `regime`: whether the CAF or the MSA computed it is not
    /// known, and the deliberation's rule for an unknown provider applies.
    ProviderUnknown,
    /// A tax document that does not say the year of the income.
    TaxYearUnknown,
    /// Children whose certified date of birth is too incomplete (`2007-00-00`) to say
    /// whether they are minors on the date of the service: counted as adults.
    IncompleteBirthDates { unsure: u32 },
    /// A child the CAF's answer does not certify: not found by its first names, or
    /// with an incomplete date (`incomplete`); the declared date is used.
    ChildNotCertified { incomplete: bool },
}

/// Parses the JSON text of a family: the object, and each key given a second time
/// (with the first). `None` when the text is not a JSON object.
pub fn parse_family(text: &str) -> Result<(Json, Vec<String>), serde_json::Error> {
    let text = text.trim_start_matches('\u{feff}');
    let entries: Entries<'_> = serde_json::from_str(text)?;
    let repeated = entries.repeated();
    let mut duplicates = Vec::new();
    let mut object = serde_json::Map::with_capacity(entries.0.len());
    // The first value of a key given twice is kept.
    for ((Key(key), value), repeated) in entries.0.into_iter().zip(repeated) {
        if repeated {
            duplicates.push(key.into_owned());
        } else {
            object.insert(key.into_owned(), value);
        }
    }
    Ok((Json::Object(object), duplicates))
}

/// Reads the JSON text of a family for `deliberation`.
pub fn read_family(deliberation: &Deliberation, text: &str) -> FamilyRead {
    let text = text.trim_start_matches('\u{feff}');
    let error = match serde_json::from_str::<Entries<'_>>(text) {
        // Read in place, without building the object.
        Ok(entries) => {
            let repeated = entries.repeated();
            let keys = || {
                entries
                    .0
                    .iter()
                    .map(|(Key(key), value)| (key.as_ref(), value))
            };
            let firsts = keys().zip(&repeated).filter(|(_, r)| !**r).map(|(e, _)| e);
            let mut read = read_entries(deliberation, firsts);
            let seconds = keys().zip(&repeated).filter(|(_, r)| **r);
            read.refuse_duplicates(seconds.map(|((key, _), _)| key));
            return read;
        }
        Err(e) => e,
    };
    // Not an object: read as JSON all the same, for the right error.
    match serde_json::from_str::<Json>(text) {
        Ok(json) => read_family_json(deliberation, &json),
        Err(_) => FamilyRead::refused(
            deliberation,
            FamilyErrorKind::NotJson {
                line: error.line(),
                column: error.column(),
            },
        ),
    }
}

/// A key without case nor accents (`Résidence` → `residence`), borrowed when it has
/// none to lose.
fn folded(key: &str) -> std::borrow::Cow<'_, str> {
    if key.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(fold(key))
    } else {
        std::borrow::Cow::Borrowed(key)
    }
}

/// The key of the family's object `key` is, without case nor accents, when it is
/// one of `id`, `date`, `justificatifs`, `enfants`. Folded only when it has as many
/// characters as one of them (folding keeps the number of characters of any key that
/// folds to plain ASCII), so that an input's name is not folded for nothing.
fn special_key(key: &str) -> Option<&'static str> {
    const SPECIAL: [&str; 4] = ["id", "date", "justificatifs", "enfants"];
    if let Some(exact) = SPECIAL.iter().find(|s| **s == key) {
        return Some(exact);
    }
    // Folded, a special key starts with `i`, `d`, `j` or `e`: an ASCII first letter
    // other than these (`quotient_caf`, `rang`, `pai`) is none.
    let first = key.bytes().next()?;
    if first.is_ascii() && !matches!(first.to_ascii_lowercase(), b'i' | b'd' | b'j' | b'e') {
        return None;
    }
    let length = key.chars().count();
    SPECIAL
        .iter()
        .find(|s| s.len() == length && *folded(key) == ***s)
        .copied()
}

/// Reads a family parsed by [`parse_family`]: its object and its keys given twice.
pub fn read_family_parsed(
    deliberation: &Deliberation,
    json: &Json,
    duplicates: Vec<String>,
) -> FamilyRead {
    let mut read = read_family_json(deliberation, json);
    read.refuse_duplicates(duplicates.iter().map(String::as_str));
    read
}

/// Reads a family already parsed as JSON.
pub fn read_family_json(deliberation: &Deliberation, json: &Json) -> FamilyRead {
    let Some(object) = json.as_object() else {
        return FamilyRead::refused(deliberation, FamilyErrorKind::NotAnObject);
    };
    read_entries(deliberation, object.iter().map(|(k, v)| (k.as_str(), v)))
}

/// A value of a family's field as a host language holds it (a Python dict's), read
/// without a JSON document in between; [`Field::Json`] for what only JSON says
/// (documents, children, a number of any size).
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Text(&'a str),
    Json(&'a Json),
}

impl Field<'_> {
    fn is_null(&self) -> bool {
        matches!(self, Field::Null | Field::Json(Json::Null))
    }

    /// The text of a value given where a text is due (an `id`, a date), as JSON writes
    /// it.
    fn written(&self) -> String {
        match self {
            Field::Null => "null".to_string(),
            Field::Bool(b) => b.to_string(),
            Field::Int(n) => n.to_string(),
            Field::Text(s) => Json::String((*s).to_string()).to_string(),
            Field::Json(json) => json.to_string(),
        }
    }

    fn to_json(self) -> Json {
        match self {
            Field::Null => Json::Null,
            Field::Bool(b) => Json::Bool(b),
            Field::Int(n) => Json::from(n),
            Field::Text(s) => Json::String(s.to_string()),
            Field::Json(json) => json.clone(),
        }
    }
}

/// Reads the keys and values of a family (each key once) into `read`, whose memory is
/// reused from family to family (what the previous family gave is forgotten): the
/// reading of [`read_family_json`], for a host language's dict.
pub fn read_family_into<'j>(
    deliberation: &Deliberation,
    fields: impl Iterator<Item = (&'j str, Field<'j>)>,
    read: &mut FamilyRead,
) {
    read.family.clear(deliberation);
    read.errors.clear();
    read.warnings.clear();
    read_entries_into(deliberation, fields, read);
}

/// Reads the keys and values of a family's object, each key once.
fn read_entries<'j>(
    deliberation: &Deliberation,
    object: impl Iterator<Item = (&'j str, &'j Json)>,
) -> FamilyRead {
    let mut read = FamilyRead::new(Family::new(deliberation));
    read_entries_into(
        deliberation,
        object.map(|(k, v)| (k, Field::Json(v))),
        &mut read,
    );
    read
}

/// [`read_entries`] into a family that gives nothing yet.
fn read_entries_into<'j>(
    deliberation: &Deliberation,
    object: impl Iterator<Item = (&'j str, Field<'j>)>,
    read: &mut FamilyRead,
) {
    // The key each input was given by, to refuse a second spelling of it.
    let mut spelled: Vec<(usize, &str)> = Vec::new();
    // The first `justificatifs`, and the first `enfants` that is the list of children.
    let mut documents: Option<Cow<'j, Json>> = None;
    let mut children: Option<(&str, Cow<'j, Json>)> = None;
    let as_json = |value: Field<'j>| match value {
        Field::Json(json) => Cow::Borrowed(json),
        other => Cow::Owned(other.to_json()),
    };
    for (key, value) in object {
        match special_key(key) {
            Some("id") => {
                read.family.id = match value {
                    Field::Json(Json::String(s)) => Some(s.clone()),
                    Field::Text(s) => Some(s.to_string()),
                    _ if value.is_null() => None,
                    other => Some(other.written()),
                };
                continue;
            }
            Some("date") => {
                match value {
                    _ if value.is_null() => {}
                    Field::Text(s) => read_date(key, s, read),
                    Field::Json(Json::String(s)) => read_date(key, s, read),
                    other => read.error(
                        key,
                        FamilyErrorKind::BadDate {
                            text: other.written(),
                        },
                    ),
                }
                continue;
            }
            Some("justificatifs") => {
                if documents.is_none() {
                    documents = Some(as_json(value));
                }
                continue;
            }
            Some("enfants")
                if matches!(value, Field::Json(Json::Array(_)))
                    || !super::children::has_input(deliberation, "enfants") =>
            {
                if children.is_none() {
                    children = Some((key, as_json(value)));
                }
                continue;
            }
            _ => {}
        }
        // Keys are folded (case, accents) only when they are not written as the
        // deliberation writes them.
        let found = deliberation
            .inputs
            .iter()
            .position(|i| i.name == *key)
            .or_else(|| {
                let key_folded = folded(key);
                deliberation
                    .inputs
                    .iter()
                    .position(|i| *folded(&i.name) == *key_folded)
            });
        let Some(index) = found else {
            let names = deliberation.inputs.iter().map(|i| i.name.as_str());
            read.warnings.push(FamilyWarning {
                field: key.to_string(),
                kind: FamilyWarningKind::UnknownKey {
                    suggestion: crate::check::closest(key, names),
                },
            });
            continue;
        };
        let Some(input) = deliberation.inputs.get(index) else {
            continue;
        };
        if let Some((_, first)) = spelled.iter().find(|(i, _)| *i == index) {
            read.error(
                key,
                FamilyErrorKind::DuplicateKey {
                    first: (*first).to_string(),
                },
            );
            continue;
        }
        spelled.push((index, key));
        if input.scope == crate::rules::Scope::Rank {
            read.error(
                key,
                FamilyErrorKind::Children {
                    problem: ChildrenProblem::Rank,
                },
            );
            continue;
        }
        if value.is_null() {
            continue;
        }
        match convert_field(deliberation, &input.ty, input.whole, value) {
            Ok(v) => read.declared(deliberation, index, key, v),
            Err(kind) => read.error(key, kind),
        }
    }
    if let Some(documents) = &documents {
        read_proofs(deliberation, documents, read);
    }
    if let Some((key, children)) = children {
        let caf = documents
            .as_deref()
            .and_then(|documents| documents.get("api_particulier_qf"))
            .map(super::proofs::caf_children)
            .and_then(|list| {
                let proofs = read.family.proofs();
                let id = proofs
                    .iter()
                    .position(|p| p.key == "api_particulier_qf" && p.error.is_none())?;
                Some((ProofId(u16::try_from(id).ok()?), list))
            });
        super::children::read(deliberation, key, &children, caf.as_ref(), read);
    }
    read.declared_limits(deliberation);
}

/// The date of the service a family gives under `key`.
fn read_date(key: &str, text: &str, read: &mut FamilyRead) {
    match parse_date(text) {
        Some(d) => read.family.date = Some(d),
        None => read.error(key, date_error(text)),
    }
}

/// A field's value as a value of type `ty`: as [`convert`] reads its JSON.
fn convert_field(
    d: &Deliberation,
    ty: &ValueType,
    whole: bool,
    field: Field<'_>,
) -> Result<Value, FamilyErrorKind> {
    match field {
        Field::Json(json) => convert(d, ty, whole, json),
        Field::Text(text) => super::values::convert_text(d, ty, whole, text),
        Field::Bool(b) if *ty == ValueType::Boolean => Ok(Value::Bool(b)),
        Field::Int(n) if matches!(ty, ValueType::Amount | ValueType::Number | ValueType::Rate) => {
            match n < 0 {
                true => Err(FamilyErrorKind::Negative),
                false => Ok(Value::Number(Decimal::from(n))),
            }
        }
        other => convert(d, ty, whole, &other.to_json()),
    }
}

/// Whether a certified address (`45450 FAY AUX LOGES`) is in the deliberation's
/// `territoire`: its postal code, and its town when the territory names one (compared
/// without case, accents, hyphens, apostrophes, and with `saint` written `st`).
fn in_territory(territory: &[(String, Option<String>)], address: &str) -> bool {
    let address = address.trim();
    let (code, town) = address.split_at(address.find(' ').unwrap_or(address.len()));
    let norm = |t: &str| -> String {
        fold(t)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| match w {
                "saint" => "st",
                "sainte" => "ste",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let town = norm(town);
    territory
        .iter()
        .any(|(c, t)| c == code.trim() && t.as_deref().is_none_or(|t| norm(t) == town))
}

/// Reads the documents of `justificatifs`; their values override plain keys.
fn read_proofs(d: &Deliberation, documents: &Json, read: &mut FamilyRead) {
    let Some(documents) = documents.as_object() else {
        read.error(
            "justificatifs",
            FamilyErrorKind::MalformedProof {
                expected: super::proofs::Expected::Object,
            },
        );
        return;
    };
    for (key, document) in documents {
        let year = read.family.date.map(|d| chrono::Datelike::year(&d));
        match super::proofs::read(key, document, year) {
            Ok(Some(found)) => apply(d, found, read),
            Ok(None) => read.warnings.push(FamilyWarning {
                field: format!("justificatifs.{key}"),
                kind: FamilyWarningKind::UnknownProof,
            }),
            Err(malformed) => read.error(
                &malformed.path,
                FamilyErrorKind::MalformedProof {
                    expected: malformed.expected,
                },
            ),
        }
    }
}

/// Gives the family the values of one document, for every input certified by them.
fn apply(d: &Deliberation, found: super::proofs::Read, read: &mut FamilyRead) {
    use super::proofs::Certified;
    use crate::eval::trace::ApiFailure;
    let id = ProofId(u16::try_from(read.family.proofs().len()).unwrap_or(u16::MAX));
    let key = found.proof.key.clone();
    // Without `regime`, a deliberation that reads the provider is told it is unknown.
    if matches!(found.proof.api, crate::eval::trace::Api::QuotientV1)
        && found.proof.error.is_none()
        && let Some(input) = d
            .inputs
            .iter()
            .find(|i| i.certified == Some(crate::rules::CertifiedSource::CafProvider))
    {
        read.warnings.push(FamilyWarning {
            field: input.name.clone(),
            kind: FamilyWarningKind::ProviderUnknown,
        });
    }
    if matches!(
        found.proof.api,
        crate::eval::trace::Api::ImpotParticulier | crate::eval::trace::Api::AvisImposition
    ) && found.proof.error.is_none()
        && found.proof.period.is_none()
    {
        read.warnings.push(FamilyWarning {
            field: format!("justificatifs.{key}"),
            kind: FamilyWarningKind::TaxYearUnknown,
        });
    }
    // A call that failed prices nothing: only « no file » leaves the value unknown.
    if let Some(error) = &found.proof.error {
        let failure = error.failure();
        let used = found
            .values
            .iter()
            .any(|(source, _)| d.inputs.iter().any(|i| i.certified == Some(*source)));
        if failure != ApiFailure::NotFound && used {
            read.error(
                &format!("justificatifs.{key}"),
                FamilyErrorKind::ApiFailed {
                    error: error.clone(),
                    failure,
                },
            );
        }
    }
    read.family.push_proof(found.proof);
    for (source, value) in found.values {
        for (index, input) in d.inputs.iter().enumerate() {
            if input.certified != Some(source) {
                continue;
            }
            let input_id = InputId(u32::try_from(index).unwrap_or(u32::MAX));
            let declared = read.family.given.get(index).copied().flatten();
            let value = match (value.clone(), &input.ty) {
                (None, _) => {
                    if declared.is_none() {
                        read.family.set_unavailable(input_id, id);
                    }
                    continue;
                }
                (Some(Certified::Number(n)), _) => Value::Number(n),
                (Some(Certified::Provider(name)), ValueType::Choice(ids)) => {
                    match ids
                        .iter()
                        .find(|c| d.choices.get(c.0 as usize) == Some(&name))
                    {
                        Some(c) => Value::Choice(*c),
                        None => {
                            read.error(
                                &format!("justificatifs.{key}"),
                                FamilyErrorKind::NotAChoice {
                                    value: name,
                                    allowed: choice_names(d, &input.ty),
                                },
                            );
                            continue;
                        }
                    }
                }
                (Some(Certified::Provider(_)), _) => continue,
                // Counted once the date of the service is known (`at_date`); a value
                // the family declares is kept meanwhile, and replaced then.
                (Some(Certified::Births(dates)), _) => {
                    read.family.push_births((input_id, id, dates));
                    continue;
                }
                (Some(Certified::Address(address)), _) => match input.places {
                    Some((inside, outside)) => {
                        if in_territory(&d.meta.territory, &address) {
                            Value::Choice(inside)
                        } else {
                            Value::Choice(outside)
                        }
                    }
                    None => continue,
                },
            };
            if let Some((plain, _)) = declared {
                if plain != value {
                    read.warnings.push(FamilyWarning {
                        field: input.name.clone(),
                        kind: FamilyWarningKind::CertifiedWins {
                            declared: value_text(d, plain),
                            certified: value_text(d, value),
                        },
                    });
                }
                read.warnings.retain(|w| {
                    !(w.field == input.name && w.kind == FamilyWarningKind::NotCertified)
                });
            }
            read.family
                .set(input_id, Some(value), Provenance::Certified(id));
        }
    }
}

pub(super) fn value_text(d: &Deliberation, value: Value) -> String {
    match value {
        Value::Number(n) => crate::french::number(n),
        Value::Choice(c) => d.choices.get(c.0 as usize).cloned().unwrap_or_default(),
        Value::Bool(b) => if b { "oui" } else { "non" }.to_string(),
        Value::Date(day) => crate::french::date(day),
    }
}

/// How many children are under 18 on `date`, and how many of them were counted
/// without knowing whether their 18th birthday had passed (a date of birth with `00`
/// parts: the earliest day it allows is taken, so a doubt counts as an adult).
fn minor_children(births: &[(i32, u32, u32)], date: NaiveDate) -> (u32, u32) {
    use chrono::Datelike;
    let (mut minors, mut unsure) = (0, 0);
    for &(year, month, day) in births {
        if year <= 0 {
            unsure += 1;
            continue;
        }
        let earliest = NaiveDate::from_ymd_opt(year, month.max(1), day.max(1));
        let latest = NaiveDate::from_ymd_opt(year, if month == 0 { 12 } else { month }, 1)
            .and_then(|d| {
                if day == 0 {
                    d.with_day(1)
                        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                        .and_then(|d| d.pred_opt())
                } else {
                    d.with_day(day)
                }
            });
        let adult_from = |born: NaiveDate| born.checked_add_months(chrono::Months::new(18 * 12));
        let minor_if =
            |born: Option<NaiveDate>| born.and_then(adult_from).is_some_and(|a| date < a);
        let surely = minor_if(earliest);
        let maybe = minor_if(latest);
        if surely {
            minors += 1;
        } else if maybe {
            unsure += 1;
        }
    }
    (minors, unsure)
}

/// The warnings that depend on the date of the service: a QF older than 12 months, an
/// income year other than N-1 or N-2.
pub fn dated_warnings(family: &Family, date: NaiveDate) -> Vec<FamilyWarning> {
    use crate::eval::trace::Api;
    use chrono::Datelike;
    let mut warnings = Vec::new();
    for proof in family.proofs() {
        let field = format!("justificatifs.{}", proof.key);
        match (proof.api, proof.period) {
            (Api::QuotientV1 | Api::QuotientV2 | Api::QuotientV3, Some((year, month)))
                if month > 0 =>
            {
                let age = (date.year() - year) * 12 + i32::try_from(date.month()).unwrap_or(0)
                    - i32::try_from(month).unwrap_or(0);
                if age > 12 {
                    warnings.push(FamilyWarning {
                        field,
                        kind: FamilyWarningKind::StaleQuotient { year, month },
                    });
                }
            }
            (Api::ImpotParticulier | Api::AvisImposition, Some((year, _))) => {
                let n = date.year();
                if year != n - 1 && year != n - 2 {
                    warnings.push(FamilyWarning {
                        field,
                        kind: FamilyWarningKind::TaxYear {
                            year,
                            service_year: n,
                        },
                    });
                }
            }
            _ => {}
        }
    }
    warnings
}

impl FamilyRead {
    /// `family` as read, without error nor warning yet.
    pub(crate) fn new(family: Family) -> FamilyRead {
        FamilyRead {
            family,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// `family`, read without error nor warning (an example's).
    pub(crate) fn empty_with(family: Family) -> FamilyRead {
        FamilyRead::new(family)
    }

    /// A family that gives nothing yet, to read into ([`read_family_into`]).
    pub fn empty(d: &Deliberation) -> FamilyRead {
        FamilyRead::new(Family::new(d))
    }

    /// A family that gives nothing, refused as a whole (no JSON, no object).
    fn refused(d: &Deliberation, kind: FamilyErrorKind) -> FamilyRead {
        let mut read = FamilyRead::new(Family::new(d));
        read.error("", kind);
        read
    }

    /// Each key given a second time, refused (the first value is kept).
    fn refuse_duplicates<'k>(&mut self, keys: impl Iterator<Item = &'k str>) {
        for key in keys {
            let first = key.to_string();
            self.error(key, FamilyErrorKind::DuplicateKey { first });
        }
    }

    /// Completes the family for the date of its service: the values that depend on it
    /// (the minor children, from their certified dates of birth) and the warnings about
    /// documents too old for it. Called once the date is known (`--date`, the family's,
    /// today), before pricing.
    pub fn at_date(&mut self, d: &Deliberation, date: NaiveDate) {
        for (input, proof, births) in self.family.take_births() {
            let (minors, unsure) = minor_children(&births, date);
            if unsure > 0
                && let Some(i) = d.inputs.get(input.0 as usize)
            {
                self.warnings.push(FamilyWarning {
                    field: i.name.clone(),
                    kind: FamilyWarningKind::IncompleteBirthDates { unsure },
                });
            }
            let declared = self.family.given.get(input.0 as usize).copied().flatten();
            let value = Value::Number(Decimal::from(minors));
            if let (Some((plain, _)), Some(i)) = (declared, d.inputs.get(input.0 as usize))
                && plain != value
            {
                self.warnings.push(FamilyWarning {
                    field: i.name.clone(),
                    kind: FamilyWarningKind::CertifiedWins {
                        declared: value_text(d, plain),
                        certified: value_text(d, value),
                    },
                });
            }
            self.family
                .set(input, Some(value), Provenance::Certified(proof));
        }
        let dated = dated_warnings(&self.family, date);
        self.warnings.extend(dated);
    }

    /// The bounds (`de 0 à 150`) and the `obligatoire` of the deliberation's inputs,
    /// checked once every field and document is read.
    pub(super) fn declared_limits(&mut self, d: &Deliberation) {
        for (index, input) in d.inputs.iter().enumerate() {
            // Each child's, checked child by child.
            if input.scope == crate::rules::Scope::Child && !self.family.children().is_empty() {
                continue;
            }
            if !(input.required || input.low.is_some() || input.high.is_some()) {
                continue;
            }
            // Matched where it lies (a `Value` copied whole through the stack stalls).
            match self.family.given.get(index).and_then(Option::as_ref) {
                Some((Value::Number(n), _)) => {
                    let below = input.low.is_some_and(|l| *n < l);
                    let above = input.high.is_some_and(|h| *n > h);
                    if below || above {
                        let kind = FamilyErrorKind::OutOfBounds {
                            low: input.low,
                            high: input.high,
                        };
                        self.error(&input.name, kind);
                    }
                }
                Some(_) => {}
                // A value given but wrong (`870,5` for a whole amount) is its own
                // error: not also « obligatoire ».
                None if input.required
                    && input.default.is_none()
                    && !self.errors.iter().any(|e| {
                        crate::syntax::lines::fold(&e.field)
                            == crate::syntax::lines::fold(&input.name)
                    }) =>
                {
                    self.error(&input.name, FamilyErrorKind::Required);
                }
                None => {}
            }
        }
    }

    /// The value the family gave, under `field`, for input number `index`: marked
    /// « déclarée, non certifiée » (with a warning) when the input wants a certificate.
    pub(super) fn declared(&mut self, d: &Deliberation, index: usize, field: &str, value: Value) {
        if self.declared_quietly(d, index, value) {
            self.warnings.push(FamilyWarning {
                field: field.to_string(),
                kind: FamilyWarningKind::NotCertified,
            });
        }
    }

    /// [`Self::declared`] without its warning (for an output that shows none); whether
    /// the input wants a certificate.
    pub(super) fn declared_quietly(
        &mut self,
        d: &Deliberation,
        index: usize,
        value: Value,
    ) -> bool {
        let certified = d.inputs.get(index).is_some_and(|i| i.certified.is_some());
        let provenance = if certified {
            Provenance::DeclaredNotCertified
        } else {
            Provenance::Declared
        };
        let id = InputId(u32::try_from(index).unwrap_or(u32::MAX));
        self.family.set(id, Some(value), provenance);
        certified
    }

    pub(super) fn error(&mut self, field: &str, kind: FamilyErrorKind) {
        self.errors.push(FamilyError {
            field: field.to_string(),
            kind,
        });
    }
}
