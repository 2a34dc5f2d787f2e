//! `tarif annexe` on every deliberation of `deliberations/`: one self-contained French
//! page showing every row and every price of every grid, every article, every worked
//! example with its expected price, the curves, and the empreinte.

mod common;

use common::tarif;
use tarif::document::Document;
use tarif::report::justification::amount;
use tarif::rules::{ExprKind, Value};

/// The text of an HTML page with its tags removed and its entities read.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn the_annexe_shows_every_grid_every_article_and_every_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    let mut files: Vec<_> = std::fs::read_dir(root.join("deliberations"))
        .expect("deliberations")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "delib"))
        .collect();
    files.sort();
    for path in files {
        let shown = path.display().to_string();
        let (html, err, status) = tarif(&["annexe", &shown], None);
        assert_eq!(status, 0, "{shown}: {err}");
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"fr\">"),
            "{shown}"
        );
        for outside in ["<script", "<link", "src=", "href=\"http", "url("] {
            assert!(
                !html.contains(outside),
                "{shown}: the page loads nothing ({outside})"
            );
        }
        let source = std::fs::read_to_string(&path).expect("source");
        let document = Document::from_source(&source).expect("valid");
        let d = &document.deliberation;
        let text = text_of(&html);
        assert!(text.contains(&document.empreinte), "{shown}: empreinte");
        assert!(text.contains(&d.meta.title), "{shown}: title");
        for article in &d.articles {
            let title = match &article.title {
                Some(t) => format!("Article {} — {t}", article.number),
                None => format!("Article {}", article.number),
            };
            assert!(text.contains(&title), "{shown}: {title}");
        }
        for table in &d.tables {
            for row in &table.rows {
                // As written, a value of a `choix` with spaces for `_` (`cycle 1`).
                assert!(
                    text.contains(&row.written.replace('_', " ")),
                    "{shown}: row « {} »",
                    row.written
                );
                for cell in row.cells.iter().flatten() {
                    if let ExprKind::Const(Value::Number(n)) = cell.kind {
                        let price = amount(n);
                        let as_rate =
                            format!("{} %", (n * rust_decimal::Decimal::ONE_HUNDRED).normalize())
                                .replace('.', ",");
                        let plain = n.normalize().to_string().replace('.', ",");
                        assert!(
                            text.contains(&format!(" {price} "))
                                || text.contains(&as_rate)
                                || text.contains(&format!(" {plain} ")),
                            "{shown}: the price {price} of the row « {} »",
                            row.written
                        );
                    }
                }
            }
        }
        // What the council reads uses the deliberation's labels, never the file's
        // names (`quotient_caf`, `hors_commune`).
        let identifiers: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| w.contains('_'))
            .collect();
        assert_eq!(identifiers, Vec::<&str>::new(), "{shown}");
        for example in &d.examples {
            assert!(
                text.contains(example.name.as_str()),
                "{shown}: example « {} »",
                example.name
            );
            for (_, expected, _) in &example.expected {
                assert!(
                    text.contains(&amount(*expected)),
                    "{shown}: expected {}",
                    amount(*expected)
                );
            }
        }
        assert!(
            !html.contains("(diffère)"),
            "{shown}: every example's price is computed right"
        );
        // The grids on the quotient have their curve.
        let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
        if [
            "exempleville-cantine",
            "bubry-cantine",
            "grand-perigueux-alsh",
        ]
        .contains(&name)
        {
            assert!(
                html.contains("<figure class=\"courbe\"><svg"),
                "{shown}: a curve"
            );
        }
        seen += 1;
    }
    assert!(seen >= 10, "{seen} deliberations");
}

#[test]
fn a_compiled_document_is_refused_with_a_french_message() {
    let (compiled, err, status) = tarif(
        &[
            "compile",
            "deliberations/exempleville-cantine.delib",
            "-o",
            "-",
        ],
        None,
    );
    assert_eq!(status, 0, "{err}");
    let path = std::env::temp_dir().join(format!("tarif-annexe-{}.json", std::process::id()));
    std::fs::write(&path, compiled).expect("write");
    let (_, err, status) = tarif(&["annexe", &path.to_string_lossy()], None);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("(.delib)"), "{err}");
    let _ = std::fs::remove_file(path);
}
