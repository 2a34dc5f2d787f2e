//! The invoices of every family of a month at once: the families as `tarif batch`
//! reads them (JSON Lines, or CSV with a header of inputs and an `id` column), the
//! days of all of them in one file with a `famille` column. One output per family,
//! in the order of the families, plus one for each family the days name and the file
//! of families does not: nothing is lost.

use std::collections::HashMap;

use rayon::prelude::*;

use super::days::{Day, DayError, DaysRead};
use super::invoice::{Invoice, Month, Problem, invoice_justified};
use crate::inputs::FamilyRead;
use crate::rules::Deliberation;

/// One output of a batch.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A family invoiced (its invoice may carry problems, then no total).
    Invoice { line: usize, invoice: Invoice },
    /// A line of the families that is no family, or a family given twice.
    Refused {
        line: usize,
        family: Option<String>,
        code: &'static str,
        message: String,
    },
    /// Days of a family the file of families does not give (or of no family).
    Orphans {
        family: Option<String>,
        lines: Vec<usize>,
    },
    /// A row of the days that cannot be read (so its family is not known).
    Day(super::days::DayError),
}

/// A family to invoice (with the key of its id), or its output already.
type Work = Result<(FamilyRead, String), Outcome>;

/// A line of the file of families, read.
pub struct FamilyLine {
    pub line: usize,
    pub read: Result<FamilyRead, (&'static str, String)>,
}

/// Reads a file of families: JSON Lines when it starts with `{`, else CSV.
pub fn read_families(d: &Deliberation, text: &str) -> Vec<FamilyLine> {
    let text = text.trim_start_matches('\u{feff}');
    let json = text.trim_start().starts_with('{');
    let mut records =
        crate::inputs::records::Records::new(std::io::Cursor::new(text.as_bytes()), !json);
    let mut input = json.then_some(crate::batch::Input::JsonLines);
    let mut out = Vec::new();
    let mut record = String::new();
    loop {
        record.clear();
        let line = match records.next_into(&mut record) {
            crate::inputs::records::Next::Record { line } => line,
            crate::inputs::records::Next::End => break,
            crate::inputs::records::Next::Unclosed { line }
            | crate::inputs::records::Next::NotText { line }
            | crate::inputs::records::Next::TooLong { line } => {
                let (code, message) =
                    crate::batch::line_error_text(crate::batch::LineError::NotCsv);
                out.push(FamilyLine {
                    line,
                    read: Err((code, message)),
                });
                continue;
            }
        };
        if record.trim().is_empty() {
            continue;
        }
        let Some(format) = &input else {
            input = crate::batch::csv_input(d, &record);
            continue;
        };
        let read = crate::batch::family(d, format, &record).map_err(crate::batch::line_error_text);
        out.push(FamilyLine { line, read });
    }
    out
}

/// The invoices of `families` for `month`, each from its days (`famille` of a day is
/// the family's `id`), priced on every core; in the order of the families.
pub fn invoices(
    d: &Deliberation,
    families: Vec<FamilyLine>,
    days: &DaysRead,
    month: Month,
    justify: bool,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    let days = std::slice::from_ref(days);
    invoices_streamed(d, families, days, month, justify, |o| o, |o| out.push(o));
    out
}

/// The families invoiced at once, on every core, before the next ones.
const CHUNK: usize = 512;

/// [`invoices`] of the days read in pieces ([`super::days::read_pieces`]), each
/// outcome handed to `each` on the core that made it (a batch renders it there and
/// drops the invoice at once), and each result to `sink` in the order of the families
/// (then of the days no family takes), a chunk of families at a time: `sink` writes one
/// chunk while the next is invoiced, no more than two held.
pub fn invoices_streamed<T: Send>(
    d: &Deliberation,
    families: Vec<FamilyLine>,
    days: &[DaysRead],
    month: Month,
    justify: bool,
    each: impl Fn(Outcome) -> T + Sync,
    mut sink: impl FnMut(T) + Send,
) {
    let key = |id: &str| crate::syntax::choice_key(id);
    // The days by the family's id as written, then merged by the id without case nor
    // accents (`F-1` and `f-1` are one family); most files write it one way.
    let mut written: HashMap<&str, Vec<&Day>> = HashMap::new();
    let mut without_family = Vec::new();
    for day in days.iter().flat_map(|piece| &piece.days) {
        match &day.family {
            Some(id) => written.entry(id.as_str()).or_default().push(day),
            None => without_family.push(day.line),
        }
    }
    let mut by_family: HashMap<String, Vec<&Day>> = HashMap::with_capacity(written.len());
    for (id, days) in written {
        by_family.entry(key(id)).or_default().extend(days);
    }
    // Each family once: a second line with the same id is refused.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut work: Vec<(usize, Work)> = Vec::new();
    for family in families {
        let outcome = match family.read {
            Err((code, message)) => Err(Outcome::Refused {
                line: family.line,
                family: None,
                code,
                message,
            }),
            Ok(read) => match read.family.id.clone() {
                None => Err(Outcome::Refused {
                    line: family.line,
                    family: None,
                    code: "E156",
                    message: "la famille n'a pas d'identifiant (« id ») : ses jours ne peuvent pas lui être rattachés".to_string(),
                }),
                Some(id) => match seen.get(&key(&id)) {
                    Some(first) => Err(Outcome::Refused {
                        line: family.line,
                        family: Some(id),
                        code: "E157",
                        message: format!("cette famille est déjà donnée (ligne {first})"),
                    }),
                    None => {
                        seen.insert(key(&id), family.line);
                        Ok((read, key(&id)))
                    }
                },
            },
        };
        work.push((family.line, outcome));
    }
    // A refused row of a family of the file is a problem of its invoice (no total: the
    // invoice would be short of that day), as for one family; the others are output
    // after the invoices.
    let family_of_row: HashMap<usize, &str> = days
        .iter()
        .flat_map(|piece| &piece.refused_families)
        .map(|(row, family)| (*row, family.as_str()))
        .collect();
    let mut errors_of: HashMap<String, Vec<&DayError>> = HashMap::new();
    let mut loose_errors = Vec::new();
    for error in days.iter().flat_map(|piece| &piece.errors) {
        match family_of_row.get(&error.line).map(|f| key(f)) {
            Some(id) if seen.contains_key(&id) => errors_of.entry(id).or_default().push(error),
            _ => loose_errors.push(error),
        }
    }
    let plan = crate::eval::Plan::new(d);
    let make = |(line, outcome): (usize, Work)| match outcome {
        Err(refused) => each(refused),
        Ok((read, id)) => {
            let days: &[&Day] = by_family.get(&id).map_or(&[], Vec::as_slice);
            let mut invoice = invoice_justified(&plan, &read, days, month, justify);
            invoice.family = read.family.id.clone();
            if let Some(errors) = errors_of.get(&id) {
                let mut problems: Vec<Problem> =
                    errors.iter().map(|e| Problem::Day((*e).clone())).collect();
                problems.append(&mut invoice.problems);
                invoice.problems = problems;
                invoice.total = None;
            }
            each(Outcome::Invoice { line, invoice })
        }
    };
    let mut work = work.into_iter();
    let mut done: Vec<T> = Vec::new();
    loop {
        let chunk: Vec<(usize, Work)> = work.by_ref().take(CHUNK).collect();
        if chunk.is_empty() && done.is_empty() {
            break;
        }
        let (next, ()) = rayon::join(
            || {
                chunk
                    .into_par_iter()
                    .with_min_len(64)
                    .map(&make)
                    .collect::<Vec<T>>()
            },
            || done.drain(..).for_each(&mut sink),
        );
        done = next;
    }
    // The days of families the file does not give.
    let mut orphans: Vec<(&String, Vec<usize>)> = by_family
        .iter()
        .filter(|(id, _)| !seen.contains_key(*id))
        .map(|(id, days)| (id, days.iter().map(|d| d.line).collect()))
        .collect();
    orphans.sort_by_key(|(_, lines)| lines.first().copied());
    for (id, lines) in orphans {
        let family = by_family
            .get(id)
            .and_then(|days| days.first())
            .and_then(|d| d.family.clone());
        sink(each(Outcome::Orphans { family, lines }));
    }
    for error in loose_errors {
        sink(each(Outcome::Day(error.clone())));
    }
    if !without_family.is_empty() {
        sink(each(Outcome::Orphans {
            family: None,
            lines: without_family,
        }));
    }
}
