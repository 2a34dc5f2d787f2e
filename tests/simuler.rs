//! `tarif simuler` against `tarif batch`: its totals are the sums of the prices batch
//! gives for the same file; with `--avant`, its counts and largest increase are those a
//! family-by-family comparison of two batches finds.

mod common;

use std::collections::BTreeMap;
use std::str::FromStr;

use common::tarif;
use rust_decimal::Decimal;
use serde_json::Value as Json;

/// A reproducible population: QF (5 % absent, some unreadable), residence (a few
/// missing: not priceable), rank, PAI, meals per year; two lines with a wrong number
/// of columns.
fn population(n: usize) -> String {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let mut text = String::from("id;quotient_caf;résidence;rang;pai;repas\n");
    for i in 0..n {
        let qf = match next(100) {
            0..=4 => String::new(),
            5 => "beaucoup".to_string(),
            _ => next(2500).to_string(),
        };
        let residence = match next(50) {
            0 => "",
            1..=10 => "hors_commune",
            _ => "commune",
        };
        let meals = match next(10) {
            0 => String::new(),
            1 => format!("{},5", next(100)),
            _ => next(180).to_string(),
        };
        if i % 997 == 500 {
            text.push_str(&format!("F{i};{qf};{residence}\n"));
            continue;
        }
        text.push_str(&format!(
            "F{i};{qf};{residence};{};{};{meals}\n",
            1 + next(4),
            if next(10) == 0 { "oui" } else { "non" }
        ));
    }
    text
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("tarif-simuler-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write");
    path
}

/// The cantine of the year before: the first tranche cheaper (the new grid raises it),
/// the third dearer (the new grid lowers it).
fn old_grid() -> std::path::PathBuf {
    let old =
        common::cantine_year_before(&[("| 0,80 € |", "| 0,75 € |"), ("| 2,20 € |", "| 2,30 € |")]);
    write("ancienne.delib", &old)
}

/// `tarif batch`'s price of each line (`None`: in error), by line number.
fn batch(file: &str, families: &std::path::Path, date: &str) -> BTreeMap<usize, Option<Decimal>> {
    let (out, err, _) = tarif(
        &[
            "batch",
            file,
            "--entree",
            &families.to_string_lossy(),
            "--sortie",
            "-",
            "--date",
            date,
        ],
        None,
    );
    assert!(out.starts_with("ligne;id;repas;erreur"), "{out}{err}");
    out.lines()
        .skip(1)
        .map(|row| {
            let fields: Vec<&str> = row.split(';').collect();
            let line = fields[0].parse().expect("line number");
            let price = Some(fields[2])
                .filter(|p| !p.is_empty())
                .map(|p| Decimal::from_str(&p.replace(',', ".")).expect("price"));
            (line, price)
        })
        .collect()
}

fn decimal(value: &Json) -> Decimal {
    Decimal::from_str(
        value
            .as_str()
            .unwrap_or_else(|| panic!("a decimal string: {value}")),
    )
    .expect("decimal")
}

fn simulate(args: &[&str]) -> Json {
    let (out, err, status) = tarif(args, None);
    assert_eq!(status, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The meals of each line (1 when the cell is empty), by line number.
fn quantities(text: &str) -> BTreeMap<usize, Decimal> {
    text.lines()
        .enumerate()
        .skip(1)
        .map(|(i, row)| {
            let cell = row.split(';').nth(5).unwrap_or("");
            let q = match cell {
                "" => Decimal::ONE,
                c => Decimal::from_str(&c.replace(',', ".")).expect("quantity"),
            };
            (i + 1, q)
        })
        .collect()
}

#[test]
fn totals_are_the_sums_of_batch_and_the_changes_those_of_two_batches() {
    let text = population(5_000);
    let families = write("familles.csv", &text);
    let old = old_grid();
    let new_file = "deliberations/exempleville-cantine.delib";
    let now = batch(new_file, &families, "2025-10-15");
    let before = batch(&old.to_string_lossy(), &families, "2025-08-31");
    let meals = quantities(&text);
    let json = simulate(&[
        "simuler",
        new_file,
        "--familles",
        &families.to_string_lossy(),
        "--avant",
        &old.to_string_lossy(),
        "--date",
        "2025-10-15",
        "--quantite",
        "repas",
        "--format",
        "json",
    ]);
    let repas = &json["tarifs"]["repas"];
    // Every line is counted once: priced or in error.
    let priced: Vec<(usize, Decimal)> = now
        .iter()
        .filter_map(|(line, p)| p.map(|p| (*line, p)))
        .collect();
    assert_eq!(repas["familles"], priced.len());
    assert_eq!(repas["erreurs"], now.len() - priced.len());
    assert!(
        repas["erreurs"].as_u64().unwrap_or(0) > 0,
        "the population has errors"
    );
    // Revenue: Σ price × meals.
    let revenue: Decimal = priced
        .iter()
        .map(|(line, p)| *p * meals.get(line).copied().unwrap_or(Decimal::ONE))
        .sum();
    assert_eq!(decimal(&repas["recette"]), revenue);
    // Median: the lower middle price.
    let mut prices: Vec<Decimal> = priced.iter().map(|(_, p)| *p).collect();
    prices.sort();
    assert_eq!(decimal(&repas["mediane"]), prices[(prices.len() - 1) / 2]);
    // The tranches add up to the tariff.
    let tranches = repas["tranches"].as_array().expect("tranches");
    assert_eq!(tranches.len(), 9, "8 rows and « inconnu »");
    let count: u64 = tranches.iter().filter_map(|t| t["familles"].as_u64()).sum();
    assert_eq!(count, priced.len() as u64);
    let sum: Decimal = tranches.iter().map(|t| decimal(&t["recette"])).sum();
    assert_eq!(sum, revenue);
    // The comparison, family by family.
    let (mut more, mut less, mut same) = (0u64, 0u64, 0u64);
    let mut largest = Decimal::MIN;
    let mut revenue_before = Decimal::ZERO;
    for (line, price) in &priced {
        let Some(Some(old_price)) = before.get(line) else {
            continue;
        };
        let change = *price - *old_price;
        match change.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Greater => more += 1,
            std::cmp::Ordering::Less => less += 1,
            std::cmp::Ordering::Equal => same += 1,
        }
        largest = largest.max(change);
        revenue_before += *old_price * meals.get(line).copied().unwrap_or(Decimal::ONE);
    }
    assert!(more > 0 && less > 0 && same > 0, "{more} {less} {same}");
    assert_eq!(repas["hausses"], more);
    assert_eq!(repas["baisses"], less);
    assert_eq!(repas["inchanges"], same);
    assert_eq!(
        more + less + same,
        repas["familles"].as_u64().unwrap_or(0) - repas["erreurs_avant"].as_u64().unwrap_or(0)
    );
    assert_eq!(decimal(&repas["hausse_max"]), largest);
    assert_eq!(decimal(&repas["recette_avant"]), revenue_before);
    let top = repas["plus_fortes_hausses"].as_array().expect("largest");
    assert_eq!(top.len(), 20);
    assert_eq!(decimal(&top[0]["hausse"]), largest);
    let line = top[0]["ligne"].as_u64().expect("line") as usize;
    assert_eq!(
        now[&line].zip(before[&line]).map(|(a, b)| a - b),
        Some(largest)
    );
    let _ = std::fs::remove_file(families);
    let _ = std::fs::remove_file(old);
}

/// Families given with their children (JSON Lines): each child's price counts, as the
/// rows of `tarif batch` give them; the text report is in French.
#[test]
fn children_and_the_french_report() {
    let lines = [
        r#"{"id":"A","date":"2025-10-15","quotient_caf":612,"résidence":"commune","enfants":[{"id":"Léa","naissance":"2014-03-12"},{"id":"Tom","naissance":"2018-02-01"},{"id":"Zoé","naissance":"2020-05-05"}]}"#,
        r#"{"id":"B","date":"2025-10-15","quotient_caf":1500,"résidence":"hors_commune","enfants":[{"id":"Max","naissance":"2016-01-01"}]}"#,
        "pas une famille",
    ];
    let families = write("fratries.jsonl", &lines.join("\n"));
    let file = "deliberations/exempleville-fratries.delib";
    let (out, _, _) = tarif(
        &[
            "batch",
            file,
            "--entree",
            &families.to_string_lossy(),
            "--sortie",
            "-",
        ],
        None,
    );
    let mut expected = Decimal::ZERO;
    let mut children = 0;
    for line in out.lines() {
        let json: Json = serde_json::from_str(line).expect("a JSON line");
        for child in json["enfants"].as_array().into_iter().flatten() {
            expected += decimal(&child["tarifs"]["repas"]["montant"]);
            children += 1;
        }
    }
    assert_eq!(children, 4);
    let json = simulate(&[
        "simuler",
        file,
        "--familles",
        &families.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(json["tarifs"]["repas"]["familles"], children);
    assert_eq!(decimal(&json["tarifs"]["repas"]["recette"]), expected);
    assert_eq!(json["tarifs"]["repas"]["erreurs"], 1);
    let (text, _, status) = tarif(
        &["simuler", file, "--familles", &families.to_string_lossy()],
        None,
    );
    assert_eq!(status, 0);
    assert!(text.contains("Tarif « repas » (par repas)"), "{text}");
    assert!(text.contains("recette : "), "{text}");
    assert!(text.contains("1 ligne(s) illisible(s)"), "{text}");
    let (csv, _, _) = tarif(
        &[
            "simuler",
            file,
            "--familles",
            &families.to_string_lossy(),
            "--format",
            "csv",
        ],
        None,
    );
    assert!(
        csv.starts_with("tarif;tranche;ligne;familles;erreurs;recette"),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.starts_with("repas;total;")), "{csv}");
    let _ = std::fs::remove_file(families);
}

#[test]
fn a_quantity_column_that_does_not_exist_is_refused() {
    let families = write("q.csv", "id;quotient_caf;résidence\nA;300;commune\n");
    let (_, err, status) = tarif(
        &[
            "simuler",
            "deliberations/exempleville-cantine.delib",
            "--familles",
            &families.to_string_lossy(),
            "--quantite",
            "repas",
        ],
        None,
    );
    assert_eq!(status, 2);
    assert!(err.contains("aucune colonne « repas »"), "{err}");
    let _ = std::fs::remove_file(families);
}

#[test]
fn a_fall_keeps_its_sign_and_the_lines_in_error_are_named() {
    // The year before, the tranche 601–800 € cost 2,30 €: the new grid lowers it.
    let old = write(
        "baisse.delib",
        &common::cantine_year_before(&[("| 2,20 € |", "| 2,30 € |")]),
    );
    let mut families = String::from("id;quotient_caf;résidence;rang;pai\n");
    families.push_str("A;612;commune;1;non\nB;700;commune;1;non\n");
    families.push_str("C;beaucoup;commune;1;non\nD;300;;1;non\nE;200;commune\n");
    for i in 0..30 {
        families.push_str(&format!("X{i};300;;1;non\n"));
    }
    let families = write("baisse.csv", &families);
    let args = [
        "simuler",
        "deliberations/exempleville-cantine.delib",
        "--familles",
        &families.to_string_lossy(),
        "--avant",
        &old.to_string_lossy(),
    ];
    let (text, _, status) = tarif(&args, None);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("recette avant : 4,60 € (-0,20 €)"), "{text}");
    assert!(
        text.contains("variation moyenne : -0,10 €, médiane : -0,10 €"),
        "{text}"
    );
    assert!(text.contains("Lignes en erreur : 33"), "{text}");
    assert!(
        text.contains("ligne 4 « C » : E111 « quotient_caf » doit être un montant"),
        "{text}"
    );
    assert!(
        text.contains("ligne 5 « D » (tarif « repas ») : E102 une condition ne peut pas être décidée : « résidence » manque"),
        "{text}"
    );
    assert!(
        text.contains("ligne 6 : E123 la ligne a 3 colonne(s)"),
        "{text}"
    );
    // The first 20 are named, in the order of the file; the rest are counted.
    assert!(text.contains("ligne 23 « X16 »"), "{text}");
    assert!(!text.contains("ligne 24 « X17 »"), "{text}");
    assert!(
        text.contains("… et 13 autre(s) ligne(s) en erreur : « tarif batch »"),
        "{text}"
    );

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = simulate(&json_args);
    assert_eq!(json["lignes_en_erreur"], 33);
    let errors = json["erreurs"].as_array().expect("erreurs");
    assert_eq!(errors.len(), 20);
    assert_eq!(errors[1]["tarif"], "repas");
    assert_eq!(errors[1]["code"], "E102");
    assert_eq!(json["tarifs"]["repas"]["variation_moyenne"], "-0.10");
    let _ = std::fs::remove_file(families);
    let _ = std::fs::remove_file(old);
}
