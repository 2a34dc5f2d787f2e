//! `price_many`: families read from their dicts into the memory of a chunk (no JSON in
//! between, keys recognised by the identity of Python's string objects), priced
//! without the GIL on every core while the next chunk is read.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyInt, PyString};
use serde_json::Value as Json;
use tarif_core::document::Document;
use tarif_core::inputs::{FamilyRead, Field};

use rust_decimal::Decimal;
use serde_json::json;
use tarif_core::eval::{EvalError, Session};
use tarif_core::inputs::FamilyWarning;

use crate::{Outcome, PricedFamily, family_json, iso_day, naming, priced, unreadable};

/// Families read at once, then priced without the GIL.
const CHUNK: usize = 16_384;

/// The value of one field, in the memory of its chunk.
#[derive(Clone, Copy)]
enum Slot {
    Null,
    Bool(bool),
    Int(i64),
    /// `text[start..end]`.
    Text(u32, u32),
    /// `nested[index]`: a dict, a list, an int larger than 64 bits.
    Json(u32),
}

/// What a chunk holds of one family.
enum Read {
    /// `fields[start..end]`.
    Fields(u32, u32),
    /// A family that is no dict (refused as the JSON reader refuses it).
    Whole(u32),
    /// A value Python cannot give exactly (a float): the message and the key.
    Unreadable(String, Option<String>),
}

/// Families read from Python, owned by Rust: sent to the pricing thread.
#[derive(Default)]
struct Chunk {
    /// The keys met so far, by number.
    keys: Arc<Vec<String>>,
    text: String,
    nested: Vec<Json>,
    fields: Vec<(u32, Slot)>,
    families: Vec<Read>,
}

/// Reads dicts into chunks, knowing each key once.
struct Reader {
    /// The string objects of the keys met, held (so their address is never another
    /// string's), with their number.
    seen: Vec<(Py<PyString>, u32)>,
    keys: Arc<Vec<String>>,
}

impl Reader {
    fn new() -> Reader {
        Reader {
            seen: Vec::new(),
            keys: Arc::new(Vec::new()),
        }
    }

    /// The number of a key: found by the address of its string object (a dict's keys
    /// are the same objects from row to row), else by its text.
    fn key(&mut self, key: &Bound<'_, PyAny>) -> PyResult<u32> {
        if let Ok(string) = key.downcast_exact::<PyString>() {
            if let Some((_, number)) = self
                .seen
                .iter()
                .find(|(k, _)| k.as_ptr() == string.as_ptr())
            {
                return Ok(*number);
            }
            let number = self.number(string.to_str()?);
            // A few dozen key objects at most are remembered: dicts whose keys are
            // new objects each time (`json.loads` row by row) are read by text.
            if self.seen.len() < 64 {
                self.seen.push((string.clone().unbind(), number));
            }
            return Ok(number);
        }
        let text = key.str()?;
        Ok(self.number(text.to_str()?))
    }

    fn number(&mut self, text: &str) -> u32 {
        if let Some(n) = self.keys.iter().position(|k| k == text) {
            return n as u32;
        }
        Arc::make_mut(&mut self.keys).push(text.to_string());
        (self.keys.len() - 1) as u32
    }

    /// Reads up to [`CHUNK`] families of `families`; None when there are no more.
    fn chunk(&mut self, families: &Bound<'_, pyo3::types::PyIterator>) -> PyResult<Option<Chunk>> {
        let mut chunk = Chunk::default();
        for family in families.clone().take(CHUNK) {
            let family = family?;
            let read = match family.downcast_exact::<PyDict>() {
                Ok(dict) => match self.dict(dict, &mut chunk) {
                    Ok(read) => read,
                    Err(error) => {
                        let (message, field) = unreadable(family.py(), &error);
                        Read::Unreadable(message, field)
                    }
                },
                Err(_) => match family_json(&family) {
                    Ok(json) => {
                        chunk.nested.push(json);
                        Read::Whole((chunk.nested.len() - 1) as u32)
                    }
                    Err(error) => {
                        let (message, field) = unreadable(family.py(), &error);
                        Read::Unreadable(message, field)
                    }
                },
            };
            chunk.families.push(read);
        }
        chunk.keys = self.keys.clone();
        Ok((!chunk.families.is_empty()).then_some(chunk))
    }

    /// The fields of one dict, in the chunk.
    fn dict(&mut self, dict: &Bound<'_, PyDict>, chunk: &mut Chunk) -> PyResult<Read> {
        let start = chunk.fields.len();
        for (key, value) in dict.iter() {
            let number = self.key(&key)?;
            let slot = match slot(&value, chunk) {
                Ok(slot) => slot,
                Err(error) => {
                    chunk.fields.truncate(start);
                    return Err(naming(dict.py(), error, &self.keys[number as usize]));
                }
            };
            let key = number;
            chunk.fields.push((key, slot));
        }
        Ok(Read::Fields(start as u32, chunk.fields.len() as u32))
    }
}

/// One value of a dict, as the family reader reads its JSON (`family_json`).
fn slot(value: &Bound<'_, PyAny>, chunk: &mut Chunk) -> PyResult<Slot> {
    let text = |chunk: &mut Chunk, s: &str| {
        let start = chunk.text.len() as u32;
        chunk.text.push_str(s);
        Slot::Text(start, chunk.text.len() as u32)
    };
    if let Ok(string) = value.downcast_exact::<PyString>() {
        return Ok(text(chunk, string.to_str()?));
    }
    if value.is_none() {
        return Ok(Slot::Null);
    }
    if let Ok(flag) = value.downcast_exact::<PyBool>() {
        return Ok(Slot::Bool(flag.is_true()));
    }
    if let Ok(number) = value.downcast_exact::<PyInt>()
        && let Ok(n) = number.extract::<i64>()
    {
        return Ok(Slot::Int(n));
    }
    if value.downcast::<PyDate>().is_ok() {
        return Ok(text(chunk, &iso_day(value)?));
    }
    match family_json(value)? {
        Json::String(s) => Ok(text(chunk, &s)),
        Json::Null => Ok(Slot::Null),
        json => {
            chunk.nested.push(json);
            Ok(Slot::Json((chunk.nested.len() - 1) as u32))
        }
    }
}

impl Chunk {
    fn field(&self, slot: Slot) -> Field<'_> {
        match slot {
            Slot::Null => Field::Null,
            Slot::Bool(b) => Field::Bool(b),
            Slot::Int(n) => Field::Int(n),
            Slot::Text(start, end) => Field::Text(&self.text[start as usize..end as usize]),
            Slot::Json(i) => Field::Json(&self.nested[i as usize]),
        }
    }

    /// Prices every family of the chunk, in order, on every core: by batches of
    /// 1 024 families whose results share their memory.
    fn price(
        &self,
        document: &Arc<Document>,
        dates: (Option<NaiveDate>, NaiveDate),
        justification: bool,
    ) -> Vec<PricedFamily> {
        use rayon::prelude::*;
        let d = &document.deliberation;
        let plan = tarif_core::eval::Plan::new(d);
        let tariffs: Vec<usize> = (0..d.tariffs.len()).collect();
        self.families
            .par_chunks(BATCH)
            .map(|families| {
                let mut session = Session::on(&plan);
                let mut read = FamilyRead::empty(d);
                let mut batch = Batch::new(document.clone());
                // Each family: its number in the batch, or its whole result.
                let mut outcomes: Vec<std::result::Result<u32, PricedFamily>> =
                    Vec::with_capacity(families.len());
                for family in families {
                    match family {
                        Read::Fields(start, end) => {
                            let fields = self.fields[*start as usize..*end as usize].iter().map(
                                |(key, slot)| {
                                    (self.keys[*key as usize].as_str(), self.field(*slot))
                                },
                            );
                            tarif_core::inputs::read_family_into(d, fields, &mut read);
                        }
                        Read::Whole(i) => {
                            read =
                                tarif_core::inputs::read_family_json(d, &self.nested[*i as usize]);
                        }
                        Read::Unreadable(message, field) => {
                            let refused =
                                PricedFamily::refused("E110", message.clone(), field.as_deref());
                            outcomes.push(Err(refused));
                            continue;
                        }
                    }
                    if justification || !read.family.children().is_empty() {
                        let taken = std::mem::replace(&mut read, FamilyRead::empty(d));
                        outcomes.push(Err(priced(
                            document,
                            &mut session,
                            taken,
                            dates,
                            justification,
                        )));
                    } else {
                        outcomes.push(Ok(batch.price(&mut session, &mut read, dates, &tariffs)));
                    }
                }
                let batch = Arc::new(batch);
                outcomes
                    .into_iter()
                    .map(|outcome| match outcome {
                        Ok(n) => PricedFamily {
                            value: Outcome::InBatch(batch.clone(), n),
                            lines: None,
                        },
                        Err(whole) => whole,
                    })
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect()
    }
}

/// Families priced together by `price_many` (without children nor justification):
/// what their results are made of, in shared memory; each result's JSON is written
/// when it is read.
pub(crate) struct Batch {
    document: Arc<Document>,
    families: Vec<Priced>,
    /// Every family's prices, by tariff number.
    prices: Vec<(u32, Decimal)>,
    warnings: Vec<FamilyWarning>,
    /// The ids, one after the other.
    ids: String,
}

/// One family of a [`Batch`].
struct Priced {
    id: Option<(u32, u32)>,
    date: NaiveDate,
    prices: (u32, u32),
    warnings: (u32, u32),
    /// What refused it, or one of its prices (rare).
    errors: Option<Box<Errors>>,
}

struct Errors {
    family: Vec<tarif_core::inputs::FamilyError>,
    tariffs: Vec<(usize, EvalError)>,
}

/// Families priced together share their memory by this many.
const BATCH: usize = 1024;

impl Batch {
    fn new(document: Arc<Document>) -> Batch {
        Batch {
            document,
            families: Vec::with_capacity(BATCH),
            prices: Vec::new(),
            warnings: Vec::new(),
            ids: String::new(),
        }
    }

    /// Prices the family `read` (without children), as `tarif eval` does without
    /// justification; its number in the batch.
    fn price(
        &mut self,
        session: &mut Session<'_>,
        read: &mut FamilyRead,
        (given, today): (Option<NaiveDate>, NaiveDate),
        tariffs: &[usize],
    ) -> u32 {
        let d = &self.document.deliberation;
        let date = tarif_core::eval::service_date(&read.family, given, today);
        read.at_date(d, date);
        let start = self.prices.len() as u32;
        let mut refused = Vec::new();
        // A family with errors is not priced: as `tarif eval`, no price is given.
        if read.errors.is_empty() {
            for &tariff in tariffs {
                match session.price(&read.family, date, tariff) {
                    Ok(amount) => self.prices.push((tariff as u32, amount)),
                    Err(error) => refused.push((tariff, error)),
                }
            }
        }
        let id = read.family.id.as_deref().map(|id| {
            let start = self.ids.len() as u32;
            self.ids.push_str(id);
            (start, self.ids.len() as u32)
        });
        let warned = self.warnings.len() as u32;
        self.warnings.append(&mut read.warnings);
        let errors = (!read.errors.is_empty() || !refused.is_empty()).then(|| {
            Box::new(Errors {
                family: std::mem::take(&mut read.errors),
                tariffs: refused,
            })
        });
        self.families.push(Priced {
            id,
            date,
            prices: (start, self.prices.len() as u32),
            warnings: (warned, self.warnings.len() as u32),
            errors,
        });
        (self.families.len() - 1) as u32
    }

    /// The tariffs and prices of family `n`.
    pub(crate) fn prices(
        &self,
        n: u32,
    ) -> impl Iterator<Item = (&tarif_core::rules::Tariff, Decimal)> {
        let d = &self.document.deliberation;
        let range = self
            .families
            .get(n as usize)
            .map_or(0..0, |f| f.prices.0 as usize..f.prices.1 as usize);
        self.prices[range]
            .iter()
            .filter_map(|(t, amount)| Some((d.tariffs.get(*t as usize)?, *amount)))
    }

    /// The JSON of `tarif eval --format json` (without justification) of family `n`.
    pub(crate) fn json(&self, n: u32) -> Json {
        use tarif_core::report::{messages, result};
        let d = &self.document.deliberation;
        let Some(family) = self.families.get(n as usize) else {
            return Json::Null;
        };
        let tariffs: serde_json::Map<String, Json> = self
            .prices(n)
            .map(|(tariff, amount)| {
                (
                    tariff.name.clone(),
                    json!({ "montant": format!("{amount:.2}"), "unite": tariff.unit }),
                )
            })
            .collect();
        let mut errors: Vec<Json> = Vec::new();
        if let Some(found) = &family.errors {
            errors.extend(found.family.iter().map(result::family_error_json));
            errors.extend(
                found
                    .tariffs
                    .iter()
                    .filter_map(|(t, e)| Some(result::eval_error_json(d, d.tariffs.get(*t)?, e))),
            );
        }
        let warnings: Vec<Json> = self.warnings
            [family.warnings.0 as usize..family.warnings.1 as usize]
            .iter()
            .map(|w| {
                let m = messages::family_warning(w);
                json!({ "code": m.code, "message": m.text, "champ": w.field })
            })
            .collect();
        let id = family
            .id
            .map(|(start, end)| &self.ids[start as usize..end as usize]);
        let mut value = json!({
            "id": id,
            "deliberation": {
                "numero": d.meta.number,
                "titre": d.meta.title,
                "empreinte": self.document.empreinte,
            },
            "date": family.date.format("%Y-%m-%d").to_string(),
            "tarifs": tariffs,
            "avertissements": warnings,
        });
        if !errors.is_empty() {
            value["erreurs"] = Json::Array(errors);
        }
        value
    }
}

/// Prices every family of `families` (an iterable), in order: chunks are read with
/// the GIL by this thread while the previous one is priced by another, without it.
pub(crate) fn price_many(
    py: Python<'_>,
    document: &Arc<Document>,
    families: &Bound<'_, PyAny>,
    dates: (Option<NaiveDate>, NaiveDate),
    justification: bool,
) -> PyResult<Vec<PricedFamily>> {
    let families = families.try_iter()?;
    let mut reader = Reader::new();
    let (to_price, chunks): (SyncSender<Chunk>, Receiver<Chunk>) = sync_channel(1);
    let (to_return, priced): (SyncSender<Vec<PricedFamily>>, _) = sync_channel(CHUNK);
    std::thread::scope(|scope| {
        let document = document.clone();
        scope.spawn(move || {
            for chunk in chunks {
                if to_return
                    .send(chunk.price(&document, dates, justification))
                    .is_err()
                {
                    return;
                }
            }
        });
        let mut outcome = Ok(());
        loop {
            match reader.chunk(&families) {
                Ok(Some(chunk)) => {
                    // Waits for the pricing thread without holding the GIL.
                    if py.allow_threads(|| to_price.send(chunk)).is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    outcome = Err(error);
                    break;
                }
            }
        }
        drop(to_price);
        outcome?;
        Ok(py.allow_threads(move || priced.into_iter().flatten().collect()))
    })
}
