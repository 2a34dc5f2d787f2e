//! `tarif fmt`: deliberations laid out the one way (`src/format.rs`), in place; with
//! `--check`, only said; `-` formats the standard input to the standard output (for
//! editors).

use std::io::{IsTerminal, Read, Write};

use tarif::format::{FormatError, format};

use super::files;
use super::{FAILURE, FmtArgs, SUCCESS, USAGE};

pub fn run(args: &FmtArgs) -> u8 {
    if args.files.len() == 1 && args.files[0].as_os_str() == "-" {
        return standard_input();
    }
    let paths = match files::deliberations(&args.files) {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("erreur : {error}");
            return USAGE;
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut status = SUCCESS;
    let (mut changed, mut unchanged) = (0, 0);
    for path in &paths {
        let shown = path.display().to_string();
        let source = match files::read(path) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("erreur : {error}");
                status = USAGE;
                continue;
            }
        };
        match format(&source) {
            Ok(text) if text == source => unchanged += 1,
            Ok(_) if args.check => {
                println!("à mettre en forme : {shown}");
                changed += 1;
                status = status.max(FAILURE);
            }
            Ok(text) => match write_in_place(path, &text) {
                Ok(()) => {
                    println!("mis en forme : {shown}");
                    changed += 1;
                }
                Err(e) => {
                    eprintln!(
                        "erreur : {shown} n'a pas pu être écrit ({})",
                        super::io_french(&e)
                    );
                    status = USAGE;
                }
            },
            Err(error) => {
                refused(&shown, &source, &error, color);
                status = status.max(FAILURE);
            }
        }
    }
    let verb = if args.check {
        "à mettre en forme"
    } else {
        "mis en forme"
    };
    eprintln!("{} fichier(s) {verb}, {} déjà en forme", changed, unchanged);
    status
}

/// `tarif fmt -`: the standard input laid out on the standard output; the text as it
/// was when it cannot be (its errors on the standard error).
fn standard_input() -> u8 {
    let mut source = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut source) {
        eprintln!(
            "erreur : l'entrée standard ne se lit pas ({})",
            super::io_french(&e)
        );
        return USAGE;
    }
    let (text, status) = match format(&source) {
        Ok(text) => (text, SUCCESS),
        Err(error) => {
            refused("-", &source, &error, false);
            (source, FAILURE)
        }
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => status,
        Err(_) => USAGE,
    }
}

/// Why a file is left as it is, on the standard error.
fn refused(shown: &str, source: &str, error: &FormatError, color: bool) {
    match error {
        FormatError::Errors(diagnostics) => {
            eprint!(
                "{}",
                tarif::report::to_text(shown, source, diagnostics, color)
            );
            eprintln!(
                "{shown} : laissé tel quel, {} erreur(s) à corriger d'abord",
                diagnostics.len()
            );
        }
        FormatError::WouldChangeMeaning => eprintln!(
            "{shown} : laissé tel quel, sa mise en forme changerait ce qu'il dit \
             (une erreur de tarif fmt : signalez-la avec le fichier)"
        ),
    }
}

/// Writes `text` over `path` at once: beside it, then renamed (the service never reads
/// half a file), with the file's permissions.
fn write_in_place(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".tarif-fmt-")
        .tempfile_in(folder)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(temporary.path(), metadata.permissions());
    }
    temporary.persist(path).map(|_| ()).map_err(|e| e.error)
}
