//! Snapshot tests of diagnostics: one file per case under `tests/cases/`, rendered with
//! colour off, with the source above the rendering.

use std::path::Path;

use tarif::Code;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The source of a case and its diagnostics as a person reads them.
fn render(path: &Path) -> String {
    let source = read(path);
    let compiled = tarif::compile(&source);
    let text = tarif::report::to_text(&file_name(path), &source, &compiled.diagnostics, false);
    format!("{source}\n──── diagnostics ────\n{text}")
}

/// Each file `tests/cases/diagnostics/<code>.delib` triggers its code.
#[test]
fn each_code_on_its_snippet() {
    insta::glob!("cases/diagnostics/*.delib", |path| {
        let code = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let compiled = tarif::compile(&read(path));
        assert!(
            compiled.diagnostics.iter().any(|d| d.code.as_str() == code),
            "{code} not produced by its snippet: {:?}",
            compiled.diagnostics
        );
        insta::assert_snapshot!(render(path));
    });
}

/// A warning never keeps a deliberation from compiling: the snippet of each warning
/// (whose only diagnostic is it) gives a rule tree, as `tarif check` promises.
#[test]
fn a_warning_alone_keeps_the_deliberation_usable() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/diagnostics");
    for code in Code::ALL.iter().filter(|c| c.as_str().starts_with('W')) {
        let path = folder.join(format!("{}.delib", code.as_str()));
        let compiled = tarif::compile(&read(&path));
        if compiled.has_errors() {
            continue;
        }
        assert!(
            compiled.deliberation.is_some(),
            "{}: no error, yet no deliberation: {:?}",
            code.as_str(),
            compiled.diagnostics
        );
    }
}

#[test]
fn every_code_has_a_snippet() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/diagnostics");
    for code in Code::ALL {
        let path = folder.join(format!("{}.delib", code.as_str()));
        assert!(
            path.is_file(),
            "no snippet for {}: {}",
            code.as_str(),
            path.display()
        );
    }
}

/// Grids copied as published, with their defects.
#[test]
fn published_grids() {
    insta::glob!("cases/grids/*.delib", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// Files that use every form of the language: no error, warnings as snapshots.
#[test]
fn language_forms_are_accepted() {
    insta::glob!("cases/language/*.delib", |path| {
        let compiled = tarif::compile(&read(path));
        assert!(!compiled.has_errors(), "{}", render(path));
        let deliberation = compiled.deliberation.expect("checked");
        let (outcomes, _) = tarif::eval::examples::run(&deliberation);
        for check in outcomes.iter().flat_map(|o| &o.checks) {
            assert!(check.passed(), "{}: {check:?}", path.display());
        }
        insta::assert_snapshot!(render(path));
    });
}

/// The deliberations of `deliberations/` have no error.
#[test]
fn deliberations_check_without_error() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("deliberations");
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "delib") {
            seen += 1;
            let compiled = tarif::compile(&read(&path));
            let errors: Vec<_> = compiled
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            assert!(compiled.deliberation.is_some());
        }
    }
    assert!(seen > 0);
}

/// No snapshot is left without its case (a renamed or deleted case file).
#[test]
fn no_orphan_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for entry in std::fs::read_dir(root.join("snapshots"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".snap.new"), "unreviewed snapshot: {name}");
        let Some((test, case)) = name.trim_end_matches(".snap").split_once('@') else {
            continue;
        };
        let folder = match test.rsplit("__").next() {
            Some("each_code_on_its_snippet") => "diagnostics",
            Some("published_grids") => "grids",
            Some("language_forms_are_accepted") => "language",
            Some("one_slip_one_diagnostic") => "slips",
            Some("files_people_send") => "fiabilite",
            Some("published_wordings_are_checked_and_priced") => "published",
            _ => continue,
        };
        let case_path = root.join("cases").join(folder).join(case);
        assert!(
            case_path.is_file(),
            "snapshot {name} has no case {}",
            case_path.display()
        );
    }
}

/// `tests/cases/slips/*.delib`: a valid deliberation with one slip a finance officer
/// makes when copying a published grid. One slip gives one diagnostic (two at most),
/// at its place.
#[test]
fn one_slip_one_diagnostic() {
    insta::glob!("cases/slips/*.delib", |path| {
        let compiled = tarif::compile(&read(path));
        let errors = compiled.diagnostics.iter().filter(|d| d.is_error()).count();
        assert!(
            (1..=2).contains(&errors),
            "{} errors for one slip: {:?}",
            errors,
            compiled.diagnostics
        );
        insta::assert_snapshot!(render(path));
    });
}

/// `source` with each diagnostic's replacement pasted in place (last first).
fn with_replacements(source: &str, diagnostics: &[tarif::Diagnostic]) -> String {
    let mut fixes: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.replacement.clone())
        .collect();
    fixes.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut fixed = source.to_string();
    for (span, text) in fixes {
        fixed.replace_range(span.start..span.end, &text);
    }
    fixed
}

/// `tests/cases/repair/*.delib`: lines a newcomer writes. Every line the grammar
/// refuses gets the closest accepted line, in full (the snapshot shows each aide);
/// pasted as proposed, each is read, and the file checks without error and passes its
/// examples.
#[test]
fn each_refused_line_gets_the_line_to_write() {
    insta::glob!("cases/repair/*.delib", |path| {
        let source = read(path);
        let compiled = tarif::compile(&source);
        let refused: Vec<_> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.code == tarif::Code::E001)
            .collect();
        assert!(refused.len() >= 5, "{}", render(path));
        for d in &refused {
            assert!(d.replacement.is_some(), "no line proposed: {d:?}");
            let help = d.help.as_deref().unwrap_or("");
            let line = &d.replacement.as_ref().expect("replacement").1;
            assert!(
                help.contains(line.as_str()),
                "the aide shows the line: {help}"
            );
        }
        let fixed = with_replacements(&source, &compiled.diagnostics);
        let again = tarif::compile(&fixed);
        let errors: Vec<_> = again.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{fixed}\n{errors:#?}");
        let deliberation = again.deliberation.expect("checked");
        let (outcomes, _) = tarif::eval::examples::run(&deliberation);
        for check in outcomes.iter().flat_map(|o| &o.checks) {
            assert!(check.passed(), "{fixed}\n{check:?}");
        }
        insta::assert_snapshot!(render(path));
    });
}

/// Wherever an E001 proposes a line (every case file), that line is read: pasting it
/// removes the E001 of its statement and adds no syntax error.
#[test]
fn every_proposed_line_is_read() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut proposed = 0;
    for folder in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for entry in std::fs::read_dir(folder.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "delib") {
                continue;
            }
            let source = read(&path);
            let compiled = tarif::compile(&source);
            let before = compiled
                .diagnostics
                .iter()
                .filter(|d| d.code == tarif::Code::E001)
                .count();
            let fixes = compiled
                .diagnostics
                .iter()
                .filter(|d| d.replacement.is_some())
                .count();
            if fixes == 0 {
                continue;
            }
            proposed += fixes;
            let fixed = with_replacements(&source, &compiled.diagnostics);
            let after = tarif::compile(&fixed)
                .diagnostics
                .iter()
                .filter(|d| d.code == tarif::Code::E001)
                .count();
            assert_eq!(after, before - fixes, "{}:\n{fixed}", path.display());
        }
    }
    assert!(proposed >= 20, "{proposed} lines proposed");
}
