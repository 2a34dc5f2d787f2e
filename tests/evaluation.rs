//! Evaluation: snapshots of justifications (text and JSON), compiled documents giving
//! the same results as their source, and properties of prices.

use std::path::Path;

use tarif::document::Document;
use tarif::eval;
use tarif::inputs::read_family_json;
use tarif::report::result;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text and JSON results of a family for a document.
fn results(document: &Document, family: &serde_json::Value) -> (String, String) {
    let d = &document.deliberation;
    let mut read = read_family_json(d, family);
    let date = eval::service_date(&read.family, None, d.meta.applicable_from);
    read.at_date(d, date);
    let (text, json) = if read.family.children().is_empty() {
        let priced = read.price(d, date, &[], true);
        (
            result::to_text(document, &read, date, &priced),
            result::to_json(document, &read, date, &priced),
        )
    } else {
        let children = read.price_children(d, date, &[], true);
        (
            result::children_to_text(document, &read, date, &children),
            result::children_to_json(document, &read, date, &children),
        )
    };
    (
        text,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
}

/// `tests/cases/eval/*.json`: a deliberation of `deliberations/` and a family.
#[test]
fn justifications() {
    insta::glob!("cases/eval/*.json", |path| {
        let case: serde_json::Value = serde_json::from_str(&read(path)).expect("case JSON");
        let source = read(&root().join(case["deliberation"].as_str().unwrap_or_default()));
        let document = Document::from_source(&source).expect("valid deliberation");
        let (text, json) = results(&document, &case["famille"]);
        insta::assert_snapshot!(format!(
            "{}\n──── texte ────\n{text}──── json ────\n{json}\n",
            case["famille"]
        ));
    });
}

/// Every deliberation, compiled to JSON and read back, prices every example exactly
/// as its source does, to the byte.
#[test]
fn compiled_documents_give_identical_results() {
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("deliberations"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "delib") {
            continue;
        }
        let from_source = Document::from_source(&read(&path)).expect("valid deliberation");
        let from_json =
            Document::load(&from_source.to_json()).expect("compiled document reads back");
        assert_eq!(from_source.to_json(), from_json.to_json());
        for example in &from_source.deliberation.examples {
            let mut family = serde_json::Map::new();
            for (input, value) in &example.inputs {
                let d = &from_source.deliberation;
                let name = d.inputs[input.0 as usize].name.clone();
                let value = match value {
                    Some(tarif::rules::Value::Number(n)) => serde_json::json!(n.to_string()),
                    Some(tarif::rules::Value::Bool(b)) => serde_json::json!(b),
                    Some(tarif::rules::Value::Date(day)) => serde_json::json!(day.to_string()),
                    Some(tarif::rules::Value::Choice(c)) => {
                        serde_json::json!(d.choices[c.0 as usize])
                    }
                    None => serde_json::Value::Null,
                };
                family.insert(name, value);
            }
            if let Some(date) = example.date {
                family.insert("date".to_string(), serde_json::json!(date.to_string()));
            }
            let family = serde_json::Value::Object(family);
            assert_eq!(
                results(&from_source, &family),
                results(&from_json, &family),
                "{}",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen > 0);
}

#[test]
fn a_compiled_document_of_another_version_is_refused() {
    let source = read(&root().join("deliberations/exempleville-cantine.delib"));
    let json = Document::from_source(&source)
        .expect("valid")
        .to_json()
        .replace(
            &format!("\"version\": {}", tarif::document::VERSION),
            "\"version\": 99",
        );
    assert!(matches!(
        Document::load(&json),
        Err(tarif::document::LoadError::WrongVersion { version: 99, .. })
    ));
}

/// Documents of the versions before (2: before the règlement de facturation gained
/// `à minuit` and per-day charges; 3: before weekly forfaits; 4: before late fees from
/// an hour) are still read, and give the same prices; a document of version 1 is
/// refused.
#[test]
fn a_compiled_document_of_the_version_before_is_still_read() {
    assert_eq!(tarif::document::VERSION, 5);
    let source = read(&root().join("deliberations/exempleville-cantine.delib"));
    let json = Document::from_source(&source).expect("valid").to_json();
    let current = format!("\"version\": {}", tarif::document::VERSION);
    assert!(json.contains(&current));
    let current_read = Document::load(&json).expect("current");
    for version in [2, 3, 4] {
        let before = Document::load(&json.replace(&current, &format!("\"version\": {version}")))
            .expect("version before");
        assert_eq!(before.version, version);
        assert_eq!(
            serde_json::to_string(&before.deliberation).expect("JSON"),
            serde_json::to_string(&current_read.deliberation).expect("JSON")
        );
    }
    assert!(matches!(
        Document::load(&json.replace(&current, "\"version\": 1")),
        Err(tarif::document::LoadError::WrongVersion { version: 1, .. })
    ));
}

/// A document written before a tariff given for a time was billed for its step (each
/// half-hour of a tariff by the hour cost the hour) is read as its source now is.
#[test]
fn a_document_of_before_bills_a_tariff_by_the_hour_for_its_step() {
    let source = read(&root().join("tests/cases/facture/temps-et-tarif.delib"));
    let json = Document::from_source(&source).expect("valid").to_json();
    let now: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let factor = |d: &serde_json::Value| {
        d["deliberation"]["billing"][0]["states"][0]["cost"]["terms"][0]["Unit"]["factor"].clone()
    };
    assert_eq!(
        factor(&now),
        "0.5",
        "{}",
        now["deliberation"]["billing"][0]["states"][0]
    );
    // As written before: the factor as written, version 3.
    let mut before = now.clone();
    before["version"] = 3.into();
    before["deliberation"]["billing"][0]["states"][0]["cost"]["terms"][0]["Unit"]["factor"] =
        "1".into();
    let read = Document::load(&before.to_string()).expect("version 3");
    let read: serde_json::Value = serde_json::from_str(&read.to_json()).expect("JSON");
    assert_eq!(factor(&read), "0.5");
}

/// Every result follows the published JSON Schema (docs/resultat.schema.json).
#[test]
fn results_follow_the_json_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&read(&root().join("docs/resultat.schema.json")))
            .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("tests/cases/eval"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let case: serde_json::Value =
            serde_json::from_str(&read(&entry.path())).expect("case JSON");
        let source = read(&root().join(case["deliberation"].as_str().unwrap_or_default()));
        let document = Document::from_source(&source).expect("valid deliberation");
        let (_, json) = results(&document, &case["famille"]);
        let json: serde_json::Value = serde_json::from_str(&json).expect("result JSON");
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
        seen += 1;
    }
    assert!(seen > 0);
}

/// The deepest chain of calculations the checker accepts evaluates, with its
/// justification, on a thread of 2 MiB (a portal's worker), in a debug build.
#[test]
fn the_deepest_accepted_chain_evaluates_on_a_small_stack() {
    let mut source = String::from(
        "délibération « Chaîne »\n  applicable du 01/09/2025\nentrées\n  qf : montant entier, par défaut 1\narticle 1 « Prix »\n  tarif repas (par repas)\n  d0 = qf\n",
    );
    let mut n = 1;
    loop {
        let candidate = format!("{source}  d{n} = d{} + 0 €\n", n - 1);
        let test = format!("{candidate}  repas = d{n}\n");
        if Document::from_source(&test).is_err() {
            break;
        }
        source = candidate;
        n += 1;
    }
    assert!(n > 90, "a chain of {n} should be accepted");
    let source = format!("{source}  repas = d{}\n", n - 1);
    let document = Document::from_source(&source).expect("accepted");
    let worker = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let d = &document.deliberation;
            let read = read_family_json(d, &serde_json::json!({ "qf": 3 }));
            let date = d.meta.applicable_from;
            let priced = read.price(d, date, &[], true);
            priced[0].result.as_ref().map(ToString::to_string).ok()
        })
        .expect("thread");
    assert_eq!(worker.join().expect("no overflow"), Some("3".to_string()));
}

/// The keys of a family are read without case nor accents, the special ones (`id`,
/// `date`, `justificatifs`) included, and only those: `İd` is no `id`.
#[test]
fn keys_are_read_without_case_nor_accents() {
    let source = read(&root().join("deliberations/exempleville-cantine.delib"));
    let document = Document::from_source(&source).expect("valid deliberation");
    let d = &document.deliberation;
    let read = tarif::inputs::read_family(
        d,
        r#"{ "ID": "F-1", "Date": "2025-10-15", "Résidence": "hors_commune", "RANG": 3,
             "Pai": false, "JUSTIFICATIFS": { "api_particulier_qf": { "data": {
               "quotient_familial": { "fournisseur": "CNAF", "valeur": 612, "annee": 2025,
                 "mois": 9, "annee_calcul": 2025, "mois_calcul": 9 },
               "allocataires": [], "enfants": [], "adresse": null },
             "links": {}, "meta": {} } },
             "İd": "x" }"#,
    );
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.family.id.as_deref(), Some("F-1"));
    assert_eq!(
        read.family.date,
        chrono::NaiveDate::from_ymd_opt(2025, 10, 15)
    );
    let unknown: Vec<&str> = read.warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(unknown, ["İd"]);
    let price = eval::Session::new(d).price(&read.family, d.meta.applicable_from, 0);
    // QF 612 certified, hors commune, third child: the example of the deliberation.
    assert_eq!(price.expect("priced").to_string(), "2.29");
}

/// A value of a `choix` is read as the deliberation writes it (`hors commune`), as its
/// name (`hors_commune`), or as a page prints it (« Hors-Commune », « HORS COMMUNE »),
/// in JSON and in CSV; another value is still refused, naming the field.
#[test]
fn choice_values_are_read_as_written_or_by_name() {
    let source = read(&root().join("tests/cases/language/choix-en-deux-mots.delib"));
    let document = Document::from_source(&source).expect("valid deliberation");
    let d = &document.deliberation;
    let date = d.meta.applicable_from;
    for written in [
        "hors commune",
        "hors_commune",
        "Hors-Commune",
        "HORS COMMUNE",
        "Hors  commune",
    ] {
        let json = format!(r#"{{ "qf": 700, "formule": "2C2R", "résidence": "{written}" }}"#);
        let read = tarif::inputs::read_family(d, &json);
        assert!(read.errors.is_empty(), "{written}: {:?}", read.errors);
        // The second tariff, `repas`: 3,00 € and 20 % for hors commune.
        let price = eval::Session::new(d).price(&read.family, date, 1);
        assert_eq!(price.expect("priced").to_string(), "3.60", "{written}");
    }
    let read = tarif::inputs::read_family(d, r#"{ "qf": 700, "résidence": "hors la commune" }"#);
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    assert_eq!(read.errors[0].field, "résidence");
}

/// `de 0 € inclus à 600 € exclu`: each bound in or out of its row as the words say, the
/// grid proved without gap nor overlap, and each family priced by the row its value is
/// in (600 € is in the second row, not the first).
#[test]
fn bounds_said_included_or_excluded_are_read() {
    for rows in [
        [
            "de 0 € inclus à 600 € exclu",
            "de 600 € inclus à 1 000 € non compris",
            "à partir de 1 000 €",
        ],
        [
            "jusqu'à 600 € exclu",
            "de 600 € à 1 000 € exclus",
            "1 000 € et plus",
        ],
        [
            "moins de 600 €",
            "de 600 € inclus à 1 000 € exclue",
            "à partir de 1 000 € inclus",
        ],
        [
            "jusqu'à 599,99 €",
            "de 599,99 € exclu à 999,99 €",
            "plus de 999,99 €",
        ],
    ] {
        let text = format!(
            "délibération « Bornes »\n  applicable du 01/09/2025\n\nentrées\n  qf : montant, obligatoire\n\narticle 1 « Prix »\n  tarif repas (par repas)\n  grille selon qf\n    | qf | repas |\n    | {} | 1 € |\n    | {} | 2 € |\n    | {} | 3 € |\n",
            rows[0], rows[1], rows[2]
        );
        let compiled = tarif::compile(&text);
        let Some(d) = compiled.deliberation else {
            panic!("{rows:?}: {:?}", compiled.diagnostics);
        };
        assert!(
            compiled.diagnostics.is_empty(),
            "{rows:?}: {:?}",
            compiled.diagnostics
        );
        let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("date");
        for (qf, price) in [
            ("0", "1"),
            ("599.99", "1"),
            ("600", "2"),
            ("999.99", "2"),
            ("1000", "3"),
        ] {
            let read = tarif::inputs::read_family(&d, &format!(r#"{{ "qf": {qf} }}"#));
            let priced = eval::Session::new(&d).price(&read.family, date, 0);
            assert_eq!(
                priced.expect("priced").normalize().to_string(),
                price,
                "{rows:?}, qf {qf}"
            );
        }
    }
}

#[test]
fn a_bound_said_included_in_the_feminine_is_read() {
    // « incluse », « comprise » were never read: the shorter word matched first and
    // the end of the word then failed.
    for word in ["inclus", "incluse", "compris", "comprise"] {
        let text = format!(
            "délibération « Bornes »\n  applicable du 01/09/2025\n\nentrées\n  qf : montant entier, obligatoire\n\narticle 1 « Prix »\n  tarif repas (par repas)\n  grille selon qf\n    | qf | repas |\n    | jusqu'à 600 € {word} | 1 € |\n    | plus de 600 € | 2 € |\n"
        );
        let compiled = tarif::compile(&text);
        assert!(
            compiled.deliberation.is_some(),
            "« {word} » : {:?}",
            compiled.diagnostics
        );
    }
}
