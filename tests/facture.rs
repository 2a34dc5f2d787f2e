//! `tarif facture`: a month of days invoiced from the règlement de facturation, end to
//! end from the command line (text, JSON, CSV), to the cent, every line justified.

mod common;

use common::facture::{CASES, amount, days_file, invoice, invoice_at};
use common::{server, tarif};
use rust_decimal::Decimal;
use serde_json::Value as Json;

#[test]
fn a_month_of_the_cantine_in_french() {
    let (stdout, stderr, status) = tarif(
        &[
            "facture",
            &format!("{CASES}/cantine.delib"),
            "--famille",
            &format!("{CASES}/famille.json"),
            "--presences",
            &format!("{CASES}/jours.csv"),
            "--mois",
            "2025-10",
        ],
        None,
    );
    assert_eq!(status, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_total_is_the_sum_of_the_lines_and_each_line_cites_its_rule() {
    let (json, status) = invoice(
        "cantine.delib",
        "famille.json",
        &format!("{CASES}/jours.csv"),
    );
    assert_eq!(status, 0, "{json}");
    let lines = json["lignes"].as_array().expect("lines");
    assert_eq!(lines.len(), 14);
    let sum: Decimal = lines.iter().map(|l| amount(&l["montant"])).sum();
    assert_eq!(amount(&json["total"]), sum);
    assert_eq!(json["total"], "59.20");
    for line in lines {
        let rule = &line["regle"];
        assert!(
            rule["article"].is_string() && rule["ligne"].as_u64().is_some(),
            "{line}"
        );
        let why = line["justification"].as_array().expect("justification");
        let cited = format!("ligne {}", rule["ligne"]);
        assert!(
            why.iter()
                .any(|s| s.as_str().is_some_and(|s| s.contains(&cited))),
            "{line}"
        );
        // A line priced from the unit price cites the article of the tariff too.
        if line["etat"] != "annulé dans le délai"
            && !line["montant"].as_str().unwrap_or("").starts_with("0.")
        {
            let lines_cited = why
                .iter()
                .filter(|s| s.as_str().is_some_and(|s| s.contains("art.")))
                .count();
            assert!(lines_cited >= 1, "{line}");
        }
    }
    // The carence: two days of a late certificate billed, the third free.
    let late: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["etat"] == "absent justifié hors délai")
        .map(|l| {
            (
                l["date"].as_str().unwrap_or(""),
                l["montant"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        late,
        [
            ("2025-10-14", "2.90"),
            ("2025-10-15", "2.90"),
            ("2025-10-16", "0.00")
        ]
    );
    // The penalty of the late booking, once for the family.
    let penalty = lines.iter().find(|l| l["date"].is_null()).expect("penalty");
    assert_eq!(
        (penalty["montant"].as_str(), penalty["enfant"].is_null()),
        (Some("25.00"), true)
    );
}

#[test]
fn csv_and_json_lines_of_days_give_the_same_invoice() {
    let (from_csv, _) = invoice(
        "cantine.delib",
        "famille.json",
        &format!("{CASES}/jours.csv"),
    );
    let (from_jsonl, _) = invoice(
        "cantine.delib",
        "famille.json",
        &format!("{CASES}/jours.jsonl"),
    );
    assert_eq!(from_csv, from_jsonl);
}

#[test]
fn the_seventh_unbooked_meal_is_doubled_and_a_late_cancellation_costs_its_fee() {
    let (json, status) = invoice(
        "compteur.delib",
        "famille-seule.json",
        &format!("{CASES}/compteur.csv"),
    );
    assert_eq!(status, 0, "{json}");
    let by_date = |date: &str| {
        json["lignes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["date"] == date)
            .map(|l| l["montant"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(by_date("2025-10-08").as_deref(), Some("2.00"));
    assert_eq!(by_date("2025-10-09").as_deref(), Some("4.00"));
    // Cancelled on the 10th at 8 h 30 for the 10th: before 9 h, free.
    assert_eq!(by_date("2025-10-10").as_deref(), Some("0.00"));
    // Cancelled at 9 h exactly: « avant 9 h » is missed.
    assert_eq!(by_date("2025-10-15").as_deref(), Some("3.75"));
    assert_eq!(json["total"], "23.50");
    assert!(
        json["arrondi"][0]
            .as_str()
            .unwrap_or("")
            .contains("total arrondi au centime")
    );
}

#[test]
fn a_cap_and_a_minimum_of_the_month_are_lines_of_their_own() {
    // Twenty unbooked meals: 6 × 2 + 14 × 4 = 68 €, capped at 30 €.
    let mut days = String::from("date;présent;réservé\n");
    for day in 1..=28 {
        let date = chrono::NaiveDate::from_ymd_opt(2025, 10, day).expect("date");
        if chrono::Datelike::weekday(&date).number_from_monday() <= 5 && days.lines().count() <= 20
        {
            days.push_str(&format!("{};oui;non\n", date.format("%d/%m/%Y")));
        }
    }
    let (_folder, path) = days_file("jours.csv", &days);
    let (json, _) = invoice("compteur.delib", "famille-seule.json", &path);
    let lines = json["lignes"].as_array().expect("lines");
    let cap = lines
        .iter()
        .find(|l| l["date"].is_null())
        .expect("cap line");
    assert_eq!(cap["montant"], "-38.00", "{json}");
    assert_eq!(json["total"], "30.00");
    // One meal of 2 €: the minimum of 5 € adds 3 €.
    let (_folder, path) = days_file("jours.csv", "date;présent;réservé\n01/10/2025;oui;non\n");
    let (json, _) = invoice("compteur.delib", "famille-seule.json", &path);
    assert_eq!(json["total"], "5.00", "{json}");
    let minimum = json["lignes"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["date"].is_null()).cloned());
    assert_eq!(
        minimum.map(|m| m["libelle"].clone()),
        Some(Json::from("Forfait minimum"))
    );
}

#[test]
fn days_that_cannot_be_billed_are_named_and_no_total_is_given() {
    let days = "date;enfant;état;annulé le\n\
                01/10/2025;Léa;présent;\n\
                02/10/2025;Zoé;présent;\n\
                31/09/2025;Léa;présent;\n\
                03/10/2025;Léa;annulé;\n\
                06/10/2025;Léa;annulé;02/10/2025\n\
                07/10/2025;Léa;peut-être;\n\
                01/10/2025;Léa;présent;\n\
                01/11/2025;Léa;présent;\n";
    let (_folder, path) = days_file("jours.csv", days);
    let (json, status) = invoice("cantine.delib", "famille.json", &path);
    assert_eq!(status, 1);
    assert!(json["total"].is_null());
    let errors: Vec<(String, u64, String)> = json["erreurs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["code"].as_str().unwrap_or("").to_string(),
                e["ligne"].as_u64().unwrap_or(0),
                e["champ"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected = [
        ("E141", 4, "date"),
        ("E143", 7, "état"),
        ("E146", 3, "enfant"),
        ("E149", 5, "annule_le"),
        ("E150", 6, "annule_le"),
        ("E147", 8, "date"),
    ];
    for (code, line, field) in expected {
        assert!(
            errors
                .iter()
                .any(|(c, l, f)| c == code && *l == line && f == field),
            "{code} line {line} {field} missing in {errors:?}"
        );
    }
    // The day of November is another month's: named, not billed, not an error.
    assert_eq!(json["avertissements"][0]["lignes"], serde_json::json!([9]));
}

#[test]
fn the_csv_invoice_reads_in_a_french_spreadsheet() {
    let (stdout, _, status) = tarif(
        &[
            "facture",
            &format!("{CASES}/cantine.delib"),
            "--famille",
            &format!("{CASES}/famille.json"),
            "--presences",
            "-",
            "--mois",
            "10/2025",
            "--format",
            "csv",
        ],
        Some(&std::fs::read_to_string(format!("{CASES}/jours.jsonl")).expect("days")),
    );
    assert_eq!(status, 0, "{stdout}");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 15);
    let last = rows.last().expect("total row");
    assert_eq!((&last[6], &last[10]), ("Total", "59,20"));
    assert_eq!(&rows[1][10], "3,90");
}

#[test]
fn a_deliberation_without_facturation_is_told_so() {
    let (_, stderr, status) = tarif(
        &[
            "facture",
            "deliberations/exempleville-cantine.delib",
            "--famille",
            &format!("{CASES}/famille.json"),
            "--presences",
            &format!("{CASES}/jours.csv"),
            "--mois",
            "2025-10",
        ],
        None,
    );
    assert_eq!(status, 2);
    assert!(stderr.contains("règlement de facturation"), "{stderr}");
}

#[test]
fn the_periscolaire_bills_half_hours_begun_a_minimum_and_late_departures() {
    let (json, status) = invoice(
        "periscolaire.delib",
        "famille-seule.json",
        &format!("{CASES}/periscolaire.csv"),
    );
    assert_eq!(status, 0, "{json}");
    let lines: Vec<(String, String, String, String)> = json["lignes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            let text = |k: &str| l[k].as_str().unwrap_or("").to_string();
            (
                text("date"),
                text("quantite"),
                text("unite"),
                text("montant"),
            )
        })
        .collect();
    let expected = [
        ("2025-10-06", "4", "demi-heures", "2.40"),
        ("2025-10-07", "2", "demi-heures", "1.20"),
        ("2025-10-09", "6", "demi-heures", "3.60"),
        ("2025-10-09", "1", "demi-heure", "11.00"),
        ("2025-10-10", "2", "demi-heures", "1.80"),
        ("2025-10-13", "1", "jour", "0.00"),
    ];
    let expected: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(json["total"], "20.00");
    // A day present without its hours cannot be billed by its time.
    let (_folder, path) = days_file("jours.csv", "date;présent;arrivée\n06/10/2025;oui;16:30\n");
    let (json, status) = invoice("periscolaire.delib", "famille-seule.json", &path);
    assert_eq!(
        (status, json["erreurs"][0]["code"].as_str()),
        (1, Some("E155"))
    );
}

#[test]
fn a_late_fee_from_an_hour_bills_a_departure_at_that_hour() {
    // « pénalité de 10 € à partir de 18 h 45 » : leaving at 18 h 45 is late; « après
    // 18 h 45 », it is not. By quarter-hours, the time past the hour counts either way.
    let source = std::fs::read_to_string(format!("{CASES}/periscolaire.delib")).expect("file");
    let with = |late: &str| {
        source.replace(
            "  retard après 19 h : 11,00 € par demi-heure engagée   « surfacturation des retards après 19 h »\n",
            &format!("  {late}\n"),
        )
    };
    let days = "date;présent;arrivée;départ\n06/10/2025;oui;16:30;18:45\n07/10/2025;oui;16:30;18:46\n08/10/2025;oui;16:30;18:44\n";
    let (_days_dir, days_path) = days_file("jours.csv", days);
    let late_lines = |late: &str| {
        let (_dir, path) = days_file("periscolaire.delib", &with(late));
        let (json, status) = invoice_at(&path, &format!("{CASES}/famille-seule.json"), &days_path);
        assert_eq!(status, 0, "{json}");
        json["lignes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|l| l["libelle"].as_str().unwrap_or("").starts_with("Retard"))
            .map(|l| {
                let text = |k: &str| l[k].as_str().unwrap_or("").to_string();
                (text("date"), text("libelle"), text("montant"))
            })
            .collect::<Vec<_>>()
    };
    let line = |date: &str, label: &str, amount: &str| {
        (date.to_string(), label.to_string(), amount.to_string())
    };
    assert_eq!(
        late_lines("retard à partir de 18 h 45 : 10,00 €"),
        [
            line("2025-10-06", "Retard à partir de 18 h 45", "10.00"),
            line("2025-10-07", "Retard à partir de 18 h 45", "10.00"),
        ]
    );
    assert_eq!(
        late_lines("pénalité de 10 € pour tout retard dès 18 h 45"),
        late_lines("retard à partir de 18 h 45 : 10,00 €")
    );
    assert_eq!(
        late_lines("retard après 18 h 45 : 10,00 €"),
        [line("2025-10-07", "Retard après 18 h 45", "10.00")]
    );
    assert_eq!(
        late_lines("retard à partir de 18 h 45 : 2,00 € par quart d'heure entamé"),
        [line("2025-10-07", "Retard à partir de 18 h 45", "2.00")]
    );
}

/// The total and the month lines (label, amount) of an invoice of October 2025.
fn month_lines(deliberation: &str, family: &str, days: &str) -> (String, Vec<(String, String)>) {
    let (json, status) = invoice(deliberation, family, &format!("{CASES}/{days}"));
    assert_eq!(status, 0, "{json}");
    let lines = json["lignes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["date"].is_null() || l["etat"].is_null())
        .map(|l| {
            (
                l["libelle"].as_str().unwrap_or("").to_string(),
                l["montant"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (json["total"].as_str().unwrap_or("").to_string(), lines)
}

#[test]
fn a_creche_contract_is_smoothed_over_twelve_months_with_its_overtime() {
    // 1,86 € de l'heure × 40 h × 47 semaines ÷ 12 = 291,40 € ; 55 min au-delà du
    // contrat : 2 demi-heures à 0,93 €.
    let (total, lines) = month_lines("creche.delib", "famille-creche.json", "creche.csv");
    assert_eq!(
        lines,
        [
            ("Heures au-delà du contrat".to_string(), "1.86".to_string()),
            ("Mensualité du contrat".to_string(), "291.40".to_string()),
        ]
    );
    assert_eq!(total, "293.26");
}

#[test]
fn the_wednesdays_are_a_forfait_from_the_second_one() {
    let (total, lines) = month_lines("alsh.delib", "famille-seule.json", "alsh-2.csv");
    assert_eq!(
        lines,
        [("Forfait mensuel".to_string(), "25.00".to_string())]
    );
    assert_eq!(total, "25.00");
    // One Wednesday present: the days, one by one.
    let (total, lines) = month_lines("alsh.delib", "famille-seule.json", "alsh-1.csv");
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(total, "16.00");
}

#[test]
fn an_annual_price_is_paid_in_ten_instalments_whatever_the_meals() {
    let (total, lines) = month_lines(
        "cantine-annuelle.delib",
        "famille-seule.json",
        "cantine-annuelle.csv",
    );
    assert_eq!(
        lines,
        [("Mensualité 2 sur 10".to_string(), "43.20".to_string())]
    );
    assert_eq!(total, "43.20");
}

#[test]
fn every_published_wording_of_the_issue_is_written_as_published() {
    let text = std::fs::read_to_string(format!("{CASES}/formulations.delib")).expect("file");
    let compiled = tarif::compile(&text);
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
    let d = compiled.deliberation.expect("compiled");
    assert_eq!(d.billing.len(), 4);
    let cantine = &d.billing[0];
    assert_eq!((cantine.booking.len(), cantine.cancel.len()), (1, 1));
    assert_eq!(cantine.proof.map(|p| p.hours), Some(72));
    assert_eq!((cantine.limits.len(), cantine.charges.len()), (2, 1));
    let evening = &d.billing[1];
    assert_eq!(
        evening.timing.map(|t| (t.step, t.minimum)),
        Some((60, Some(240)))
    );
    assert_eq!(evening.late.len(), 1);
    assert_eq!(d.billing[2].forfait.as_ref().map(|f| f.from), Some(2));
    assert_eq!(
        d.billing[3].smoothing.as_ref().map(|s| (s.parts, s.months)),
        Some((10, (9, 6)))
    );
}

#[test]
fn the_examples_of_every_month_pass() {
    let mut invoices = 0;
    for folder in [CASES, "deliberations"] {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        for entry in std::fs::read_dir(&folder).expect("folder").flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "delib") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("file");
            let Some(d) = tarif::compile(&text).deliberation else {
                panic!("{} has errors", path.display());
            };
            let (outcomes, _) = tarif::eval::examples::run(&d);
            for outcome in &outcomes {
                for check in &outcome.invoices {
                    assert!(check.passed(), "{}: {check:?}", path.display());
                    invoices += 1;
                }
            }
        }
    }
    assert!(invoices >= 10, "{invoices}");
}

#[test]
fn a_portals_motive_names_the_rule_whose_words_it_begins_or_that_begin_it() {
    // « Fermeture de la crèche » is the rule « pour fermeture »: deducted, 8 h at
    // 1,86 €. « Éviction » alone names « pour éviction ». Neither falls silently to the
    // rules without motive (in the mensualité, nothing deducted).
    let family = r#"{"ressources_annuelles": 36000, "enfants_a_charge": 1, "heures_semaine": 40, "semaines": 47}"#;
    let (_family_dir, family_path) = days_file("famille.json", family);
    let days = "date;état;motif;arrivée prévue;départ prévu\n\
                28/10/2025;absent;Fermeture de la crèche;8:30;16:30\n\
                29/10/2025;absent;éviction;8:30;16:30\n";
    let (_dir, path) = days_file("jours.csv", days);
    let (json, status) = invoice_at(
        "deliberations/cnaf-psu-contrat-mensualise.delib",
        &family_path,
        &path,
    );
    assert_eq!(status, 0, "{json}");
    let deducted: Vec<&str> = json["lignes"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| !l["date"].is_null())
        .map(|l| l["montant"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(deducted, ["-14.88", "-14.88"], "{json}");
}

#[test]
fn an_example_expects_the_invoice_of_each_child() {
    // `attendu facture de « Tom »`: the sum of Tom's lines only (his meals' minimum and
    // his forfait of Wednesdays), checked by `tarif test`, and named when it fails.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(CASES)
        .join("mois-ecrits.delib");
    let text = std::fs::read_to_string(&path).expect("file");
    let d = tarif::compile(&text).deliberation.expect("valid");
    let (outcomes, _) = tarif::eval::examples::run(&d);
    let tom: Vec<_> = outcomes
        .iter()
        .flat_map(|o| &o.invoices)
        .filter(|c| c.child.as_deref() == Some("Tom"))
        .collect();
    assert_eq!(tom.len(), 2);
    assert!(tom.iter().all(|c| c.passed()));
    let whole = tom.iter().find(|c| c.day.is_none()).expect("Tom's month");
    assert_eq!(whole.obtained, Some(Decimal::new(35, 0)));
    // Wrong, it fails with the child named.
    let wrong = text.replace(
        "attendu facture de « Tom » = 35 €",
        "attendu facture de « Tom » = 36 €",
    );
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("faux.delib");
    std::fs::write(&file, wrong).expect("write");
    let (out, _, code) = tarif(&["test", file.to_str().expect("path")], None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("attendu : facture de « Tom » = 36,00 €"),
        "{out}"
    );
    assert!(
        out.contains("obtenu  : facture de « Tom » = 35,00 €"),
        "{out}"
    );
    // A child the example does not have is an error of the file.
    let unknown = text.replace("de « Tom » = 35 €", "de « Zoé » = 35 €");
    let compiled = tarif::compile(&unknown);
    assert!(
        compiled
            .diagnostics
            .iter()
            .any(|d| format!("{:?}", d.code) == "E053" && d.message.contains("Zoé")),
        "{:?}",
        compiled.diagnostics
    );
}

#[test]
fn a_creche_deducts_illness_from_the_fourth_calendar_day_and_hospitalisation_at_once() {
    // The CNAF's deductions of a PSU contract (deliberations/): illness beyond three
    // calendar days, the weekend counted; hospitalisation from its first day; each day
    // deducted for the hours the contract planned, at 1,86 € the hour.
    let family = r#"{"ressources_annuelles": 36000, "enfants_a_charge": 1, "heures_semaine": 40, "semaines": 47}"#;
    let (_family_dir, family_path) = days_file("famille.json", family);
    let days = "date;état;motif;justificatif le;arrivée prévue;départ prévu\n\
                23/10/2025;absent;maladie;23/10/2025;8:30;16:30\n\
                24/10/2025;absent;Maladie;23/10/2025;8:30;16:30\n\
                27/10/2025;absent;maladie;23/10/2025;8:15;16:35\n\
                29/10/2025;absent;Hospitalisation;29/10/2025;8:30;16:30\n\
                30/10/2025;absent;vacances;;8:30;16:30\n";
    let (_dir, path) = days_file("jours.csv", days);
    let run = |days: &str| {
        invoice_at(
            "deliberations/cnaf-psu-contrat-mensualise.delib",
            &family_path,
            days,
        )
    };
    let (json, status) = run(&path);
    assert_eq!(status, 0, "{json}");
    let by_day: Vec<(String, String, String)> = json["lignes"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| !l["date"].is_null())
        .map(|l| {
            (
                l["date"].as_str().unwrap_or("").to_string(),
                l["montant"].as_str().unwrap_or("").to_string(),
                l["quantite"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        by_day,
        [
            (
                "2025-10-23".to_string(),
                "0.00".to_string(),
                "1".to_string()
            ),
            (
                "2025-10-24".to_string(),
                "0.00".to_string(),
                "1".to_string()
            ),
            // 5th calendar day of the illness (Thursday to Monday): 8 h 20 deducted,
            // 1,86 × 500 / 60 = 15,50 € exactly.
            (
                "2025-10-27".to_string(),
                "-15.50".to_string(),
                "8.33".to_string()
            ),
            (
                "2025-10-29".to_string(),
                "-14.88".to_string(),
                "8".to_string()
            ),
            // A motive no rule names: the rules without motive (in the mensualité).
            (
                "2025-10-30".to_string(),
                "0.00".to_string(),
                "1".to_string()
            ),
        ]
    );
    // 291,40 € − 15,50 € − 14,88 €.
    assert_eq!(json["total"], "261.02");
    let text = serde_json::to_string(&json["lignes"][2]).expect("line");
    assert!(text.contains("à partir du 4e jour calendaire de l'absence : déduction de tarif horaire par heure prévue"), "{text}");
    // The motive that chose the rule is said.
    assert!(text.contains("motif « maladie »"), "{text}");
    assert!(
        text.contains("prévu de 8 h 15 à 16 h 35 : 8 h 20"),
        "{text}"
    );

    // A day deducted without the hours planned: E159, naming its row and field.
    let (_dir2, path) = days_file(
        "jours.csv",
        "date;état;motif;justificatif le\n29/10/2025;absent;hospitalisation;29/10/2025\n",
    );
    let (json, status) = run(&path);
    assert_eq!(status, 1, "{json}");
    let error = &json["erreurs"][0];
    assert_eq!(error["code"], "E159", "{json}");
    assert_eq!(error["ligne"], 2, "{json}");
}

#[test]
fn rules_of_a_motive_leave_no_gap_but_cannot_stand_for_the_others() {
    let head = "délibération « Crèche »\n  applicable du 01/01/2025\n\
                article 1 « Prix »\n  tarif horaire (par heure) = 2 €\n\
                article 2 « Contrat »\n  facturation de l'horaire\n\
                  présent, présent sans réservation : tarif\n  annulé : gratuit\n";
    let check = |rules: &str| {
        let (_dir, path) = days_file("creche.delib", &format!("{head}{rules}"));
        let (stdout, stderr, status) = tarif(&["check", &path], None);
        (format!("{stdout}{stderr}"), status)
    };
    // Motive rules beside the rule of every absence: no gap, no overlap.
    let (out, status) = check(
        "  absent : gratuit\n  absent pour fermeture : déduction de tarif par heure prévue\n\
           absent justifié pour maladie, à partir du 4e jour calendaire de l'absence : déduction de tarif par heure prévue\n",
    );
    assert_eq!(status, 0, "{out}");
    // Only motives: the days of any other motive (or none) have no price.
    let (out, status) = check("  absent pour fermeture : gratuit\n");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("E071"), "{out}");
    // Two prices for the same days of one motive (written in two spellings).
    let (out, status) = check(
        "  absent : gratuit\n  absent pour Éviction : gratuit\n  absent pour eviction : tarif\n",
    );
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("E072"), "{out}");
    // Service days and calendar days are not mixed in one state's counts.
    let (out, status) = check(
        "  absent : gratuit\n  absent non justifié, les 2 premiers jours de l'absence : tarif\n\
           absent non justifié, à partir du 3e jour calendaire de l'absence : gratuit\n",
    );
    assert_eq!(status, 1, "{out}");
}

#[test]
fn an_absence_counted_by_its_length_leaves_its_shorter_absences_to_a_price() {
    let file = "délibération « Cantine »\n  applicable du 01/09/2025\n\
                article 1 « Prix »\n  tarif repas (par repas) = 3 €\n\
                article 2 « Règlement »\n  facturation des repas\n\
                  présent, présent sans réservation : tarif\n  annulé : gratuit\n  absent non justifié : tarif\n\
                  absent justifié, pour une absence de plus de 7 jours consécutifs : gratuit\n";
    let (_dir, path) = days_file("cantine.delib", file);
    let (stdout, stderr, status) = tarif(&["check", &path], None);
    assert_eq!(status, 1, "{stdout}{stderr}");
    let out = format!("{stdout}{stderr}");
    assert!(out.contains("E071"), "{out}");
    // The fix it proposes is a line the language reads.
    assert!(
        out.contains("« absent justifié, pour une absence de moins de 8 jours : tarif »"),
        "{out}"
    );
    let fixed = format!("{file}  absent justifié, pour une absence de moins de 8 jours : tarif\n");
    let (_dir, path) = days_file("cantine.delib", &fixed);
    let (stdout, stderr, status) = tarif(&["check", &path], None);
    assert_eq!(status, 0, "{stdout}{stderr}");
}

#[test]
fn every_published_wording_is_invoiced_alike_from_the_cli_the_batch_and_the_service() {
    // A month that meets every wording of the issue (formulations.delib): reservation
    // 48 h before (+1,00 €), unbooked (10 €), cancellation by Thursday noon of the week
    // before (in time: free; late: +50 %), a certificate within 72 h, two days of
    // carence, the family penalty (25 €); the evening care's 4 hours at least and its
    // late departure (11 € a half-hour begun), a cancellation before 9 h the same day,
    // an absence (3,75 €); the Wednesdays' forfait from the 2nd (30 €); the annual
    // price's 2nd instalment of 10 (30 €). Worked by hand:
    // 2 + 3 + 10 + 0 + 3 + 0 + 2 + 2 + 0 + 25 = 47 ; 4,80 + 4,80 + 11 + 3,75 + 0 =
    // 24,35 ; 30 ; 30 : 131,35 €.
    let deliberation = format!("{CASES}/formulations.delib");
    let days_all =
        std::fs::read_to_string(format!("{CASES}/formulations-octobre.csv")).expect("days");
    // One family: its days without the family column.
    let days_one: String = days_all
        .lines()
        .map(|l| l.split_once(';').map_or(l, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\n");
    let (_one_dir, one_path) = days_file("jours.csv", &days_one);
    let (_family_dir, family_path) = days_file("famille.json", r#"{"id": "F1", "qf": 500}"#);
    let (cli, status) = invoice_at(&deliberation, &family_path, &one_path);
    assert_eq!(status, 0, "{cli}");
    assert_eq!(cli["total"], "131.35", "{cli}");
    let labels: Vec<&str> = cli["lignes"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["libelle"].as_str())
        .collect();
    for label in [
        "Pénalité pour inscription hors délai",
        "Retard après 19 h",
        "Forfait mensuel",
        "Mensualité 2 sur 10",
    ] {
        assert!(labels.contains(&label), "{label}: {labels:?}");
    }

    // The batch: the same invoice, line for line.
    let (_all_dir, all_path) = days_file("jours.csv", &days_all);
    let (_families_dir, families_path) = days_file("familles.csv", "id;qf\nF1;500\n");
    let (stdout, stderr, status) = tarif(
        &[
            "facture",
            &deliberation,
            "--familles",
            &families_path,
            "--presences",
            &all_path,
            "--mois",
            "2025-10",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(status, 0, "{stdout}{stderr}");
    let batch: Json = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(batch["lignes"], cli["lignes"]);
    assert_eq!(batch["total"], cli["total"]);

    // The service: the same month as JSON.
    let folder = tempfile::tempdir().expect("folder").keep();
    std::fs::copy(&deliberation, folder.join("formulations.delib")).expect("copied");
    let server = server::start(folder);
    let mut lines = days_one.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(';')
        .map(str::to_string)
        .collect();
    let days: Vec<Json> = lines
        .map(|line| {
            let object: serde_json::Map<String, Json> = header
                .iter()
                .zip(line.split(';'))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.clone(), Json::from(v)))
                .collect();
            Json::Object(object)
        })
        .collect();
    let body = serde_json::json!({ "mois": "2025-10", "famille": { "id": "F1", "qf": 500 }, "jours": days });
    let answer = server::post(
        &server,
        "/v1/deliberations/formulations/factures",
        &body.to_string(),
    );
    assert_eq!(answer.0, 200, "{}", answer.1);
    let served = server::parse(&answer.1);
    assert_eq!(served["total"], cli["total"]);
    let amounts = |invoice: &Json| -> Vec<Json> {
        invoice["lignes"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| l["montant"].clone())
            .collect()
    };
    assert_eq!(amounts(&served), amounts(&cli));
}

#[test]
fn an_absence_begun_the_month_before_keeps_its_carence() {
    // Léa, absent from Monday 29/09, her certificate late but within its limit: two
    // days of carence (29 and 30 September, billed then), October's days are free.
    // Without September's rows, 1 and 2 October would be billed as her first two.
    let september = "date;enfant;état;justificatif le\n\
                     29/09/2025;Léa;absent;05/10/2025 10:00\n\
                     30/09/2025;Léa;absent;05/10/2025 10:00\n";
    let october = "01/10/2025;Léa;absent;05/10/2025 10:00\n\
                   02/10/2025;Léa;absent;05/10/2025 10:00\n\
                   03/10/2025;Léa;présent;\n";
    let (_dir, both) = days_file("jours.csv", &format!("{september}{october}"));
    let (json, status) = invoice("cantine.delib", "famille.json", &both);
    assert_eq!(status, 0, "{json}");
    assert_eq!(json["total"], "2.90", "{json}");
    assert_eq!(json["avertissements"][0]["code"], "W140");
    assert_eq!(
        json["avertissements"][0]["lignes"],
        serde_json::json!([2, 3])
    );
    let first = serde_json::to_string(&json["lignes"][0]).expect("line");
    assert!(first.contains("absence commencée le 29/09/2025"), "{first}");
    let (_dir, alone) = days_file(
        "jours.csv",
        &format!("date;enfant;état;justificatif le\n{october}"),
    );
    let (json, status) = invoice("cantine.delib", "famille.json", &alone);
    assert_eq!(status, 0, "{json}");
    assert_eq!(json["total"], "8.70", "{json}");
}
