//! Spreadsheets. `tarif importer GRILLE.xlsx|.ods|.xls|.csv`: a grid kept in a
//! spreadsheet, written as a `.delib` skeleton, then checked, each diagnostic told at
//! its cell. And the workbooks of `tarif batch` and `tarif simuler`: families read from
//! a workbook's first sheet, results written as a workbook.

use std::path::Path;

use tarif::import::{Cell, Sheet};

use super::{FAILURE, SUCCESS, USAGE};

pub fn run(args: &super::ImporterArgs) -> u8 {
    let sheets = match read(&args.file, args.feuille.as_deref()) {
        Ok(sheets) => sheets,
        Err(e) => {
            eprintln!("erreur : {} : {e}", args.file.display());
            return USAGE;
        }
    };
    let shown = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let imported = tarif::import::skeleton(&sheets, &shown);
    if imported.origins.is_empty() {
        eprintln!(
            "erreur : {} : aucune grille trouvée (une ligne d'en-tête, puis des lignes dont la première case est une tranche et les autres des montants)",
            args.file.display()
        );
        return USAGE;
    }
    if let Err(status) = super::write_out(args.sortie.as_deref(), imported.text.as_bytes()) {
        return status;
    }
    // The diagnostics go to the error output: the skeleton may be on the standard one.
    let compiled = tarif::compile(&imported.text);
    let written = args
        .sortie
        .as_ref()
        .map_or_else(|| "le texte écrit".to_string(), |p| p.display().to_string());
    let index = tarif::LineIndex::new(&imported.text);
    let mut errors = 0;
    for (cell, problem) in &imported.problems {
        eprintln!("{cell} : {problem}");
        errors += 1;
    }
    for d in &compiled.diagnostics {
        let line = index.position(&imported.text, d.span().start).line;
        let at = imported
            .cell_of(line)
            .map_or_else(|| format!("{written}, ligne {line}"), str::to_string);
        let severity = if d.is_error() {
            "erreur"
        } else {
            "avertissement"
        };
        eprintln!("{at} : [{}] {severity} : {}", d.code.as_str(), d.message);
        if let Some(help) = &d.help {
            eprintln!("    Aide : {help}");
        }
        errors += usize::from(d.is_error());
    }
    let grids = imported.text.matches("\n  grille selon").count();
    eprintln!(
        "{} : {grids} grille(s) importée(s) vers {written} ; {}",
        args.file.display(),
        match errors {
            0 => "aucune erreur : complétez l'en-tête et les exemples, puis « tarif test »"
                .to_string(),
            n => format!("{n} erreur(s) à corriger dans le tableur ou dans le texte"),
        }
    );
    if errors == 0 { SUCCESS } else { FAILURE }
}

/// The sheets of `path`: a workbook's (one, by `--feuille`), or a CSV file's one.
fn read(path: &Path, only: Option<&str>) -> Result<Vec<Sheet>, String> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" => read_csv(path),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, only),
        _ => Err("le tableur doit être un fichier .xlsx, .xls, .ods ou .csv".to_string()),
    }
}

#[cfg(feature = "tableur")]
fn read_workbook(path: &Path, only: Option<&str>) -> Result<Vec<Sheet>, String> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut workbook = open_workbook_auto(path).map_err(|e| format!("illisible ({e})"))?;
    let names = workbook.sheet_names();
    let chosen: Vec<String> = match only {
        Some(name) => match names.iter().find(|n| n.as_str() == name) {
            Some(n) => vec![n.clone()],
            None => {
                return Err(format!(
                    "pas de feuille « {name} » ; les feuilles sont : {}",
                    names.join(", ")
                ));
            }
        },
        None => names,
    };
    let mut sheets = Vec::new();
    for name in chosen {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| format!("feuille « {name} » illisible ({e})"))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
        for row in range.rows() {
            let mut cells = vec![Cell::Empty; left as usize];
            cells.extend(row.iter().map(|data| match data {
                Data::Empty => Cell::Empty,
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    Cell::Text(s.clone())
                }
                Data::Int(i) => Cell::Number((*i).into()),
                Data::Float(f) => match tarif::import::exact_amount(*f) {
                    Some(amount) => Cell::Number(amount),
                    None => Cell::Unreadable(f.to_string().replace('.', ",")),
                },
                Data::Bool(b) => Cell::Text(if *b { "oui" } else { "non" }.to_string()),
                // A date cell: the day, as families' files write it.
                Data::DateTime(d) => Cell::Text(d.as_datetime().map_or_else(
                    || d.to_string(),
                    |t| t.date().format("%Y-%m-%d").to_string(),
                )),
                Data::Error(e) => Cell::Unreadable(format!("#{e:?}")),
            }));
            rows.push(cells);
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// The first sheet of a workbook (or the one named by `--feuille`) as the CSV text of a families' file (`;`, a UTF-8
/// byte-order mark: its results are written as Excel opens them): what `tarif batch`
/// and `tarif simuler` read from `--entree familles.xlsx`.
pub(super) fn workbook_as_csv(path: &Path, sheet: Option<&str>) -> Result<Vec<u8>, String> {
    let sheets = read_workbook(path, sheet)?;
    let Some(sheet) = sheets.first() else {
        return Err("le classeur n'a pas de feuille".to_string());
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer("\u{feff}".as_bytes().to_vec());
    for row in sheet
        .rows
        .iter()
        .skip_while(|r| r.iter().all(|c| *c == Cell::Empty))
    {
        let fields: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Cell::Empty => String::new(),
                Cell::Text(t) | Cell::Unreadable(t) => t.clone(),
                Cell::Number(n) => n.to_string().replace('.', ","),
            })
            .collect();
        let _ = writer.write_record(&fields);
    }
    writer
        .into_inner()
        .map_err(|e| format!("conversion impossible ({e})"))
}

/// `tarif batch … --sortie resultats.xlsx`: `run` writes the results as Excel's CSV
/// into a temporary file beside the workbook, which is then written from it: one sheet
/// « Résultats », the header bold and frozen, each tariff's amounts as numbers in
/// euros (a spreadsheet's numbers are binary: shown to the cent, they are the exact
/// amounts), the columns as wide as their content.
pub(super) fn batch_to_workbook(args: &super::BatchArgs, run: fn(&super::BatchArgs) -> u8) -> u8 {
    let target = Path::new(&args.sortie);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temporary = match tempfile::Builder::new()
        .prefix(".tarif-classeur-")
        .suffix(".csv")
        .tempfile_in(dir)
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "erreur : {} : écriture impossible ({})",
                args.sortie,
                super::io_french(&e)
            );
            return USAGE;
        }
    };
    let mut csv_args = args.clone();
    csv_args.sortie = temporary.path().to_string_lossy().into_owned();
    csv_args.tableur.excel = true;
    let status = run(&csv_args);
    if status == USAGE {
        return status;
    }
    let written = std::fs::read(temporary.path())
        .map_err(|e| super::io_french(&e))
        .and_then(|bytes| results_workbook(&bytes, target));
    match written {
        Ok(()) => status,
        Err(e) => {
            eprintln!("erreur : {} : écriture impossible ({e})", args.sortie);
            USAGE
        }
    }
}

/// The workbook of the results' CSV (`;`, decimal commas, a byte-order mark).
#[cfg(feature = "tableur")]
fn results_workbook(csv_bytes: &[u8], target: &Path) -> Result<(), String> {
    use rust_decimal::prelude::ToPrimitive;
    use rust_xlsxwriter::{Format, Workbook};
    let text = String::from_utf8_lossy(csv_bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    sheet.set_name("Résultats").map_err(error)?;
    let bold = Format::new().set_bold();
    let euros = Format::new().set_num_format("#,##0.00\\ \"€\"");
    // The columns that are not a tariff's amounts.
    const OTHERS: [&str; 6] = ["ligne", "id", "enfant", "rang", "adulte", "erreur"];
    let mut amounts: Vec<bool> = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let row = u32::try_from(r).map_err(|e| e.to_string())?;
        for (c, field) in record.iter().enumerate() {
            let column = u16::try_from(c).map_err(|e| e.to_string())?;
            if r == 0 {
                amounts.push(!OTHERS.contains(&field));
                sheet
                    .write_string_with_format(row, column, field, &bold)
                    .map_err(error)?;
                continue;
            }
            let amount = amounts.get(c).copied().unwrap_or(false);
            match tarif::inputs::parse_decimal(field)
                .filter(|_| amount || field.bytes().all(|b| b.is_ascii_digit()))
            {
                Some(n) if amount => {
                    let value = n.to_f64().ok_or("montant hors bornes")?;
                    sheet
                        .write_number_with_format(row, column, value, &euros)
                        .map_err(error)?;
                }
                Some(n) if c == 0 => {
                    sheet
                        .write_number(row, column, n.to_f64().unwrap_or(0.0))
                        .map_err(error)?;
                }
                _ => {
                    sheet.write_string(row, column, field).map_err(error)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(error)?;
    sheet.autofit();
    book.save(target).map_err(error)
}

/// `tarif simuler --format xlsx`: the sheet « Par tranche » (the CSV's table, counts
/// and amounts as numbers) and, with `--avant`, « Hausses » (the largest increases of
/// each tariff).
#[cfg(feature = "tableur")]
pub(super) fn simulation_workbook(
    header: &[String],
    rows: &[Vec<String>],
    json: &serde_json::Value,
    target: &Path,
) -> Result<(), String> {
    use rust_decimal::prelude::ToPrimitive;
    use rust_xlsxwriter::{Format, Workbook};
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let bold = Format::new().set_bold();
    let euros = Format::new().set_num_format("#,##0.00\\ \"€\"");
    const AMOUNTS: [&str; 7] = [
        "recette",
        "moyenne",
        "mediane",
        "recette_avant",
        "variation_moyenne",
        "hausse_max",
        "hausse",
    ];
    let mut book = Workbook::new();
    let write_table = |sheet: &mut rust_xlsxwriter::Worksheet,
                       header: &[String],
                       rows: &[Vec<String>]|
     -> Result<(), String> {
        for (c, h) in header.iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| e.to_string())?;
            sheet
                .write_string_with_format(0, c, h, &bold)
                .map_err(error)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|e| e.to_string())?;
            for (c, field) in row.iter().enumerate() {
                let name = header.get(c).map_or("", String::as_str);
                let c = u16::try_from(c).map_err(|e| e.to_string())?;
                let number = match name {
                    "tarif" | "tranche" | "id" => None,
                    _ => tarif::inputs::parse_decimal(field).and_then(|n| n.to_f64()),
                };
                match number {
                    Some(n) if AMOUNTS.contains(&name) || name == "avant" || name == "apres" => {
                        sheet
                            .write_number_with_format(r, c, n, &euros)
                            .map_err(error)?;
                    }
                    Some(n) => {
                        sheet.write_number(r, c, n).map_err(error)?;
                    }
                    None => {
                        sheet.write_string(r, c, field).map_err(error)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(error)?;
        sheet.autofit();
        Ok(())
    };
    let sheet = book.add_worksheet();
    sheet.set_name("Par tranche").map_err(error)?;
    write_table(sheet, header, rows)?;
    let mut rises: Vec<Vec<String>> = Vec::new();
    if let Some(tariffs) = json.get("tarifs").and_then(serde_json::Value::as_object) {
        for (name, tariff) in tariffs {
            for rise in tariff
                .get("plus_fortes_hausses")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
            {
                let text = |key: &str| match rise.get(key) {
                    Some(serde_json::Value::String(s)) => s.replace('.', ","),
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                };
                rises.push(vec![
                    name.clone(),
                    text("ligne"),
                    text("id"),
                    text("avant"),
                    text("apres"),
                    text("hausse"),
                ]);
            }
        }
    }
    if json.pointer("/comparaison").is_some() || !rises.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("Hausses").map_err(error)?;
        let header: Vec<String> = ["tarif", "ligne", "id", "avant", "apres", "hausse"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        write_table(sheet, &header, &rises)?;
    }
    book.save(target).map_err(error)
}

#[cfg(not(feature = "tableur"))]
pub(super) fn simulation_workbook(
    _: &[String],
    _: &[Vec<String>],
    _: &serde_json::Value,
    _: &Path,
) -> Result<(), String> {
    Err(
        "ce tarif est construit sans les tableurs (fonction « tableur ») : --format csv"
            .to_string(),
    )
}

#[cfg(not(feature = "tableur"))]
fn results_workbook(_: &[u8], _: &Path) -> Result<(), String> {
    Err("ce tarif est construit sans les tableurs (fonction « tableur ») : écrivez les résultats en .csv".to_string())
}

/// Whether `path` is a workbook (read with calamine), by its extension.
pub(super) fn is_workbook(path: &str) -> bool {
    let lower = path.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
        .iter()
        .any(|x| lower.ends_with(x))
}

#[cfg(not(feature = "tableur"))]
fn read_workbook(_: &Path, _: Option<&str>) -> Result<Vec<Sheet>, String> {
    Err("ce tarif est construit sans la lecture des tableurs (fonction « tableur ») : enregistrez la feuille en CSV".to_string())
}

/// A CSV file as Excel or LibreOffice writes it: `;`, `,` or tabs, UTF-8 (with or
/// without BOM) or Windows-1252; every cell is text, as typed.
fn read_csv(path: &Path) -> Result<Vec<Sheet>, String> {
    let bytes = std::fs::read(path).map_err(|e| super::io_french(&e))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.matches(char::from(*d)).count())
        .unwrap_or(b';');
    // The csv reader skips empty lines; they separate grids: kept as empty records.
    let text: String = text
        .lines()
        .map(|line| match line.trim().is_empty() {
            true => char::from(delimiter).to_string(),
            false => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("ligne illisible ({e})"))?;
        rows.push(
            record
                .iter()
                .map(|c| match c.trim() {
                    "" => Cell::Empty,
                    t => Cell::Text(t.to_string()),
                })
                .collect(),
        );
    }
    let name = path.file_stem().map_or_else(
        || "Feuille1".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    Ok(vec![Sheet { name, rows }])
}
