//! `tarif check`: every diagnostic of every file, and an exit status.

use std::io::{IsTerminal, Write};

use super::files;
use super::{CheckArgs, ColorChoice, FAILURE, Format, SUCCESS, USAGE};

pub fn run(args: &CheckArgs) -> u8 {
    let paths = match files::deliberations(&args.files) {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("erreur : {error}");
            return USAGE;
        }
    };
    let color = match args.couleur {
        ColorChoice::Toujours => true,
        ColorChoice::Jamais => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut status = SUCCESS;
    let mut json = Vec::new();
    let mut out = std::io::stdout().lock();
    for path in &paths {
        let source = match files::read(path) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("erreur : {error}");
                status = USAGE;
                continue;
            }
        };
        let shown = path.display().to_string();
        let compiled = tarif::compile(&source);
        if compiled.has_errors() && status == SUCCESS {
            status = FAILURE;
        }
        match args.format {
            Format::Json => {
                if let serde_json::Value::Array(items) =
                    tarif::report::to_json(&shown, &source, &compiled.diagnostics)
                {
                    json.extend(items);
                }
            }
            Format::Texte => {
                let text = tarif::report::to_text(&shown, &source, &compiled.diagnostics, color);
                let written = write!(out, "{text}")
                    .and_then(|()| writeln!(out, "{}", summary(&shown, &compiled.diagnostics)));
                if let Err(e) = written {
                    eprintln!(
                        "erreur : écriture sur la sortie standard impossible ({})",
                        super::io_french(&e)
                    );
                    return USAGE;
                }
            }
        }
    }
    if args.format == Format::Json {
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        if let Err(e) = writeln!(out, "{text}") {
            eprintln!(
                "erreur : écriture sur la sortie standard impossible ({})",
                super::io_french(&e)
            );
            return USAGE;
        }
    }
    if let Err(e) = out.flush() {
        eprintln!(
            "erreur : écriture sur la sortie standard impossible ({})",
            super::io_french(&e)
        );
        return USAGE;
    }
    status
}

/// `deliberations/cantine.delib : aucune erreur, 1 avertissement`
fn summary(path: &str, diagnostics: &[tarif::Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let count = |n: usize, word: &str| match n {
        0 => format!("aucun{} {word}", if word == "erreur" { "e" } else { "" }),
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    };
    format!(
        "{path} : {}, {}",
        count(errors, "erreur"),
        count(warnings, "avertissement")
    )
}
