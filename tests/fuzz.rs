//! A long random run over what users send: mutated deliberations, families with
//! arbitrary values, and files of families with quotes, line breaks, separators,
//! byte-order marks and bytes that are not UTF-8. Nothing may panic; every price is
//! at or above 0 € and to the cent; every record of a file gives exactly one row.
//!
//! A short run is part of `cargo test`. The long run, on this machine's stable
//! toolchain:
//!
//! ```sh
//! TARIF_FUZZ_SECONDS=3600 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! It prints how many cases it ran; a failure prints the smallest input proptest
//! found and the seed of the batch.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rust_decimal::Decimal;
use tarif::batch::{self, Input, Output};
use tarif::document::Document;
use tarif::inputs::records::{Next, Records};

/// The deliberations to mutate: those of `deliberations/` and the published cases.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for folder in [
        "deliberations",
        "tests/cases/published",
        "tests/cases/slips",
        "tests/cases/facture",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "delib"))
            .collect();
        paths.sort();
        texts.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    }
    texts
}

/// One edit of a deliberation: a line deleted, duplicated or swapped, a character
/// deleted or inserted.
fn mutate(text: &str, edits: &[(u8, usize, usize)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    const TOKENS: [&str; 16] = [
        "|", "«", "»", "€", "%", ":", "=", ";", "0", "9", ",", "-", "é", " et ", " QF < ",
        "\u{feff}",
    ];
    for &(kind, a, b) in edits {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match kind % 5 {
            0 => {
                lines.remove(a % n);
            }
            1 => {
                let line = lines[a % n].clone();
                lines.insert(b % n, line);
            }
            2 => lines.swap(a % n, b % n),
            3 => {
                let line = &mut lines[a % n];
                if let Some((i, _)) = line.char_indices().nth(b % line.chars().count().max(1)) {
                    line.remove(i);
                }
            }
            _ => {
                let line = &mut lines[a % n];
                let at = line
                    .char_indices()
                    .nth(b % line.chars().count().max(1))
                    .map_or(line.len(), |(i, _)| i);
                line.insert_str(at, TOKENS[a % TOKENS.len()]);
            }
        }
    }
    lines.join("\n")
}

/// A value a family (or a CSV field) may hold.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..5_000).prop_map(|n| n.to_string()),
        (0u64..500_000).prop_map(|n| format!("{},{:02}", n / 100, n % 100)),
        Just("1e30".to_string()),
        Just("9".repeat(29)),
        Just(format!("0,{}1", "0".repeat(28))),
        Just("-1".to_string()),
        Just("oui".to_string()),
        Just("non".to_string()),
        Just("commune".to_string()),
        Just("hors_commune".to_string()),
        Just("2025-02-29".to_string()),
        Just("2025-10-15".to_string()),
        Just(String::new()),
        "[a-zé\"; ,\t\n]{0,6}",
    ]
}

/// A file of families: a header of input names (maybe misspelt or repeated), then
/// rows of fields joined by a separator, quoted or not, with CRLF or LF.
fn file(names: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    let width = names.len().max(1);
    (
        prop::collection::vec(prop::sample::select(names), 1..=width + 1),
        prop::collection::vec(prop::collection::vec(field(), 0..=width + 2), 0..12),
        prop::sample::select(vec![";", ",", "\t"]),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(|(header, rows, sep, crlf, quoted, junk)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::from("id");
            for name in &header {
                text.push_str(sep);
                text.push_str(name);
            }
            text.push_str(end);
            for (i, row) in rows.iter().enumerate() {
                text.push_str(&format!("F-{i}"));
                for f in row {
                    text.push_str(sep);
                    if quoted {
                        text.push('"');
                        text.push_str(&f.replace('"', "\"\""));
                        text.push('"');
                    } else {
                        text.push_str(f);
                    }
                }
                text.push_str(end);
            }
            let mut bytes = text.into_bytes();
            // A few stray bytes (a Windows-1252 é, a lone quote…) somewhere.
            for (i, b) in junk.iter().enumerate() {
                let at = (usize::from(*b) * (i + 7)) % (bytes.len() + 1);
                bytes.insert(at, *b);
            }
            bytes
        })
}

/// Prices every tariff of a family: never a panic, never below 0 €, always cents.
fn price_family(document: &Document, json: &str) -> Result<(), TestCaseError> {
    let d = &document.deliberation;
    let read = tarif::inputs::read_family(d, json);
    let date = tarif::eval::service_date(&read.family, None, d.meta.applicable_from);
    for priced in read.price(d, date, &[], true) {
        if let Ok(amount) = priced.result {
            prop_assert!(amount >= Decimal::ZERO, "{amount} below 0 € for {json}");
            prop_assert!(amount.scale() <= 2, "{amount} not in cents for {json}");
        }
    }
    Ok(())
}

/// Reads a file of families record by record and prices each: one row per record.
fn run_file(document: &Document, bytes: &[u8]) -> Result<(), TestCaseError> {
    let d = &document.deliberation;
    let mut records = Records::new(bytes, true);
    let mut header = String::new();
    if !matches!(records.next_into(&mut header), Next::Record { .. }) {
        return Ok(());
    }
    let Some(input) = batch::csv_input(d, &header) else {
        return Ok(());
    };
    if let Input::Csv { columns, .. } = &input
        && !columns.problems.is_empty()
    {
        return Ok(());
    }
    let mut session = tarif::eval::Session::new(d);
    let date = d.meta.applicable_from;
    let output = Output::Csv { separator: b';' };
    let mut previous_line = 1;
    loop {
        let mut text = String::new();
        let next = records.next_into(&mut text);
        let line = match next {
            Next::End | Next::TooLong { .. } => return Ok(()),
            Next::Record { line } | Next::Unclosed { line } | Next::NotText { line } => line,
        };
        prop_assert!(line > previous_line, "records out of order");
        previous_line = line;
        let row = batch::row(
            document,
            &mut session,
            &input,
            output,
            &[],
            date,
            line,
            &text,
        );
        let batch::Content::Csv(fields) = row.content else {
            return Err(TestCaseError::fail("a CSV row"));
        };
        prop_assert_eq!(fields.first().cloned(), Some(line.to_string()));
    }
}

/// A month of days of arbitrary states, instants, hours and motives: the invoice of
/// any deliberation with a règlement never panics, its total is the sum of its lines.
fn days() -> impl Strategy<Value = String> {
    let instant = prop_oneof![
        Just(String::new()),
        (1u32..32, 0u32..24, 0u32..60)
            .prop_map(|(d, h, m)| format!("{d:02}/10/2025 {h:02}:{m:02}")),
        (1u32..31).prop_map(|d| format!("{d:02}/09/2025")),
        Just("2025-10-02T25:00".to_string()),
    ];
    let hour = prop_oneof![
        Just(String::new()),
        (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h}:{m:02}")),
        Just("7 h 45".to_string()),
    ];
    let row = (
        1u32..32,
        prop::sample::select(vec![
            "présent",
            "absent",
            "annulé",
            "non réservé",
            "absent justifié",
            "réservé hors délai",
            "?",
        ]),
        instant.clone(),
        instant.clone(),
        instant,
        hour.clone(),
        hour,
        prop::sample::select(vec!["", "maladie", "hospitalisation", "fermeture", "grève"]),
    )
        .prop_map(|(day, state, booked, cancelled, proof, from, to, motive)| {
            format!("{day:02}/10/2025;{state};{booked};{cancelled};{proof};{from};{to};{from};{to};{motive}\n")
        });
    prop::collection::vec(row, 0..30).prop_map(|rows| {
        format!(
            "date;état;réservé le;annulé le;justificatif le;arrivée;départ;arrivée prévue;départ prévu;motif\n{}",
            rows.concat()
        )
    })
}

fn invoice_month(document: &Document, days_text: &str) -> Result<(), TestCaseError> {
    let d = &document.deliberation;
    if d.billing.is_empty() {
        return Ok(());
    }
    let days = tarif::billing::days::read(days_text);
    let family = tarif::inputs::read_family(
        d,
        r#"{"quotient_caf": 612, "qf": 612, "heures_semaine": 40, "semaines": 47}"#,
    );
    let month = tarif::billing::invoice::Month::parse("2025-10").expect("a month");
    let invoice = tarif::billing::invoice::invoice(d, &family, &days.days, month);
    // Lines rounded each to the cent (the default): the total is their sum.
    if let Some(total) = invoice.total
        && d.billing.iter().all(|b| b.rounding.each_line)
    {
        let sum: Decimal = invoice.lines.iter().map(|l| l.amount).sum();
        prop_assert_eq!(total, sum);
    }
    let _ = tarif::billing::render::to_text(document, &invoice);
    Ok(())
}

fn run(seconds: u64, cases_per_batch: u32) {
    let texts = corpus();
    let documents: Vec<Document> = texts
        .iter()
        .filter_map(|t| Document::from_source(t).ok())
        .collect();
    assert!(!documents.is_empty());
    let started = Instant::now();
    let (mut cases, mut batches) = (0u64, 0u64);
    loop {
        let seed: [u8; 32] =
            std::array::from_fn(|i| (batches as u8).wrapping_mul(31).wrapping_add(i as u8));
        let config = Config {
            cases: cases_per_batch,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let names: Vec<String> = documents
            .iter()
            .flat_map(|d| d.deliberation.inputs.iter().map(|i| i.name.clone()))
            .chain(["reserve_a_temp".to_string(), "résidence".to_string()])
            .collect();
        let strategy = (
            0..texts.len(),
            prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..8),
            0..documents.len(),
            prop::collection::vec((prop::sample::select(names.clone()), field()), 0..6),
            file(names),
            days(),
        );
        let result = runner.run(&strategy, |(t, edits, doc, pairs, bytes, days)| {
            // A mutated deliberation: compiled and rendered without panic, its month
            // invoiced.
            let source = mutate(&texts[t], &edits);
            let compiled = tarif::compile(&source);
            let _ = tarif::report::to_text("f.delib", &source, &compiled.diagnostics, false);
            if let Ok(document) = Document::from_source(&source) {
                price_family(&document, "{}")?;
                invoice_month(&document, &days)?;
            }
            // A family of arbitrary values, keys possibly repeated.
            let document = &documents[doc];
            let body: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", serde_json::json!(k), serde_json::json!(v)))
                .collect();
            price_family(document, &format!("{{ {} }}", body.join(", ")))?;
            invoice_month(document, &days)?;
            // A file of families.
            run_file(document, &bytes)
        });
        batches += 1;
        cases += u64::from(cases_per_batch);
        if let Err(failure) = result {
            panic!("after {cases} cases (batch {batches}, seed {seed:?}): {failure}");
        }
        if started.elapsed() >= Duration::from_secs(seconds) {
            break;
        }
    }
    println!(
        "fuzz : {cases} cas en {} s, aucune panique, aucun prix faux, une ligne par enregistrement",
        started.elapsed().as_secs()
    );
}

#[test]
fn random_files_and_families() {
    let seconds = std::env::var("TARIF_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    run(seconds, if seconds == 0 { 64 } else { 256 });
}
