//! Property tests: reading and checking never panic, whatever the text, and on random
//! mutations of valid deliberations (deleted, duplicated and swapped lines and
//! characters).

use std::path::Path;

use proptest::prelude::*;

/// The texts of every deliberation and test case, to mutate.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for folder in [
        "deliberations",
        "tests/cases/diagnostics",
        "tests/cases/grids",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "delib"))
            .collect();
        paths.sort();
        texts.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    }
    assert!(!texts.is_empty());
    texts
}

/// Compiles and renders both ways: nothing may panic.
fn exercise(source: &str) {
    let compiled = tarif::compile(source);
    let _ = tarif::report::to_text("f.delib", source, &compiled.diagnostics, false);
    let _ = tarif::report::to_json("f.delib", source, &compiled.diagnostics);
    if compiled.deliberation.is_some() {
        assert!(!compiled.has_errors());
    }
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    DeleteChar(usize),
    DuplicateChar(usize),
    SwapChars(usize, usize),
    InsertChar(usize, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(vec![
        '|', '«', '»', '€', '%', ':', '=', ';', '(', ')', '#', '\n', ' ', '0', '9', ',', '-', '—',
        'é', 'x',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::DeleteChar),
        any::<usize>().prop_map(Mutation::DuplicateChar),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapChars(a, b)),
        (any::<usize>(), token).prop_map(|(a, c)| Mutation::InsertChar(a, c)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let mut chars: Vec<char> = text.chars().collect();
    let n = lines.len().max(1);
    let m = chars.len().max(1);
    match *mutation {
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let line = lines[i % n];
            lines.insert(i % n, line);
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::DeleteChar(i) if !chars.is_empty() => {
            chars.remove(i % m);
            return chars.into_iter().collect();
        }
        Mutation::DuplicateChar(i) if !chars.is_empty() => {
            chars.insert(i % m, chars[i % m]);
            return chars.into_iter().collect();
        }
        Mutation::SwapChars(a, b) if !chars.is_empty() => {
            chars.swap(a % m, b % m);
            return chars.into_iter().collect();
        }
        Mutation::InsertChar(i, c) => {
            chars.insert(i % m, c);
            return chars.into_iter().collect();
        }
        _ => {}
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn text_made_of_language_tokens_never_panics(
        words in prop::collection::vec(prop::sample::select(vec![
            "délibération", "« t »", "applicable du 01/09/2025", "entrées", "article 1",
            "tarif", "repas", "(par repas)", "=", ":", "grille selon", "qf", "|", "de", "à",
            "moins de", "plus de", "400", "1 500,25", "€", "%", "si", "alors", "sinon", "et",
            "ou", "non", "est connu", "inconnu", "autre", "—", "majoration", "réduction",
            "arrondi", "au centime", "la plus favorable de", "-", "min(", ";", ")", "\n",
            "montant entier", "choix parmi a, b", "exemple « e »", "attendu", "date",
            "jusqu'au 31/12/2025", "borné(", "entre", "31/02/2025",
        ]), 0..60)
    ) {
        exercise(&words.join(" "));
    }

    #[test]
    fn mutated_deliberations_never_panic(
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let texts = corpus();
        let mut text = texts[file.index(texts.len())].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        exercise(&text);
    }
}

/// A statement of `n` nested copies of `open … close` around `1 €`.
fn nested(open: &str, close: &str, n: usize) -> String {
    format!(
        "délibération « x »\n  applicable du 01/09/2025\narticle 1 « a »\n  tarif r (par r) = {}1 €{}\n",
        open.repeat(n),
        close.repeat(n)
    )
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        nested("(", ")", 3000),
        nested("si oui alors 1 € sinon ", "", 3000),
        nested("", " + 1 €", 5000),
        nested("- ", "", 5000),
        nested("min(", " ; 1 €)", 3000),
    ] {
        let compiled = tarif::compile(&text);
        assert!(compiled.has_errors());
    }
}

#[test]
fn the_deepest_accepted_expression_is_checked() {
    // Just under the limits: accepted, and checked on a test thread's small stack.
    for text in [
        nested("(", ")", 70),
        nested("", " + 1 €", 195),
        nested("max(", " ; 1 €)", 80),
        nested("si oui alors 1 € sinon ", "", 195),
    ] {
        let compiled = tarif::compile(&text);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics.first());
    }
}

/// A byte-order mark before a deliberation changes nothing.
#[test]
fn a_byte_order_mark_is_ignored() {
    for text in corpus() {
        let plain = tarif::compile(&text);
        let marked = tarif::compile(&format!("\u{feff}{text}"));
        assert_eq!(plain.has_errors(), marked.has_errors());
        assert_eq!(plain.diagnostics.len(), marked.diagnostics.len());
    }
}
