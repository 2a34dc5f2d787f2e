//! `tarif batch`: one output row per input line, in order, each error with its line.

mod common;

use common::tarif;

const DELIBERATION: &str = "deliberations/exempleville-cantine.delib";

#[test]
fn csv_with_bad_lines_gives_one_row_per_line() {
    let input = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/batch/familles.csv"
    ))
    .expect("fixture");
    let (stdout, stderr, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            "tests/cases/batch/familles.csv",
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 1, "{stderr}");
    let lines = input.split('\n').count();
    assert_eq!(
        stdout.lines().count(),
        lines,
        "header + one row per family line"
    );
    let numbers: Vec<String> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(';').next().unwrap_or("").to_string())
        .collect();
    let expected: Vec<String> = (2..=lines).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_lines_with_bad_lines_gives_one_result_per_line() {
    let (stdout, stderr, status) = tarif(
        &[
            "lot",
            DELIBERATION,
            "--entree",
            "tests/cases/batch/familles.jsonl",
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 1, "{stderr}");
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let numbers: Vec<u64> = rows
        .iter()
        .map(|r| r["ligne"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert_eq!(rows[0]["tarifs"]["repas"]["montant"], "2.29");
    assert!(rows[1]["erreurs"][0]["code"] == "E120");
    assert!(rows[2]["erreurs"][0]["code"] == "E112");
    assert!(rows[3]["erreurs"][0]["code"] == "E121");
    assert!(
        rows[4]["erreurs"][0]["code"] == "E121",
        "truncated last line"
    );
}

#[test]
fn a_large_batch_keeps_the_order_and_every_row() {
    let mut input = String::from("id,quotient_caf,résidence,rang\n");
    let n = 40_000;
    for i in 0..n {
        input.push_str(&format!("F{i},{},commune,{}\n", i % 2_600, 1 + i % 4));
    }
    let (stdout, stderr, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            "-",
            "--sortie",
            "-",
            "--date",
            "2025-10-01",
        ],
        Some(&input),
    );
    assert_eq!(status, 0, "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), n + 1);
    for (i, row) in rows.iter().skip(1).enumerate() {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields[0], (i + 2).to_string());
        assert_eq!(fields[1], format!("F{i}"));
    }
    assert!(
        stderr.contains("40000 ligne(s) : 40000 tarifée(s), 0 en erreur"),
        "{stderr}"
    );
}

#[test]
fn an_empty_line_of_a_one_column_file_is_an_error_not_a_family() {
    // One column: an empty line has as many fields as the header, and is still no
    // family (it would pay the price of a family without quotient).
    let (stdout, stderr, status) = tarif(
        &[
            "batch",
            LANGON,
            "--entree",
            "-",
            "--sortie",
            "-",
            "--date",
            "2023-10-01",
        ],
        Some("qf\n612\n\n400\n"),
    );
    assert_eq!(status, 1, "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert!(
        rows[2].starts_with("3,,,,") && rows[2].contains("E120"),
        "{stdout}"
    );
    assert!(
        rows[1].starts_with("2,,0.95,") && rows[3].starts_with("4,,0.95,"),
        "{stdout}"
    );
}

#[test]
fn a_line_too_long_after_many_chunks_stops_the_batch_and_writes_nothing() {
    // Read ahead while the previous rows are priced, the line too long still stops
    // everything: no result file, its number given.
    let dir = std::env::temp_dir().join(format!("tarif-trop-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let mut input = String::from("id,quotient_caf,résidence,rang\n");
    let rows = 40_000;
    for i in 0..rows {
        input.push_str(&format!("F{i},{},commune,1\n", i % 2_600));
    }
    input.push_str(&"9".repeat(2 << 20));
    input.push_str("\nG,100,commune,1\n");
    let families = dir.join("familles.csv");
    std::fs::write(&families, &input).expect("families");
    let out = dir.join("resultats.csv");
    let (_, stderr, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            &families.to_string_lossy(),
            "--sortie",
            &out.to_string_lossy(),
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("la ligne {} dépasse", rows + 2)),
        "{stderr}"
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_lines_with_justification() {
    let (stdout, _, status) = tarif(
        &[
            "batch",
            DELIBERATION,
            "--entree",
            "-",
            "--sortie",
            "-",
            "--justification",
            "--date",
            "2025-10-01",
        ],
        Some("{\"id\":\"A\",\"quotient_caf\":612,\"résidence\":\"commune\"}\n"),
    );
    assert_eq!(status, 0);
    let row: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON");
    assert_eq!(row["tarifs"]["repas"]["montant"], "2.20");
    assert!(
        row["tarifs"]["repas"]["justification"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

/// `tests/cases/fiabilite/*`: the files people really send (Excel's CSV, tabs,
/// duplicates, misspelt headers, quoted line breaks, unclosed quotes, BOM, numbers
/// out of range). Each gives the price its UTF-8 twin gives, or a clear refusal: the
/// transcript (stdout, stderr, status) is the snapshot.
#[test]
fn files_people_send() {
    insta::glob!("cases/fiabilite/*", |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let relative = format!("tests/cases/fiabilite/{name}");
        let args = if name.ends_with(".json") {
            vec![
                "eval",
                LANGON,
                "--famille",
                &relative,
                "--date",
                "2023-10-01",
            ]
        } else {
            vec![
                "batch",
                LANGON,
                "--entree",
                &relative,
                "--sortie",
                "-",
                "--date",
                "2023-10-01",
            ]
        };
        let (stdout, stderr, status) = tarif(&args, None);
        // The time taken changes from run to run.
        let stderr: String = stderr
            .lines()
            .map(|l| match l.find(" en erreur, en ") {
                Some(i) => format!("{} en erreur", &l[..i]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(format!(
            "$ tarif {}\n── sortie ──\n{stdout}── erreurs ──\n{stderr}\n── code de sortie : {status}\n",
            args.join(" ")
        ));
    });
}

const LANGON: &str = "deliberations/le-langon-cantine.delib";

/// Excel's file gives exactly the prices of the same file saved in UTF-8.
#[test]
fn windows_1252_gives_the_prices_of_utf8() {
    let dir = std::env::temp_dir().join(format!("tarif-encodage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let utf8 = dir.join("familles.csv");
    let text = "id;qf;réservé_à_temps\r\nL-1;1200;non\r\nL-2;2000;oui\r\nL-3;800;non\r\n";
    std::fs::write(&utf8, text).expect("UTF-8 file");
    let run = |path: &str| {
        tarif(
            &[
                "batch",
                LANGON,
                "--entree",
                path,
                "--sortie",
                "-",
                "--date",
                "2023-10-01",
            ],
            None,
        )
    };
    let (from_utf8, _, status) = run(&utf8.to_string_lossy());
    assert_eq!(status, 0);
    let (from_excel, _, status) = run("tests/cases/fiabilite/excel-windows-1252.csv");
    assert_eq!(status, 0);
    assert_eq!(from_utf8, from_excel);
    assert!(from_excel.contains("L-1;3,90"), "{from_excel}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write that fails is an error, and `--sortie` keeps its old content.
#[test]
fn a_failed_or_refused_output_is_not_success() {
    let dir = std::env::temp_dir().join(format!("tarif-sortie-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let families = dir.join("familles.csv");
    std::fs::write(&families, "id;qf\nA;100\n").expect("families");
    let families = families.to_string_lossy().into_owned();
    // The output is the input: refused, the input untouched.
    let (_, stderr, status) = tarif(
        &[
            "batch", LANGON, "--entree", &families, "--sortie", &families,
        ],
        None,
    );
    assert_eq!(status, 2, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&families).expect("families"),
        "id;qf\nA;100\n"
    );
    // A full device.
    if std::path::Path::new("/dev/full").exists() {
        let (_, stderr, status) = tarif(
            &[
                "batch",
                LANGON,
                "--entree",
                &families,
                "--sortie",
                "/dev/full",
            ],
            None,
        );
        assert_eq!(status, 2, "{stderr}");
        assert!(stderr.contains("disque plein"), "{stderr}");
    }
    // A result file is written whole, readable by all.
    let out = dir.join("resultats.csv");
    let (_, stderr, status) = tarif(
        &[
            "batch",
            LANGON,
            "--entree",
            &families,
            "--sortie",
            &out.to_string_lossy(),
            "--date",
            "2023-10-01",
        ],
        None,
    );
    assert_eq!(status, 0, "{stderr}");
    let written = std::fs::read_to_string(&out).expect("results");
    assert_eq!(written.lines().count(), 2, "{written}");
    let leftovers = std::fs::read_dir(&dir)
        .expect("folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tarif"))
        .count();
    assert_eq!(leftovers, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The residence read from the certified address works in a batch of JSON Lines.
#[test]
fn certified_residence_in_a_batch() {
    let (stdout, stderr, status) = tarif(
        &[
            "batch",
            "deliberations/roncq-cantine.delib",
            "--entree",
            "tests/cases/batch/residences-certifiees.jsonl",
            "--sortie",
            "-",
        ],
        None,
    );
    assert_eq!(status, 0, "{stderr}");
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["tarifs"]["repas"]["montant"], "2.35");
    assert_eq!(rows[1]["tarifs"]["repas"]["montant"], "6.50");
}

#[test]
fn the_leftover_of_a_killed_batch_is_removed_by_the_next() {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tarif-restes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("folder");
    // A batch killed with SIGKILL leaves its temporary file; its process is gone.
    let leftover = dir.join(".tarif-resultats-4194303-Ab12Cd");
    std::fs::write(&leftover, "ligne;id\n1;A\n").expect("leftover");
    let families = dir.join("familles.csv");
    std::fs::write(&families, "id;quotient_caf;résidence\nA;300;commune\n").expect("families");
    let (_, err, status) = tarif(
        &[
            "batch",
            "deliberations/exempleville-cantine.delib",
            "--entree",
            &families.to_string_lossy(),
            "--sortie",
            &dir.join("resultats.csv").to_string_lossy(),
            "--date",
            "2025-10-15",
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    assert!(!leftover.exists(), "{err}");
    assert!(err.contains("reste d'un lot interrompu"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Families saved by Excel (Windows-1252, `;`, CRLF, accented headers): the results
/// are written as Excel opens them (a UTF-8 byte-order mark, `;`, decimal commas, CRLF),
/// with the prices of the same families in UTF-8; `tarif simuler --format csv` too.
/// `--excel` asks for it from a plain CSV.
#[test]
fn excel_files_give_results_excel_opens() {
    let folder = std::env::temp_dir().join(format!("tarif-batch-excel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    let text = "id;quotient_caf;résidence;rang\r\nF1;612;hors_commune;3\r\nF2;300;commune;1\r\nF3;1 100;commune;1\r\n";
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let excel = folder.join("familles-excel.csv");
    std::fs::write(&excel, &latin).expect("write");
    let plain = folder.join("familles.csv");
    std::fs::write(
        &plain,
        text.replace("\r\n", "\n")
            .replace(';', ",")
            .replace("1 100", "1100"),
    )
    .expect("write");
    let cantine = "deliberations/exempleville-cantine.delib";
    let out = folder.join("resultats.csv");
    let run = |input: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "batch",
            cantine,
            "--entree",
            input.to_str().expect("path"),
            "--sortie",
            out.to_str().expect("path"),
            "--date",
            "2025-10-01",
        ];
        args.extend_from_slice(extra);
        let (_, err, status) = common::tarif(&args, None);
        assert_eq!(status, 0, "{err}");
        std::fs::read(&out).expect("results")
    };
    let from_excel = run(&excel, &[]);
    assert!(from_excel.starts_with(b"\xef\xbb\xbf"), "a byte-order mark");
    let text = String::from_utf8(from_excel).expect("UTF-8");
    assert_eq!(
        text.trim_start_matches('\u{feff}'),
        "ligne;id;repas;erreur\r\n2;F1;2,29;\r\n3;F2;0,80;\r\n4;F3;3,60;\r\n"
    );
    // The same families in UTF-8 with `,`: the same prices, written as before…
    let from_plain = String::from_utf8(run(&plain, &[])).expect("UTF-8");
    assert_eq!(
        from_plain,
        "ligne,id,repas,erreur\n2,F1,2.29,\n3,F2,0.80,\n4,F3,3.60,\n"
    );
    // … or as Excel opens them.
    let asked = String::from_utf8(run(&plain, &["--excel"])).expect("UTF-8");
    assert_eq!(asked, text);
    // Read back by a CSV reader as a spreadsheet would: headers and amounts.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, ["ligne", "id", "repas", "erreur"]);
    let amounts: Vec<String> = reader
        .records()
        .map(|r| r.expect("record")[2].to_string())
        .collect();
    assert_eq!(amounts, ["2,29", "0,80", "3,60"]);
    // The simulation's CSV of the same Excel file.
    let (out, err, status) = common::tarif(
        &[
            "simuler",
            cantine,
            "--familles",
            excel.to_str().expect("path"),
            "--format",
            "csv",
            "--date",
            "2025-10-01",
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    assert!(out.starts_with('\u{feff}'), "{out}");
    assert!(out.contains("\r\n") && out.contains(";"), "{out}");
    let _ = std::fs::remove_dir_all(&folder);
}

/// A families file as an office keeps it: the reference in a column « N° famille »
/// (or « Numéro », « Référence »), and a whole quotient typed `870,5`, refused with one
/// message (not also « obligatoire »).
#[test]
fn an_office_file_is_read_as_it_is_kept() {
    let folder = std::env::temp_dir().join(format!("tarif-batch-bureau-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    let families = folder.join("familles.csv");
    std::fs::write(
        &families,
        "N° famille;qf;résidence\nF-12;870,5;commune\nF-13;612;hors commune\n",
    )
    .expect("write");
    let (out, err, status) = tarif(
        &[
            "batch",
            "tests/cases/language/formulations-publiees.delib",
            "--entree",
            families.to_str().expect("path"),
            "--sortie",
            "-",
            "--date",
            "2026-10-01",
            "--tarif",
            "transport",
        ],
        None,
    );
    assert_eq!(status, 1, "{err}");
    assert!(
        !err.contains("N° famille"),
        "the column is the id, not ignored: {err}"
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1],
        "2;F-12;;1;;ligne 2 : E114 « qf » doit être un nombre entier"
    );
    assert_eq!(lines[2], "3;F-13;;1;1,50;");
    let _ = std::fs::remove_dir_all(&folder);
}
