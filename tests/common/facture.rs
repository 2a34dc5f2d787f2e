//! What the tests of `tarif facture` share: an invoice or a batch of October 2025 from
//! the command line, in JSON.

use rust_decimal::Decimal;
use serde_json::Value as Json;

use super::tarif;

pub const CASES: &str = "tests/cases/facture";

/// The JSON invoice of `family` for October 2025 from the days of `days`.
pub fn invoice(deliberation: &str, family: &str, days: &str) -> (Json, i32) {
    invoice_at(
        &format!("{CASES}/{deliberation}"),
        &format!("{CASES}/{family}"),
        days,
    )
}

/// `tarif facture` of October 2025 in JSON, the three files given by their paths.
pub fn invoice_at(deliberation: &str, family: &str, days: &str) -> (Json, i32) {
    let (stdout, stderr, status) = tarif(
        &[
            "facture",
            deliberation,
            "--famille",
            family,
            "--presences",
            days,
            "--mois",
            "2025-10",
            "--format",
            "json",
        ],
        None,
    );
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    (json, status)
}

pub fn amount(value: &Json) -> Decimal {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an amount: {value}"))
}

/// `tarif facture --familles` of the cantine for October 2025 in JSON Lines, with
/// `families` and `days` written as files named `families_name` and `jours.csv`: each
/// output line, and the exit status.
pub fn batch(families_name: &str, families: &str, days: &str, extra: &[&str]) -> (Vec<Json>, i32) {
    let folder = tempfile::tempdir().expect("folder");
    let (f, d) = (
        folder.path().join(families_name),
        folder.path().join("jours.csv"),
    );
    std::fs::write(&f, families).expect("families");
    std::fs::write(&d, days).expect("days");
    let mut args = vec![
        "facture",
        "tests/cases/facture/cantine.delib",
        "--familles",
        f.to_str().unwrap_or(""),
        "--presences",
        d.to_str().unwrap_or(""),
        "--mois",
        "2025-10",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (stdout, stderr, status) = tarif(&args, None);
    let rows = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l} {stderr}")))
        .collect();
    (rows, status)
}

/// Writes `text` as a file of days in a temporary folder.
pub fn days_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join(name);
    std::fs::write(&path, text).expect("written");
    let path = path.to_string_lossy().into_owned();
    (folder, path)
}
