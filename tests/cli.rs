//! End-to-end tests of the `tarif` binary: stdout, stderr and exit status.

use std::process::Command;

fn tarif(args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_tarif"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the tarif binary runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

fn transcript(args: &[&str]) -> String {
    let (stdout, stderr, status) = tarif(args);
    format!(
        "$ tarif {}\n── sortie ──\n{stdout}── erreurs ──\n{stderr}── code de sortie : {status}\n",
        args.join(" ")
    )
}

#[test]
fn check_clean_deliberation_exits_0() {
    insta::assert_snapshot!(transcript(&[
        "check",
        "deliberations/exempleville-cantine.delib"
    ]));
}

#[test]
fn check_accepts_the_french_alias_and_folders() {
    let (stdout, _, status) = tarif(&["vérifier", "deliberations"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("exempleville-cantine.delib : aucune erreur"));
}

#[test]
fn check_defective_grid_exits_1() {
    insta::assert_snapshot!(transcript(&[
        "check",
        "tests/cases/grids/roncq-publiee.delib"
    ]));
}

#[test]
fn check_json_gives_positions() {
    let (stdout, _, status) = tarif(&[
        "check",
        "--format",
        "json",
        "tests/cases/grids/roncq-publiee.delib",
    ]);
    assert_eq!(status, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let gaps: Vec<(u64, u64)> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "E030")
        .map(|d| {
            (
                d["ligne"].as_u64().unwrap_or(0),
                d["colonne"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(gaps, [(22, 7), (28, 7), (29, 7)]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn missing_file_exits_2() {
    insta::assert_snapshot!(transcript(&["check", "nulle-part.delib"]));
}

#[test]
fn unknown_option_exits_2_in_french() {
    insta::assert_snapshot!(transcript(&["check", "--formt", "json", "x.delib"]));
}

#[test]
fn help_is_in_french() {
    insta::assert_snapshot!(transcript(&["--help"]));
    insta::assert_snapshot!(transcript(&["check", "--help"]));
}

#[test]
fn every_deliberation_passes_its_examples_with_full_coverage() {
    let (stdout, stderr, status) = tarif(&["test", "deliberations"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(stdout.contains("0 échoué(s)"), "{stdout}");
    assert!(!stdout.contains("non couverte"), "{stdout}");
    assert!(!stdout.contains("jamais appliqué"), "{stdout}");
}

#[test]
fn eval_prints_the_justification_and_exits_0() {
    insta::assert_snapshot!(transcript(&[
        "eval",
        "deliberations/exempleville-cantine.delib",
        "--famille",
        "tests/cases/families/exempleville-f0042.json",
    ]));
}

#[test]
fn eval_of_a_family_that_cannot_be_priced_exits_1() {
    insta::assert_snapshot!(transcript(&[
        "eval",
        "deliberations/exempleville-cantine.delib",
        "--famille",
        "tests/cases/families/exempleville-erreurs.json",
        "--format",
        "json",
    ]));
}

#[test]
fn compiled_document_gives_the_same_output_as_the_source() {
    let out = std::env::temp_dir().join(format!("tarif-compile-{}.json", std::process::id()));
    let out_text = out.to_string_lossy().into_owned();
    let (_, stderr, status) = tarif(&[
        "compile",
        "deliberations/cnaf-psu-creche.delib",
        "-o",
        &out_text,
    ]);
    assert_eq!(status, 0, "{stderr}");
    let family = "tests/cases/families/creche-octobre-2025.json";
    for format in ["texte", "json"] {
        let from_source = tarif(&[
            "eval",
            "deliberations/cnaf-psu-creche.delib",
            "--famille",
            family,
            "--format",
            format,
        ]);
        let from_compiled = tarif(&["eval", &out_text, "--famille", family, "--format", format]);
        assert_eq!(from_source, from_compiled);
        assert_eq!(from_source.2, 0, "{}", from_source.1);
    }
    let tested = tarif(&["test", &out_text]);
    assert_eq!(tested.2, 0, "{}", tested.0);
    let _ = std::fs::remove_file(out);
}

/// The README shows exactly what `tarif check` and `tarif eval` print for its examples.
#[test]
fn readme_shows_what_tarif_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let block = |start: &str| -> String {
        let from = readme
            .find(&format!("```\n{start}"))
            .unwrap_or_else(|| panic!("README block {start}"));
        let text = &readme[from + 4..];
        let end = text.find("```\n").expect("closed block");
        text[..end].to_string()
    };
    let trimmed =
        |text: &str| -> Vec<String> { text.lines().map(|l| l.trim_end().to_string()).collect() };
    let (stdout, _, status) = tarif(&["check", "deliberations/exempleville-cantine.delib"]);
    assert_eq!(status, 0);
    assert_eq!(trimmed(&block("[W005]")), trimmed(&stdout));

    let family = std::env::temp_dir().join(format!("tarif-readme-{}.json", std::process::id()));
    std::fs::write(
        &family,
        r#"{ "date": "2025-10-15", "quotient_caf": 612, "résidence": "hors_commune", "rang": 3 }"#,
    )
    .expect("family file");
    let path = family.to_string_lossy().into_owned();
    let (stdout, _, status) = tarif(&[
        "eval",
        "deliberations/exempleville-cantine.delib",
        "--famille",
        &path,
    ]);
    let _ = std::fs::remove_file(&family);
    assert_eq!(status, 0);
    assert_eq!(
        trimmed(&block("Délibération n° 2025-042")),
        trimmed(&stdout)
    );
}

/// `tarif données` names exactly the scopes each deliberation's prices need, and
/// flags nothing on them; a certified input no price reads is flagged.
#[test]
fn donnees_names_the_scopes_prices_need() {
    let expected: &[(&str, &[&str])] = &[
        ("bubry-cantine", &["cnaf_quotient_familial"]),
        (
            "cnaf-psu-creche",
            &["cnav_participation_familiale_eaje_parametres_calcul"],
        ),
        (
            "exempleville-cantine",
            &[
                "cnaf_quotient_familial",
                "dgfip_rfr",
                "dgfip_nbpart",
                "dgfip_annee_n_moins_2_si_indispo_n_moins_1",
            ],
        ),
        ("fay-aux-loges-cantine", &["cnaf_quotient_familial"]),
        ("grand-perigueux-alsh", &["cnaf_quotient_familial"]),
        ("le-langon-cantine", &["cnaf_quotient_familial"]),
        ("roncq-cantine", &["cnaf_quotient_familial", "cnaf_adresse"]),
        (
            "strasbourg-restauration-alsh",
            &[
                "dgfip_rfr",
                "dgfip_nbpart",
                "dgfip_annee_n_moins_2_si_indispo_n_moins_1",
            ],
        ),
    ];
    for (name, scopes) in expected {
        let path = format!("deliberations/{name}.delib");
        let (stdout, stderr, status) = tarif(&["données", "--format", "json", &path]);
        assert_eq!(status, 0, "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        let found: Vec<&str> = json["portees"]
            .as_array()
            .expect("scopes")
            .iter()
            .filter_map(|s| s["portee"].as_str())
            .collect();
        assert_eq!(&found, scopes, "{name}");
        assert_eq!(
            json["minimisation"].as_array().map(Vec::len),
            Some(0),
            "{name}"
        );
    }
    insta::assert_snapshot!(transcript(&[
        "datapass",
        "tests/cases/donnees/entree-inutilisee.delib"
    ]));
}
