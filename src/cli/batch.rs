//! `tarif batch`: every line of a CSV or JSON Lines file priced, in order, on every
//! core, read and written by chunks so that memory stays flat.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use rayon::prelude::*;
use tarif::batch::{self, Content, Input, Output, Row};

use super::families::{
    CHUNK, Families, Pending, fill_chunk, line_of, open_families, progress_bar, shown, too_long,
};
use super::files;
use super::{FAILURE, SUCCESS, USAGE};

pub fn run(args: &super::BatchArgs) -> u8 {
    // A workbook of results: the batch written as Excel's CSV beside it, then turned
    // into the workbook (amounts as numbers with a euro format, the header frozen).
    if args.sortie.to_lowercase().ends_with(".xlsx") {
        return super::tableur::batch_to_workbook(args, run);
    }
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
    if same_file(&args.entree, &args.sortie) {
        eprintln!(
            "erreur : --sortie {} est le fichier des familles : choisissez un autre fichier de résultats",
            args.sortie
        );
        return USAGE;
    }
    let Families {
        mut records,
        input,
        size,
        jsonl: is_jsonl,
        excel,
        ..
    } = match open_families(
        d,
        &args.entree,
        (
            args.tableur.encodage.as_deref(),
            args.tableur.feuille.as_deref(),
        ),
        &[],
    ) {
        Ok(families) => families,
        Err(status) => return status,
    };
    let mut buffer = String::new();
    let mut pending: Vec<Pending> = Vec::with_capacity(CHUNK);
    // Results Excel opens as the office expects: `;`, decimal commas, CRLF, a
    // byte-order mark (UTF-8, which keeps every name; Excel reads it by its mark), when
    // the families came from Excel or with --excel.
    let excel = excel || args.tableur.excel;
    let separator = match &input {
        _ if excel => b';',
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
    let created = Target::create(&args.sortie).and_then(|t| t.sink().map(|sink| (t, sink)));
    let (target, sink) = match created {
        Ok(created) => created,
        Err(e) => {
            eprintln!(
                "erreur : {} : écriture impossible ({})",
                args.sortie,
                super::io_french(&e)
            );
            return USAGE;
        }
    };
    let mut writer = Writer::new(BufWriter::with_capacity(1 << 20, sink));
    if let Output::Csv { .. } = output {
        if excel {
            writer.bytes("\u{feff}".as_bytes());
        }
        let mut encoder = Encoder::new(output, excel);
        writer.bytes(&encoder.record(&batch::csv_header(&document, &tariffs)));
    }
    let progress = progress_bar(size);
    let started = Instant::now();
    let (mut priced, mut failed) = (0usize, 0usize);
    // Each row is priced and written as bytes by the worker that reads it, into the
    // bytes of its piece of the chunk; meanwhile one worker reads the next chunk. The
    // main thread only copies the pieces out, in order.
    let price_chunk = |text: &str, pending: &[Pending]| -> Vec<(usize, usize, Vec<u8>)> {
        let piece = pending
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(64);
        pending
            .par_chunks(piece)
            .map_init(
                || {
                    let scratch = batch::CsvScratch::default();
                    (
                        tarif::eval::Session::on(&plan),
                        Encoder::new(output, excel),
                        scratch,
                    )
                },
                |(session, encoder, scratch), lines| {
                    let (mut row_priced, mut row_failed) = (0, 0);
                    let mut bytes = Vec::with_capacity(lines.len() * 32);
                    for (next, range) in lines {
                        let line_text = text.get(range.clone()).unwrap_or("");
                        let (line, error) = line_of(next);
                        if error.is_none()
                            && encoder.usual_row(
                                |field| {
                                    batch::csv_row(
                                        &document,
                                        session,
                                        &input,
                                        output.separator()?,
                                        &tariffs,
                                        default_date,
                                        line,
                                        line_text,
                                        scratch,
                                        field,
                                    )
                                },
                                &mut bytes,
                            )
                        {
                            row_priced += 1;
                            continue;
                        }
                        let row = match error {
                            Some(error) => {
                                batch::error_row(&document, output, &tariffs, line, None, error)
                            }
                            None => batch::row(
                                &document,
                                session,
                                &input,
                                output,
                                &tariffs,
                                default_date,
                                line,
                                line_text,
                            ),
                        };
                        if row.priced {
                            row_priced += 1;
                        } else {
                            row_failed += 1;
                        }
                        encoder.row_into(&row, &mut bytes);
                    }
                    (row_priced, row_failed, bytes)
                },
            )
            .collect()
    };
    let mut next_buffer = String::new();
    let mut next_pending: Vec<Pending> = Vec::with_capacity(CHUNK);
    let mut stop = fill_chunk(&mut records, &mut buffer, &mut pending);
    loop {
        if pending.is_empty() && stop.is_none() {
            break;
        }
        // A chunk not full was the end of the file; a line too long stops the reading.
        let more = stop.is_none() && pending.len() == CHUNK;
        let (pieces, next_stop) = rayon::join(
            || price_chunk(buffer.as_str(), &pending),
            || {
                if more {
                    fill_chunk(&mut records, &mut next_buffer, &mut next_pending)
                } else {
                    None
                }
            },
        );
        for (row_priced, row_failed, bytes) in &pieces {
            priced += row_priced;
            failed += row_failed;
            writer.bytes(bytes);
        }
        if let Some(bar) = &progress {
            bar.set_position(records.consumed);
        }
        if let Some(e) = writer.failed.take() {
            return write_failed(&args.sortie, &e, target);
        }
        if let Some(line) = stop {
            return too_long(&args.entree, line);
        }
        std::mem::swap(&mut buffer, &mut next_buffer);
        std::mem::swap(&mut pending, &mut next_pending);
        next_buffer.clear();
        next_pending.clear();
        stop = next_stop;
    }
    if let Some(e) = records.failed.take() {
        eprintln!(
            "erreur : {} : lecture interrompue ({})",
            shown(&args.entree),
            super::io_french(&e)
        );
        return USAGE;
    }
    if let Some(e) = writer.finish() {
        return write_failed(&args.sortie, &e, target);
    }
    if let Err(e) = target.commit() {
        return write_failed(&args.sortie, &e, Target::Done);
    }
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

/// A write that failed: the temporary file is removed, `--sortie` is left as it was.
fn write_failed(path: &str, e: &std::io::Error, target: Target) -> u8 {
    drop(target);
    eprintln!(
        "erreur : écriture de {path} impossible ({}) ; aucun résultat n'est écrit",
        super::io_french(e)
    );
    USAGE
}

/// Whether `--sortie` names the file of `--entree` (it would be overwritten while read).
fn same_file(input: &str, output: &str) -> bool {
    if input == "-" || output == "-" {
        return false;
    }
    match (std::fs::canonicalize(input), std::fs::canonicalize(output)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The start of the name of the temporary file of the results, beside `--sortie`.
const LEFTOVER: &str = ".tarif-resultats-";

/// Removes from `dir` the temporary files of batches that were killed (SIGKILL, a
/// power cut): those whose process is gone (read in `/proc`). Where that cannot be
/// known, or for a file without a process id, says where they are.
fn remove_leftovers(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let proc = std::path::Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(LEFTOVER) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let path = entry.path();
        match pid {
            Some(pid) if pid == std::process::id() => {}
            Some(pid) if proc && !std::path::Path::new(&format!("/proc/{pid}")).exists() => {
                if std::fs::remove_file(&path).is_ok() {
                    eprintln!("supprimé : {} (reste d'un lot interrompu)", path.display());
                }
            }
            Some(_) => {}
            None => eprintln!(
                "avertissement : {} est sans doute le reste d'un lot interrompu : supprimez-le s'il n'y a pas de lot en cours",
                path.display()
            ),
        }
    }
}

/// On Ctrl-C or SIGTERM, the temporary file of the results is removed before the
/// command ends (status 130): nothing is left of an interrupted batch.
fn remove_on_interrupt(path: std::path::PathBuf) {
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_file(&path);
        eprintln!("\ninterrompu : aucun résultat n'est écrit");
        std::process::exit(130);
    });
}

#[cfg(unix)]
fn readable_by_all(mut permissions: std::fs::Permissions) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    permissions.set_mode(0o644);
    permissions
}

#[cfg(not(unix))]
fn readable_by_all(permissions: std::fs::Permissions) -> std::fs::Permissions {
    permissions
}

/// Where the results go: standard output, a device or pipe written directly, or a
/// temporary file beside `--sortie`, renamed over it once complete, so that an
/// interrupted batch leaves `--sortie` as it was.
enum Target {
    Stdout,
    Direct(File),
    Temporary {
        file: tempfile::NamedTempFile,
        path: std::path::PathBuf,
    },
    Done,
}

impl Target {
    fn create(path: &str) -> std::io::Result<Target> {
        if path == "-" {
            return Ok(Target::Stdout);
        }
        let target = std::path::PathBuf::from(path);
        if let Ok(meta) = std::fs::metadata(&target)
            && !meta.is_file()
        {
            // `/dev/stdout`, a pipe: no file to replace.
            return File::create(&target).map(Target::Direct);
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        remove_leftovers(&dir);
        // The process id in the name: a later run tells its own leftovers (after a
        // SIGKILL, which no handler sees) from the file of a batch still running.
        let file = tempfile::Builder::new()
            .prefix(&format!("{LEFTOVER}{}-", std::process::id()))
            .tempfile_in(dir)?;
        // The results are not secret to the portal: the rights of the file replaced,
        // or those of a new file (a temporary file is made readable by its owner only).
        let permissions = match std::fs::metadata(&target) {
            Ok(meta) => meta.permissions(),
            Err(_) => readable_by_all(file.as_file().metadata()?.permissions()),
        };
        file.as_file().set_permissions(permissions)?;
        remove_on_interrupt(file.path().to_path_buf());
        Ok(Target::Temporary { file, path: target })
    }

    /// A handle to write the results with (the target keeps its own, to commit).
    fn sink(&self) -> std::io::Result<Box<dyn Write + Send>> {
        Ok(match self {
            Target::Stdout | Target::Done => Box::new(std::io::stdout()),
            Target::Direct(f) => Box::new(f.try_clone()?),
            Target::Temporary { file, .. } => Box::new(file.as_file().try_clone()?),
        })
    }

    /// Makes the results visible at `--sortie`.
    fn commit(self) -> std::io::Result<()> {
        match self {
            Target::Temporary { file, path } => {
                file.as_file().sync_all()?;
                file.persist(&path).map(|_| ()).map_err(|e| e.error)
            }
            Target::Direct(f) => f.sync_all().or(Ok(())),
            Target::Stdout | Target::Done => Ok(()),
        }
    }
}

/// A row as the bytes of the output file: CSV records (quoted where needed) or a JSON
/// line. One per worker, its memory reused from row to row.
struct Encoder {
    csv: Option<(csv::Writer<Bytes>, Bytes)>,
}

/// The bytes a worker's CSV writer writes, taken after each row.
#[derive(Clone, Default)]
struct Bytes(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Bytes {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Encoder {
    /// `excel`: CRLF line ends.
    fn new(output: Output, excel: bool) -> Self {
        let csv = match output {
            Output::Csv { separator } => {
                let bytes = Bytes::default();
                let writer = csv::WriterBuilder::new()
                    .delimiter(separator)
                    .terminator(match excel {
                        true => csv::Terminator::CRLF,
                        false => csv::Terminator::Any(b'\n'),
                    })
                    .buffer_capacity(256)
                    .from_writer(bytes.clone());
                Some((writer, bytes))
            }
            Output::JsonLines { .. } => None,
        };
        Encoder { csv }
    }

    /// The bytes of one CSV record.
    fn record(&mut self, fields: &[String]) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.record_into(fields, &mut bytes);
        bytes
    }

    /// The bytes of one CSV record, after `out`.
    fn record_into(&mut self, fields: &[String], out: &mut Vec<u8>) {
        let Some((w, bytes)) = &mut self.csv else {
            return;
        };
        // Writing into memory cannot fail.
        let _ = w.write_record(fields);
        end_record(w, bytes, out);
    }

    /// The bytes of the row `fields` gives field by field, after `out`; `false`, with
    /// nothing written, when it gives none (the row is then built whole).
    fn usual_row(
        &mut self,
        fields: impl FnOnce(&mut dyn FnMut(&str)) -> Option<()>,
        out: &mut Vec<u8>,
    ) -> bool {
        let Some((w, bytes)) = &mut self.csv else {
            return false;
        };
        // Writing into memory cannot fail.
        let given = fields(&mut |field| {
            let _ = w.write_field(field);
        });
        if given.is_none() {
            return false;
        }
        let _ = w.write_record(None::<&[u8]>);
        end_record(w, bytes, out);
        true
    }

    /// The bytes of a row, after `out`.
    fn row_into(&mut self, row: &Row, out: &mut Vec<u8>) {
        match &row.content {
            Content::Csv(fields) => self.record_into(fields, out),
            Content::CsvRows(rows) => rows.iter().for_each(|r| self.record_into(r, out)),
            Content::Json(text) => {
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
            }
        }
    }
}

/// The record `w` has just written, moved after `out` (the writer's memory kept).
fn end_record(w: &mut csv::Writer<Bytes>, bytes: &Bytes, out: &mut Vec<u8>) {
    // Writing into memory cannot fail.
    let _ = w.flush();
    let mut written = bytes.0.borrow_mut();
    out.extend_from_slice(&written);
    written.clear();
}

/// The output file; the first write error is kept.
struct Writer<W: Write> {
    sink: W,
    failed: Option<std::io::Error>,
}

impl<W: Write> Writer<W> {
    fn new(sink: W) -> Self {
        Writer { sink, failed: None }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        if self.failed.is_none()
            && let Err(e) = self.sink.write_all(bytes)
        {
            self.failed = Some(e);
        }
    }

    /// Flushes everything; the first error of the whole writing, if any.
    fn finish(mut self) -> Option<std::io::Error> {
        if let Err(e) = self.sink.flush() {
            self.failed.get_or_insert(e);
        }
        self.failed
    }
}
