//! The header of a CSV file of families, resolved once for a whole batch, and the
//! family of each of its rows.

use super::family::{FamilyRead, FamilyWarning, FamilyWarningKind};
use super::values::{convert_text, date_error, parse_date};
use crate::eval::Family;
use crate::rules::Deliberation;
use crate::syntax::lines::fold;

/// The meaning of each column of a CSV header, resolved once for a whole batch.
#[derive(Debug, Clone)]
pub struct Columns {
    kinds: Vec<ColumnKind>,
    /// Columns that name no input and look like none (ignored: `nom`, `classe`).
    pub warnings: Vec<FamilyWarning>,
    /// What makes the header unusable: a file priced with it could get wrong prices
    /// in silence.
    pub problems: Vec<HeaderProblem>,
}

/// Why a CSV header is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// Two columns for one input (`résidence` twice, or `Résidence` and `residence`).
    Duplicate { first: String, second: String },
    /// A column that names no input but looks like one (`reserve_a_temp`, or a name
    /// garbled by a wrong encoding): its values would be dropped.
    Misspelt { column: String, suggestion: String },
    /// No column names an input (a wrong separator or encoding).
    NoInput,
}

impl Columns {
    /// The index of the `id` column, if any.
    pub fn id(&self) -> Option<usize> {
        self.kinds.iter().position(|k| *k == ColumnKind::Id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Id,
    Date,
    Input(usize),
    Ignored,
}

/// Whether a column header is an input's label as an office writes it: its
/// « libellé », the name the pages give it (« Quotient familial (CAF ou MSA) »), and for
/// the CAF's quotient « QF » or « Quotient familial » (case, accents, `_` and spaces
/// aside).
fn is_label_of(input: &crate::rules::Input, header: &str) -> bool {
    use crate::syntax::choice_key;
    let wanted = choice_key(header);
    let quotient = input.certified == Some(crate::rules::CertifiedSource::CafQuotient)
        && matches!(
            wanted.as_str(),
            "qf" | "quotient familial" | "quotient caf" | "qf caf"
        );
    quotient
        || input
            .label
            .as_deref()
            .is_some_and(|l| choice_key(l) == wanted)
        || choice_key(&crate::report::family::input_label(input)) == wanted
}

/// Whether a column header names the family's reference, as offices write it: `id`,
/// `Identifiant`, `N° famille`, `Numéro`, `Référence`, `N° dossier` (folded).
fn is_id_header(folded: &str) -> bool {
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "de" | "du" | "la" | "n" | "no"))
        .collect();
    match words.as_slice() {
        [] => folded.trim() == "n°",
        [only] => matches!(
            *only,
            "id" | "identifiant" | "numero" | "reference" | "ref" | "famille" | "dossier"
        ),
        [first, second] => {
            matches!(
                *first,
                "numero" | "reference" | "ref" | "id" | "identifiant"
            ) && matches!(*second, "famille" | "dossier" | "foyer")
        }
        _ => false,
    }
}

/// Resolves the columns of a CSV header (names of inputs, accents optional, `id` or
/// its French names, `date`).
pub fn columns(d: &Deliberation, header: &[String]) -> Columns {
    let mut warnings = Vec::new();
    let mut problems = Vec::new();
    let kinds: Vec<ColumnKind> = header
        .iter()
        .map(|key| {
            let folded = fold(key);
            match folded.as_str() {
                _ if is_id_header(&folded) && !d.inputs.iter().any(|i| fold(&i.name) == folded) => {
                    return ColumnKind::Id;
                }
                "date" => return ColumnKind::Date,
                _ => {}
            }
            let found = d
                .inputs
                .iter()
                .position(|i| i.name == *key)
                .or_else(|| d.inputs.iter().position(|i| fold(&i.name) == folded))
                .or_else(|| d.inputs.iter().position(|i| is_label_of(i, key)));
            match found {
                Some(index) => ColumnKind::Input(index),
                None => {
                    let names = d.inputs.iter().map(|i| i.name.as_str());
                    match crate::check::closest(key, names) {
                        Some(suggestion) => problems.push(HeaderProblem::Misspelt {
                            column: key.clone(),
                            suggestion,
                        }),
                        None => warnings.push(FamilyWarning {
                            field: key.clone(),
                            kind: FamilyWarningKind::UnknownKey { suggestion: None },
                        }),
                    }
                    ColumnKind::Ignored
                }
            }
        })
        .collect();
    for (i, kind) in kinds.iter().enumerate() {
        if *kind == ColumnKind::Ignored {
            continue;
        }
        if let Some(first) = kinds[..i].iter().position(|k| k == kind) {
            problems.push(HeaderProblem::Duplicate {
                first: header.get(first).cloned().unwrap_or_default(),
                second: header.get(i).cloned().unwrap_or_default(),
            });
        }
    }
    if !kinds.iter().any(|k| matches!(k, ColumnKind::Input(_))) && !d.inputs.is_empty() {
        problems.push(HeaderProblem::NoInput);
    }
    Columns {
        kinds,
        warnings,
        problems,
    }
}

/// Reads one CSV row whose columns are `columns`; empty fields are not given.
pub fn read_family_fields(
    d: &Deliberation,
    columns: &Columns,
    header: &[String],
    fields: &[std::borrow::Cow<'_, str>],
) -> FamilyRead {
    let mut read = FamilyRead::new(Family::new(d));
    read_fields_into(d, columns, header, fields, true, &mut read);
    read
}

/// [`read_family_fields`] into `read`, whose memory (values, id, errors) is reused
/// from row to row: what the previous row gave is forgotten. With the warnings of the
/// fields only when `warn` (an output that shows none, a batch's CSV, does not pay for
/// them).
pub(crate) fn read_fields_into(
    d: &Deliberation,
    columns: &Columns,
    header: &[String],
    fields: &[std::borrow::Cow<'_, str>],
    warn: bool,
    read: &mut FamilyRead,
) {
    let mut spare_id = read.family.clear(d);
    read.errors.clear();
    read.warnings.clear();
    for ((kind, name), field) in columns.kinds.iter().zip(header).zip(fields) {
        if field.is_empty() {
            continue;
        }
        match kind {
            ColumnKind::Id => {
                let mut id = spare_id.take().unwrap_or_default();
                id.clear();
                id.push_str(field);
                read.family.id = Some(id);
            }
            ColumnKind::Date => match parse_date(field) {
                Some(date) => read.family.date = Some(date),
                None => read.error(name, date_error(field)),
            },
            ColumnKind::Input(index) => {
                let Some(input) = d.inputs.get(*index) else {
                    continue;
                };
                match convert_text(d, &input.ty, input.whole, field) {
                    Ok(value) if warn => read.declared(d, *index, name, value),
                    Ok(value) => {
                        read.declared_quietly(d, *index, value);
                    }
                    Err(kind) => read.error(name, kind),
                }
            }
            ColumnKind::Ignored => {}
        }
    }
    read.declared_limits(d);
}
