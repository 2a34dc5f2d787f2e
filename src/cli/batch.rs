//! `tarif batch`: every line of a CSV or JSON Lines file priced, in order, on every
//! core, read and written by chunks so that memory stays flat.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::time::Instant;

use rayon::prelude::*;
use tarif::batch::{self, Content, Input, Output, Row};

use super::files;
use super::{FAILURE, SUCCESS, USAGE};

/// Lines priced together: enough to keep every core busy, few enough to stay small.
const CHUNK: usize = 16_384;

pub fn run(args: &super::BatchArgs) -> u8 {
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let d = &document.deliberation;
    // Compiled once; every worker's session reads the same plan.
    let plan = tarif::eval::Plan::new(d);
    let tariffs = match super::eval::tariff_indices(d, &args.tarifs) {
        Ok(t) if t.is_empty() => (0..d.tariffs.len()).collect::<Vec<_>>(),
        Ok(t) => t,
        Err(status) => return status,
    };
    let default_date = match super::eval::parse_given_date(args.date.as_deref()) {
        Ok(date) => date.unwrap_or_else(|| chrono::Local::now().date_naive()),
        Err(status) => return status,
    };
    let (reader, size): (Box<dyn Read>, Option<u64>) = if args.entree == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        match File::open(&args.entree) {
            Ok(f) => {
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(f), size)
            }
            Err(e) => {
                eprintln!("erreur : {} : lecture impossible ({e})", args.entree);
                return USAGE;
            }
        }
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut line_no = 0;
    let mut consumed: u64 = 0;
    let mut first = String::new();
    // The format of the input: by extension, else by its first line.
    let jsonl_name = [".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|x| args.entree.ends_with(x));
    let csv_name = args.entree.ends_with(".csv");
    let mut scratch = Vec::new();
    let mut text = String::new();
    if !read_line(&mut reader, &mut text, &mut scratch, &mut consumed) {
        eprintln!("erreur : {} est vide", args.entree);
        return USAGE;
    }
    line_no += 1;
    let input = if jsonl_name || (!csv_name && text.trim_start().starts_with('{')) {
        first = text;
        Input::JsonLines
    } else {
        match batch::csv_input(d, text.trim_start_matches('\u{feff}')) {
            Some(input) => input,
            None => {
                eprintln!(
                    "erreur : {} : la première ligne doit être l'en-tête des colonnes",
                    args.entree
                );
                return USAGE;
            }
        }
    };
    let is_jsonl = matches!(input, Input::JsonLines);
    let separator = match &input {
        Input::Csv { separator, .. } => *separator,
        Input::JsonLines => b',',
    };
    let jsonl_out = if args.sortie == "-" {
        is_jsonl
    } else {
        [".jsonl", ".ndjson", ".json"]
            .iter()
            .any(|x| args.sortie.ends_with(x))
    };
    let output = if jsonl_out {
        Output::JsonLines {
            justification: args.justification,
        }
    } else {
        Output::Csv { separator }
    };
    let sink: Box<dyn Write> = if args.sortie == "-" {
        Box::new(std::io::stdout())
    } else {
        match File::create(&args.sortie) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("erreur : {} : écriture impossible ({e})", args.sortie);
                return USAGE;
            }
        }
    };
    let mut writer = Writer::new(BufWriter::with_capacity(1 << 20, sink), output);
    if let Output::Csv { .. } = output {
        writer.csv(&batch::csv_header(&document, &tariffs));
    }
    let progress = progress_bar(size);
    let started = Instant::now();
    let (mut priced, mut failed) = (0usize, 0usize);
    // The lines of a chunk, in one buffer: their numbers and where each one is.
    let mut buffer = String::new();
    let mut pending: Vec<(usize, std::ops::Range<usize>)> = Vec::with_capacity(CHUNK);
    if is_jsonl {
        buffer.push_str(&first);
        pending.push((line_no, 0..first.len()));
    }
    loop {
        while pending.len() < CHUNK {
            let start = buffer.len();
            if !read_line(&mut reader, &mut buffer, &mut scratch, &mut consumed) {
                break;
            }
            line_no += 1;
            pending.push((line_no, start..buffer.len()));
        }
        if pending.is_empty() {
            break;
        }
        let text = buffer.as_str();
        let rows: Vec<Row> = pending
            .par_iter()
            .map_init(
                || tarif::eval::Session::on(&plan),
                |session, (n, range)| {
                    let line = text.get(range.clone()).unwrap_or("");
                    batch::row(
                        &document,
                        session,
                        &input,
                        output,
                        &tariffs,
                        default_date,
                        *n,
                        line,
                    )
                },
            )
            .collect();
        for row in &rows {
            if row.priced {
                priced += 1;
            } else {
                failed += 1;
            }
            writer.row(row);
        }
        pending.clear();
        buffer.clear();
        if let Some(bar) = &progress {
            bar.set_position(consumed);
        }
        if writer.failed {
            eprintln!("erreur : écriture de {} impossible", args.sortie);
            return USAGE;
        }
    }
    writer.finish();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} ligne(s) : {priced} tarifée(s), {failed} en erreur, en {} s",
        priced + failed,
        format!("{seconds:.2}").replace('.', ",")
    );
    if failed == 0 { SUCCESS } else { FAILURE }
}

/// Appends the next line (without its end) to `buffer`; false at the end of the input.
fn read_line(
    reader: &mut impl BufRead,
    buffer: &mut String,
    bytes: &mut Vec<u8>,
    consumed: &mut u64,
) -> bool {
    bytes.clear();
    let n = match reader.read_until(b'\n', bytes) {
        Ok(0) | Err(_) => return false,
        Ok(n) => n,
    };
    *consumed += n as u64;
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => buffer.push_str(text),
        Err(_) => buffer.push_str(&String::from_utf8_lossy(bytes)),
    }
    true
}

/// A progress bar on standard error when it is a terminal and the size is known.
fn progress_bar(size: Option<u64>) -> Option<indicatif::ProgressBar> {
    let size = size?;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:40} {percent:>3} %  {binary_bytes_per_sec}  reste {eta}",
    )
    .ok()?;
    bar.set_style(style);
    Some(bar)
}

/// The output file, CSV or JSON Lines.
struct Writer<W: Write> {
    csv: Option<csv::Writer<W>>,
    plain: Option<W>,
    failed: bool,
}

impl<W: Write> Writer<W> {
    fn new(sink: W, output: Output) -> Self {
        match output {
            Output::Csv { separator } => Writer {
                csv: Some(
                    csv::WriterBuilder::new()
                        .delimiter(separator)
                        .from_writer(sink),
                ),
                plain: None,
                failed: false,
            },
            Output::JsonLines { .. } => Writer {
                csv: None,
                plain: Some(sink),
                failed: false,
            },
        }
    }

    fn csv(&mut self, fields: &[String]) {
        if let Some(w) = &mut self.csv {
            self.failed |= w.write_record(fields).is_err();
        }
    }

    fn row(&mut self, row: &Row) {
        match (&row.content, &mut self.plain) {
            (Content::Csv(fields), _) => self.csv(fields),
            (Content::Json(text), Some(w)) => {
                self.failed |= writeln!(w, "{text}").is_err();
            }
            (Content::Json(_), None) => {}
        }
    }

    fn finish(mut self) {
        if let Some(w) = &mut self.csv {
            self.failed |= w.flush().is_err();
        }
        if let Some(w) = &mut self.plain {
            self.failed |= w.flush().is_err();
        }
    }
}
