//! Every snippet of docs/guide.md is checked: deliberations compile and pass their
//! examples, erroneous ones give the code the guide announces, and the diagnostics and
//! justifications the guide shows are what `tarif` prints.

use std::path::Path;

use tarif::document::Document;

/// The fenced blocks of a Markdown text: (info string, content).
fn blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, content)), None) => {
                content.push_str(line);
                content.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn every_snippet_of_the_guide_is_right() {
    check_guide("docs/guide.md", 10);
}

#[test]
fn every_snippet_of_copying_a_published_grid_is_right() {
    check_guide("docs/recopier-une-grille.md", 4);
}

/// Checks every snippet of a guide page; at least `least` of them.
fn check_guide(page: &str, least: usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(page);
    let guide = std::fs::read_to_string(path).expect(page);
    let mut last_valid: Option<Document> = None;
    let mut last_error: Option<(String, String)> = None;
    let mut last_family: Option<String> = None;
    let mut last_days: Option<String> = None;
    let mut checked = 0;
    for (info, content) in blocks(&guide) {
        if info == "delib" {
            let document = match Document::from_source(&content) {
                Ok(document) => document,
                Err(_) => panic!("snippet has errors:\n{content}"),
            };
            let (outcomes, _) = tarif::eval::examples::run(&document.deliberation);
            for outcome in &outcomes {
                for check in &outcome.checks {
                    assert!(check.passed(), "example fails in:\n{content}\n{check:?}");
                }
                for check in &outcome.invoices {
                    assert!(check.passed(), "invoice fails in:\n{content}\n{check:?}");
                }
            }
            last_valid = Some(document);
        } else if let Some(code) = info.strip_prefix("delib-erreur ") {
            let compiled = tarif::compile(&content);
            assert!(
                compiled.diagnostics.iter().any(|d| d.code.as_str() == code),
                "{code} expected from:\n{content}"
            );
            let text =
                tarif::report::to_text("cantine.delib", &content, &compiled.diagnostics, false);
            last_error = Some((code.to_string(), text));
        } else if info == "csv" {
            last_days = Some(content.clone());
            continue;
        } else if content.starts_with("Facture ") {
            let document = last_valid
                .as_ref()
                .expect("an invoice follows a deliberation");
            let family = last_family.as_ref().expect("an invoice follows a family");
            let days = last_days.as_ref().expect("an invoice follows its days");
            let d = &document.deliberation;
            let read = tarif::inputs::read_family(d, family);
            let days = tarif::billing::days::read(days);
            assert!(days.errors.is_empty(), "{:?}", days.errors);
            assert!(days.header_errors.is_empty(), "{:?}", days.header_errors);
            let month = tarif::billing::invoice::Month::parse("2025-10").expect("month");
            let invoice = tarif::billing::invoice::invoice(d, &read, &days.days, month);
            let text = tarif::billing::render::to_text(document, &invoice);
            for line in content.lines() {
                assert!(
                    text.contains(line.trim_end()),
                    "shown line not printed: {line}\n---\n{text}"
                );
            }
        } else if info == "json" {
            serde_json::from_str::<serde_json::Value>(&content).expect("JSON snippet");
            last_family = Some(content.clone());
        } else if content.starts_with("[E") || content.starts_with("[W") {
            let (_, text) = last_error
                .as_ref()
                .expect("a diagnostic follows an erroneous snippet");
            for line in content.lines() {
                assert!(
                    text.contains(line.trim_end()),
                    "shown line not printed: {line}\n---\n{text}"
                );
            }
        } else if content.starts_with("Tarif «") || content.starts_with("Délibération «") {
            let document = last_valid
                .as_ref()
                .expect("a justification follows a deliberation");
            let family = last_family
                .as_ref()
                .expect("a justification follows a family");
            let d = &document.deliberation;
            let read = tarif::inputs::read_family(d, family);
            let date = tarif::eval::service_date(&read.family, None, d.meta.applicable_from);
            let priced = tarif::eval::price_all(d, &read.family, date, &[], true);
            let text = tarif::report::result::to_text(document, &read, date, &priced);
            for line in content.lines().filter(|l| !l.contains('…')) {
                assert!(
                    text.contains(line.trim_end()),
                    "shown line not printed: {line}\n---\n{text}"
                );
            }
        } else {
            continue;
        }
        checked += 1;
    }
    assert!(checked >= least, "{checked} snippets checked in {page}");
}
