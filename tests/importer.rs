//! `tarif importer`: published grids typed into spreadsheets the way finance offices
//! type them (a title, a merged header, amounts as numbers, as text and by formula,
//! a real gap), written here with rust_xlsxwriter, imported from the command line,
//! checked, and priced to the cent once completed.
#![cfg(feature = "tableur")]

mod common;

use std::path::PathBuf;

use rust_xlsxwriter::{Format, Formula, Workbook};

fn folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("tarif-importer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    folder
}

/// The cantine of Exempleville (deliberations/exempleville-cantine.delib) as a finance
/// office keeps it: a merged title, an empty row, then the header and the tranches;
/// amounts as numbers, one as text, one computed (=1,1*2, stored 2.2000000000000002),
/// one typed with the float a division leaves. And on a second sheet the garderie with
/// a two-row header (« Garderie » merged over « commune | hors commune ») and a gap.
fn workbook(path: &std::path::Path) {
    let mut book = Workbook::new();
    let cantine = book.add_worksheet();
    cantine.set_name("Cantine").expect("name");
    cantine
        .merge_range(
            0,
            0,
            0,
            1,
            "Tarifs de la restauration scolaire 2025-2026",
            &Format::new(),
        )
        .expect("title");
    cantine.write_string(2, 0, "QF").expect("cell");
    cantine.write_string(2, 1, "Repas").expect("cell");
    let rows: [(&str, f64); 8] = [
        ("jusqu'à 400 €", 0.8),
        ("de 401 à 600 €", 1.5),
        ("de 601 à 800 €", 0.0),
        ("de 801 à 1 000 €", 2.9),
        ("de 1 001 à 1 300 €", 3.6),
        ("de 1 301 à 1 600 €", 4.2),
        ("de 1 601 à 2 000 €", 0.0),
        ("plus de 2 000 €", 5.4),
    ];
    for (n, (label, amount)) in rows.iter().enumerate() {
        let row = 3 + n as u32;
        cantine.write_string(row, 0, *label).expect("cell");
        match n {
            // A formula: calamine reads the value it stored, not the formula.
            2 => {
                cantine
                    .write_formula(
                        row,
                        1,
                        Formula::new("=1.1*2").set_result("2.2000000000000002"),
                    )
                    .expect("cell");
            }
            // An amount typed as text, as copied from the published page.
            6 => {
                cantine.write_string(row, 1, "4,80 €").expect("cell");
            }
            // 3,6 left as 3.5999999999999996 by a computation.
            4 => {
                cantine.write_number(row, 1, 1.2 * 3.0).expect("cell");
            }
            _ => {
                cantine.write_number(row, 1, *amount).expect("cell");
            }
        }
    }
    let garderie = book.add_worksheet();
    garderie.set_name("Garderie").expect("name");
    garderie.write_string(0, 0, "QF").expect("cell");
    garderie
        .merge_range(0, 1, 0, 2, "Garderie du soir", &Format::new())
        .expect("merged");
    garderie.write_string(1, 1, "commune").expect("cell");
    garderie.write_string(1, 2, "hors commune").expect("cell");
    let rows: [(&str, f64, f64); 3] = [
        ("QF < 600", 1.0, 1.5),
        ("de 601 à 900 €", 1.2, 1.8),
        ("plus de 900 €", 1.4, 2.1),
    ];
    for (n, (label, commune, outside)) in rows.iter().enumerate() {
        let row = 2 + n as u32;
        garderie.write_string(row, 0, *label).expect("cell");
        garderie.write_number(row, 1, *commune).expect("cell");
        garderie.write_number(row, 2, *outside).expect("cell");
    }
    book.save(path).expect("saved");
}

#[test]
fn a_workbook_is_imported_checked_and_priced() {
    let folder = folder("classeur");
    let book = folder.join("tarifs.xlsx");
    workbook(&book);
    let out = folder.join("tarifs.delib");
    let (_, err, status) = common::tarif(
        &[
            "importer",
            &book.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
        ],
        None,
    );
    // The gap of the garderie (600 < QF < 601) is found, at its cell.
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("Garderie!A4 : [E030] erreur : trou dans la grille"),
        "{err}"
    );
    let text = std::fs::read_to_string(&out).expect("written");
    // Labels as written, amounts as the cells show them, exactly.
    assert!(text.contains("| de 601 à 800 €     | 2,20 € |"), "{text}");
    assert!(text.contains("| de 1 001 à 1 300 € | 3,60 € |"), "{text}");
    assert!(text.contains("| de 1 601 à 2 000 € | 4,80 € |"), "{text}");
    assert!(
        text.contains("délibération « Tarifs de la restauration scolaire 2025-2026 »"),
        "{text}"
    );
    assert!(
        text.contains("résidence : choix parmi commune, hors commune"),
        "{text}"
    );
    assert!(text.contains("grille selon qf et résidence"), "{text}");
    assert!(text.contains("# tarifs.xlsx, Cantine!A3:B11"), "{text}");
    // The cantine alone checks; completed with its published examples, it prices
    // them to the cent.
    let (_, err, status) = common::tarif(
        &[
            "importer",
            &book.to_string_lossy(),
            "--feuille",
            "Cantine",
            "-o",
            &out.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    let mut text = std::fs::read_to_string(&out).expect("written");
    for (qf, price) in [
        (612, "2,20"),
        (300, "0,80"),
        (1100, "3,60"),
        (1800, "4,80"),
        (2500, "5,40"),
    ] {
        text.push_str(&format!(
            "\nexemple « QF {qf} »\n  qf = {qf}\n  attendu repas = {price} €\n"
        ));
    }
    std::fs::write(&out, &text).expect("completed");
    let (stdout, err, status) = common::tarif(&["test", &out.to_string_lossy()], None);
    assert_eq!(status, 0, "{stdout}{err}");
    assert!(
        stdout.contains("5 exemple(s) réussi(s), 0 échoué(s)"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// A CSV file saved by Excel in Windows-1252 with `;` and CRLF: read as the workbook.
#[test]
fn an_excel_csv_is_imported() {
    let folder = folder("csv");
    let csv = folder.join("grille.csv");
    let text = "Accueil du soir;;\r\n;;\r\nQuotient familial;Soir;\r\njusqu'à 600 €;1,00 €;\r\nplus de 600 €;1,50 €;\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    std::fs::write(&csv, &bytes).expect("csv");
    let (out, err, status) = common::tarif(&["importer", &csv.to_string_lossy()], None);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("| jusqu'à 600 €     | 1,00 € |"), "{out}");
    assert!(out.contains("tarif soir (par séance)   « Soir »"), "{out}");
    assert!(err.contains("1 grille(s) importée(s)"), "{err}");
    let _ = std::fs::remove_dir_all(&folder);
}

/// A number with no exact decimal (10/3) is a diagnostic at its cell, never a guess.
#[test]
fn an_amount_that_cannot_be_read_exactly_is_said() {
    let folder = folder("inexact");
    let path = folder.join("inexact.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "QF").expect("cell");
    sheet.write_string(0, 1, "Repas").expect("cell");
    sheet.write_string(1, 0, "jusqu'à 600 €").expect("cell");
    sheet.write_number(1, 1, 10.0 / 3.0).expect("cell");
    sheet.write_string(2, 0, "plus de 600 €").expect("cell");
    sheet.write_number(2, 1, 2.0).expect("cell");
    book.save(&path).expect("saved");
    let (_, err, status) = common::tarif(&["importer", &path.to_string_lossy()], None);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("Sheet1!B2 : le nombre 3,3333333333333335 n'a pas de valeur décimale exacte"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// `tarif batch --entree familles.xlsx` and `tarif simuler --familles familles.xlsx`:
/// the first sheet read as the families' file (numbers as the cells show them, choice
/// values as labels, the « N° famille » column as the id), the prices of `tarif eval`.
#[test]
fn families_are_read_from_a_workbook() {
    let folder = folder("familles");
    let path = folder.join("familles.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, header) in ["N° famille", "quotient_caf", "résidence", "rang"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *header).expect("cell");
    }
    let rows: [(&str, f64, &str, f64); 3] = [
        ("F-1", 612.0, "Hors commune", 3.0),
        ("F-2", 300.0, "commune", 1.0),
        // 1 100 computed by a formula's noise.
        ("F-3", 0.1 * 11000.0, "commune", 1.0),
    ];
    for (r, (id, qf, place, rank)) in rows.iter().enumerate() {
        let r = 1 + r as u32;
        sheet.write_string(r, 0, *id).expect("cell");
        sheet.write_number(r, 1, *qf).expect("cell");
        sheet.write_string(r, 2, *place).expect("cell");
        sheet.write_number(r, 3, *rank).expect("cell");
    }
    book.save(&path).expect("saved");
    let (out, err, status) = common::tarif(
        &[
            "batch",
            "deliberations/exempleville-cantine.delib",
            "--entree",
            &path.to_string_lossy(),
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    assert_eq!(
        out.trim_start_matches('\u{feff}'),
        "ligne;id;repas;erreur\r\n2;F-1;2,29;\r\n3;F-2;0,80;\r\n4;F-3;3,60;\r\n"
    );
    let (out, err, status) = common::tarif(
        &[
            "simuler",
            "deliberations/exempleville-cantine.delib",
            "--familles",
            &path.to_string_lossy(),
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("3 ligne(s)"), "{out}");
    let _ = std::fs::remove_dir_all(&folder);
}

/// `tarif batch --sortie resultats.xlsx`: one sheet « Résultats », the header as the
/// CSV's, each tariff's amount a number (read back by a spreadsheet library), an error
/// kept as text.
#[test]
fn results_are_written_as_a_workbook() {
    use calamine::{Data, Reader, open_workbook_auto};
    let folder = folder("resultats");
    let families = folder.join("familles.csv");
    std::fs::write(
        &families,
        "id;quotient_caf;résidence;rang\nF1;612;hors commune;3\nF2;abc;commune;1\n",
    )
    .expect("write");
    let out = folder.join("resultats.xlsx");
    let (_, err, status) = common::tarif(
        &[
            "batch",
            "deliberations/exempleville-cantine.delib",
            "--entree",
            &families.to_string_lossy(),
            "--sortie",
            &out.to_string_lossy(),
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 1, "one family in error: {err}");
    let mut book = open_workbook_auto(&out).expect("a workbook");
    assert_eq!(book.sheet_names(), ["Résultats"]);
    let range = book.worksheet_range("Résultats").expect("sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        rows[0],
        ["ligne", "id", "repas", "erreur"].map(|h| Data::String(h.to_string()))
    );
    assert_eq!(rows[1][1], Data::String("F1".to_string()));
    assert_eq!(rows[1][2], Data::Float(2.29));
    assert!(
        matches!(&rows[2][3], Data::String(e) if e.contains("E111")),
        "{:?}",
        rows[2]
    );
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(&folder)
        .expect("folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tarif"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&folder);
}

/// `tarif simuler … --avant … --sortie simulation.xlsx`: a workbook with « Par
/// tranche » (amounts as numbers) and « Hausses » (the largest increases).
#[test]
fn a_simulation_is_written_as_a_workbook() {
    use calamine::{Data, Reader, open_workbook_auto};
    let folder = folder("simulation");
    let before = std::fs::read_to_string("deliberations/exempleville-cantine.delib").expect("read");
    let after = before
        .replace("| 2,20 € |", "| 2,40 € |")
        .replace("2,29 €", "2,50 €");
    std::fs::write(folder.join("avant.delib"), &before).expect("write");
    std::fs::write(folder.join("apres.delib"), &after).expect("write");
    std::fs::write(
        folder.join("familles.csv"),
        "id;quotient_caf;résidence;rang\nF1;612;hors commune;3\nF2;700;commune;1\nF3;300;commune;1\n",
    )
    .expect("write");
    let out = folder.join("simulation.xlsx");
    let path = |name: &str| folder.join(name).to_string_lossy().into_owned();
    let (_, err, status) = common::tarif(
        &[
            "simuler",
            &path("apres.delib"),
            "--familles",
            &path("familles.csv"),
            "--avant",
            &path("avant.delib"),
            "--date",
            "2025-10-01",
            "--sortie",
            &out.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    let mut book = open_workbook_auto(&out).expect("a workbook");
    assert_eq!(book.sheet_names(), ["Par tranche", "Hausses"]);
    let tranches = book.worksheet_range("Par tranche").expect("sheet");
    let rows: Vec<Vec<Data>> = tranches.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("tarif".to_string()));
    let row = rows
        .iter()
        .find(|r| r.get(1) == Some(&Data::String("de 601 à 800 €".to_string())))
        .expect("the tranche that rose");
    assert_eq!(row[3], Data::Float(2.0), "two families: {row:?}");
    let rises = book.worksheet_range("Hausses").expect("sheet");
    let rows: Vec<Vec<Data>> = rises.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter().any(|r| r.get(5) == Some(&Data::Float(0.2))),
        "{rows:?}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// A workbook of families on its second sheet, with the headers an office writes (the
/// inputs' labels: « Quotient familial », « Rang de l'enfant dans la fratrie »):
/// `--feuille` names the sheet; an unknown sheet is said with the sheets there are.
#[test]
fn families_are_read_from_a_named_sheet_with_french_headers() {
    let folder = folder("feuille");
    let path = folder.join("familles.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("Notes")
        .expect("name")
        .write_string(0, 0, "Familles de la rentrée")
        .expect("cell");
    let sheet = book.add_worksheet();
    sheet.set_name("Familles").expect("name");
    let header = [
        "Numéro",
        "Quotient familial",
        "Résidence",
        "Rang de l'enfant dans la fratrie",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("cell");
    }
    sheet.write_string(1, 0, "F-1").expect("cell");
    sheet.write_number(1, 1, 612.0).expect("cell");
    sheet.write_string(1, 2, "hors commune").expect("cell");
    sheet.write_number(1, 3, 3.0).expect("cell");
    book.save(&path).expect("saved");
    let run = |sheet: &str| {
        common::tarif(
            &[
                "batch",
                "deliberations/exempleville-cantine.delib",
                "--entree",
                &path.to_string_lossy(),
                "--feuille",
                sheet,
                "--sortie",
                "-",
                "--date",
                "2025-10-01",
            ],
            None,
        )
    };
    let (out, err, status) = run("Familles");
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("2;F-1;2,29;"), "{out}");
    let (_, err, status) = run("Feuil1");
    assert_eq!(status, 2);
    assert!(
        err.contains("pas de feuille « Feuil1 » ; les feuilles sont : Notes, Familles"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}
