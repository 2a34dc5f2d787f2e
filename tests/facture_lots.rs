//! `tarif facture --familles`: every family of a month at once, one output per family,
//! and a file of days read as a portal writes it (its columns named, or refused).

mod common;

use common::facture::{CASES, batch, days_file, invoice, invoice_at};
use serde_json::Value as Json;

#[test]
fn a_batch_gives_one_output_per_family_and_names_every_lost_day() {
    let families = "{\"id\": \"F-1042\", \"quotient_caf\": 612, \"résidence\": \"commune\", \"enfants\": [{\"id\": \"Léa\"}, {\"id\": \"Tom\"}]}\n\
                    {\"id\": \"F-2\", \"quotient_caf\": 1500, \"résidence\": \"hors_commune\"}\n\
                    pas du json\n\
                    {\"id\": \"F-2\", \"quotient_caf\": 300, \"résidence\": \"commune\"}\n\
                    {\"id\": \"F-3\", \"quotient_caf\": 300, \"résidence\": \"commune\"}\n";
    let mut days = String::from("famille;date;enfant;état;réservé le;annulé le;justificatif le\n");
    let own = std::fs::read_to_string(format!("{CASES}/jours.csv")).expect("days");
    for line in own.lines().skip(1) {
        let mut fields: Vec<&str> = line.split(';').collect();
        fields.remove(2); // the service, given once by the facturation
        days.push_str(&format!("F-1042;{}\n", fields.join(";")));
    }
    days.push_str(
        "F-2;01/10/2025;;présent;;;\nF-9;01/10/2025;;présent;;;\nF-2;31/10/2025x;;présent;;;\n",
    );
    let run = |extra: &[&str]| batch("familles.jsonl", families, &days, extra);
    let run_with = |days: &str| batch("familles.jsonl", families, days, &[]).0;
    let (rows, status) = run(&[]);
    assert_eq!(status, 1);
    // Five lines of families, five outputs in their order; then the days of F-9.
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert_eq!(
        (rows[0]["famille"].as_str(), rows[0]["total"].as_str()),
        (Some("F-1042"), Some("59.20"))
    );
    // F-2's day that cannot be read is an error of F-2's invoice, which has no total
    // (5,46 € would be short of that day), its other line still shown.
    assert!(rows[1]["total"].is_null(), "{}", rows[1]);
    assert_eq!(rows[1]["erreurs"][0]["code"], "E141", "{}", rows[1]);
    assert_eq!(rows[1]["erreurs"][0]["ligne"], 17, "{}", rows[1]);
    assert_eq!(rows[1]["lignes"][0]["montant"], "5.46", "{}", rows[1]);
    let codes: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["erreurs"][0]["code"].as_str())
        .collect();
    assert_eq!(codes, ["E141", "E121", "E157", "E158"]);
    // F-3 has no day: an invoice of nothing.
    assert_eq!(
        (rows[4]["famille"].as_str(), rows[4]["total"].as_str()),
        (Some("F-3"), Some("0.00"))
    );
    // The single invoice of F-1042 is the batch's, line for line.
    let (single, _) = invoice(
        "cantine.delib",
        "famille.json",
        &format!("{CASES}/jours.csv"),
    );
    assert_eq!(rows[0]["lignes"], single["lignes"]);
    // Without justification, the same amounts, each line still citing its rule.
    let (lean, _) = run(&["--sans-justification"]);
    assert_eq!(lean[0]["total"], rows[0]["total"]);
    let line = &lean[0]["lignes"][1];
    assert_eq!(
        (line["montant"].as_str(), line["regle"]["ligne"].as_u64()),
        (Some("3.90"), Some(30))
    );
    assert_eq!(line["justification"], serde_json::json!([]));
    // Read whole rather than by family (a quote: a row might go on over lines), the
    // same days give the same outputs.
    let quoted = days.replacen("F-2;01/10/2025", "\"F-2\";01/10/2025", 1);
    assert_ne!(quoted, days);
    assert_eq!(run_with(&quoted), rows);
}

#[test]
fn a_row_of_days_that_cannot_be_read_keeps_its_family_from_a_total() {
    // A motive with a stray « ; » gives F1's row a field too many: F1's invoice has no
    // total (it would be short of that absence); F3's is whole.
    let (rows, status) = batch(
        "familles.csv",
        "id;quotient_caf;résidence\nF1;500;commune\nF3;900;commune\n",
        "famille;date;état;motif\nF1;01/10/2025;présent;\nF1;02/10/2025;absent;grève;surprise\nF3;03/10/2025;présent;\nF1;03/10/2025;présent;\n",
        &[],
    );
    assert_eq!(status, 1, "{rows:?}");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0]["total"].is_null(), "{}", rows[0]);
    assert_eq!(rows[0]["erreurs"][0]["code"], "E140");
    assert_eq!(rows[0]["erreurs"][0]["ligne"], 3);
    assert_eq!(rows[1]["total"], "2.90");
}

#[test]
fn a_misspelt_column_of_days_is_refused_and_a_column_of_no_field_is_said_ignored() {
    let own = std::fs::read_to_string(format!("{CASES}/jours.csv")).expect("days");
    let (header, rows) = own.split_once('\n').expect("a header");
    // `justif le` for `justificatif le`: the certificates would be lost, and the two
    // absences they justify billed. Refused, with the column and the fix.
    let misspelt = format!("{}\n{rows}", header.replace("justificatif le", "justif le"));
    let (_dir, path) = days_file("jours.csv", &misspelt);
    let (json, status) = invoice("cantine.delib", "famille.json", &path);
    assert_eq!(status, 1, "{json}");
    assert!(json["total"].is_null(), "{json}");
    let error = &json["erreurs"][0];
    assert_eq!(
        (
            error["code"].as_str(),
            error["ligne"].as_u64(),
            error["champ"].as_str()
        ),
        (Some("E144"), Some(1), Some("justif le")),
        "{json}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap_or("")
            .contains("« justificatif_le »"),
        "{error}"
    );
    // Columns a portal adds for its own use (`nom`, `classe`), or that say a field the
    // file already gives (`date de naissance` beside `date`): read as before, the
    // invoice whole, each named in a warning.
    let extra = format!(
        "{header};nom;classe;date de naissance\n{}",
        rows.lines()
            .map(|r| format!("{r};Martin;CE1;02/03/2017\n"))
            .collect::<String>()
    );
    let (_dir, path) = days_file("jours.csv", &extra);
    let (json, status) = invoice("cantine.delib", "famille.json", &path);
    assert_eq!(
        (status, json["total"].as_str()),
        (0, Some("59.20")),
        "{json}"
    );
    let warning = &json["avertissements"][0];
    assert_eq!(warning["code"], "W141", "{json}");
    assert_eq!(
        warning["colonnes"],
        serde_json::json!(["nom", "classe", "date de naissance"])
    );
    let (text, _, _) = common::tarif(
        &[
            "facture",
            &format!("{CASES}/cantine.delib"),
            "--famille",
            &format!("{CASES}/famille.json"),
            "--presences",
            &path,
            "--mois",
            "2025-10",
        ],
        None,
    );
    assert!(
        text.contains("Colonnes ignorées : « nom », « classe », « date de naissance »"),
        "{text}"
    );
    // A key of JSON Lines that is no field was already refused; its suggestion is the
    // field its word says.
    let (_dir, path) = days_file(
        "jours.jsonl",
        "{\"date\": \"2025-10-02\", \"enfant\": \"Léa\", \"service\": \"repas\", \"état\": \"absent\", \"certificat\": \"2025-10-03\"}\n",
    );
    let (json, _) = invoice("cantine.delib", "famille.json", &path);
    assert!(
        json["erreurs"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("« justificatif_le »"),
        "{json}"
    );
}

#[test]
fn a_batch_whose_days_header_is_wrong_gives_every_family_its_error_and_no_total() {
    let families = "id;quotient_caf;résidence\nF1;500;commune\nF2;900;commune\n";
    let days = "famille;date;état;justif le;nom\nF1;01/10/2025;présent;;A\nF1;02/10/2025;absent;03/10/2025;A\nF2;01/10/2025;présent;;B\n";
    let (rows, status) = batch("familles.csv", families, days, &[]);
    assert_eq!(status, 1, "{rows:?}");
    // One output per family, in order, each refused a total for the file's header.
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (row, family) in rows.iter().zip(["F1", "F2"]) {
        assert_eq!(row["famille"], family, "{row}");
        assert!(row["total"].is_null(), "{row}");
        assert_eq!(row["erreurs"][0]["code"], "E144", "{row}");
        assert_eq!(row["erreurs"][0]["champ"], "justif le", "{row}");
        assert_eq!(
            row["avertissements"][0]["colonnes"],
            serde_json::json!(["nom"])
        );
    }
    // Read whole (a quote), the same outputs.
    let quoted = days.replacen("F2;", "\"F2\";", 1);
    assert_eq!(batch("familles.csv", families, &quoted, &[]).0, rows);
    // Named right, the certificate is read: F1 pays its present day only (QF 500).
    let (rows, status) = batch(
        "familles.csv",
        families,
        &days.replace("justif le", "justificatif le"),
        &[],
    );
    assert_eq!(status, 0, "{rows:?}");
    assert_eq!(rows[0]["total"], "1.50", "{}", rows[0]);
    // A file of days without its header: every family refused a total, never invoiced
    // as if it had no day.
    let (rows, status) = batch("familles.csv", families, "F1;01/10/2025;présent\n", &[]);
    assert_eq!(status, 1, "{rows:?}");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter()
            .all(|r| r["erreurs"][0]["code"] == "E154" && r["total"].is_null())
    );
}

#[test]
fn an_instant_given_in_utc_is_compared_with_the_deadline_at_the_communes_time() {
    // The cantine's deadline for Monday 13/10/2025: Thursday 09/10 at noon. A portal that
    // writes its instants in UTC gives 10:30Z for a cancellation made at 12 h 30 in
    // Paris (summer time): late, billed. Read as written, it would have been free.
    let days = |cancelled: &str| {
        format!(
            "{{\"date\": \"2025-10-13\", \"enfant\": \"Léa\", \"état\": \"annulé\", \"annulé_le\": \"{cancelled}\"}}\n"
        )
    };
    let state = |json: &Json| json["lignes"][0]["etat"].as_str().unwrap_or("").to_string();
    let (_dir, late) = days_file("jours.jsonl", &days("2025-10-09T10:30:00Z"));
    let (json, status) = invoice("cantine.delib", "famille.json", &late);
    assert_eq!(
        (status, state(&json)),
        (0, "annulé hors délai".to_string()),
        "{json}"
    );
    assert_eq!(json["total"], "2.90");
    // The justification says the commune's time.
    let why = json["lignes"][0]["justification"][0].as_str().unwrap_or("");
    assert!(why.contains("09/10/2025 à 12 h 30"), "{why}");
    let (_dir, early) = days_file("jours.jsonl", &days("2025-10-09T09:30:00Z"));
    let (json, _) = invoice("cantine.delib", "famille.json", &early);
    assert_eq!(state(&json), "annulé dans le délai", "{json}");
    // At La Réunion (UTC+4, its `territoire` says so), 08:30Z is 12 h 30: late; in
    // Paris it would be 10 h 30.
    let text = std::fs::read_to_string(format!("{CASES}/cantine.delib")).expect("file");
    let reunion = text.replace(
        "  applicable du 01/09/2025 au 31/08/2026\n",
        "  applicable du 01/09/2025 au 31/08/2026\n  territoire 97490 Sainte-Clotilde\n",
    );
    assert_ne!(reunion, text);
    let (_d, deliberation) = days_file("cantine.delib", &reunion);
    let (_dir, days_path) = days_file("jours.jsonl", &days("2025-10-09T08:30:00Z"));
    let (json, _) = invoice_at(&deliberation, &format!("{CASES}/famille.json"), &days_path);
    assert_eq!(state(&json), "annulé hors délai", "{json}");
    let (json, _) = invoice("cantine.delib", "famille.json", &days_path);
    assert_eq!(state(&json), "annulé dans le délai", "{json}");
}
