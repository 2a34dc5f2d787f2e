//! The Python package `tarif`: a deliberation compiled once, shared by the threads of
//! a WSGI server, pricing families given as dicts; money in and out as
//! `decimal.Decimal` (never a float); pricing does not hold the GIL. The stubs of
//! `tarif.pyi` document the Python API.

use std::sync::Arc;

use chrono::NaiveDate;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString};
use serde_json::{Value as Json, json};
use tarif_core::document::Document;

mod many;

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
        let dates = (service_date(date)?, chrono::Local::now().date_naive());
        let document = self.document.clone();
        let result = py.allow_threads(move || {
            let d = &document.deliberation;
            let plan = tarif_core::eval::Plan::new(d);
            let mut session = tarif_core::eval::Session::on(&plan);
            let read = tarif_core::inputs::read_family_json(d, &json);
            priced(&document, &mut session, read, dates, justification)
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
        let dates = (service_date(date)?, chrono::Local::now().date_naive());
        many::price_many(py, &self.document, families, dates, justification)
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
pub(crate) fn iso_day(date: &Bound<'_, PyAny>) -> PyResult<String> {
    let text: String = date.call_method0("isoformat")?.extract()?;
    Ok(text.chars().take(10).collect())
}

/// A Python value of a family as JSON: `Decimal` and texts as texts (read exactly by
/// the family reader), `int` as a number, `bool`, None, dates as `AAAA-MM-JJ`, lists
/// and dicts; a float is refused (it is not exact).
pub(crate) fn family_json(value: &Bound<'_, PyAny>) -> std::result::Result<Json, PyErr> {
    if value.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(flag) = value.downcast::<PyBool>() {
        return Ok(Json::Bool(flag.is_true()));
    }
    if let Ok(number) = value.downcast::<PyInt>() {
        if let Ok(n) = number.extract::<i64>() {
            return Ok(Json::from(n));
        }
        // Larger than 64 bits: its digits, read exactly (or refused) as JSON's are.
        let digits = number.str()?;
        return Ok(digits
            .to_str()?
            .parse::<serde_json::Number>()
            .map_or_else(|_| Json::String(digits.to_string()), Json::Number));
    }
    if let Ok(number) = value.downcast::<PyFloat>() {
        // Refused, whole or not: a float is never taken for money in silence. The
        // message leads pandas' users, whose column of quotients with an empty cell
        // becomes floats (612.0, NaN), to the fix.
        let float = number.value();
        let pandas = "une colonne pandas d'entiers avec des cases vides devient float : \
                      `df.astype({\"quotient_caf\": \"Int64\"})` la garde en entiers \
                      (None pour une case vide)";
        if float.is_nan() {
            return Err(FamilyError::new_err(format!(
                "NaN n'est pas une valeur : donnez None pour une valeur absente ({pandas})"
            )));
        }
        return Err(FamilyError::new_err(format!(
            "le nombre {} est un float, inexact : donnez un decimal.Decimal, un int ou un texte (« 612,50 ») ; {pandas}",
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
            let item = family_json(&item).map_err(|error| naming(value.py(), error, &key))?;
            object.insert(key, item);
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
        if value.call_method0("is_nan")?.is_truthy()? {
            return Err(FamilyError::new_err(
                "Decimal(\"NaN\") n'est pas une valeur : donnez None pour une valeur absente",
            ));
        }
        return Ok(Json::String(value.str()?.to_str()?.to_string()));
    }
    // A whole number of another kind (numpy's `int64`, in a DataFrame's rows).
    if let Ok(index) = value.call_method0("__index__") {
        return family_json(&index);
    }
    Err(FamilyError::new_err(format!(
        "une valeur de type {} ne se lit pas dans une famille",
        value.get_type().name()?
    )))
}

/// `error` (a value that cannot be read) as a `FamilyError` naming `field`, the key
/// that holds it, with the code of an unreadable family (the innermost key is kept).
pub(crate) fn naming(py: Python<'_>, error: PyErr, field: &str) -> PyErr {
    if !error.is_instance_of::<FamilyError>(py) {
        return error;
    }
    let value = error.value(py);
    if value.getattr("champ").is_err() {
        let message = value.str().map(|m| m.to_string()).unwrap_or_default();
        let _ = value.setattr("champ", field);
        let _ = value.setattr("code", "E110");
        let _ = value.setattr("message", message);
    }
    error
}

/// The message and the field of an error met reading a family.
pub(crate) fn unreadable(py: Python<'_>, error: &PyErr) -> (String, Option<String>) {
    let value = error.value(py);
    let message = value.str().map(|m| m.to_string()).unwrap_or_default();
    let field = value
        .getattr("champ")
        .ok()
        .and_then(|f| f.extract::<String>().ok());
    (message, field)
}

/// Prices one family read.
pub(crate) fn priced(
    document: &Document,
    session: &mut tarif_core::eval::Session<'_>,
    mut read: tarif_core::inputs::FamilyRead,
    (given, today): (Option<NaiveDate>, NaiveDate),
    justify: bool,
) -> PricedFamily {
    let d = &document.deliberation;
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
pub(crate) struct PricedFamily {
    pub(crate) value: Outcome,
    /// By child (`""`: the family), by tariff: the French lines of its calculation.
    pub(crate) lines: Option<Vec<(String, Lines)>>,
}

pub(crate) enum Outcome {
    Json(Json),
    /// Family number `.1` of a batch of `price_many`.
    InBatch(Arc<many::Batch>, u32),
}

impl PricedFamily {
    pub(crate) fn refused(code: &str, message: String, field: Option<&str>) -> PricedFamily {
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
            Outcome::InBatch(batch, n) => std::borrow::Cow::Owned(batch.json(*n)),
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
            Outcome::InBatch(batch, n) => {
                let decimal = decimal_class(py)?;
                let prices = PyDict::new(py);
                for (tariff, amount) in batch.prices(*n) {
                    prices.set_item(&tariff.name, decimal.call1((format!("{amount:.2}"),))?)?;
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
