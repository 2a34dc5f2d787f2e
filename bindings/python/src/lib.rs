//! The Python package `tarif`: a deliberation compiled once, shared by the threads of
//! a WSGI server, pricing families given as dicts; money in and out as
//! `decimal.Decimal` (never a float); pricing does not hold the GIL. The stubs of
//! `tarif.pyi` document the Python API.

use std::sync::Arc;

use chrono::NaiveDate;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};
use tarif_core::document::Document;

pyo3::create_exception!(
    tarif,
    DeliberationError,
    PyException,
    "Une délibération qui ne se compile pas : `.diagnostics` donne chaque erreur."
);
pyo3::create_exception!(
    tarif,
    FamilyError,
    PyException,
    "Une famille qui ne peut pas être tarifée : `.code`, `.message`, `.champ`."
);

/// Families read at once by `price_many` (then priced without the GIL).
const CHUNK: usize = 16_384;

/// A deliberation, compiled and checked.
#[pyclass(frozen, module = "tarif")]
struct Deliberation {
    document: Arc<Document>,
    /// Its warnings (a deliberation with errors is not built), as `tarif check
    /// --format json` gives them.
    diagnostics: Json,
}

/// The diagnostics of a text, as JSON.
fn diagnostics_of(text: &str, found: &[tarif_core::Diagnostic]) -> Json {
    tarif_core::report::to_json("deliberation.delib", text, found)
}

fn deliberation_error(py: Python<'_>, message: String, diagnostics: Json) -> PyErr {
    let error = DeliberationError::new_err(message);
    if let Ok(value) = to_python(py, &diagnostics) {
        let _ = error.value(py).setattr("diagnostics", value);
    }
    error
}

#[pymethods]
impl Deliberation {
    /// Compiles the text of a deliberation; `DeliberationError` with every diagnostic.
    #[staticmethod]
    fn compile(py: Python<'_>, text: &str) -> PyResult<Deliberation> {
        let compiled = tarif_core::compile(text);
        let diagnostics = diagnostics_of(text, &compiled.diagnostics);
        match Document::from_source(text) {
            Ok(document) => Ok(Deliberation {
                document: Arc::new(document),
                diagnostics,
            }),
            Err(_) => {
                let errors: Vec<String> = compiled
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{} : {}", d.code.as_str(), d.message))
                    .collect();
                Err(deliberation_error(
                    py,
                    format!(
                        "la délibération a {} erreur(s) : {}",
                        errors.len(),
                        errors.join(" ; ")
                    ),
                    diagnostics,
                ))
            }
        }
    }

    /// Reads a `.delib` file, or a document compiled by `tarif compile` (`.json`).
    #[staticmethod]
    fn open(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Deliberation> {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            DeliberationError::new_err(format!("{} ne se lit pas ({e})", path.display()))
        })?;
        if text.trim_start().starts_with('{') {
            Deliberation::from_compiled(py, &text)
        } else {
            Deliberation::compile(py, &text)
        }
    }

    /// A document compiled by `tarif compile` (its JSON text).
    #[staticmethod]
    fn from_compiled(py: Python<'_>, json: &str) -> PyResult<Deliberation> {
        match Document::load(json) {
            Ok(document) => Ok(Deliberation {
                document: Arc::new(document),
                diagnostics: Json::Array(Vec::new()),
            }),
            Err(error) => Err(deliberation_error(
                py,
                format!("le document compilé ne se lit pas ({error:?})"),
                Json::Array(Vec::new()),
            )),
        }
    }

    /// The compiled document (`tarif compile`), as JSON text.
    fn to_json(&self) -> String {
        self.document.to_json()
    }

    /// Its warnings: dicts `code`, `gravite`, `message`, `ligne`, `colonne`, `aide`…
    #[getter]
    fn diagnostics(&self, py: Python<'_>) -> PyResult<PyObject> {
        to_python(py, &self.diagnostics)
    }

    /// `sha256:…` of the source text.
    #[getter]
    fn empreinte(&self) -> String {
        self.document.empreinte.clone()
    }

    /// `(du, au)`: the dates of its period, `au` None when open.
    #[getter]
    fn period<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyDate>, Option<Bound<'py, PyDate>>)> {
        let meta = &self.document.deliberation.meta;
        let date = |d: NaiveDate| {
            use chrono::Datelike;
            PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)
        };
        Ok((
            date(meta.applicable_from)?,
            meta.applicable_to.map(date).transpose()?,
        ))
    }

    /// The inputs a family gives: dicts `nom`, `type`, `libelle`, `obligatoire`,
    /// `enfant`, `source_certifiee`, `valeurs`.
    #[getter]
    fn inputs(&self, py: Python<'_>) -> PyResult<PyObject> {
        let d = &self.document.deliberation;
        let inputs: Vec<Json> = d
            .inputs
            .iter()
            .filter(|i| i.scope != tarif_core::rules::Scope::Rank)
            .map(|i| {
                let values: Vec<&str> = match &i.ty {
                    tarif_core::rules::ValueType::Choice(ids) => ids
                        .iter()
                        .filter_map(|c| d.choices.get(c.0 as usize).map(String::as_str))
                        .collect(),
                    _ => Vec::new(),
                };
                json!({
                    "nom": i.name,
                    "type": i.ty.written(i.whole),
                    "libelle": i.label,
                    "obligatoire": i.required,
                    "enfant": i.scope == tarif_core::rules::Scope::Child,
                    "source_certifiee": i.certified.map(tarif_core::source_name),
                    "valeurs": values,
                })
            })
            .collect();
        to_python(py, &Json::Array(inputs))
    }

    /// Its tariffs: dicts `nom`, `unite`, `libelle`.
    #[getter]
    fn tariffs(&self, py: Python<'_>) -> PyResult<PyObject> {
        let tariffs: Vec<Json> = self
            .document
            .deliberation
            .tariffs
            .iter()
            .map(|t| json!({ "nom": t.name, "unite": t.unit, "libelle": t.label }))
            .collect();
        to_python(py, &Json::Array(tariffs))
    }

    /// Prices one family (a dict, as the JSON of `tarif eval`), on `date` (a
    /// `datetime.date`, `"2025-10-15"` or `"15/10/2025"`; else the family's `date`,
    /// else today). A family that cannot be priced raises `FamilyError`, unless
    /// `errors="return"`: the result then carries its `errors`.
    #[pyo3(signature = (family, date=None, errors="raise", justification=true))]
    fn price(
        &self,
        py: Python<'_>,
        family: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        errors: &str,
        justification: bool,
    ) -> PyResult<PricedFamily> {
        let json = family_json(family)?;
        let given = service_date(date)?;
        let document = self.document.clone();
        let result = py.allow_threads(move || {
            let plan = tarif_core::eval::Plan::new(&document.deliberation);
            let mut session = tarif_core::eval::Session::on(&plan);
            priced(&document, &mut session, &json, given, justification)
        });
        match errors {
            "return" => Ok(result),
            "raise" => match result.first_error() {
                Some((code, message, field)) => {
                    let error = FamilyError::new_err(message.clone());
                    let value = error.value(py);
                    value.setattr("code", code)?;
                    value.setattr("message", message)?;
                    value.setattr("champ", field)?;
                    Err(error)
                }
                None => Ok(result),
            },
            other => Err(PyValueError::new_err(format!(
                "errors={other:?} : « raise » ou « return »"
            ))),
        }
    }

    /// Prices every family of an iterable of dicts (a list, the rows of
    /// `DataFrame.to_dict("records")`), in order, one result each; a family that
    /// cannot be priced gets its `errors` in its result. The families are read with
    /// the GIL, then priced without it.
    #[pyo3(signature = (families, date=None, justification=false))]
    fn price_many(
        &self,
        py: Python<'_>,
        families: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        justification: bool,
    ) -> PyResult<Vec<PricedFamily>> {
        let given = service_date(date)?;
        let today = chrono::Local::now().date_naive();
        let mut results = Vec::new();
        let mut families = families.try_iter()?;
        // By chunks: read with the GIL, priced without it on every core; the memory
        // of a chunk's families is used again by the next.
        loop {
            let mut read: Vec<std::result::Result<Json, String>> = Vec::with_capacity(CHUNK);
            for family in families.by_ref().take(CHUNK) {
                read.push(family_json(&family?).map_err(|e| e.to_string()));
            }
            if read.is_empty() {
                break;
            }
            let document = self.document.clone();
            let priced = py.allow_threads(move || {
                use rayon::prelude::*;
                let plan = tarif_core::eval::Plan::new(&document.deliberation);
                read.par_chunks(1024)
                    .map(|chunk| {
                        let mut session = tarif_core::eval::Session::on(&plan);
                        chunk
                            .iter()
                            .map(|json| match json {
                                Ok(json) if justification => {
                                    priced(&document, &mut session, json, given, true)
                                }
                                Ok(json) => compact(&document, &mut session, json, (given, today)),
                                Err(message) => {
                                    PricedFamily::refused("E110", message.clone(), None)
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            });
            results.extend(priced.into_iter().flatten());
        }
        Ok(results)
    }

    fn __repr__(&self) -> String {
        let meta = &self.document.deliberation.meta;
        format!(
            "<Deliberation « {} » {}>",
            meta.title, self.document.empreinte
        )
    }
}

/// The date given to `price`: a `datetime.date`, a text, or None.
fn service_date(date: Option<&Bound<'_, PyAny>>) -> PyResult<Option<NaiveDate>> {
    let Some(date) = date.filter(|d| !d.is_none()) else {
        return Ok(None);
    };
    if date.downcast::<PyDate>().is_ok() {
        let text = iso_day(date)?;
        return NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| PyValueError::new_err(format!("date impossible : {text}")));
    }
    let text: String = date.extract()?;
    tarif_core::inputs::parse_date(&text)
        .map(Some)
        .ok_or_else(|| PyValueError::new_err(tarif_core::report::messages::date_problem(&text)))
}

/// `AAAA-MM-JJ` of a `datetime.date` (or the day of a `datetime.datetime`).
fn iso_day(date: &Bound<'_, PyAny>) -> PyResult<String> {
    let text: String = date.call_method0("isoformat")?.extract()?;
    Ok(text.chars().take(10).collect())
}

/// A Python value of a family as JSON: `Decimal` and texts as texts (read exactly by
/// the family reader), `int` as a number, `bool`, None, dates as `AAAA-MM-JJ`, lists
/// and dicts; a float is refused (it is not exact).
fn family_json(value: &Bound<'_, PyAny>) -> std::result::Result<Json, PyErr> {
    if value.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(flag) = value.downcast::<PyBool>() {
        return Ok(Json::Bool(flag.is_true()));
    }
    if let Ok(number) = value.downcast::<PyInt>() {
        let n: i64 = number.extract()?;
        return Ok(Json::from(n));
    }
    if value.downcast::<PyFloat>().is_ok() {
        return Err(FamilyError::new_err(format!(
            "le nombre {} est un float, inexact : donnez un decimal.Decimal, un int ou un texte (« 612,50 »)",
            value.str()?
        )));
    }
    if let Ok(text) = value.downcast::<PyString>() {
        return Ok(Json::String(text.to_str()?.to_string()));
    }
    if value.downcast::<PyDate>().is_ok() {
        return Ok(Json::String(iso_day(value)?));
    }
    if let Ok(dict) = value.downcast::<PyDict>() {
        let mut object = serde_json::Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key: String = key.str()?.to_str()?.to_string();
            object.insert(key, family_json(&item)?);
        }
        return Ok(Json::Object(object));
    }
    if let Ok(list) = value.downcast::<PyList>() {
        return list
            .iter()
            .map(|item| family_json(&item))
            .collect::<PyResult<Vec<_>>>()
            .map(Json::Array);
    }
    // decimal.Decimal, and any other number that says itself exactly.
    if value.get_type().name()?.to_str()? == "Decimal" {
        return Ok(Json::String(value.str()?.to_str()?.to_string()));
    }
    Err(FamilyError::new_err(format!(
        "une valeur de type {} ne se lit pas dans une famille",
        value.get_type().name()?
    )))
}

/// Prices one family read from JSON.
fn priced(
    document: &Document,
    session: &mut tarif_core::eval::Session<'_>,
    json: &Json,
    given: Option<NaiveDate>,
    justify: bool,
) -> PricedFamily {
    let d = &document.deliberation;
    let mut read = tarif_core::inputs::read_family_json(d, json);
    let today = chrono::Local::now().date_naive();
    let date = tarif_core::eval::service_date(&read.family, given, today);
    read.at_date(d, date);
    let (priced, children) = read.prices_in(session, date, &[], justify);
    let value = match read.family.children().is_empty() {
        true => tarif_core::report::result::to_json(document, &read, date, &priced),
        false => tarif_core::report::result::children_to_json(document, &read, date, &children),
    };
    let lines = justify.then(|| {
        let text = |priced: &[tarif_core::eval::Priced]| -> Lines {
            priced
                .iter()
                .filter_map(|p| {
                    let steps = &p.justification.as_ref()?.steps;
                    Some((
                        d.tariffs.get(p.tariff)?.name.clone(),
                        tarif_core::report::justification::lines(d, steps),
                    ))
                })
                .collect()
        };
        let mut all = vec![(String::new(), text(&priced))];
        for child in &children {
            let id = read
                .family
                .children()
                .get(child.child)
                .and_then(|c| c.id.clone())
                .unwrap_or_else(|| format!("enfant {}", child.child + 1));
            all.push((id, text(&child.priced)));
        }
        all
    });
    PricedFamily {
        value: Outcome::Json(value),
        lines,
    }
}

/// By tariff, the French lines of its calculation.
type Lines = Vec<(String, Vec<String>)>;

/// What pricing a family gives: the JSON of `tarif eval --format json`, read through
/// Python properties (amounts as `Decimal`); for `price_many` without justification,
/// what that JSON is made of, the JSON written only when it is read.
#[pyclass(frozen, module = "tarif", name = "Result")]
struct PricedFamily {
    value: Outcome,
    /// By child (`""`: the family), by tariff: the French lines of its calculation.
    lines: Option<Vec<(String, Lines)>>,
}

enum Outcome {
    Json(Json),
    Compact(Box<Compact>),
}

/// A family without children priced without justification.
struct Compact {
    document: Arc<Document>,
    id: Option<String>,
    date: NaiveDate,
    prices: Vec<(usize, Decimal)>,
    refused: Vec<(usize, tarif_core::eval::EvalError)>,
    errors: Vec<tarif_core::inputs::FamilyError>,
    warnings: Vec<tarif_core::inputs::FamilyWarning>,
}

impl Compact {
    /// The JSON of `tarif eval --format json` (without justification).
    fn json(&self) -> Json {
        use tarif_core::report::messages;
        let d = &self.document.deliberation;
        let tariffs: serde_json::Map<String, Json> = self
            .prices
            .iter()
            .filter_map(|(t, amount)| {
                let tariff = d.tariffs.get(*t)?;
                Some((
                    tariff.name.clone(),
                    json!({ "montant": format!("{amount:.2}"), "unite": tariff.unit }),
                ))
            })
            .collect();
        let mut errors: Vec<Json> = self
            .errors
            .iter()
            .map(tarif_core::report::result::family_error_json)
            .collect();
        errors.extend(self.refused.iter().filter_map(|(t, e)| {
            Some(tarif_core::report::result::eval_error_json(
                d,
                d.tariffs.get(*t)?,
                e,
            ))
        }));
        let warnings: Vec<Json> = self
            .warnings
            .iter()
            .map(|w| {
                let m = messages::family_warning(w);
                json!({ "code": m.code, "message": m.text, "champ": w.field })
            })
            .collect();
        let mut value = json!({
            "id": self.id,
            "deliberation": {
                "numero": d.meta.number,
                "titre": d.meta.title,
                "empreinte": self.document.empreinte,
            },
            "date": self.date.format("%Y-%m-%d").to_string(),
            "tarifs": tariffs,
            "avertissements": warnings,
        });
        if !errors.is_empty() {
            value["erreurs"] = Json::Array(errors);
        }
        value
    }
}

/// Prices one family without children and without justification, keeping what the
/// result is made of (its JSON is written when it is read).
fn compact(
    document: &Arc<Document>,
    session: &mut tarif_core::eval::Session<'_>,
    json: &Json,
    (given, today): (Option<NaiveDate>, NaiveDate),
) -> PricedFamily {
    let d = &document.deliberation;
    let mut read = tarif_core::inputs::read_family_json(d, json);
    if !read.family.children().is_empty() {
        return priced(document, session, json, given, false);
    }
    let date = tarif_core::eval::service_date(&read.family, given, today);
    read.at_date(d, date);
    let (priced, _) = read.prices_in(session, date, &[], false);
    let mut prices = Vec::with_capacity(priced.len());
    let mut refused = Vec::new();
    for p in priced {
        match p.result {
            Ok(amount) => prices.push((p.tariff, amount)),
            Err(error) => refused.push((p.tariff, error)),
        }
    }
    // A family with errors is not priced: as `tarif eval`, no price is given.
    if !read.errors.is_empty() {
        prices.clear();
    }
    PricedFamily {
        value: Outcome::Compact(Box::new(Compact {
            document: document.clone(),
            id: read.family.id.clone(),
            date,
            prices,
            refused,
            errors: read.errors,
            warnings: read.warnings,
        })),
        lines: None,
    }
}

impl PricedFamily {
    fn refused(code: &str, message: String, field: Option<&str>) -> PricedFamily {
        PricedFamily {
            value: Outcome::Json(
                json!({ "erreurs": [ { "code": code, "message": message, "champ": field } ] }),
            ),
            lines: None,
        }
    }

    /// The JSON of the result (written now for a compact one).
    fn value(&self) -> std::borrow::Cow<'_, Json> {
        match &self.value {
            Outcome::Json(value) => std::borrow::Cow::Borrowed(value),
            Outcome::Compact(compact) => std::borrow::Cow::Owned(compact.json()),
        }
    }

    fn first_error(&self) -> Option<(String, String, Option<String>)> {
        let value = self.value();
        let error = value["erreurs"].as_array()?.first()?;
        Some((
            error["code"].as_str().unwrap_or("").to_string(),
            error["message"].as_str().unwrap_or("").to_string(),
            error["champ"].as_str().map(str::to_string),
        ))
    }
}

/// `decimal.Decimal`, imported once.
fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, pyo3::types::PyType>> {
    static DECIMAL: pyo3::sync::GILOnceCell<Py<pyo3::types::PyType>> =
        pyo3::sync::GILOnceCell::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// `{ tariff: Decimal }` of a `tarifs` object.
fn prices_of<'py>(py: Python<'py>, tariffs: &Json) -> PyResult<Bound<'py, PyDict>> {
    let decimal = decimal_class(py)?;
    let prices = PyDict::new(py);
    for (name, tariff) in tariffs.as_object().into_iter().flatten() {
        if let Some(amount) = tariff["montant"].as_str() {
            prices.set_item(name, decimal.call1((amount,))?)?;
        }
    }
    Ok(prices)
}

#[pymethods]
impl PricedFamily {
    /// `{ tariff: Decimal }`: the prices of a family without children, or the
    /// family's total when it has children.
    #[getter]
    fn prices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let value = match &self.value {
            Outcome::Compact(compact) => {
                let decimal = decimal_class(py)?;
                let prices = PyDict::new(py);
                for (t, amount) in &compact.prices {
                    if let Some(tariff) = compact.document.deliberation.tariffs.get(*t) {
                        prices.set_item(&tariff.name, decimal.call1((format!("{amount:.2}"),))?)?;
                    }
                }
                return Ok(prices);
            }
            Outcome::Json(value) => value,
        };
        match value.get("total") {
            Some(total) => prices_of(py, total),
            None => prices_of(py, &value["tarifs"]),
        }
    }

    /// For a family with children: `[{ "id", "rang", "prices": { tariff: Decimal } }]`.
    #[getter]
    fn children<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        let value = self.value();
        for child in value["enfants"].as_array().into_iter().flatten() {
            let item = PyDict::new(py);
            item.set_item("id", to_python(py, &child["id"])?)?;
            item.set_item("rang", to_python(py, &child["rang"])?)?;
            item.set_item("prices", prices_of(py, &child["tarifs"])?)?;
            list.append(item)?;
        }
        Ok(list)
    }

    /// `{ tariff: [step, …] }`: the steps of each calculation, as in `tarif eval
    /// --format json` (empty without justification).
    #[getter]
    fn justification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let steps = PyDict::new(py);
        let value = self.value();
        for (name, tariff) in value["tarifs"].as_object().into_iter().flatten() {
            if let Some(found) = tariff.get("justification") {
                steps.set_item(name, to_python(py, found)?)?;
            }
        }
        Ok(steps)
    }

    /// `{ tariff: [line, …] }`: the calculation in French lines (for a family with
    /// children, keyed `"Léa : repas"`).
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (child, tariffs) in self.lines.iter().flatten() {
            for (tariff, lines) in tariffs {
                let key = match child.is_empty() {
                    true => tariff.clone(),
                    false => format!("{child} : {tariff}"),
                };
                out.set_item(key, lines.clone())?;
            }
        }
        Ok(out)
    }

    /// The warnings: dicts `code`, `message`, `champ`.
    #[getter]
    fn warnings(&self, py: Python<'_>) -> PyResult<PyObject> {
        to_python(py, self.value().get("avertissements").unwrap_or(&json!([])))
    }

    /// Why it could not be priced: dicts `code`, `message`, `champ` (empty when it was).
    #[getter]
    fn errors(&self, py: Python<'_>) -> PyResult<PyObject> {
        to_python(py, self.value().get("erreurs").unwrap_or(&json!([])))
    }

    /// The whole result, as `tarif eval --format json` writes it (amounts as texts).
    #[getter]
    fn json(&self, py: Python<'_>) -> PyResult<PyObject> {
        to_python(py, &self.value())
    }

    fn __repr__(&self) -> String {
        let value = self.value();
        let prices: Vec<String> = value
            .get("total")
            .unwrap_or(&value["tarifs"])
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(name, t)| Some(format!("{name}={}", t["montant"].as_str()?)))
            .collect();
        match self.first_error() {
            Some((code, message, _)) => format!("<Result {code} : {message}>"),
            None => format!("<Result {}>", prices.join(", ")),
        }
    }
}

/// JSON as Python values (numbers as `int` or `Decimal`, never a float).
fn to_python(py: Python<'_>, value: &Json) -> PyResult<PyObject> {
    Ok(match value {
        Json::Null => py.None(),
        Json::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any().unbind(),
        Json::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any().unbind(),
            None => decimal_class(py)?
                .call1((n.to_string(),))?
                .into_any()
                .unbind(),
        },
        Json::String(text) => PyString::new(py, text).into_any().unbind(),
        Json::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Json::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, to_python(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

#[pymodule]
fn tarif(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Deliberation>()?;
    module.add_class::<PricedFamily>()?;
    module.add(
        "DeliberationError",
        module.py().get_type::<DeliberationError>(),
    )?;
    module.add("FamilyError", module.py().get_type::<FamilyError>())?;
    Ok(())
}
