//! The invoices of every family of a month at once: the families as `tarif batch`
//! reads them (JSON Lines, or CSV with a header of inputs and an `id` column), the
//! days of all of them in one file with a `famille` column. One output per family,
//! in the order of the families, plus one for each family the days name and the file
//! of families does not: nothing is lost.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rayon::prelude::*;

use super::days::{Day, DayError};
use super::invoice::{Invoice, Month, invoice_justified};
use super::rows::{MonthDays, Row};
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

/// The days of a family: read, or rows of a CSV read when it is invoiced.
enum Group<'a> {
    Days(Vec<&'a Day>),
    /// The family's rows in the file's index (several lists when it is written
    /// several ways), borrowed rather than copied.
    Rows(Vec<&'a [Row]>),
}

impl<'a> Group<'a> {
    /// The days of the same family written otherwise (`F-1`, `f-1`) added; a file
    /// gives days of one kind only.
    fn extend(&mut self, other: Group<'a>) {
        match (self, other) {
            (Group::Days(all), Group::Days(more)) => all.extend(more),
            (Group::Rows(all), Group::Rows(more)) => all.extend(more),
            _ => {}
        }
    }
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
    days: &MonthDays<'_>,
    month: Month,
    justify: bool,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    invoices_streamed(d, families, days, month, justify, |o| o, |o| out.push(o));
    out
}

/// The families invoiced at once, on every core, before the next ones.
const CHUNK: usize = 512;

/// [`invoices`], each outcome handed to `each` on the core that made it (a batch
/// renders it there and drops the invoice at once), and each result to `sink` in the
/// order of the families (then of the days no family takes), a chunk of families at a
/// time: `sink` writes one chunk while the next is invoiced, no more than two held.
pub fn invoices_streamed<T: Send>(
    d: &Deliberation,
    families: Vec<FamilyLine>,
    days: &MonthDays<'_>,
    month: Month,
    justify: bool,
    each: impl Fn(Outcome) -> T + Sync,
    mut sink: impl FnMut(T) + Send,
) {
    let key = |id: &str| crate::syntax::choice_key(id);
    // The days by the family's id as written, then merged by the id without case nor
    // accents (`F-1` and `f-1` are one family); most files write it one way. The rows
    // of a CSV are read only when their family is invoiced (or found orphan).
    let mut written: HashMap<&str, Group<'_>> = HashMap::with_capacity(families.len());
    let mut without_family = Vec::new();
    let mut loose_errors: Vec<DayError> = Vec::new();
    match days {
        MonthDays::Read(read) => {
            let mut lists: HashMap<&str, Vec<&Day>> = HashMap::new();
            for day in &read.days {
                match &day.family {
                    Some(id) => lists.entry(id.as_str()).or_default().push(day),
                    None => without_family.push(day.line),
                }
            }
            written.extend(lists.into_iter().map(|(id, list)| (id, Group::Days(list))));
        }
        MonthDays::Rows(rows) => {
            for (id, list) in &rows.families {
                if id.is_empty() {
                    let read = rows.read(&[list]);
                    without_family.extend(read.days.iter().map(|d| d.line));
                    loose_errors.extend(read.errors);
                } else {
                    written.insert(id, Group::Rows(vec![list.as_slice()]));
                }
            }
        }
    }
    let mut by_family: HashMap<String, Group<'_>> = HashMap::with_capacity(written.len());
    for (id, group) in written {
        match by_family.entry(key(id)) {
            Entry::Vacant(place) => {
                place.insert(group);
            }
            Entry::Occupied(mut place) => place.get_mut().extend(group),
        }
    }
    // Each family once: a second line with the same id is refused.
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(families.len());
    let mut work: Vec<(usize, Work)> = Vec::with_capacity(families.len());
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
                Some(id) => match seen.entry(key(&id)) {
                    Entry::Occupied(first) => Err(Outcome::Refused {
                        line: family.line,
                        family: Some(id),
                        code: "E157",
                        message: format!("cette famille est déjà donnée (ligne {})", first.get()),
                    }),
                    Entry::Vacant(place) => {
                        let id = place.key().clone();
                        place.insert(family.line);
                        Ok((read, id))
                    }
                },
            },
        };
        work.push((family.line, outcome));
    }
    // A refused row of a family of the file is a problem of its invoice (no total: the
    // invoice would be short of that day), as for one family; the others are output
    // after the invoices.
    let mut errors_of: HashMap<String, Vec<&DayError>> = HashMap::new();
    if let MonthDays::Read(read) = days {
        let family_of_row: HashMap<usize, &str> = read
            .refused_families
            .iter()
            .map(|(row, family)| (*row, family.as_str()))
            .collect();
        for error in &read.errors {
            match family_of_row.get(&error.line).map(|f| key(f)) {
                Some(id) if seen.contains_key(&id) => errors_of.entry(id).or_default().push(error),
                _ => loose_errors.push(error.clone()),
            }
        }
    }
    let plan = crate::eval::Plan::new(d);
    let make = |(line, outcome): (usize, Work)| match outcome {
        Err(refused) => each(refused),
        Ok((read, id)) => {
            // The header's errors are every family's: each invoice lacks what they name.
            let head = days.head();
            let mut errors: Vec<DayError> = head.header_errors.clone();
            if let Some(list) = errors_of.get(&id) {
                errors.extend(list.iter().map(|e| (*e).clone()));
            }
            let mut rows;
            let days: Vec<&Day> = match (by_family.get(&id), days) {
                (Some(Group::Days(list)), _) => list.clone(),
                (Some(Group::Rows(list)), MonthDays::Rows(file)) => {
                    rows = file.read(list);
                    errors.append(&mut rows.errors);
                    rows.days.iter().collect()
                }
                _ => Vec::new(),
            };
            let mut invoice = invoice_justified(&plan, &read, &days, month, justify);
            invoice.family = read.family.id.clone();
            invoice.ignored_columns = head.ignored.iter().map(|(_, name)| name.clone()).collect();
            invoice.prepend_errors(errors);
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
    let mut orphans: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let orphan_groups = by_family
        .iter()
        .filter(|(id, _)| !seen.contains_key(*id))
        .map(|(_, group)| group);
    for group in orphan_groups {
        match (group, days) {
            (Group::Days(list), _) => orphans.push((
                list.first().and_then(|d| d.family.clone()),
                list.iter().map(|d| d.line).collect(),
            )),
            (Group::Rows(list), MonthDays::Rows(file)) => {
                let read = file.read(list);
                loose_errors.extend(read.errors);
                if !read.days.is_empty() {
                    let family = read.days.first().and_then(|d| d.family.clone());
                    orphans.push((family, read.days.iter().map(|d| d.line).collect()));
                }
            }
            _ => {}
        }
    }
    orphans.sort_by_key(|(_, lines)| lines.first().copied());
    for (family, lines) in orphans {
        sink(each(Outcome::Orphans { family, lines }));
    }
    loose_errors.sort_by_key(|e| e.line);
    for error in loose_errors {
        sink(each(Outcome::Day(error)));
    }
    if !without_family.is_empty() {
        sink(each(Outcome::Orphans {
            family: None,
            lines: without_family,
        }));
    }
}
