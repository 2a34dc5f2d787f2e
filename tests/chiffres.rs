//! No silent wrong figure (issue « Aucun chiffre faux en silence, troisième passe »),
//! from the CLI: the aide's rounding keeps families in their published tranche, a
//! coarser rounding is reported.

mod common;

use common::tarif;
use rust_decimal::Decimal;

const GRID: &str = "tests/cases/grids/quotient-fiscal-au-centime.delib";

/// The tranche the published text gives an exact quotient; `None` strictly between
/// two bounds written at the cent (the text says nothing there).
fn published_tranche(q: Decimal) -> Option<&'static str> {
    let at = |m: i64| Decimal::new(m, 2);
    if q <= at(457347) {
        Some("1,00")
    } else if q >= at(457348) && q <= at(914694) {
        Some("2,00")
    } else if q >= at(914695) {
        Some("3,00")
    } else {
        None
    }
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tarif-chiffres-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

/// Prices `(revenu, parts)` families with `tarif batch`: the price text of each.
fn batch(delib: &std::path::Path, families: &[(Decimal, u32)]) -> Vec<String> {
    let dir = delib.parent().expect("folder");
    let input = dir.join("familles.csv");
    let mut csv = String::from("id;revenu_brut_global;parts\n");
    for (i, (revenu, parts)) in families.iter().enumerate() {
        csv.push_str(&format!(
            "F{i};{};{parts}\n",
            revenu.to_string().replace('.', ",")
        ));
    }
    std::fs::write(&input, csv).expect("families");
    let (out, err, status) = tarif(
        &[
            "batch",
            &delib.display().to_string(),
            "--entree",
            &input.display().to_string(),
            "--sortie",
            "-",
            "--date",
            "2026-10-01",
        ],
        None,
    );
    assert_eq!(status, 0, "{out}{err}");
    out.lines()
        .skip(1)
        .map(|l| l.split(';').nth(2).unwrap_or("").to_string())
        .collect()
}

/// Revenues around each bound, for 1 to 4 parts: every exact quotient a cent or less
/// from a bound, and thirds and quarters of a cent.
fn families_around_bounds() -> Vec<(Decimal, u32)> {
    let mut families = Vec::new();
    for parts in 1..=4u32 {
        for bound in [457347i64, 457348, 914694, 914695] {
            for cents in -150i64..=150 {
                let q = Decimal::new(bound, 2) + Decimal::new(cents, 2);
                // Revenues with cents whose quotient falls on and between cents.
                let revenue = (q * Decimal::from(parts)).round_dp(2);
                families.push((revenue, parts));
            }
        }
    }
    families
}

#[test]
fn the_aides_rounding_keeps_every_family_in_its_published_tranche() {
    let (out, _, status) = tarif(&["check", "--format", "json", GRID], None);
    assert_eq!(status, 1, "{out}");
    let diagnostics: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let aides: Vec<&str> = diagnostics
        .as_array()
        .expect("a list")
        .iter()
        .filter(|d| d["code"] == "E030")
        .filter_map(|d| d["aide"].as_str())
        .collect();
    assert_eq!(aides.len(), 2, "{out}");
    // The aide, followed literally: the rounding it names, around the computed value.
    let mode = aides[0]
        .split("arrondi(… ; ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the aide names a rounding");
    assert_eq!(mode, "au centime inférieur", "{}", aides[0]);
    let source = std::fs::read_to_string(GRID).expect("grid");
    let fixed = source.replace(
        "qf : montant = revenu_brut_global / parts",
        &format!("qf : montant = arrondi(revenu_brut_global / parts ; {mode})"),
    );
    let dir = scratch("aide");
    let path = dir.join("corrigee.delib");
    std::fs::write(&path, &fixed).expect("write");
    let (out, _, status) = tarif(&["check", &path.display().to_string()], None);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("aucune erreur, aucun avertissement"), "{out}");

    let families = families_around_bounds();
    let prices = batch(&path, &families);
    assert_eq!(prices.len(), families.len());
    let mut checked = 0;
    for ((revenue, parts), price) in families.iter().zip(&prices) {
        let q = revenue / Decimal::from(*parts);
        if let Some(expected) = published_tranche(q) {
            assert_eq!(price, expected, "{revenue} € / {parts} parts = {q} €");
            checked += 1;
        }
    }
    assert!(checked > 4000, "{checked}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_rounding_coarser_than_the_bounds_is_reported_with_the_families_it_moves() {
    let source = std::fs::read_to_string(GRID).expect("grid");
    let coarse = source.replace(
        "qf : montant = revenu_brut_global / parts",
        "qf : montant = arrondi(revenu_brut_global / parts ; à l'euro inférieur)",
    );
    let dir = scratch("grossier");
    let path = dir.join("euro.delib");
    std::fs::write(&path, &coarse).expect("write");
    let (out, _, status) = tarif(
        &["check", "--format", "json", &path.display().to_string()],
        None,
    );
    assert_eq!(status, 0, "a warning, not an error: {out}");
    let diagnostics: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let w009 = diagnostics
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["code"] == "W009")
        .expect("W009");
    let message = w009["message"].as_str().unwrap_or("");
    assert!(
        message.contains("4 573,47 €") && message.contains("1 €"),
        "{message}"
    );
    let note = w009["notes"][0].as_str().unwrap_or("");
    assert!(note.contains("entre 4 573 € et 4 574 €"), "{note}");
    assert!(
        w009["aide"]
            .as_str()
            .unwrap_or("")
            .contains("au centime inférieur"),
        "{w009}"
    );
    // The figure it warns about: 13 720,50 € for 3 parts is 4 573,50 €, published in
    // the second tranche, priced in the first by the rounding to the euro.
    let prices = batch(&path, &[(Decimal::new(1372050, 2), 3)]);
    assert_eq!(prices, ["1,00"]);
    std::fs::remove_dir_all(dir).ok();
}

const PERISCOLAIRE: &str = "deliberations/exempleville-periscolaire.delib";

fn eval_json(delib: &str, family: &str) -> (serde_json::Value, i32) {
    let (out, err, status) = tarif(
        &["eval", delib, "--famille", "-", "--format", "json"],
        Some(family),
    );
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (json, status)
}

#[test]
fn the_children_of_the_list_are_counted_and_a_family_charge_is_priced_once() {
    let family = r#"{ "date": "2026-10-05", "revenu": "13 721", "parts": 3,
        "enfants": [ { "id": "Léa" }, { "id": "Tom" }, { "id": "Zoé" } ] }"#;
    let (json, status) = eval_json(PERISCOLAIRE, family);
    assert_eq!(status, 0, "{json}");
    // « 2 enfants et plus », code B: 0,80 € each; the card of a family of three: 55 €
    // once, not 3 × 55 €; the adhesion 15 € once.
    for child in json["enfants"].as_array().expect("enfants") {
        assert_eq!(child["tarifs"]["matin"]["montant"], "0.80", "{child}");
        assert!(child["tarifs"].get("carte").is_none(), "{child}");
    }
    assert_eq!(json["famille"]["tarifs"]["carte"]["montant"], "55.00");
    assert_eq!(json["total"]["matin"]["montant"], "2.40");
    assert_eq!(json["total"]["carte"]["montant"], "55.00");
    assert_eq!(json["total"]["adhésion"]["montant"], "15.00");
    let steps = json["famille"]["tarifs"]["carte"]["justification"].to_string();
    assert!(
        steps.contains("compté dans la liste des enfants"),
        "{steps}"
    );

    // The text says how many children were counted, in the words of the rule.
    let (text, _, _) = tarif(&["eval", PERISCOLAIRE, "--famille", "-"], Some(family));
    assert!(
        text.contains("inscrits = 3 (3 enfants inscrits, comptés dans la liste des enfants)"),
        "{text}"
    );
    assert!(text.contains("Pour la famille (une fois"), "{text}");

    // A count the portal gives without the list is used; one the list contradicts is
    // an error naming both.
    let (json, status) = eval_json(
        PERISCOLAIRE,
        r#"{ "date": "2026-10-05", "revenu": "13 721", "parts": 3, "inscrits": 3 }"#,
    );
    assert_eq!(status, 0);
    assert_eq!(json["tarifs"]["carte"]["montant"], "55.00");
    assert_eq!(json["tarifs"]["matin"]["montant"], "0.80");
    let (json, status) = eval_json(
        PERISCOLAIRE,
        r#"{ "date": "2026-10-05", "inscrits": 2, "enfants": [ {}, {}, {} ] }"#,
    );
    assert_eq!(status, 1);
    let errors = json["erreurs"].to_string();
    assert!(
        errors.contains("E130")
            && errors.contains("« inscrits » = 2")
            && errors.contains("en compte 3"),
        "{errors}"
    );
}

#[test]
fn a_batch_prices_a_family_charge_on_one_row() {
    let dir = scratch("lot");
    let input = dir.join("familles.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"F1\",\"date\":\"2026-10-05\",\"revenu\":\"40000\",\"parts\":2,\"enfants\":[{\"id\":\"A\"},{\"id\":\"B\"}]}\n",
    )
    .expect("write");
    let output = dir.join("resultats.csv");
    let (out, err, status) = tarif(
        &[
            "batch",
            PERISCOLAIRE,
            "--entree",
            &input.display().to_string(),
            "--sortie",
            &output.display().to_string(),
        ],
        None,
    );
    assert_eq!(status, 0, "{out}{err}");
    let csv = std::fs::read_to_string(&output).expect("output");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "ligne,id,enfant,rang,matin,carte,adhésion,erreur");
    assert_eq!(rows[1], "1,F1,A,,1.20,57.00,15.00,");
    assert_eq!(rows[2], "1,F1,B,,1.20,,,");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_flat_price_needs_none_of_the_base_inputs() {
    // Fay-aux-Loges: « remplacé par 1,75 € si pai », for a family that gives no QF.
    let (json, status) = eval_json(
        "deliberations/fay-aux-loges-cantine.delib",
        r#"{ "date": "2025-10-15", "pai": true }"#,
    );
    assert_eq!(status, 0, "{json}");
    assert_eq!(json["tarifs"]["repas"]["montant"], "1.75");
    let base = &json["tarifs"]["repas"]["justification"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["etape"] == "base")
        .cloned()
        .expect("base step");
    assert_eq!(base["montant"], serde_json::Value::Null);
    // Without PAI the QF is still needed.
    let (json, status) = eval_json(
        "deliberations/fay-aux-loges-cantine.delib",
        r#"{ "date": "2025-10-15" }"#,
    );
    assert_eq!(status, 1);
    assert!(json["erreurs"].to_string().contains("E101"), "{json}");
}

#[test]
fn a_grid_gives_a_category_read_by_another_grid() {
    let dir = scratch("code");
    let path = dir.join("code.delib");
    std::fs::write(
        &path,
        "délibération « Périscolaire »\n  applicable du 01/09/2026 au 31/08/2027\n\
         entrées\n  impot : montant entier, obligatoire\n\
         article 1 « Code tarif »\n  code : choix parmi A, B, C\n  catégorie : entier\n  grille selon impot\n\
         \x20   | impot | code | catégorie |\n    | jusqu'à 500 € | A | 1 |\n    | de 501 à 2 000 € | B | 2 |\n    | plus de 2 000 € | C | 5 |\n\
         article 2 « Prix »\n  tarif matin (par matin)\n  grille selon code\n    | code | matin |\n    | A | 0,40 € |\n    | B | 0,60 € |\n    | C | 0,80 € |\n\
         \x20 tarif goûter (par goûter) = si catégorie ≥ 5 alors 1 € sinon 0,50 €\n",
    )
    .expect("write");
    let delib = path.display().to_string();
    let (out, _, status) = tarif(&["check", &delib], None);
    assert_eq!(status, 0, "{out}");
    let (json, status) = eval_json(&delib, r#"{ "date": "2026-10-05", "impot": 800 }"#);
    assert_eq!(status, 0, "{json}");
    assert_eq!(json["tarifs"]["matin"]["montant"], "0.60");
    assert_eq!(json["tarifs"]["goûter"]["montant"], "0.50");
    let (json, _) = eval_json(&delib, r#"{ "date": "2026-10-05", "impot": 2500 }"#);
    assert_eq!(json["tarifs"]["matin"]["montant"], "0.80");
    assert_eq!(json["tarifs"]["goûter"]["montant"], "1.00");
    // A category outside its list is refused where it is written.
    std::fs::write(
        &path,
        std::fs::read_to_string(&path)
            .expect("read")
            .replace("| C | 5 |", "| D | 5 |"),
    )
    .expect("write");
    let (out, _, status) = tarif(&["check", &delib], None);
    assert_eq!(status, 1, "{out}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_curve_follows_an_obligatoire_input() {
    let dir = scratch("courbe");
    let path = dir.join("obligatoire.delib");
    std::fs::write(
        &path,
        "délibération « Cantine »\n  applicable du 01/09/2026\n\
         entrées\n  qf : montant entier, certifié CAF.quotient_familial, obligatoire\n\
         article 1 « Prix »\n  tarif repas (par repas)\n  grille selon qf\n\
         \x20   | qf | repas |\n    | jusqu'à 600 € | 2,00 € |\n    | plus de 600 € | 3,00 € |\n",
    )
    .expect("write");
    let (out, err, status) = tarif(
        &[
            "courbe",
            &path.display().to_string(),
            "--format",
            "csv",
            "--a",
            "1000",
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    assert_eq!(out, "qf;repas\n0;2,00\n601;3,00\n1000;3,00\n");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn coverage_counts_the_prices_of_children_checked_by_their_total() {
    let (out, _, status) = tarif(&["test", PERISCOLAIRE], None);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("couverture : 10 tranche(s) sur 10, 2 modificateur(s) sur 2"),
        "{out}"
    );
}

#[test]
fn a_year_of_two_digits_is_refused_with_the_date_to_write() {
    let (json, status) = eval_json(
        "deliberations/exempleville-cantine.delib",
        r#"{ "date": "15/10/25", "quotient_caf": 300, "résidence": "commune" }"#,
    );
    assert_eq!(status, 1);
    let error = &json["erreurs"][0];
    assert_eq!(error["code"], "E116", "{json}");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .contains("« 15/10/2025 »"),
        "{json}"
    );
    let (_, err, status) = tarif(
        &[
            "eval",
            "deliberations/exempleville-cantine.delib",
            "--famille",
            "tests/cases/families/exempleville-f0042.json",
            "--date",
            "15/10/25",
        ],
        None,
    );
    assert_eq!(status, 2);
    assert!(err.contains("n'a que deux chiffres"), "{err}");
}
