//! Batches of families (`tarif batch`): each line of a CSV or JSON Lines file becomes
//! one output row, priced or with its error. This module turns one line into one row;
//! reading, parallelism and writing are the command's (`cli/batch.rs`).

use std::borrow::Cow;

use chrono::NaiveDate;
use serde_json::{Map, Value as Json, json};

use crate::document::Document;
use crate::eval::{Priced, Session};
use crate::inputs::{Columns, FamilyRead, dated_warnings, read_family_fields, read_family_json};
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
    Json(String),
}

/// The separator of a CSV header line: `;` when it has more of them than `,`.
pub fn separator(header: &str) -> u8 {
    let semicolons = header.matches(';').count();
    let commas = header.matches(',').count();
    if semicolons >= commas && semicolons > 0 {
        b';'
    } else {
        b','
    }
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
    if !line.contains('"') {
        let separator = char::from(separator);
        return Some(
            line.split(separator)
                .map(|f| Cow::Borrowed(f.trim()))
                .collect(),
        );
    }
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
    header.extend(
        tariffs
            .iter()
            .filter_map(|t| d.tariffs.get(*t))
            .map(|t| t.name.clone()),
    );
    header.push("erreur".to_string());
    header
}

/// Why a line is not a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineError {
    Empty,
    NotJson,
    NotCsv,
    Columns { expected: usize, found: usize },
}

fn line_error_text(error: LineError) -> (&'static str, String) {
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
    }
}

/// The family of one line.
fn family(
    d: &crate::rules::Deliberation,
    input: &Input,
    text: &str,
) -> Result<FamilyRead, LineError> {
    if text.trim().is_empty() {
        return Err(LineError::Empty);
    }
    match input {
        Input::JsonLines => serde_json::from_str::<Json>(text)
            .ok()
            .filter(Json::is_object)
            .map(|json| read_family_json(d, &json))
            .ok_or(LineError::NotJson),
        Input::Csv {
            separator,
            header,
            columns,
        } => {
            let values = fields(text, *separator).ok_or(LineError::NotCsv)?;
            if values.len() != header.len() {
                return Err(LineError::Columns {
                    expected: header.len(),
                    found: values.len(),
                });
            }
            Ok(read_family_fields(d, columns, header, &values))
        }
    }
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
        Err(error) => return error_row(document, output, tariffs, line, error),
    };
    let date = read.family.date.unwrap_or(default_date);
    read.warnings.extend(dated_warnings(&read.family, date));
    let justify = matches!(
        output,
        Output::JsonLines {
            justification: true
        }
    );
    let priced: Vec<Priced> = if read.errors.is_empty() {
        tariffs
            .iter()
            .map(|&tariff| {
                if justify {
                    let (result, justification) = session.justify(&read.family, date, tariff);
                    Priced {
                        tariff,
                        result,
                        justification: Some(justification),
                    }
                } else {
                    let result = session.price(&read.family, date, tariff);
                    Priced {
                        tariff,
                        result,
                        justification: None,
                    }
                }
            })
            .collect()
    } else {
        Vec::new()
    };
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
            let comma = separator == b';';
            let mut fields = vec![line.to_string(), read.family.id.clone().unwrap_or_default()];
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
                    Some(Ok(amount)) => {
                        let text = format!("{amount:.2}");
                        fields.push(if comma { text.replace('.', ",") } else { text });
                    }
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
            Content::Csv(fields)
        }
    };
    Row {
        priced: is_priced,
        content,
    }
}

fn error_row(
    document: &Document,
    output: Output,
    tariffs: &[usize],
    line: usize,
    error: LineError,
) -> Row {
    let (code, text) = line_error_text(error);
    let content = match output {
        Output::JsonLines { .. } => {
            let d = &document.deliberation;
            let object = json!({
                "ligne": line,
                "id": null,
                "deliberation": { "numero": d.meta.number, "titre": d.meta.title, "empreinte": document.empreinte },
                "date": null,
                "tarifs": {},
                "avertissements": [],
                "erreurs": [ { "code": code, "message": text } ],
            });
            Content::Json(object.to_string())
        }
        Output::Csv { .. } => {
            let mut fields = vec![line.to_string(), String::new()];
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
