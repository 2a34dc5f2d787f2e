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
