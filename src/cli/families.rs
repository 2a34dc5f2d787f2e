//! Reading a families' file for `tarif batch` and `tarif simuler`: CSV or JSON Lines
//! (or a workbook's sheet, read as the CSV Excel would write), decoded (UTF-8 or
//! Windows-1252), its header checked, its records read by chunks.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};

use tarif::batch::{self, Input, LineError};
use tarif::inputs::HeaderProblem;
use tarif::inputs::records::{self, Next, Records};

use super::USAGE;

/// Lines priced together: enough to keep every core busy, few enough to stay small.
pub(super) const CHUNK: usize = 16_384;

/// The families of `--entree`, opened and decoded, their header read.
pub(super) struct Families {
    pub records: Records<BufReader<Box<dyn Read + Send>>>,
    pub input: Input,
    /// The size of the file (for the progress bar).
    pub size: Option<u64>,
    pub jsonl: bool,
    /// The CSV header line.
    pub header: Option<String>,
    /// Written by Excel: Windows-1252, a byte-order mark, or CRLF line ends (a `;`
    /// alone is not enough: portals write it too, and a mark would surprise them).
    pub excel: bool,
}

/// Opens the families of `path` for `d`: format by extension, else by the first line;
/// a CSV header checked (its problems are errors, its unknown columns warnings, but
/// for those of `quiet`).
pub(super) fn open_families(
    d: &tarif::Deliberation,
    path: &str,
    (encoding, sheet): (Option<&str>, Option<&str>),
    quiet: &[&str],
) -> Result<Families, u8> {
    let (reader, size) = match open_input(path, sheet) {
        Ok(opened) => opened,
        Err(message) => {
            eprintln!("erreur : {message}");
            return Err(USAGE);
        }
    };
    let (reader, excel) = match decoded(reader, encoding) {
        Ok(decoded) => decoded,
        Err(message) => {
            eprintln!("erreur : {message}");
            return Err(USAGE);
        }
    };
    // The format of the input: by extension, else by its first line.
    let jsonl_name = [".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|x| path.ends_with(x));
    let csv_name = [".csv", ".tsv", ".txt"].iter().any(|x| path.ends_with(x));
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let looks_json = match reader.fill_buf() {
        Ok(start) => String::from_utf8_lossy(&start[..start.len().min(64)])
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{'),
        Err(_) => false,
    };
    let is_jsonl = jsonl_name || (!csv_name && looks_json);
    let mut records = Records::new(reader, !is_jsonl);
    let mut buffer = String::new();
    let mut header = None;
    let input = if is_jsonl {
        Input::JsonLines
    } else {
        match records.next_into(&mut buffer) {
            Next::Record { .. } => {}
            Next::End => {
                eprintln!("erreur : {} est vide", shown(path));
                return Err(USAGE);
            }
            Next::TooLong { line } => return Err(too_long(path, line)),
            Next::NotText { .. } | Next::Unclosed { .. } => {
                eprintln!(
                    "erreur : {} : l'en-tête ne se lit pas (encodage ? essayez --encodage windows-1252)",
                    shown(path)
                );
                return Err(USAGE);
            }
        }
        let Some(input) = batch::csv_input(d, &buffer) else {
            eprintln!(
                "erreur : {} : la première ligne doit être l'en-tête des colonnes",
                shown(path)
            );
            return Err(USAGE);
        };
        header = Some(std::mem::take(&mut buffer));
        if let Input::Csv { columns, .. } = &input {
            if !columns.problems.is_empty() {
                for problem in &columns.problems {
                    eprintln!("erreur : {} : {}", shown(path), header_problem(d, problem));
                }
                return Err(USAGE);
            }
            for warning in columns
                .warnings
                .iter()
                .filter(|w| !quiet.contains(&w.field.as_str()))
            {
                let m = tarif::report::messages::family_warning(warning);
                eprintln!("avertissement [{}] : {} (colonne ignorée)", m.code, m.text);
            }
        }
        input
    };
    Ok(Families {
        records,
        input,
        size,
        jsonl: is_jsonl,
        header,
        excel,
    })
}

/// A record of a chunk: what it is, and where its text is in the chunk's buffer.
pub(super) type Pending = (Next, std::ops::Range<usize>);

/// Reads the records of the next chunk into `buffer`, up to [`CHUNK`]; the number of a
/// line too long to be a family's, where reading must stop.
pub(super) fn fill_chunk(
    records: &mut Records<BufReader<Box<dyn Read + Send>>>,
    buffer: &mut String,
    pending: &mut Vec<Pending>,
) -> Option<usize> {
    while pending.len() < CHUNK {
        let start = buffer.len();
        let next = records.next_into(buffer);
        match next {
            Next::End => return None,
            Next::TooLong { line } => return Some(line),
            _ => pending.push((next, start..buffer.len())),
        }
    }
    None
}

/// The line number of a record, and why it cannot be read, if so.
pub(super) fn line_of(next: &Next) -> (usize, Option<LineError>) {
    match *next {
        Next::Record { line } => (line, None),
        Next::Unclosed { line } => (line, Some(LineError::NotCsv)),
        Next::NotText { line } => (line, Some(LineError::NotText)),
        // Never pushed: reading stops on them.
        Next::TooLong { line } => (line, None),
        Next::End => (0, None),
    }
}

/// `-` is the standard input.
pub(super) fn shown(path: &str) -> &str {
    if path == "-" {
        "l'entrée standard"
    } else {
        path
    }
}

/// A line too long to be a family's: reading stops, nothing is written at `--sortie`.
pub(super) fn too_long(path: &str, line: usize) -> u8 {
    eprintln!(
        "erreur : {} : la ligne {line} dépasse {} Mio sans fin de ligne : ce n'est pas un fichier de familles ; aucun résultat n'est écrit",
        shown(path),
        records::MAX_LINE >> 20
    );
    USAGE
}

/// Why a CSV header is refused, in French.
fn header_problem(d: &tarif::Deliberation, problem: &HeaderProblem) -> String {
    match problem {
        HeaderProblem::Duplicate { first, second } if first == second => {
            format!("la colonne « {first} » est donnée deux fois : gardez-en une seule")
        }
        HeaderProblem::Duplicate { first, second } => format!(
            "les colonnes « {first} » et « {second} » donnent la même entrée : gardez-en une seule"
        ),
        HeaderProblem::Misspelt { column, suggestion } => format!(
            "la colonne « {column} » n'est aucune entrée de la délibération ; vouliez-vous dire « {suggestion} » ? \
             Corrigez l'en-tête (ou l'encodage : --encodage windows-1252 pour un fichier d'Excel) : \
             sans cela ses valeurs seraient ignorées et les familles mal tarifées"
        ),
        HeaderProblem::NoInput => {
            let names: Vec<&str> = d.inputs.iter().map(|i| i.name.as_str()).collect();
            format!(
                "aucune colonne de l'en-tête n'est une entrée de la délibération ({}) : \
                 vérifiez le séparateur (; , ou tabulation) et l'encodage",
                names.join(", ")
            )
        }
    }
}

/// The input stream and its size (for the progress bar).
fn open_input(
    path: &str,
    sheet: Option<&str>,
) -> Result<(Box<dyn Read + Send>, Option<u64>), String> {
    if path == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    if std::path::Path::new(path).is_dir() {
        return Err(format!(
            "{path} est un dossier : donnez le fichier des familles"
        ));
    }
    // A workbook: its first sheet, read as the CSV Excel would have written.
    if super::tableur::is_workbook(path) {
        let bytes = super::tableur::workbook_as_csv(std::path::Path::new(path), sheet)
            .map_err(|e| format!("{path} : {e}"))?;
        let size = bytes.len() as u64;
        return Ok((Box::new(std::io::Cursor::new(bytes)), Some(size)));
    }
    match File::open(path) {
        Ok(f) => {
            let size = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(f), size))
        }
        Err(e) => Err(format!(
            "{path} : lecture impossible ({})",
            super::io_french(&e)
        )),
    }
}

/// The input as UTF-8: as given by `--encodage`, else UTF-8 when its start is (a
/// byte-order mark, or valid UTF-8), else Windows-1252, which Excel writes.
fn decoded(
    reader: Box<dyn Read + Send>,
    encoding: Option<&str>,
) -> Result<(Box<dyn Read + Send>, bool), String> {
    let chosen = match encoding {
        Some(label) => match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
            Some(e) => Some(e),
            None => {
                return Err(format!(
                    "encodage « {label} » inconnu : utf-8 ou windows-1252"
                ));
            }
        },
        None => None,
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    // A byte-order mark or CRLF line ends: a file Excel wrote (its results are written
    // as Excel reads them).
    let excel = match reader.fill_buf() {
        Ok(start) => start.starts_with(b"\xef\xbb\xbf") || start.windows(2).any(|w| w == b"\r\n"),
        Err(_) => false,
    };
    let chosen = match chosen {
        Some(e) => e,
        None => {
            let capacity = reader.capacity();
            let start = reader.fill_buf().map_err(|e| super::io_french(&e))?;
            // A full buffer may end inside a character; a shorter one is the whole file.
            records::detect_encoding(start, start.len() == capacity)
        }
    };
    if chosen == encoding_rs::UTF_8 {
        return Ok((Box::new(reader), excel));
    }
    Ok((
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(chosen))
                .build(reader),
        ),
        true,
    ))
}

/// A progress bar on standard error when it is a terminal and the size is known.
pub(super) fn progress_bar(size: Option<u64>) -> Option<indicatif::ProgressBar> {
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
