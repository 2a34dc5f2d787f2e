//! Batches of families (`tarif batch`): each line of a CSV or JSON Lines file becomes
//! one output row, priced or with its error. This module turns one line into one row;
//! reading, parallelism and writing are the command's (`cli/batch.rs`).

use std::borrow::Cow;

use chrono::NaiveDate;
use serde_json::{Map, Value as Json, json};

use crate::document::Document;
use crate::eval::{Priced, Session};
use crate::inputs::{Columns, FamilyErrorKind, FamilyRead, read_fields_into, trimmed};
use crate::report::{messages, result};

/// How the input lines are written.
#[derive(Debug, Clone)]
pub enum Input {
    /// CSV with a header line of input names; `separator` is `;` or `,`.
    Csv {
        separator: u8,
        header: Vec<String>,
        columns: Columns,
    },
    /// One family object per line.
    JsonLines,
}

/// How the output rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `ligne`, `id`, one column per tariff, `erreur`; amounts with a decimal comma when
    /// the separator is `;` (as French spreadsheets write them).
    Csv { separator: u8 },
    /// The result object of one family per line, with the justification if asked.
    JsonLines { justification: bool },
}

impl Output {
    /// The separator of a CSV output.
    pub fn separator(self) -> Option<u8> {
        match self {
            Output::Csv { separator } => Some(separator),
            Output::JsonLines { .. } => None,
        }
    }
}

/// One output row, and whether its family was priced without error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub priced: bool,
    pub content: Content,
}

/// What an output row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Csv(Vec<String>),
    /// A family with children in CSV: one row per child.
    CsvRows(Vec<Vec<String>>),
    Json(String),
}

/// Whether the CSV output has the columns `enfant` and `rang`: the deliberation
/// declares inputs of each child, ranks the children or counts them.
pub fn child_columns(d: &crate::rules::Deliberation) -> bool {
    d.ranking.is_some()
        || !d.counts.is_empty()
        || d.inputs
            .iter()
            .any(|i| i.scope == crate::rules::Scope::Child)
}

/// The separator of a CSV header line: the most frequent of `;`, tab and `,` (in that
/// order when they tie), `,` when there is none.
pub fn separator(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|s| {
            (
                count(char::from(*s)),
                matches!(s, b';') as u8 * 2 + matches!(s, b'\t') as u8,
            )
        })
        .filter(|s| count(char::from(*s)) > 0)
        .unwrap_or(b',')
}

/// The input of a CSV file with this header line.
pub fn csv_input(d: &crate::rules::Deliberation, header_line: &str) -> Option<Input> {
    let separator = separator(header_line);
    let header: Vec<String> = fields(header_line, separator)
        .filter(|h| !h.is_empty())?
        .into_iter()
        .map(Cow::into_owned)
        .collect();
    let columns = crate::inputs::columns(d, &header);
    Some(Input::Csv {
        separator,
        header,
        columns,
    })
}

/// The fields of one CSV line (quotes handled), trimmed; `None` if it cannot be read.
pub fn fields(line: &str, separator: u8) -> Option<Vec<Cow<'_, str>>> {
    if !separator.is_ascii() {
        return quoted_fields(line, separator);
    }
    // Without quotes, cut at each separator in one pass over the bytes (an ASCII
    // separator is never inside a character written on several bytes).
    let mut unquoted = Vec::with_capacity(8);
    let mut start = 0;
    for (i, byte) in line.bytes().enumerate() {
        if byte == separator {
            unquoted.push(Cow::Borrowed(trimmed(line.get(start..i)?)));
            start = i + 1;
        } else if byte == b'"' {
            return quoted_fields(line, separator);
        }
    }
    unquoted.push(Cow::Borrowed(trimmed(line.get(start..)?)));
    Some(unquoted)
}

/// [`fields`] of a line with quotes, by the `csv` reader.
fn quoted_fields(line: &str, separator: u8) -> Option<Vec<Cow<'_, str>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(separator)
        .flexible(true)
        .from_reader(line.as_bytes());
    let record = reader.records().next()?.ok()?;
    Some(
        record
            .iter()
            .map(|f| Cow::Owned(f.trim().to_string()))
            .collect(),
    )
}

/// The header row of the CSV output.
pub fn csv_header(document: &Document, tariffs: &[usize]) -> Vec<String> {
    let d = &document.deliberation;
    let mut header = vec!["ligne".to_string(), "id".to_string()];
    if child_columns(d) {
        header.push("enfant".to_string());
        header.push("rang".to_string());
    }
    header.extend(
        tariffs
            .iter()
            .filter_map(|t| d.tariffs.get(*t))
            .map(|t| t.name.clone()),
    );
    header.push("erreur".to_string());
    header
}

/// Why a record is not a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    Empty,
    NotJson,
    /// A quote never closed (the record reader found it).
    NotCsv,
    Columns {
        expected: usize,
        found: usize,
    },
    /// Bytes that are not text in the file's encoding.
    NotText,
}

/// The code and French text of a line that is not a family.
pub fn line_error_text(error: LineError) -> (&'static str, String) {
    match error {
        LineError::Empty => ("E120", "ligne vide".to_string()),
        LineError::NotJson => (
            "E121",
            "la ligne n'est pas un objet JSON lisible".to_string(),
        ),
        LineError::NotCsv => (
            "E122",
            "la ligne n'est pas du CSV lisible (guillemet non fermé ?)".to_string(),
        ),
        LineError::Columns { expected, found } => (
            "E123",
            format!("la ligne a {found} colonne(s) au lieu des {expected} de l'en-tête"),
        ),
        LineError::NotText => (
            "E124",
            "la ligne n'est pas du texte UTF-8 (fichier enregistré par Excel ? \
             essayez --encodage windows-1252)"
                .to_string(),
        ),
    }
}

/// The text of the column (CSV) or key (JSON Lines) `name` of a line, if given.
pub fn column(input: &Input, text: &str, name: &str) -> Option<String> {
    match input {
        Input::Csv {
            separator, header, ..
        } => {
            let index = header.iter().position(|h| h.trim() == name)?;
            let values = fields(text, *separator)?;
            let value = values.get(index)?.trim().to_string();
            (!value.is_empty()).then_some(value)
        }
        Input::JsonLines => {
            let (json, _) = crate::inputs::parse_family(text).ok()?;
            match json.get(name)? {
                Json::String(s) => Some(s.clone()),
                Json::Null => None,
                other => Some(other.to_string()),
            }
        }
    }
}

/// The family of one line.
pub fn family(
    d: &crate::rules::Deliberation,
    input: &Input,
    text: &str,
) -> Result<FamilyRead, LineError> {
    read_line(d, input, text, true)
}

/// [`family`], with the warnings of a CSV line's fields only when `warn`.
fn read_line(
    d: &crate::rules::Deliberation,
    input: &Input,
    text: &str,
    warn: bool,
) -> Result<FamilyRead, LineError> {
    match input {
        Input::JsonLines => {
            if text.trim().is_empty() {
                return Err(LineError::Empty);
            }
            // Read in place; a line that is no JSON object is the line's error.
            let read = crate::inputs::read_family(d, text);
            let not_json = read.errors.iter().any(|e| {
                matches!(
                    e.kind,
                    FamilyErrorKind::NotJson { .. } | FamilyErrorKind::NotAnObject
                )
            });
            if not_json {
                return Err(LineError::NotJson);
            }
            Ok(read)
        }
        Input::Csv { .. } => {
            let mut read = FamilyRead::new(crate::eval::Family::new(d));
            csv_line_into(d, input, text, warn, &mut read)?;
            Ok(read)
        }
    }
}

/// A CSV line read into `read`, whose memory is reused (see [`read_fields_into`]).
fn csv_line_into(
    d: &crate::rules::Deliberation,
    input: &Input,
    text: &str,
    warn: bool,
    read: &mut FamilyRead,
) -> Result<(), LineError> {
    let Input::Csv {
        separator,
        header,
        columns,
    } = input
    else {
        return Err(LineError::NotCsv);
    };
    if text.trim().is_empty() {
        return Err(LineError::Empty);
    }
    let values = fields(text, *separator).ok_or(LineError::NotCsv)?;
    if values.len() != header.len() {
        return Err(LineError::Columns {
            expected: header.len(),
            found: values.len(),
        });
    }
    read_fields_into(d, columns, header, &values, warn, read);
    if warn {
        read.warnings.extend(columns.warnings.iter().cloned());
    }
    Ok(())
}

/// The output row of input line number `line`, priced with `session` (a session of the
/// document's deliberation, reused from line to line).
#[allow(clippy::too_many_arguments)]
pub fn row(
    document: &Document,
    session: &mut Session<'_>,
    input: &Input,
    output: Output,
    tariffs: &[usize],
    default_date: NaiveDate,
    line: usize,
    text: &str,
) -> Row {
    let d = &document.deliberation;
    let mut read = match family(d, input, text) {
        Ok(read) => read,
        Err(error) => {
            let id = record_id(input, text);
            return error_row(document, output, tariffs, line, id, error);
        }
    };
    let date = read.family.date.unwrap_or(default_date);
    read.at_date(d, date);
    let justify = matches!(
        output,
        Output::JsonLines {
            justification: true
        }
    );
    if read.errors.is_empty() && !read.family.children().is_empty() {
        return children_row(document, session, output, tariffs, line, &read, date);
    }
    let priced: Vec<Priced> = read.price_in(session, date, tariffs, justify);
    let is_priced = read.errors.is_empty() && priced.iter().all(|p| p.result.is_ok());
    let content = match output {
        Output::JsonLines { .. } => {
            let mut object = Map::new();
            object.insert("ligne".to_string(), json!(line));
            if let Json::Object(result) = result::to_json(document, &read, date, &priced) {
                object.extend(result);
            }
            Content::Json(Json::Object(object).to_string())
        }
        Output::Csv { separator } => {
            // Room for every column: the row is not grown field by field.
            let mut fields = Vec::with_capacity(tariffs.len() + 5);
            fields.push(line.to_string());
            fields.push(read.family.id.clone().unwrap_or_default());
            if child_columns(d) {
                fields.push(String::new());
                // A family priced without its children is one child, of rank 1.
                fields.push(if d.ranking.is_some() { "1" } else { "" }.to_string());
            }
            csv_prices(d, &read, tariffs, &priced, separator, line, &mut fields);
            Content::Csv(fields)
        }
    };
    Row {
        priced: is_priced,
        content,
    }
}

/// The memory [`csv_row`] reuses from row to row.
#[derive(Debug, Default)]
pub struct CsvScratch {
    prices: Vec<rust_decimal::Decimal>,
    text: String,
    /// The family of the last CSV row, its values and id written over by the next.
    read: Option<FamilyRead>,
}

/// The CSV row of a family priced without any error, given field by field to
/// `field` (the same fields as [`row`] gives, without building them as `String`s):
/// a batch's usual row. `None`, with nothing given, for any other row (unreadable,
/// with an error, with children): [`row`] then gives it.
#[allow(clippy::too_many_arguments)]
pub fn csv_row(
    document: &Document,
    session: &mut Session<'_>,
    input: &Input,
    separator: u8,
    tariffs: &[usize],
    default_date: NaiveDate,
    line: usize,
    text: &str,
    scratch: &mut CsvScratch,
    field: &mut dyn FnMut(&str),
) -> Option<()> {
    let d = &document.deliberation;
    // The CSV output shows no warning: none is written.
    let mut owned;
    let read = match input {
        // A CSV line is read into the worker's family; a line in error is `row`'s.
        Input::Csv { .. } => {
            let read = scratch
                .read
                .get_or_insert_with(|| FamilyRead::new(crate::eval::Family::new(d)));
            csv_line_into(d, input, text, false, read).ok()?;
            read
        }
        Input::JsonLines => {
            owned = read_line(d, input, text, false).ok()?;
            &mut owned
        }
    };
    let date = read.family.date.unwrap_or(default_date);
    read.at_date(d, date);
    if !read.errors.is_empty() || !read.family.children().is_empty() {
        return None;
    }
    scratch.prices.clear();
    for &tariff in tariffs {
        scratch
            .prices
            .push(session.price(&read.family, date, tariff).ok()?);
    }
    let number = &mut scratch.text;
    field(itoa::Buffer::new().format(line));
    field(read.family.id.as_deref().unwrap_or(""));
    if child_columns(d) {
        field("");
        // A family priced without its children is one child, of rank 1.
        field(if d.ranking.is_some() { "1" } else { "" });
    }
    for amount in &scratch.prices {
        number.clear();
        write_price(number, *amount, separator == b';');
        field(number);
    }
    field("");
    Some(())
}

/// The prices of one row in CSV, then its errors (the family's and the tariffs').
fn csv_prices(
    d: &crate::rules::Deliberation,
    read: &FamilyRead,
    tariffs: &[usize],
    priced: &[Priced],
    separator: u8,
    line: usize,
    fields: &mut Vec<String>,
) {
    let comma = separator == b';';
    let mut errors: Vec<String> = read
        .errors
        .iter()
        .map(|e| {
            let m = messages::family_error(e);
            format!("{} {}", m.code, m.text)
        })
        .collect();
    for t in tariffs {
        match priced.iter().find(|p| p.tariff == *t).map(|p| &p.result) {
            Some(Ok(amount)) => fields.push(price_text(*amount, comma)),
            Some(Err(e)) => {
                let m = messages::eval_error(e);
                let name = d.tariffs.get(*t).map_or("", |x| x.name.as_str());
                errors.push(format!("{} {name} : {}", m.code, m.text));
                fields.push(String::new());
            }
            None => fields.push(String::new()),
        }
    }
    let error = if errors.is_empty() {
        String::new()
    } else {
        format!("ligne {line} : {}", errors.join(" ; "))
    };
    fields.push(error);
}

/// A price to the cent, with a decimal comma when `comma`: one allocation.
fn price_text(amount: rust_decimal::Decimal, comma: bool) -> String {
    let mut text = String::with_capacity(12);
    write_price(&mut text, amount, comma);
    text
}

/// Writes a price to the cent (`2.29`, or `2,29` when `comma`) after `text`: a price
/// in cents is written as two integers (faster than `Decimal`'s formatting, which
/// writes anything else).
fn write_price(text: &mut String, amount: rust_decimal::Decimal, comma: bool) {
    use std::fmt::Write;
    let separator = if comma { ',' } else { '.' };
    let mut cents = amount;
    cents.rescale(2);
    if amount.scale() <= 2
        && cents.scale() == 2
        && let Ok(m) = u64::try_from(cents.mantissa().unsigned_abs())
    {
        if amount.is_sign_negative() {
            text.push('-');
        }
        text.push_str(itoa::Buffer::new().format(m / 100));
        text.push(separator);
        let part = (m % 100) as u8;
        text.push(char::from(b'0' + part / 10));
        text.push(char::from(b'0' + part % 10));
        return;
    }
    let start = text.len();
    let _ = write!(text, "{amount:.2}");
    if comma && let Some(point) = text[start..].find('.') {
        text.replace_range(start + point..=start + point, ",");
    }
}

/// The output of a family with children: one JSON line for the family, or one CSV
/// row per child (with the family's id and the child's).
fn children_row(
    document: &Document,
    session: &mut Session<'_>,
    output: Output,
    tariffs: &[usize],
    line: usize,
    read: &FamilyRead,
    date: NaiveDate,
) -> Row {
    let d = &document.deliberation;
    let justify = matches!(
        output,
        Output::JsonLines {
            justification: true
        }
    );
    let children = crate::eval::price_children_with(session, &read.family, date, tariffs, justify);
    let is_priced = children
        .iter()
        .all(|c| c.priced.iter().all(|p| p.result.is_ok()));
    let content = match output {
        Output::JsonLines { .. } => {
            let mut object = Map::new();
            object.insert("ligne".to_string(), json!(line));
            if let Json::Object(result) = result::children_to_json(document, read, date, &children)
            {
                object.extend(result);
            }
            Content::Json(Json::Object(object).to_string())
        }
        Output::Csv { separator } => Content::CsvRows(
            children
                .iter()
                .map(|child| {
                    let id = read
                        .family
                        .children()
                        .get(child.child)
                        .and_then(|c| c.id.clone())
                        .unwrap_or_else(|| (child.child + 1).to_string());
                    let mut fields =
                        vec![line.to_string(), read.family.id.clone().unwrap_or_default()];
                    // The header has these columns only for such deliberations.
                    if child_columns(d) {
                        fields.push(id);
                        fields.push(child.rank.map_or(String::new(), |r| r.to_string()));
                    }
                    csv_prices(
                        d,
                        read,
                        tariffs,
                        &child.priced,
                        separator,
                        line,
                        &mut fields,
                    );
                    fields
                })
                .collect(),
        ),
    };
    Row {
        priced: is_priced,
        content,
    }
}

/// The id of a record that is not a family, when it can still be read (the portal
/// matches rows by it): the `id` field of a CSV record, or of a JSON object.
fn record_id(input: &Input, text: &str) -> Option<String> {
    match input {
        Input::Csv {
            separator, columns, ..
        } => {
            let values = fields(text, *separator)?;
            let id = values.get(columns.id()?)?;
            (!id.is_empty()).then(|| id.to_string())
        }
        Input::JsonLines => {
            let json: Json = serde_json::from_str(text).ok()?;
            match json.get("id")? {
                Json::String(s) => Some(s.clone()),
                Json::Null => None,
                other => Some(other.to_string()),
            }
        }
    }
}

/// The row of a record that could not be read as a family.
pub fn error_row(
    document: &Document,
    output: Output,
    tariffs: &[usize],
    line: usize,
    id: Option<String>,
    error: LineError,
) -> Row {
    let (code, text) = line_error_text(error);
    let content = match output {
        Output::JsonLines { .. } => {
            let d = &document.deliberation;
            let object = json!({
                "ligne": line,
                "id": id,
                "deliberation": { "numero": d.meta.number, "titre": d.meta.title, "empreinte": document.empreinte },
                "date": null,
                "tarifs": {},
                "avertissements": [],
                "erreurs": [ { "code": code, "message": text } ],
            });
            Content::Json(object.to_string())
        }
        Output::Csv { .. } => {
            let mut fields = vec![line.to_string(), id.unwrap_or_default()];
            if child_columns(&document.deliberation) {
                fields.extend([String::new(), String::new()]);
            }
            fields.extend(tariffs.iter().map(|_| String::new()));
            fields.push(format!("ligne {line} : {code} {text}"));
            Content::Csv(fields)
        }
    };
    Row {
        priced: false,
        content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_cut_at_the_separator_and_trimmed() {
        let cut = |line: &str, separator: u8| -> Option<Vec<String>> {
            fields(line, separator).map(|f| f.into_iter().map(Cow::into_owned).collect())
        };
        assert_eq!(cut("a; b ;c", b';').expect("read"), ["a", "b", "c"]);
        assert_eq!(cut("é;ü\u{a0};", b';').expect("read"), ["é", "ü", ""]);
        assert_eq!(cut("", b';').expect("read"), [""]);
        assert_eq!(
            cut("F1,\"1 500,50\",oui", b',').expect("read"),
            ["F1", "1 500,50", "oui"]
        );
        assert_eq!(cut("x;\"y;z\"", b';').expect("read"), ["x", "y;z"]);
        assert_eq!(cut("a\tb", b'\t').expect("read"), ["a", "b"]);
    }

    #[test]
    fn prices_are_written_as_decimal_formats_them() {
        use rust_decimal::Decimal;
        let values = [
            "0",
            "-0",
            "2.29",
            "2.2",
            "2",
            "0.05",
            "-0.05",
            "-3.10",
            "1234567.89",
            "12.345",
            "0.005",
            "1.500",
            "79228162514264337593543950335",
            "-7922816251426433759354395033.5",
        ];
        for v in values {
            let amount: Decimal = v.parse().expect("decimal");
            for comma in [false, true] {
                let expected = format!("{amount:.2}");
                let expected = if comma {
                    expected.replace('.', ",")
                } else {
                    expected
                };
                assert_eq!(price_text(amount, comma), expected, "{v}");
            }
        }
    }
}
