//! The TextMate grammar of `editeurs/vscode/` run by VS Code's own engine
//! (vscode-textmate and vscode-oniguruma, installed from npm by `.ci/run`) on every
//! deliberation: sections, labels, comments, amounts, dates, grid pipes and keywords
//! get their scopes, and a `#` inside a label is no comment.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `(line, text, scopes)` of each token of `file`; `None` where node or the npm
/// packages are missing (said), an error where `.ci/run` requires them.
fn tokens(file: &Path) -> Option<Vec<(usize, String, String)>> {
    let modules = root().join("target/navigateur/node_modules");
    let output = Command::new("node")
        .arg(root().join("editeurs/vscode/essai.js"))
        .arg(file)
        .env("NODE_PATH", &modules)
        .output();
    let required = std::env::var("TARIF_NAVIGATEUR").is_ok_and(|v| v == "obligatoire");
    match output {
        Ok(output) if output.status.success() => Some(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|l| {
                    let mut parts = l.splitn(3, '\t');
                    Some((
                        parts.next()?.parse().ok()?,
                        parts.next()?.to_string(),
                        parts.next()?.to_string(),
                    ))
                })
                .collect(),
        ),
        other => {
            assert!(!required, "grammaire non essayée : {other:?}");
            eprintln!(
                "grammaire sautée : node ou vscode-textmate absent ({})",
                modules.display()
            );
            None
        }
    }
}

fn scope_of<'t>(tokens: &'t [(usize, String, String)], line: usize, text: &str) -> &'t str {
    tokens
        .iter()
        .find(|(l, t, _)| *l == line && t.trim() == text)
        .map_or("", |(_, _, s)| s.as_str())
}

#[test]
fn the_grammar_colours_what_a_deliberation_holds() {
    let Some(tokens) = tokens(&root().join("deliberations/exempleville-cantine.delib")) else {
        return;
    };
    assert!(
        scope_of(
            &tokens,
            1,
            "# Délibération du conseil municipal d'Exempleville — restauration scolaire"
        )
        .contains("comment.line")
    );
    assert!(scope_of(&tokens, 2, "délibération").contains("keyword.control.section"));
    assert!(
        scope_of(&tokens, 2, "Tarifs de la restauration scolaire 2025-2026")
            .contains("string.quoted")
    );
    assert!(scope_of(&tokens, 6, "01/09/2025").contains("constant.other.date"));
    assert!(scope_of(&tokens, 9, "montant entier").contains("storage.type"));
    assert!(scope_of(&tokens, 9, "CAF.quotient_familial").contains("support.constant.certified"));
    assert!(scope_of(&tokens, 25, "|").contains("punctuation.separator.table"));
    assert!(scope_of(&tokens, 25, "0,80 €").contains("constant.numeric"));
    assert!(scope_of(&tokens, 36, "majoration").contains("keyword.other.modifier"));
    assert!(scope_of(&tokens, 36, "30 %").contains("constant.numeric"));
    assert!(scope_of(&tokens, 47, "attendu").contains("keyword.other.declaration"));
}

#[test]
fn the_grammar_colours_a_reglement_de_facturation() {
    let file = root().join("deliberations/vatteville-la-rue-periscolaire.delib");
    let Some(tokens) = tokens(&file) else {
        return;
    };
    let text = std::fs::read_to_string(&file).expect("file");
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("line")
    };
    assert!(
        scope_of(&tokens, line_of("facturation de"), "facturation")
            .contains("keyword.other.billing")
    );
    assert!(scope_of(&tokens, line_of("durée par"), "durée").contains("keyword.other.billing"));
    assert!(
        scope_of(&tokens, line_of("absent : gratuit"), "gratuit").contains("keyword.other.billing")
    );
}

#[test]
fn every_deliberation_is_coloured_and_a_hash_in_a_label_is_no_comment() {
    let folder = std::env::temp_dir().join(format!("tarif-grammaire-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    let file = folder.join("diese.delib");
    std::fs::write(
        &file,
        "délibération « Tarif n° 3 # bis »\n  applicable du 01/09/2026 # un commentaire\n",
    )
    .expect("write");
    let Some(found) = tokens(&file) else {
        return;
    };
    assert!(
        scope_of(&found, 1, "Tarif n° 3 # bis").contains("string.quoted"),
        "{found:?}"
    );
    assert!(
        scope_of(&found, 2, "# un commentaire").contains("comment.line"),
        "{found:?}"
    );
    let _ = std::fs::remove_dir_all(&folder);
    for entry in std::fs::read_dir(root().join("deliberations"))
        .expect("folder")
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "delib") {
            let found = tokens(&path).expect("tokens");
            let text = std::fs::read_to_string(&path).expect("read");
            // Every line that holds something is tokenized, and every section head
            // is one.
            for (n, line) in text.lines().enumerate() {
                let head = ["délibération", "entrées", "article", "exemple"]
                    .iter()
                    .find(|h| line.starts_with(*h));
                if let Some(head) = head {
                    let first = found
                        .iter()
                        .find(|(l, t, _)| *l == n + 1 && t.starts_with(*head));
                    assert!(
                        first.is_some_and(|(_, _, scopes)| scopes.contains("section")),
                        "{}:{}",
                        path.display(),
                        n + 1
                    );
                }
            }
        }
    }
}
