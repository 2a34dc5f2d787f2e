//! `tarif fmt`: one layout, idempotent, and what the file says unchanged (the compiled
//! document, apart from the empreinte and byte positions), on every deliberation and
//! test case, on generated deliberations, and on files whose layout was hidden (tabs,
//! ragged pipes, trailing spaces, CRLF).

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tarif::format::{FormatError, format, same_meaning};

use common::tarif;

/// Every `.delib` of `deliberations/` and of `tests/cases/` (at any depth).
fn every_file() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut folders = vec![root.join("deliberations"), root.join("tests/cases")];
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "delib")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

/// The lines that hold something, without their margins: what a layout keeps.
fn words(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            let kept: String = l.split(['|', ' ', '\t', '\r']).collect();
            (n, kept)
        })
        .collect()
}

#[test]
fn every_file_is_laid_out_once_and_says_the_same() {
    let (mut formatted, mut refused) = (0, 0);
    for (path, source) in every_file() {
        match format(&source) {
            Ok(text) => {
                formatted += 1;
                assert_eq!(
                    format(&text).as_ref(),
                    Ok(&text),
                    "{}: not idempotent",
                    path.display()
                );
                assert!(same_meaning(&source, &text), "{}", path.display());
                // Every line stays where it is (the justifications cite them), with
                // the same words.
                assert_eq!(words(&source), words(&text), "{}", path.display());
                for line in text.lines() {
                    assert_eq!(line.trim_end(), line, "{}: trailing space", path.display());
                    assert!(!line.starts_with('\t'), "{}", path.display());
                }
            }
            Err(FormatError::Errors(errors)) => {
                refused += 1;
                assert!(!errors.is_empty());
                assert!(tarif::compile(&source).has_errors());
            }
            Err(FormatError::WouldChangeMeaning) => {
                panic!("{}: the layout would change the meaning", path.display())
            }
        }
    }
    assert!(formatted >= 30, "{formatted} files laid out");
    assert!(refused >= 20, "{refused} files with errors");
}

#[test]
fn cases() {
    insta::glob!("cases/fmt/*.delib", |path| {
        let source = std::fs::read_to_string(path).expect("case");
        let shown = match format(&source) {
            Ok(text) => text,
            Err(FormatError::Errors(errors)) => {
                let codes: Vec<String> = errors.iter().map(|e| e.code.as_str()).collect();
                format!("laissé tel quel : {}\n", codes.join(", "))
            }
            Err(FormatError::WouldChangeMeaning) => "le sens changerait\n".to_string(),
        };
        insta::assert_snapshot!(format!("{source}\n---- tarif fmt ----\n{shown}"));
    });
}

/// The layout of `text` hidden: margins of tabs and spaces, spaces around the pipes
/// and at the ends of lines, CRLF; what a line says untouched.
fn hide(text: &str, noise: &[u8]) -> String {
    let mut out = String::new();
    let mut k = 0;
    let mut next = || {
        k += 1;
        noise.get(k % noise.len().max(1)).copied().unwrap_or(0)
    };
    for line in text.lines() {
        let content = line.trim();
        let margin = ["", " ", "  ", "\t", "    ", "\t  ", "      "][next() as usize % 7];
        let content = if content.starts_with('|') && !content.contains('#') {
            let pad = ["", " ", "   ", "\t"][next() as usize % 4];
            let cells: Vec<String> = content
                .split('|')
                .map(|c| match c.trim() {
                    "" => String::new(),
                    c => format!("{pad}{c}{}", [" ", "", "  "][next() as usize % 3]),
                })
                .collect();
            cells.join("|")
        } else {
            content.to_string()
        };
        let end = ["", " ", "\t", "  "][next() as usize % 4];
        let newline = if next() % 5 == 0 { "\r\n" } else { "\n" };
        if content.is_empty() {
            out.push_str(newline);
        } else {
            out.push_str(&format!("{margin}{content}{end}{newline}"));
        }
    }
    out
}

/// A deliberation of `tranches` rows and a few modifiers, its bounds and amounts from
/// `seed`: amounts with 0, 1 or 2 decimals, bounds with thousands.
fn generated(seed: u64, tranches: usize) -> String {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    let mut text = format!(
        "délibération « Tarifs générés {seed} »\n  collectivité « Commune {seed} »\n  \
         applicable du 01/09/2026 au 31/08/2027\n\nentrées\n  qf : montant entier, certifié \
         CAF.quotient_familial\n  résidence : choix parmi commune, hors commune\n  pai : \
         booléen, par défaut non\n\narticle 1 « Prix »\n  tarif repas (par repas)\n  grille \
         selon qf\n    | qf | repas |\n"
    );
    let amount = |cents: u64, style: u64| match style {
        0 => format!("{},{:02} €", cents / 100, cents % 100),
        1 => format!("{},{} €", cents / 100, cents % 100 / 10),
        _ => format!("{} €", cents / 100),
    };
    let french = |n: u64| {
        if n >= 1000 {
            format!("{} {:03}", n / 1000, n % 1000)
        } else {
            n.to_string()
        }
    };
    let mut bound = 100 + next(400);
    let mut cents = 50 + next(200);
    text.push_str(&format!(
        "    | jusqu'à {} € | {} |\n",
        french(bound),
        amount(cents, next(3))
    ));
    for _ in 1..tranches {
        let upper = bound + 1 + next(900);
        cents += 10 + next(500);
        text.push_str(&format!(
            "    | de {} à {} € | {} |\n",
            french(bound + 1),
            french(upper),
            amount(cents, next(3))
        ));
        bound = upper;
    }
    cents += next(300);
    text.push_str(&format!(
        "    | plus de {} € | {} |\n    | inconnu | {} |\n",
        french(bound),
        amount(cents, 0),
        amount(cents, 0)
    ));
    text.push_str(&format!(
        "  repas : majoration de {} % si résidence = hors commune   « hors commune »\n  \
         # le panier repas\n  repas : réduction de 50 % si pai\n  repas : arrondi au centime\n",
        5 + next(40)
    ));
    text
}

#[test]
fn generated_deliberations_are_valid() {
    for seed in 0..20 {
        let text = generated(seed, 1 + seed as usize % 9);
        let compiled = tarif::compile(&text);
        assert!(!compiled.has_errors(), "{text}\n{:?}", compiled.diagnostics);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the hidden layout, the same text comes out: the layout of the file
    /// itself; and it says what the file says.
    #[test]
    fn a_hidden_layout_comes_out_as_the_one_layout(
        seed in any::<u64>(),
        tranches in 1usize..12,
        noise in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let text = generated(seed, tranches);
        let laid_out = format(&text).expect("a valid deliberation");
        let hidden = hide(&text, &noise);
        prop_assert_eq!(format(&hidden), Ok(laid_out.clone()), "{}", hidden);
        prop_assert!(same_meaning(&hidden, &laid_out));
    }

    /// The same on the real deliberations and test cases that have no error.
    #[test]
    fn real_files_with_a_hidden_layout(
        pick in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let files: Vec<String> = every_file()
            .into_iter()
            .map(|(_, text)| text)
            .filter(|text| !tarif::compile(text).has_errors())
            .collect();
        let text = pick.get(&files);
        let laid_out = format(text).expect("a valid deliberation");
        let hidden = hide(text, &noise);
        prop_assert_eq!(format(&hidden), Ok(laid_out.clone()), "{}", hidden);
    }
}

#[test]
fn the_command_writes_checks_and_refuses() {
    let folder = std::env::temp_dir().join(format!("tarif-fmt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/fmt");
    for name in ["desordre.delib", "trou.delib"] {
        std::fs::copy(cases.join(name), folder.join(name)).expect("copy");
    }
    let messy = folder.join("desordre.delib");
    let broken = folder.join("trou.delib");
    let before = std::fs::read_to_string(&messy).expect("read");
    let path = |p: &Path| p.to_string_lossy().to_string();
    // --check: says which file would change, writes nothing, exit 1.
    let (out, err, status) = tarif(&["fmt", "--check", &path(&messy)], None);
    assert_eq!(status, 1, "{out}{err}");
    assert!(out.contains("à mettre en forme"), "{out}");
    assert_eq!(std::fs::read_to_string(&messy).expect("read"), before);
    // Written in place, then already laid out.
    let (out, err, status) = tarif(&["formater", &path(&messy)], None);
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("mis en forme"), "{out}");
    let after = std::fs::read_to_string(&messy).expect("read");
    assert_ne!(after, before);
    assert!(same_meaning(&before, &after));
    let (_, err, status) = tarif(&["fmt", "--check", &path(&messy)], None);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("0 fichier(s) à mettre en forme, 1 déjà en forme"),
        "{err}"
    );
    // A file with errors: left as it is, its diagnostics said.
    let broken_before = std::fs::read_to_string(&broken).expect("read");
    let (_, err, status) = tarif(&["fmt", &path(&broken)], None);
    assert_eq!(status, 1);
    assert!(
        err.contains("E030") && err.contains("laissé tel quel"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        broken_before
    );
    // The standard input, for editors.
    let (out, _, status) = tarif(&["fmt", "-"], Some(&before));
    assert_eq!(status, 0);
    assert_eq!(out, after);
    let _ = std::fs::remove_dir_all(&folder);
}
