//! What several test files share: running the `tarif` binary.

use std::process::Command;

#[cfg(feature = "serveur")]
#[allow(dead_code)] // Only the tests of `tarif serve` start it.
pub mod server;

#[cfg(feature = "serveur")]
#[allow(dead_code)] // Only the tests of the pages drive a browser.
pub mod browser;

#[cfg(feature = "serveur")]
#[allow(dead_code)] // Only the tests of `tarif serve`'s answers read its OpenAPI.
pub mod openapi;

#[allow(dead_code)] // Only the tests of `tarif facture` invoice a month.
pub mod facture;

/// A deliberation with a gap in its grid (E030 at line 12), as an agent types it: the
/// workshop's and the language server's tests.
#[allow(dead_code)] // Only the tests of the editors use it.
pub const GAPPED: &str = r#"délibération « Cantine de l'atelier »
  applicable du 01/09/2026

entrées
  qf : montant entier, obligatoire

article 1 « Prix »
  tarif repas (par repas)
  grille selon qf
    | qf | repas |
    | jusqu'à 500 € | 1,20 € |
    | de 600 à 900 € | 2,00 € |
    | plus de 900 € | 3,00 € |

exemple « QF 700 »
  qf = 700
  attendu repas = 2,00 €
"#;

/// Runs `tarif` with `args` in the project's folder, `stdin` on its standard input:
/// its standard output, standard error and exit status.
#[allow(dead_code)] // Not every test file runs the command.
pub fn tarif(args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tarif"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the tarif binary runs");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(text.as_bytes()).expect("stdin");
    }
    drop(child.stdin.take());
    let output = child.wait_with_output().expect("tarif ends");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

/// The cantine of Exempleville as voted the year before (2024-2025), with `changes`
/// (`(as written now, as written then)`) applied to its text.
#[allow(dead_code)] // Not every test file prices two versions.
pub fn cantine_year_before(changes: &[(&str, &str)]) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deliberations/exempleville-cantine.delib");
    let current = std::fs::read_to_string(path).expect("deliberation");
    let mut previous = current.replace(
        "applicable du 01/09/2025 au 31/08/2026",
        "applicable du 01/09/2024 au 31/08/2025",
    );
    for (now, then) in changes {
        assert!(previous.contains(now), "« {now} » is in the cantine");
        previous = previous.replace(now, then);
    }
    previous
}
